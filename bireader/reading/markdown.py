"""Markdown -> Document: inline markup removed, blocks joined by blank lines."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from bireader.chardata import INVISIBLE
from bireader.model import Document
from bireader.reading.blocks import assemble, is_blank
from bireader.reading.plain import _SHORT, _classify_short_line, _short_unpunctuated


def parse_markdown(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Markdown -> Document; inline markup is stripped, blocks joined by blank lines.

    >>> doc = parse_markdown("# Hola\\n\\nUn **gran** [día](http://x.es).\\n\\n> Cita.")
    >>> doc.text, [b.kind for b in doc.blocks], doc.title
    ('Hola\\n\\nUn gran día.\\n\\nCita.', ['heading', 'paragraph', 'quote'], 'Hola')
    """
    pieces = list(_markdown_blocks(text))
    return assemble(pieces, lang=lang, name=name, metadata={"format": "markdown"})


_MD_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_MD_RULE = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_MD_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_MD_ITEM = re.compile(r"( {0,3})(?:[-*+]|\d{1,9}[.)])[ \t]+(?=\S)")
_MD_TABLE_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*$")
_MD_QUOTE = re.compile(r" {0,3}>[ \t]?")
_MD_IMAGE_LINE = re.compile(r"!\[([^\]]*)\]\([^)]*\)$")
# A named or numeric character reference; CommonMark needs the semicolon.
_MD_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MD_EMPHASIS_LINE = re.compile(r"(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1$")


def _markdown_blocks(text: str) -> Iterator[tuple[str, str]]:
    # An HTML comment is no text; its line breaks stay, so the lines around keep their blocks.
    text = _without_comments(text)
    lines = text.split("\n")
    paragraph: list[str] = []
    kind = "paragraph"
    fence: str | None = None
    ordinal = 0

    def flush() -> Iterator[tuple[str, str]]:
        nonlocal paragraph, kind, ordinal
        if paragraph:
            joined = " ".join(line.strip() for line in paragraph)
            block_kind = kind
            if kind == "paragraph" and len(paragraph) == 1:
                block_kind = _markdown_single_line_kind(joined, ordinal)
            yield block_kind, _strip_inline(joined)
            ordinal += 1
        paragraph, kind = [], "paragraph"

    for line in lines:
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        fence_match = _MD_FENCE.match(line)
        if fence_match:
            yield from flush()
            fence = fence_match.group(1)[0] * 3
            continue
        if is_blank(line):
            yield from flush()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            yield from flush()
            yield "heading", _strip_inline(heading.group(2) or "")
            ordinal += 1
            continue
        if paragraph and kind == "paragraph" and _MD_SETEXT.match(line):
            joined = " ".join(part.strip() for part in paragraph)
            paragraph = []
            yield "heading", _strip_inline(joined)
            ordinal += 1
            continue
        if _MD_RULE.match(line) or _MD_TABLE_ROW.match(line):
            yield from flush()  # tables hold data, not prose (as in HTML)
            continue
        quote = _MD_QUOTE.match(line)
        if quote:
            content = line[quote.end() :]
            if kind != "quote":
                yield from flush()
                kind = "quote"
            if is_blank(content):
                yield from flush()
                kind = "quote"
            else:
                paragraph.append(content)
            continue
        item = _MD_ITEM.match(line)
        if item:
            yield from flush()
            kind = "list_item"
            paragraph.append(line[item.end() :])
            continue
        # A paragraph line, or the (indented or lazy) continuation of a quote or item.
        paragraph.append(line)
    yield from flush()


# What the comment scan stops at: a fence opening a line, a run of backticks, a comment.
_MD_CODE_OR_COMMENT = re.compile(r"^(?P<fence> {0,3}(?:`{3,}|~{3,}))|(?P<ticks>`+)|<!--", re.M)
# The line that closes a fence, as ``_markdown_blocks`` sees it.
_MD_FENCE_CLOSE = {
    "`": re.compile(r"^[^\S\n]*```", re.M),
    "~": re.compile(r"^[^\S\n]*~~~", re.M),
}
_MD_TICKS = re.compile(r"`+")
_MD_BLANK_LINE = re.compile(rf"\n(?:[^\S\n]|[{INVISIBLE}])*(?:\n|\Z)")


