"""Loading an input: paths, stdin, streams, bytes and strings; size caps; binary sniffing;
decoding; normalizing. Every problem is an ``InputError`` naming the input.

>>> normalize("Cafe\\u0301\\r\\nS\\x07i\\r")
'Café\\nSi\\n'
"""

from __future__ import annotations

import codecs
import functools
import logging
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bireader.chardata import CONTROL, UNICODE_LINE_BREAKS
from bireader.errors import InputError

log = logging.getLogger(__name__)

Source = str | bytes | os.PathLike[str] | IO[str] | IO[bytes]
"""What ``bireader.read`` accepts: a path, ``"-"``, text, bytes or a file object."""

_PATHLIKE_SUFFIX = re.compile(
    r"\.(?:txt|text|md|markdown|html?|xhtml|tmx|json|tsv|pdf|docx?|odt|rtf|epub)$", re.IGNORECASE
)
_MAX_PATH = 1024
MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest input ``read`` takes (64 MiB; an article is far smaller).

Files and streams are read in chunks: a longer one (``/dev/zero``, a log) raises
``InputError`` as soon as it passes the limit, and one whose first chunk is binary
(a NUL byte outside UTF-16 text, a known magic number) is refused before more is read.
"""
MAX_BILINGUAL_BYTES = 4 * MAX_INPUT_BYTES
"""The largest TMX or bireader JSON file read back (256 MiB): both languages of an input
of ``MAX_INPUT_BYTES`` with their markup. A larger one is refused before it is parsed."""
_CHUNK = 1024 * 1024

_NON_SPACE = re.compile(r"\S")
_DOCTYPE_STOP = re.compile(r"[>\[]")
_SUBSET_END = re.compile(r"\]\s*>")


def prolog_end(text: str) -> int:
    """Where the XML prolog opening ``text`` ends: whitespace, the declaration, comments,
    processing instructions and a DOCTYPE (with its internal subset) skipped.

    Each construct's end is found by one forward search and the scan stops at the first
    thing that is not one (or is unclosed): linear time on any input, where a regex
    repeating ``<!--.*?-->`` backtracked exponentially over a run of comments.

    >>> text = '<?xml version="1.0"?>\\n<!-- a --><!DOCTYPE x [<!ENTITY e "]">]> <x/>'
    >>> text[prolog_end(text) :]
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


@dataclass(frozen=True, slots=True)
class Raw:
    """An input as loaded: its content (``None`` when left on disk), name and suffix."""

    data: str | bytes | None
    name: str
    suffix: str
    path: Path | None = None


def load(source: Source, *, defer: frozenset[str] = frozenset()) -> Raw:
    """``source`` loaded (see ``bireader.read`` for what each type means), size capped.

    A file whose suffix is in ``defer`` is only checked (it exists, is a file, is
    readable): its content stays on disk for a reader that streams it.
    """
    if isinstance(source, bytes):
        return Raw(_capped(source, "<bytes>"), "<bytes>", "")
    if isinstance(source, os.PathLike):
        return _read_path(Path(os.fspath(source)), defer)
    if isinstance(source, str):
        if source == "-":
            return _read_stdin()
        path = _as_existing_path(source)
        if path is not None:
            return _read_path(path, defer)
        if _looks_like_path(source):
            if re.match(r"(?i)^[a-z][a-z0-9+.-]*://", source):
                raise InputError(
                    f"{source}: no such file (bireader works offline and does not fetch URLs; "
                    "save the page and pass the file)"
                )
            raise InputError(f"{source}: no such file")
        return Raw(_capped(source, "<string>"), "<string>", "")
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        label = name if isinstance(name, str) else "<stream>"
        try:
            data = _read_capped(source, label)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{label}: cannot read: {exc}") from exc
        return Raw(data, label, Path(label).suffix.lower() if name else "")
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


def _read_path(path: Path, defer: frozenset[str]) -> Raw:
    name = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in defer:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(name)
            with path.open("rb"):
                pass  # readable
            return Raw(None, name, suffix, path)
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
    return Raw(data, name, suffix, path)


def _read_stdin() -> Raw:
    stream: Any = sys.stdin
    if stream is None:
        raise InputError("<stdin>: no standard input")
    try:
        buffer = getattr(stream, "buffer", None)
        data = _read_capped(buffer if buffer is not None else stream, "<stdin>")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"<stdin>: cannot read: {exc}") from exc
    return Raw(data, "<stdin>", "")


def _too_large(name: str) -> InputError:
    return InputError(
        f"{name}: input is larger than {MAX_INPUT_BYTES // 2**20} MiB "
        "(bireader.reading.MAX_INPUT_BYTES); bireader reads articles"
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


def meta_charset(data: bytes) -> str | None:
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


def decode(data: bytes, name: str, *, declared: str | None = None) -> str:
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


def normalize(text: str) -> str:
    """LF line ends, no BOM, no control characters but tab/newline, NFC.

    Unicode's other line and paragraph breaks (NEL, LS, PS) are line ends too, so the
    text on either side of them stays apart; a vertical tab or form feed is removed.

    >>> normalize("Cafe\\u0301\\r\\nS\\x07i\\r")
    'Café\\nSi\\n'
    >>> normalize("Uno.\\x85Dos.\\u2029Tres.")
    'Uno.\\nDos.\\nTres.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = text.translate(_LINE_BREAKS)
    return unicodedata.normalize("NFC", CONTROL.sub("", text))


_LINE_BREAKS = str.maketrans(dict.fromkeys(UNICODE_LINE_BREAKS, "\n"))


def check_bilingual_size(path: Path) -> None:
    """``InputError`` if the file at ``path`` is over ``MAX_BILINGUAL_BYTES``."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader that opens it says what is wrong
    if size > MAX_BILINGUAL_BYTES:
        raise InputError(
            f"{path}: input is larger than {MAX_BILINGUAL_BYTES // 2**20} MiB "
            "(bireader.reading.MAX_BILINGUAL_BYTES); bireader reads articles"
        )


def text_of(raw: Raw, *, html: bool = False) -> str:
    """``raw``'s content decoded (``html``: a ``<meta>`` charset counts) and normalized."""
    data = raw.data
    if data is None:
        assert raw.path is not None
        with raw.path.open("rb") as stream:
            data = _read_capped(stream, raw.name)
    if isinstance(data, str):
        return normalize(data)
    return normalize(decode(data, raw.name, declared=meta_charset(data) if html else None))


__all__ = [
    "MAX_BILINGUAL_BYTES",
    "MAX_INPUT_BYTES",
    "Raw",
    "Source",
    "check_bilingual_size",
    "decode",
    "load",
    "meta_charset",
    "normalize",
    "prolog_end",
    "text_of",
]
