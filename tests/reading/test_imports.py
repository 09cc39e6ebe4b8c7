"""Reading translated inputs back (TMX, bireader JSON): refused at the input, capped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from formats.samples import make_bilingual

import bireader
from bireader.cli import main
from bireader.errors import InputError
from bireader.formats.json import dumps, loads, read_json
from bireader.formats.tmx import read_tmx
from bireader.reading import open_input, source


def _json_with(**changes: object) -> str:
    data = json.loads(dumps(make_bilingual()))
    for key, value in changes.items():
        data[key] = value
    return json.dumps(data)


@pytest.mark.parametrize("key", ["target_lang", "source_lang"])
@pytest.mark.parametrize("code", ["en' onmouseover=alert(1) x='", "en\x1b[2J", "", "e", "english!"])
def test_a_json_language_code_that_is_no_code_is_refused_at_input(key: str, code: str) -> None:
    """Issue 9: it was accepted, and TMX export then failed with exit 4."""
    with pytest.raises(InputError, match=key):
        loads(_json_with(**{key: code}))


def test_export_refuses_a_hostile_language_code_with_exit_2(tmp_path: Path) -> None:
    memory = tmp_path / "m.json"
    memory.write_text(_json_with(target_lang="en' onmouseover=x"), "utf-8")
    out = tmp_path / "m.tmx"
    result = CliRunner().invoke(main, ["export", str(memory), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "target_lang" in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_a_json_document_lang_that_is_no_code_is_refused() -> None:
    data = json.loads(dumps(make_bilingual()))
    data["document"]["lang"] = "es<script>"
    with pytest.raises(InputError, match=r"document\.lang"):
        loads(json.dumps(data))


@pytest.mark.parametrize("index", [0, 2, 7])
def test_a_repeated_or_skipped_pair_index_is_refused(index: int) -> None:
    """Issue 9: duplicate pairs[].index were accepted."""
    data = json.loads(dumps(make_bilingual()))
    data["pairs"][1]["index"] = index
    with pytest.raises(InputError, match=r"pairs\[1\]\.index"):
        loads(json.dumps(data))


@pytest.mark.parametrize("suffix", [".tmx", ".json"])
def test_translated_files_over_the_cap_are_refused_before_parsing(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 item 5: TMX and JSON imports had no size cap (383 MB read in 1.73 GB)."""
    path = tmp_path / f"m{suffix}"
    bireader.export(make_bilingual(), path)
    monkeypatch.setattr(source, "MAX_BILINGUAL_BYTES", path.stat().st_size - 1)
    reader = read_tmx if suffix == ".tmx" else read_json
    for read_back in (reader, open_input):
        with pytest.raises(InputError, match="larger than"):
            read_back(path)
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(tmp_path / "o.html")])
    assert result.exit_code == 2 and "larger than" in result.stderr
    monkeypatch.setattr(source, "MAX_BILINGUAL_BYTES", path.stat().st_size)
    assert reader(path) == open_input(path)
