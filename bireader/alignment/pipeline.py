"""``align(es_doc, en_doc) -> BilingualDocument``: the Spanish with its human English."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bireader.errors import InputError
from bireader.model import (
    LOW_CONFIDENCE,
    UNPAIRED,
    BilingualDocument,
    Document,
    Pair,
    Provenance,
    Sentence,
)

if TYPE_CHECKING:
    from bireader.alignment.dp import Link, Side, Weights
    from bireader.translation.base import Engine, ProgressCallback
    from bireader.translation.cache import TranslationCache

log = logging.getLogger(__name__)

ALIGNER = "bireader-align"
ALIGNER_VERSION = "1"
"""Bumped whenever the same input may align differently."""
HUMAN = "human"
"""``Pair.engine`` and ``Provenance.engine`` of a human translation."""


def align(
    source: Document,
    target: Document,
    engine: str | Engine = "apertium",
    *,
    cache: bool | TranslationCache | str | os.PathLike[str] | None = True,
    progress: ProgressCallback | None = None,
    weights: Weights | None = None,
    band: int = 12,
    **options: Any,
) -> BilingualDocument:
    """Align ``source`` (Spanish) with ``target``, its existing English translation.

    ``engine`` translates the Spanish once, for the aligner's own use (Apertium by
    default; any bireader engine name, ``"auto"`` or an engine instance); ``cache``,
    ``progress`` and ``options`` go to :func:`bireader.translate`. Every Spanish
    sentence gets one pair whose ``target`` is its human English; see ``Pair.link``,
    ``Pair.confidence`` and ``Pair.unpaired`` for merges, splits and sentences with
    no counterpart. The provenance names the translation ``human``, the aligner and
    the MT used to align.
    """
    from bireader.translation.pipeline import translate

    for name, value in (("source", source), ("target", target)):
        if not isinstance(value, Document):
            raise InputError(
                f"align() takes two Documents (bireader.read(..., lang=...)); "
                f"{name} is a {type(value).__name__}"
            )
    es_sentences = list(source.sentences())
    en_sentences = list(target.sentences())
    machine = translate(source, engine, cache=cache, progress=progress, fallback=False, **options)
    mt = [pair.target for pair in machine.pairs]
    links = align_sentences(
        [s.text for s in es_sentences],
        [s.text for s in en_sentences],
        mt,
        source_blocks=_block_of(source),
        target_blocks=_block_of(target),
        weights=weights,
        band=band,
    )
    pairs = _pairs(source, en_sentences, links, weights)
    mt_prov = machine.provenance
    prov_options = {
        "translation": HUMAN,
        "aligner": f"{ALIGNER} {ALIGNER_VERSION}",
        "alignment-mt": mt_prov.signature(),
    }
    if target.source:
        prov_options["target-source"] = target.source
    provenance = Provenance(engine=HUMAN, engine_version="", options=prov_options)
    shapes: dict[str, int] = {}
    for link in links:
        shapes[link.shape] = shapes.get(link.shape, 0) + 1
    log.info(
        "aligned %d Spanish and %d English sentences: %s",
        len(es_sentences),
        len(en_sentences),
        ", ".join(f"{count} {shape}" for shape, count in sorted(shapes.items())),
    )
    return BilingualDocument(
        document=source, pairs=pairs, provenance=provenance, target_lang=target.lang or "en"
    )


def _block_of(document: Document) -> list[tuple[int, str]]:
    return [
        (index, block.kind) for index, block in enumerate(document.blocks) for _ in block.sentences
    ]


def align_sentences(
    source: Sequence[str],
    target: Sequence[str],
    source_mt: Sequence[str],
    *,
    source_blocks: Sequence[tuple[int, str]] | None = None,
    target_blocks: Sequence[tuple[int, str]] | None = None,
    weights: Weights | None = None,
    band: int = 12,
) -> list[Link]:
    """Links between ``source`` and ``target`` sentences, given the MT of ``source``.

    ``*_blocks`` give each sentence's (block index, block kind); without them every
    sentence is a paragraph of its own. Every link has a confidence (0-1).
    """
    from bireader.alignment import anchors, dp, similarity

    if len(source_mt) != len(source):
        raise ValueError("source_mt must hold one translation per source sentence")
    weights = weights or dp.Weights()
    es_vectors, en_vectors = similarity.vectors(source_mt, target)

    def side(
        texts: Sequence[str], lang: str, blocks: Sequence[tuple[int, str]] | None, vectors: Any
    ) -> Side:
        placed = (
            list(blocks) if blocks is not None else [(i, "paragraph") for i in range(len(texts))]
        )
        return dp.Side(
            lengths=[len(text) for text in texts],
            anchors=[frozenset(anchors.anchors(text, lang)) for text in texts],
            blocks=[index for index, _ in placed],
            kinds=[kind for _, kind in placed],
            vectors=vectors,
        )

    es = side(source, "es", source_blocks, es_vectors)
    en = side(target, "en", target_blocks, en_vectors)
    return dp.search(es, en, weights, band=band)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _pairs(
    document: Document,
    en_sentences: Sequence[Sentence],
    links: Sequence[Link],
    weights: Weights | None,
) -> tuple[Pair, ...]:
    from bireader.alignment.dp import Weights

    low = (weights or Weights()).low_confidence
    located = [
        (index, block, sentence)
        for index, block in enumerate(document.blocks)
        for sentence in block.sentences
    ]
    pairs: list[Pair] = []
    # Where an English-only sentence goes: after the last Spanish sentence placed.
    at = located[0][2].start if located else 0
    at_block = 0
    for number, link in enumerate(links):
        english = " ".join(en_sentences[j].text for j in link.target)
        flags: tuple[str, ...] = ()
        if not link.source or not link.target:
            flags = (UNPAIRED,)
        if link.confidence < low:
            flags = (*flags, LOW_CONFIDENCE)
        confidence = round(link.confidence, 3)
        if not link.source:
            kind = document.blocks[at_block].kind if document.blocks else "paragraph"
            pairs.append(
                Pair(
                    Sentence("", at, at),
                    english,
                    at_block,
                    kind,
                    HUMAN,
                    flags,
                    link=number,
                    confidence=confidence,
                )
            )
            continue
        for n, i in enumerate(link.source):
            index, block, sentence = located[i]
            pairs.append(
                Pair(
                    sentence,
                    english if n == 0 else "",
                    index,
                    block.kind,
                    HUMAN,
                    flags,
                    link=number,
                    confidence=confidence,
                )
            )
            at, at_block = sentence.end, index
    return tuple(pairs)
