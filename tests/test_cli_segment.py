from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bireader.cli import main
from bireader.reading import read

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "texts" / "miami-talks.es.txt"
DATA = Path(__file__).parent / "data" / "reader"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_sample_prints_its_eleven_segments(runner: CliRunner) -> None:
    result = runner.invoke(main, ["segment", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 11
    original = SAMPLE.read_text("utf-8")
    doc = read(SAMPLE)
    assert lines == [original[s.start : s.end] for s in doc.sentences()]
    assert "Steve Witkoff" in lines
    assert "Kirill Dmitriev, director del fondo soberano de riqueza de Rusia" in lines


GOLD = sorted((DATA / "gold").glob("*.sentences.txt"))


@pytest.mark.parametrize("gold", GOLD, ids=[g.name.split(".")[0] for g in GOLD])
def test_articles_print_their_gold_sentences(runner: CliRunner, gold: Path) -> None:
    """Hand-checked segmentations of the texts/ articles, one sentence per line."""
    article = ROOT / "texts" / gold.name.replace(".sentences.txt", ".txt")
    result = runner.invoke(main, ["segment", str(article)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == gold.read_text("utf-8").splitlines()


def test_json_has_blocks_kinds_and_offsets(runner: CliRunner) -> None:
    result = runner.invoke(main, ["segment", "--json", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    original = SAMPLE.read_text("utf-8")
    assert payload["source"] == str(SAMPLE)
    assert payload["lang"] == "es"
    blocks = payload["blocks"]
    captions = [b for b in blocks if b["kind"] == "caption"]
    assert [original[b["start"] : b["end"]] for b in captions] == [
        "Steve Witkoff",
        "Kirill Dmitriev, director del fondo soberano de riqueza de Rusia",
    ]
    assert all(len(b["sentences"]) == 1 for b in captions)
    sentences = [s for b in blocks for s in b["sentences"]]
    assert len(sentences) == 11
    for block in blocks:
        for s in block["sentences"]:
            assert block["start"] <= s["start"] < s["end"] <= block["end"]
            assert original[s["start"] : s["end"]] == s["text"]


def test_json_of_markdown_reports_title_and_kinds(runner: CliRunner) -> None:
    result = runner.invoke(main, ["segment", "--json", str(DATA / "article.md")])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["title"] == "Calor récord en Córdoba"
    kinds = {b["kind"] for b in payload["blocks"]}
    assert {"heading", "paragraph", "caption", "list_item", "quote"} <= kinds


def test_stdin_dash(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["segment", "-"], input="El Sr. Pérez llegó a EE. UU. El viaje fue largo.\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["El Sr. Pérez llegó a EE. UU.", "El viaje fue largo."]


def test_stdin_bytes_in_windows_1252(runner: CliRunner) -> None:
    result = runner.invoke(main, ["segment", "-"], input="Año nuevo. Niño.\n".encode("cp1252"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Año nuevo.", "Niño."]


def test_format_option(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "pagina.dat"
    page.write_text("<p>Uno. Dos.</p>", encoding="utf-8")
    result = runner.invoke(main, ["segment", "--input-format", "html", str(page)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Uno.", "Dos."]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "nada.txt", "nada.txt: no such file"),
        (lambda d: d / "sin-sufijo", "sin-sufijo: no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "foto.txt", bytes(range(256))), "foto.txt: binary file"),
        (lambda d: _write(d / "vacio.txt", b""), "vacio.txt: input is empty"),
        (lambda d: _write(d / "blanco.txt", " \n\u00a0\n".encode()), "blanco.txt: input is empty"),
    ],
    ids=["missing", "missing-no-suffix", "directory", "binary", "empty", "whitespace"],
)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    result = runner.invoke(main, ["segment", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bireader: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _installed_command() -> str | None:
    beside = Path(sys.executable).parent / "bireader"
    if beside.exists():
        return str(beside)
    return shutil.which("bireader")


def test_installed_command_runs_as_a_subprocess(tmp_path: Path) -> None:
    command = _installed_command()
    if command is None:
        pytest.skip("the bireader command is not installed (pip install -e .)")
    done = subprocess.run(
        [command, "segment", str(SAMPLE)], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 11
    assert lines[2] == "Steve Witkoff"
    missing = subprocess.run(
        [command, "segment", str(tmp_path / "nada.txt")], capture_output=True, timeout=60
    )
    assert missing.returncode == 2
    assert missing.stderr.decode().strip().splitlines() == [
        f"bireader: error: {tmp_path / 'nada.txt'}: no such file"
    ]
