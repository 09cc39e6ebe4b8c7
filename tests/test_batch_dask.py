"""``bireader batch`` on a real Dask cluster: a scheduler and two workers on 127.0.0.1.

The scheduler and the workers are separate ``dask`` processes started here and torn
down after the module; every wait is bounded. The outputs must be the local pool's,
byte for byte apart from timestamps, and each worker must build its engine once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import bireader
from bireader.testing import synthetic_corpus

distributed = pytest.importorskip("distributed")

DASK = str(Path(sys.executable).with_name("dask"))


def _has_apertium() -> bool:
    if shutil.which("apertium") is None:
        return False
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return "spa-eng" in listed.stdout.split()


pytestmark = [
    pytest.mark.slow,
    pytest.mark.apertium,
    pytest.mark.skipif(
        not _has_apertium() and os.environ.get("CI") != "true",
        reason="apertium spa-eng is not installed",
    ),
]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _scheduler_address(
    scheduler_file: Path, scheduler: subprocess.Popen[bytes], log: Path
) -> str:
    """The address the scheduler writes, once its file is whole (it is created empty first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert scheduler.poll() is None, log.read_text()
        with contextlib.suppress(OSError, ValueError, KeyError):
            return str(json.loads(scheduler_file.read_text(encoding="utf-8"))["address"])
        time.sleep(0.1)
    raise AssertionError(f"no scheduler address within 60 s: {log.read_text()}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, all on 127.0.0.1."""
    base = tmp_path_factory.mktemp("dask")
    scheduler_file = base / "scheduler.json"
    env = {**os.environ, "BIREADER_CACHE_DIR": str(base / "cache")}
    processes: list[subprocess.Popen[bytes]] = []
    logs = [(base / f"{name}.log").open("wb") for name in ("scheduler", "w1", "w2")]
    try:
        processes.append(subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            stdout=logs[0], stderr=subprocess.STDOUT, env=env, cwd=base,
        ))
        address = _scheduler_address(scheduler_file, processes[0], base / "scheduler.log")
        assert address.startswith("tcp://127.0.0.1:"), address
        for number, log in enumerate(logs[1:], start=1):
            processes.append(subprocess.Popen(
                [DASK, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-dashboard", "--no-nanny", "--name", f"w{number}",
                 "--local-directory", str(base / f"w{number}"), "--death-timeout", "60"],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=base,
            ))
        with distributed.Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)
        for log in logs:
            log.close()


# Creation times differ between two runs: the TMX's, the JSON's, the page footer's.
_TIMES = re.compile(
    rb"\d{8}T\d{6}Z|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|\+00:00)"
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d UTC|\d{4}-\d\d-\d\d"
)


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): _TIMES.sub(b"<time>", path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".bireader-batch" not in path.parts
    }


def test_dask_outputs_are_the_local_pools(cluster: str, tmp_path: Path) -> None:
    root = tmp_path / "in"
    synthetic_corpus(root, count=12, seed=3, low=3, high=12, folders=3)
    formats = ("html", "tmx", "json", "tsv")
    local = bireader.batch([root], tmp_path / "local", to=formats, engine="apertium", jobs=2,
                           tmx_corpus=tmp_path / "local.tmx", cache=False)
    with distributed.Client(cluster, timeout="30s") as client:
        before = client.run(lambda: __import__("bireader.corpus").corpus.ENGINES_BUILT)
        remote = bireader.batch([root], tmp_path / "dask", to=formats, engine="apertium",
                                client=client, tmx_corpus=tmp_path / "dask.tmx", cache=False)
        after = client.run(lambda: __import__("bireader.corpus").corpus.ENGINES_BUILT)
    assert local.translated == remote.translated == 12 and not remote.failed
    assert remote.sentences == local.sentences
    ours, theirs = _files(tmp_path / "local"), _files(tmp_path / "dask")
    assert len(ours) == 12 * len(formats)
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert ours[name] == theirs[name], name
    assert _TIMES.sub(b"", (tmp_path / "local.tmx").read_bytes()) == _TIMES.sub(
        b"", (tmp_path / "dask.tmx").read_bytes()
    )
    # Both workers worked, and each built its engine once for all its articles.
    built = {worker: after[worker] - before.get(worker, 0) for worker in after}
    assert len(built) == 2 and all(count <= 1 for count in built.values()), built
    assert sum(built.values()) >= 1


def test_cli_dask_option_and_resume(cluster: str, tmp_path: Path) -> None:
    root = tmp_path / "in"
    synthetic_corpus(root, count=6, seed=5, low=3, high=8, folders=2)
    command = [str(Path(sys.executable).with_name("bireader")), "batch", str(root),
               "-o", str(tmp_path / "out"), "--to", "html", "--dask", cluster, "-e", "apertium",
               "--no-cache"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    assert "(6 translated, 0 up to date, 0 failed)" in first.stderr
    second = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert second.returncode == 0 and "(0 translated, 6 up to date, 0 failed)" in second.stderr


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Hola.\n", encoding="utf-8")
    command = [str(Path(sys.executable).with_name("bireader")), "batch", str(tmp_path / "a.txt"),
               "-o", str(tmp_path / "out"), "--dask", "tcp://127.0.0.1:9"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3, done.stderr
    assert "cannot reach the Dask scheduler" in done.stderr and "Traceback" not in done.stderr
