"""Attack scripts from issue 9, kept as tests: each ran into a traceback, raw terminal
control or a leftover file before its fix. They run the installed command in a real
process where the attack needs one (closed stdout, a pipe closed by `head`, kill -9).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from formats.samples import make_bilingual, synthetic

import bireader
from bireader.cli import EXIT_BROKEN_PIPE, main
from bireader.formats.base import atomic_writer
from bireader.translation import cache as cache_module

BIREADER = shutil.which("bireader", path=str(Path(sys.executable).parent))
needs_command = pytest.mark.skipif(BIREADER is None, reason="bireader is not installed here")

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\r\nfake: ready \u202eevil"


def _run_shell(script: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
        env={**os.environ, "BIREADER": str(BIREADER), **env},
    )


def _one_clean_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert "Traceback" not in text
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c == "\u202e" for c in lines[0])
    return lines[0]


# ------------------------------------------------------------------ item 2: tracebacks


def test_cache_clear_when_the_cache_file_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "c" / cache_module.FILENAME).mkdir(parents=True)
    result = CliRunner().invoke(
        main, ["cache", "clear"], env={"BIREADER_CACHE_DIR": str(tmp_path / "c")}
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("bireader: error: cannot clear the translation cache")
    assert "directory" in last


def test_cache_clear_on_a_read_only_file_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    (directory / cache_module.FILENAME).write_bytes(b"SQLite format 3\x00" + bytes(100))

    def read_only(self: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    def unlink(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(cache_module.TranslationCache, "_connect", read_only)
    monkeypatch.setattr(Path, "unlink", unlink)
    env = {"BIREADER_CACHE_DIR": str(directory)}
    result = CliRunner().invoke(main, ["cache", "clear"], env=env)
    assert result.exit_code == 1, result.output
    assert "Read-only file system" in result.stderr.strip().splitlines()[-1]


@needs_command
@pytest.mark.parametrize(
    "command",
    [
        '"$BIREADER" segment article.txt >&-',
        '"$BIREADER" export pairs.json -o - --format json >&-',
        '"$BIREADER" engines >&-',
        '"$BIREADER" cache info >&-',
        '"$BIREADER" --help >&-',
        '"$BIREADER" --version >&-',
        '"$BIREADER" export --help >&-',
        '"$BIREADER" models list --help >&-',
    ],
)
def test_closed_stdout_is_one_line_and_exit_4(tmp_path: Path, command: str) -> None:
    (tmp_path / "article.txt").write_text("Hola. Adiós.\n", encoding="utf-8")
    bireader.export(make_bilingual(), tmp_path / "pairs.json")
    result = _run_shell(command, tmp_path, BIREADER_CACHE_DIR=str(tmp_path / "cache"))
    assert result.returncode == 4, result.stderr
    assert "standard output" in _one_clean_line(result.stderr)


@needs_command
def test_closed_stdout_never_writes_into_an_output_file(tmp_path: Path) -> None:
    """With descriptor 1 closed, the first file opened would become 'stdout'."""
    bireader.export(make_bilingual(), tmp_path / "pairs.json")
    result = _run_shell('"$BIREADER" export pairs.json -o out.tsv >&-', tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8").startswith("#separator:tab")


@needs_command
@pytest.mark.parametrize(
    "args",
    [
        ["segment", "big.txt"],
        ["export", "big.json", "-o", "-", "--format", "tsv"],
        ["export", "big.json", "-o", "-", "--format", "html"],
    ],
)
def test_broken_pipe_is_quiet_with_the_sigpipe_status(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "big.txt").write_text("Hola. " * 200_000, encoding="utf-8")
    bireader.export(synthetic(20_000), tmp_path / "big.json")
    process = subprocess.Popen(
        [str(BIREADER), *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    err = process.stderr.read()
    process.wait(timeout=300)
    assert err == b""
    assert process.returncode == EXIT_BROKEN_PIPE == 141


# --------------------------------------------- item 3: what a file says reaches the terminal


def test_error_line_escapes_controls_from_a_file_name(tmp_path: Path) -> None:
    name = str(tmp_path / f"{HOSTILE}.txt")
    result = CliRunner().invoke(main, ["segment", name])
    assert result.exit_code == 2
    line = _one_clean_line(result.stderr.encode())
    assert "\\x1b]0;pwned\\x07" in line and "\\u202e" in line


def test_warnings_are_one_printable_line(tmp_path: Path) -> None:
    import logging

    result = CliRunner().invoke(main, ["cache", "info"])  # installs the stderr handler
    assert result.exit_code == 0
    handler = next(h for h in logging.getLogger("bireader").handlers if hasattr(h, "_bireader_cli"))
    record = logging.LogRecord("bireader.x", logging.WARNING, "", 0, "model %s", (HOSTILE,), None)
    assert handler.formatter is not None
    _one_clean_line(handler.formatter.format(record).encode())


def test_stdout_messages_are_printable(tmp_path: Path) -> None:
    """What a command prints about a file (here the cache's path) is escaped, never obeyed;
    `models list` and `engines` print a model's metadata through the same `_echo`."""
    directory = tmp_path / HOSTILE
    result = CliRunner().invoke(main, ["cache", "info"], env={"BIREADER_CACHE_DIR": str(directory)})
    assert result.exit_code == 0, result.output
    path_line = next(line for line in result.stdout.splitlines() if line.startswith("path:"))
    _one_clean_line(path_line.encode())
    assert "\\x1b]0;pwned\\x07" in path_line and "\\u202e" in path_line
    assert [line.split(":")[0] for line in result.stdout.splitlines()][:3] == [
        "path", "entries", "size"
    ]


def test_a_libxml2_message_with_a_newline_stays_one_line(tmp_path: Path) -> None:
    """A 30 MB attribute makes libxml2 say 'try XML_PARSE_HUGE\\n, line 1...'."""
    big = tmp_path / "big.tmx"
    big.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="es" a="'
        + "x" * (30 * 1024 * 1024)
        + '"/><body/></tmx>',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["export", str(big), "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 2
    line = _one_clean_line(result.stderr.encode())
    assert line.startswith("bireader: error: ") and len(line) <= 2000


# ------------------------------------------------------------ item 6: names and temporaries


def test_a_250_character_output_name_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("a" * 245 + ".json")
    assert len(target.name) == 250
    bireader.export(make_bilingual(), target)
    assert json.loads(target.read_text(encoding="utf-8"))["pairs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_255_byte_multibyte_name_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("ñ" * 125 + ".json")  # 250 + 5 bytes
    assert len(target.name.encode()) == 255
    bireader.export(make_bilingual(), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_temporaries_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    dead = _dead_pid()
    stale = tmp_path / f".out.html.{dead}.0123abcd.tmp"
    stale.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / f".out.html.{dead}.89abcdef.tmp"  # could be another host's, writing now
    fresh.write_bytes(b"busy")
    alive = tmp_path / f".out.html.{os.getppid()}.fedcba98.tmp"  # a running process's
    alive.write_bytes(b"busy")
    os.utime(alive, (old, old))
    other = tmp_path / f".notes.txt.{dead}.0123abcd.tmp"  # not this target's
    other.write_bytes(b"x")
    os.utime(other, (old, old))
    with atomic_writer(target) as stream:
        stream.write(b"new")
    assert target.read_bytes() == b"new"
    assert not stale.exists()
    assert fresh.exists() and alive.exists() and other.exists()


@needs_command
def test_kill_9_during_export_leaves_nothing_after_the_next_write(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    bireader.export(synthetic(60_000), big)
    process = subprocess.Popen(
        [str(BIREADER), "export", str(big), "--no-words", "-o", "out.html"], cwd=tmp_path,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.html.*.tmp")) and process.poll() is None:
        assert time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.01)
    if process.poll() is not None:
        pytest.skip("the export finished before it could be killed")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    leftovers = list(tmp_path.glob(".out.html.*.tmp"))
    assert leftovers  # what kill -9 leaves
    old = time.time() - 3600
    for path in leftovers:
        os.utime(path, (old, old))
    bireader.export(make_bilingual(), tmp_path / "out.html")
    assert not list(tmp_path.glob(".out.html.*.tmp"))


def test_segment_json_escapes_terminal_controls_and_reads_back_the_same(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Hola \u202eal revés. Adiós \u2066aislado\u2069.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["segment", "--json", str(article)])
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    sentences = [s["text"] for b in json.loads(result.stdout)["blocks"] for s in b["sentences"]]
    assert sentences[0] == "Hola \u202eal revés."
