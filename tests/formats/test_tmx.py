from __future__ import annotations

import dataclasses
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import make_bilingual, synthetic
from tmx_helpers import assert_valid_tmx, toolkit_pairs

import bireader
from bireader.errors import InputError, InvalidOption
from bireader.formats import tmx
from bireader.model import Repair

DATA = Path(__file__).resolve().parents[1] / "data" / "tmx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def dump(bi: bireader.BilingualDocument, **options: Any) -> bytes:
    buffer = io.BytesIO()
    tmx.write(bi, buffer, **options)
    return buffer.getvalue()


# ------------------------------------------------------------------ export


def test_sample_is_valid_and_complete() -> None:
    bi = make_bilingual(flags={2: ("repetition", "length")})
    data = dump(bi)
    assert data.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n"
    )
    root = assert_valid_tmx(data).getroot()
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert dict(header.attrib) == {
        "creationtool": "bireader",
        "creationtoolversion": bireader.__version__,
        "segtype": "sentence",
        "o-tmf": "bireader",
        "adminlang": "en",
        "srclang": "es",
        "datatype": "plaintext",
        "creationdate": "20261127T140509Z",
    }
    units = root.findall("body/tu")
    assert [u.get("tuid") for u in units] == [str(i) for i in range(1, len(bi.pairs) + 1)]
    for unit, pair in zip(units, bi.pairs, strict=True):
        assert unit.get("creationdate") == "20261127T140509Z"
        props = [(p.get("type"), p.text) for p in unit.findall("prop")]
        assert ("x-document", "articles/miami.txt") in props
        assert ("x-block-index", str(pair.block_index)) in props
        assert ("x-block-kind", pair.block_kind) in props
        assert ("x-engine", "apertium") in props
        assert ("x-model", "spa-eng@0.8.0") in props
        assert [v for k, v in props if k == "x-flag"] == list(pair.flags)
        tuvs = unit.findall("tuv")
        assert [t.get(XML_LANG) for t in tuvs] == ["es", "en"]
        assert [t.findtext("seg") for t in tuvs] == [pair.source.text, pair.target]


def test_translate_toolkit_reads_every_pair() -> None:
    bi = make_bilingual()
    assert toolkit_pairs(dump(bi)) == [(p.source.text, p.target) for p in bi.pairs]


def test_region_codes() -> None:
    data = dump(make_bilingual(), source_lang="es-ES", target_lang="en-US")
    root = assert_valid_tmx(data).getroot()
    header = root.find("header")
    assert header is not None and header.get("srclang") == "es-ES"
    assert {t.get(XML_LANG) for t in root.iter("tuv")} == {"es-ES", "en-US"}


@pytest.mark.parametrize(
    "options",
    [{"source_lang": "es ES"}, {"target_lang": "<en>"}, {"source_lang": "en"}, {"colour": "red"}],
)
def test_bad_options_are_refused(options: dict[str, str]) -> None:
    with pytest.raises(InvalidOption):
        dump(make_bilingual(), **options)


def test_empty_document_is_still_valid() -> None:
    root = assert_valid_tmx(dump(make_bilingual(()))).getroot()
    assert root.findall("body/tu") == []


def test_forbidden_characters_are_stripped_not_fatal() -> None:
    row = ("Hola\x00 \x1b[31mmundo\ufffe\ud800.", "Hi\x0b\x7f there\x0c.")
    bi = make_bilingual([("paragraph", [row])])
    data = dump(bi)
    assert_valid_tmx(data)
    assert toolkit_pairs(data) == [("Hola [31mmundo.", "Hi\x7f there.")]


def test_written_incrementally() -> None:
    class Counting(io.BytesIO):
        writes = 0

        def write(self, data: bytes) -> int:  # type: ignore[override]
            Counting.writes += 1
            return super().write(data)

    stream = Counting()
    tmx.write(synthetic(3000), stream)
    # One serialized tree would be a single write; the incremental writer flushes as it goes.
    assert Counting.writes > 10
    assert stream.getvalue().count(b"<tu ") == 3000


# Any Unicode, including what XML 1.0 forbids: control characters, lone surrogates, U+FFFE.
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
MARKUP_TEXT = st.lists(
    st.sampled_from([*"&<>\"'; ]\t\n\r\x00\x1f éñ🙂", "&amp;", "<seg>", "]]>", "&#0;", "\r\n"]),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ANY_TEXT | MARKUP_TEXT, ANY_TEXT | MARKUP_TEXT), min_size=1, max_size=6))
