"""Translation cache: a warm second run vs the first, plus the cost of importing bireader.

The translation stage (``bireader.translate``) is timed in-process on
``texts/miami-talks.es.txt`` (``--all``: every ``texts/*.es.txt``) with the Argos
engine and a random-weight Transformer-base
package (6+6 layers, d_model 512, 8 heads, FFN 2048, vocab 32k, int8; built by
``bireader.testing``). The engine is loaded once, outside the timings.

* cold: a fresh, empty cache file; every sentence goes to the engine (and, when the
  guard flags the random model's junk, to the safer retry and the fallback engine).
* warm: the same documents again with the cache the cold run filled (median of 5).

Both runs are measured with fallback on (the default) and off. Bar: warm >= 20x faster.
Then ``import bireader`` and ``bireader --help`` wall times, each in a fresh process
(median of 7), next to a bare ``python -c pass``.

Usage: ``.venv/bin/python benchmarks/cache.py [--all]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BAR = 20.0


def _median_wall(
    args: list[str], runs: int = 7, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of running ``args``.

    CPU time is reported too because wall time on a busy machine mostly measures the
    other processes.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def bench_cache(work: Path, paths: list[Path]) -> None:
    from bireader.testing import build_random_argos_package, install_package_file

    start = time.perf_counter()
    package = build_random_argos_package(work / "build", size="base")
    install_package_file(package, work / "packages")
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    print(f"built and installed the Transformer-base random package in "
          f"{time.perf_counter() - start:.1f} s")

    import bireader
    from bireader.translation.base import get_engine
    from bireader.translation.cache import TranslationCache

    documents = [bireader.read(path) for path in paths]
    sentences = sum(len(list(d.sentences())) for d in documents)
    load, engine = _timed(lambda: get_engine("argos"))
    print(f"{len(documents)} documents, {sentences} sentences; model loaded in {load:.2f} s "
          f"(not timed below); threads={getattr(engine, 'threads', '?')}")

    ratios = []
    for fallback in (True, False):
        path = work / f"cache-fallback-{fallback}.sqlite3"
        with TranslationCache(path) as cache:

            def run_all(cache: TranslationCache = cache, fallback: bool = fallback) -> list[Any]:
                return [
                    bireader.translate(d, engine, cache=cache, fallback=fallback)
                    for d in documents
                ]

            cold, first = _timed(run_all)
            warm_times = []
            for _ in range(5):
                elapsed, again = _timed(run_all)
                warm_times.append(elapsed)
            warm = statistics.median(warm_times)
            same = all(
                [(p.target, p.flags, p.engine) for p in a.pairs]
                == [(p.target, p.flags, p.engine) for p in b.pairs]
                for a, b in zip(first, again, strict=True)
            )
        pairs = [p for bi in first for p in bi.pairs]
        flagged = sum(1 for p in pairs if p.flags)
        other = sum(1 for p in pairs if p.engine != "argos")
        ratio = cold / warm
        ratios.append(ratio)
        print(f"fallback={'on ' if fallback else 'off'}: cold {cold * 1000:8.1f} ms   "
              f"warm {warm * 1000:6.1f} ms   ratio {ratio:7.1f}x   "
              f"(identical output: {same}; kept flags: {flagged}/{len(pairs)}; "
              f"from another engine: {other})")
    verdict = "met" if min(ratios) >= BAR else "NOT met"
    print(f"bar: warm >= {BAR:.0f}x faster than cold: {verdict} (worst {min(ratios):.1f}x)")


def bench_imports() -> None:
    python = sys.executable
    command = shutil.which("bireader", path=str(Path(python).parent)) or "bireader"
    env = dict(os.environ)
    bare = _median_wall([python, "-c", "pass"], env=env)
    rows = {
        "python -c pass": bare,
        "import bireader": _median_wall([python, "-c", "import bireader"], env=env),
        "bireader --help": _median_wall([command, "--help"], env=env),
    }
    for label, (wall, cpu) in rows.items():
        extra = "" if label.startswith("python") else (
            f"  (+{(wall - bare[0]) * 1000:.1f} ms wall, +{(cpu - bare[1]) * 1000:.1f} ms CPU"
            " over bare Python)"
        )
        print(f"{label:<17} wall {wall * 1000:6.1f} ms   CPU {cpu * 1000:6.1f} ms{extra}")
    probe = (
        "import sys, bireader, bireader.cli\n"
        "heavy = ('ctranslate2', 'sentencepiece', 'argostranslate', 'torch', 'numpy', 'lxml')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    loaded = subprocess.run([python, "-c", probe], check=True, capture_output=True, text=True)
    print(f"engine libraries loaded by import bireader + cli: {loaded.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every texts/*.es.txt")
    args = parser.parse_args()
    texts = ROOT / "texts"
    paths = sorted(texts.glob("*.es.txt")) if args.all else [texts / "miami-talks.es.txt"]
    with tempfile.TemporaryDirectory(prefix="bireader-bench-cache-") as tmp:
        bench_cache(Path(tmp), paths)
    bench_imports()


if __name__ == "__main__":
    main()
