"""The reader page of a 2,000-sentence document in Chromium: size, first render, scrolling.

The document is the three articles of ``texts/*.es.txt``, translated with Apertium
(or, without it, tagged copies of the Spanish), repeated block by block until it
has 2,000 sentences. Measured, each the median of ``--runs`` fresh pages:

* Python: time to render the page (``bireader.formats.html.render``), file size.
* Chromium: first contentful paint, DOMContentLoaded, load end (Performance API),
  and a mode switch with the reading position kept.
* Scrolling: the page scrolled top to bottom in steps of 120 px, one step per
  ``requestAnimationFrame``; frame intervals reported (mean, p95, max, frames
  over 50 ms = "long", over 25 ms = "janky"), and Chromium's Long Animation
  Frame entries (frames whose main-thread work took over 50 ms: the page's own
  cost, less sensitive than intervals to other load on the machine).

Baseline: the same sentences as a plain page (``<p>`` paragraphs, no CSS, no JS);
the reader's figures are printed with their ratio to it.

Word study (issue 8's bar): the same page with every Spanish word explained
(``bireader.analyze``, real Apertium; without it, one plain word per token), its first
contentful paint against the page without words (bar: at most 1.5x), and the
alternative that was not chosen: every word wrapped in a ``<span>`` by the server
instead of lazily, sentence by sentence, by the page's script. Also the time from a
click on a word to its card on screen.

Run: .venv/bin/python benchmarks/html_render.py [--sentences 2000] [--runs 5] [--words-only]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import bireader
from bireader.errors import EngineError
from bireader.formats import html
from bireader.model import BilingualDocument, Block, Document, Pair, Provenance, Sentence, Word
from bireader.testing import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]

TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {fcp: fcp ? fcp.startTime : null, dcl: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd};
}"""

SCROLL = """() => new Promise(resolve => {
  const el = document.scrollingElement, frames = [], loaf = [];
  // Long Animation Frames: main-thread work per frame, less sensitive to other load.
  const observer = new PerformanceObserver(
    list => loaf.push(...list.getEntries().map(e => e.duration)));
  observer.observe({type: 'long-animation-frame'});
  el.scrollTop = 0;
  let last = null;
  function tick(now) {
    if (last !== null) { frames.push(now - last); }
    last = now;
    if (el.scrollTop + innerHeight >= el.scrollHeight - 1) {
      setTimeout(() => { observer.disconnect(); resolve({frames, loaf}); }, 100);
      return;
    }
    el.scrollTop += 120;
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})"""

SHOW_ALL = """() => {
  const t0 = performance.now();
  document.getElementById('all').click();
  void document.documentElement.offsetHeight;
  return performance.now() - t0;
}"""

SWITCH = """(mode) => {
  const t0 = performance.now();
  document.querySelector(`button.mode[data-mode="${mode}"]`).click();
  document.body.getBoundingClientRect();
  void document.documentElement.offsetHeight;
  return performance.now() - t0;
}"""


def large_document(sentences: int) -> BilingualDocument:
    """The repo's articles, translated once, repeated block by block to ``sentences`` pairs."""
    parts: list[BilingualDocument] = []
    for path in sorted((REPO / "texts").glob("*.es.txt")):
        document = bireader.read(path)
        try:
            parts.append(bireader.translate(document, engine="apertium"))
        except EngineError:
            tagged = tuple(
                Pair(s, f"[en] {s.text}", i, block.kind, "none")
                for i, block in enumerate(document.blocks)
                for s in block.sentences
            )
            parts.append(BilingualDocument(document, tagged, Provenance("none", "0")))
    text = ""
    blocks: list[Block] = []
    pairs: list[Pair] = []
    while len(pairs) < sentences:
        for part in parts:
            for block, block_pairs in part.blocks():
                if len(pairs) >= sentences:
                    break
                if not block_pairs:
                    continue
                text += "\n\n" if text else ""
                start, spans = len(text), list[Sentence]()
                for n, pair in enumerate(block_pairs[: sentences - len(pairs)]):
                    text += " " if n else ""
                    sentence = Sentence(
                        pair.source.text, len(text), len(text) + len(pair.source.text)
                    )
                    text += pair.source.text
                    spans.append(sentence)
                    pairs.append(replace(pair, source=sentence, block_index=len(blocks)))
                blocks.append(Block(block.kind, start, len(text), tuple(spans)))
    document = Document(text, tuple(blocks), "es", None, "benchmark.es.txt")
    return BilingualDocument(document, tuple(pairs), parts[0].provenance)


