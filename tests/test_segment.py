"""Spanish sentence segmentation: hand-written cases as data, offset invariants, public bars."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bireader.errors import InputError
from bireader.model import Block, Document
from bireader.segment import segment_document, sentence_spans, split_sentences
from bireader.testing import segmentation_scores

ROOT = Path(__file__).resolve().parents[1]
CASES_FILE = Path(__file__).parent / "data" / "segment_cases.jsonl"
PUBLIC_FILE = ROOT / ".." / "shared" / "data" / "segment_es_public.jsonl"
ARTICLES = sorted((ROOT / "texts").glob("*.es.txt"))

# Cases the rules get wrong on purpose (documented in docs/segmentation.md).
KNOWN_LIMIT = "known-limit"
# Zero-width and format characters the segmenter trims like whitespace.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


CASES = _load(CASES_FILE)


def _norm(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence).strip()


def _locate(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Offsets of ``sentences`` found in order in ``text``."""
    spans, pos = [], 0
    for sentence in sentences:
        found = text.find(sentence.strip(), pos)
        if found < 0:
            raise ValueError(f"sentence not in text: {sentence!r}")
        pos = found + len(sentence.strip())
        spans.append((found, pos))
    return spans


def _params(cases: list[dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case["id"],
            marks=[pytest.mark.xfail(strict=True, reason="known limit of the rules")]
            if KNOWN_LIMIT in case["tags"]
            else [],
        )
        for case in cases
    ]


def _blank(chunk: str) -> bool:
    """Whether ``chunk`` holds only whitespace and invisible characters."""
    return not chunk.translate(str.maketrans("", "", INVISIBLE)).strip()


def _check_spans(
    text: str, spans: list[tuple[int, int]], lo: int = 0, hi: int | None = None
) -> None:
    """Spans ordered, in range, trimmed, on one line, with only blanks between them.

    Blanks are whitespace and the invisible characters, which are trimmed like it.
    """
    hi = len(text) if hi is None else hi
    previous = lo
    for start, end in spans:
        assert previous <= start < end <= hi, (start, end)
        chunk = text[start:end]
        assert not _blank(chunk[0]) and not _blank(chunk[-1]), f"untrimmed sentence {chunk!r}"
        assert "\n" not in chunk, f"sentence across a newline {chunk!r}"
        assert _blank(text[previous:start]), f"text lost: {text[previous:start]!r}"
        previous = end
    assert _blank(text[previous:hi]), f"text lost: {text[previous:hi]!r}"


def test_case_file_is_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)) >= 120
    for case in CASES:
        _locate(case["text"], case["sentences"])
        assert case["sentences"] and isinstance(case["tags"], list)


@pytest.mark.parametrize("case", _params(CASES))
def test_case(case: dict[str, Any]) -> None:
    predicted = [_norm(s) for s in split_sentences(case["text"])]
    assert predicted == [_norm(s) for s in case["sentences"]]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_spans_slice_back_and_lose_nothing(case: dict[str, Any]) -> None:
    text = case["text"]
    spans = sentence_spans(text)
    _check_spans(text, spans)
    assert [text[s:e] for s, e in spans] == split_sentences(text)


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_articles_keep_every_character(path: Path) -> None:
    text = path.read_text("utf-8")
    _check_spans(text, sentence_spans(text))


def test_sample_article_has_nine_sentences_and_two_captions() -> None:
    text = (ROOT / "texts" / "miami-talks.es.txt").read_text("utf-8")
    sentences = split_sentences(text)
    assert len(sentences) == 11
    assert "Steve Witkoff" in sentences
    assert "Kirill Dmitriev, director del fondo soberano de riqueza de Rusia" in sentences
    assert sum(s.endswith(".") for s in sentences) == 9


