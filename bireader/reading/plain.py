"""Plain text -> Document: blocks from blank lines and layout (see ``docs/reading.md``).

``Document.text`` is the input itself; the newlines inside a wrapped paragraph become
spaces (same length), so every offset into the input holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bireader.model import Block, Document, block_kind
from bireader.reading.blocks import is_blank, trim


def parse_text(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Plain text -> Document with blocks but no sentences (see ``docs/reading.md``).

    >>> doc = parse_text("Título del artículo\\n\\nUn párrafo.\\n\\nSteve Witkoff\\n\\nOtro.")
    >>> [b.kind for b in doc.blocks], doc.title
    (['heading', 'paragraph', 'caption', 'paragraph'], 'Título del artículo')
    """
    chars = list(text)
    blocks: list[Block] = []
    metadata: dict[str, str] = {"format": "text"}
    for kind, start, end in _text_blocks(text):
        for pos in range(start, end):
            # A wrapped paragraph is one block; the segmenter ends a sentence at
            # every newline, so inner newlines become spaces (same length).
            if chars[pos] == "\n":
                chars[pos] = " "
        if kind in ("byline", "dateline"):
            metadata.setdefault(kind, text[start:end])
            kind = "paragraph"
        blocks.append(Block(block_kind(kind), start, end))
    body = "".join(chars)
    # Only a heading that opens the text is its title; later ones are subheadings.
    title = (
        body[blocks[0].start : blocks[0].end] if blocks and blocks[0].kind == "heading" else None
    )
    return Document(
        text=body, blocks=tuple(blocks), lang=lang, title=title, source=name, metadata=metadata
    )


_BLANK = re.compile(r"[^\S\n]*")  # whitespace-only (NBSP included: str.isspace)
_BULLET = re.compile(r"[ \t]*[-•*·▪–—][ \t\u00a0]+(?=\S)")
_NUMBERED = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[a-z]\))[ \t\u00a0]+(?=\S)")
_DASH = re.compile(r"[ \t]*—")
_FINAL_PUNCT = ".!?…:;,"
_CLOSERS = "\"'»”’)]"
_SHORT = 160
_WRAP_WIDTH = 100  # lines of hard-wrapped text are at most this long
# A credit: a keyword closed by ":", ")" or "/" ("Foto: EFE", "(Archivo)"), "(Foto",
# or an agency's name; a bare "imagen" or "archivo" may be a headline's word.
_CREDIT = re.compile(
    r"(?i:\b(?:foto(?:grafía)?s?|imagen|ilustración|vídeo|video|infografía|archivo|cedida"
    r"|captura)\s*[:)/]|\((?:foto|imagen|archivo)\b)"
    r"|\b(?:EFE|Reuters|AFP|AP|Europa Press|Getty Images|Agencias)\b"
)
_NAME_START = re.compile(
    r"[A-ZÁÉÍÓÚÑ][a-záéíóúüñ][\w'’-]*"
    r"(?:\s+(?:de(?:l| la)?\s+)?[A-ZÁÉÍÓÚÑ][a-záéíóúüñ][\w'’-]*)+(?:,|$)"
)
_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    "|noviembre|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sep|sept|oct|nov|dic"
)
# A dateline: a place (capitalized words, "de"/"del"/"de la" between, a province in
# brackets), a comma, a date (day and month, a year; or digits), an agency in brackets:
# "Sevilla, 14 de marzo (EFE)", "SAN SEBASTIÁN (Guipúzcoa), 3 mar. 2026 (Europa Press)".
_DATELINE = re.compile(
    r"[A-ZÁÉÍÓÚÑ][\w'’.-]*(?:\s+(?:(?:de|del|de la|de los|de las)\s+)?[A-ZÁÉÍÓÚÑ][\w'’.-]*)*"
    r"(?:\s*\([^()]{1,40}\))?"
    rf",\s+(?:\d{{1,2}}\s+(?:de\s+)?(?i:{_MONTHS})\.?(?:\s+(?:de\s+)?\d{{4}})?"
    r"|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:\s*\([^()]{1,40}\))?[\s.:—–-]*$"
)
_BYLINE = re.compile(r"(?:Por|By|Texto:|Redacción)\s+(?!qu[ée]\b)[A-ZÁÉÍÓÚÑ]|Redacción\b")
_FUNCTION_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "lo",
        "un",
        "una",
        "unos",
        "unas",
        "al",
        "del",
        "de",
        "en",
        "y",
        "e",
        "o",
        "u",
        "a",
        "ante",
        "bajo",
        "con",
        "contra",
        "desde",
        "hacia",
        "hasta",
        "para",
        "por",
        "según",
        "sin",
        "sobre",
        "tras",
        "que",
        "se",
        "su",
        "sus",
        "mi",
        "tu",
        "este",
        "esta",
        "estos",
        "estas",
        "ese",
        "esa",
        "como",
        "cuando",
        "donde",
        "qué",
        "por",
    ]
)
_CONNECTOR_END = re.compile(
    r"\b(?:de|del|en|y|e|o|u|a|al|el|la|los|las|un|una|que|con|por|para|se|su|sus)$",
    re.IGNORECASE,
)


