"""`bireader translate`, `bireader engines` and `bireader cache` through CliRunner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from bireader.cli import main
from bireader.errors import TranslationFailed
from bireader.model import Provenance
from bireader.reading import read
from bireader.translation import base
from bireader.translation.base import EngineStatus

REPO = Path(__file__).resolve().parents[1]
MIAMI = REPO / "texts" / "miami-talks.es.txt"

ARTICLE = "El alcalde habló ayer.\n\nLos vecinos votaron. El recuento terminó tarde.\n"


class CountingEngine:
    """Test double: uppercases; records every sentence it is given."""

    name = "apertium"  # registered under a real name, so it is a valid --engine choice
    ready = True
    calls: ClassVar[list[str]] = []
    fail = False

    def __init__(self, **options: object) -> None:
        pass

    @classmethod
    def status(cls) -> EngineStatus:
        if cls.ready:
            return EngineStatus(cls.name, True, "counting test double")
        return EngineStatus(cls.name, False, "switched off", "apt-get install counting")

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        if self.fail:
            raise TranslationFailed("the engine fell over")
        type(self).calls.extend(sentences)
        return [s.upper() for s in sentences]

    def provenance(self) -> Provenance:
        return Provenance(self.name, "9.9", "upper", "1", {"case": "upper"})


class NotReadyEngine(CountingEngine):
    name = "argos"
    ready = False


@pytest.fixture
def fake_engines(
    monkeypatch: pytest.MonkeyPatch, register_engines: Callable[..., object]
) -> type[CountingEngine]:
    register_engines(argos=NotReadyEngine, apertium=CountingEngine)
    monkeypatch.setattr(CountingEngine, "calls", [])
    monkeypatch.setattr(CountingEngine, "ready", True)
    monkeypatch.setattr(CountingEngine, "fail", False)
    return CountingEngine


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_translate_prints_pairs_as_json(fake_engines: type[CountingEngine], article: Path) -> None:
    code, out, err = run("translate", str(article))
    assert code == 0, err
    data = json.loads(out)
    document = read(article)
    sentences = list(document.sentences())
    assert [p["source"] for p in data["pairs"]] == [s.text for s in sentences]
    assert [p["target"] for p in data["pairs"]] == [s.text.upper() for s in sentences]
    assert [(p["start"], p["end"]) for p in data["pairs"]] == [(s.start, s.end) for s in sentences]
    assert all(p["flags"] == [] and p["engine"] == "apertium" for p in data["pairs"])
    assert {p["block_kind"] for p in data["pairs"]} <= {"paragraph", "heading", "caption"}
    assert data["provenance"]["signature"] == "apertium:9.9|model:upper@1|case=upper"


def test_output_file_and_dash(
    fake_engines: type[CountingEngine], article: Path, tmp_path: Path
) -> None:
    out_path = tmp_path / "out" / "pairs.json"
    out_path.parent.mkdir()
    code, out, _ = run("translate", str(article), "-o", str(out_path))
    assert code == 0 and out == ""
    from_file = json.loads(out_path.read_text(encoding="utf-8"))
    code, out, _ = run("translate", str(article), "-o", "-")
    assert code == 0
    assert json.loads(out)["pairs"] == from_file["pairs"]


def test_cache_and_no_cache(
    fake_engines: type[CountingEngine], article: Path, cache_dir: Path
) -> None:
    assert run("translate", str(article))[0] == 0
    first = len(fake_engines.calls)
    assert first == 3
    assert run("translate", str(article))[0] == 0
    assert len(fake_engines.calls) == first  # served by the cache
    assert run("translate", str(article), "--no-cache")[0] == 0
    assert len(fake_engines.calls) == 2 * first
    assert (cache_dir / "translations.sqlite3").is_file()


def test_missing_input_is_one_line_and_exit_2(
    fake_engines: type[CountingEngine], tmp_path: Path
) -> None:
    out_path = tmp_path / "pairs.json"
    code, out, err = run("translate", str(tmp_path / "nope.txt"), "-o", str(out_path))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("bireader: error:")
    assert "Traceback" not in err and out == ""
    assert not out_path.exists()


def test_engine_failure_leaves_no_output(
    fake_engines: type[CountingEngine], article: Path, tmp_path: Path
) -> None:
    fake_engines.fail = True
    out_path = tmp_path / "pairs.json"
    out_path.write_text("previous", encoding="utf-8")
    code, _, err = run("translate", str(article), "-o", str(out_path), "--no-cache")
    assert code == 3
    assert err == "bireader: error: the engine fell over\n"
    assert out_path.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "article.txt",
        "pairs.json",
    ]


def test_unwritable_output_is_exit_4(fake_engines: type[CountingEngine], article: Path) -> None:
    code, _, err = run("translate", str(article), "-o", "/nonexistent-dir/pairs.json")
    assert code == 4
    assert err.startswith("bireader: error:") and err.count("\n") == 1


def test_auto_with_nothing_ready_says_how_to_fix(
    fake_engines: type[CountingEngine], article: Path
) -> None:
    fake_engines.ready = False
    code, _, err = run("translate", str(article))
    assert code == 3
    assert "apt-get install counting" in err and err.count("\n") == 1


def test_engine_choices_come_from_the_registry() -> None:
    code, _, err = run("translate", "x.txt", "--engine", "babelfish")
    assert code == 2
    for name in ("auto", *base.engine_names()):
        assert name in err


def test_engines_lists_status_and_fix(fake_engines: type[CountingEngine]) -> None:
    code, out, _ = run("engines")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["argos", "not", "ready"]
    assert "to fix:" in lines[1] and "apt-get install counting" in lines[1]
    assert lines[2].split()[:2] == ["apertium", "ready"]
    assert lines[-1] == "auto -> apertium"


def test_engines_on_this_machine() -> None:
    code, out, _ = run("engines")
    assert code == 0
    for name in base.engine_names():
        status = base.engine_status(name)
        assert name in out
        if not status.ready and status.fix:
            assert status.fix in out


def test_cache_info_and_clear(
    fake_engines: type[CountingEngine], article: Path, cache_dir: Path
) -> None:
    code, out, _ = run("cache", "info")
    assert code == 0 and "entries: 0" in out and str(cache_dir) in out
    run("translate", str(article))
    code, out, _ = run("cache", "info")
    assert "entries: 3" in out
    code, out, _ = run("cache", "clear")
    assert code == 0 and "removed 3" in out
    assert "entries: 0" in run("cache", "info")[1]
    run("translate", str(article))
    assert len(fake_engines.calls) == 6  # cleared: translated again


def _apertium_ready() -> bool:
    return base.engine_status("apertium").ready


@pytest.mark.apertium
@pytest.mark.skipif(not _apertium_ready(), reason="apertium spa-eng is not installed")
def test_miami_with_apertium() -> None:
    code, out, err = run("translate", str(MIAMI), "--engine", "apertium", "--no-cache")
    assert code == 0, err
    data = json.loads(out)
    segments = [s.text for s in read(MIAMI).sentences()]
    assert len(data["pairs"]) == len(segments) == 11
    assert [p["source"] for p in data["pairs"]] == segments
    assert all(p["target"].strip() and p["flags"] == [] for p in data["pairs"])
    # Names ("Steve Witkoff") come back unchanged; sentences do not.
    assert sum(p["target"] != p["source"] for p in data["pairs"]) >= 9
    assert data["provenance"]["engine"] == "apertium"


@pytest.mark.apertium
@pytest.mark.skipif(not _apertium_ready(), reason="apertium spa-eng is not installed")
def test_installed_command_in_a_subprocess(tmp_path: Path) -> None:
    command = shutil.which("bireader", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("the bireader command is not installed next to this Python")
    out_path = tmp_path / "miami.json"
    env = {**os.environ, "BIREADER_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [command, "translate", str(MIAMI), "--engine", "apertium", "-o", str(out_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(out_path.read_text(encoding="utf-8"))["pairs"]) == 11


def test_miami_with_the_tiny_argos_package(argos_packages_dir: Path) -> None:
    code, out, err = run("engines")
    # Random weights fail the self-test: installed, usable by name, never chosen by auto.
    argos_line = next(line for line in out.splitlines() if line.startswith("argos"))
    assert code == 0 and argos_line.split()[:3] == ["argos", "not", "ready"]
    assert "fails its self-test" in argos_line
    assert not out.splitlines()[-1].startswith("auto -> argos")
    code, out, err = run("translate", str(MIAMI), "--engine", "argos", "--no-cache")
    assert code == 0, err
    data = json.loads(out)
    assert [p["source"] for p in data["pairs"]] == [s.text for s in read(MIAMI).sentences()]
    assert len(data["pairs"]) == 11
    assert data["provenance"]["engine"] == "argos"
    assert data["provenance"]["model"].endswith("random-tiny")
    # Random weights give junk: each pair is either Argos output or a flag-free fallback.
    assert all(
        p["engine"] == "argos" or (p.get("repair") or {}).get("kind") == "fallback"
        for p in data["pairs"]
    )
