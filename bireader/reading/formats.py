"""The one registry of input formats: articles to read and segment, bilingual inputs to
take as they are, and what bireader recognises only to refuse.

Each ``InputFormat`` names itself, the file suffixes that select it, a sniff for inputs
without a known suffix, and how it is parsed. ``open_input`` (in ``bireader.reading``)
walks this table; nothing else decides what an input is. To add a format, write its
parser in a module of this package (or of ``bireader.formats`` for a bilingual one) and
add one entry to ``INPUT_FORMATS``.

>>> [f.name for f in INPUT_FORMATS if f.kind == "article"]
['html', 'markdown', 'text']
>>> format_named("markdown").suffixes, format_for_suffix(".TMX").name
(('.md', '.markdown'), 'tmx')
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bireader.errors import InputError
from bireader.reading.source import Raw, prolog_end

if TYPE_CHECKING:
    from bireader.model import BilingualDocument, Document

Kind = Literal["article", "bilingual", "refused"]


@dataclass(frozen=True, slots=True)
class InputFormat:
    """One kind of input bireader recognises.

    ``kind`` is ``"article"`` (parsed by ``parse``, then segmented and translated),
    ``"bilingual"`` (already translated: ``load`` gives a ``BilingualDocument``, read only)
    or ``"refused"`` (recognised so as to say what it is, never read).
    ``sniff`` tells an input without a known suffix: for articles it sees the first 2 KB,
    lowercased and left-stripped; for the others the whole decoded text.
    ``parse`` and ``load`` are ``"module:function"`` paths, imported when used.
    """

    name: str
    kind: Kind
    description: str
    suffixes: tuple[str, ...] = ()
    sniff: Callable[[str], bool] | None = None
    parse: str | None = None
    load: str | None = None
    hint: str | None = None

    def parser(self) -> Callable[..., Document]:
        """The article parser ``(text, *, lang, name) -> Document`` (unsegmented)."""
        assert self.parse is not None, self.name
        return _resolve(self.parse)  # type: ignore[no-any-return]

    def loader(self) -> Callable[[Raw], BilingualDocument]:
        """The bilingual reader ``(raw) -> BilingualDocument``."""
        assert self.load is not None, self.name
        return _resolve(self.load)  # type: ignore[no-any-return]


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


# --------------------------------------------------------------------------- sniffs

_HTML_TAG = re.compile(r"<(?:body|article|p|h1|div)[\s>]")
_MD_HEADING = re.compile(r"(?m)^#{1,6} \S")
_TMX_ROOT = re.compile(r"<tmx[\s>/]", re.IGNORECASE)
_GENERATOR = re.compile(
    r"""<meta\b[^>]*\bname\s*=\s*["']?generator["']?[^>]*\bcontent\s*=\s*["']?bireader\b"""
    r"""|<meta\b[^>]*\bcontent\s*=\s*["']?bireader\b[^>]*\bname\s*=\s*["']?generator\b""",
    re.IGNORECASE,
)
_ANKI_HEADER = re.compile(r"#separator:tab\n(?:#[a-z ]+:[^\n]*\n)*#columns:")


def _sniff_html(head: str) -> bool:
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(_HTML_TAG.search(head))


def _sniff_markdown(head: str) -> bool:
    return bool(_MD_HEADING.search(head))


def _sniff_tmx(text: str) -> bool:
    return bool(_TMX_ROOT.match(text, prolog_end(text)))


def _sniff_json(text: str) -> bool:
    """Is ``text`` a JSON object with bireader's ``schema`` and ``pairs`` keys?"""
    if not text.lstrip().startswith("{") or '"pairs"' not in text:
        return False
    import json

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "schema" in value and "pairs" in value


def _sniff_page(text: str) -> bool:
    head = text[: prolog_end(text) + 8192]
    return bool(_GENERATOR.search(head))


def _sniff_tsv(text: str) -> bool:
    return bool(_ANKI_HEADER.match(text.lstrip("\ufeff")))