def test_a_region_is_segmented_alone() -> None:
    text = "Titular sin punto\nEl Sr. Pérez llegó. Se fue.\nOtra línea. Y otra."
    lo = text.index("El Sr.")
    hi = text.index("\nOtra")
    spans = sentence_spans(text, lo, hi)
    assert [text[s:e] for s, e in spans] == ["El Sr. Pérez llegó.", "Se fue."]
    _check_spans(text, spans, lo, hi)
    assert sentence_spans(text, lo) == spans + sentence_spans(text, hi)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("." * 20_000, 1),  # one run of terminals, never followed by a space
        ("EE. UU. " * 5_000, 1),
        ("Sr.\u00a0" * 5_000, 1),
        ("«Sí», dijo. " * 5_000, 5_000),
        ("1. Ab " * 5_000, 5_000),
        ("x" * 20_000 + ". Hola.", 2),
    ],
)
def test_pathological_inputs(text: str, count: int) -> None:
    """Long runs that a backtracking pattern would take quadratic time on."""
    spans = sentence_spans(text)
    assert len(spans) == count
    _check_spans(text, spans)


_PIECES = st.sampled_from(
    [
        *"aAzZñÑ1 .?!…¿¡«»“”\"'()[]—-:,/\n\t\u00a0\r",
        "EE. UU.",
        "Sr.",
        "etc.",
        "J.",
        "1.500",
        "...",
        " El ",
        " la ",
        "p. m.",
        "www.a.es",
        "?»",
        ".»",
        ").",
        "—¿",
        "a@b.es",
        *INVISIBLE,
        "Sí. No.",
        "S. A.",
        "a. m.",
        "2022.–El",
        "Primero.—",
        "Artículo 1. ",
        "Dijo: «",
        " —dijo",
        "b) ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_invariants_hold_on_any_text(text: str) -> None:
    spans = sentence_spans(text)
    _check_spans(text, spans)
    assert split_sentences(text) == [text[s:e] for s, e in spans]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.integers(-50, 250), st.integers(-50, 250))
def test_regions_stay_in_range(text: str, start: int, end: int) -> None:
    lo, hi, _ = slice(start, end).indices(len(text))
    spans = sentence_spans(text, start, end)
    _check_spans(text, spans, lo, max(lo, hi))


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_are_skipped_and_trimmed(char: str) -> None:
    text = f"{char}Hola.{char} {char}Adiós. {char}Sr. {char}Pérez.{char}"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Hola.", "Adiós.", f"Sr. {char}Pérez."]
    assert spans[0] == (1, 6)
    _check_spans(text, spans)


def test_short_words_are_not_a_spaced_abbreviation() -> None:
    text = "Sí. No. Lo sé. Es él. Voy. Vino a las 5 p. m. y se fue a EE. UU. en J. K. Air."
    assert split_sentences(text) == [
        "Sí.",
        "No.",
        "Lo sé.",
        "Es él.",
        "Voy.",
        "Vino a las 5 p. m. y se fue a EE. UU. en J. K. Air.",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\u00a0 \n\t", "\u200b \ufeff\n\u00ad"])
def test_blank_text_has_no_sentence(text: str) -> None:
    assert split_sentences(text) == []


def test_newline_always_ends_a_segment() -> None:
    text = "La sesión la presidió el Sr.\nGómez, alcalde, y el acto acabó a las 14.00 h\ny nada."
    assert split_sentences(text) == [
        "La sesión la presidió el Sr.",
        "Gómez, alcalde, y el acto acabó a las 14.00 h",
        "y nada.",
    ]


def test_segment_document_fills_blocks_with_offsets() -> None:
    text = (
        "Titular de prueba\n\n"
        "«No voy a dimitir», afirmó. Regresó a EE. UU. El viaje acabó.\n\n"
        "Foto: EFE"
    )
    heading_end = text.index("\n")
    para_start = text.index("«")
    para_end = text.index("\n\nFoto")
    caption_start = text.index("Foto")
    doc = Document(
        text=text,
        blocks=(
            Block("heading", 0, heading_end),
            Block("paragraph", para_start, para_end),
            Block("caption", caption_start, len(text)),
        ),
    )
    segmented = segment_document(doc)
    assert segmented is not doc and all(not b.sentences for b in doc.blocks)
    assert [[s.text for s in b.sentences] for b in segmented.blocks] == [
        ["Titular de prueba"],
        ["«No voy a dimitir», afirmó.", "Regresó a EE. UU.", "El viaje acabó."],
        ["Foto: EFE"],
    ]
    for block in segmented.blocks:
        for sentence in block.sentences:
            assert text[sentence.start : sentence.end] == sentence.text
            assert block.start <= sentence.start < sentence.end <= block.end


def test_own_cases_meet_the_bars() -> None:
    f1, exact = segmentation_scores(split_sentences, CASES)
    assert f1 >= 0.98 and exact >= 0.97, (f1, exact)


@pytest.mark.skipif(not PUBLIC_FILE.exists(), reason="../shared/data is absent (public cases)")
def test_public_cases_meet_the_bars() -> None:
    cases = _load(PUBLIC_FILE)
    f1, exact = segmentation_scores(split_sentences, cases)
    assert f1 >= 0.95, f"boundary F1 {f1:.3f} < 0.95"
    assert exact >= 0.93, f"exact match {exact:.3f} < 0.93"


@pytest.mark.skipif(not PUBLIC_FILE.exists(), reason="../shared/data is absent (public cases)")
def test_public_spans_keep_every_character() -> None:
    for case in _load(PUBLIC_FILE):
        _check_spans(case["text"], sentence_spans(case["text"]))


# --- Spanish beyond news: literature, legal (BOE), science, economy ---------------------

GENRE_CASES = _load(Path(__file__).parent / "data" / "segment_genres.jsonl")
GENRES = ("literature", "legal", "science", "economy")


def test_genre_case_file_is_well_formed() -> None:
    ids = [case["id"] for case in GENRE_CASES]
    assert len(ids) == len(set(ids))
    for genre in GENRES:
        assert sum(case["tags"][0] == genre for case in GENRE_CASES) >= 40, genre
    for case in GENRE_CASES:
        _locate(case["text"], case["sentences"])


@pytest.mark.parametrize("case", _params(GENRE_CASES))
def test_genre_case(case: dict[str, Any]) -> None:
    predicted = [_norm(s) for s in split_sentences(case["text"])]
    assert predicted == [_norm(s) for s in case["sentences"]]


@pytest.mark.parametrize("case", GENRE_CASES, ids=[case["id"] for case in GENRE_CASES])
def test_genre_spans_slice_back_and_lose_nothing(case: dict[str, Any]) -> None:
    _check_spans(case["text"], sentence_spans(case["text"]))


@pytest.mark.parametrize("genre", GENRES)
def test_each_genre_meets_the_bars(genre: str) -> None:
    cases = [case for case in GENRE_CASES if case["tags"][0] == genre]
    f1, exact = segmentation_scores(split_sentences, cases)
    assert f1 >= 0.98 and exact >= 0.95, (genre, f1, exact)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Me dijo: «No vuelvas nunca. Aquí ya no queda nada para ti». Y cerró la puerta.",
            ["Me dijo: «No vuelvas nunca. Aquí ya no queda nada para ti».", "Y cerró la puerta."],
        ),
        (  # the quotation opens its sentence: no frame, its sentences stand alone
            "«No vuelvas nunca. Aquí ya no queda nada». Y cerró la puerta.",
            ["«No vuelvas nunca.", "Aquí ya no queda nada».", "Y cerró la puerta."],
        ),
        (
            "Decía que “nada es gratis. Todo se paga” y sonreía. Nadie le creía.",
            ["Decía que “nada es gratis. Todo se paga” y sonreía.", "Nadie le creía."],
        ),
        (  # a dialogue turn framed by the narrator's aside
            "—Tengo frío. Cierra la ventana —pidió la niña—. Su madre obedeció.",
            ["—Tengo frío. Cierra la ventana —pidió la niña—.", "Su madre obedeció."],
        ),
        (  # a new turn is not an aside
            "—¿Está usted seguro? —Completamente. Lo vi yo.",
            ["—¿Está usted seguro?", "—Completamente.", "Lo vi yo."],
        ),
    ],
)
def test_a_quotation_stays_with_its_frame(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Lo dispuesto en los apdos. 3 y 4 no se aplica.",
        "Doña Ma. Luisa Gómez vivía sola.",
        "Según la disp. adic. 2.ª y la disp. trans. única, el RDLeg. 2/2015 rige.",
        "Lo firma el Excmo. Sr. D. Juan Pérez, y S. M. el Rey lo sanciona.",
        "Véase la op. cit., pág. 12, y el t. 2 de la ob. cit. en su cap. IV.",
    ],
)
def test_published_abbreviations_do_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Madrid, 3 de marzo de 2022.–El Ministro de Hacienda, Juan Pérez.",
            ["Madrid, 3 de marzo de 2022.", "–El Ministro de Hacienda, Juan Pérez."],
        ),
        (
            "Primero.–Estimar el recurso. Segundo.–Desestimar lo demás.",
            ["Primero.–Estimar el recurso.", "Segundo.–Desestimar lo demás."],
        ),
        ("Las relaciones EE. UU.–China empeoran.", ["Las relaciones EE. UU.–China empeoran."]),
    ],
)
def test_a_dash_joined_to_a_period_opens_the_boe_signature(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Artículo 1. Objeto.\nEl decreto regula.", ["Artículo 1. Objeto.", "El decreto regula."]),
        (
            "Disposición final primera. Entrada en vigor.",
            ["Disposición final primera. Entrada en vigor."],
        ),
        ("Lo dice el artículo 1. El resto calla.", ["Lo dice el artículo 1.", "El resto calla."]),
    ],
)
def test_a_numbered_heading_keeps_its_title(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- English (the English side of human translations) --------------------------------

EN_CASES = _load(Path(__file__).parent / "data" / "segment_en_cases.jsonl")


def _split_en(text: str) -> list[str]:
    return split_sentences(text, lang="en")


def test_english_case_file_is_well_formed() -> None:
    ids = [case["id"] for case in EN_CASES]
    assert len(ids) == len(set(ids)) >= 100
    for case in EN_CASES:
        _locate(case["text"], case["sentences"])
        assert case["sentences"] and isinstance(case["tags"], list)


@pytest.mark.parametrize("case", _params(EN_CASES))
def test_english_case(case: dict[str, Any]) -> None:
    predicted = [_norm(s) for s in _split_en(case["text"])]
    assert predicted == [_norm(s) for s in case["sentences"]]


@pytest.mark.parametrize("case", EN_CASES, ids=[case["id"] for case in EN_CASES])
def test_english_spans_slice_back_and_lose_nothing(case: dict[str, Any]) -> None:
    text = case["text"]
    spans = sentence_spans(text, lang="en")
    _check_spans(text, spans)
    assert [text[s:e] for s, e in spans] == _split_en(text)


def test_english_cases_meet_the_bars() -> None:
    f1, exact = segmentation_scores(_split_en, EN_CASES)
    assert f1 >= 0.98 and exact >= 0.97, (f1, exact)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        _PIECES | st.sampled_from(["U.S.", "Mr.", "p.m.", "No. 4", '," he said.']), max_size=40
    ).map("".join)
)
def test_english_invariants_hold_on_any_text(text: str) -> None:
    spans = sentence_spans(text, lang="en")
    _check_spans(text, spans)
    assert _split_en(text) == [text[s:e] for s, e in spans]


