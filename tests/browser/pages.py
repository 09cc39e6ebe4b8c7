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
    Block,
    BlockKind,
    Document,
    Pair,
    Provenance,
    Sentence,
    Word,
)

Rows = Sequence[tuple[BlockKind, Sequence[tuple[str, str]]]]


def bilingual(
    rows: Rows,
    *,
    title: str | None = None,
    source: str | None = "cuento.es.txt",
    words: bool = False,
) -> BilingualDocument:
    """Blocks joined by blank lines, sentences by spaces; ``words`` adds hand-made Words."""
    text = ""
    blocks: list[Block] = []
    pairs: list[Pair] = []
    for index, (kind, sentences) in enumerate(rows):
        text += "\n\n" if index else ""
        start = len(text)
        spans: list[Sentence] = []
        for n, (es, en) in enumerate(sentences):
            text += " " if n else ""
            sentence = Sentence(es, len(text), len(text) + len(es))
            text += es
            spans.append(sentence)
            found = tuple(guess_words(sentence)) if words else ()
            pairs.append(Pair(sentence, en, index, kind, "apertium", (), found))
        blocks.append(Block(kind, start, len(text), tuple(spans)))
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
