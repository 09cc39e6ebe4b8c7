"""How the CLI fails: one-line usage errors, unwritable stdout, hostile inputs, odd FILEs."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from doubles import LowerEngine

import bireader
from bireader.cli import main
from bireader.formats.tmx import read_tmx
from bireader.reading import source as reader

REPO = Path(__file__).resolve().parents[1]
TMX = REPO / "tests" / "data" / "tmx" / "remote_dtd.tmx"
ARTICLE = "El alcalde habló ayer.\n\nLos vecinos votaron. Todo terminó tarde.\n"


@pytest.fixture
def engine(
    monkeypatch: pytest.MonkeyPatch, register_engines: Callable[..., object]
) -> type[LowerEngine]:
    register_engines(argos=LowerEngine, apertium=LowerEngine)
    monkeypatch.setattr(LowerEngine, "calls", [])
    return LowerEngine


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args: object, input: Any = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["export", "x.txt"], "bireader export", "Missing option '-o' / '--output'"),
        (["--bogus"], "bireader", "No such option '--bogus'"),
        (["nosuch"], "bireader", "No such command 'nosuch'"),
        (["segment"], "bireader segment", "Missing argument 'FILE'"),
        (["translate", "x.txt", "-e", "babelfish"], "bireader translate", "'babelfish'"),
        (["cache", "info", "--nope"], "bireader cache info", "No such option '--nope'"),
        (["models", "install", "es"], "bireader models install", "give FROM TO"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], command: str, message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("bireader: error: ") and message in err
    assert err.endswith(f" (try '{command} --help')\n")
    assert "Usage:" not in err


def test_help_and_version_still_work() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out == f"bireader, version {bireader.__version__}\n"
    code, out, _ = run("-h")
    assert code == 0 and out.startswith("Usage: ") and "[OPTIONS] COMMAND" in out
    code, out, _ = run("export", "--help")
    assert code == 0 and "--no-fallback" in out


@pytest.mark.parametrize("group", [[], ["cache"], ["models"]])
def test_command_summaries_are_not_cut(group: list[str]) -> None:
    code, out, _ = run(*group, "--help")
    assert code == 0
    listing = out.split("Commands:\n", 1)[1].splitlines()
    assert len(listing) >= 2
    for line in listing:
        assert not line.rstrip().endswith("..."), line
        assert line.rstrip().endswith("."), line


# --------------------------------------------------------------------------- stdout


class _FullDevice(io.RawIOBase):
    """A raw stream like /dev/full: every write fails with ENOSPC while ``full``."""

    full = True

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return len(data)


class FullStdoutRunner(CliRunner):
    """A runner whose stdout is a full disk (stderr is captured as usual)."""

    device: _FullDevice

    @contextlib.contextmanager
    def isolation(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with super().isolation(*args, **kwargs) as streams:
            self.device = _FullDevice()
            sys.stdout = io.TextIOWrapper(io.BufferedWriter(self.device), encoding="utf-8")
            try:
                yield streams
            finally:
                self.device.full = False  # let the buffer go quietly after the test


@pytest.mark.parametrize(
    "args",
    [
        ["segment", "{article}"],
        ["segment", "--json", "{article}"],
        ["translate", "{article}"],
        ["export", "{article}", "-o", "-", "--format", "tsv"],
        ["export", str(TMX), "-o", "-", "--format", "json"],
        ["engines"],
        ["cache", "info"],
        ["models", "list"],
    ],
)
def test_stdout_write_failure_is_one_line_exit_4(
    engine: type[LowerEngine], article: Path, args: list[str], no_argos_packages: Path
) -> None:
    result = FullStdoutRunner().invoke(main, [a.format(article=article) for a in args])
    assert result.exit_code == 4, result.stderr
    assert result.stderr == (
        "bireader: error: cannot write to standard output: No space left on device\n"
    )


def test_stdout_failure_still_writes_the_files(
    engine: type[LowerEngine], article: Path, tmp_path: Path
) -> None:
    page = tmp_path / "p.html"
    result = FullStdoutRunner().invoke(
        main, ["export", str(article), "-o", str(page), "-o", "-", "-f", "json"]
    )
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        f"wrote {page} (html, 3 pairs)",
        "bireader: error: cannot write to standard output: No space left on device",
    ]
    assert page.is_file()


def _command() -> str:
    command = shutil.which("bireader", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("the bireader command is not installed next to this Python")
    return command


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args", [["segment", str(REPO / "texts" / "miami-talks.es.txt")], ["engines"]]
)
def test_dev_full_in_a_real_process(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [_command(), *args], stdout=full, stderr=subprocess.PIPE, timeout=60, check=False
        )
    assert done.returncode == 4
    assert done.stderr.decode() == (
        "bireader: error: cannot write to standard output: No space left on device\n"
    )


# --------------------------------------------------------------------------- hostile input


class _Zeros(io.RawIOBase):
    """An endless stream of NUL bytes, like /dev/zero, counting what was read."""

    def __init__(self, byte: bytes = b"\0") -> None:
        self.byte = byte
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        view[:] = self.byte * len(view)
        self.served += len(view)
        return len(view)


def test_endless_binary_stdin_is_refused_at_the_first_chunk() -> None:
    zeros = _Zeros()
    code, out, err = run("segment", "-", input=io.BufferedReader(zeros))
    assert code == 2 and out == ""
    assert err == "bireader: error: <stdin>: binary file, not text\n"
    assert zeros.served <= 4 * 1024 * 1024


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_refused(device: str) -> None:
    code, _, err = run("segment", device)
    assert code == 2
    assert err == f"bireader: error: {device}: binary file, not text\n"


def test_endless_text_stops_at_the_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_INPUT_BYTES", 3 * 1024 * 1024)
    letters = _Zeros(b"a")
    code, _, err = run("segment", "-", input=io.BufferedReader(letters))
    assert code == 2
    assert err.startswith("bireader: error: <stdin>: input is larger than 3 MiB")
    assert letters.served <= 5 * 1024 * 1024


def test_a_file_over_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_INPUT_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("Hola mundo. " * 100, encoding="utf-8")
    code, _, err = run("segment", big)
    assert code == 2 and f"{big}: input is larger than" in err
    big.write_text("Hola mundo. " * 80, encoding="utf-8")  # 960 bytes: fine
    code, out, _ = run("segment", big)
    assert code == 0 and out.count("Hola mundo.") == 80


def test_the_default_cap_is_64_mib() -> None:
    assert reader.MAX_INPUT_BYTES == 64 * 1024 * 1024


def test_utf16_without_bom_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Hola mundo. Adiós amigo.\n".encode("utf-16-le"))
    code, out, _ = run("segment", path)
    assert code == 0 and out.splitlines() == ["Hola mundo.", "Adiós amigo."]


# --------------------------------------------------------------------------- odd FILEs


@pytest.mark.parametrize("command", ["segment", "translate", "export"])
def test_a_url_is_named_as_given_with_the_offline_hint(command: str, tmp_path: Path) -> None:
    extra = ["-o", str(tmp_path / "x.html")] if command == "export" else []
    code, _, err = run(command, "https://example.com/a.html", *extra)
    assert code == 2
    assert err.startswith("bireader: error: https://example.com/a.html: no such file")
    assert "does not fetch URLs" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["segment", "translate", "export"])
def test_an_empty_file_argument_says_no_input_given(command: str, tmp_path: Path) -> None:
    extra = ["-o", str(tmp_path / "x.html")] if command == "export" else []
    code, _, err = run(command, "", *extra)
    assert code == 2
    assert err.startswith("bireader: error: no input file given")
    assert "directory" not in err and err.count("\n") == 1


# --------------------------------------------------------------------------- translate -o


@pytest.mark.parametrize("name", ["out.html", "out.tmx", "out", "out.json.txt"])
def test_translate_refuses_an_output_that_is_not_json(
    engine: type[LowerEngine], article: Path, tmp_path: Path, name: str
) -> None:
    code, _, err = run("translate", article, "-o", tmp_path / name)
    assert code == 2
    assert "must end in .json" in err and "bireader export" in err
    assert engine.calls == [] and not (tmp_path / name).exists()


def test_translate_names_the_file_it_wrote(
    engine: type[LowerEngine], article: Path, tmp_path: Path
) -> None:
    out_path = tmp_path / "Pairs.JSON"
    code, out, err = run("translate", article, "-o", out_path)
    assert code == 0 and out == ""
    pairs = json.loads(out_path.read_text(encoding="utf-8"))["pairs"]
    assert err == f"wrote {out_path} (json, {len(pairs)} pairs)\n"
    assert len(pairs) == 3
    code, out, err = run("translate", article)  # to stdout: nothing said on stderr
    assert code == 0 and err == "" and json.loads(out)["pairs"] == pairs


# --------------------------------------------------------------------------- library errors


def test_export_to_a_text_stream_is_a_type_error() -> None:
    bi = read_tmx(TMX)
    with pytest.raises(TypeError, match="binary stream"):
        bireader.export(bi, io.StringIO(), format="json")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary stream"):
        bireader.export(bi, 42, format="json")  # type: ignore[arg-type]
    stream = io.BytesIO()
    bireader.export(bi, stream, format="json")
    assert json.loads(stream.getvalue())["pairs"][0]["target"] == "Hello."


def test_translate_of_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"call bireader\.read\(text\) first"):
        bireader.translate("Hola mundo.")  # type: ignore[arg-type]