def test_any_text_gives_a_valid_file_that_reads_back(rows: list[tuple[str, str]]) -> None:
    bi = make_bilingual([("paragraph", rows)])
    data = dump(bi)
    assert_valid_tmx(data)
    expected = [(tmx.clean_xml_text(es), tmx.clean_xml_text(en)) for es, en in rows]
    assert toolkit_pairs(data) == expected


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(ANY_TEXT, ANY_TEXT), min_size=1, max_size=4))
def test_any_text_round_trips_through_read_tmx(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]]
) -> None:
    clean = [(tmx.clean_xml_text(es), tmx.clean_xml_text(en)) for es, en in rows]
    path = tmp_path_factory.mktemp("rt") / "a.tmx"
    bireader.export(make_bilingual([("paragraph", rows)]), path)
    back = tmx.read_tmx(path)
    assert [(p.source.text, p.target) for p in back.pairs] == clean
    text = back.document.text
    assert all(text[p.source.start : p.source.end] == p.source.text for p in back.pairs)


# ------------------------------------------------------------------ import


def test_own_file_reads_back_to_the_same_value(tmp_path: Path) -> None:
    bi = make_bilingual(flags={1: ("repetition",)})
    path = tmp_path / "a.tmx"
    bireader.export(bi, path)
    assert tmx.read_tmx(path) == bi
    assert bireader.read_tmx(path) == bi


def test_a_repair_reads_back(tmp_path: Path) -> None:
    bi = make_bilingual()
    pairs = list(bi.pairs)
    pairs[0] = dataclasses.replace(pairs[0], repair=Repair("fallback", ("repetition",)))
    pairs[1] = dataclasses.replace(
        pairs[1], flags=("empty",), repair=Repair("retried", ("repetition", "subword"))
    )
    bi = dataclasses.replace(bi, pairs=tuple(pairs))
    path = tmp_path / "a.tmx"
    bireader.export(bi, path)
    assert_valid_tmx(path.read_bytes())
    assert b'<prop type="x-repair">fallback</prop>' in path.read_bytes()
    assert tmx.read_tmx(path) == bi


def test_an_older_files_repair_strings_read_into_a_repair(tmp_path: Path) -> None:
    """Before ``x-repair``, a repair was ``x-flag`` props like ``retried:repetition``."""
    path = tmp_path / "a.tmx"
    bireader.export(make_bilingual(flags={0: ("repetition",), 1: ("empty",)}), path)
    old = path.read_bytes()
    old = old.replace(b">repetition</prop>", b">fallback:repetition</prop>", 1)
    old = old.replace(
        b'<prop type="x-flag">empty</prop>',
        b'<prop type="x-flag">empty</prop><prop type="x-flag">retried:subword</prop>',
        1,
    )
    path.write_bytes(old)
    first, second, *_ = tmx.read_tmx(path).pairs
    assert (first.flags, first.repair) == ((), Repair("fallback", ("repetition",)))
    assert (second.flags, second.repair) == (("empty",), Repair("retried", ("subword",)))


def test_region_coded_file_reads_back(tmp_path: Path) -> None:
    bi = make_bilingual()
    path = tmp_path / "a.tmx"
    bireader.export(bi, path, source_lang="es-ES", target_lang="en-US")
    back = tmx.read_tmx(path)
    assert back.pairs == bi.pairs
    assert back.document.lang == "es" and back.target_lang == "en"


