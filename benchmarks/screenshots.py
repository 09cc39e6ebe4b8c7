"""Screenshots of the reader page for docs/: each mode, desktop and phone, light and dark.

The page is the sample with its words explained (``bireader.analyze``), as ``bireader
export`` writes it; the word card shots add a stand-in Spanish voice, so the Listen
buttons show as they do in a browser that has one.

Run: .venv/bin/python benchmarks/screenshots.py [--out docs/screenshots] [--only word]
Needs apertium (the sample article is translated with it) and /usr/bin/chromium;
Pillow, if installed, shrinks the PNGs (pip install pillow).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Literal

import bireader
from bireader.testing import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "texts" / "miami-talks.es.txt"
DESKTOP = (1280, 800)
PHONE = (375, 812)

# name, viewport, colour scheme, mode, what to do before the shot
Scheme = Literal["light", "dark"]
SHOTS: tuple[tuple[str, tuple[int, int], Scheme, str, str], ...] = (
    ("desktop-side-by-side", DESKTOP, "light", "side-by-side", "hover"),
    ("desktop-side-by-side-dark", DESKTOP, "dark", "side-by-side", "focus"),
    ("desktop-interlinear", DESKTOP, "light", "interlinear", ""),
    ("desktop-reveal", DESKTOP, "light", "reveal", "reveal"),
    ("phone-side-by-side", PHONE, "light", "side-by-side", ""),
    ("phone-interlinear-dark", PHONE, "dark", "interlinear", ""),
    ("phone-reveal", PHONE, "light", "reveal", "reveal"),
    ("desktop-keys", DESKTOP, "light", "interlinear", "keys"),
    ("desktop-word-card", DESKTOP, "light", "side-by-side", "word"),
    ("phone-word-card", PHONE, "light", "interlinear", "word"),
    ("phone-word-card-dark", PHONE, "dark", "side-by-side", "word"),
    ("desktop-saved-words", DESKTOP, "light", "side-by-side", "saved"),
)
WORD = ("s2", "hablaron")
"""The word whose card is shown: a verb in the past, in the second sentence."""

SPANISH_VOICE = """
Object.defineProperty(window, 'speechSynthesis', {value: {
  getVoices: () => [{lang: 'es-ES', name: 'Español'}], speak: () => {}, cancel: () => {},
  addEventListener: () => {}}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


def shrink(path: Path) -> None:
    """Quantize to 256 colours when Pillow is installed (text shots lose nothing visible)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--chromium", default=str(CHROMIUM))
    parser.add_argument("--only", default="", help="only the shots whose name contains this")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    bi = bireader.translate(bireader.read(SAMPLE), engine="apertium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        # As `bireader export` (and `make demo`) writes it: with the words explained.
        page_path = Path(tmp) / "miami-talks.html"
        bireader.export(bireader.analyze(bi), page_path)
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=list(CHROMIUM_ARGS)
        )
        for name, (width, height), scheme, mode, action in SHOTS:
            if args.only not in name:
                continue
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            if action in ("word", "saved"):
                page.add_init_script(SPANISH_VOICE)
            page.goto(page_path.as_uri())
            page.locator(f"button.mode[data-mode='{mode}']").click()
            page.mouse.move(0, 0)
            if action == "hover":
                page.locator("#s4").hover()
            elif action == "focus":
                for _ in range(4):
                    page.keyboard.press("j")
                page.evaluate("window.scrollTo(0, 0)")
            elif action == "reveal":
                page.locator("#s1").click()
                page.locator("#s3").click()
                page.mouse.move(0, 0)
                page.evaluate("window.scrollTo(0, 0)")
            elif action == "keys":
                page.get_by_role("button", name="Keys").click()
            elif action in ("word", "saved"):
                sentence, text = WORD
                page.locator(f"#{sentence}").hover()
                page.locator(f"#{sentence} .w", has_text=text).first.click()
                if action == "saved":
                    for word in ("hablaron", "funcionarios", "demandas"):
                        page.locator(f"#{sentence}").hover()
                        page.locator(f"#{sentence} .w", has_text=word).first.click()
                        page.locator(".wc-save").click()
                    page.keyboard.press("Escape")
                    page.get_by_role("button", name="Saved (3)").click()
            page.wait_for_timeout(300)  # let the reveal animation finish
            target = args.out / f"{name}.png"
            page.screenshot(path=str(target))
            shrink(target)
            print(f"{target.relative_to(REPO)}  {target.stat().st_size // 1024} KiB")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
