"""Plain text: blocks, titles, bylines, datelines and captions from layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from reading_helpers import ARTICLES, DATA, ROOT, SAMPLE, assert_offsets_slice_text, kinds_and_texts

from bireader.reading import parse_text, read

_CASES: list[dict[str, Any]] = json.loads((DATA / "text_blocks.json").read_text("utf-8"))


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case["label"],
            marks=[pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else [],
        )
        for case in _CASES
    ],
)
def test_text_blocks(case: dict[str, Any]) -> None:
    doc = parse_text(case["input"])
    assert kinds_and_texts(doc) == case["expected"]
    assert len(doc.text) == len(case["input"]), "plain text keeps its length, so offsets hold"


def test_wrapped_lines_become_spaces_only_inside_blocks() -> None:
    text = "Titular\n\nUna línea que sigue\nen la siguiente y termina aquí.\n"
    doc = parse_text(text)
    assert doc.text == "Titular\n\nUna línea que sigue en la siguiente y termina aquí.\n"


def test_a_later_subheading_is_not_the_title() -> None:
    doc = parse_text("Empieza con una frase.\n\nLas reacciones en Bruselas\n\nMás.")
    assert [b.kind for b in doc.blocks] == ["paragraph", "heading", "paragraph"]
    assert doc.title is None


def test_byline_goes_to_metadata() -> None:
    doc = parse_text("Titular de prueba\n\nPor María J. Fernández\n\nTexto.")
    assert doc.metadata["byline"] == "Por María J. Fernández"
    assert doc.metadata["format"] == "text"


def test_sample_article_has_nine_sentences_and_two_captions() -> None:
    doc = read(SAMPLE)
    captions = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "caption"]
    assert captions == [
        "Steve Witkoff",
        "Kirill Dmitriev, director del fondo soberano de riqueza de Rusia",
    ]
    assert [b.kind for b in doc.blocks].count("paragraph") == 9
    assert len(list(doc.sentences())) == 11
    assert doc.title is None  # the sample starts with a sentence, not a headline
    original = SAMPLE.read_text("utf-8")
    for sentence in doc.sentences():
        assert original[sentence.start : sentence.end] == sentence.text
        assert "\n" not in sentence.text


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_articles_read_with_exact_offsets(path: Path) -> None:
    doc = read(path)
    assert doc.source == str(path)
    assert_offsets_slice_text(doc)
    assert doc.blocks and all(block.sentences for block in doc.blocks)


def test_own_articles_have_titles_bylines_captions_and_lists() -> None:
    for name in ("elecciones-municipales.es.txt", "ola-de-calor.es.txt"):
        doc = read(ROOT / "texts" / name)
        kinds = [block.kind for block in doc.blocks]
        assert kinds[0] == "heading" and doc.title == doc.text[: doc.blocks[0].end]
        assert doc.metadata["byline"].startswith("Por ")
        assert "caption" in kinds and kinds.count("list_item") >= 4


def test_a_dateline_is_recorded_in_the_metadata() -> None:
    doc = read("Titular del día\n\nSevilla, 14 de marzo (EFE)\n\nEl texto empieza aquí.")
    assert doc.metadata["dateline"] == "Sevilla, 14 de marzo (EFE)"
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph"]
