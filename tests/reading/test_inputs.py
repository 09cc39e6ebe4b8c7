"""The input-format registry and ``open_input``: what an input is, decided in one place."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from formats.samples import make_bilingual
from reading_helpers import TMX

import bireader
from bireader.cli import main
from bireader.errors import InputError
from bireader.model import BilingualDocument, Document
from bireader.reading import open_input, read
from bireader.reading.formats import INPUT_FORMATS, format_for_suffix


def test_every_format_has_a_way_in() -> None:
    names = [fmt.name for fmt in INPUT_FORMATS]
    assert len(names) == len(set(names))
    for fmt in INPUT_FORMATS:
        if fmt.kind == "article":
            assert fmt.parser() is not None
        elif fmt.kind == "bilingual":
            assert fmt.loader() is not None
        else:
            assert fmt.hint and fmt.sniff is not None
    suffixes = [s for fmt in INPUT_FORMATS for s in fmt.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert format_for_suffix(".md") is not None and format_for_suffix(".pdf") is None


def _written(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"written{suffix}"
    bireader.export(make_bilingual(), path)
    return path


@pytest.mark.parametrize("suffix", [".html", ".tsv"])
def test_bireaders_own_page_and_tsv_are_not_articles(tmp_path: Path, suffix: str) -> None:
    """Issue 9 item 8: the page read as an article glued both languages together; the
    TSV was translated header and all."""
    path = _written(tmp_path, suffix)
    renamed = tmp_path / "saved.txt"  # the suffix does not matter: the content tells
    renamed.write_bytes(path.read_bytes())
    for source in (path, renamed, path.read_bytes()):
        with pytest.raises(InputError, match=r"written by bireader|as bireader writes"):
            read(source)
        with pytest.raises(InputError, match="not an article"):
            open_input(source)


@pytest.mark.parametrize("suffix", [".html", ".tsv"])
def test_export_refuses_bireaders_own_page_and_tsv(tmp_path: Path, suffix: str) -> None:
    path = _written(tmp_path, suffix)
    out = tmp_path / "again.html"
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "not an article" in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_a_page_that_merely_mentions_bireader_is_an_article() -> None:
    page = (
        "<html><head><meta name='generator' content='WordPress'></head><body>"
        "<p>Usé bireader ayer.</p></body></html>"
    )
    assert [s.text for s in read(page.encode()).sentences()] == ["Usé bireader ayer."]


@pytest.mark.parametrize("suffix", [".tmx", ".json"])
def test_open_input_reads_translated_inputs_back(tmp_path: Path, suffix: str) -> None:
    path = _written(tmp_path, suffix)
    for source in (path, io.BytesIO(path.read_bytes()), path.read_bytes()):
        got = open_input(source)
        assert isinstance(got, BilingualDocument)
        assert [p.target for p in got.pairs] == [p.target for p in make_bilingual().pairs]


def test_open_input_reads_an_article() -> None:
    got = open_input("Hola. Adiós.")
    assert isinstance(got, Document) and len(list(got.sentences())) == 2


def test_export_reads_a_memory_from_stdin(tmp_path: Path) -> None:
    memory = _written(tmp_path, ".tmx")
    result = CliRunner().invoke(
        main, ["export", "-", "-o", "-", "--format", "tsv"], input=memory.read_bytes()
    )
    assert result.exit_code == 0, result.output
    assert "Talks in Miami" in result.stdout


def test_tmx_on_stdin_is_refused_as_a_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TMX.encode("utf-8"))))
    with pytest.raises(InputError, match=r"<stdin>: a TMX translation memory.*bireader export"):
        read("-")


@pytest.mark.parametrize("fmt", [None, "html", "text"])
def test_tmx_content_is_never_an_article(fmt: str | None) -> None:
    with pytest.raises(InputError, match="TMX translation memory"):
        read(("\ufeff" + TMX).encode("utf-16"), format=fmt)
    with pytest.raises(InputError, match="TMX translation memory"):
        read(TMX.replace("<!-- memoria -->\n", ""), format=fmt)


def test_tmx_path_is_refused_with_the_export_hint(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(TMX, "utf-8")
    with pytest.raises(InputError, match=r"m\.tmx: a TMX.*`bireader export .*m\.tmx -o OUT"):
        read(path)


def test_bilingual_json_content_is_not_an_article(monkeypatch: pytest.MonkeyPatch) -> None:
    from bireader.formats.json import dumps
    from bireader.model import BilingualDocument, Block, Pair, Provenance, Sentence

    sentence = Sentence("Hola.", 0, 5)
    bi = BilingualDocument(
        Document("Hola.", (Block("paragraph", 0, 5, (sentence,)),)),
        (Pair(sentence, "Hello.", 0, "paragraph", "apertium"),),
        Provenance("apertium", "3.8"),
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(dumps(bi).encode("utf-8"))))
    with pytest.raises(InputError, match=r"<stdin>: a bilingual JSON document.*bireader export"):
        read("-")
    # Other JSON is text like any other.
    assert read('{"pairs": 1, "nota": "Hola."}', format="text").blocks
