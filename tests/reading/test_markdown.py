"""Markdown read as CommonMark reads it (markdown-it-py), offsets exact into Document.text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bireader.errors import InputError
from bireader.model import Document
from bireader.reading import read


def kinds_and_texts(doc: Document) -> list[list[str]]:
    return [[block.kind, doc.text[block.start : block.end]] for block in doc.blocks]


def assert_exact(doc: Document) -> None:
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(doc.text)
        assert block.sentences
        for sentence in block.sentences:
            assert block.start <= sentence.start < sentence.end <= block.end
            assert doc.text[sentence.start : sentence.end] == sentence.text


def test_indented_code_is_not_prose() -> None:
    doc = read(
        "# Código\n\nUn ejemplo:\n\n    for x in y:\n        print(x)\n\nFin del ejemplo.\n",
        format="markdown",
    )
    assert kinds_and_texts(doc) == [
        ["heading", "Código"],
        ["paragraph", "Un ejemplo:"],
        ["paragraph", "Fin del ejemplo."],
    ]
    assert_exact(doc)


def test_link_reference_definitions_are_not_paragraphs() -> None:
    doc = read(
        "Según [el informe][1] y [la ONU].\n\n"
        '[1]: https://example.org/informe "Informe"\n'
        "[la ONU]: <https://un.org>\n",
        format="markdown",
    )
    assert kinds_and_texts(doc) == [["paragraph", "Según el informe y la ONU."]]


def test_a_list_items_paragraphs_stay_in_the_item() -> None:
    doc = read(
        "- Primer punto.\n\n  Sigue el primer punto.\n\n- Segundo punto.\n"
        "  1. Dentro.\n\nDespués de la lista.\n",
        format="markdown",
    )
    assert kinds_and_texts(doc) == [
        ["list_item", "Primer punto.\nSigue el primer punto."],
        ["list_item", "Segundo punto."],
        ["list_item", "Dentro."],
        ["paragraph", "Después de la lista."],
    ]
    assert [s.text for s in doc.sentences()][:2] == ["Primer punto.", "Sigue el primer punto."]
    assert_exact(doc)


def test_quotes_headings_and_raw_html() -> None:
    doc = read(
        "Titular\n=======\n\n> Una cita.\n>\n> Otra cita.\n\n<div class='x'>\n<p>Un párrafo en"
        " HTML.</p>\n</div>\n\n<!-- nota -->\n\n***\n\n![Foto: EFE](f.jpg)\n",
        format="markdown",
    )
    assert kinds_and_texts(doc) == [
        ["heading", "Titular"],
        ["quote", "Una cita."],
        ["quote", "Otra cita."],
        ["paragraph", "Un párrafo en HTML."],
        ["caption", "Foto: EFE"],
    ]


_PIECES = st.sampled_from(
    [
        "# Título",
        "Un párrafo.",
        "- uno",
        "  dos",
        "1. tres",
        "> cita",
        ">",
        "    código",
        "```",
        "~~~",
        "[1]: http://x.es",
        "[a][1]",
        "**negrita**",
        "*em*",
        "_x_",
        "`c`",
        "<!--",
        "-->",
        "<div>",
        "</div>",
        "<p>Hola.</p>",
        "&amp;",
        "&#1;",
        "\\*",
        "***",
        "| a | b |",
        "|---|---|",
        "===",
        "---",
        "Sr. Pérez llegó.",
        "¿Qué? Sí.",
        "\u200b",
        "\u00a0",
        "![alt](i.png)",
        "<https://x.es>",
        "—Dijo.",
        "",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.sampled_from(["\n", "\n\n", " ", "\n  "])), max_size=25))
def test_any_markdown_reads_with_exact_offsets(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + sep for piece, sep in parts).encode()  # bytes: never a path
    try:
        doc = read(text, format="markdown")
    except InputError as exc:
        assert "empty" in str(exc) or "no readable text" in str(exc)
        return
    assert_exact(doc)
    assert read(text, format="markdown") == doc
