"""Word study in the reader page: word cards, saved words, listening (Chromium)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pages import STUDY, bilingual, study_words, write_page
from waits import mode_is, stored

pytestmark = [pytest.mark.browser]

Opener = Callable[..., Any]

SPANISH_VOICE = """
window.__spoken = [];
Object.defineProperty(window, 'speechSynthesis', {value: {
  getVoices: () => [{lang: 'en-US', name: 'English'}, {lang: 'es-ES', name: 'Español'}],
  speak: (u) => window.__spoken.push([u.text, u.lang, u.rate, u.voice && u.voice.name]),
  cancel: () => {}, addEventListener: () => {}}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""
NO_SPANISH_VOICE = SPANISH_VOICE.replace(", {lang: 'es-ES', name: 'Español'}", "")


@pytest.fixture
def study(tmp_path: Path) -> Callable[..., Path]:
    def make(layout: str = "side-by-side", name: str = "study.html") -> Path:
        return write_page(tmp_path, bilingual(STUDY, words=study_words), name, layout=layout)

    return make


def word(page: Any, sentence: str, text: str) -> Any:
    page.locator(f"#{sentence}").hover()  # a pointer reaching a sentence wraps its words
    return page.locator(f"#{sentence} .w", has_text=text).first


CARD = "[role=dialog]"

OVERLAP = """([card, sentence]) => {
  const c = document.querySelector(card).getBoundingClientRect();
  return [...document.querySelector(sentence).getClientRects()].some(r =>
    r.left < c.right && c.left < r.right && r.top < c.bottom && c.top < r.bottom);
}"""


@pytest.mark.parametrize(
    ("layout", "width", "scheme"),
    [
        ("side-by-side", 1280, "light"),
        ("interlinear", 1280, "light"),
        ("reveal", 1280, "light"),
        ("side-by-side", 375, "light"),
        ("interlinear", 375, "dark"),
    ],
)
def test_a_click_or_tap_opens_the_word_card(
    reader: Opener, study: Callable[..., Path], layout: str, width: int, scheme: str
) -> None:
    page = reader(
        path=study(layout), width=width, height=700, color_scheme=scheme, init_script=SPANISH_VOICE
    ).page
    target = word(page, "s2", "hablaron")
    if layout == "reveal":
        target.click()  # the first tap shows the translation
        assert page.locator("#t2").is_visible() and page.locator(CARD).count() == 0
    where = target.bounding_box()
    page.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)
    card = page.get_by_role("dialog", name="Word: hablaron")
    assert card.is_visible()
    shown = card.inner_text()
    for expected in ("hablar", "verb · preterite · 3rd person plural", "speak", "talk"):
        assert expected in shown
    assert card.get_by_role("button", name="Save word").is_visible()
    assert not page.evaluate(OVERLAP, [CARD, "#s2"]), "the card covers its sentence"
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if scheme == "dark":
        background = card.evaluate("c => getComputedStyle(c).backgroundColor")
        assert background.startswith("rgb(34, 38, 44")


def test_escape_and_a_tap_outside_close_the_card(
    reader: Opener, study: Callable[..., Path]
) -> None:
    page = reader(path=study()).page
    word(page, "s2", "acuerdo").click()
    card = page.locator(CARD)
    assert card.is_visible() and page.evaluate("document.activeElement.id") == "word-card"
    page.keyboard.press("Escape")
    assert card.is_hidden()
    assert page.evaluate("document.activeElement.textContent") == "acuerdo"
    word(page, "s2", "ministros").click()
    assert card.is_visible() and "ministro" in card.inner_text()
    card.locator("p").first.click()  # inside: stays open
    assert card.is_visible()
    page.mouse.click(5, 780)  # outside
    assert card.is_hidden()
    word(page, "s4", "ayer").click()
    card.get_by_role("button", name="Close").click()
    assert card.is_hidden()


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.textContent"))


def test_the_keyboard_moves_word_by_word_and_enter_opens(
    reader: Opener, study: Callable[..., Path]
) -> None:
    page = reader(path=study()).page
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == "s1"
    page.keyboard.press("Enter")
    assert focused(page) == "La"
    page.keyboard.press("ArrowRight")
    assert focused(page) == "rueda de prensa"
    page.keyboard.press("ArrowRight")
    assert focused(page) == "Los", "the next word is in the next sentence"
    page.keyboard.press("ArrowLeft")
    assert focused(page) == "rueda de prensa"
    page.keyboard.press("Enter")
    card = page.get_by_role("dialog", name="Word: rueda de prensa")
    assert card.is_visible() and "press conference" in card.inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    page.keyboard.press("Escape")
    assert card.is_hidden() and focused(page) == "rueda de prensa"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "s1"
    # In Reveal, Enter shows the translation; w goes into the words.
    page.keyboard.press("3")
    mode_is(page, "reveal")
    page.keyboard.press("Enter")
    assert page.locator("#t1").is_visible()
    page.keyboard.press("w")
    assert focused(page) == "La"
    page.keyboard.press(" ")
    assert page.get_by_role("dialog", name="Word: La").is_visible()


def test_unknown_untranslated_and_contracted_words_say_so(
    reader: Opener, study: Callable[..., Path]
) -> None:
    page = reader(path=study(), width=375, height=700).page
    name = word(page, "s3", "Zubiri")
    assert "untranslated" in (name.get_attribute("class") or "")
    decoration = name.evaluate("w => getComputedStyle(w).textDecorationStyle")
    assert decoration == "wavy"
    name.click()
    shown = page.locator(CARD).inner_text()
    assert "Not in the dictionary" in shown and "left this word in Spanish" in shown
    page.keyboard.press("Escape")
    # "dijo" sits in a no-wrap span with its dash: it is still one word.
    word(page, "s3", "dijo").click()
    assert "decir" in page.locator(CARD).inner_text()
    page.keyboard.press("Escape")
    word(page, "s2", "del").click()
    shown = page.locator(CARD).inner_text()
    assert "de + el" in shown and "preposition" in shown and "the" in shown


EXPECTED_TSV = [
    "#separator:tab",
    "#html:true",
    "#columns:Lemma\tGloss\tPart of speech\tSentence\tTranslation",
    "hablar\tspeak\tverb\tLos ministros <b>hablaron</b> del acuerdo en la rueda de prensa."
    "\tThe ministers spoke about the agreement at the press conference.",
    "sorpresa\tsurprise\tnoun\t¡Qué <b>sorpresa</b>! —dijo Zubiri, el portavoz."
    "\tWhat a surprise! said Zubiri, the spokesman.",
]


def test_saved_words_persist_per_article_and_download_as_anki_tsv(
    reader: Opener, study: Callable[..., Path], tmp_path: Path
) -> None:
    page = reader(path=study()).page
    for sentence, text in (("s2", "hablaron"), ("s3", "sorpresa"), ("s4", "ayer")):
        word(page, sentence, text).click()
        save = page.locator(CARD).locator(".wc-save")
        assert save.inner_text() == "Save word"
        save.click()
        assert save.get_attribute("aria-pressed") == "true" and "Saved" in save.inner_text()
        page.keyboard.press("Escape")
    # Reloaded once the three notes are stored: a reload drops what is not.
    stored(page, "(v[article] || []).length === 3", key="bireader.saved")
    # Saved again from another occurrence of the lemma: one note per lemma.
    page.reload()
    saved = page.get_by_role("button", name="Saved (3)")
    assert saved.is_visible()
    saved.click()
    panel = page.get_by_role("region", name="Saved words")
    assert panel.is_visible()
    listed = [item.rstrip("×") for item in panel.locator("li").all_text_contents()]
    assert listed == [
        "hablar — speak (verb)",
        "sorpresa — surprise (noun)",
        "ayer — yesterday (adverb)",
    ]
    panel.get_by_role("button", name="Remove ayer").click()
    assert panel.is_visible() and "ayer" not in panel.inner_text()
    assert page.get_by_role("button", name="Saved (2)").is_visible()
    with page.expect_download() as caught:
        panel.get_by_role("button", name="Download for Anki (TSV)").click()
    download = caught.value
    assert download.suggested_filename.endswith(".tsv")
    target = tmp_path / "deck.tsv"
    download.save_as(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines == EXPECTED_TSV
    # The same file `bireader vocab -o deck.tsv` writes for these two lemmas.
    from bireader import vocab

    deck = vocab.notes(bilingual(STUDY, words=study_words))
    assert lines == vocab.tsv_lines([n for n in deck if n.lemma in ("hablar", "sorpresa")])
    # The same article exported in another layout shares its saved words; another does not.
    stored(page, "(v[article] || []).length === 2", key="bireader.saved")
    page.goto(study("reveal", "study-reveal.html").as_uri())
    assert page.get_by_role("button", name="Saved (2)").is_visible()
    word(page, "s2", "hablaron")
    page.locator("#s2").click()
    word(page, "s2", "hablaron").click()
    button = page.locator(CARD).get_by_role("button", name="Saved ✓")
    assert button.get_attribute("aria-pressed") == "true"
    other = write_page(tmp_path, bilingual(STUDY[1:], words=study_words), "other.html")
    page.goto(other.as_uri())
    assert page.get_by_role("button", name="Saved (0)").is_visible()


def test_listening_speaks_spanish_at_the_chosen_speed(
    reader: Opener, study: Callable[..., Path]
) -> None:
    page = reader(path=study(), init_script=SPANISH_VOICE).page
    listen = page.get_by_role("button", name="Listen to the sentence")
    assert listen.is_visible()
    word(page, "s3", "sorpresa").click()
    page.locator(CARD).get_by_role("button", name="Listen to “sorpresa”").click()
    assert page.evaluate("window.__spoken") == [["sorpresa", "es-ES", 1, "Español"]]
    page.keyboard.press("Escape")
    page.get_by_label("Speech speed").select_option("0.8")
    listen.click()
    spoken = page.evaluate("window.__spoken")[-1]
    assert spoken == ["¡Qué sorpresa! —dijo Zubiri, el portavoz.", "es-ES", 0.8, "Español"]
    stored(page, "v.rate === 0.8")
    page.reload()
    assert page.get_by_label("Speech speed").input_value() == "0.8"
    page.keyboard.press("j")
    page.keyboard.press("l")
    assert page.evaluate("window.__spoken")[-1][0] == "La rueda de prensa"


@pytest.mark.parametrize("stub", [NO_SPANISH_VOICE, "delete window.speechSynthesis;"])
def test_listening_is_hidden_without_a_spanish_voice(
    reader: Opener, study: Callable[..., Path], stub: str
) -> None:
    page = reader(path=study(), init_script=stub).page
    assert page.locator("#listen").is_hidden()
    word(page, "s2", "acuerdo").click()
    assert page.locator(CARD).is_visible()
    assert page.locator(CARD).get_by_role("button", name="Listen").count() == 0
    page.keyboard.press("Escape")
    page.keyboard.press("l")
    assert page.locator(CARD).is_hidden()


def test_a_page_without_words_has_no_word_controls(reader: Opener, tmp_path: Path) -> None:
    page = reader(path=write_page(tmp_path, bilingual(STUDY))).page
    assert page.locator("#saved-button").count() == 0
    page.locator("#s2").click()
    assert page.locator(".w").count() == 0 and page.locator(CARD).count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_card_passes_wcag_aa_contrast(
    reader: Opener, study: Callable[..., Path], scheme: str
) -> None:
    from test_reader_browser import COLOURS, contrast

    page = reader(path=study(), color_scheme=scheme).page
    word(page, "s3", "Zubiri").click()
    failures = []
    for selector in (".wc-word", ".wc-lemma", ".wc-grammar", ".wc-note", ".wc-save"):
        pair = page.evaluate(COLOURS, f"[role=dialog] {selector}")
        assert pair is not None, selector
        if contrast(*pair) < 4.5:
            failures.append(f"{selector}: {contrast(*pair):.2f} for {pair}")
    page.keyboard.press("Escape")
    pair = page.evaluate(COLOURS, ".w.untranslated")
    assert not failures, failures
    assert contrast(*pair) >= 4.5


def test_a_finger_opens_and_closes_the_card_on_a_touch_phone(
    browser: Any, study: Callable[..., Path]
) -> None:
    """A real touch screen (no hover, no mouse): a tap on a word, then a tap outside."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(study().as_uri())
        assert page.evaluate("matchMedia('(hover: none)').matches")
        target = page.locator("#s2").get_by_text("acuerdo").first
        where = page.evaluate(
            """() => { const r = document.createRange(), s = document.getElementById('s2');
            const node = s.firstChild, at = node.data.indexOf('acuerdo');
            r.setStart(node, at); r.setEnd(node, at + 7);
            const b = r.getBoundingClientRect();
            return [b.left + b.width / 2, b.top + b.height / 2]; }"""
        )
        page.touchscreen.tap(*where)  # the sentence is not wrapped yet: no hover came first
        card = page.get_by_role("dialog", name="Word: acuerdo")
        assert card.is_visible() and "agreement" in card.inner_text()
        assert target.count() == 1
        assert not page.evaluate(OVERLAP, [CARD, "#s2"])
        page.touchscreen.tap(20, 780)
        assert card.is_hidden()
        assert errors == []
    finally:
        context.close()


@pytest.mark.apertium
def test_the_sample_analysed_by_apertium_opens_cards_by_click_and_enter(
    reader: Opener, sample_bilingual: Any, tmp_path: Path
) -> None:
    """The real pipeline: Apertium's translation and word analysis, then the page."""
    import bireader

    analysed = bireader.analyze(sample_bilingual)
    path = tmp_path / "sample-words.html"
    bireader.export(analysed, path)
    page = reader(path=path, init_script=SPANISH_VOICE).page
    pair = analysed.pairs[1]
    verb = next(w for w in pair.words if w.upos == "VERB" and w.glosses)
    word(page, "s2", verb.text).click()
    card = page.get_by_role("dialog", name=f"Word: {verb.text}")
    shown = card.inner_text()
    assert verb.lemma in shown and verb.glosses[0] in shown and "verb" in shown
    page.keyboard.press("Escape")  # the card: the focus is back on the word
    page.keyboard.press("Escape")  # the word: the focus is on its sentence
    assert page.evaluate("document.activeElement.id") == "s2"
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    first = analysed.pairs[0].words[0]
    assert focused(page) == first.text
    page.keyboard.press("Enter")
    assert page.get_by_role("dialog", name=f"Word: {first.text}").is_visible()
    assert page.locator(CARD).get_by_role("button", name=f"Listen to “{first.text}”").count() == 1


@pytest.mark.parametrize("width", [680, 375, 320])
def test_the_phone_bar_keeps_two_rows_with_listen_and_saved(
    reader: Opener, study: Callable[..., Path], width: int
) -> None:
    page = reader(path=study(), width=width, height=700, init_script=SPANISH_VOICE).page
    assert page.get_by_role("button", name="Listen to the sentence").is_visible()
    assert page.get_by_role("button", name="Saved (0)").is_visible()
    bar = page.locator(".bar").bounding_box()
    assert bar["height"] <= 100, f"the bar takes {bar['height']} px at {width} px"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    # And the text is one column at every narrow width, not only the smallest.
    s, t = page.locator("#s2").bounding_box(), page.locator("#t2").bounding_box()
    assert t["y"] >= s["y"] + s["height"] - 1 and abs(t["x"] - s["x"]) < 2
