"""What every article parser shares: blank lines, trimming, and joining blocks into a Document.

>>> doc = assemble([("heading", " Hola "), ("paragraph", "Un día.\u200b")], lang="es", name=None,
...                metadata={})
>>> doc.text, [(b.kind, b.start, b.end) for b in doc.blocks], doc.title
('Hola\\n\\nUn día.', [('heading', 0, 4), ('paragraph', 6, 13)], 'Hola')
"""

from __future__ import annotations

from collections.abc import Iterable

from bireader.chardata import is_space
from bireader.model import Block, Document, block_kind


def is_blank(line: str) -> bool:
    """Whether ``line`` holds only whitespace and invisible characters."""
    return all(is_space(char) for char in line)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past whitespace and invisible characters."""
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return start, end


def assemble(
    pieces: Iterable[tuple[str, str]], *, lang: str, name: str | None, metadata: dict[str, str]
) -> Document:
    """Join ``(kind, text)`` pieces with blank lines into a Document with offsets.

    Each piece is trimmed; an empty one makes no block. The title is the first heading.
    """
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for kind, raw_text in pieces:
        start, end = trim(raw_text, 0, len(raw_text))
        piece = raw_text[start:end]
        if not piece:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(piece)
        blocks.append(Block(block_kind(kind), pos, pos + len(piece)))
        pos += len(piece)
    text = "".join(parts)
    title = next((text[b.start : b.end] for b in blocks if b.kind == "heading"), None)
    return Document(
        text=text, blocks=tuple(blocks), lang=lang, title=title, source=name, metadata=metadata
    )


__all__ = ["assemble", "is_blank", "trim"]
