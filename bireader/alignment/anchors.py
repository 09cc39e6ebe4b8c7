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
_WORD = re.compile(r"\b[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"^[\W_]*")
_SHORT = 3


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


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def names(text: str) -> list[str]:
    """Capitalized words after a sentence's first word, accents folded (``Kiev``, ``Ortega``)."""
    start = _SENTENCE_START.match(text)
    first = start.end() if start else 0
    found: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group()
        if m.start() <= first or len(word) < _SHORT or not word[0].isupper():
            continue
        # A capitalized word right after a sentence-ending mark inside the sentence
        # ("¿Hasta cuándo? La...") or an opening quote is a start, not a name.
        before = text[max(0, m.start() - 2) : m.start()]
        if any(mark in before for mark in '.?!¿¡«“"—:'):
            continue
        found.append(_fold(word))
    return found


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
