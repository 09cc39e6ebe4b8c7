"""HTML articles: the content root, blocks, titles, charsets, entities and prologs."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from reading_helpers import DATA, assert_offsets_slice_text, deadline, kinds_and_texts

from bireader.errors import InputError
from bireader.reading import read


def test_html_article() -> None:
    doc = read(DATA / "article.html")
    assert doc.title == "Calor récord en Córdoba"
    assert doc.metadata["format"] == "html"
    assert doc.metadata["author"] == "Ana M.ª Beltrán"
    assert kinds_and_texts(doc) == [
        ["heading", "Calor récord en Córdoba"],
        ["paragraph", "Por Ana M.ª Beltrán"],
        [
            "paragraph",
            "Los termómetros marcaron 44,5\u00a0°C a las 17.00 h. "
            "El Sr. Pérez se refugió en la biblioteca.",
        ],
        ["caption", "Un operario se refresca en una fuente (Foto: EFE)"],
        ["heading", "Consejos"],
        ["list_item", "Beber agua."],
        ["list_item", "Evitar el sol"],
        ["list_item", "sobre todo de 12.00 h a 18.00 h."],
        ["quote", "«Lo excepcional se está convirtiendo en lo normal», dijo el Dr. Vidal."],
        ["caption", "Máximas del martes"],
    ]
    for dropped in ("no es texto", "color", "Suscríbete", "Portada", "Compartir", "Publicidad"):
        assert dropped not in doc.text
    assert "©" not in doc.text
    assert_offsets_slice_text(doc)


def test_html_blocks_are_joined_by_blank_lines() -> None:
    doc = read("<html><body><h1>Uno</h1><p>Dos.</p><p>Tres.</p></body></html>")
    assert doc.text == "Uno\n\nDos.\n\nTres."


def test_html_without_article_uses_body_and_title_from_head() -> None:
    doc = read(
        "<html><head><title>Página</title></head><body><p>Hola.</p><div>Suelto.</div></body></html>"
    )
    assert doc.title == "Página"
    assert kinds_and_texts(doc) == [["paragraph", "Hola."], ["paragraph", "Suelto."]]


def test_html_title_prefers_h1_then_head_title() -> None:
    page = "<html><head><title>Sitio | Nota</title></head><body>{}</body></html>"
    assert read(page.format("<h2>Sub</h2><h1>Titular</h1><p>Hola.</p>")).title == "Titular"
    assert read(page.format("<h2>Sub</h2><p>Hola.</p>")).title == "Sitio | Nota"
    assert read("<html><body><h3>Solo</h3><p>Hola.</p></body></html>").title == "Solo"


def test_html_declared_charset_is_honoured() -> None:
    doc = read(DATA / "declared-cp1252.html")
    assert doc.text == "Pleno municipal: “sesión” de 3 € por asistente."
    assert doc.title == "Diario | El pleno"


def test_html_nested_blocks_do_not_glue_words() -> None:
    doc = read(
        "<ul><li><p>Uno</p><p>Dos</p></li></ul><figure><figcaption><p>Pie</p><p>Foto: EFE</p>"
        "</figcaption></figure>",
        format="html",
    )
    assert kinds_and_texts(doc) == [["list_item", "Uno\nDos"], ["caption", "Pie\nFoto: EFE"]]
    assert [s.text for s in doc.sentences()] == ["Uno", "Dos", "Pie", "Foto: EFE"]


def test_html_br_ends_a_sentence() -> None:
    doc = read("<p>Calle Mayor 1<br>Madrid</p>", format="html")
    assert [s.text for s in doc.sentences()] == ["Calle Mayor 1", "Madrid"]


def test_html_does_not_resolve_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRETO")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<html><body><p>Hola &x; adiós.</p></body></html>"
    )
    doc = read(hostile, format="html")
    assert "SECRETO" not in doc.text
    assert "Hola" in doc.text


def test_html_internal_entities_are_not_expanded() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<html><body><p>&lol2; fin.</p></body></html>"
    )
    doc = read(lol, format="html")
    assert "lollol" not in doc.text
    assert "]>" not in doc.text
    assert doc.text.endswith("fin.")


def test_html_with_no_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no readable text"):
        read("<html><body><script>x()</script><nav>Menú</nav></body></html>")


def test_xml_html_is_still_html() -> None:
    page = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><p>Hola.</p></html>'
    assert read(page.encode("utf-8")).text == "Hola."


def test_doctype_with_a_subset_is_stripped_only_at_the_start() -> None:
    doc = read(
        '<!DOCTYPE html [<!ENTITY a "b">]><p>Hola.</p><p>Texto <!DOCTYPE x [ y ]> fin.</p>',
        format="html",
    )
    assert doc.text == "Hola.\n\nTexto fin."
    many = "<!DOCTYPE x [" * 5000  # never closed: not a subset, and not a slow scan
    assert read(f"<p>Hola.</p>{many}<p>Fin.</p>", format="html").text.startswith("Hola.")


@pytest.mark.parametrize(
    "prolog",
    [
        '<?xml version="1.0"?>\n<!-- c -->\n',
        "<?php echo 1; ?>\n",
        "<!-- a --> <!-- b -->",
        "",
    ],
)
def test_doctype_subset_after_a_comment_or_pi_is_not_text(prolog: str) -> None:
    src = (
        f'{prolog}<!DOCTYPE html [ <!ENTITY x "EVIL"> <!ENTITY y "a]b"> ]>\n'
        "<html><body><p>Hola &x; mundo. Adiós.</p></body></html>"
    )
    for fmt in (None, "html"):
        doc = read(src, format=fmt)
        assert doc.text == "Hola &x; mundo. Adiós."


def test_unclosed_prolog_constructs_are_left_to_the_parser() -> None:
    with deadline(20):
        for head in ("<!-- " * 20_000, "<? " * 20_000, "<!DOCTYPE x [ " * 20_000):
            assert read(f"{head}<tmx>", format="text").blocks  # not a TMX document
            with contextlib.suppress(InputError):  # libxml2 may find nothing after them
                read(f"{head}<p>Hola.</p>", format="html")
