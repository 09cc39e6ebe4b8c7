"""The installed command under `kill`: SIGTERM unwinds like Ctrl-C (a real subprocess)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from formats.samples import synthetic

import bireader

BIREADER = shutil.which("bireader", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(BIREADER is None, reason="the bireader command is not installed in this venv")
def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    bireader.export(synthetic(60_000), big)
    out = tmp_path / "out.html"
    process = subprocess.Popen(
        [str(BIREADER), "export", str(big), "--no-words", "-o", str(out)],
        stderr=subprocess.PIPE,
        env={**os.environ, "BIREADER_CACHE_DIR": str(tmp_path / "cache")},
    )
    # Wait (bounded) until the output's temporary file exists: the write is under way.
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.html.*.tmp")) and process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the export never started writing")
        time.sleep(0.01)
    if process.poll() is not None:
        pytest.skip("the export finished before it could be interrupted")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the export finished before the signal arrived")
    assert process.returncode == 143, err
    assert err.decode().strip().splitlines()[-1] == "bireader: terminated"
    assert "Traceback" not in err.decode()
    # Neither a temporary file nor a half-written page is left.
    assert not [p.name for p in tmp_path.iterdir() if "out.html" in p.name]
