"""Markdown read as CommonMark reads it (markdown-it-py), offsets exact into Document.text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reading_helpers import DATA, assert_offsets_slice_text, deadline, kinds_and_texts

from bireader.errors import InputError
from bireader.model import Document
from bireader.reading import read


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


def test_markdown_article() -> None:
    doc = read(DATA / "article.md")
    assert doc.title == "Calor récord en Córdoba"
    assert kinds_and_texts(doc) == [
        ["heading", "Calor récord en Córdoba"],
        ["paragraph", "Por Ana M.ª Beltrán"],
        [
            "paragraph",
            "Los termómetros marcaron 44,5 °C a las 17.00 h. "
            "El Sr. Pérez se refugió en la biblioteca municipal.",
        ],
        ["caption", "Un operario se refresca en una fuente"],
        ["caption", "Foto: EFE"],
        ["heading", "Consejos"],
        ["list_item", "Beber agua."],
        ["list_item", "Evitar el sol, sobre todo de 12.00 h a 18.00 h."],
        ["list_item", "Consultar al médico."],
        ["quote", "«Lo excepcional se está convirtiendo en lo normal», dijo el Dr. Vidal."],
        [
            "paragraph",
            "Escriba a redaccion@example.invalid o visite https://example.invalid/calor.",
        ],
    ]
    assert "no_es_texto" not in doc.text
    assert_offsets_slice_text(doc)


def test_markdown_tables_are_skipped() -> None:
    doc = read("# T\n\nAntes.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nDespués.", format="markdown")
    assert kinds_and_texts(doc) == [
        ["heading", "T"],
        ["paragraph", "Antes."],
        ["paragraph", "Después."],
    ]


def test_markdown_setext_heading_and_escapes() -> None:
    doc = read("Titular\n=======\n\nUn \\*asterisco\\* y snake_case_name.\n", format="markdown")
    assert kinds_and_texts(doc) == [
        ["heading", "Titular"],
        ["paragraph", "Un *asterisco* y snake_case_name."],
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            '# Título\n\nUn párrafo.\n\n<div align="center">\n\nOtro párrafo.\n',
            ["Título", "Un párrafo.", "Otro párrafo."],
        ),
        ("Hola.\n\n</p>", ["Hola."]),
        ("# T\n\nUno.\n\n<br>\n\n</div>\n\nDos.", ["T", "Uno.", "Dos."]),
    ],
)
def test_markdown_line_of_only_html_tags_is_skipped(text: str, sentences: list[str]) -> None:
    doc = read(text, format="markdown")
    assert [s.text for s in doc.sentences()] == sentences
    assert_offsets_slice_text(doc)


def test_markdown_file_with_an_html_only_line(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text('# Título\n\nUn párrafo.\n\n<div align="center">\n\nOtro párrafo.\n')
    doc = read(path)
    assert kinds_and_texts(doc) == [
        ["heading", "Título"],
        ["paragraph", "Un párrafo."],
        ["paragraph", "Otro párrafo."],
    ]


def test_markdown_html_comments_are_not_text() -> None:
    doc = read(
        "# T\n\n<!-- toc -->\n\nUno <!-- nota --> dos.\n\n<!--\nvarias\n\nlíneas\n-->\n\nTres.",
        format="markdown",
    )
    assert kinds_and_texts(doc) == [
        ["heading", "T"],
        ["paragraph", "Uno dos."],
        ["paragraph", "Tres."],
    ]


def test_markdown_character_references_are_decoded() -> None:
    doc = read(
        "# Pérez &amp; Cía\n\n&nbsp;\n\n"
        "Hola &amp; adiós &copy; 2024, AT&T, I+D&nota, &#233;l &#x41;&#1;.",
        format="markdown",
    )
    assert doc.title == "Pérez & Cía"
    # "&nbsp;" alone is blank; a reference needs its ";" (CommonMark), bad code points vanish.
    assert kinds_and_texts(doc) == [
        ["heading", "Pérez & Cía"],
        ["paragraph", "Hola & adiós © 2024, AT&T, I+D&nota, él A."],
    ]


@pytest.mark.parametrize(
    "unit", ["**a ", "__a ", "*a ", "~~a ", "[", "[a](b(", "![a](", "<", "<a@b ", "<!-- x "]
)
def test_long_unmatched_markdown_markup_stays_text(unit: str) -> None:
    """Unclosed markup over a long paragraph is kept as it is (and read in linear time:
    these 40 KB paragraphs took from seconds to minutes with unbounded patterns). A word
    comes first: a line *starting* with ``<!--`` opens an HTML block (CommonMark), where
    an unclosed comment hides the rest of the page, as in a browser."""
    text = "Texto " + (unit * (40_000 // len(unit))).strip()
    doc = read(f"# T\n\n{text}", format="markdown")
    body = doc.text[doc.blocks[-1].start : doc.blocks[-1].end]
    assert body.replace(" ", "") == text.replace(" ", "")


def test_markdown_comment_markers_inside_code_are_text() -> None:
    doc = read(
        "Un comentario se abre con `<!--` y se cierra con `-->`. Es fácil.\n\n"
        "Con dos: ``a <!--`` y sigue. <!-- nota --> Fin.",
        format="markdown",
    )
    assert [s.text for s in doc.sentences()] == [
        "Un comentario se abre con <!-- y se cierra con -->.",
        "Es fácil.",
        "Con dos: a <!-- y sigue.",
        "Fin.",
    ]


def test_markdown_comment_marker_in_a_fence_does_not_open_a_comment() -> None:
    doc = read(
        "# T\n\n```html\n<!-- abre\n```\n\nUno. <!-- nota --> Dos.\n\n~~~\n<!--\n~~~\n\nTres.",
        format="markdown",
    )
    assert kinds_and_texts(doc) == [
        ["heading", "T"],
        ["paragraph", "Uno. Dos."],
        ["paragraph", "Tres."],
    ]


def test_markdown_code_span_does_not_cross_a_blank_line() -> None:
    doc = read("Un `tic suelto <!-- nota -->.\n\nOtro` párrafo.", format="markdown")
    assert kinds_and_texts(doc) == [
        ["paragraph", "Un `tic suelto ."],
        ["paragraph", "Otro` párrafo."],
    ]


@pytest.mark.parametrize("unit", ["` ", "``a ", "```\n", "`x\n\n", "`a <!-- "])
def test_markdown_code_and_comment_scan_is_linear(unit: str) -> None:
    text = "# T\n\n" + unit * 20_000 + " " + " ".join("`" * n for n in range(1, 400))
    with deadline(20):
        read(text, format="markdown")
