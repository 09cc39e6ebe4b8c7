"""The HTML reader page, checked as a parsed tree (no browser: see tests/browser/)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

import bireader
from bireader.errors import EngineError, InvalidOption
from bireader.formats import html
from bireader.model import (
    BilingualDocument,
    BlockKind,
    Document,
    Pair,
    Provenance,
    Repair,
    Sentence,
    Word,
    lay_out,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "texts" / "miami-talks.es.txt"

Rows = Sequence[tuple[BlockKind, Sequence[tuple[str, str]]]]

HOSTILE = (
    '<script>alert("es")</script>',
    'Dijo "hola" <img src=x onerror=alert(1)> & se fue.',
    "</style><style>body{background:url(https://evil.example/x.png)}</style>",
)


def bilingual(
    rows: Rows,
    *,
    title: str | None = None,
    source: str | None = "articles/charlas.es.txt",
    flags: dict[int, tuple[str, ...]] | None = None,
) -> BilingualDocument:
    """A consistent BilingualDocument built by hand: blocks joined by blank lines."""
    text, blocks = lay_out((kind, [es for es, _ in sentences]) for kind, sentences in rows)
    english = [en for _, sentences in rows for _, en in sentences]
    spans = [(index, block.kind, s) for index, block in enumerate(blocks) for s in block.sentences]
    pairs = [
        Pair(sentence, english[n], index, kind, "apertium", (flags or {}).get(n, ()))
        for n, (index, kind, sentence) in enumerate(spans)
    ]
    document = Document(text, tuple(blocks), "es", title, source)
    provenance = Provenance("apertium", "3.8.3", "spa-eng", "0.8.1")
    created = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)
    return BilingualDocument(document, tuple(pairs), provenance, "en", created, "9.9.9")


ARTICLE: Rows = (
    ("heading", [("Charlas en Miami", "Talks in Miami")]),
    (
        "paragraph",
        [("El ministro llegó.", "The minister arrived."), ("Dijo algo.", "He said something.")],
    ),
    ("caption", [("Steve Witkoff", "Steve Witkoff")]),
    ("list_item", [("Uno.", "One.")]),
    ("list_item", [("Dos.", "Two.")]),
    ("quote", [("¿Quién sabe?", "Who knows?")]),
    ("heading", [("Después", "Afterwards")]),
    ("paragraph", [("Fin.", "End.")]),
)


def parse(page: str) -> lxml_html.HtmlElement:
    parser = etree.HTMLParser(recover=False)
    etree.fromstring(page.encode("utf-8"), parser)
    assert not [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    return lxml_html.fromstring(page)


def own_text(element: lxml_html.HtmlElement) -> str:
    """Text of ``element`` without its notes (screen-reader-only text, flag notes)."""
    parts = [element.text or ""]
    for child in element:
        if not {"sr-only", "note", "note-btn"} & set((child.get("class") or "").split()):
            parts.append(own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def lang_of(element: lxml_html.HtmlElement) -> str | None:
    for node in [element, *element.iterancestors()]:
        if node.get("lang"):
            return str(node.get("lang"))
    return None


def test_page_parses_with_doctype_charset_viewport() -> None:
    page = html.render(bilingual(ARTICLE))
    assert page.startswith("<!DOCTYPE html>\n")
    root = parse(page)
    head = root.find("head")
    assert head is not None
    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    viewport = head.find("meta[@name='viewport']")
    assert viewport is not None and "width=device-width" in viewport.get("content", "")
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_shows_as_text(hostile: str) -> None:
    bi = bilingual(
        [("heading", [(hostile, hostile)]), ("paragraph", [(hostile, "x " + hostile)])],
        title=hostile,
    )
    root = parse(html.render(bi))
    assert len(root.findall(".//script")) == 1
    assert len(root.findall(".//style")) == 1
    assert root.findall(".//img") == []
    for element in root.iter():
        assert not any(name.startswith("on") for name in element.attrib)
        assert "style" not in element.attrib
    assert [own_text(s) for s in root.find_class("s")] == [hostile, hostile]
    assert [own_text(t) for t in root.find_class("t")] == [hostile, "x " + hostile]
    assert root.findtext("head/title") == " ".join(hostile.split())


def test_characters_no_page_may_hold_become_replacement_marks() -> None:
    bi = bilingual(
        [("paragraph", [("Nulo\x00 y \ud800 solo\x1b.", "Null\ufffe and\x0b lone.")])],
        title="T\x01",
    )
    page = html.render(bi)
    page.encode("utf-8")  # strict: no lone surrogate left
    root = parse(page)
    assert own_text(root.find_class("s")[0]) == "Nulo\ufffd y \ufffd solo\ufffd."
    assert own_text(root.find_class("t")[0]) == "Null\ufffd and\ufffd lone."
    assert root.findtext("head/title") == "T\ufffd"


def test_no_external_urls_anywhere() -> None:
    page = html.render(bilingual(ARTICLE, flags={1: ("repetition",)}))
    root = parse(page)
    for element in root.iter():
        for name in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
            assert element.get(name) is None, (element.tag, name)
    markup = page
    for element in root.iter("style", "script"):
        code = element.text or ""
        assert not re.search(r"url\s*\(|@import|https?:|//[a-z]", code, re.IGNORECASE)
        markup = markup.replace(code, "")
    # Nothing in the markup itself points anywhere either.
    assert not re.search(r"\b(?:src|href|srcset)\s*=", markup, re.IGNORECASE)


def test_csp_allows_exactly_the_inline_code() -> None:
    root = parse(html.render(bilingual(ARTICLE)))
    meta = root.find(".//meta[@http-equiv='Content-Security-Policy']")
    assert meta is not None
    head = root.find("head")
    assert head is not None and list(head).index(meta) < list(head).index(head.find("style"))
    policy = {
        name: values
        for name, *values in (d.split() for d in meta.get("content", "").split(";") if d.strip())
    }
    assert policy["default-src"] == ["'none'"]
    # Nothing but the two hashed blocks: no images, fonts, frames or connections of any kind.
    assert set(policy) == {"default-src", "script-src", "style-src", "base-uri", "form-action"}

    def digest(code: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"

    assert policy["script-src"] == [digest(s.text or "") for s in root.iter("script")]
    assert policy["style-src"] == [digest(s.text or "") for s in root.iter("style")]
    assert "'unsafe-inline'" not in meta.get("content", "")


def test_language_markup() -> None:
    root = parse(html.render(bilingual(ARTICLE)))
    sources, targets = root.find_class("s"), root.find_class("t")
    assert sources and targets
    assert {lang_of(s) for s in sources} == {"es"}
    assert {lang_of(t) for t in targets} == {"en"}
    assert root.get("lang") == "en"


def test_every_pair_shares_its_id() -> None:
    bi = bilingual(ARTICLE)
    root = parse(html.render(bi))
    sources, targets = root.find_class("s"), root.find_class("t")
    assert len(sources) == len(targets) == len(bi.pairs)
    for n, (s, t, pair) in enumerate(zip(sources, targets, bi.pairs, strict=True), start=1):
        assert (s.get("id"), t.get("id")) == (f"s{n}", f"t{n}")
        assert s.get("data-pair") == t.get("data-pair") == f"p{n}"
        assert (own_text(s), own_text(t)) == (pair.source.text, pair.target)
    # One tab stop into the text (roving tabindex), the others reachable by keys.
    assert [s.get("tabindex") for s in sources].count("0") == 1


def test_block_kinds_keep_their_elements() -> None:
    root = parse(html.render(bilingual(ARTICLE)))
    blocks = root.find_class("blk")
    assert [(b.tag, b.get("data-kind")) for b in blocks] == [
        ("h1", "heading"),
        ("p", "paragraph"),
        ("figcaption", "caption"),
        ("li", "list_item"),
        ("li", "list_item"),
        ("p", "quote"),
        ("h2", "heading"),
        ("p", "paragraph"),
    ]
    assert blocks[2].getparent().tag == "figure"
    assert blocks[3].getparent() is blocks[4].getparent()
    assert blocks[3].getparent().tag == "ul"
    assert blocks[5].getparent().tag == "blockquote"
    assert len(root.findall(".//h1")) == 1
    for block in blocks:
        assert [child.get("class") for child in block] == ["es", "en"]


def test_title_comes_from_the_article() -> None:
    with_title = bilingual(ARTICLE, title="El título")
    assert parse(html.render(with_title)).findtext("head/title") == "El título"
    assert parse(html.render(bilingual(ARTICLE))).findtext("head/title") == "Charlas en Miami"
    no_heading = bilingual(ARTICLE[1:2])
    root = parse(html.render(no_heading))
    assert root.findtext("head/title") == "Charlas"
    (h1,) = root.findall(".//h1")
    assert h1.text == "Charlas" and h1.get("class") == "kicker"
    override = html.render(no_heading, title="Mi lectura")
    assert parse(override).findtext("head/title") == "Mi lectura"


def test_document_title_without_heading_block_is_the_h1() -> None:
    root = parse(html.render(bilingual(ARTICLE[1:2], title="Charlas")))
    (h1,) = root.findall(".//h1")
    assert h1.text == "Charlas" and h1.get("lang") == "es"


def test_flagged_pairs_are_marked_with_their_engine() -> None:
    bi = bilingual(ARTICLE, flags={1: ("repetition", "length")})
    root = parse(html.render(bi))
    targets = root.find_class("t")
    flagged = [t for t in targets if "flagged" in t.get("class", "").split()]
    assert [t.get("id") for t in flagged] == ["t2"]
    note = flagged[0].get("title", "")
    assert "apertium" in note and "repetition" in note
    # The note is in the page, behind a button (a tooltip is out of reach on a phone).
    (button,) = flagged[0].find_class("note-btn")
    (shown,) = flagged[0].find_class("note")
    assert button.tag == "button" and button.get("aria-controls") == shown.get("id")
    assert button.get("aria-expanded") == "false" and button.get("aria-label")
    assert "apertium" in (shown.text or "") and "length" in (shown.text or "")
    assert all(t.get("title") is None for t in targets if t not in flagged)


def test_footer_shows_provenance() -> None:
    root = parse(html.render(bilingual(ARTICLE, flags={0: ("repetition",)})))
    footer = root.find(".//footer")
    assert footer is not None
    text = " ".join(footer.text_content().split())
    for expected in (
        "apertium 3.8.3",
        "spa-eng 0.8.1",
        "2026-11-27",
        "bireader 9.9.9",
        "1 flagged",
    ):
        assert expected in text


@pytest.mark.parametrize("layout", html.LAYOUTS)
def test_layout_is_the_initial_mode(layout: str) -> None:
    root = parse(html.render(bilingual(ARTICLE), layout=layout))
    assert root.get("data-mode") == layout
    pressed = [b.get("data-mode") for b in root.iter("button") if b.get("aria-pressed") == "true"]
    assert pressed == [layout]


def test_controls_are_labelled_buttons() -> None:
    root = parse(html.render(bilingual(ARTICLE)))
    buttons = list(root.iter("button"))
    assert len(buttons) >= 7
    for button in buttons:
        assert button.get("type") == "button"
        assert (button.get("aria-label") or button.text_content()).strip()


def test_bad_options_raise_invalid_option() -> None:
    with pytest.raises(InvalidOption, match="layout"):
        html.render(bilingual(ARTICLE), layout="columns")
    with pytest.raises(InvalidOption, match="colour"):
        html.render(bilingual(ARTICLE), colour="red")


def test_export_writes_the_same_page_atomically(tmp_path: Path) -> None:
    bi = bilingual(ARTICLE)
    out = tmp_path / "page.html"
    bireader.export(bi, out, layout="reveal")
    assert out.read_text(encoding="utf-8") == html.render(bi, layout="reveal")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_interleaving_css_covers_the_longest_block() -> None:
    rows: Rows = [("paragraph", [(f"Frase {i}.", f"Sentence {i}.") for i in range(7)])]
    style = parse(html.render(bilingual(rows))).findtext(".//style") or ""
    assert ".s:nth-child(7){order:13}.t:nth-child(7){order:14}" in style
    assert ".s:nth-child(8)" not in style


@pytest.mark.apertium
@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_sample_article_end_to_end() -> None:
    document = bireader.read(SAMPLE)
    try:
        bi = bireader.translate(document, engine="apertium")
    except EngineError as exc:
        pytest.skip(f"apertium spa-eng is not usable here: {exc}")
    root = parse(html.render(bi))
    sources, targets = root.find_class("s"), root.find_class("t")
    assert len(sources) == len(targets) == len(bi.pairs) == len(list(document.sentences()))
    assert [own_text(s) for s in sources] == [s.text for s in document.sentences()]
    assert all(own_text(t).strip() for t in targets)
    assert root.findtext("head/title") == "Miami talks"
    assert "apertium" in (root.find(".//footer").text_content() or "")


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("texts/miami-talks.es.txt", "Miami talks"),
        ("ola_de_calor.html", "Ola de calor"),
        ("notas.pt-BR.md", "Notas"),
        ("informe.2024.txt", "Informe.2024"),
        ("README", "README"),
        ("...", "El ministro llegó."),
    ],
)
def test_file_name_title_is_humanized(source: str, title: str) -> None:
    root = parse(html.render(bilingual(ARTICLE[1:2], source=source)))
    assert root.findtext("head/title") == title
    assert root.find(".//h1").text == title


def test_list_items_with_their_own_number_get_no_bullet() -> None:
    rows: Rows = [
        ("list_item", [("1. Guarde agua.", "1. Save water.")]),
        ("list_item", [("2) Evite el sol.", "2) Avoid the sun.")]),
        ("list_item", [("Beba agua.", "Drink water.")]),
    ]
    items = parse(html.render(bilingual(rows))).findall(".//li")
    assert [item.get("class") for item in items] == ["blk marked", "blk marked", "blk"]


def test_each_page_names_its_document_and_layout() -> None:
    ids = {
        parse(html.render(bi, layout=layout)).get("data-doc")
        for bi in (bilingual(ARTICLE), bilingual(ARTICLE[1:]))
        for layout in html.LAYOUTS
    }
    assert len(ids) == 6 and all(re.fullmatch("[0-9a-f]{16}", i or "") for i in ids)
    again = parse(html.render(bilingual(ARTICLE), layout="reveal")).get("data-doc")
    assert again in ids


def test_keys_panel_lists_every_key() -> None:
    panel = parse(html.render(bilingual(ARTICLE))).get_element_by_id("keys")
    keys = set(re.findall(r"[^\s/,]+", " ".join(dt.text or "" for dt in panel.iter("dt"))))
    expected = {"j", "k", "Enter", "Space", "a", "d", "?", "Esc", *"\u2193\u2191\u2190\u2192"}
    assert expected <= keys, expected - keys


def test_repaired_and_still_flagged_pairs_read_differently() -> None:
    bi = bilingual(ARTICLE)
    first, second, *rest = bi.pairs
    pairs = (
        dataclasses.replace(first, repair=Repair("fallback", ("repetition",)), engine="apertium"),
        dataclasses.replace(
            second, flags=("repetition",), repair=Repair("retried", ("repetition",))
        ),
        *rest,
    )
    root = parse(html.render(dataclasses.replace(bi, pairs=pairs)))
    flagged = root.find_class("flagged")
    assert [t.get("class") for t in flagged] == ["t flagged repaired", "t flagged"]
    notes = [t.get("title") for t in flagged]
    assert notes[0].startswith("Repaired") and "apertium" in notes[0]
    assert notes[1].startswith("Flagged") and "even after a retry" in notes[1]
    # The page's record is what it was before repairs were a value: live flags, then how.
    assert [t.get("data-flags") for t in flagged] == [
        "fallback:repetition",
        "repetition retried:repetition",
    ]
    footer = root.find(".//footer").text_content()
    assert "2 flagged (1 repaired)" in footer


def test_the_footer_names_the_engine_that_really_translated() -> None:
    """Every Argos sentence fell back to Apertium: the footer must not say "argos"."""
    bi = bilingual(ARTICLE)
    asked = dataclasses.replace(bi.provenance, engine="argos", engine_version="1.9")
    fell_back = dataclasses.replace(bi, provenance=asked)
    rows = footer_rows(html.render(fell_back))
    assert rows["Translated by"] == f"apertium (all {len(bi.pairs)} sentences)"
    assert "Model" not in rows, "the model of the engine that did not translate"
    assert rows["Fallback"].startswith("argos 1.9 was asked for; every sentence fell back")
    some = dataclasses.replace(
        fell_back,
        pairs=tuple(
            dataclasses.replace(p, engine="argos") if n < 3 else p for n, p in enumerate(bi.pairs)
        ),
    )
    rows = footer_rows(html.render(some))
    total = len(bi.pairs)
    assert rows["Translated by"] == f"apertium ({total - 3} of {total}), argos 1.9 (3 of {total})"
    assert rows["Fallback"].endswith(f"{total - 3} sentence(s) fell back to apertium")
    assert footer_rows(html.render(bi))["Translated by"] == "apertium 3.8.3"


def footer_rows(page: str) -> dict[str, str]:
    footer = parse(page).find(".//footer")
    assert footer is not None
    return {
        str(item.findtext("dt")): " ".join(str(item.findtext("dd")).split())
        for item in footer.iter("div")
    }


def test_a_page_without_heading_or_file_is_named_after_its_first_words() -> None:
    rows: Rows = (
        (
            "paragraph",
            [
                (
                    "El viento sopló toda la noche sobre el pueblo costero de Cádiz.",
                    "The wind blew all night.",
                )
            ],
        ),
    )
    root = parse(html.render(bilingual(rows, source="<stdin>")))
    title = "El viento sopló toda la noche sobre el pueblo costero de…"
    assert root.findtext("head/title") == title
    (h1,) = root.findall(".//h1")
    assert h1.get("class") == "sr-only", "the same words twice on screen"
    assert (
        parse(html.render(bilingual(ARTICLE, source="<stdin>"))).findtext("head/title")
        == "Charlas en Miami"
    )
    titled = parse(html.render(bilingual(rows, source="<stdin>"), title="Mi cuento"))
    assert titled.findtext("head/title") == "Mi cuento"
    assert [h.text for h in titled.findall(".//h1")] == ["Mi cuento"]


def test_export_title_option(register_engines: object, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from doubles import UpperEngine

    from bireader.cli import main

    register_engines(argos=UpperEngine, apertium=UpperEngine)  # type: ignore[operator]
    out = tmp_path / "cuento.html"
    runner = CliRunner()
    result = runner.invoke(
        main, ["export", "-", "-o", str(out), "--title", "Mi <cuento>"], input="Hola. Adiós.\n"
    )
    assert result.exit_code == 0, result.output
    assert parse(out.read_text(encoding="utf-8")).findtext("head/title") == "Mi <cuento>"
    result = runner.invoke(
        main, ["export", "-", "-o", str(tmp_path / "a.json"), "--title", "X"], input="Hola.\n"
    )
    assert result.exit_code == 2 and "--title only applies to a .html output" in result.output
    result = runner.invoke(main, ["export", "-", "-o", str(out), "--title", " "], input="Hola.\n")
    assert result.exit_code == 2


def test_a_dash_is_kept_with_the_word_it_introduces() -> None:
    rows: Rows = (
        (
            "paragraph",
            [
                ("¡Mira el faro! —dijo él.", "Look! he said."),
                ("—¿Por qué? —le preguntó.", "Why? she asked him."),
                ("Del 1990–2000, sin más.", "From 1990-2000."),
            ],
        ),
    )
    root = parse(html.render(bilingual(rows)))
    kept = [span.text for span in root.find_class("nw")]
    assert kept == ["—dijo", "—¿Por", "—le"]
    assert [own_text(s) for s in root.find_class("s")] == [es for es, _ in rows[0][1]]


def with_words(bi: BilingualDocument, words: dict[int, tuple[Word, ...]]) -> BilingualDocument:
    pairs = tuple(
        dataclasses.replace(pair, words=words.get(n, ())) for n, pair in enumerate(bi.pairs)
    )
    return dataclasses.replace(bi, pairs=pairs)


def word_json(page: str) -> dict[str, Any]:
    scripts = parse(page).xpath("//script[@id='words']")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/json"
    assert scripts[0].getparent().tag == "body" and scripts[0].getnext() is None
    data: dict[str, Any] = json.loads(scripts[0].text)
    return data


def spans(data: dict[str, Any], n: int) -> list[tuple[int, int, list[Any]]]:
    flat, at, out = data["w"][n], 0, []
    for i in range(0, len(flat), 3):
        start = at + flat[i]
        out.append((start, start + flat[i + 1], data["e"][flat[i + 2]]))
        at = start + flat[i + 1]
    return out


def test_word_data_is_one_compact_deduplicated_table() -> None:
    rows: Rows = (
        (
            "paragraph",
            [
                ("El perro y el gato.", "The dog and the cat."),
                ("El perro duerme.", "The dog sleeps."),
            ],
        ),
    )
    bi = bilingual(rows)
    first, second = bi.pairs[0].source, bi.pairs[1].source

    def w(
        s: Sentence,
        text: str,
        lemma: str,
        upos: str,
        feats: str,
        glosses: tuple[str, ...],
        nth: int = 0,
    ) -> Word:
        at = -1
        for _ in range(nth + 1):
            at = s.text.index(text, at + 1)
        return Word(text, s.start + at, s.start + at + len(text), lemma, upos, feats, glosses)

    the = ("Definite=Def|Gender=Masc|Number=Sing", ("the",))
    dog = ("Gender=Masc|Number=Sing", ("dog",))
    words = {
        0: (
            w(first, "El", "el", "DET", *the),
            w(first, "perro", "perro", "NOUN", *dog),
            w(first, "y", "y", "CCONJ", "", ("and",)),
            w(first, "el", "el", "DET", *the),
            w(first, "gato", "gato", "NOUN", "Gender=Masc|Number=Sing", ("cat",)),
        ),
        1: (
            w(second, "El", "el", "DET", *the),
            w(second, "perro", "perro", "NOUN", *dog),
            w(
                second,
                "duerme",
                "dormir",
                "VERB",
                "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin",
                ("sleep",),
            ),
        ),
    }
    page = html.render(with_words(bi, words))
    data = word_json(page)
    # Every string once; "El" and "el" (same analysis) one entry.
    assert len(data["s"]) == len(set(data["s"]))
    assert len(data["e"]) == 5
    assert data["w"][1][:6] == data["w"][0][:6]
    got = [(first.text[a:b], data["s"][e[0]], data["s"][e[1]]) for a, b, e in spans(data, 0)]
    assert got[1] == ("perro", "perro", "noun · masculine · singular")
    assert [t for t, _, _ in got] == ["El", "perro", "y", "el", "gato"]
    ((_, _, verb),) = [s for s in spans(data, 1) if s[0] == 9]
    assert data["s"][verb[1]] == "verb · present · 3rd person singular"
    assert [data["s"][g] for g in verb[3]] == ["sleep"]
    # The word controls exist only where there are words.
    assert 'id="saved-button"' in page and 'id="saved-button"' not in html.render(bi)
    assert 'id="words"' not in html.render(bi)


def test_word_data_counts_in_utf16_and_cannot_end_its_script() -> None:
    rows: Rows = (("paragraph", [("Hola 😀 amigo </script>.", "Hi friend.")]),)
    bi = bilingual(rows)
    s = bi.pairs[0].source
    at = s.text.index("amigo")
    words = (
        Word("amigo", s.start + at, s.start + at + 5, "amigo", "NOUN", "", ("friend </script>",)),
        Word("Hola", s.start + 1, s.start + 5, "x", "X", "", ()),  # not where it says: dropped
    )
    page = html.render(with_words(bi, {0: words}))
    assert page.count("</script>") == 2  # the two scripts' own end tags
    data = word_json(page)
    ((start, end, entry),) = spans(data, 0)
    # JavaScript counts the emoji as two code units.
    assert (start, end) == (at + 1, at + 6)
    assert data["s"][entry[3][0]] == "friend </script>"
