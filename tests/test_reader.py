from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import bireader
from bireader.errors import InputError
from bireader.model import Document
from bireader.reading import parse_text, read
from bireader.segment import segment_document

DATA = Path(__file__).parent / "data" / "reader"
ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "texts" / "miami-talks.es.txt"
ARTICLES = sorted((ROOT / "texts").glob("*.es.txt"))


def kinds_and_texts(doc: Document) -> list[list[str]]:
    return [[block.kind, doc.text[block.start : block.end]] for block in doc.blocks]


def assert_offsets_slice_text(doc: Document) -> None:
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(doc.text)
        for sentence in block.sentences:
            assert block.start <= sentence.start < sentence.end <= block.end
            assert doc.text[sentence.start : sentence.end] == sentence.text


# --------------------------------------------------------------------------- plain-text blocks

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


# --------------------------------------------------------------------------- the sample article


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


# --------------------------------------------------------------------------- inputs


def test_str_path_pathlike_file_objects_and_bytes_agree() -> None:
    by_path = read(str(SAMPLE))
    assert read(SAMPLE) == by_path
    with SAMPLE.open("rb") as binary:
        assert read(binary).blocks == by_path.blocks
    with SAMPLE.open(encoding="utf-8") as textual:
        assert read(textual).blocks == by_path.blocks
    assert read(SAMPLE.read_bytes()).blocks == by_path.blocks
    assert read(SAMPLE.read_text("utf-8")).blocks == by_path.blocks


def test_text_string_is_text() -> None:
    doc = read("El Sr. Pérez llegó. Luego se fue.")
    assert doc.source == "<string>"
    assert [s.text for s in doc.sentences()] == ["El Sr. Pérez llegó.", "Luego se fue."]


def test_text_string_ending_with_a_suffix_word_is_still_text() -> None:
    doc = read("Mira el archivo adjunto, por favor: contiene el acta.")
    assert doc.source == "<string>"


@pytest.mark.parametrize(
    "source", ["nope.txt", "carpeta/articulo.md", "C:\\textos\\nota.html", "x.TMX", "a/b"]
)
def test_path_looking_string_that_does_not_exist(source: str) -> None:
    with pytest.raises(InputError, match="no such file"):
        read(source)


def test_url_is_refused_with_a_hint() -> None:
    with pytest.raises(InputError, match="offline"):
        read("https://example.invalid/articulo.html")


