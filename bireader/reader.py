"""Files and strings -> segmented ``Document`` (plain text, Markdown, HTML).

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

import bisect
import codecs
import functools
import logging
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bireader.errors import InputError
from bireader.model import Block, Document, block_kind
from bireader.segment import segment_document

if TYPE_CHECKING:
    from lxml.html import HtmlElement

log = logging.getLogger("bireader")

Source = str | bytes | os.PathLike[str] | IO[str] | IO[bytes]

SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
"""File suffix -> format name; other suffixes are sniffed from the content."""

_UNSUPPORTED = {".tmx", ".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".xlsx", ".zip"}
_PATHLIKE_SUFFIX = re.compile(
    r"\.(?:txt|text|md|markdown|html?|xhtml|tmx|pdf|docx?|odt|rtf|epub)$", re.IGNORECASE
)
_MAX_PATH = 1024
MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest input ``read`` takes (64 MiB; an article is far smaller).

Files and streams are read in chunks: a longer one (``/dev/zero``, a log) raises
``InputError`` as soon as it passes the limit, and one whose first chunk is binary
(a NUL byte outside UTF-16 text, a known magic number) is refused before more is read.
"""
_CHUNK = 1024 * 1024
# The root element of a TMX document, where its prolog ends (see ``_prolog_end``).
_TMX_ROOT = re.compile(r"<tmx[\s>/]", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")
_DOCTYPE_STOP = re.compile(r"[>\[]")
_SUBSET_END = re.compile(r"\]\s*>")


def _prolog_end(text: str) -> int:
    """Where the XML prolog opening ``text`` ends: whitespace, the declaration, comments,
    processing instructions and a DOCTYPE (with its internal subset) skipped.

    Each construct's end is found by one forward search and the scan stops at the first
    thing that is not one (or is unclosed): linear time on any input, where a regex
    repeating ``<!--.*?-->`` backtracked exponentially over a run of comments.

    >>> text = '<?xml version="1.0"?>\\n<!-- a --><!DOCTYPE x [<!ENTITY e "]">]> <x/>'
    >>> text[_prolog_end(text) :]
    '<x/>'
    """
    pos = 0
    while True:
        found = _NON_SPACE.search(text, pos)
        if found is None:
            return len(text)
        pos = found.start()
        end = -1
        if text.startswith("<!--", pos):
            if (close := text.find("-->", pos + 4)) >= 0:
                end = close + 3
        elif text.startswith("<?", pos):
            if (close := text.find("?>", pos + 2)) >= 0:
                end = close + 2
        elif text[pos : pos + 9].lower() == "<!doctype":
            stop = _DOCTYPE_STOP.search(text, pos + 9)
            if stop is not None and stop.group() == ">":
                end = stop.end()
            elif stop is not None and (subset := _SUBSET_END.search(text, stop.end())):
                end = subset.end()
        if end < 0:
            return pos
        pos = end


def _is_bilingual_json(text: str) -> bool:
    """Is ``text`` a JSON object with bireader's ``schema`` and ``pairs`` keys?"""
    if not text.lstrip().startswith("{") or '"pairs"' not in text:
        return False
    import json

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "schema" in value and "pairs" in value


def _tmx_refusal(name: str, path: str = "FILE.tmx") -> InputError:
    saved = "" if path != "FILE.tmx" else "save it as FILE.tmx and "
    return InputError(
        f"{name}: a TMX translation memory, not an article; to convert it, "
        f"{saved}run `bireader export {path} -o OUT.html`"
    )


# --------------------------------------------------------------------------- public API


def read(source: Source, *, format: str | None = None, lang: str = "es") -> Document:
    """Read a path, ``"-"`` (stdin), a file object, bytes or a text string into a Document.

    A ``str`` is a path when such a file exists; a single short line that looks
    like a path (``*.txt``, ``*.md``, ``*.html``, ``dir/name``) but does not
    exist raises ``InputError``; any other ``str`` is the text itself.
    ``format`` is ``"text"``, ``"markdown"`` or ``"html"`` (default: from the
    file suffix, else sniffed). The result is segmented into sentences.

    >>> [s.text for s in read("¿Vienes? sí. Vale.").sentences()]
    ['¿Vienes? sí.', 'Vale.']
    """
    if format is not None and format not in FORMATS:
        raise InputError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    raw = _load(source)
    fmt = format or _format_for(raw)
    if fmt == "html" and isinstance(raw.data, bytes):
        text = _normalize(_decode(raw.data, raw.name, declared=_meta_charset(raw.data)))
    elif isinstance(raw.data, bytes):
        text = _normalize(_decode(raw.data, raw.name))
    else:
        text = _normalize(raw.data)
    if _is_blank(text):
        raise InputError(f"{raw.name}: input is empty")
    if _TMX_ROOT.match(text, _prolog_end(text)):
        raise _tmx_refusal(raw.name)
    if _is_bilingual_json(text):
        raise InputError(
            f"{raw.name}: a bilingual JSON document written by bireader, not an article; "
            "to convert it, save it as FILE.json and run `bireader export FILE.json -o OUT.html`"
        )
    document = segment_document(FORMATS[fmt](text, lang=lang, name=raw.name))
    blocks = tuple(block for block in document.blocks if block.sentences)
    if not blocks:
        raise InputError(f"{raw.name}: no readable text found ({fmt})")
    if len(blocks) < len(document.blocks):
        # The parsers trim what the segmenter trims, so this is a safety net only.
        document = replace(document, blocks=blocks)
    return document


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
        if kind == "byline":
            metadata.setdefault("byline", text[start:end])
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


def parse_markdown(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """Markdown -> Document; inline markup is stripped, blocks joined by blank lines.

    >>> doc = parse_markdown("# Hola\\n\\nUn **gran** [día](http://x.es).\\n\\n> Cita.")
    >>> doc.text, [b.kind for b in doc.blocks], doc.title
    ('Hola\\n\\nUn gran día.\\n\\nCita.', ['heading', 'paragraph', 'quote'], 'Hola')
    """
    pieces = list(_markdown_blocks(text))
    return _assemble(pieces, lang=lang, name=name, metadata={"format": "markdown"})


def parse_html(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """HTML -> Document from the article's headings, paragraphs, lists, captions, quotes.

    >>> doc = parse_html("<nav>Menú</nav><article><h1>Hola</h1><p>Un <b>día</b>.</p></article>")
    >>> doc.text, doc.title
    ('Hola\\n\\nUn día.', 'Hola')
    """
    import lxml.html
    from lxml import etree

    # No network, no DTD, no entity expansion beyond HTML's own; text only.
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    # The prolog is no text; lxml would show a DOCTYPE's internal subset as "]>".
    text = text[_prolog_end(text) :]
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name or '<html>'}: cannot parse HTML: {exc}") from exc
    metadata = {"format": "html"}
    author = root.xpath("string(//meta[@name='author']/@content)")
    if isinstance(author, str) and author.strip():
        metadata["author"] = _collapse(author)
    html_lang = root.get("lang")
    if html_lang:
        metadata["html_lang"] = html_lang.strip()
    container = _html_container(root)
    pieces = list(_html_blocks(container))
    document = _assemble(pieces, lang=lang, name=name, metadata=metadata)
    title = _html_title(root, container)
    if title is not None and title != document.title:
        document = replace(document, title=title)
    return document


def _html_title(root: HtmlElement, container: HtmlElement) -> str | None:
    """The article's first ``<h1>``, else ``<head><title>``, else None (first heading)."""
    for h1 in container.iter("h1"):
        text = _html_text(h1).replace("\n", " ")
        if text and not any(_tag(a) in _DROP for a in h1.iterancestors()):
            return text
    found = root.xpath("string(//head/title)")
    head_title = _collapse(found) if isinstance(found, str) else ""
    return head_title or None


FORMATS: dict[str, Callable[..., Document]] = {
    "text": parse_text,
    "markdown": parse_markdown,
    "html": parse_html,
}
"""Format name -> parser ``(text, *, lang, name) -> Document`` (unsegmented)."""


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _Raw:
    data: str | bytes
    name: str
    suffix: str


def _load(source: Source) -> _Raw:
    if isinstance(source, bytes):
        return _Raw(_capped(source, "<bytes>"), "<bytes>", "")
    if isinstance(source, os.PathLike):
        return _read_path(Path(os.fspath(source)))
    if isinstance(source, str):
        if source == "-":
            return _read_stdin()
        path = _as_existing_path(source)
        if path is not None:
            return _read_path(path)
        if _looks_like_path(source):
            if re.match(r"(?i)^[a-z][a-z0-9+.-]*://", source):
                raise InputError(
                    f"{source}: no such file (bireader works offline and does not fetch URLs; "
                    "save the page and pass the file)"
                )
            raise InputError(f"{source}: no such file")
        return _Raw(_capped(source, "<string>"), "<string>", "")
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        label = name if isinstance(name, str) else "<stream>"
        try:
            data = _read_capped(source, label)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{label}: cannot read: {exc}") from exc
        return _Raw(data, label, Path(label).suffix.lower() if name else "")
    raise InputError(f"cannot read a {type(source).__name__}; pass a path, a str or a file")


def _as_existing_path(source: str) -> Path | None:
    if not source.strip() or "\n" in source or "\0" in source or len(source) > _MAX_PATH:
        return None
    try:
        # "~user" names a home directory; an unknown user, or a name the file
        # system cannot encode, is text rather than a path.
        path = Path(source).expanduser()
        return path if path.exists() else None
    except (OSError, ValueError, RuntimeError, KeyError):
        return None


def _looks_like_path(source: str) -> bool:
    """A single short line naming a file, not a sentence of text."""
    if "\n" in source or len(source) > 260 or not source.strip() or re.search(r"[<>]", source):
        return False
    candidate = source.strip()
    if _PATHLIKE_SUFFIX.search(candidate):
        return True
    return bool(re.search(r"[/\\]", candidate)) and not re.search(r"\s", candidate)


def _read_path(path: Path) -> _Raw:
    name = str(path)
    try:
        with path.open("rb") as stream:
            data = _read_capped(stream, name)
    except FileNotFoundError as exc:
        raise InputError(f"{name}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{name}: is a directory, not a file") from exc
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        raise _tmx_refusal(name, name)
    if suffix in _UNSUPPORTED:
        raise InputError(f"{name}: cannot read {suffix} files; bireader reads .txt, .md and .html")
    return _Raw(data, name, suffix)


def _read_stdin() -> _Raw:
    stream: Any = sys.stdin
    if stream is None:
        raise InputError("<stdin>: no standard input")
    try:
        buffer = getattr(stream, "buffer", None)
        data = _read_capped(buffer if buffer is not None else stream, "<stdin>")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"<stdin>: cannot read: {exc}") from exc
    return _Raw(data, "<stdin>", "")


def _too_large(name: str) -> InputError:
    return InputError(
        f"{name}: input is larger than {MAX_INPUT_BYTES // 2**20} MiB "
        "(bireader.reader.MAX_INPUT_BYTES); bireader reads articles"
    )


def _capped(data: str | bytes, name: str) -> Any:
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(name)
    return data


def _read_capped(stream: Any, name: str) -> str | bytes:
    """All of ``stream``, read in chunks; stops early on binary or oversized input."""
    chunks: list[Any] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not isinstance(chunk, str | bytes):
            raise InputError(f"{name}: read() returned {type(chunk).__name__}, not text")
        if not chunk:
            return chunk[:0].join(chunks)
        if not chunks and isinstance(chunk, bytes) and _binary_head(chunk):
            raise InputError(f"{name}: binary file, not text")
        size += len(chunk)
        if size > MAX_INPUT_BYTES:
            raise _too_large(name)
        chunks.append(chunk)


def _binary_head(head: bytes) -> bool:
    """Whether the first chunk read is plainly not text: a magic number, or NULs outside UTF-16."""
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return False
    if head.startswith(_MAGIC):
        return True
    if b"\0" not in head:
        return False
    sample = head[: min(len(head), 65536) // 2 * 2]
    for codec, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros and zeros.count(0) >= 0.9 * len(zeros):
            return bool(_BINARY_TEXT.search(sample.decode(codec, errors="replace")))
    return True


def _format_for(raw: _Raw) -> str:
    if raw.suffix in SUFFIXES:
        return SUFFIXES[raw.suffix]
    head = raw.data[:2048]
    sample = head.decode("latin-1") if isinstance(head, bytes) else head
    sample = sample.lstrip("\ufeff \t\r\n").lower()
    if sample.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(?:body|article|p|h1|div)[\s>]", sample
    ):
        return "html"
    if re.search(r"(?m)^#{1,6} \S", sample):
        return "markdown"
    return "text"


# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\x7fELF")
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE
)
_BINARY_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f]")
# WHATWG: these labels all mean windows-1252 in HTML.
_AS_CP1252 = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "us-ascii",
    "ascii",
    "l1",
    "x-user-defined",
}
# WHATWG "prescan": a <meta> can never select UTF-16 (the bytes that declared it were
# read as ASCII, so they are not UTF-16); its labels mean UTF-8. Only a BOM selects UTF-16.
_AS_UTF8 = {
    "utf-16",
    "utf-16le",
    "utf-16be",
    "utf-16-le",
    "utf-16-be",
    "utf16",
    "ucs-2",
    "unicode",
    "unicodefeff",
    "unicodefffe",
    "csunicode",
    "iso-10646-ucs-2",
}


