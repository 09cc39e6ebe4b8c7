"""The quality guard: pure checks that flag degenerate machine translation output.

Each check takes the source sentence and its translation and says whether the
translation looks broken in one specific way; :func:`check` runs them all and
returns the names of the checks that fired, in a fixed order:

>>> check("El perro duerme en la casa.", "The dog sleeps in the house.")
()
>>> check("El perro duerme.", "mainstremainstremainstremainstre")
('repetition',)

A check only fires on something the source does not already contain: a source
that repeats itself ("¡Ja, ja, ja, ja!") may be translated repetitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bireader.chardata import ADDRESS

REPETITION = "repetition"
SUBWORD = "subword"
EMPTY = "empty"
TOO_LONG = "too_long"
UNTRANSLATED = "untranslated"

FLAGS: tuple[str, ...] = (EMPTY, REPETITION, SUBWORD, TOO_LONG, UNTRANSLATED)
"""Every flag the guard can raise, in the order :func:`check` reports them."""

GUARD_VERSION = 6
"""Bumped whenever a check changes, so flags stored in the cache are recomputed."""

# A run of 3+ copies of a letter sequence (2 to _MAX_UNIT letters) glued together, e.g.
# "mainstremainstre...", or 5+ copies of one letter. Real words seldom contain three glued
# copies of a syllable. The bound on the unit keeps the search linear in the text's length
# (an unbounded ``{2,}?`` tries every unit length at every position: quadratic on a long
# run of letters).
_MAX_UNIT = 40
_GLUED = re.compile(
    rf"([^\W\d_]{{2,{_MAX_UNIT}}}?)\1{{2,}}|([^\W\d_])\2{{4,}}", re.IGNORECASE
)
_WORD = re.compile(r"\w+")
# URLs and e-mail addresses are the same in any language: they do not count as words.
_ADDRESS = ADDRESS
# Marks a subword tokenizer leaves when detokenization went wrong: BPE "@@", SentencePiece "▁".
_SUBWORD_MARKS = ("@@", "\u2581")

_MAX_NGRAM = 4
_UNTRANSLATED_MIN_WORDS = 4


def _max_ngram_run(words: list[str]) -> tuple[int, int]:
    """``(n, copies)`` of the n-gram repeated most often back to back in ``words``.

    >>> _max_ngram_run("the cat the cat the cat sat".split())
    (2, 3)
    """
    best = (1, 1 if words else 0)
    for n in range(1, _MAX_NGRAM + 1):
        i = 0
        while i + 2 * n <= len(words):
            copies = 1
            while words[i + copies * n : i + (copies + 1) * n] == words[i : i + n]:
                copies += 1
            if copies > best[1]:
                best = (n, copies)
            i += max(1, (copies - 1) * n) if copies > 1 else 1
    return best


def _repetitive(text: str) -> bool:
    if _GLUED.search(text):
        return True
    n, copies = _max_ngram_run([w.lower() for w in _WORD.findall(text)])
    # One word four times in a row, or a phrase three times in a row.
    return copies >= (4 if n == 1 else 3)


def repetition(source: str, target: str) -> bool:
    """Runaway repetition in ``target`` that ``source`` does not have.

    >>> repetition("El programa principal.", "mainstremainstremainstremainstre")
    True
    >>> repetition("Dijo que no.", "He said no no no no no no no.")
    True
    >>> repetition("El gobierno del país.", "the government of the government of the government of")
    True
    >>> repetition("¡Ja, ja, ja, ja!", "Ha, ha, ha, ha!")
    False
    >>> repetition("Compró cuscús y bombones.", "He bought couscous and bonbons.")
    False
    """
    return _repetitive(target) and not _repetitive(source)


def subword_marks(source: str, target: str) -> bool:
    """Leftover subword marks (``@@``, ``▁``) in ``target``.

    >>> subword_marks("La casa.", "The hou@@ se.")
    True
    >>> subword_marks("La casa.", "\u2581The \u2581house.")
    True
    >>> subword_marks("Correo: a@@b.es", "Mail: a@@b.es")
    False
    """
    return any(mark in target and mark not in source for mark in _SUBWORD_MARKS)


def empty(source: str, target: str) -> bool:
    """An empty (or blank) translation of a non-empty sentence.

    >>> empty("Hola.", "  ")
    True
    >>> empty("", "")
    False
    """
    return bool(source.strip()) and not target.strip()


def too_long(source: str, target: str, *, ratio: float = 3.0, slack: int = 20) -> bool:
    """``target`` is far longer than ``source``: over ``ratio`` times its length plus ``slack``.

    The slack keeps short sentences ("Sí." -> "Yes, indeed.") from firing.

    >>> too_long("Sí.", "Yes, of course.")
    False
    >>> too_long("Sí.", "Yes " * 20)
    True
    """
    return len(target.strip()) > ratio * len(source.strip()) + slack


def untranslated(source: str, target: str) -> bool:
    """``target`` is ``source`` copied unchanged, for a sentence long enough to need translating.

    Short sentences, names and numbers are often legitimately the same in both languages.

    >>> untranslated("El perro duerme en la casa.", "El perro duerme en la casa.")
    True
    >>> untranslated("Real Madrid", "Real Madrid")
    False
    >>> web = "http://www.uni.edu.co - http://ceri.uni.edu.co - ceri@uni.edu.co"
    >>> untranslated(web, web)
    False
    >>> name = "Universidad Complutense de Madrid"
    >>> untranslated(name, name)
    False
    """
    words = [w for w in _WORD.findall(_ADDRESS.sub(" ", source)) if not w.isdigit()]
    # A proper name (a caption, a byline, an institution) reads the same in English: every
    # word is capitalized but for short linking words ("de", "del", "y", "la").
    content = [w for w in words if len(w) > 3 or w[0].isupper()]
    if content and all(w[0].isupper() for w in content):
        return False
    return len(words) >= _UNTRANSLATED_MIN_WORDS and " ".join(source.split()) == " ".join(
        target.split()
    )


CHECKS: dict[str, Callable[[str, str], bool]] = {
    EMPTY: empty,
    REPETITION: repetition,
    SUBWORD: subword_marks,
    TOO_LONG: too_long,
    UNTRANSLATED: untranslated,
}


def check(source: str, target: str) -> tuple[str, ...]:
    """The names of the checks ``target`` fails as a translation of ``source`` (``()`` if none).

    >>> check("Hola, ¿qué tal?", "")
    ('empty',)
    >>> check("Hola.", "Hel@@ lo hel@@ lo hel@@ lo hel@@ lo hel@@ lo")
    ('repetition', 'subword', 'too_long')
    """
    if not source.strip() and not target.strip():
        return ()
    return tuple(name for name in FLAGS if CHECKS[name](source, target))
