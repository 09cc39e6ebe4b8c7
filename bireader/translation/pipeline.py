"""``translate(document) -> BilingualDocument``: every sentence gets exactly one translation.

PLACEHOLDER: no cache, no quality guard yet (issue: offline translation).
"""

from __future__ import annotations

from typing import Any

from bireader.errors import TranslationFailed
from bireader.model import BilingualDocument, Document, Pair
from bireader.translation.base import Engine, ProgressCallback, get_engine


def translate(
    document: Document,
    engine: str | Engine = "auto",
    *,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> BilingualDocument:
    """Translate every sentence of ``document``; return a new bilingual value."""
    chosen = get_engine(engine, **options) if isinstance(engine, str) else engine
    located = [
        (index, block, sentence)
        for index, block in enumerate(document.blocks)
        for sentence in block.sentences
    ]
    targets = chosen.translate_batch([sentence.text for _, _, sentence in located])
    if len(targets) != len(located):
        raise TranslationFailed(
            f"{chosen.name} returned {len(targets)} translations for {len(located)} sentences"
        )
    if progress is not None:
        progress(len(located), len(located))
    pairs = tuple(
        Pair(source=sentence, target=target, block_index=index, block_kind=block.kind, engine=chosen.name)
        for (index, block, sentence), target in zip(located, targets, strict=True)
    )
    return BilingualDocument(document=document, pairs=pairs, provenance=chosen.provenance())