def test_missing_pathlike(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nada\.txt: no such file"):
        read(tmp_path / "nada.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read(str(tmp_path))
    with pytest.raises(InputError, match="is a directory"):
        read(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secreto.txt"
    path.write_text("Hola.")

    def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Simulated: the suite may run as root, who can read a chmod 0 file.
    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match=r"secreto\.txt: permission denied") as info:
        read(path)
    assert isinstance(info.value.__cause__, PermissionError)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "memoria.docx"
    path.write_text("no es un docx")
    with pytest.raises(InputError, match=r"cannot read \.docx"):
        read(path)


def test_stdin_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO("Hola. Adiós.\n".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    doc = read("-")
    assert doc.source == "<stdin>"
    assert [s.text for s in doc.sentences()] == ["Hola.", "Adiós."]


def test_string_stream_without_name() -> None:
    doc = read(io.StringIO("Uno. Dos."))
    assert doc.source == "<stream>"
    assert [s.text for s in doc.sentences()] == ["Uno.", "Dos."]


def test_text_stream_that_cannot_decode_is_an_input_error() -> None:
    with (
        (DATA / "cp1252-crlf.txt").open(encoding="utf-8") as stream,
        pytest.raises(InputError, match=r"cp1252-crlf\.txt: cannot read") as info,
    ):
        read(stream)
    assert isinstance(info.value.__cause__, UnicodeDecodeError)


def test_file_object_name_selects_the_format() -> None:
    with (DATA / "article.md").open("rb") as stream:
        assert read(stream).metadata["format"] == "markdown"


def test_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown format"):
        read("Hola.", format="pdf")


def test_explicit_format_overrides_sniffing() -> None:
    doc = read("# No es un titular\n\nTexto.", format="text")
    assert doc.text.startswith("# No es")
    assert read("# Titular\n\nTexto.").title == "Titular"


def test_object_without_read_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot read a int"):
        read(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- encodings


SPANISH = "Crónica de Año Nuevo"


@pytest.mark.parametrize("name", ["utf8.txt", "utf8-bom.txt", "utf16le-bom.txt", "utf16be-bom.txt"])
def test_unicode_encodings_decode_silently(name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bireader"):
        doc = read(DATA / name)
    assert doc.title == SPANISH
    assert not doc.text.startswith("\ufeff")
    assert "Núñez" in doc.text and "«sí»" in doc.text
    assert not caplog.records


def test_utf16_without_bom_is_detected_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bireader"):
        doc = read(DATA / "utf16le-nobom.txt")
    assert doc.title == SPANISH
    assert any("UTF-16 without a byte-order mark" in r.getMessage() for r in caplog.records)


def test_windows_1252_with_crlf_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bireader"):
        doc = read(DATA / "cp1252-crlf.txt")
    assert "3,5 € por “un café”." in doc.text
    assert "\r" not in doc.text
    assert doc.title == SPANISH
    assert any("Windows-1252" in record.getMessage() for record in caplog.records)
    assert all(record.name == "bireader" for record in caplog.records)


def test_latin1_is_decoded(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bireader"):
        doc = read(DATA / "latin1.txt")
    assert "El niño comió ñoquis en Cádiz." in doc.text
    assert caplog.records


def test_nfc_controls_and_line_ends(tmp_path: Path) -> None:
    doc = read(DATA / "controls.txt")
    assert doc.text == "Hola mundo. Café rico.\n\nFin.\n"
    assert [s.text for s in doc.sentences()][-1] == "Fin."


def test_lone_surrogates_and_noncharacters_are_removed_from_strings() -> None:
    doc = read("Hola \ud800mundo\uffff. Adiós\x0b.")
    assert doc.text == "Hola mundo. Adiós."
    doc.text.encode("utf-8")  # would raise on a lone surrogate


@pytest.mark.parametrize("name", ["binary.bin", "nul.txt"])
def test_binary_input(name: str) -> None:
    with pytest.raises(InputError, match=rf"{name}: binary"):
        read(DATA / name)


def test_control_heavy_bytes_without_nul_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "raro.txt"
    path.write_bytes(bytes(range(1, 9)) * 50)
    with pytest.raises(InputError, match="binary"):
        read(path)


def test_pdf_magic_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "informe.dat"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nstream")
    with pytest.raises(InputError, match="binary"):
        read(path)


@pytest.mark.parametrize("name", ["empty.txt", "whitespace.txt"])
def test_empty_input(name: str) -> None:
    with pytest.raises(InputError, match=rf"{name}: input is empty"):
        read(DATA / name)


def test_empty_string_is_empty_input() -> None:
    with pytest.raises(InputError, match="empty"):
        read("   \n\u00a0 ")


# --------------------------------------------------------------------------- HTML


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


# --------------------------------------------------------------------------- Markdown


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


# --------------------------------------------------------------------------- package API


def test_public_api_reads() -> None:
    doc = bireader.read(SAMPLE)
    assert isinstance(doc, bireader.Document)
    assert bireader.InputError is InputError


# --------------------------------------------------------------------------- robustness


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


@pytest.mark.parametrize("text", ["~~~", "~nadie_existe_aqui", "~\ud83d x", "a\ud83d/b.txt x"])
def test_strings_that_no_file_system_can_name_are_text(text: str) -> None:
    doc = read(text + " Hola.", format="text")
    assert doc.text.endswith("Hola.")


# fmt: off
_SNIPPETS = [
    "# Título", "#", "Un párrafo.", '<div align="center">', "</p>", "<p>", "<br>", "- ", "> ",
    "```", "---", "===", "| a | b |", "![](x.png)", "**", "_", "[]()", "<a@b>", "\\", "—Sí.",
    "Foto: EFE", "Por Juan", "\u200b", "\ufeff", "\u00a0", "\t", "\r\n", "\n\n", "<h1></h1>",
    "<?xml version='1.0'?>", "<!DOCTYPE html>", "<li>", "<td>", "<blockquote>", "&#0;", "\x0c",
    "\u2028", "\ud800", "~", "¿", "…", "<![CDATA[x]]>", "<meta charset=utf-16>", "ñ", "😀",
]
# fmt: on


def test_random_snippets_read_or_raise_input_error() -> None:
    """Mixed Markdown/HTML/text fragments: a Document with exact offsets, or InputError."""
    import random

    rng = random.Random(20261127)
    for _ in range(300):
        text = "".join(
            rng.choice(_SNIPPETS) + rng.choice(["", " ", "\n", "\n\n"])
            for _ in range(rng.randint(1, 10))
        )
        for fmt in (None, "text", "markdown", "html"):
            for source in (text, text.encode("utf-8", "surrogatepass")):
                try:
                    doc = read(source, format=fmt)
                except InputError:
                    continue
                assert_offsets_slice_text(doc)


# --------------------------------------------------------------------------- charsets, TMX


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-16be", "unicode"])
def test_html_meta_utf16_on_ascii_bytes_means_utf8(
    label: str, caplog: pytest.LogCaptureFixture
) -> None:
    page = f'<html><head><meta charset="{label}"></head><body><p>Canción de él.</p></body></html>'
    with caplog.at_level(logging.WARNING, logger="bireader"):
        doc = read(page.encode("utf-8"), format="html")
    assert doc.text == "Canción de él."
    assert not caplog.records


def test_html_meta_utf16_with_a_bom_is_utf16() -> None:
    page = '<html><head><meta charset="utf-16"></head><body><p>Canción.</p></body></html>'
    assert read(page.encode("utf-16"), format="html").text == "Canción."


def test_html_meta_x_user_defined_means_windows_1252() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=x-user-defined"><p>3 €.'
    assert read(page.encode("cp1252"), format="html").text == "3 €."


_TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    '<!-- memoria -->\n<tmx version="1.4"><header srclang="es"/><body><tu>'
    '<tuv xml:lang="es"><seg>Hola.</seg></tuv><tuv xml:lang="en"><seg>Hello.</seg></tuv>'
    "</tu></body></tmx>\n"
)


def test_tmx_on_stdin_is_refused_as_a_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_TMX.encode("utf-8"))))
    with pytest.raises(InputError, match=r"<stdin>: a TMX translation memory.*bireader export"):
        read("-")


@pytest.mark.parametrize("fmt", [None, "html", "text"])
def test_tmx_content_is_never_an_article(fmt: str | None) -> None:
    with pytest.raises(InputError, match="TMX translation memory"):
        read(("\ufeff" + _TMX).encode("utf-16"), format=fmt)
    with pytest.raises(InputError, match="TMX translation memory"):
        read(_TMX.replace("<!-- memoria -->\n", ""), format=fmt)


def test_tmx_path_is_refused_with_the_export_hint(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(_TMX, "utf-8")
    with pytest.raises(InputError, match=r"m\.tmx: a TMX.*`bireader export .*m\.tmx -o OUT"):
        read(path)


def test_xml_html_is_still_html() -> None:
    page = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><p>Hola.</p></html>'
    assert read(page.encode("utf-8")).text == "Hola."


@pytest.mark.parametrize("label", ["undefined", "unicode_escape", "utf-7", "rot13", "base64"])
def test_html_meta_naming_a_python_only_codec_is_ignored(
    label: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Not a web encoding: detected as if undeclared (``undefined`` used to crash)."""
    page = f'<meta charset="{label}"><p>Hola \\x41 señor +AGEAYQ-.</p>'
    with caplog.at_level(logging.WARNING, logger="bireader"):
        doc = read(page.encode("utf-8"), format="html")
    assert doc.text == "Hola \\x41 señor +AGEAYQ-."
    assert f"unknown declared charset {label!r}" in caplog.text


@pytest.mark.parametrize(("label", "codec"), [("koi8-r", "koi8-r"), ("Shift_JIS", "shift_jis")])
def test_html_meta_web_encodings_are_honoured(label: str, codec: str) -> None:
    text = "Привет." if codec == "koi8-r" else "こんにちは。"
    page = f'<meta charset="{label}"><p>{text}</p>'
    assert read(page.encode(codec), format="html").text == text


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


def test_doctype_with_a_subset_is_stripped_only_at_the_start() -> None:
    doc = read(
        '<!DOCTYPE html [<!ENTITY a "b">]><p>Hola.</p><p>Texto <!DOCTYPE x [ y ]> fin.</p>',
        format="html",
    )
    assert doc.text == "Hola.\n\nTexto fin."
    many = "<!DOCTYPE x [" * 5000  # never closed: not a subset, and not a slow scan
    assert read(f"<p>Hola.</p>{many}<p>Fin.</p>", format="html").text.startswith("Hola.")


# ------------------------------------------------------- prolog, code, invisible lines


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM interrupts even a regex stuck backtracking."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s (super-linear time)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("comment", ["<!---->", "<!-- nota -->\n", "<?pi x?>"])
def test_a_thousand_comments_before_the_text_read_fine(comment: str, tmp_path: Path) -> None:
    """The TMX sniff's regex backtracked exponentially over a run of comments
    (30 empty comments before an HTML page already took over a minute)."""
    page = comment * 1000 + "<p>Hola mundo. Adiós.</p>"
    path = tmp_path / "c.html"
    path.write_text(page, "utf-8")
    with _deadline(20):
        assert read(path).text == "Hola mundo. Adiós."
        assert read(page, format="markdown").text.endswith("Hola mundo. Adiós.")
        assert read(page, format="text").text.endswith("Hola mundo. Adiós.</p>")
        with pytest.raises(InputError, match="TMX translation memory"):
            read(comment * 1000 + _TMX.split("\n", 1)[1])


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
    with _deadline(20):
        for head in ("<!-- " * 20_000, "<? " * 20_000, "<!DOCTYPE x [ " * 20_000):
            assert read(f"{head}<tmx>", format="text").blocks  # not a TMX document
            with contextlib.suppress(InputError):  # libxml2 may find nothing after them
                read(f"{head}<p>Hola.</p>", format="html")


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
    with _deadline(20):
        read(text, format="markdown")


_INVISIBLES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("char", _INVISIBLES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_line_of_invisible_characters_is_blank(char: str, fmt: str) -> None:
    doc = read(f"Hola.\n\n{char}\n\n{char} {char}\n\nAdiós.", format=fmt)
    assert [s.text for s in doc.sentences()] == ["Hola.", "Adiós."]
    assert all(block.sentences for block in doc.blocks)
    assert read(f"…\n\n{char}\n\nAdiós.", format=fmt).blocks[-1].sentences
    with pytest.raises(InputError, match="empty"):
        read(f"{char}\n \n{char}", format=fmt)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Document]:
    """Every document a parser hands to the segmenter, segmented (before read's own check)."""
    from bireader import reading

    seen: list[Document] = []

    def recording(document: Document) -> Document:
        seen.append(segment_document(document))
        return seen[-1]

    monkeypatch.setattr(reading, "segment_document", recording)
    return seen


def _inputs_read(sources: Iterable[str | bytes | Path], seen: list[Document]) -> int:
    count = 0
    for source in sources:
        for fmt in (None, "text", "markdown", "html"):
            try:
                read(source, format=fmt)
            except InputError:
                continue
            count += 1
    for doc in seen:
        empty = [doc.text[b.start : b.end] for b in doc.blocks if not b.sentences]
        assert not empty, f"blocks without sentences: {empty!r}"
    return count


def test_no_block_without_sentences_from_the_data_files(parsed: list[Document]) -> None:
    files = [p for p in sorted(DATA.iterdir()) if p.is_file() and p.suffix != ".json"]
    assert _inputs_read(files, parsed) > 20
    assert parsed


def test_no_block_without_sentences_from_random_snippets(parsed: list[Document]) -> None:
    import random

    rng = random.Random(8)
    snippets = _SNIPPETS + _INVISIBLES + ["\u00ad\u200b", "<p>\u00ad</p>", "- \u200b", "# \u2060"]
    texts = [
        "".join(
            rng.choice(snippets) + rng.choice(["", " ", "\n", "\n\n"])
            for _ in range(rng.randint(1, 10))
        )
        for _ in range(300)
    ]
    assert _inputs_read(texts, parsed) > 300


def test_control_class_is_xml_forbidden_plus_del_and_c1() -> None:
    """The positive class ``normalize`` uses removes exactly what the spec names."""
    from bireader.chardata import CONTROL as _CONTROL
    from bireader.chardata import XML_FORBIDDEN

    spec = re.compile(f"{XML_FORBIDDEN.pattern}|[\x7f-\x9f]")
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [m.start() for m in _CONTROL.finditer(every)] == [
        m.start() for m in spec.finditer(every)
    ]


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_unicode_line_separators_end_lines(separator: str) -> None:
    doc = read(f"Uno.{separator}Dos.")
    assert [s.text for s in doc.sentences()] == ["Uno.", "Dos."]


def test_a_dateline_is_recorded_in_the_metadata() -> None:
    doc = read("Titular del día\n\nSevilla, 14 de marzo (EFE)\n\nEl texto empieza aquí.")
    assert doc.metadata["dateline"] == "Sevilla, 14 de marzo (EFE)"
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph"]
