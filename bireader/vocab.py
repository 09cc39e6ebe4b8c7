"""Vocabulary decks: one note per lemma of an analysed document, for Anki.

:func:`notes` picks the lemmas worth learning (known words with a gloss; no names or
numbers), most frequent first, each with the first sentence it appears in.
:func:`write_apkg` writes them as an Anki package with ``genanki``; :func:`write_tsv`
as tab-separated text that Anki's *File > Import* reads (the reader page's
"download saved words" writes the same columns).

>>> from bireader.model import Word
>>> word = Word("casas", 4, 9, "casa", "NOUN", "Gender=Fem|Number=Plur", ("house",))
>>> marked("Mis casas.", word, 0)
'Mis <b>casas</b>.'
"""

from __future__ import annotations

import hashlib
import html
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from bireader.model import BilingualDocument, Word
from bireader.words.ud import part_of_speech

COLUMNS = ("Lemma", "Gloss", "Part of speech", "Sentence", "Translation")
"""The note fields, in order (TSV columns and Anki fields)."""

_SKIPPED_UPOS = frozenset({"PROPN", "NUM", "PUNCT", "SYM", "X"})
# Stable ids, so that importing a new deck of the same name updates the old one.
_MODEL_ID = 1_739_204_117
_CSS = """.card { font-family: sans-serif; font-size: 22px; text-align: center; }
.pos { color: #666; font-size: 16px; } .sentence { margin-top: 1em; font-size: 18px; }
.translation { color: #555; font-size: 16px; }"""


@dataclass(frozen=True, slots=True)
class Note:
    """One lemma to learn, with its context."""

    lemma: str
    gloss: str
    part_of_speech: str
    sentence: str
    """The Spanish sentence as HTML, the word in ``<b>...</b>``."""
    translation: str
    count: int

    def fields(self) -> tuple[str, str, str, str, str]:
        """The note's fields in :data:`COLUMNS` order, as HTML."""
        return (
            html.escape(self.lemma, quote=False),
            html.escape(self.gloss, quote=False),
            html.escape(self.part_of_speech, quote=False),
            self.sentence,
            html.escape(self.translation, quote=False),
        )


def marked(sentence: str, word: Word, offset: int) -> str:
    """``sentence`` as HTML with ``word`` (document offsets; ``offset`` = sentence start) bold."""
    start, end = word.start - offset, word.end - offset
    return (
        html.escape(sentence[:start], quote=False)
        + "<b>"
        + html.escape(sentence[start:end], quote=False)
        + "</b>"
        + html.escape(sentence[end:], quote=False)
    )


def read_known(path: str | os.PathLike[str]) -> frozenset[str]:
    """Lemmas listed in a known-words file: one a line (or a TSV's first column), ``#`` comments."""
    known: set[str] = set()
    with open(path, encoding="utf-8-sig", errors="replace") as stream:
        for line in stream:
            first = line.split("\t", 1)[0].strip()
            if first and not first.startswith("#"):
                known.add(first.casefold())
    return frozenset(known)


def notes(bi: BilingualDocument, *, exclude: Iterable[str] = ()) -> list[Note]:
    """One note per lemma of ``bi``'s words, most frequent first (then first seen).

    A note's gloss is the one the lemma's occurrences most often have first (each
    occurrence's glosses are ordered for its own sentence: one "hace dos años" does not
    make *hacer* mean *ago*), with the first sentence where it was. Words the analyser
    does not know are in too when they have a gloss (the wordnet's); names, numbers
    and symbols are not.
    """
    skip = {lemma.casefold() for lemma in exclude}
    counts: Counter[str] = Counter()
    best: dict[str, Counter[str]] = {}
    seen: dict[tuple[str, str], tuple[Word, int]] = {}
    for index, pair in enumerate(bi.pairs):
        for word in pair.words:
            if word.upos in _SKIPPED_UPOS or not word.glosses:
                continue
            key = word.lemma.casefold()
            if key in skip:
                continue
            counts[key] += 1
            best.setdefault(key, Counter())[word.glosses[0]] += 1
            seen.setdefault((key, word.glosses[0]), (word, index))
    chosen = {key: seen[key, glosses.most_common(1)[0][0]] for key, glosses in best.items()}
    first = {key: seen[key, next(iter(glosses))] for key, glosses in best.items()}
    order = sorted(chosen, key=lambda key: (-counts[key], first[key][1], first[key][0].start))
    result = []
    for key in order:
        word, index = chosen[key]
        pair = bi.pairs[index]
        result.append(
            Note(
                lemma=word.lemma,
                gloss=word.glosses[0],
                part_of_speech=part_of_speech(word.upos),
                sentence=marked(pair.source.text, word, pair.source.start),
                translation=pair.target,
                count=counts[key],
            )
        )
    return result


def tsv_lines(deck: Iterable[Note]) -> list[str]:
    """Anki's import headers, then one tab-separated line per note."""
    lines = ["#separator:tab", "#html:true", "#columns:" + "\t".join(COLUMNS)]
    for note in deck:
        lines.append("\t".join(" ".join(field.split()) for field in note.fields()))
    return lines


def write_tsv(deck: Iterable[Note], target: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write the notes as Anki-importable TSV (UTF-8) to a path (atomically) or a stream."""
    from bireader.formats.base import atomic_writer

    data = ("\n".join(tsv_lines(deck)) + "\n").encode("utf-8")
    if isinstance(target, str | os.PathLike):
        with atomic_writer(target) as stream:
            stream.write(data)
    else:
        target.write(data)


def write_apkg(deck: Iterable[Note], path: str | os.PathLike[str], name: str) -> None:
    """Write the notes as an Anki package (``.apkg``) with ``genanki``, atomically."""
    import genanki

    from bireader.formats.base import atomic_writer

    model = genanki.Model(
        _MODEL_ID,
        "bireader word",
        fields=[{"name": column} for column in COLUMNS],
        templates=[
            {
                "name": "Spanish -> English",
                "qfmt": '{{Lemma}}<div class="sentence">{{Sentence}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer">{{Gloss}}'
                '<div class="pos">{{Part of speech}}</div>'
                '<div class="translation">{{Translation}}</div>',
            }
        ],
        css=_CSS,
    )
    deck_id = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") | (1 << 31)
    anki_deck = genanki.Deck(deck_id, name)
    for note in deck:
        anki_deck.add_note(
            genanki.Note(
                model=model,
                fields=list(note.fields()),
                guid=genanki.guid_for("bireader", note.lemma),
            )
        )
    with atomic_writer(path) as stream:
        genanki.Package(anki_deck).write_to_file(stream)
