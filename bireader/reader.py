"""Files and strings -> ``Document``.

PLACEHOLDER: plain text only, blank-line paragraphs; the real reader (encodings,
Markdown, HTML, captions) replaces it (issue: foundation / reading).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import IO

from bireader.errors import InputError
from bireader.model import Block, Document
from bireader.segment import segment_document

Source = str | os.PathLike[str] | IO[str] | IO[bytes]


def read(source: Source, *, lang: str = "es") -> Document:
    """Read a path, ``"-"`` (stdin), a file object, or a text string into a segmented Document."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source and Path(source).is_file()):
        data = Path(source).read_bytes()
        name = str(source)
    elif source == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    elif isinstance(source, str):
        return segment_document(parse_text(source, lang=lang, name="<string>"))
    else:
        raw = source.read()
        data = raw.encode() if isinstance(raw, str) else raw
        name = getattr(source, "name", "<stream>")
    if not data.strip():
        raise InputError(f"{name}: input is empty")
    return segment_document(parse_text(data.decode("utf-8-sig"), lang=lang, name=name))


def parse_text(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Split plain text into paragraph blocks (no sentences yet)."""
    blocks = tuple(
        Block("paragraph", m.start(), m.end())
        for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)
        if m.group().strip()
    )
    return Document(text=text, blocks=blocks, lang=lang, source=name)
