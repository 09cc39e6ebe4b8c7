from __future__ import annotations

import csv
import html
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from samples import make_bilingual

from bireader.chardata import XML_FORBIDDEN
from bireader.errors import InvalidOption
from bireader.formats import tsv


def dump(bi: object, **options: object) -> str:
    buffer = io.BytesIO()
    tsv.write(bi, buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue().decode("utf-8")


def decode_anki(field: str) -> str:
    """What Anki shows for an HTML field, as plain text."""
    return html.unescape(field.replace("<br>", "\n"))


def data_lines(out: str) -> list[str]:
    lines = out.split("\n")
    assert lines[-1] == ""
    return [line for line in lines[:-1] if not line.startswith("#")]


def test_anki_header_and_one_line_per_pair() -> None:
    bi = make_bilingual()
    out = dump(bi)
    assert out.splitlines()[:3] == ["#separator:tab", "#html:true", "#columns:Spanish\tEnglish"]
    rows = [line.split("\t") for line in data_lines(out)]
    assert len(rows) == len(bi.pairs)
    assert [(decode_anki(es), decode_anki(en)) for es, en in rows] == [
        (p.source.text, p.target) for p in bi.pairs
    ]
    assert rows[2][1] == "He said: &quot;All is well&quot; &amp; smiled."


def test_with_context_adds_the_source_block() -> None:
    bi = make_bilingual()
    out = dump(bi, with_context=True)
    assert "#columns:Spanish\tEnglish\tContext" in out.splitlines()
    rows = [line.split("\t") for line in data_lines(out)]
    assert all(len(row) == 3 for row in rows)
    paragraph = "El ministro llegó el lunes. Dijo: «Todo va bien» & sonrió."
    assert decode_anki(rows[1][2]) == decode_anki(rows[2][2]) == paragraph
    assert decode_anki(rows[0][2]) == "Charlas en Miami"


def test_without_header() -> None:
    out = dump(make_bilingual(), header=False)
    assert not out.startswith("#")
    assert len(out.splitlines()) == 5


def test_leading_hash_is_not_taken_for_a_header_line() -> None:
    bi = make_bilingual([("paragraph", [("#MeToo llegó.", "#MeToo arrived.")])])
    html_rows = data_lines(dump(bi))
    assert html_rows == ["&#35;MeToo llegó.\t#MeToo arrived."]
    plain = dump(bi, html=False, header=False)
    assert plain.startswith('"#MeToo')
    first = next(csv.reader(io.StringIO(plain), delimiter="\t"))
    assert first == ["#MeToo llegó.", "#MeToo arrived."]


def test_unknown_option_is_refused() -> None:
    with pytest.raises(InvalidOption):
        dump(make_bilingual(), layout="reveal")


AWKWARD = st.lists(
    st.sampled_from([*"\t\n\r\v\f\x85\u2028\"'<>&#; aé🙂", "<br>", "&amp;", "\r\n"]), max_size=15
).map("".join)
BREAKS = {ord(c): "\n" for c in "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def shown(text: str) -> str:
    """What a field should show: every line break as a newline, nothing XML forbids."""
    return XML_FORBIDDEN.sub("", text.replace("\r\n", "\n").translate(BREAKS))
TEXT = st.text(st.characters(min_codepoint=1, max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
               max_size=30) | AWKWARD


def test_control_characters_from_an_imported_file_are_dropped() -> None:
    """ESC and BEL (say, from a JSON file) never reach a flashcard file raw."""
    out = dump(make_bilingual([("paragraph", [("Hola\x07.", "Hello \x1b[2J\x00world.")])]))
    assert data_lines(out) == ["Hola.\tHello [2Jworld."]
    plain = dump(make_bilingual([("paragraph", [("a\x1bb", "c\x07d")])]), html=False, header=False)
    assert plain == "ab\tcd\n"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5))
def test_html_fields_keep_one_pair_per_line_and_decode_exactly(rows: list[tuple[str, str]]) -> None:
    out = dump(make_bilingual([("paragraph", rows)]), with_context=True)
    lines = data_lines(out)
    # No tool that splits on any line break sees a pair broken over two lines.
    assert len(out.splitlines()) == len(rows) + 3
    assert len(lines) == len(rows)
    for line, (es, en) in zip(lines, rows, strict=True):
        cells = line.split("\t")
        assert len(cells) == 3
        assert '"' not in line
        assert decode_anki(cells[0]) == shown(es)
        assert decode_anki(cells[1]) == shown(en)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5))
def test_plain_fields_read_back_with_csv(rows: list[tuple[str, str]]) -> None:
    out = dump(make_bilingual([("paragraph", rows)]), html=False, header=False)
    assert len(out.splitlines()) == len(rows)
    parsed = list(csv.reader(io.StringIO(out, newline=""), delimiter="\t"))
    assert parsed == [[tsv.plain_field(es), tsv.plain_field(en)] for es, en in rows]