INPUT_FORMATS: tuple[InputFormat, ...] = (
    # Bilingual and refused inputs first: they are recognised whatever else they look like.
    InputFormat(
        "tmx",
        "bilingual",
        "a TMX translation memory",
        suffixes=(".tmx",),
        sniff=_sniff_tmx,
        load="bireader.formats.tmx:load_input",
    ),
    InputFormat(
        "json",
        "bilingual",
        "a bilingual JSON document written by bireader",
        suffixes=(".json",),
        sniff=_sniff_json,
        load="bireader.formats.json:load_input",
    ),
    InputFormat(
        "page",
        "refused",
        "a bilingual reader page written by bireader",
        sniff=_sniff_page,
        hint="export again from the article, or from the .json or .tmx written beside the page",
    ),
    InputFormat(
        "anki-tsv",
        "refused",
        "a TSV of sentence pairs (Anki's header lines), as bireader writes",
        sniff=_sniff_tsv,
        hint="export again from the article, or from the .json or .tmx written beside it",
    ),
    # Articles, in sniffing order: text takes whatever the others do not.
    InputFormat(
        "html",
        "article",
        "an HTML page",
        suffixes=(".html", ".htm", ".xhtml"),
        sniff=_sniff_html,
        parse="bireader.reading.html:parse_html",
    ),
    InputFormat(
        "markdown",
        "article",
        "a Markdown document",
        suffixes=(".md", ".markdown"),
        sniff=_sniff_markdown,
        parse="bireader.reading.markdown:parse_markdown",
    ),
    InputFormat(
        "text",
        "article",
        "plain text",
        suffixes=(".txt", ".text"),
        parse="bireader.reading.plain:parse_text",
    ),
)
"""Every input format, in the order sniffing tries them."""

UNSUPPORTED_SUFFIXES = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".xlsx", ".zip"}
)
"""Suffixes of documents bireader cannot read (refused before reading them)."""

ARTICLE_FORMATS: tuple[str, ...] = tuple(f.name for f in INPUT_FORMATS if f.kind == "article")
"""The names ``format=`` and ``--input-format`` accept."""


def format_named(name: str) -> InputFormat:
    """The format called ``name``; ``InputError`` if none."""
    for fmt in INPUT_FORMATS:
        if name == fmt.name:
            return fmt
    raise InputError(f"unknown format {name!r}; choose one of {', '.join(ARTICLE_FORMATS)}")


def format_for_suffix(suffix: str) -> InputFormat | None:
    """The format a file suffix selects, if any."""
    suffix = suffix.lower()
    return next((fmt for fmt in INPUT_FORMATS if suffix in fmt.suffixes), None)


def sniff_article(raw: Raw) -> InputFormat:
    """The article format of ``raw`` from its first 2 KB (``text`` when nothing matches)."""
    data = raw.data or ""
    head = data[:2048]
    sample = head.decode("latin-1") if isinstance(head, bytes) else head
    sample = sample.lstrip("\ufeff \t\r\n").lower()
    for fmt in INPUT_FORMATS:
        if fmt.kind == "article" and (fmt.sniff is None or fmt.sniff(sample)):
            return fmt
    raise AssertionError("the text format takes any input")


def sniff_translated(text: str) -> InputFormat | None:
    """The bilingual or refused format ``text`` is (decoded, normalized), if any."""
    for fmt in INPUT_FORMATS:
        if fmt.kind != "article" and fmt.sniff is not None and fmt.sniff(text):
            return fmt
    return None


def deferred_suffixes() -> frozenset[str]:
    """Suffixes of the formats read from the file itself (streamed), not loaded first."""
    return frozenset(s for fmt in INPUT_FORMATS if fmt.kind == "bilingual" for s in fmt.suffixes)


__all__ = [
    "ARTICLE_FORMATS",
    "INPUT_FORMATS",
    "UNSUPPORTED_SUFFIXES",
    "InputFormat",
    "deferred_suffixes",
    "format_for_suffix",
    "format_named",
    "sniff_article",
    "sniff_translated",
]