# The encodings of the WHATWG Encoding Standard that Python has. A page may declare
# only these: Python's other codecs (unicode_escape, utf-7, rot13, undefined...) are
# transformations no browser applies, and some raise on any input.
_WEB_ENCODINGS = (
    "utf-8 ibm866 iso-8859-2 iso-8859-3 iso-8859-4 iso-8859-5 iso-8859-6 iso-8859-7 "
    "iso-8859-8 iso-8859-10 iso-8859-13 iso-8859-14 iso-8859-15 iso-8859-16 koi8-r koi8-u "
    "mac-roman mac-cyrillic cp874 cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 "
    "cp1257 cp1258 gbk gb18030 big5 big5hkscs euc-jp iso-2022-jp shift-jis cp932 euc-kr cp949"
)


@functools.cache
def _web_codecs() -> frozenset[str]:
    return frozenset(codecs.lookup(label).name for label in _WEB_ENCODINGS.split())


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte is NUL (ASCII-heavy UTF-16), else None."""
    sample = data[:4096]
    if len(data) % 2 or len(sample) < 4:
        return None
    for codec, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec if not _BINARY_TEXT.search(text) else None
    return None


def _decode(data: bytes, name: str, *, declared: str | None = None) -> str:
    """Bytes -> str: BOM, then a declared charset (HTML), then UTF-8, then Windows-1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: invalid {codec} text: {exc.reason}") from exc
    if data.startswith(_MAGIC):
        raise InputError(f"{name}: binary file, not text")
    if b"\0" in data[:65536]:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise InputError(f"{name}: binary file, not text")
        log.warning("%s: UTF-16 without a byte-order mark; decoded as %s", name, utf16)
        return data.decode(utf16)
    sample = data[:65536]
    if len(_BINARY_BYTES.findall(sample)) > max(2, len(sample) // 100):
        raise InputError(f"{name}: binary file, not text")
    if declared:
        codec = "cp1252" if declared in _AS_CP1252 else declared
        codec = "utf-8" if declared in _AS_UTF8 else codec
        try:
            if codecs.lookup(codec).name not in _web_codecs():
                raise LookupError(codec)
            return data.decode(codec)
        except LookupError:
            log.warning("%s: unknown declared charset %r; detecting", name, declared)
        except UnicodeError:
            log.warning("%s: text does not match declared charset %r; detecting", name, declared)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        codec = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        codec = "Latin-1"
    log.warning("%s: not valid UTF-8; decoded as %s", name, codec)
    return text


# What XML forbids (``bireader.text.XML_FORBIDDEN``: C0 controls but tab, LF and CR, lone
# surrogates, U+FFFE, U+FFFF), and DEL and the C1 controls (CR is already a line end
# here). One positive class: a quarter of the cost of the negated class + alternation
# (tests check that the two agree on every code point).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _normalize(text: str) -> str:
    """LF line ends, no BOM, no control characters but tab/newline, NFC.

    Unicode's other line and paragraph breaks (NEL, LS, PS) are line ends too, so the
    text on either side of them stays apart; a vertical tab or form feed is removed.

    >>> _normalize("Cafe\\u0301\\r\\nS\\x07i\\r")
    'Café\\nSi\\n'
    >>> _normalize("Uno.\\x85Dos.\\u2029Tres.")
    'Uno.\\nDos.\\nTres.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = text.translate(_LINE_BREAKS)
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


_LINE_BREAKS = str.maketrans(dict.fromkeys("\x85\u2028\u2029", "\n"))


# --------------------------------------------------------------------------- plain text

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


# Invisible format characters that web copy-paste leaves on otherwise empty lines (soft
# hyphen, zero-width space, non-joiner, joiner, word joiner, BOM): the segmenter trims
# them like whitespace (``bireader.segment._INVISIBLE``), so a line of them is blank.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def _is_space(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE


def _is_blank(line: str) -> bool:
    return all(_is_space(char) for char in line)


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
            start, end = _trim(text, start, end)
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
        if _is_blank(line):
            if chunk:
                yield chunk
            chunk = []
        else:
            chunk.append((pos, end))
        pos = end + 1
    if chunk:
        yield chunk


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return start, end


def _classify_short_line(line: str, ordinal: int) -> str:
    """Heading, caption or byline for a short line without final punctuation."""
    if _BYLINE.match(line):
        return "byline"
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


# --------------------------------------------------------------------------- assembling


def _assemble(
    pieces: Iterable[tuple[str, str]], *, lang: str, name: str | None, metadata: dict[str, str]
) -> Document:
    """Join ``(kind, text)`` pieces with blank lines into a Document with offsets."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for kind, raw_text in pieces:
        start, end = _trim(raw_text, 0, len(raw_text))
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


# --------------------------------------------------------------------------- Markdown

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
        if _is_blank(line):
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
            if _is_blank(content):
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
_MD_BLANK_LINE = re.compile(rf"\n(?:[^\S\n]|[{_INVISIBLE}])*(?:\n|\Z)")


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


# --------------------------------------------------------------------------- HTML

_DROP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "audio",
        "video",
        "map",
        "head",
    ]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_LEAF_BLOCKS: dict[str, str] = {
    **dict.fromkeys(_HEADINGS, "heading"),
    "p": "paragraph",
    "figcaption": "caption",
    "caption": "caption",
    "pre": "paragraph",
    "dt": "paragraph",
    "dd": "paragraph",
    "address": "paragraph",
}
_CONTAINERS = frozenset(
    [
        "html",
        "body",
        "article",
        "main",
        "section",
        "div",
        "figure",
        "header",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "center",
        "details",
        "summary",
        "hgroup",
    ]
)
_BLOCK_TAGS = frozenset(_LEAF_BLOCKS) | _CONTAINERS | {"li", "blockquote", "hr"}
_WS = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace: NBSP is content