def _without_comments(text: str) -> str:
    """``text`` with each ``<!-- ... -->`` outside code replaced by its line breaks.

    Fenced code and code spans (closed within their paragraph) are copied as they are:
    a code span holding ``<!--`` is text. Each step searches forward from where the last
    one ended, and a paragraph's backtick runs are listed once: linear time.

    >>> _without_comments("a <!-- x\\ny --> b `<!--` c <!-- open")
    'a \\n b `<!--` c <!-- open'
    """
    parts: list[str] = []
    copied = pos = 0
    paragraph_end = -1
    runs: dict[int, list[int]] = {}  # the paragraph's backtick runs: length -> starts
    while (found := _MD_CODE_OR_COMMENT.search(text, pos)) is not None:
        if found["fence"]:
            line_end = text.find("\n", found.end())
            close = (
                _MD_FENCE_CLOSE[found["fence"].lstrip()[0]].search(text, line_end + 1)
                if line_end >= 0
                else None
            )
            if close is None:
                break  # the fence runs to the end of the text
            after = text.find("\n", close.end())
            pos = len(text) if after < 0 else after
        elif found["ticks"]:
            pos = found.end()
            if found.start() > paragraph_end:
                blank = _MD_BLANK_LINE.search(text, found.start())
                paragraph_end = len(text) if blank is None else blank.start()
                runs = {}
                for run in _MD_TICKS.finditer(text, found.start(), paragraph_end):
                    runs.setdefault(len(run.group()), []).append(run.start())
            # The code span closes at the next run of as many backticks in the paragraph.
            starts = runs.get(len(found["ticks"]), [])
            index = bisect.bisect_right(starts, found.start())
            if index < len(starts):
                pos = starts[index] + len(found["ticks"])  # its content is not scanned
        else:
            close_at = text.find("-->", found.end())
            if close_at < 0:
                break  # unclosed: no later comment can close either
            parts.append(text[copied : found.start()])
            parts.append("\n" * text.count("\n", found.start(), close_at))
            copied = pos = close_at + 3
    parts.append(text[copied:])
    return "".join(parts)


def _markdown_single_line_kind(line: str, ordinal: int) -> str:
    stripped = line.strip()
    image = _MD_IMAGE_LINE.match(stripped)
    if image:
        return "caption"  # the alt text describes the picture
    if _MD_EMPHASIS_LINE.match(stripped) and len(stripped) <= _SHORT:
        return "caption"  # an all-italic short line under a picture
    if ordinal > 0 and _short_unpunctuated(stripped):
        # A line of markup only ("<div align=...>") strips to nothing: no block at all.
        plain = _strip_inline(stripped)
        kind = _classify_short_line(plain, ordinal) if plain else "paragraph"
        if kind == "caption":
            return kind
    return "paragraph"


# Spans are bounded (link text and emphasis at most 500 characters, a URL 2000) and
# classes exclude "<", so a long paragraph of unmatched "[", "**" or "<" costs linear
# time, not quadratic (an 80 KB line took minutes).
_INLINE_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"`+([^`]*?)`+"), r"\1"),
    (re.compile(r"!\[([^\]]{0,500})\]\([^)]{0,2000}\)"), r"\1"),
    (re.compile(r"\[([^\]]{1,500})\]\((?:[^()]|\([^)]{0,2000}\)){0,2000}\)"), r"\1"),
    (re.compile(r"\[([^\]]{1,500})\]\[[^\]]{0,500}\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^<>\s]+)>"), r"\1"),
    (re.compile(r"<([^<>\s@]+@[^<>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),
    (re.compile(r"(?<![\w*\\])\*\*(?=\S)(.{1,500}?)(?<=\S)\*\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_\\])__(?=\S)(.{1,500}?)(?<=\S)__(?![\w_])"), r"\1"),
    (re.compile(r"(?<![\w*\\])\*(?=\S)(.{1,500}?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_\\])_(?=\S)(.{1,500}?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.{1,500}?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),
    (re.compile(r"[ \t]+"), " "),
)


def _strip_inline(text: str) -> str:
    """Remove Markdown inline markup, keeping the words.

    >>> _strip_inline("Un **gran** día en `Miami` ([ver](http://x.es/a_b)) con _snake_case_")
    'Un gran día en Miami (ver) con snake_case'
    """
    import html

    for pattern, replacement in _INLINE_STEPS:
        text = pattern.sub(replacement, text)
    text = _MD_ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return text.strip()


__all__ = ["parse_markdown"]
