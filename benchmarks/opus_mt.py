"""OPUS-MT path: conversion cost, and bireader's engine vs raw CTranslate2.

1. Builds a random-weight OPUS-MT release zip of real size (Marian Transformer-base:
   6+6 layers, d_model 512, 8 heads, FFN 2048, tied embeddings; a 65,000-token
   vocabulary like the spa-eng release's joint spm32k vocabulary), then installs it with
   ``bireader.translation.opus_mt.install_release`` in a child process: the
   conversion's wall time and the child's peak RSS are printed.
2. Translates every sentence of ``texts/*.es.txt`` with ``OpusMTEngine.translate_batch``
   (SentencePiece in and out, token-bounded batches, one call per document set) and
   with raw ``ctranslate2.Translator.translate_batch`` on the same tokenized sentences,
   the same Translator (so the same threads), beam size, length penalty and decoding
   cap: the baseline groups the sentences by the cap bireader gives each and makes one
   synchronous call per group (``max_batch_size=2048, batch_type="tokens"``). A random
   model seldom emits end-of-sentence, so both sides decode to about the same caps.
   A second baseline sends raw CTranslate2 the engine's own batches and caps, queued at
   once as the engine does: the difference to it is tokenization and bookkeeping.
   Prints the median of ``--runs`` runs of each and the ratios (bar: <= 1.2).

Run: ``.venv/bin/python benchmarks/opus_mt.py`` (about 2 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_release(dest: Path, vocab: int) -> Path:
    from bireader import testing

    shape = testing.SHAPES["base"]
    testing.SHAPES["opus-base"] = testing._Shape(
        layers=shape.layers, d_model=shape.d_model, heads=shape.heads, ffn=shape.ffn,
        vocab=vocab, quantization="int8",
    )
    return testing.build_random_opus_mt_release(dest, size="opus-base")  # type: ignore[arg-type]


def convert(release: Path, models: Path) -> tuple[float, float]:
    """Install (convert) in a child process: (seconds, peak RSS in MiB of that child)."""
    code = (
        "import sys; from pathlib import Path\n"
        "from bireader.translation.opus_mt import install_release\n"
        "install_release(Path(sys.argv[1]), directory=Path(sys.argv[2]))\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(release), str(models)], check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def sentences() -> list[str]:
    import bireader

    found: list[str] = []
    for path in sorted((ROOT / "texts").glob("*.es.txt")):
        found += [s.text for s in bireader.read(path).sentences()]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vocab", type=int, default=65_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--no-by-cap", action="store_true", help="skip the slow one-call-per-cap baseline"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bireader-bench-opus-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        release = build_release(work / "build", args.vocab)
        print(f"built {release.name}: {release.stat().st_size / 1024**2:.0f} MB zip "
              f"(vocab {args.vocab}) in {time.perf_counter() - start:.1f} s")
        models = work / "models"
        seconds, peak = convert(release, models)
        (installed,) = [p for p in models.iterdir() if not p.name.startswith(".")]
        size = sum(f.stat().st_size for f in installed.iterdir()) / 1024**2
        print(f"conversion (install_release, int8): {seconds:.1f} s, peak RSS {peak:.0f} MiB,"
              f" installed {size:.0f} MB")

        os.environ["BIREADER_MODELS_DIR"] = str(models)
        os.environ["ARGOS_PACKAGES_DIR"] = str(work / "argos")
        from bireader.translation.ct2 import batch_plan, split_tokens
        from bireader.translation.opus_mt import OpusMTEngine

        engine = OpusMTEngine(threads=args.threads)
        options = engine.options
        texts = sentences()
        segments = [
            tokens
            for text in texts
            for tokens in split_tokens(text, engine._encode, options.max_input_tokens)
        ]
        caps = [options.max_decoding_length(len(t)) for t in segments]
        groups: dict[int, list[list[str]]] = defaultdict(list)
        for tokens, cap in zip(segments, caps, strict=True):
            groups[cap].append(tokens)
        translator = engine._translator

        def raw() -> None:
            for cap, group in groups.items():
                translator.translate_batch(
                    group, beam_size=options.beam_size, length_penalty=options.length_penalty,
                    max_decoding_length=cap, max_input_length=0, max_batch_size=2048,
                    batch_type="tokens",
                )

        plan = batch_plan([len(t) for t in segments], options)

        def raw_same_batches() -> None:
            # The engine's own batches and caps, queued at once as the engine queues them:
            # what is left between this and the path is tokenization and bookkeeping.
            pending = [
                translator.translate_batch(
                    [segments[i] for i in batch], asynchronous=True,
                    beam_size=options.beam_size, length_penalty=options.length_penalty,
                    max_decoding_length=cap, max_input_length=0, replace_unknowns=True,
                )
                for batch, cap in plan
            ]
            for results in pending:
                for future in results:
                    future.result()

        def path() -> None:
            engine.translate_batch(texts)

        path()  # warm up (first calls allocate)
        timings: dict[str, list[float]] = {"raw": [], "same": [], "path": []}
        for _ in range(args.runs):
            for name, run in (("path", path), ("same", raw_same_batches), ("raw", raw)):
                if name == "raw" and args.no_by_cap:
                    timings[name].append(float("nan"))
                    continue
                start = time.perf_counter()
                run()
                timings[name].append(time.perf_counter() - start)
        tokens = sum(len(t) for t in segments)
        raw_s, path_s = statistics.median(timings["raw"]), statistics.median(timings["path"])
        same_s = statistics.median(timings["same"])
        print(f"{len(texts)} sentences, {tokens} source tokens; beam {options.beam_size},"
              f" length_penalty {options.length_penalty:g}, cap 1.5n+10, threads {args.threads}")
        print(f"raw ctranslate2 translate_batch ({len(groups)} calls by cap): {raw_s:.2f} s")
        print(f"bireader OpusMTEngine.translate_batch ({len(plan)} batches): {path_s:.2f} s")
        print(f"raw ctranslate2, the engine's {len(plan)} batches queued at once: {same_s:.2f} s")
        print(f"ratio path/raw: {path_s / raw_s:.2f}, path/raw same batches:"
              f" {path_s / same_s:.2f} (bar <= 1.2); median of {args.runs}")


if __name__ == "__main__":
    main()
