"""Loading, size caps, binary sniffing, decoding and normalizing; what every format shares."""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from reading_helpers import (
    DATA,
    INVISIBLES,
    SAMPLE,
    SNIPPETS,
    TMX,
    assert_offsets_slice_text,
    deadline,
)

import bireader
from bireader.errors import InputError
from bireader.model import Document
from bireader.reading import read
from bireader.segment import segment_document


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
    # Loggers are named by module, children of "bireader".
    assert all(record.name.startswith("bireader.") for record in caplog.records)


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


def test_public_api_reads() -> None:
    doc = bireader.read(SAMPLE)
    assert isinstance(doc, bireader.Document)
    assert bireader.InputError is InputError


@pytest.mark.parametrize("text", ["~~~", "~nadie_existe_aqui", "~\ud83d x", "a\ud83d/b.txt x"])
def test_strings_that_no_file_system_can_name_are_text(text: str) -> None:
    doc = read(text + " Hola.", format="text")
    assert doc.text.endswith("Hola.")


def test_random_snippets_read_or_raise_input_error() -> None:
    """Mixed Markdown/HTML/text fragments: a Document with exact offsets, or InputError."""
    import random

    rng = random.Random(20261127)
    for _ in range(300):
        text = "".join(
            rng.choice(SNIPPETS) + rng.choice(["", " ", "\n", "\n\n"])
            for _ in range(rng.randint(1, 10))
        )
        for fmt in (None, "text", "markdown", "html"):
            for source in (text, text.encode("utf-8", "surrogatepass")):
                try:
                    doc = read(source, format=fmt)
                except InputError:
                    continue
                assert_offsets_slice_text(doc)


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


@pytest.mark.parametrize("comment", ["<!---->", "<!-- nota -->\n", "<?pi x?>"])
def test_a_thousand_comments_before_the_text_read_fine(comment: str, tmp_path: Path) -> None:
    """The TMX sniff's regex backtracked exponentially over a run of comments
    (30 empty comments before an HTML page already took over a minute)."""
    page = comment * 1000 + "<p>Hola mundo. Adiós.</p>"
    path = tmp_path / "c.html"
    path.write_text(page, "utf-8")
    with deadline(20):
        assert read(path).text == "Hola mundo. Adiós."
        assert read(page, format="markdown").text.endswith("Hola mundo. Adiós.")
        assert read(page, format="text").text.endswith("Hola mundo. Adiós.</p>")
        with pytest.raises(InputError, match="TMX translation memory"):
            read(comment * 1000 + TMX.split("\n", 1)[1])


@pytest.mark.parametrize("char", INVISIBLES)
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
    snippets = SNIPPETS + INVISIBLES + ["\u00ad\u200b", "<p>\u00ad</p>", "- \u200b", "# \u2060"]
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
