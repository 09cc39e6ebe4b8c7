"""Hand-made bilingual documents for the exporter tests (no engine involved)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bireader.model import BilingualDocument, Block, BlockKind, Document, Pair, Provenance, Sentence

Blocks = Sequence[tuple[BlockKind, Sequence[tuple[str, str]]]]

ARTICLE: Blocks = (
    ("heading", [("Charlas en Miami", "Talks in Miami")]),
    (
        "paragraph",
        [
            ("El ministro llegó el lunes.", "The minister arrived on Monday."),
            ("Dijo: «Todo va bien» & sonrió.", 'He said: "All is well" & smiled.'),
        ],
    ),
    ("list_item", [("Precio < 5 € y > 3 €.", "Price < 5 € and > 3 €.")]),
    ("quote", [("¿Quién sabe? 🙂", "Who knows? 🙂")]),
)


def make_bilingual(
    blocks: Blocks = ARTICLE,
    *,
    title: str | None = "Charlas en Miami",
    source: str | None = "articles/miami.txt",
    flags: dict[int, tuple[str, ...]] | None = None,
    engine: str = "apertium",
) -> BilingualDocument:
    """A consistent BilingualDocument: blocks joined by blank lines, sentences by spaces.

    ``flags`` maps a pair index to its quality flags.
    """
    flags = flags or {}
    text = ""
    built: list[Block] = []
    pairs: list[Pair] = []
    for index, (kind, sentences) in enumerate(blocks):
        if index:
            text += "\n\n"
        block_start = len(text)
        spans: list[Sentence] = []
        for n, (es, en) in enumerate(sentences):
            if n:
                text += " "
            sentence = Sentence(es, len(text), len(text) + len(es))
            text += es
            spans.append(sentence)
            pairs.append(
                Pair(sentence, en, index, kind, engine, flags.get(len(pairs), ()))
            )
        built.append(Block(kind, block_start, len(text), tuple(spans)))
    document = Document(text, tuple(built), "es", title, source, {"author": "Ana"})
    provenance = Provenance(engine, "3.8.3", "spa-eng", "0.8.0", {"unknown": "off"})
    return BilingualDocument(
        document, tuple(pairs), provenance, "en", datetime(2026, 11, 27, 14, 5, 9, tzinfo=UTC)
    )


def synthetic(count: int, *, per_block: int = 5) -> BilingualDocument:
    """``count`` numbered pairs in paragraphs of ``per_block`` sentences."""
    rows = [(f"Frase número {i} & <más>.", f"Sentence number {i} & <more>.") for i in range(count)]
    blocks: list[tuple[BlockKind, list[tuple[str, str]]]] = [
        ("paragraph", rows[i : i + per_block]) for i in range(0, count, per_block)
    ]
    return make_bilingual(blocks, title=None, source=None)
