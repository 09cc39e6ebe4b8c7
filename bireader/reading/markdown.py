"""Markdown -> Document through ``markdown-it-py`` (CommonMark, linear time).

Blocks come from CommonMark's own parse: headings, paragraphs, list items (every
paragraph of an item stays in the item, one line each), block quotes. Code (fenced or
indented), HTML blocks, tables, thematic breaks and link reference definitions are not
prose and make no block. Inline markup is removed, keeping the words; an image keeps its
alt text. ``Document.text`` is the blocks' text joined by blank lines (see
``docs/reading.md``).

>>> doc = parse_markdown("# Hola\\n\\nUn **gran** [día](http://x.es).\\n\\n> Cita.")
>>> doc.text, [b.kind for b in doc.blocks], doc.title
('Hola\\n\\nUn gran día.\\n\\nCita.', ['heading', 'paragraph', 'quote'], 'Hola')
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bireader.chardata import CONTROL
from bireader.model import Document
from bireader.reading.blocks import assemble
from bireader.reading.html import fragment_blocks
from bireader.reading.plain import _SHORT, _classify_short_line, _short_unpunctuated

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Block tokens whose content is not prose: skipped with everything inside them.
_SKIPPED = frozenset({"table_open"})
# Inline tokens that carry words.
_WORDS = frozenset({"text", "code_inline"})


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # CommonMark, plus GFM tables (skipped as data, as in HTML) and ~~strikethrough~~.
    # Entities and escapes stay separate tokens (no text_join), so that a reference to a
    # code point the reader removes (``&#1;``) can vanish, as the character itself does.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")


def parse_markdown(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Markdown -> Document; inline markup is stripped, blocks joined by blank lines."""
    tokens = _parser().parse(text)
    pieces = list(_blocks(tokens))
    return assemble(pieces, lang=lang, name=name, metadata={"format": "markdown"})


def _inline_text(token: Token) -> str:
    """The words of an inline token: markup and inline HTML dropped, images as alt text."""
    out: list[str] = []

    def walk(children: Sequence[Token]) -> None:
        for child in children:
            if child.type in _WORDS:
                out.append(child.content)
            elif child.type == "text_special":
                bad = child.info == "entity" and child.content == "\ufffd"
                out.append("" if bad else CONTROL.sub("", child.content))
            elif child.type == "softbreak":
                out.append(" ")
            elif child.type == "hardbreak":
                out.append("\n")
            elif child.type == "image":
                walk(child.children or [])

    walk(token.children or [])
    return "\n".join(" ".join(line.split()) for line in "".join(out).split("\n"))


def _only(token: Token, kinds: tuple[str, str]) -> bool:
    """Whether an inline token is one ``kinds[0]`` ... ``kinds[1]`` span (or image)."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if not children:
        return False
    if kinds[0] == "image":
        return len(children) == 1 and children[0].type == "image"
    return (
        children[0].type == kinds[0]
        and children[-1].type == kinds[1]
        and not any(c.type == kinds[0] for c in children[1:-1])
    )


def _paragraph_kind(token: Token, text: str, ordinal: int) -> str:
    """A one-line paragraph that is a caption: an image, a short all-italic line, a name."""
    if token.map is None or token.map[1] - token.map[0] != 1:
        return "paragraph"
    if _only(token, ("image", "image")):
        return "caption"  # the alt text describes the picture
    short = len(text) <= _SHORT
    if short and (
        _only(token, ("em_open", "em_close")) or _only(token, ("strong_open", "strong_close"))
    ):
        return "caption"  # an all-italic short line under a picture
    if (
        ordinal > 0
        and _short_unpunctuated(text)
        and _classify_short_line(text, ordinal) == "caption"
    ):
        return "caption"
    return "paragraph"


def _blocks(tokens: Sequence[Token]) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for each block, in document order."""
    containers: list[str] = []  # the open blockquotes and list items, innermost last
    item_lines: list[list[str]] = []  # the paragraphs of each open list item
    ordinal = 0
    skip_until: str | None = None
    for index, token in enumerate(tokens):
        if skip_until is not None:
            if token.type == skip_until:
                skip_until = None
            continue
        if token.type in _SKIPPED:
            skip_until = token.type.replace("_open", "_close")
        elif token.type == "blockquote_open":
            containers.append("quote")
        elif token.type == "list_item_open":
            containers.append("list_item")
            item_lines.append([])
        elif token.type in ("blockquote_close", "list_item_close"):
            kind = containers.pop()
            if kind == "list_item":
                lines = item_lines.pop()
                if lines:
                    yield "list_item", "\n".join(lines)
                    ordinal += 1
        elif token.type == "html_block":
            # Raw HTML is shown as HTML: its text is read as the HTML reader reads it.
            for kind, text in fragment_blocks(token.content):
                if containers and kind == "paragraph":
                    kind = containers[-1]
                if kind == "list_item" and item_lines:
                    item_lines[-1].append(text)
                    continue
                yield kind, text
                ordinal += 1
        elif token.type == "inline":
            opener = tokens[index - 1].type if index else ""
            text = _inline_text(token).strip()
            if not text or opener not in ("heading_open", "paragraph_open"):
                continue
            if opener == "heading_open":
                yield "heading", text.replace("\n", " ")
                ordinal += 1
            elif containers and containers[-1] == "list_item":
                item_lines[-1].append(text)
            elif containers:
                yield "quote", text
                ordinal += 1
            else:
                yield _paragraph_kind(token, text, ordinal), text
                ordinal += 1
        elif token.type in ("bullet_list_open", "ordered_list_open") and item_lines:
            # A nested list ends its item's own text: the item comes first, then its list.
            lines = item_lines[-1]
            if lines:
                yield "list_item", "\n".join(lines)
                ordinal += 1
                item_lines[-1] = []
