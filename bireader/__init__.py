"""bireader: Spanish articles -> sentences -> offline English -> bilingual HTML or TMX.

>>> import bireader
>>> doc = bireader.read("Hola. Adiós.")
>>> [s.text for s in doc.sentences()]
['Hola.', 'Adiós.']
"""

import logging as _logging

from bireader._version import __version__
from bireader.alignment import align
from bireader.corpus import ArticleResult, BatchSummary, batch, iter_batch
from bireader.errors import (
    BireaderError,
    CacheError,
    EngineError,
    EngineUnavailable,
    ExportError,
    InputError,
    InvalidOption,
    ModelNotInstalled,
    TranslationFailed,
)
from bireader.formats.base import export
from bireader.formats.tmx import read_tmx
from bireader.model import (
    BilingualDocument,
    Block,
    Document,
    Pair,
    Provenance,
    Repair,
    Sentence,
    Word,
)
from bireader.reading import read
from bireader.segment import segment_document, split_sentences
from bireader.translation.pipeline import translate
from bireader.words import analyze

__all__ = [
    "ArticleResult",
    "BatchSummary",
    "BilingualDocument",
    "BireaderError",
    "Block",
    "CacheError",
    "Document",
    "EngineError",
    "EngineUnavailable",
    "ExportError",
    "InputError",
    "InvalidOption",
    "ModelNotInstalled",
    "Pair",
    "Provenance",
    "Repair",
    "Sentence",
    "TranslationFailed",
    "Word",
    "__version__",
    "align",
    "analyze",
    "batch",
    "export",
    "iter_batch",
    "read",
    "read_tmx",
    "segment_document",
    "split_sentences",
    "translate",
]

# The library logs; the application decides whether and where warnings show.
_logging.getLogger("bireader").addHandler(_logging.NullHandler())
