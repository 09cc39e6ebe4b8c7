"""The reader page used as a person would: Playwright driving Debian Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from waits import WAIT_MS, focused, mode_is, stored

from bireader.formats import html

Opener = Callable[..., Any]
"""The ``reader`` fixture (tests/browser/conftest.py): opens the sample page, returns a Watched."""

pytestmark = [pytest.mark.browser, pytest.mark.apertium]

SAMPLE_PAIRS = 11
"""Sentences in texts/miami-talks.es.txt (the issue's acceptance figure)."""


def box(page: Any, selector: str) -> dict[str, float]:
    result: dict[str, float] = page.locator(selector).bounding_box()
    assert result is not None, f"{selector} is not rendered"
    return result


def mode_of(page: Any) -> str:
    return str(page.evaluate("document.documentElement.dataset.mode"))


def test_sample_pairs_render(reader: Opener, sample_bilingual: Any) -> None:
    page = reader().page
    assert len(sample_bilingual.pairs) == SAMPLE_PAIRS
    sources, targets = page.locator(".s"), page.locator(".t")
    assert sources.count() == targets.count() == SAMPLE_PAIRS
    for n in range(1, SAMPLE_PAIRS + 1):
        assert page.locator(f"#s{n}").is_visible() and page.locator(f"#t{n}").is_visible()
    first = sample_bilingual.pairs[0]
    assert page.locator("#s1").inner_text() == first.source.text
    assert page.title() == "Miami talks"


def test_reveal_click_and_keys_show_the_translation(reader: Opener) -> None:
    page = reader().page
    page.get_by_role("button", name="Reveal").click()
    assert mode_of(page) == "reveal"
    assert page.locator("#t1").is_hidden() and page.locator("#t2").is_hidden()
    page.locator("#s1").click()
    assert page.locator("#t1").is_visible()
    assert page.locator("#s1").get_attribute("aria-expanded") == "true"
    assert page.locator("#t2").is_hidden()
    page.locator("#s1").click()
    assert page.locator("#t1").is_hidden()

    page.locator("#s2").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#s2")).to_have_attribute("aria-expanded", "true", timeout=WAIT_MS)
    assert page.locator("#t2").is_visible()
    page.keyboard.press(" ")
    expect(page.locator("#s2")).to_have_attribute("aria-expanded", "false", timeout=WAIT_MS)
    assert page.locator("#t2").is_hidden()
    assert page.locator("#s2").get_attribute("aria-expanded") == "false"
    assert page.get_by_role("button", name=page.locator("#s2").inner_text()).count() == 1

    # Outside reveal mode the sentences are text again, not buttons.
    page.keyboard.press("2")
    mode_is(page, "interlinear")
    assert page.locator("#s2").get_attribute("role") is None
    assert page.locator("#s2").get_attribute("aria-expanded") is None


def test_show_all_and_hide_all(reader: Opener) -> None:
    page = reader().page
    page.keyboard.press("3")
    mode_is(page, "reveal")
    button = page.get_by_role("button", name="Show all")
    button.click()
    assert page.locator(".t:visible").count() == SAMPLE_PAIRS
    page.get_by_role("button", name="Hide all").click()
    assert page.locator(".t:visible").count() == 0
    page.keyboard.press("a")
    expect(page.locator(".t:visible")).to_have_count(SAMPLE_PAIRS, timeout=WAIT_MS)


def test_modes_switch_by_buttons_and_keys(reader: Opener) -> None:
    page = reader().page
    assert mode_of(page) == "side-by-side"
    s, t = box(page, "#s1"), box(page, "#t1")
    assert t["x"] > s["x"] + s["width"] * 0.9, "English column is not beside the Spanish one"
    assert abs(t["y"] - s["y"]) < 10, "the columns are not aligned row by row"

    page.get_by_role("button", name="Interlinear").click()
    assert mode_of(page) == "interlinear"
    assert page.get_by_role("button", name="Interlinear").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Side by side").get_attribute("aria-pressed") == "false"
    s, t = box(page, "#s1"), box(page, "#t1")
    assert t["y"] >= s["y"] + s["height"] - 1 and abs(t["x"] - s["x"]) < 2
    size = page.evaluate("[getComputedStyle(s1).fontSize, getComputedStyle(t1).fontSize]")
    assert float(size[1][:-2]) < float(size[0][:-2]), "interlinear English is not smaller"

    for key, expected in (("3", "reveal"), ("1", "side-by-side"), ("2", "interlinear")):
        page.keyboard.press(key)
        mode_is(page, expected)
        pressed = page.locator("button.mode[aria-pressed=true]")
        assert pressed.count() == 1 and pressed.get_attribute("data-mode") == expected


FOCUS_MARK = """(() => {
  const c = getComputedStyle(document.activeElement);
  return {line: c.textDecorationLine, style: c.textDecorationStyle,
          thickness: parseFloat(c.textDecorationThickness), outline: c.outlineStyle,
          outlineWidth: parseFloat(c.outlineWidth), background: c.backgroundColor};
})()"""


def test_keyboard_moves_between_sentences_with_a_visible_focus(reader: Opener) -> None:
    page = reader().page
    page.keyboard.press("j")
    focused(page, "#s1")
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    focused(page, "#s3")
    page.keyboard.press("k")
    focused(page, "#s2")
    page.keyboard.press("ArrowUp")
    focused(page, "#s1")
    # In running text the focus is a solid underline over the highlight (an outline would be
    # drawn around each line fragment); where the sentence is a block, a ring around it.
    mark = page.evaluate(FOCUS_MARK)
    assert mark["line"] == "underline" and mark["style"] == "solid" and mark["thickness"] >= 2
    assert mark["outline"] == "none" and mark["background"] != "rgba(0, 0, 0, 0)"
    assert "cur" in (page.locator("#t1").get_attribute("class") or "")
    page.keyboard.press("2")
    mode_is(page, "interlinear")
    mark = page.evaluate(FOCUS_MARK)
    assert mark["outline"] == "solid" and mark["outlineWidth"] >= 2
    assert mark["line"] == "none"
    assert page.evaluate("document.activeElement.id") == "s1"
    page.keyboard.press("1")
    mode_is(page, "side-by-side")
    # Roving tabindex: the sentence reached by keys is the one Tab comes back to.
    assert page.locator(".s[tabindex='0']").get_attribute("id") == "s1"
    for _ in range(SAMPLE_PAIRS + 2):
        page.keyboard.press("j")
    focused(page, f"#s{SAMPLE_PAIRS}")
    assert page.locator(f"#s{SAMPLE_PAIRS}").is_visible()


def test_phone_width_stacks_into_one_column(reader: Opener) -> None:
    page = reader(width=375, height=812).page
    assert mode_of(page) == "side-by-side"
    for n in (1, 4, SAMPLE_PAIRS):
        s, t = box(page, f"#s{n}"), box(page, f"#t{n}")
        assert t["y"] >= s["y"] + s["height"] - 1, f"t{n} is not under s{n}"
        assert abs(t["x"] - s["x"]) < 2 and t["x"] + t["width"] <= 375
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    wide = reader(width=1280, height=800).page
    assert box(wide, "#t1")["x"] > box(wide, "#s1")["x"] + 300


def test_hover_highlights_the_partner(reader: Opener) -> None:
    page = reader().page
    background = "getComputedStyle(document.getElementById(%r)).backgroundColor"
    before = page.evaluate(background % "t3")
    page.locator("#s3").hover()
    assert "hl" in (page.locator("#t3").get_attribute("class") or "")
    assert page.evaluate(background % "t3") != before
    page.locator("#t5").hover()
    assert "hl" in (page.locator("#s5").get_attribute("class") or "")
    assert "hl" not in (page.locator("#t3").get_attribute("class") or "")


def test_preferences_persist_across_reload(reader: Opener) -> None:
    page = reader().page
    page.get_by_role("button", name="Interlinear").click()
    font_size = "getComputedStyle(document.querySelector('.doc')).fontSize"
    before = page.evaluate(font_size)
    page.get_by_role("button", name="Larger text").click()
    page.get_by_role("button", name="Larger text").click()
    size = page.evaluate(font_size)
    assert float(size[:-2]) > float(before[:-2]) * 1.2
    page.get_by_role("button", name="Dark theme").click()
    # Reloaded only once all three choices are stored: a reload drops what is not.
    stored(page, "v.modes[doc] === 'interlinear' && v.size === 2 && v.theme === 'dark'")
    page.reload()
    assert mode_of(page) == "interlinear"
    assert page.get_by_role("button", name="Interlinear").get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.querySelector('.doc')).fontSize") == size
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "true"