def _unpunctuated(line: str) -> bool:
    core = line.strip().rstrip(_CLOSERS).rstrip()
    return bool(core) and core[-1] not in _FINAL_PUNCT


def _short_unpunctuated(line: str) -> bool:
    return len(line.strip()) <= _SHORT and _unpunctuated(line)


def _list_marker(line: str) -> re.Match[str] | None:
    return _BULLET.match(line) or _NUMBERED.match(line)


def _line_kind(line: str) -> str | None:
    """``list_item``/``dialogue`` for a line that always stands alone, else None."""
    if _list_marker(line):
        return "list_item"
    if _DASH.match(line):
        after = line.lstrip()[1:]
        # Spanish dialogue attaches the raya to the word (—Sí.); a list puts a space.
        return "list_item" if after[:1].isspace() else "dialogue"
    return None


def _ends_alone(lines: Sequence[str], index: int, width: int) -> bool:
    """Does a line inside a chunk stand alone (heading, caption, byline)?

    It must be short and unpunctuated, not a wrapped line: the previous line
    ended a sentence, the next one starts a new one, it does not end with a
    connector (``de``, ``y``...), and it is clearly shorter than the chunk's
    longest line (the lines of a hard-wrapped paragraph are all about as long).
    """
    line = lines[index].strip()
    if not _short_unpunctuated(line) or _CONNECTOR_END.search(line):
        return False
    if index > 0 and _unpunctuated(lines[index - 1]) and _line_kind(lines[index - 1]) is None:
        previous = lines[index - 1].strip()
        if not _short_unpunctuated(previous) or len(previous) >= 0.75 * width:
            return False
    if index + 1 < len(lines) and lines[index + 1].lstrip()[:1].islower():
        return False
    return len(lines) == 1 or index == len(lines) - 1 or len(line) < 0.75 * width


def _ends_paragraph(lines: Sequence[str], index: int, width: int) -> bool:
    """Does a line ending a sentence also end its paragraph (no blank line follows)?

    Yes when the next line starts a new sentence and either the lines are long
    (one paragraph per line, as copied from web pages) or this line is clearly
    shorter than the others (the last line of a hard-wrapped paragraph).
    """
    if index + 1 >= len(lines):
        return False
    core = lines[index].strip().rstrip(_CLOSERS)
    if not core or core[-1] not in ".!?…":
        return False
    if lines[index + 1].lstrip()[:1].islower():
        return False
    return width > _WRAP_WIDTH or len(lines[index].strip()) < 0.75 * width


def _text_blocks(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` of each plain-text block, whitespace trimmed."""
    ordinal = 0
    for chunk in _chunks(text):
        lines = [text[s:e] for s, e in chunk]
        width = max(len(line.strip()) for line in lines)
        groups: list[tuple[str, int, int]] = []
        paragraph: tuple[int, int] | None = None
        for index, (start, end) in enumerate(chunk):
            line = lines[index]
            kind = _line_kind(line)
            if (
                kind is None
                and paragraph is None
                and line[:1] in " \t"
                and groups
                and groups[-1][0] in ("list_item", "dialogue")
            ):
                # An indented continuation of the previous item.
                groups[-1] = (groups[-1][0], groups[-1][1], end)
                continue
            if kind is not None or _ends_alone(lines, index, width):
                if paragraph is not None:
                    groups.append(("paragraph", *paragraph))
                    paragraph = None
                marker = _BULLET.match(line) if kind == "list_item" else None
                groups.append((kind or "standalone", start + (marker.end() if marker else 0), end))
            else:
                paragraph = (start, end) if paragraph is None else (paragraph[0], end)
                if _ends_paragraph(lines, index, width):
                    groups.append(("paragraph", *paragraph))
                    paragraph = None
        if paragraph is not None:
            groups.append(("paragraph", *paragraph))
        for kind, start, end in groups:
            start, end = trim(text, start, end)
            if start >= end:
                continue
            if kind == "standalone":
                kind = _classify_short_line(text[start:end], ordinal)
            elif kind == "dialogue":
                kind = "paragraph"
            yield kind, start, end
            ordinal += 1


def _chunks(text: str) -> Iterator[list[tuple[int, int]]]:
    """Runs of non-blank lines, each line as ``(start, end)``."""
    chunk: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if is_blank(line):
            if chunk:
                yield chunk
            chunk = []
        else:
            chunk.append((pos, end))
        pos = end + 1
    if chunk:
        yield chunk


def _classify_short_line(line: str, ordinal: int) -> str:
    """Heading, caption, byline or dateline for a short line without final punctuation."""
    if _BYLINE.match(line):
        return "byline"
    if _DATELINE.match(line):
        return "dateline"  # before the credit test: "(EFE)" here names the agency
    if ordinal == 0:
        return "heading"
    if _CREDIT.search(line):
        return "caption"
    words = line.split(maxsplit=1)
    if not words:
        return "heading"
    if words[0].lower() not in _FUNCTION_WORDS and _NAME_START.match(line):
        return "caption"
    return "heading"


__all__ = ["parse_text"]
