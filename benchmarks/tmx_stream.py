"""TMX export memory and time: streaming writer vs building the whole tree.

Each measurement runs in a fresh subprocess: build a synthetic BilingualDocument of N
pairs, note the peak RSS so far (the baseline: the document itself), write the TMX,
and report how much the peak RSS grew while writing, the wall and CPU time (CPU time
is the steadier figure on a shared machine), and, in a second write under
tracemalloc, the peak of Python-side allocations. Baselines: 1,000 and 10,000 pairs;
the streaming writer's growth should stay flat up to 100,000.

    .venv/bin/python benchmarks/tmx_stream.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def synthetic(count: int, per_block: int = 5) -> object:
    from bireader.model import BilingualDocument, Block, Document, Pair, Provenance, Sentence

    parts: list[str] = []
    offset = 0
    blocks, pairs = [], []
    for b in range(0, count, per_block):
        if parts:
            parts.append("\n\n")
            offset += 2
        start = offset
        sentences = []
        for i in range(b, min(b + per_block, count)):
            if i > b:
                parts.append(" ")
                offset += 1
            text = f"La frase número {i} dice «algo» & <más> sobre el tema {i % 97}."
            sentence = Sentence(text, offset, offset + len(text))
            parts.append(text)
            offset = sentence.end
            sentences.append(sentence)
            pairs.append(
                Pair(sentence, f"Sentence number {i} says \"something\" & <more>.",
                     len(blocks), "paragraph", "apertium", ("repetition",) if i % 50 == 0 else ())
            )
        blocks.append(Block("paragraph", start, offset, tuple(sentences)))
    document = Document("".join(parts), tuple(blocks), "es", "Benchmark", "bench.txt")
    return BilingualDocument(
        document, tuple(pairs), Provenance("apertium", "3.8.3", "spa-eng", "0.8.0"),
        "en", datetime(2026, 1, 1, tzinfo=UTC),
    )


def write_whole_tree(bi: object, stream: object) -> None:
    """The non-streaming alternative: one lxml tree holding every <tu>, then serialized."""
    from lxml import etree

    from bireader.formats import tmx

    src, tgt = bi.document.lang, bi.target_lang  # type: ignore[attr-defined]
    date = tmx.tmx_date(bi.created)  # type: ignore[attr-defined]
    root = etree.Element("tmx", version="1.4")
    root.append(tmx._header(bi, src, date))
    body = etree.SubElement(root, "body")
    unit = tmx._unit_builder(bi, src, tgt, date)
    for number, pair in enumerate(bi.pairs, start=1):  # type: ignore[attr-defined]
        body.append(unit(pair, number))
    stream.write(  # type: ignore[attr-defined]
        etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True,
                       doctype=tmx.DOCTYPE, pretty_print=True)
    )


def child(count: int, mode: str) -> dict[str, float]:
    bi = synthetic(count)
    write = _writer(mode)
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.tmx"
        wall, cpu = time.perf_counter(), time.process_time()
        with out.open("wb") as stream:
            write(bi, stream)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = out.stat().st_size
        # Again under tracemalloc (which slows allocation down), for the Python-side peak.
        tracemalloc.start()
        with out.open("wb") as stream:
            write(bi, stream)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        read_cpu = 0.0
        if mode == "stream":
            from bireader.formats.tmx import read_tmx

            read_cpu = time.process_time()
            back = read_tmx(out)
            read_cpu = time.process_time() - read_cpu
            if len(back.pairs) != count:
                raise SystemExit(f"read back {len(back.pairs)} pairs of {count}")
    return {
        "pairs": count,
        "seconds": wall,
        "cpu_seconds": cpu,
        "rss_base_mib": base_kib / 1024,
        "rss_growth_mib": (peak_kib - base_kib) / 1024,
        "traced_peak_mib": traced_peak / 2**20,
        "file_mib": size / 2**20,
        "read_cpu_seconds": read_cpu,
    }


def _writer(mode: str) -> Any:
    from bireader.formats import tmx

    return tmx.write if mode == "stream" else write_whole_tree


def measure(count: int, mode: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(count), mode],
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--child", nargs=2, metavar=("N", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1])))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = {(n, mode): measure(n, mode) for mode in ("stream", "tree") for n in sizes}
    print(f"{'mode':<7}{'pairs':>9}{'wall s':>8}{'cpu s':>8}{'cpu µs/pair':>12}{'file MiB':>10}"
          f"{'doc RSS':>9}{'RSS +MiB':>10}{'py peak':>9}")
    for (n, mode), r in rows.items():
        print(f"{mode:<7}{n:>9,}{r['seconds']:>8.2f}{r['cpu_seconds']:>8.2f}"
              f"{r['cpu_seconds'] / n * 1e6:>12.1f}{r['file_mib']:>10.1f}"
              f"{r['rss_base_mib']:>9.1f}{r['rss_growth_mib']:>10.1f}{r['traced_peak_mib']:>9.2f}")
    small, big = sizes[0], sizes[-1]
    s_small, s_big = rows[(small, "stream")], rows[(big, "stream")]
    t_big = rows[(big, "tree")]
    print()
    print(f"streaming, {big:,} vs {small:,} pairs ({big // small}x the pairs): "
          f"RSS growth {s_big['rss_growth_mib']:.1f} vs {s_small['rss_growth_mib']:.1f} MiB, "
          f"Python peak {s_big['traced_peak_mib']:.2f} vs {s_small['traced_peak_mib']:.2f} MiB, "
          f"CPU time x{s_big['cpu_seconds'] / s_small['cpu_seconds']:.0f}")
    print(f"read_tmx of the {big:,}-pair file: CPU {s_big['read_cpu_seconds']:.2f} s "
          f"({s_big['read_cpu_seconds'] / big * 1e6:.0f} µs/pair)")
    print(f"whole tree at {big:,} pairs: RSS growth {t_big['rss_growth_mib']:.1f} MiB "
          f"({t_big['rss_growth_mib'] / max(s_big['rss_growth_mib'], 0.1):.0f}x streaming), "
          f"CPU time x{t_big['cpu_seconds'] / s_big['cpu_seconds']:.2f} of streaming")


if __name__ == "__main__":
    main()
