"""What the reader tests share: the data folder, sample texts, block and offset checks."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

from bireader.model import Document

DATA = Path(__file__).parents[1] / "data" / "reader"


ROOT = Path(__file__).parents[2]


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


SNIPPETS = [
    "# Título",
    "#",
    "Un párrafo.",
    '<div align="center">',
    "</p>",
    "<p>",
    "<br>",
    "- ",
    "> ",
    "```",
    "---",
    "===",
    "| a | b |",
    "![](x.png)",
    "**",
    "_",
    "[]()",
    "<a@b>",
    "\\",
    "—Sí.",
    "Foto: EFE",
    "Por Juan",
    "\u200b",
    "\ufeff",
    "\u00a0",
    "\t",
    "\r\n",
    "\n\n",
    "<h1></h1>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE html>",
    "<li>",
    "<td>",
    "<blockquote>",
    "&#0;",
    "\x0c",
    "\u2028",
    "\ud800",
    "~",
    "¿",
    "…",
    "<![CDATA[x]]>",
    "<meta charset=utf-16>",
    "ñ",
    "😀",
]


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
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


INVISIBLES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    '<!-- memoria -->\n<tmx version="1.4"><header srclang="es"/><body><tu>'
    '<tuv xml:lang="es"><seg>Hola.</seg></tuv><tuv xml:lang="en"><seg>Hello.</seg></tuv>'
    "</tu></body></tmx>\n"
)
