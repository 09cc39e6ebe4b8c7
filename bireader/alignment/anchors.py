"""Anchors: what survives translation unchanged, so it ties a Spanish sentence to its English.

Numbers (in their Spanish and English forms: ``1.500`` and ``1,500``, ``3,5`` and ``3.5``,
``9.00 h`` and ``9:00``, ``1.º`` and ``1st``), URLs, e-mail addresses, and names (a
capitalized word that is not the first of its sentence) are reduced to one canonical
token each.

>>> sorted(anchors("La participación llegó al 63,4 %, con 1.512 votos a las 9.00 h.", "es"))
['#1512', '#63.4', '#9:00']
>>> sorted(anchors("Turnout reached 63.4%, with 1,512 votes at 9:00.", "en"))
['#1512', '#63.4', '#9:00']
>>> sorted(anchors("Escriba a junta@villa.es o vea https://villa.es/r.html, dijo Ortega.", "es"))
['@junta@villa.es', '@villa.es/r.html', 'Ortega']
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bireader.chardata import ADDRESS

_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)

# A time (9.00 h, 14:00), a number with thousands separators or decimals, an ordinal.
_ES_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,2})[.:](\d{2})(?=\s*h\b)"  # 9.00 h
    r"|(?<![\w.,])(\d{1,2}):(\d{2})(?!\d)"  # 14:00
    r"|(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d])"  # 1.512  63,4  2023
)
_EN_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,2}):(\d{2})(?!\d)"  # 9:00
    r"|(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])"  # 1,512  63.4  2023
)
# A capitalized word of 3+ letters not right after a sentence-ending mark, an opening
# quote or a colon inside the sentence ("¿Hasta cuándo? La..." starts a sentence).
_NAME = re.compile(r"(?<![.?!¿¡«“\"—:])(?<![.?!¿¡«“\"—:]\s)\b[A-ZÀ-ÖØ-Þ][^\W\d_]{2,}[\w'’-]*")
_SENTENCE_START = re.compile(r"^[\W_]*")


def _number(whole: str, thousands: str, decimals: str | None) -> str:
    digits = whole.replace(thousands, "")
    value = digits.lstrip("0") or "0"
    return f"#{value}.{decimals}" if decimals else f"#{value}"


def numbers(text: str, lang: str) -> list[str]:
    """The numbers of ``text`` as canonical tokens (``#1512``, ``#63.4``, ``#9:00``)."""
    found: list[str] = []
    if lang == "es":
        for m in _ES_NUMBER.finditer(text):
            if m.group(1):
                found.append(f"#{int(m.group(1))}:{m.group(2)}")
            elif m.group(3):
                found.append(f"#{int(m.group(3))}:{m.group(4)}")
            else:
                found.append(_number(m.group(5), ".", m.group(6)))
    else:
        for m in _EN_NUMBER.finditer(text):
            if m.group(1):
                found.append(f"#{int(m.group(1))}:{m.group(2)}")
            else:
                found.append(_number(m.group(3), ",", m.group(4)))
    return found


@functools.lru_cache(maxsize=4096)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def names(text: str) -> list[str]:
    """Capitalized words after a sentence's first word, accents folded (``Kiev``, ``Ortega``).

    >>> names("¿Hasta cuándo? La lluvia llegó a Córdoba y a «Écija».")
    ['Cordoba']
    """
    start = _SENTENCE_START.match(text)
    first = start.end() if start else 0
    return [_fold(m.group()) for m in _NAME.finditer(text) if m.start() > first]


def anchors(text: str, lang: str) -> set[str]:
    """Every anchor of ``text``: numbers, URLs (``@`` + address), e-mail addresses, names."""
    found: set[str] = set()
    for m in ADDRESS.finditer(text):
        address = _SCHEME.sub("", m.group())
        found.add("@" + address.lower())
    rest = ADDRESS.sub(" ", text)
    found.update(numbers(rest, lang))
    found.update(names(rest))
    return found
