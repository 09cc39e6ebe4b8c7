"""Argos path: bireader's engine vs argostranslate's own, on the same installed package.

Both sides translate every sentence of ``texts/*.es.txt`` with the same random-weight
Transformer-base package (6+6 layers, d_model 512, 8 heads, FFN 2048, vocab 32k, int8;
see ``bireader.testing``), the same beam size (4) and the same ``max_decoding_length``
per sentence. A random model never emits end-of-sentence, so every sentence decodes to
its cap on both sides: the work is identical, only the way it is run differs.

* bireader: ``ArgosEngine.translate_batch`` once per document (all its sentences).
* argostranslate: ``argostranslate.translate.apply_packaged_translation`` paragraph by
  paragraph, as ``PackageTranslation`` does, with a sentencizer that returns the
  sentences bireader found (its default one needs the network) and a translator
  wrapper that injects the decoding cap bireader gave each sentence. It is timed
  twice: with the ``ctranslate2.Translator`` argostranslate itself builds (its
  settings: one translation at a time, CTranslate2's default intra-op threads), which
  is the bar, and with bireader's thread settings (``threads`` workers of one core),
  which shows what batching alone gives.

Needs argostranslate with its real dependencies, so it runs in a separate venv:
``make bench-argos`` builds ``benchmarks/.cache/venv-argos`` and runs this file there.
Prints both timings and the ratio (bar: >= 4x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"


class GivenSentences:
    """An argostranslate sentencizer that returns the sentences bireader found."""

    def __init__(self, by_paragraph: dict[str, list[str]]) -> None:
        self.by_paragraph = by_paragraph

    def split_sentences(self, text: str) -> list[str]:
        return self.by_paragraph[text]


class CappedTranslator:
    """Wraps a ``ctranslate2.Translator``: each sentence gets the decoding cap bireader
    used for it. CTranslate2 takes one cap per call, so a call is split by cap."""

    def __init__(self, inner: Any, caps: dict[tuple[str, ...], int]) -> None:
        self.inner = inner
        self.caps = caps

    def translate_batch(self, source: list[list[str]], **kwargs: Any) -> list[Any]:
        groups: dict[int, list[int]] = {}
        for index, tokens in enumerate(source):
            groups.setdefault(self.caps[tuple(tokens)], []).append(index)
        results: list[Any] = [None] * len(source)
        for cap, indices in groups.items():
            prefix = kwargs.get("target_prefix")
            call = {**kwargs, "max_decoding_length": cap}
            if prefix is not None:
                call["target_prefix"] = [prefix[i] for i in indices]
            for index, result in zip(
                indices, self.inner.translate_batch([source[i] for i in indices], **call),
                strict=True,
            ):
                results[index] = result
        return results


def _documents(paths: Sequence[Path]) -> list[Any]:
    from bireader.reading import read

    return [read(str(path)) for path in paths]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="base", choices=["tiny", "base"])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per side (median)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for both sides")
    parser.add_argument("texts", nargs="*", type=Path, help="default: texts/*.es.txt")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-argos-", dir=CACHE if CACHE.is_dir() else None))
    # Before argostranslate is imported: it reads these once, and creates its dirs there.
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[var] = str(work / var.lower())

    from bireader.testing import build_random_argos_package, install_package_file
    from bireader.translation.argos import ArgosEngine, batch_plan, split_tokens

    texts = args.texts or sorted((ROOT / "texts").glob("*.es.txt"))
    start = time.perf_counter()
    built = build_random_argos_package(CACHE / "argos-packages", size=args.size, seed=0)
    installed = install_package_file(built, work / "packages")
    print(f"package: {installed.code} {installed.package_version} "
          f"({built.stat().st_size / 1e6:.0f} MB, built in {time.perf_counter() - start:.1f} s)")

    import ctranslate2
    from argostranslate import settings
    from argostranslate.package import Package
    from argostranslate.translate import apply_packaged_translation

    engine = ArgosEngine(threads=args.threads)
    options = engine.options
    documents = _documents(texts)

    # The caps bireader gives each segment (its batch plan), for the argos side.
    caps: dict[tuple[str, ...], int] = {}
    by_paragraph: dict[str, list[str]] = {}
    paragraphs: list[str] = []
    n_sentences = n_tokens = 0
    for document in documents:
        segments = [
            seg for s in document.sentences()
            for seg in split_tokens(s.text, engine._encode, options.max_input_tokens)
        ]
        for batch, cap in batch_plan([len(s) for s in segments], options):
            for i in batch:
                caps[tuple(segments[i])] = cap
        n_sentences += len(segments)
        n_tokens += sum(len(s) for s in segments)
        for block in document.blocks:
            if block.sentences:
                text = document.text[block.start:block.end]
                by_paragraph[text] = [s.text for s in block.sentences]
                paragraphs.append(text)
    if len(caps) < n_sentences:
        print(f"note: {n_sentences - len(caps)} repeated sentences share one decoding cap")
    print(f"texts: {len(texts)} files, {len(paragraphs)} paragraphs, {n_sentences} sentences, "
          f"{n_tokens} source tokens; beam {options.beam_size}, "
          f"max_decoding_length {options.decoding_ratio:g}n+{options.decoding_extra} "
          f"per batch of similar length, {args.threads} threads", flush=True)

    package = Package(installed.path)
    # argostranslate's own Translator, built as PackageTranslation builds it (its
    # settings: ARGOS_INTER_THREADS=1, ARGOS_INTRA_THREADS=0, compute type "auto")...
    own = ctranslate2.Translator(
        str(installed.model_dir), device=settings.device, compute_type=settings.compute_type,
        inter_threads=settings.inter_threads, intra_threads=settings.intra_threads,
    )
    # ...and one with bireader's thread settings, to isolate what batching alone gives.
    same = ctranslate2.Translator(
        str(installed.model_dir), device="cpu", compute_type="auto",
        inter_threads=args.threads, intra_threads=1,
    )
    sentencizer = GivenSentences(by_paragraph)
    sides: dict[str, Any] = {
        "bireader ArgosEngine": None,
        "argostranslate (its own Translator settings)": CappedTranslator(own, caps),
        "argostranslate (bireader's thread settings)": CappedTranslator(same, caps),
    }

    def run_bireader() -> list[list[str]]:
        return [engine.translate_batch([s.text for s in d.sentences()]) for d in documents]

    def run_argos(translator: Any) -> list[str]:
        # num_hypotheses=1 is what ITranslation.translate asks; beam = max(1, 4).
        return [
            apply_packaged_translation(package, p, translator, sentencizer, 1)[0].value
            for p in paragraphs
        ]

    # Warm-up: first calls allocate; not part of any figure.
    engine.translate_batch(["Hola."])
    for translator in (own, same):
        translator.translate_batch([package.tokenizer.encode("Hola.")], beam_size=4)

    timings: dict[str, list[float]] = {name: [] for name in sides}
    ours: list[list[str]] = []
    theirs: list[str] = []
    for run in range(args.repeat):
        for name, translator in sides.items():
            start = time.perf_counter()
            if translator is None:
                ours = run_bireader()
            else:
                theirs = run_argos(translator)
            timings[name].append(time.perf_counter() - start)
        print(f"run {run + 1}: " + ", ".join(f"{t[-1]:.1f} s" for t in timings.values()),
              flush=True)

    # Same work on both sides: compare paragraph outputs.
    ours_by_paragraph = []
    for document, outs in zip(documents, ours, strict=True):
        it = iter(outs)
        for block in document.blocks:
            if block.sentences:
                ours_by_paragraph.append(" ".join(next(it) for _ in block.sentences))
    identical = sum(
        a.split() == b.split() for a, b in zip(ours_by_paragraph, theirs, strict=True)
    )
    print(f"identical paragraph outputs: {identical}/{len(theirs)} "
          "(the rest differ only by batch-dependent rounding in int8 beam search)")
    medians = {name: statistics.median(t) for name, t in timings.items()}
    ours_time = medians["bireader ArgosEngine"]
    for name, t in timings.items():
        ratio = medians[name] / ours_time
        runs = ", ".join(f"{x:.2f}" for x in t)
        print(f"{name:<46} {medians[name]:7.2f} s  x{ratio:4.1f}  (runs: {runs})")
    ratio = medians["argostranslate (its own Translator settings)"] / ours_time
    print(f"ratio vs argostranslate's own path: {ratio:.1f}x (bar: >= 4x) -> "
          f"{'met' if ratio >= 4 else 'NOT met'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