def plain_page(bi: BilingualDocument) -> str:
    """Baseline: the same sentences, one <p> per block per language, no CSS or JS."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(
        "<html><head><meta charset='utf-8'><title>plain</title></head><body></body></html>"
    )
    body = root.find("body")
    if body is None:
        raise RuntimeError("lxml lost the <body>")
    for _, block_pairs in bi.blocks():
        for attr in ("source", "target"):
            p = lxml_html.Element("p")
            p.text = " ".join(
                pr.source.text if attr == "source" else pr.target for pr in block_pairs
            )
            body.append(p)
    return str(lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode"))


def measure(browser: Any, path: Path, *, reader: bool) -> dict[str, float]:
    """One fresh page: load timings, a scroll to the bottom, mode switches (reader only)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)  # paint entries land after load
    timing = page.evaluate(TIMING)
    result = {key: timing[key] for key in ("fcp", "dcl", "load") if timing[key] is not None}
    scroll = page.evaluate(SCROLL)
    frames = sorted(scroll["frames"])
    result.update(
        height=page.evaluate("document.scrollingElement.scrollHeight"),
        frames=len(frames),
        frame_mean=statistics.fmean(frames),
        frame_p95=frames[int(0.95 * (len(frames) - 1))],
        frame_max=frames[-1],
        janky=sum(f > 25 for f in frames),
        long=sum(f > 50 for f in frames),
        loaf=len(scroll["loaf"]),
        loaf_ms=sum(scroll["loaf"]),
    )
    if reader:
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight / 2)")
        for mode in ("interlinear", "reveal", "side-by-side"):
            result[f"switch_{mode}"] = page.evaluate(SWITCH, mode)
            if mode == "reveal":
                result["show_all"] = page.evaluate(SHOW_ALL)
    context.close()
    return result


def with_words(bi: BilingualDocument) -> tuple[BilingualDocument, str]:
    """``bi`` with its words explained, and what explained them."""
    import re

    try:
        return bireader.analyze(bi), "bireader.analyze (apertium)"
    except EngineError:
        pairs = tuple(
            replace(
                pair,
                words=tuple(
                    Word(
                        m.group(),
                        pair.source.start + m.start(),
                        pair.source.start + m.end(),
                        m.group().lower(),
                        "NOUN",
                        "Number=Sing",
                        (m.group().lower(),),
                    )
                    for m in re.finditer(r"\w+", pair.source.text)
                ),
            )
            for pair in bi.pairs
        )
        return replace(bi, pairs=pairs), "one plain word per token (no apertium)"


