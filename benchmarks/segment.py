"""Segmentation benchmark: bireader against pySBD (and blingfire, sentence-splitter if installed).

In one run: boundary F1 and exact match on tests/data/segment_cases.jsonl (news), on
tests/data/segment_genres.jsonl (literature, legal, science, economy; each genre apart too)
and on ../shared/data/segment_es_public.jsonl (when present), then throughput of every
tool on the same ~4 KB chunks cut from texts/*.es.txt, with the speed ratio of bireader to
pySBD; then
English: bireader (lang="en") against pySBD's English mode on tests/data/segment_en_cases.jsonl.

    .venv/bin/python benchmarks/segment.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from bireader.segment import split_sentences
from bireader.testing import segmentation_scores

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT / ".." / "shared" / "data" / "segment_es_public.jsonl"
OWN = ROOT / "tests" / "data" / "segment_cases.jsonl"
GENRES = ROOT / "tests" / "data" / "segment_genres.jsonl"
ENGLISH = ROOT / "tests" / "data" / "segment_en_cases.jsonl"
CHUNK_BYTES = 4096

Splitter = Callable[[str], list[str]]


def _pysbd() -> Splitter:
    import pysbd  # type: ignore[import-untyped]

    segmenter = pysbd.Segmenter(language="es", clean=False)
    return lambda text: [str(s) for s in segmenter.segment(text)]


def _pysbd_english() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return lambda text: [span.sent for span in segmenter.segment(text)]


def _bireader_english(text: str) -> list[str]:
    return split_sentences(text, lang="en")


def _load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def genres(splitters: dict[str, Splitter], cases: list[dict[str, object]]) -> None:
    """F1 / exact per genre of the genre cases, for every tool."""
    names = sorted({str(case["tags"][0]) for case in cases})  # type: ignore[index]
    print("\nSpanish genres (F1 / exact):")
    print(f"{'tool':<20}" + "".join(f"{name:>16}" for name in names))
    for tool, split in splitters.items():
        row = ""
        for name in names:
            chosen = [case for case in cases if case["tags"][0] == name]  # type: ignore[index]
            f1, exact = segmentation_scores(split, chosen)
            row += f"{f1:>9.3f} {exact:.3f}"
        print(f"{tool:<20}{row}")
    print("  " + ", ".join(f"{n}: {sum(c['tags'][0] == n for c in cases)}" for n in names))  # type: ignore[index]


def english() -> None:
    """Boundary F1 and exact match of bireader and pySBD (English mode) on the English cases."""
    cases = _load(ENGLISH)
    print(f"\nEnglish: {len(cases)} cases ({ENGLISH.relative_to(ROOT)})")
    print(f"{'tool':<20}{'F1':>12}{'exact':>14}")
    for tool, split in (
        ("bireader (en)", _bireader_english),
        ("pysbd 0.3.4 (en)", _pysbd_english()),
    ):
        print("{:<20}{:>12.3f}{:>14.3f}".format(tool, *segmentation_scores(split, cases)))


def _blingfire() -> Splitter:
    import blingfire  # type: ignore[import-untyped]

    # Newlines forced: blingfire alone joins lines that lack final punctuation.
    def split(text: str) -> list[str]:
        return [
            sentence
            for line in text.splitlines()
            if line.strip()
            for sentence in blingfire.text_to_sentences(line).split("\n")
        ]

    return split


def _sentence_splitter() -> Splitter:
    from sentence_splitter import SentenceSplitter  # type: ignore[import-untyped]

    splitter = SentenceSplitter(language="es")
    return lambda text: [s for line in text.splitlines() for s in splitter.split(line)]


def tools() -> dict[str, Splitter]:
    """bireader and pySBD always; the optional splitters when they are installed."""
    found: dict[str, Splitter] = {"bireader": split_sentences, "pysbd 0.3.4": _pysbd()}
    for name, factory in (("blingfire", _blingfire), ("sentence-splitter", _sentence_splitter)):
        try:
            found[name] = factory()
        except ImportError:
            print(f"({name} not installed: skipped)")
    return found


def chunks() -> list[str]:
    """The texts/*.es.txt articles, concatenated and cut at spaces into ~4 KB pieces."""
    text = "\n\n".join(p.read_text("utf-8") for p in sorted((ROOT / "texts").glob("*.es.txt")))
    while len(text.encode()) < 8 * CHUNK_BYTES:  # enough pieces for a stable timing
        text = f"{text}\n\n{text}"
    pieces, start = [], 0
    while start < len(text):
        end = start + CHUNK_BYTES
        while len(text[start:end].encode()) > CHUNK_BYTES:
            end -= 16
        if end < len(text):
            end = text.rfind(" ", start, end) + 1 or end
        pieces.append(text[start:end])
        start = end
    return [p for p in pieces if len(p.encode()) > CHUNK_BYTES // 2]


def throughput(split: Splitter, pieces: list[str], seconds: float) -> float:
    """KB per second segmenting ``pieces`` over and over for at least ``seconds``."""
    size = sum(len(p.encode()) for p in pieces)
    split(pieces[0])  # warm caches and lazy imports
    # CPU time of this process: other jobs on a shared machine do not skew the ratio.
    rounds, started = 0, time.process_time()
    while True:
        for piece in pieces:
            split(piece)
        rounds += 1
        elapsed = time.process_time() - started
        if elapsed >= seconds:
            return rounds * size / 1024 / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timing per tool")
    args = parser.parse_args()
    splitters = tools()
    sets = [("news", OWN), ("genres", GENRES)] + ([("public", PUBLIC)] if PUBLIC.exists() else [])
    if not PUBLIC.exists():
        print(f"({PUBLIC} absent: public accuracy skipped)")
    loaded = {name: _load(path) for name, path in sets}
    pieces = chunks()
    print(f"{len(pieces)} chunks of ~{CHUNK_BYTES // 1024} KB from texts/*.es.txt")
    header = "".join(f"{name + ' F1':>12}{name + ' exact':>14}" for name, _ in sets)
    print(f"{'tool':<20}{header}{'KB/s':>12}")
    speed: dict[str, float] = {}
    for tool, split in splitters.items():
        scores = "".join(
            "{:>12.3f}{:>14.3f}".format(*segmentation_scores(split, loaded[name]))
            for name, _ in sets
        )
        speed[tool] = throughput(split, pieces, args.seconds)
        print(f"{tool:<20}{scores}{speed[tool]:>12,.0f}")
    ratio = speed["bireader"] / speed["pysbd 0.3.4"]
    print(
        f"speed ratio bireader / pySBD: {ratio:.1f}x "
        f"({speed['bireader']:,.0f} KB/s vs {speed['pysbd 0.3.4']:,.0f} KB/s)"
    )
    for case_set, _ in sets:
        print(f"{case_set}: {len(loaded[case_set])} cases")
    genres(splitters, loaded["genres"])
    english()


if __name__ == "__main__":
    main()