def test_dark_theme_follows_the_system(reader: Opener) -> None:
    light = reader(color_scheme="light").page
    dark = reader(color_scheme="dark").page
    background = "getComputedStyle(document.documentElement).backgroundColor"
    assert luminance(parse_rgb(dark.evaluate(background))) < 0.1
    assert luminance(parse_rgb(light.evaluate(background))) > 0.8
    assert dark.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "true"


def test_works_without_local_storage(reader: Opener) -> None:
    blocked = (
        "Object.defineProperty(window, 'localStorage', "
        "{get() { throw new DOMException('denied', 'SecurityError'); }});"
    )
    page = reader(init_script=blocked).page
    page.keyboard.press("3")
    mode_is(page, "reveal")
    page.locator("#s1").click()
    assert mode_of(page) == "reveal" and page.locator("#t1").is_visible()
    page.get_by_role("button", name="Larger text").click()


def test_no_request_leaves_the_page(reader: Opener, sample_page: Path) -> None:
    watched = reader()
    page = watched.page
    for key in ("1", "2", "3", "d", "+", "a", "?"):
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")
    assert watched.requests == [sample_page.as_uri()]
    assert watched.blocked == []


def test_csp_blocks_foreign_code(reader: Opener, tmp_path: Path, sample_page: Path) -> None:
    """The policy is live: code added to the page, but not hashed, does not run."""
    tampered = tmp_path / "tampered.html"
    text = sample_page.read_text(encoding="utf-8")
    tampered.write_text(
        text.replace("</body>", "<script>document.title = 'pwned'</script></body>"),
        encoding="utf-8",
    )
    watched = reader(path=tampered)
    assert watched.page.title() == "Miami talks"
    assert any("Content Security Policy" in error for error in watched.errors)
    watched.errors.clear()


