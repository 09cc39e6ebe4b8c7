"""Inputs -> ``Document`` (articles) or ``BilingualDocument`` (inputs already translated).

One module per job: ``source`` loads, caps, decodes and normalizes; ``formats`` is the
registry of input formats (name, suffixes, sniff, parser); ``plain``, ``markdown`` and
``html`` parse articles; ``blocks`` holds what the parsers share.

``Document.text`` is the *normalized extracted text*: for plain text it is the
input itself (decoded, NFC, LF line ends, control characters removed, lines of
a wrapped paragraph joined by a space of the same length); for Markdown and
HTML it is the text of the blocks joined by blank lines, markup removed. Every
offset (blocks and sentences) slices ``Document.text``.

>>> doc = read("Hola, Sr. Pérez.\\n\\n- Uno\\n- Dos")
>>> [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks]
[('paragraph', 'Hola, Sr. Pérez.'), ('list_item', 'Uno'), ('list_item', 'Dos')]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bireader.errors import InputError
from bireader.model import BilingualDocument, Document
from bireader.reading.blocks import is_blank
from bireader.reading.formats import (
    ARTICLE_FORMATS,
    INPUT_FORMATS,
    UNSUPPORTED_SUFFIXES,
    InputFormat,
    deferred_suffixes,
    format_for_suffix,
    format_named,
    sniff_article,
    sniff_translated,
)
from bireader.reading.source import (
    MAX_BILINGUAL_BYTES,
    MAX_INPUT_BYTES,
    Raw,
    Source,
    load,
    text_of,
)
from bireader.segment import segment_document

if TYPE_CHECKING:
    from collections.abc import Callable

@dataclass(frozen=True, slots=True)
class _Identified:
    format: InputFormat
    raw: Raw
    text: str | None  # decoded and normalized; None for a bilingual file left on disk


def _identify(source: Source, format: str | None) -> _Identified:
    chosen = format_named(format) if format is not None else None
    if chosen is not None and chosen.kind != "article":
        raise InputError(f"unknown format {format!r}; choose one of {', '.join(ARTICLE_FORMATS)}")
    raw = load(source, defer=deferred_suffixes())
    if raw.path is not None and raw.suffix in UNSUPPORTED_SUFFIXES:
        raise InputError(
            f"{raw.name}: cannot read {raw.suffix} files; bireader reads .txt, .md and .html"
        )
    by_suffix = format_for_suffix(raw.suffix) if raw.path is not None else None
    if by_suffix is not None and by_suffix.kind != "article":
        # Recognised whatever format= says: a memory is never an article.
        return _Identified(by_suffix, raw, None)
    if chosen is None:
        chosen = by_suffix or format_for_suffix(raw.suffix) or sniff_article(raw)
        if chosen.kind != "article":
            chosen = sniff_article(raw)
    text = text_of(raw, html=chosen.name == "html")
    if is_blank(text):
        raise InputError(f"{raw.name}: input is empty")
    translated = sniff_translated(text)
    return _Identified(translated or chosen, raw, text)


def _not_an_article(found: _Identified) -> InputError:
    fmt, raw = found.format, found.raw
    if fmt.kind == "refused":
        return InputError(f"{raw.name}: {fmt.description}, not an article; {fmt.hint}")
    if raw.path is not None or raw.name == "<stdin>":
        run = f"run `bireader export {raw.name if raw.path is not None else '-'} -o OUT.html`"
    else:
        suffix = fmt.suffixes[0] if fmt.suffixes else ""
        run = f"save it as FILE{suffix} and run `bireader export FILE{suffix} -o OUT.html`"
    return InputError(f"{raw.name}: {fmt.description}, not an article; to convert it, {run}")


def _load_bilingual(found: _Identified) -> BilingualDocument:
    # The loaders cap a file's size themselves (MAX_BILINGUAL_BYTES).
    return found.format.loader()(found.raw)


def _article(found: _Identified, lang: str) -> Document:
    assert found.text is not None
    name = found.raw.name
    document = segment_document(found.format.parser()(found.text, lang=lang, name=name))
    blocks = tuple(block for block in document.blocks if block.sentences)
    if not blocks:
        raise InputError(f"{name}: no readable text found ({found.format.name})")
    if len(blocks) < len(document.blocks):
        # The parsers trim what the segmenter trims, so this is a safety net only.
        document = replace(document, blocks=blocks)
    return document


def read(source: Source, *, format: str | None = None, lang: str = "es") -> Document:
    """Read a path, ``"-"`` (stdin), a file object, bytes or a text string into a Document.

    A ``str`` is a path when such a file exists; a single short line that looks
    like a path (``*.txt``, ``*.md``, ``*.html``, ``dir/name``) but does not
    exist raises ``InputError``; any other ``str`` is the text itself.
    ``format`` is ``"text"``, ``"markdown"`` or ``"html"`` (default: from the
    file suffix, else sniffed). The result is segmented into sentences. An input that
    is already bilingual (TMX, bireader's JSON, page or TSV) is refused with a hint.

    >>> [s.text for s in read("¿Vienes? sí. Vale.").sentences()]
    ['¿Vienes? sí.', 'Vale.']
    """
    found = _identify(source, format)
    if found.format.kind != "article":
        raise _not_an_article(found)
    return _article(found, lang)


def open_input(
    source: Source, *, format: str | None = None, lang: str = "es"
) -> Document | BilingualDocument:
    """Read any input bireader takes: an article (as ``read`` does: a segmented
    ``Document``) or an input already translated, TMX or bireader's JSON, read back as
    a ``BilingualDocument`` (its pairs are used as they are).

    ``format`` chooses the article parser only: a TMX or bireader JSON input is
    recognised by its suffix or content whatever it says. bireader's own page and TSV
    are refused with a hint (they do not hold what is needed to read them back).

    >>> type(open_input("Hola.")).__name__
    'Document'
    """
    found = _identify(source, format)
    if found.format.kind == "article":
        return _article(found, lang)
    if found.format.kind == "refused":
        raise _not_an_article(found)
    return _load_bilingual(found)


def _parser(name: str) -> Callable[..., Document]:
    return format_named(name).parser()


def parse_text(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Plain text -> Document with blocks but no sentences (``bireader.reading.plain``)."""
    return _parser("text")(text, lang=lang, name=name)


def parse_markdown(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Markdown -> Document with blocks but no sentences (``bireader.reading.markdown``)."""
    return _parser("markdown")(text, lang=lang, name=name)


def parse_html(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """HTML -> Document with blocks but no sentences (``bireader.reading.html``)."""
    return _parser("html")(text, lang=lang, name=name)


FORMATS: tuple[str, ...] = ARTICLE_FORMATS
"""The article format names ``format=`` and ``--input-format`` accept."""

SUFFIXES: dict[str, str] = {
    suffix: fmt.name for fmt in INPUT_FORMATS if fmt.kind == "article" for suffix in fmt.suffixes
}
"""File suffix -> article format name; other suffixes are sniffed from the content."""

__all__ = [
    "FORMATS",
    "INPUT_FORMATS",
    "MAX_BILINGUAL_BYTES",
    "MAX_INPUT_BYTES",
    "SUFFIXES",
    "InputFormat",
    "Source",
    "open_input",
    "parse_html",
    "parse_markdown",
    "parse_text",
    "read",
]
