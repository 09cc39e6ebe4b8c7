"""What users tripped on in the reader page (issue 9), each driven in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pages import bilingual, with_pairs, write_page

pytestmark = [pytest.mark.browser]

Opener = Callable[..., Any]

RLO = "\u202e"

BIDI_ROWS = (
    (
        "paragraph",
        [
            (f"Dijo {RLO}hola y se fue.", f"He said {RLO}hello and left."),
            ("Buenos días.", "Good morning."),
        ],
    ),
    ("paragraph", [(f"Otra {RLO}vez.", f"Once {RLO}more."), ("Adiós amigos.", "Goodbye friends.")]),
)

READING_ORDER = """(id) => {
  const el = document.getElementById(id), node = el.firstChild, r = document.createRange();
  const x = (i) => {
    r.setStart(node, i); r.setEnd(node, i + 1); return r.getBoundingClientRect().left;
  };
  return [x(0), x(node.length - 2)];
}"""


@pytest.mark.parametrize(
    ("mode", "width"),
    [("side-by-side", 1280), ("interlinear", 1280), ("reveal", 1280), ("side-by-side", 375)],
)
def test_a_bidi_override_stays_inside_its_sentence(
    reader: Opener, tmp_path: Path, mode: str, width: int
) -> None:
    path = write_page(tmp_path, bilingual(BIDI_ROWS), layout=mode)
    page = reader(path=path, width=width).page
    if mode == "reveal":
        page.get_by_role("button", name="Show all").click()
    for sentence in ("s2", "t2", "s4", "t4"):
        first, last = page.evaluate(READING_ORDER, sentence)
        assert first < last, f"{sentence} reads right to left in {mode} at {width} px"


COPY_ROWS = (
    (
        "paragraph",
        [("El faro se apagó.", "The lighthouse went out."), ("Nadie lo vio.", "Nobody saw it.")],
    ),
    (
        "paragraph",
        [
            ("Al alba volvió la luz.", "At dawn the light came back."),
            ("Todos durmieron.", "Everyone slept."),
        ],
    ),
)


def drag_copy(page: Any, start: str, end: str) -> str:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("getSelection().removeAllRanges()")  # a drag inside a selection moves it
    a = page.locator(start).bounding_box()
    b = page.locator(end).bounding_box()
    page.mouse.move(a["x"] + 1, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=4)
    page.mouse.up()
    page.keyboard.press("Control+c")
    return str(page.evaluate("navigator.clipboard.readText()"))


def test_copying_across_sentences_side_by_side_gives_the_selected_language(
    reader: Opener, tmp_path: Path
) -> None:
    page = reader(path=write_page(tmp_path, bilingual(COPY_ROWS))).page
    copied = drag_copy(page, "#s1", "#s3")
    assert "El faro se apagó. Nadie lo vio." in copied
    assert "Al alba volvió la luz." in copied
    for english in ("lighthouse", "Nobody", "dawn"):
        assert english not in copied, f"English {english!r} was copied with the Spanish"
    assert "Todos" not in copied
    # And the other way round: English selected, English copied.
    copied = drag_copy(page, "#t1", "#t3")
    assert "The lighthouse went out." in copied and "At dawn the light came back." in copied
    assert "faro" not in copied and "alba" not in copied


DASH_ROWS = (
    (
        "paragraph",
        [
            (
                "¡Ven a ver la luz del faro! —dijo él, y salió corriendo hacia la playa.",
                "Come and see the lighthouse light! he said, and ran off to the beach.",
            ),
            (
                "—¿Por qué tan temprano? —le preguntó una vecina desde la ventana.",
                "Why so early? a neighbour asked him from the window.",
            ),
        ],
    ),
)

DASH_LINES = """() => {
  const found = [];
  const walk = document.createTreeWalker(document.getElementById('text'), NodeFilter.SHOW_TEXT);
  const r = document.createRange();
  const top = (node, i) => {
    r.setStart(node, i); r.setEnd(node, i + 1); return r.getClientRects()[0].top;
  };
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const text = node.data;
    for (let i = 0; i < text.length - 1; i++) {
      if (text[i] === '\\u2014' && /[\\p{L}¿¡]/u.test(text[i + 1])) {
        found.push([text.slice(i, i + 6), top(node, i), top(node, i + 1)]);
      }
    }
  }
  return found;
}"""


def test_a_dialogue_dash_stays_with_its_word_at_phone_widths(
    reader: Opener, tmp_path: Path
) -> None:
    page = reader(path=write_page(tmp_path, bilingual(DASH_ROWS)), width=375, height=700).page
    checked = 0
    for width in range(300, 430, 3):
        page.set_viewport_size({"width": width, "height": 700})
        for what, dash_top, word_top in page.evaluate(DASH_LINES):
            checked += 1
            assert abs(dash_top - word_top) < 2, f"{what!r} split across lines at {width} px"
    assert checked >= 3 * 40


LONG_ROWS = tuple(
    (
        "paragraph",
        [
            (
                f"Frase número {n} del cuento, que sigue y sigue un buen rato.",
                f"Sentence number {n} of the story, which goes on for a while.",
            )
        ],
    )
    for n in range(1, 41)
)


def active(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id"))


def test_space_on_a_focused_sentence_scrolls_side_by_side(reader: Opener, tmp_path: Path) -> None:
    page = reader(path=write_page(tmp_path, bilingual(LONG_ROWS)), height=500).page
    page.keyboard.press("j")
    assert active(page) == "s1"
    page.keyboard.press(" ")
    page.wait_for_function("() => scrollY > 100")
    page.keyboard.press("3")
    page.locator("#s5").focus()
    page.keyboard.press(" ")
    assert page.locator("#t5").is_visible(), "Space no longer toggles in reveal"


def test_after_home_j_goes_to_the_first_sentence_in_view(reader: Opener, tmp_path: Path) -> None:
    page = reader(path=write_page(tmp_path, bilingual(LONG_ROWS)), height=500).page
    for _ in range(20):
        page.keyboard.press("j")
    assert active(page) == "s20"
    page.keyboard.press("Home")
    page.wait_for_function("() => scrollY === 0")
    page.keyboard.press("j")
    assert active(page) == "s1", "j went back to the sentence focused before Home"
    page.keyboard.press("j")
    assert active(page) == "s2", "j no longer steps from a focused sentence in view"


PRINTED_FOCUS = """(() => {
  const c = getComputedStyle(document.activeElement), t = getComputedStyle(t1);
  return [c.outlineStyle, c.textDecorationLine, t.backgroundColor, t.boxShadow];
})()"""


@pytest.mark.parametrize("key", ["1", "2", "3"])
def test_printing_leaves_out_the_focus_mark(reader: Opener, tmp_path: Path, key: str) -> None:
    page = reader(path=write_page(tmp_path, bilingual(LONG_ROWS))).page
    page.keyboard.press(key)
    page.keyboard.press("j")
    assert active(page) == "s1"
    page.emulate_media(media="print")
    outline, line, background, shadow = page.evaluate(PRINTED_FOCUS)
    assert outline == "none" and line == "none", (outline, line)
    assert background in ("rgba(0, 0, 0, 0)", "transparent") and shadow == "none"


def flagged_page(tmp_path: Path, **options: Any) -> Path:
    bi = bilingual(COPY_ROWS)
    bi = with_pairs(bi, flags=lambda p: ("repetition",) if p.source.text == "Nadie lo vio." else ())
    return write_page(tmp_path, bi, **options)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_flag_note_opens_by_tap_and_by_keyboard(
    reader: Opener, tmp_path: Path, width: int
) -> None:
    page = reader(path=flagged_page(tmp_path), width=width).page
    button = page.get_by_role("button", name="Note on this translation")
    assert button.count() == 1 and button.is_visible()
    note = page.locator("#t2 .note")
    assert note.is_hidden()
    where = button.bounding_box()
    assert where["width"] >= 12
    page.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)
    assert note.is_visible() and "apertium" in note.inner_text()
    assert button.get_attribute("aria-expanded") == "true"
    button.focus()
    page.keyboard.press("Enter")
    assert note.is_hidden() and button.get_attribute("aria-expanded") == "false"


def test_a_flag_note_in_reveal_does_not_hide_its_translation(
    reader: Opener, tmp_path: Path
) -> None:
    page = reader(path=flagged_page(tmp_path, layout="reveal")).page
    page.locator("#s2").click()
    assert page.locator("#t2").is_visible()
    page.get_by_role("button", name="Note on this translation").click()
    assert page.locator("#t2").is_visible() and page.locator("#t2 .note").is_visible()
