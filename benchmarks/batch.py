"""``bireader batch``: throughput against a shell loop and against one process, Dask, resume.

200 articles are generated from ``texts/`` (5 to 40 sentences each,
``bireader.testing.synthetic_corpus``) and turned into HTML + TMX with Apertium, the
translation cache off everywhere (``--no-cache``), so every run does the real work:

(a) a shell loop of ``bireader export FILE -o X.html -o X.tmx`` per file (the baseline);
(b) ``bireader batch DIR -o OUT --to html,tmx`` with ``--jobs 1`` and ``--jobs`` = cores;
(c) the same work in one process with no per-article overhead: every sentence of every
    article in ONE ``translate_batch`` call of one engine, then each article exported;
    the ideal at N cores is that time / N;
(d) the batch on a Dask cluster of 2 workers on 127.0.0.1 (scheduler and workers as
    separate processes): its outputs compared byte for byte with (b)'s, timestamps
    aside, and its time against the local pool's;
(e) resume: the batch killed (``kill -9``) once about half the articles are recorded,
    then run again: the rerun must complete the set and redo only what was missing.

Run: ``.venv/bin/python benchmarks/batch.py [--articles 200] [--parts abcde]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
# Creation times: the TMX's, the JSON's, the page footer's ("2026-12-02 06:37 UTC").
TIMES = re.compile(
    rb"\d{8}T\d{6}Z|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|\+00:00)"
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d UTC|\d{4}-\d\d-\d\d"
)


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return done  # type: ignore[no-any-return]


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = run(command)
    return time.perf_counter() - started, done.stderr


def shell_loop(files: list[Path], root: Path, out: Path) -> float:
    """``bireader export`` once per file, as a shell loop would run it."""
    started = time.perf_counter()
    for path in files:
        stem = out / path.relative_to(root).with_suffix("")
        stem.parent.mkdir(parents=True, exist_ok=True)
        run([str(BIN / "bireader"), "export", str(path), "-o", f"{stem}.html",
             "-o", f"{stem}.tmx", "--engine", "apertium", "--no-cache"])
    return time.perf_counter() - started


def one_process(files: list[Path], root: Path, out: Path) -> tuple[float, int]:
    """All sentences through one engine in one call, then every article exported."""
    started = time.perf_counter()
    from bireader import export, read
    from bireader.model import BilingualDocument, Pair
    from bireader.translation.apertium import ApertiumEngine

    documents = [read(path) for path in files]
    engine = ApertiumEngine()
    engine.sentences_per_call = None
    sources = [s.text for d in documents for s in d.sentences()]
    targets = iter(engine.translate_batch(sources))
    engine.close()
    for path, document in zip(files, documents, strict=True):
        pairs = tuple(
            Pair(source=s, target=next(targets), block_index=i, block_kind=b.kind,
                 engine="apertium")
            for i, b in enumerate(document.blocks) for s in b.sentences
        )
        bi = BilingualDocument(document, pairs, engine.provenance())
        stem = out / path.relative_to(root).with_suffix("")
        stem.parent.mkdir(parents=True, exist_ok=True)
        export(bi, f"{stem}.html")
        export(bi, f"{stem}.tmx")
    return time.perf_counter() - started, len(sources)


def batch_command(root: Path, out: Path, *extra: str) -> list[str]:
    return [str(BIN / "bireader"), "batch", str(root), "-o", str(out), "--to", "html,tmx",
            "-e", "apertium", "--no-cache", *extra]


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): TIMES.sub(b"<time>", p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".bireader-batch" not in p.parts
    }


def dask_run(root: Path, out: Path, work: Path) -> tuple[float, float]:
    """The batch through a fresh localhost cluster of 2 single-threaded workers: the
    time of a first run (workers start their engines) and of a second (``--force``)."""
    env = {**os.environ, "BIREADER_CACHE_DIR": str(work / "dask-cache")}
    scheduler_file = work / "scheduler.json"
    procs = [subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--no-dashboard", "--scheduler-file", str(scheduler_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=work)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for n in (1, 2):
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-dashboard", "--no-nanny", "--local-directory", str(work / f"w{n}")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=work))
        from distributed import Client

        with Client(address, timeout="30s") as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=120)
        cold, _ = timed(batch_command(root, out, "--dask", address))
        warm, _ = timed(batch_command(root, work / "dask-warm", "--dask", address))
        return cold, warm
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def resume(root: Path, out: Path, total: int, jobs: int) -> tuple[int, int, int, float]:
    """Kill -9 at about half, rerun; (recorded before the kill, redone, up to date, rerun s)."""
    manifest = out / ".bireader-batch" / "manifest.jsonl"
    process = subprocess.Popen(batch_command(root, out, "-j", str(jobs)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= total // 2:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    recorded = len({json.loads(line)["name"] for line in manifest.read_text().splitlines()
                    if line.endswith("}")})
    seconds, stderr = timed(batch_command(root, out, "-j", str(jobs)))
    match = re.search(r"\((\d+) translated, (\d+) up to date, (\d+) failed\)", stderr)
    if match is None:
        raise SystemExit(stderr)
    return recorded, int(match.group(1)), int(match.group(2)), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--parts", default="abcde", help="which of (a)-(e) to run (default all)")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    from bireader.testing import synthetic_corpus

    work = Path(tempfile.mkdtemp(prefix="bireader-batch-bench-"))
    os.environ.setdefault("BIREADER_CACHE_DIR", str(work / "cache"))
    try:
        root = work / "in"
        files = synthetic_corpus(root, count=args.articles, seed=2026, low=5, high=40)
        size = sum(p.stat().st_size for p in files)
        print(f"{len(files)} articles, {size / 1024:.0f} KiB, {cores} cores, Apertium, no cache")

        parts = set(args.parts)
        one = 0.0
        if "c" in parts:
            one, sentences = one_process(files, root, work / "one")
            print(f"(c) one process, one call, no per-article overhead: {one:7.2f} s "
                  f"({sentences} sentences); ideal at {cores} cores: {one / cores:.2f} s")
        if "b" in parts:
            b1, _ = timed(batch_command(root, work / "b1", "-j", "1"))
            print(f"(b) bireader batch --jobs 1:                        {b1:7.2f} s "
                  + (f"= {b1 / one:.2f}x (c)" if one else ""))
        bn, _ = timed(batch_command(root, work / "bn", "-j", str(cores)))
        ideal = f"= {bn / (one / cores):.2f}x the ideal (c)/{cores} (bar: <= 1.3x)" if one else ""
        print(f"(b) bireader batch --jobs {cores}:                        {bn:7.2f} s {ideal}")
        if "a" in parts:
            loop = shell_loop(files, root, work / "loop")
            print(f"(a) shell loop of bireader export:                  {loop:7.2f} s "
                  f"-> batch --jobs {cores} is {loop / bn:.1f}x faster (bar: >= 5x)")
        if "c" in parts:
            same = files_of(work / "bn").keys() == files_of(work / "one").keys()
            print(f"    outputs: {len(files_of(work / 'bn'))} files; same names as (c): {same}")
        if "d" in parts:
            dk, warm = dask_run(root, work / "dask", work)
            local, remote = files_of(work / "bn"), files_of(work / "dask")
            differ = [n for n in local if local[n] != remote.get(n)]
            print(f"(d) Dask, 2 workers on 127.0.0.1, first run:        {dk:7.2f} s "
                  f"= {dk / bn:.2f}x the local pool (overhead {dk - bn:+.2f} s)")
            print(f"    second run (engines already loaded):            {warm:7.2f} s "
                  f"= {warm / bn:.2f}x the local pool (overhead {warm - bn:+.2f} s)")
            print(f"    {len(remote)} files, byte-identical to the local pool's apart from "
                  f"timestamps: {not differ and local.keys() == remote.keys()}"
                  + (f" (differ: {differ[:3]})" if differ else ""))
        if "e" not in parts:
            return
        recorded, redone, kept, again = resume(root, work / "resume", len(files), cores)
        complete = files_of(work / "resume").keys() == files_of(work / "bn").keys()
        print(f"(e) resume: killed with {recorded}/{len(files)} recorded; rerun redid {redone}, "
              f"kept {kept}, in {again:.2f} s; complete set: {complete}; "
              f"redone = missing: {redone == len(files) - recorded}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