def test_the_language_changes_the_rules() -> None:
    text = "Llegó el Sr. Pérez. Se fue. We met Mr. Smith at 5 p.m. Tuesday."
    assert split_sentences(text) == [
        "Llegó el Sr. Pérez.",
        "Se fue.",
        "We met Mr. Smith at 5 p.m.",
        "Tuesday.",
    ]
    assert split_sentences(text, lang="en-GB")[-1] == "We met Mr. Smith at 5 p.m. Tuesday."
    assert split_sentences(text, "en") == split_sentences(text, lang="EN")


def test_segment_document_honours_the_document_language() -> None:
    text = "He left at 9 a.m. Monday. She stayed."
    blocks = (Block("paragraph", 0, len(text)),)
    english = segment_document(Document(text=text, blocks=blocks, lang="en"))
    spanish = segment_document(Document(text=text, blocks=blocks))
    assert [s.text for s in english.sentences()] == ["He left at 9 a.m. Monday.", "She stayed."]
    assert [s.text for s in spanish.sentences()] == ["He left at 9 a.m.", "Monday.", "She stayed."]


def test_an_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="no sentence rules for language 'fr'"):
        split_sentences("Bonjour. Salut.", lang="fr")
    with pytest.raises(TypeError):
        split_sentences("Hello.", lang=None)  # type: ignore[arg-type]