def test_controls_are_named_buttons(reader: Opener) -> None:
    page = reader().page
    names = ["Side by side", "Interlinear", "Reveal", "Smaller text", "Larger text", "Dark theme"]
    for name in [*names, "Keys"]:
        button = page.get_by_role("button", name=name, exact=True)
        assert button.count() == 1 and button.evaluate("b => b.tagName") == "BUTTON"
    for name in [*names[:3], "Dark theme"]:
        pressed = page.get_by_role("button", name=name, exact=True).get_attribute("aria-pressed")
        assert pressed in ("true", "false")
    visible = page.locator("button:visible").count()
    assert page.get_by_role("button").count() == visible
    page.keyboard.press("3")
    mode_is(page, "reveal")
    assert page.get_by_role("button", name="Show all").is_visible()
    page.get_by_role("button", name="Keys").click()
    assert page.locator("#keys").is_visible()
    assert page.get_by_role("button", name="Keys").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    expect(page.locator("#keys")).to_be_hidden(timeout=WAIT_MS)


def test_flagged_translation_has_a_tooltip(
    reader: Opener, tmp_path: Path, sample_bilingual: Any
) -> None:
    import dataclasses

    pairs = list(sample_bilingual.pairs)
    pairs[2] = dataclasses.replace(pairs[2], flags=("repetition",))
    flagged = dataclasses.replace(sample_bilingual, pairs=tuple(pairs))
    path = tmp_path / "flagged.html"
    path.write_text(html.render(flagged), encoding="utf-8")
    page = reader(path=path).page
    target = page.locator("#t3")
    assert "apertium" in (target.get_attribute("title") or "")
    decoration = target.evaluate("t => getComputedStyle(t).textDecorationStyle")
    assert decoration == "dotted"
    assert target.locator(".note").is_hidden()
    target.get_by_role("button", name="Note on this translation").click()
    assert "apertium" in target.locator(".note").inner_text()
    assert page.locator(".flagged").count() == 1


def test_print_shows_both_languages_and_no_controls(reader: Opener) -> None:
    page = reader().page
    page.keyboard.press("3")
    mode_is(page, "reveal")
    page.emulate_media(media="print")
    assert page.locator(".t:visible").count() == SAMPLE_PAIRS
    assert page.locator(".bar").is_hidden()


# WCAG 2.x contrast, from the colours the browser actually computed.

