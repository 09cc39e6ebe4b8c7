"""``bireader align ES EN -o ...``: every format at once, stdin for one side, refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from align_gold import GOLD
from click.testing import CliRunner

from bireader.cli import main

ES = GOLD / "miami-talks.es.txt"
EN = GOLD / "miami-talks.en.txt"


def run(*args: object, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.apertium
@pytest.mark.usefixtures("apertium")
def test_align_writes_every_format(tmp_path: Path) -> None:
    outputs = [tmp_path / f"x.{suffix}" for suffix in ("html", "tmx", "json", "tsv")]
    code, _, err = run("align", ES, EN, *[arg for out in outputs for arg in ("-o", out)])
    assert code == 0, err
    for out in outputs:
        assert out.stat().st_size > 0
        assert f"wrote {out}" in err
    data = json.loads(outputs[2].read_text(encoding="utf-8"))
    assert data["provenance"]["engine"] == "human"
    assert any("unpaired" in pair["flags"] for pair in data["pairs"])
    assert "Politico reported on Wednesday" in outputs[3].read_text(encoding="utf-8")


@pytest.mark.apertium
@pytest.mark.usefixtures("apertium")
def test_english_from_stdin(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    code, _, err = run("align", ES, "-", "-o", out, input=EN.read_text(encoding="utf-8"))
    assert code == 0, err
    targets = " ".join(pair["target"] for pair in json.loads(out.read_text())["pairs"])
    assert "Kirill Dmitriev, head of Russia's sovereign wealth fund" in targets


@pytest.mark.apertium
@pytest.mark.usefixtures("apertium")
def test_installed_command_to_stdout() -> None:
    exe = Path(sys.executable).with_name("bireader")
    if not exe.exists():
        pytest.skip(f"no installed bireader command beside {sys.executable}")
    done = subprocess.run(
        [str(exe), "align", str(ES), str(EN), "-o", "-", "--format", "tsv"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("#separator:tab")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "-", "-o", "x.json"], "only one of ES_FILE and EN_FILE"),
        ([ES, EN, "-o", "x.pdf"], "cannot tell the output format"),
        ([ES, EN, "-o", str(EN).replace(".txt", ".tsv"), "--layout", "reveal"], "--layout"),
    ],
)
def test_usage_errors_exit_2_before_any_work(args: list[object], message: str) -> None:
    code, _, err = run("align", *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_output_over_an_input_is_refused(tmp_path: Path) -> None:
    english = tmp_path / "en.txt"
    shutil.copy(EN, english)
    (tmp_path / "en.json").hardlink_to(english)  # the same file under an output's name
    code, _, err = run("align", ES, english, "-o", tmp_path / "en.json")
    assert code == 2
    assert "is the input FILE" in err


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run("align", tmp_path / "nope.txt", EN, "-o", tmp_path / "x.json")
    assert code == 2
    assert err.startswith("bireader: error:")
    assert not (tmp_path / "x.json").exists()
