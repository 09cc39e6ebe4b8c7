"""Hand-made reader pages for the browser tests: exactly the text a test needs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bireader.formats import html
from bireader.model import (
    BilingualDocument,
    BlockKind,
    Document,
    Pair,
    Provenance,
    Sentence,
    Word,
    lay_out,
)

Rows = Sequence[tuple[BlockKind, Sequence[tuple[str, str]]]]


def bilingual(
    rows: Rows,
    *,
    title: str | None = None,
    source: str | None = "cuento.es.txt",
    words: Any = None,
) -> BilingualDocument:
    """Blocks joined by blank lines, sentences by spaces.

    ``words``: a function from a Sentence to its Words (``study_words``, ``guess_words``).
    """
    text, blocks = lay_out((kind, [es for es, _ in sentences]) for kind, sentences in rows)
    pairs = [
        Pair(
            sentence, en, index, block.kind, "apertium", (),
            tuple(words(sentence)) if words else (),
        )
        for index, (block, (_, sentences)) in enumerate(zip(blocks, rows, strict=True))
        for sentence, (_, en) in zip(block.sentences, sentences, strict=True)
    ]
    document = Document(text, tuple(blocks), "es", title, source)
    created = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    return BilingualDocument(
        document, tuple(pairs), Provenance("apertium", "3.8.3", "spa-eng", "0.8.1"), "en", created
    )


def guess_words(sentence: Sentence) -> list[Word]:
    """A plain Word per alphabetic token (lemma = lower case, a NOUN): shape, not analysis."""
    import re

    return [
        Word(
            m.group(),
            sentence.start + m.start(),
            sentence.start + m.end(),
            m.group().lower(),
            "NOUN",
            "Gender=Masc|Number=Sing",
            (f"{m.group().lower()}-en",),
        )
        for m in re.finditer(r"\w+", sentence.text)
    ]


def write_page(
    tmp_path: Path, bi: BilingualDocument, name: str = "page.html", **options: Any
) -> Path:
    path = tmp_path / name
    path.write_text(html.render(bi, **options), encoding="utf-8")
    return path


def with_pairs(bi: BilingualDocument, **changes: Any) -> BilingualDocument:
    """``bi`` with every pair changed by ``changes`` (a callable gets the pair)."""
    pairs = tuple(
        dataclasses.replace(
            pair, **{k: (v(pair) if callable(v) else v) for k, v in changes.items()}
        )
        for pair in bi.pairs
    )
    return dataclasses.replace(bi, pairs=pairs)


STUDY = (
    ("heading", [("La rueda de prensa", "The press conference")]),
    (
        "paragraph",
        [
            (
                "Los ministros hablaron del acuerdo en la rueda de prensa.",
                "The ministers spoke about the agreement at the press conference.",
            ),
            (
                "¡Qué sorpresa! —dijo Zubiri, el portavoz.",
                "What a surprise! said Zubiri, the spokesman.",
            ),
        ],
    ),
    (
        "paragraph",
        [("El acuerdo entró en vigor ayer.", "The agreement came into force yesterday.")],
    ),
)
"""A short article whose words are explained by hand (see study_words)."""

LEXICON: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "la": ("el", "DET", "Definite=Def|Gender=Fem|Number=Sing", ("the",)),
    "rueda de prensa": ("rueda de prensa", "NOUN", "Gender=Fem|Number=Sing", ("press conference",)),
    "los": ("el", "DET", "Definite=Def|Gender=Masc|Number=Plur", ("the",)),
    "ministros": ("ministro", "NOUN", "Gender=Masc|Number=Plur", ("minister",)),
    "hablaron": (
        "hablar",
        "VERB",
        "Mood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin",
        ("speak", "talk"),
    ),
    "acuerdo": ("acuerdo", "NOUN", "Gender=Masc|Number=Sing", ("agreement", "deal")),
    "en": ("en", "ADP", "", ("in", "at", "on")),
    "qué": ("qué", "DET", "PronType=Int", ("what",)),
    "sorpresa": ("sorpresa", "NOUN", "Gender=Fem|Number=Sing", ("surprise",)),
    "dijo": (
        "decir",
        "VERB",
        "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin",
        ("say", "tell"),
    ),
    "el": ("el", "DET", "Definite=Def|Gender=Masc|Number=Sing", ("the",)),
    "portavoz": ("portavoz", "NOUN", "Number=Sing", ("spokesman", "spokesperson")),
    "entró en vigor": (
        "entrar en vigor",
        "VERB",
        "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin",
        ("come into force",),
    ),
    "ayer": ("ayer", "ADV", "", ("yesterday",)),
}


def study_words(sentence: Sentence) -> tuple[Word, ...]:
    """Hand-written Words for the sentences of STUDY (multiword units first)."""
    import re

    found: list[Word] = []
    text = sentence.text
    pattern = re.compile(r"rueda de prensa|entró en vigor|del|Zubiri|\w+")
    for m in pattern.finditer(text):
        surface, start, end = m.group(), sentence.start + m.start(), sentence.start + m.end()
        key = surface.lower()
        if key == "del":
            parts = (
                Word("del", start, end, "de", "ADP", "", ("of", "from", "about")),
                Word(
                    "del", start, end, "el", "DET", "Definite=Def|Gender=Masc|Number=Sing", ("the",)
                ),
            )
            found.append(Word("del", start, end, "del", "ADP", "", (), parts))
        elif key == "zubiri":
            found.append(
                Word(surface, start, end, "Zubiri", "PROPN", "", (), known=False, untranslated=True)
            )
        else:
            lemma, upos, feats, glosses = LEXICON[key]
            found.append(Word(surface, start, end, lemma, upos, feats, glosses))
    return tuple(found)