COLOURS = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) { return null; }
  const fg = getComputedStyle(el).color;
  let node = el, bg = 'rgba(0, 0, 0, 0)';
  while (node && node.nodeType === 1) {
    const c = getComputedStyle(node).backgroundColor;
    if (!/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent') { bg = c; break; }
    node = node.parentElement;
  }
  return [fg, bg];
}"""


def parse_rgb(value: str) -> tuple[float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", value)[:4]]
    if len(numbers) == 4 and numbers[3] < 1:
        raise AssertionError(f"translucent colour {value!r} cannot be judged alone")
    return numbers[0], numbers[1], numbers[2]


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(parse_rgb(a)), luminance(parse_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_contrast_passes_wcag_aa(reader: Opener, scheme: str) -> None:
    page = reader(color_scheme=scheme).page
    page.emulate_media(color_scheme=scheme)
    checks: list[tuple[str, str]] = [
        ("Spanish text", "#s1"),
        ("English column", "#t1"),
        ("caption", "figcaption .s"),
        ("file name", ".kicker"),
        ("mode button", "button.mode[aria-pressed=false]"),
        ("pressed mode button", "button.mode[aria-pressed=true]"),
        ("tool button", "button.size"),
        ("footer", ".prov dd"),
    ]
    failures = []

    def measure(label: str, selector: str) -> None:
        pair = page.evaluate(COLOURS, selector)
        assert pair is not None, f"{selector} not found"
        ratio = contrast(*pair)
        if ratio < 4.5:
            failures.append(f"{label} ({selector}): {ratio:.2f} for {pair}")

    for label, selector in checks:
        measure(label, selector)
    page.keyboard.press("2")
    mode_is(page, "interlinear")
    measure("muted interlinear English", "#t2")
    page.locator("#s2").hover()
    measure("highlighted partner", "#t2")
    page.keyboard.press("j")
    focused(page, "#s1")
    measure("focused sentence's partner", "#t1")
    mark = page.evaluate(
        "[getComputedStyle(document.activeElement).textDecorationColor,"
        " getComputedStyle(document.activeElement).backgroundColor]"
    )
    if contrast(*mark) < 3:
        failures.append(f"focus underline: {contrast(*mark):.2f} (non-text needs 3)")
    page.keyboard.press("3")
    mode_is(page, "reveal")
    ring = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineColor,"
        " getComputedStyle(document.documentElement).backgroundColor]"
    )
    if contrast(*ring) < 3:
        failures.append(f"focus ring: {contrast(*ring):.2f} (non-text needs 3)")
    assert not failures, f"{scheme} theme:\n" + "\n".join(failures)
    assert page.evaluate("document.documentElement.dataset.theme") is None


def test_phone_bar_stays_reachable_and_a_mode_tap_keeps_it_in_view(reader: Opener) -> None:
    page = reader(width=375, height=812).page
    bar = box(page, ".bar")
    assert bar["height"] <= 100, "the phone bar takes too much of the screen"
    tap(page, "button.mode[data-mode=reveal]")
    assert mode_of(page) == "reveal"
    assert page.evaluate("scrollY") == 0, "switching mode at the top scrolled the page"
    assert page.get_by_role("button", name="Reveal").is_visible()
    # Scrolled into the text, the bar stays on screen and the reading position is kept.
    page.locator("#s6").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -200)")
    anchor = page.evaluate(ANCHOR)
    assert page.evaluate("scrollY") > 200
    tap(page, "button.mode[data-mode=interlinear]")
    assert mode_of(page) == "interlinear"
    assert box(page, ".bar")["y"] == 0
    assert page.get_by_role("button", name="Side by side").is_visible()
    after = page.evaluate(f"document.getElementById({anchor[0]!r}).getBoundingClientRect().top")
    assert abs(after - anchor[1]) < 2, "the sentence being read moved"


def tap(page: Any, selector: str) -> None:
    """Click where the element is now, as a finger would (Playwright's click first scrolls
    the element "into view", which for a sticky bar means back to the top of the page)."""
    where = box(page, selector)
    page.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)


ANCHOR = """(() => {
  const bottom = document.querySelector('.bar').getBoundingClientRect().bottom;
  const s = [...document.querySelectorAll('.s')]
    .find(s => s.getBoundingClientRect().bottom > bottom + 8);
  return [s.id, s.getBoundingClientRect().top];
})()"""


def test_desktop_mode_switch_at_the_top_does_not_scroll(reader: Opener) -> None:
    page = reader().page
    page.get_by_role("button", name="Reveal").click()
    assert page.evaluate("scrollY") == 0


def list_page(tmp_path: Path) -> Path:
    """A page with numbered items (their number is part of the text) and plain ones."""
    from bireader.model import (
        BilingualDocument,
        Block,
        Document,
        Pair,
        Provenance,
        Sentence,
    )

    items = [
        ("1. Guarde agua fresca.", "1. Save fresh water."),
        ("2. Evite el sol.", "2. Avoid the sun."),
        ("Beba agua.", "Drink water."),
        ("Llame a sus vecinos.", "Call your neighbours."),
    ]
    text, blocks, pairs = "", [], []
    for index, (es, en) in enumerate(items):
        text += "\n" if index else ""
        sentence = Sentence(es, len(text), len(text) + len(es))
        text += es
        blocks.append(Block("list_item", sentence.start, sentence.end, (sentence,)))
        pairs.append(Pair(sentence, en, index, "list_item", "apertium"))
    document = Document(text, tuple(blocks), "es", None, "consejos.es.txt")
    bi = BilingualDocument(document, tuple(pairs), Provenance("apertium", "3.8.3"), "en")
    path = tmp_path / "consejos.html"
    path.write_text(html.render(bi), encoding="utf-8")
    return path


MARKERS = """(li) => [
  getComputedStyle(li, '::before').content,
  getComputedStyle(li.querySelector('.en'), '::after').content,
]"""


@pytest.mark.parametrize("width", [1280, 375])
def test_numbered_items_get_no_second_marker(reader: Opener, tmp_path: Path, width: int) -> None:
    page = reader(path=list_page(tmp_path), width=width).page
    assert page.title() == "Consejos"
    items = page.locator("li.blk")
    assert page.locator("#s1").inner_text().startswith("1. ")
    for n in range(4):
        own, english = items.nth(n).evaluate(MARKERS)
        if n < 2:
            assert own == "none" and english == "none", f"item {n + 1} has a second marker"
            # The number starts level with the text of the other items' bullets' text.
            assert abs(box(page, f"#s{n + 1}")["x"] - box(page, "main h1")["x"]) < 2
        else:
            assert own == '"•"'
            # Side by side, both columns get the bullet; stacked, one bullet per item.
            assert english == ('"•"' if width > 700 else "none")


def test_keys_panel_lists_the_arrows_and_closes_on_an_outside_click(reader: Opener) -> None:
    page = reader().page
    page.keyboard.press("?")
    panel = page.locator("#keys")
    expect(panel).to_be_visible(timeout=WAIT_MS)
    listed = panel.inner_text()
    for key in ("\u2190", "\u2192", "\u2193", "\u2191", "?", "Esc"):
        assert key in listed, key
    panel.locator("dt").first.click()
    assert panel.is_visible(), "a click inside the list closed it"
    page.locator("#s3").click()
    assert panel.is_hidden()
    assert page.get_by_role("button", name="Keys").get_attribute("aria-expanded") == "false"
    page.get_by_role("button", name="Keys").click()
    assert panel.is_visible()
    page.mouse.click(5, 700)
    assert panel.is_hidden()


def test_saved_mode_is_per_page_and_the_export_layout_is_the_default(
    reader: Opener, tmp_path: Path, sample_bilingual: Any, sample_page: Path
) -> None:
    study = tmp_path / "study.html"
    study.write_text(html.render(sample_bilingual, layout="reveal"), encoding="utf-8")
    page = reader().page
    first = page.evaluate("document.documentElement.dataset.doc")
    page.keyboard.press("2")
    page.keyboard.press("d")
    page.get_by_role("button", name="Larger text").click()
    size = page.evaluate("getComputedStyle(document.querySelector('.doc')).fontSize")
    # Left only once the keys have acted and all three choices are stored.
    stored(page, "v.modes[doc] === 'interlinear' && v.theme === 'dark' && v.size === 1")
    page.goto(study.as_uri())
    assert mode_of(page) == "reveal", "a mode chosen on another page overrode the export layout"
    assert page.get_by_role("button", name="Reveal").get_attribute("aria-pressed") == "true"
    assert page.locator("#t1").is_hidden()
    # Theme and size are the reader's, on every page.
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.querySelector('.doc')).fontSize") == size
    page.keyboard.press("1")
    # Both pages' modes, as this page stores them: the first page's choice is kept.
    stored(page, f"v.modes[doc] === 'side-by-side' && v.modes[{first!r}] === 'interlinear'")
    page.reload()
    assert mode_of(page) == "side-by-side"
    page.goto(sample_page.as_uri())
    saved = page.evaluate("localStorage.getItem('bireader.prefs')")
    assert mode_of(page) == "interlinear", f"the first page opened with {saved}"


def test_double_click_selecting_a_word_does_not_toggle_in_reveal(reader: Opener) -> None:
    page = reader().page
    page.keyboard.press("3")
    mode_is(page, "reveal")
    page.locator("#s4").dblclick()
    assert page.evaluate("String(getSelection())").strip()
    assert page.locator("#t4").is_hidden()
    assert page.locator("#s4").get_attribute("aria-expanded") == "false"
    page.wait_for_timeout(800)  # so the next click is not the third of a triple click
    page.locator("#s4").click()
    assert page.locator("#t4").is_visible()


def test_print_leaves_out_the_reveal_hint(reader: Opener) -> None:
    page = reader().page
    page.keyboard.press("3")
    mode_is(page, "reveal")
    assert page.locator(".hint").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".hint").is_hidden()
