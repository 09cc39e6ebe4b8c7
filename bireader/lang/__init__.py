"""Language data for the sentence segmenter, kept apart from the algorithm (pySBD's layout).

Each module (``es``, ``en``) holds word lists only: abbreviations by kind, titles that are
also common words, typical sentence openers, label nouns. ``bireader.segment`` holds the
rules that read them. :func:`language` returns one language's data, built once.

>>> language("en-US").code
'en'
>>> language("es").abbreviations["sra"]
'title'
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from bireader.errors import InputError
from bireader.model import language_tag

__all__ = ["LANGUAGES", "Kind", "Language", "language", "words"]

# What the word before a period is (docs/segmentation.md has a table). Dictionary kinds:
# title:    always followed by a name or more text: never ends a sentence (Sr., Dr., p. ej.).
# mid:      usually followed by a number or a name; ends a sentence only before a typical
#           opener (the language's ``starters``).
# numeric:  also an ordinary word (no, mar): capitalized and before a number, it is the
#           abbreviation ("No. 103", "Mar. 23"); otherwise the word.
# final:    often closes a sentence (etc., EE. UU., S. A.): ends one before a capital.
# Kinds found by shape: initials, label ("vitamina C."), short ("h.", "s."), enum (a list
# number or letter opening a segment) and plain (any other word or number).
Kind = Literal["title", "mid", "numeric", "final", "initials", "label", "short", "enum", "plain"]

LANGUAGES: tuple[str, ...] = ("es", "en")
"""Codes :func:`language` knows (a region or script subtag is ignored: ``en-GB``)."""


def words(spaced: str) -> list[str]:
    """The whitespace-separated words of ``spaced`` (how the data modules write their lists)."""
    return spaced.split()


@dataclass(frozen=True)
class Language:
    """One language's word lists, as the segmenter reads them (every key lower case)."""

    code: str
    abbreviations: Mapping[str, Kind]
    """Abbreviation without its final period (dots inside kept: ``ee.uu``) -> kind."""
    name_titles: frozenset[str] = frozenset()
    """Titles that also abbreviate common words: titles only when capitalized."""
    starters: frozenset[str] = frozenset()
    """Capitalized words that typically open a sentence and are rarely names."""
    label_nouns: frozenset[str] = frozenset()
    """Nouns that name a letter as a label ("vitamina C", "plan B"): no initial follows."""
    bang_names: frozenset[str] = frozenset()
    """Names that end in "!" in mid-sentence ("Yahoo!")."""
    continuers: frozenset[str] = frozenset()
    """Capitalized words that a "final" abbreviation does not end before ("p.m. Tuesday")."""
    speech_verbs: frozenset[str] = frozenset()
    """Verbs of saying that attribute a quotation after capitalized words ('Smith said')."""
    heading_labels: frozenset[str] = frozenset()
    """Words that open a numbered heading ("Artículo", "Capítulo"): "Artículo 1. Objeto." """
    heading_numbers: frozenset[str] = frozenset()
    """Words that number such a heading besides digits and Roman numerals ("único")."""
    enum_words: frozenset[str] = frozenset()
    """Ordinals that open a numbered paragraph on their own: "Primero. Estimar el recurso." """
    dotted_pairs: frozenset[tuple[str, str]] = field(init=False)
    """Consecutive pieces of dotted abbreviations ("ee.uu" gives ("ee", "uu")): "EE. UU."."""
    attribution: re.Pattern[str] | None = field(init=False)
    """Up to three capitalized words and a speech verb, from the start of the match."""
    heading: re.Pattern[str] | None = field(init=False)
    """A heading label and its number, the whole of what it is matched on: "Artículo 14 bis"."""

    def __post_init__(self) -> None:
        pairs = frozenset(
            pair
            for key in self.abbreviations
            for pair in zip(key.split("."), key.split(".")[1:], strict=False)
            if all(pair)
        )
        object.__setattr__(self, "dotted_pairs", pairs)
        verbs = "|".join(sorted(self.speech_verbs, key=len, reverse=True))
        attribution = (
            re.compile(rf"(?:[^\W\d_][\w.'’-]*\s+){{1,3}}(?i:{verbs})\b") if verbs else None
        )
        object.__setattr__(self, "attribution", attribution)
        labels = "|".join(sorted(self.heading_labels, key=len, reverse=True))
        numbers = "|".join(sorted(self.heading_numbers, key=len, reverse=True))
        number = rf"(?:\d+[\d.ºª]*|[IVXLC]+|{numbers})" if numbers else r"(?:\d+[\d.ºª]*|[IVXLC]+)"
        heading = re.compile(rf"(?i:{labels})\.?(?:\s+(?i:{number})){{1,3}}") if labels else None
        object.__setattr__(self, "heading", heading)


@cache
def _load(code: str) -> Language:
    module = importlib.import_module(f"bireader.lang.{code}")
    data: Language = module.LANGUAGE
    return data


def language(code: str) -> Language:
    """The data of language ``code`` (``"es"``, ``"en"``, ``"en-US"``...).

    >>> language("fr")
    Traceback (most recent call last):
    ...
    bireader.errors.InputError: no sentence rules for language 'fr' (known: es, en)
    """
    if not isinstance(code, str):
        raise TypeError(f"a language code is a string, not {type(code).__name__}")
    try:
        primary = language_tag(code).split("-", 1)[0].lower()
    except ValueError as error:
        raise InputError(f"no sentence rules: {error}") from None
    if primary not in LANGUAGES:
        raise InputError(f"no sentence rules for language {code!r} (known: {', '.join(LANGUAGES)})")
    return _load(primary)