def server_wrapped(bi: BilingualDocument) -> str:
    """The alternative: the page with every word already in a ``<span class="w">``."""
    from lxml import etree
    from lxml import html as lxml_html

    root = html.build_tree(bi)
    words = {f"s{n}": pair.words for n, pair in enumerate(bi.pairs, start=1)}
    starts = {f"s{n}": pair.source.start for n, pair in enumerate(bi.pairs, start=1)}
    for element in root.iter("span"):
        key = element.get("id") or ""
        if key not in words or len(element) or not element.text:
            continue  # (sentences holding a no-wrap dash span are left as they are)
        text, base, at = element.text, starts[key], 0
        element.text = ""
        last: Any = None
        for k, word in enumerate(words[key]):
            a, b = word.start - base, word.end - base
            if a < at:
                continue
            gap = text[at:a]
            if last is None:
                element.text = gap
            else:
                last.tail = gap
            last = etree.SubElement(element, "span", {"class": "w", "data-w": str(k)})
            last.text = text[a:b]
            at = b
        if last is None:
            element.text = text
        else:
            last.tail = text[at:]
    return str(lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")) + "\n"


FIRST_CARD = """() => {
  const s = document.querySelectorAll('.s')[1000];
  s.scrollIntoView({block: 'center'});
  const r = s.getBoundingClientRect();
  const t0 = performance.now();
  s.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
  const w = s.querySelector('.w');
  const b = w.getBoundingClientRect();
  const at = {bubbles: true, clientX: b.left + 1, clientY: b.top + 1};
  w.dispatchEvent(new MouseEvent('click', at));
  const card = document.querySelector('[role=dialog]');
  void card.getBoundingClientRect();
  return [performance.now() - t0, !card.hidden];
}"""


def load_timing(browser: Any, path: Path, *, card: bool = False) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    timing = page.evaluate(TIMING)
    result = {key: timing[key] for key in ("fcp", "dcl", "load") if timing[key] is not None}
    if card:
        took, shown = page.evaluate(FIRST_CARD)
        if shown:
            result["card"] = took
    context.close()
    return result


def word_study(browser: Any, bi: BilingualDocument, runs: int, tmp: Path) -> None:
    started = time.perf_counter()
    analysed, how = with_words(bi)
    analyse_s = time.perf_counter() - started
    tokens = sum(len(pair.words) for pair in analysed.pairs)
    started = time.perf_counter()
    page = html.render(analysed)
    render_ms = (time.perf_counter() - started) * 1000
    pages = {
        "no words": html.render(bi),
        "words (shipped: lazy wrapping in the page)": page,
        "words wrapped by the server (not chosen)": server_wrapped(analysed),
    }
    print(
        f"word study: {tokens} words explained by {how} in {analyse_s:.1f} s; "
        f"python render with words {render_ms:.0f} ms"
    )
    paths = {}
    for n, (label, text) in enumerate(pages.items()):
        paths[label] = tmp / f"words{n}.html"
        paths[label].write_text(text, encoding="utf-8")
        data = len(text.encode())
        print(
            f"  {label:<44} {data / 1024:6.0f} KiB "
            f"({len(gzip.compress(text.encode())) / 1024:.0f} KiB gzipped)"
        )
    results: dict[str, list[dict[str, float]]] = {label: [] for label in pages}
    labels = list(paths)
    for run in range(runs):  # interleaved and rotated, so that load from elsewhere hits all alike
        for label in labels[run % len(labels) :] + labels[: run % len(labels)]:
            results[label].append(
                load_timing(browser, paths[label], card=label.startswith("words ("))
            )
    got = {label: medians(rows) for label, rows in results.items()}
    base = got["no words"]
    for label, figures in got.items():
        fcp, dcl = figures["fcp"], figures["dcl"]
        print(
            f"  {label:<44} FCP {fcp:6.1f} ms ({fcp / base['fcp']:.2f}x)  "
            f"DOMContentLoaded {dcl:6.1f} ms ({dcl / base['dcl']:.2f}x)"
        )
    shipped = got["words (shipped: lazy wrapping in the page)"]
    if "card" in shipped:
        print(f"  first word card, mid-document (wrap + open): {shipped['card']:.1f} ms")
    ratio = shipped["fcp"] / base["fcp"]
    verdict = "holds" if ratio <= 1.5 else "FAILS"
    print(f"FCP ratio, page with words / without: {ratio:.2f}x (bar: at most 1.50x; {verdict})")


def medians(results: list[dict[str, float]]) -> dict[str, float]:
    keys = {key for result in results for key in result}
    return {key: statistics.median([r[key] for r in results if key in r]) for key in sorted(keys)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default=str(CHROMIUM))
    parser.add_argument("--words-only", action="store_true", help="only the word study figures")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    bi = large_document(args.sentences)
    started = time.perf_counter()
    page = html.render(bi)
    render_ms = (time.perf_counter() - started) * 1000
    plain = plain_page(bi)
    size, gz = len(page.encode()), len(gzip.compress(page.encode()))
    plain_size = len(plain.encode())
    print(
        f"document: {len(bi.pairs)} sentences in {len(bi.document.blocks)} blocks "
        f"(engine: {bi.provenance.engine})"
    )
    print(f"python render: {render_ms:.0f} ms")
    print(
        f"file size: {size / 1024:.0f} KiB ({gz / 1024:.0f} KiB gzipped); "
        f"plain baseline {plain_size / 1024:.0f} KiB, ratio {size / plain_size:.2f}x"
    )

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        reader_path, plain_path = Path(tmp) / "reader.html", Path(tmp) / "plain.html"
        reader_path.write_text(page, encoding="utf-8")
        plain_path.write_text(plain, encoding="utf-8")
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=list(CHROMIUM_ARGS)
        )
        print(f"chromium {browser.version}, 1280x800, median of {args.runs} fresh pages each")
        if args.words_only:
            word_study(browser, bi, args.runs, Path(tmp))
            browser.close()
            return 0
        # Alternate the two pages so that load from elsewhere on the machine hits both alike.
        mine: list[dict[str, float]] = []
        theirs: list[dict[str, float]] = []
        for _ in range(args.runs):
            mine.append(measure(browser, reader_path, reader=True))
            theirs.append(measure(browser, plain_path, reader=False))
        word_study(browser, bi, args.runs, Path(tmp))
        browser.close()
    ours, base = medians(mine), medians(theirs)

    def row(label: str, key: str, unit: str = "ms") -> None:
        mine, theirs = ours.get(key), base.get(key)
        if mine is None:
            return
        ratio = f"  ratio {mine / theirs:.2f}x" if theirs else ""
        baseline = f"  plain {theirs:.1f} {unit}" if theirs is not None else ""
        print(f"  {label:<28} {mine:8.1f} {unit}{baseline}{ratio}")

    print("first render:")
    row("first contentful paint", "fcp")
    row("DOMContentLoaded end", "dcl")
    row("load end", "load")
    print(f"scroll (120 px per frame over {ours['height']:.0f} px; plain {base['height']:.0f} px):")
    row("frames", "frames", "")
    row("frame interval mean", "frame_mean")
    row("frame interval p95", "frame_p95")
    row("frame interval max", "frame_max")
    row("long frames (> 50 ms)", "long", "")
    row("janky frames (> 25 ms)", "janky", "")
    row("long animation frames", "loaf", "")
    row("long animation frames, total", "loaf_ms")
    print("mode switch (from mid-document, position kept):")
    for mode in ("interlinear", "reveal", "side-by-side"):
        row(f"to {mode}", f"switch_{mode}")
        if mode == "reveal":
            row("show all (reveal)", "show_all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