def test_foreign_memory_with_inline_markup(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bireader"):
        bi = tmx.read_tmx(DATA / "foreign_inline.tmx")
    assert [(p.source.text, p.target) for p in bi.pairs] == [
        ("Pulse Guardar ahora.", "Press Save now."),
        ("Ver El Quijote capítulo 1.", "See Don Quixote chapter 1."),
        ("Imagenun gato y texto.", "Imagea cat and text."),
        ("  Espacios y & guardados  ", "  Spaces and & kept  "),
    ]
    # Without bireader's props every unit is its own paragraph.
    assert [b.kind for b in bi.document.blocks] == ["paragraph"] * 4
    assert [p.block_index for p in bi.pairs] == [0, 1, 2, 3]
    assert all(bi.document.text[p.source.start : p.source.end] == p.source.text for p in bi.pairs)
    assert bi.provenance.engine == "OmegaT" and bi.provenance.engine_version == "6.0.0"
    assert [p.engine for p in bi.pairs] == ["OmegaT", "Trados", "OmegaT", "OmegaT"]
    assert bi.created.isoformat() == "2024-01-02T03:04:05+00:00"
    messages = caplog.text
    assert "skipped 1 translation unit" in messages
    # Dropped inline markup is one WARNING for the file, with counts (not hidden at INFO).
    dropped = [r for r in caplog.records if "inline formatting codes" in r.getMessage()]
    assert len(dropped) == 1
    assert dropped[0].levelno == logging.WARNING
    message = dropped[0].getMessage()
    assert message.endswith(
        "dropped the inline formatting codes of 12 element(s) "
        "(<bpt> 2, <ept> 2, <it> 2, <ph> 4, <ut> 2); the sentences' text is kept"
    )


def test_memory_without_inline_codes_warns_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "a.tmx"
    bireader.export(make_bilingual(), path)
    with caplog.at_level(logging.DEBUG, logger="bireader"):
        tmx.read_tmx(path)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


_REGIONS = """<?xml version="1.0"?>
<tmx version="1.4"><header srclang="es" creationtool="t" creationtoolversion="1"
 segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="es-MX"><seg>Carro.</seg></tuv><tuv xml:lang="ES_es"><seg>Coche.</seg></tuv>
<tuv xml:lang="es"><seg>Auto.</seg></tuv><tuv xml:lang="en-US"><seg>Car.</seg></tuv>
<tuv xml:lang="en-GB"><seg>Motor car.</seg></tuv></tu>
<tu><tuv xml:lang="es-MX"><seg>Jugo.</seg></tuv><tuv xml:lang="en"><seg>Juice.</seg></tuv></tu>
</body></tmx>
"""


@pytest.mark.parametrize(
    ("source_lang", "target_lang", "expected"),
    [
        ("es-ES", "en-GB", [("Coche.", "Motor car."), ("Jugo.", "Juice.")]),
        ("es-mx", "en-us", [("Carro.", "Car."), ("Jugo.", "Juice.")]),
        ("es", "en", [("Auto.", "Car."), ("Jugo.", "Juice.")]),
        # No exact tag: the first variant with the same primary subtag.
        ("es-AR", "en-AU", [("Carro.", "Car."), ("Jugo.", "Juice.")]),
    ],
)
def test_region_tags_prefer_exact_matches(
    tmp_path: Path, source_lang: str, target_lang: str, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / "regions.tmx"
    path.write_text(_REGIONS, "utf-8")
    bi = tmx.read_tmx(path, source_lang=source_lang, target_lang=target_lang)
    assert [(p.source.text, p.target) for p in bi.pairs] == expected


def test_same_language_pair_by_region(tmp_path: Path) -> None:
    path = tmp_path / "regions.tmx"
    path.write_text(_REGIONS, "utf-8")
    bi = tmx.read_tmx(path, source_lang="en-US", target_lang="en-GB")
    assert [(p.source.text, p.target) for p in bi.pairs] == [("Car.", "Motor car.")]


def test_remote_dtd_is_not_fetched_but_file_is_read() -> None:
    bi = tmx.read_tmx(DATA / "remote_dtd.tmx")
    assert [(p.source.text, p.target) for p in bi.pairs] == [("Hola.", "Hello.")]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion_laughs.tmx", "declares XML entities"),
        ("external_entity.tmx", "declares XML entities"),
        ("parameter_entity.tmx", "declares XML entities"),
        ("external_dtd_entity.tmx", "unresolved XML entity"),
        ("malformed.tmx", "not well-formed"),
        ("not_tmx.xml", "not a TMX file"),
        ("no_pairs.tmx", "no translation unit has both"),
        ("missing.tmx", "no such file"),
    ],
)
def test_bad_or_hostile_files_are_refused(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        tmx.read_tmx(DATA / name)
    assert "SECRET" not in str(info.value) and "root:" not in str(info.value)
    assert name in str(info.value)  # every refusal names the file


def test_billion_laughs_is_refused_without_expanding() -> None:
    # The refusal comes from the declarations, before any expansion: no huge string.
    with pytest.raises(InputError, match="declares XML entities") as info:
        tmx.read_tmx(DATA / "billion_laughs.tmx")
    assert len(str(info.value)) < 500


def test_other_language_pair_can_be_chosen(tmp_path: Path) -> None:
    path = tmp_path / "fr.tmx"
    path.write_bytes((DATA / "no_pairs.tmx").read_bytes())
    bi = tmx.read_tmx(path, source_lang="fr", target_lang="de")
    assert [(p.source.text, p.target) for p in bi.pairs] == [("Bonjour", "Hallo")]


def test_compact_output_is_valid_and_equivalent() -> None:
    bi = make_bilingual(flags={0: ("repetition",)})
    compact = dump(bi, pretty=False)
    assert b"\n  <prop" not in compact
    assert_valid_tmx(compact)
    assert toolkit_pairs(compact) == toolkit_pairs(dump(bi))


@pytest.mark.parametrize(
    ("source_lang", "target_lang"), [("en", "es"), ("en-US", "es-ES"), ("es", "es"), ("fr", "en")]
)
def test_codes_that_do_not_name_the_languages_are_refused(
    tmp_path: Path, source_lang: str, target_lang: str
) -> None:
    """A swapped pair would label the Spanish as English and read back reversed."""
    out = tmp_path / "a.tmx"
    with pytest.raises(InvalidOption, match="does not name"):
        bireader.export(make_bilingual(), out, source_lang=source_lang, target_lang=target_lang)
    assert not out.exists()
