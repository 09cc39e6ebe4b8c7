"""Saved news pages (tests/data/pages): the article's sentences, and only those."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bireader.reading import read
from bireader.reading.html import parse_html
from bireader.segment import segment_document
from bireader.testing import extraction_scores

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
GOLD = json.loads((PAGES / "gold.json").read_text("utf-8"))


def _kept(name: str, *, web: bool) -> list[str]:
    document = segment_document(parse_html((PAGES / name).read_text("utf-8"), web=web))
    return [sentence.text for sentence in document.sentences()]


def _trafilatura() -> None:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("trafilatura is not installed (pip install 'bireader[web]')")


@pytest.mark.parametrize("name", sorted(GOLD))
def test_the_web_reader_keeps_the_article_only(name: str) -> None:
    _trafilatura()
    precision, recall = extraction_scores(
        _kept(name, web=True), GOLD[name]["article"], GOLD[name]["neutral"]
    )
    assert (precision, recall) == (1.0, 1.0)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_the_lxml_reader_keeps_the_whole_article(name: str) -> None:
    precision, recall = extraction_scores(
        _kept(name, web=False), GOLD[name]["article"], GOLD[name]["neutral"]
    )
    assert recall == 1.0
    # Chrome named in a class or id, or opening with a label, goes without trafilatura.
    assert precision == 1.0 or name == "vivienda-madrid.html"


def test_chrome_inside_the_article_is_not_read() -> None:
    """Share buttons, "Publicidad", a newsletter box and "Lee también" inside <article>
    were read as text to translate."""
    text = read(PAGES / "sequia-andalucia.html").text
    for chrome in ("Compartir", "Publicidad", "Boletín", "Suscribirme", "Lee también", "Temas"):
        assert chrome not in text
    assert "Restricciones a partir de noviembre" in text


def test_an_article_with_a_chrome_like_class_is_still_read() -> None:
    page = (
        "<article class='ad-free story'><h1>Titular</h1><p>Un párrafo largo de la noticia.</p>"
        "<div class='share'>Compartir</div><p>Otro párrafo.</p></article>"
    )
    assert [s.text for s in read(page.encode(), format="html").sentences()] == [
        "Titular",
        "Un párrafo largo de la noticia.",
        "Otro párrafo.",
    ]


def test_a_box_holding_most_of_the_article_is_kept() -> None:
    body = " ".join(f"Frase número {i} de la noticia." for i in range(20))
    page = f"<article><h1>T</h1><div class='related'><p>{body}</p></div><p>Fin.</p></article>"
    assert "Frase número 19" in read(page.encode(), format="html").text
