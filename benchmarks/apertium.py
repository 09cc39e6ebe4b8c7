"""Apertium engine: one process per document vs one per sentence, and what cleaning buys.

(a) Speed. Every sentence of ``texts/*.es.txt`` (as ``bireader.read`` segments it) is
    translated twice with the same code path:

    * whole document: ``ApertiumEngine.translate_batch(all sentences)``, one
      ``apertium`` process per document (what bireader does);
    * baseline: ``translate_batch([sentence])`` for each sentence, one process each.

    The outputs must be identical; the timings and their ratio are printed (bar: >= 20x).
    A naive ``apertium -u spa-eng`` per sentence (its own txt deformatter) is timed too.

(b) Quality. chrF (sacrebleu) of raw Apertium output (``clean=False``) and of the
    cleaned engine output against the human references ``texts/<name>.en.txt`` (line
    ``i`` translates bireader's sentence ``i``), per text and over all texts.

Run: ``.venv/bin/python benchmarks/apertium.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bireader import read
from bireader.translation.apertium import ApertiumEngine

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def load_texts(directory: Path) -> dict[str, list[str]]:
    """``{name: sentences}`` for every ``*.es.txt`` in ``directory``."""
    return {
        path.name.removesuffix(".es.txt"): [s.text for s in read(path).sentences()]
        for path in sorted(directory.glob("*.es.txt"))
    }


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """Fastest wall time of ``repeat`` runs (the machine is shared) and the first result."""
    started = time.perf_counter()
    result = run()
    times = [time.perf_counter() - started]
    for _ in range(repeat - 1):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), result


def naive_per_sentence(sentences: list[str]) -> list[str]:
    """What a naive integration does: ``apertium -u spa-eng`` once per sentence."""
    return [
        subprocess.run(
            ["apertium", "-u", "spa-eng"], input=s, capture_output=True, text=True, check=True
        ).stdout.strip()
        for s in sentences
    ]


def speed(texts: dict[str, list[str]], repeat: int) -> tuple[float, dict[str, list[str]]]:
    """Time both paths document by document, interleaved so that load from other
    processes on the machine hits both alike; keep the best of ``repeat`` for each."""
    engine = ApertiumEngine(clean=False)
    whole_best = dict.fromkeys(texts, float("inf"))
    per_best = dict.fromkeys(texts, float("inf"))
    same = True
    for _ in range(repeat):
        for name, doc in texts.items():
            started = time.perf_counter()
            whole = engine.translate_batch(doc)
            whole_time = time.perf_counter() - started
            started = time.perf_counter()
            per = [engine.translate_batch([s])[0] for s in doc]
            per_time = time.perf_counter() - started
            whole_best[name] = min(whole_best[name], whole_time)
            per_best[name] = min(per_best[name], per_time)
            same = same and whole == per
    naive_time, naive = best_of(1, lambda: {n: naive_per_sentence(d) for n, d in texts.items()})
    total = sum(len(d) for d in texts.values())
    print(f"(a) speed: {total} sentences in {len(texts)} documents, best of {repeat} per document")
    print(f"    {'text':24} {'sent':>4} {'whole doc':>10} {'per sentence':>13} {'ratio':>7}")
    for name, doc in texts.items():
        ratio = per_best[name] / whole_best[name]
        print(
            f"    {name:24} {len(doc):4} {whole_best[name]:9.3f}s {per_best[name]:12.3f}s"
            f" {ratio:6.1f}x"
        )
    whole_total, per_total = sum(whole_best.values()), sum(per_best.values())
    ratio = per_total / whole_total
    print(f"    {'all texts':24} {total:4} {whole_total:9.3f}s {per_total:12.3f}s {ratio:6.1f}x")
    print(f"    ratio per-sentence / whole-document: {ratio:.1f}x (bar >= 20x)")
    print(f"    identical outputs (whole document vs per sentence): {same}")
    print(
        f"    naive `apertium -u spa-eng` per sentence: {naive_time:.3f}s (1 run), "
        f"{naive_time / whole_total:.1f}x the whole-document time"
    )
    if not same:
        print("    MISMATCH: per-sentence and whole-document outputs differ", file=sys.stderr)
    return ratio, naive


def quality(texts: dict[str, list[str]], directory: Path, naive: dict[str, list[str]]) -> None:
    from sacrebleu.metrics.chrf import CHRF

    raw_engine, clean_engine = ApertiumEngine(clean=False), ApertiumEngine()
    chrf = CHRF()
    all_naive: list[str] = []
    all_raw: list[str] = []
    all_clean: list[str] = []
    all_refs: list[str] = []
    print("(b) chrF against texts/<name>.en.txt (human references)")
    print("    apertium = plain `apertium -u spa-eng` per sentence (its own txt deformatter);")
    print("    raw = bireader engine, clean=False; cleaned = bireader engine (default)")
    print(f"    {'text':24} {'sent':>4} {'apertium':>9} {'raw':>7} {'cleaned':>8} {'gain':>6}")
    for name, sentences in texts.items():
        ref_path = directory / f"{name}.en.txt"
        if not ref_path.exists():
            print(f"    {name:24} no reference, skipped")
            continue
        refs = ref_path.read_text(encoding="utf-8").splitlines()
        if len(refs) != len(sentences):
            print(
                f"    {name:24} MISALIGNED: {len(refs)} reference lines for "
                f"{len(sentences)} sentences, skipped",
                file=sys.stderr,
            )
            continue
        raw = raw_engine.translate_batch(sentences)
        cleaned = clean_engine.translate_batch(sentences)
        a = chrf.corpus_score(naive[name], [refs]).score
        r = chrf.corpus_score(raw, [refs]).score
        c = chrf.corpus_score(cleaned, [refs]).score
        print(f"    {name:24} {len(sentences):4} {a:9.2f} {r:7.2f} {c:8.2f} {c - a:+6.2f}")
        all_naive += naive[name]
        all_raw += raw
        all_clean += cleaned
        all_refs += refs
    if all_refs:
        a = chrf.corpus_score(all_naive, [all_refs]).score
        r = chrf.corpus_score(all_raw, [all_refs]).score
        c = chrf.corpus_score(all_clean, [all_refs]).score
        print(f"    {'all texts':24} {len(all_refs):4} {a:9.2f} {r:7.2f} {c:8.2f} {c - a:+6.2f}")
        changed = sum(a != b for a, b in zip(all_raw, all_clean, strict=True))
        print(f"    sentences changed by cleaning: {changed}/{len(all_refs)}")
        print(f"    signature: {chrf.get_signature()}")
        print(f"    engine: {clean_engine.provenance().signature()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=ROOT / "texts")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (best is kept)")
    args = parser.parse_args(argv)
    texts = load_texts(args.texts)
    if not texts:
        parser.error(f"no *.es.txt in {args.texts}")
    ratio, naive = speed(texts, max(1, args.repeat))
    print()
    quality(texts, args.texts, naive)
    print()
    print(f"median sentence length: {statistics.median(len(s) for d in texts.values() for s in d)}")
    return 0 if ratio >= 20 else 1


if __name__ == "__main__":
    raise SystemExit(main())