def _collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _html_container(root: HtmlElement) -> HtmlElement:
    for xpath in ("//article", "//main", "//*[@role='main']", "//body"):
        found = root.xpath(xpath)
        if found:
            best: HtmlElement = max(found, key=lambda el: len(el.text_content()))
            return best
    return root


def _tag(element: Any) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _html_text(element: HtmlElement) -> str:
    """Visible text of an element: dropped tags skipped; ``<br>`` and nested blocks
    (a ``<p>`` in a ``<li>`` or ``<figcaption>``) end a line."""
    out: list[str] = []

    def walk(el: Any, nested: bool) -> None:
        tag = _tag(el)
        if tag in _DROP:
            out.append(" ")
        elif tag == "br":
            out.append("\n")
        elif tag:  # comments and processing instructions have no tag and no text
            block = nested and (tag in _BLOCK_TAGS or tag == "li")
            if block:
                out.append("\n")
            if el.text:
                out.append(el.text)
            for child in el:
                walk(child, True)
                if child.tail:
                    out.append(child.tail)
            if block:
                out.append("\n")

    walk(element, False)
    lines = (_collapse(line) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _has_block_descendant(element: HtmlElement) -> bool:
    return any(_tag(el) in _BLOCK_TAGS for el in element.iterdescendants())


def _html_blocks(element: HtmlElement, quote: bool = False) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for each block under ``element``, in document order."""
    tag = _tag(element)
    if tag in _DROP or (tag == "header" and not _inside_article(element)):
        return
    if tag in ("td", "th") and not _has_block_descendant(element):
        return  # a data cell: numbers and labels, not prose (layout cells hold <p>s)
    if tag in _LEAF_BLOCKS and not (tag in ("dd", "dt") and _has_block_descendant(element)):
        kind = _LEAF_BLOCKS[tag]
        yield ("quote" if quote and kind == "paragraph" else kind), _html_text(element)
        return
    if tag == "li":
        yield from _html_list_item(element, quote)
        return
    if tag == "blockquote":
        quote = True
        if not _has_block_descendant(element):
            yield "quote", _html_text(element)
            return
    # A container: its blocks, and loose inline text between them as paragraphs.
    loose: list[str] = [element.text or ""]
    for child in element:
        child_tag = _tag(child)
        if child_tag in _BLOCK_TAGS or child_tag in _DROP:
            yield from _loose(loose, quote)
            loose = []
            yield from _html_blocks(child, quote)
        elif child_tag == "br":
            loose.append("\n")
        elif child_tag:
            loose.append(_html_text(child))
        loose.append(child.tail or "")
    yield from _loose(loose, quote)


def _loose(parts: list[str], quote: bool) -> Iterator[tuple[str, str]]:
    text = "\n".join(_collapse(line) for line in "".join(parts).split("\n"))
    text = re.sub(r"\n+", "\n", text).strip()
    if text:
        yield ("quote" if quote else "paragraph"), text


def _html_list_item(element: HtmlElement, quote: bool) -> Iterator[tuple[str, str]]:
    own: list[str] = [element.text or ""]
    nested: list[HtmlElement] = []
    for child in element:
        child_tag = _tag(child)
        if child_tag in ("ul", "ol", "blockquote", "table"):
            nested.append(child)
        elif child_tag == "br":
            own.append("\n")
        elif child_tag in _BLOCK_TAGS:
            own.append(f"\n{_html_text(child)}\n")
        elif child_tag and child_tag not in _DROP:
            own.append(_html_text(child))
        own.append(child.tail or "")
    text = "\n".join(_collapse(line) for line in "".join(own).split("\n"))
    text = re.sub(r"\n+", "\n", text).strip()
    if text:
        yield "list_item", text
    for child in nested:
        yield from _html_blocks(child, quote)


def _inside_article(element: HtmlElement) -> bool:
    return any(_tag(parent) in ("article", "main") for parent in element.iterancestors())


__all__ = ["FORMATS", "SUFFIXES", "parse_html", "parse_markdown", "parse_text", "read"]
