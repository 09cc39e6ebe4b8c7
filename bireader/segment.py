"""Spanish sentence segmentation with character offsets.

PLACEHOLDER: a naive splitter so the pipeline runs end to end; the real rules
replace it (issue: foundation / segmentation).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bireader.model import Document, Sentence

_BOUNDARY = re.compile(r"(?<=[.!?…])\s+(?=[¿¡«\"“A-ZÁÉÍÓÚÑ])|\n+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences in ``text[start:end]``, whitespace trimmed."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _BOUNDARY.finditer(text, start, stop):
        spans.extend(_trimmed(text, pos, match.start()))
        pos = match.end()
    spans.extend(_trimmed(text, pos, stop))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if start < end else []


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (the pysbd/sentencex contract).

    >>> split_sentences("Hola. ¿Qué tal?")
    ['Hola.', '¿Qué tal?']
    """
    return [text[s:e] for s, e in sentence_spans(text)]


def segment_document(document: Document) -> Document:
    """A new ``Document`` whose blocks carry their sentences with offsets."""
    blocks = tuple(
        replace(
            block,
            sentences=tuple(
                Sentence(document.text[s:e], s, e)
                for s, e in sentence_spans(document.text, block.start, block.end)
            ),
        )
        for block in document.blocks
    )
    return replace(document, blocks=blocks)
