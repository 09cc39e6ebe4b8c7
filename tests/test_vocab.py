"""Anki notes from a document's words (no Apertium: the words are written by hand)."""

from __future__ import annotations

import dataclasses

import bireader
from bireader.model import BilingualDocument, Pair, Provenance, Word
from bireader.vocab import notes


def _bilingual(text: str, targets: list[str], words: list[list[Word]]) -> BilingualDocument:
    doc = bireader.read(text)
    sentences = list(doc.sentences())
    pairs = tuple(
        dataclasses.replace(Pair(s, t, i, doc.blocks[0].kind, "test"), words=tuple(w))
        for i, (s, t, w) in enumerate(zip(sentences, targets, words, strict=True))
    )
    return BilingualDocument(doc, pairs, Provenance("test", "1"))


def _word(sentence_start: int, text: str, at: int, lemma: str, upos: str,
          glosses: tuple[str, ...], known: bool = True) -> Word:
    start = sentence_start + at
    return Word(text, start, start + len(text), lemma, upos, "", glosses, known=known)


def test_a_note_takes_the_gloss_its_lemma_most_often_has_first() -> None:
    text = "Hace dos años. Hace la cena. Hacen pan con una lupa."
    starts = [0, 15, 29]
    bi = _bilingual(
        text,
        ["Two years ago.", "He makes dinner.", "They make bread with a magnifier."],
        [
            [_word(starts[0], "Hace", 0, "hacer", "VERB", ("ago", "make", "do"))],
            [_word(starts[1], "Hace", 0, "hacer", "VERB", ("make", "do"))],
            [
                _word(starts[2], "Hacen", 0, "hacer", "VERB", ("make", "do")),
                # Unknown to the analyser, glossed by the wordnet: in the deck too.
                _word(starts[2], "lupa", 18, "lupa", "NOUN", ("magnifier",), known=False),
                # A name is not.
                _word(starts[2], "Pan", 6, "Pan", "PROPN", ("Pan",), known=False),
            ],
        ],
    )
    for pair in bi.pairs:
        for w in pair.words:
            assert text[w.start : w.end].lower() == w.text.lower()
    deck = {n.lemma: n for n in notes(bi)}
    assert set(deck) == {"hacer", "lupa"}
    make = deck["hacer"]
    assert (make.gloss, make.count) == ("make", 3)
    # The sentence shown is the first one where the lemma has that gloss first.
    assert "<b>Hace</b> la cena." in make.sentence and make.translation == "He makes dinner."
    assert deck["lupa"].gloss == "magnifier"
    assert [n.lemma for n in notes(bi)] == ["hacer", "lupa"]
