"""The values that flow through bireader: read -> segment -> translate -> export.

Every value is a frozen dataclass holding tuples, so no stage can change what an
earlier stage produced. Offsets are character offsets into ``Document.text``:

>>> doc = Document(text="Hola. Adiós.", blocks=(
...     Block("paragraph", 0, 12, (Sentence("Hola.", 0, 5), Sentence("Adiós.", 6, 12))),))
>>> [doc.text[s.start:s.end] for s in doc.sentences()]
['Hola.', 'Adiós.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Literal, cast, get_args

from bireader._version import __version__

BlockKind = Literal["heading", "paragraph", "caption", "list_item", "quote"]
BLOCK_KINDS: tuple[str, ...] = get_args(BlockKind)
RepairKind = Literal["retried", "fallback"]
REPAIR_KINDS: tuple[str, ...] = get_args(RepairKind)


def block_kind(value: object, default: BlockKind | None = "paragraph") -> BlockKind:
    """``value`` when it names a block kind, else ``default`` (``ValueError`` if None).

    >>> block_kind("quote"), block_kind("byline"), block_kind(None)
    ('quote', 'paragraph', 'paragraph')
    """
    if isinstance(value, str) and value in BLOCK_KINDS:
        return cast(BlockKind, value)
    if default is None:
        raise ValueError(f"unknown block kind {value!r} (known: {', '.join(BLOCK_KINDS)})")
    return default


_LANG_TAG = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")
_LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}


def language_tag(code: object, language: str | None = None) -> str:
    """``code`` as a BCP 47-like tag (``es``, ``es-ES``; ``_`` read as ``-``), else ``ValueError``.

    With ``language``, the tag must name it (``es-MX`` names ``es``): a swapped pair
    would label Spanish as English. The one parser of language codes, for ``--lang-codes``,
    TMX ``xml:lang`` and a JSON file's ``source_lang``/``target_lang``.

    >>> language_tag("es_ES", "es")
    'es-ES'
    >>> language_tag("en' onmouseover=x")
    Traceback (most recent call last):
    ValueError: not a language code: "en' onmouseover=x" (expected e.g. 'es' or 'es-ES')
    """
    if not isinstance(code, str) or not _LANG_TAG.fullmatch(code):
        shown = repr(code)[:40]
        raise ValueError(f"not a language code: {shown} (expected e.g. 'es' or 'es-ES')")
    tag = code.replace("_", "-")
    if language is not None and tag.split("-")[0].lower() != language.split("-")[0].lower():
        name = _LANGUAGE_NAMES.get(language.split("-")[0].lower(), repr(language))
        raise ValueError(f"language code {tag!r} does not name {name}")
    return tag


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already.

    >>> utc(datetime(2026, 1, 2, 3, 4, 5)).isoformat()
    '2026-01-02T03:04:05+00:00'
    """
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _frozen_mapping(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``document.text[start:end] == text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, caption, list item or quote and its sentences.

    ``start``/``end`` delimit the whole block in ``Document.text``.
    """

    kind: BlockKind
    start: int
    end: int
    sentences: tuple[Sentence, ...] = ()


def lay_out(blocks: Iterable[tuple[BlockKind, Sequence[str]]]) -> tuple[str, tuple[Block, ...]]:
    """Join blocks of sentence texts into one text with offsets.

    Sentences are joined by a space and blocks by a blank line; a block with no
    sentences makes none.
    """
    parts: list[str] = []
    built: list[Block] = []
    at = 0
    for kind, sentences in blocks:
        if not sentences:
            continue
        if parts:
            parts.append("\n\n")
            at += 2
        start = at
        placed: list[Sentence] = []
        for n, text in enumerate(sentences):
            if n:
                parts.append(" ")
                at += 1
            placed.append(Sentence(text, at, at + len(text)))
            parts.append(text)
            at += len(text)
        built.append(Block(kind, start, at, tuple(placed)))
    return "".join(parts), tuple(built)


@dataclass(frozen=True, slots=True)
class Document:
    """A source article: its (normalized) text and the blocks found in it."""

    text: str
    blocks: tuple[Block, ...]
    lang: str = "es"
    title: str | None = None
    source: str | None = None
    """Where the text came from: a path, ``"<stdin>"``, ``"<string>"``."""
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", _frozen_mapping(self.metadata))

    def sentences(self) -> Iterator[Sentence]:
        """All sentences in document order."""
        for block in self.blocks:
            yield from block.sentences


@dataclass(frozen=True, slots=True)
class Provenance:
    """How a translation was made, enough to reproduce it."""

    engine: str
    engine_version: str
    model: str | None = None
    model_version: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", _frozen_mapping(self.options))

    def signature(self) -> str:
        """A compact, stable string naming engine, model and options.

        >>> Provenance("apertium", "3.8.3", "spa-eng", "0.8.0", {"unknown": "off"}).signature()
        'apertium:3.8.3|model:spa-eng@0.8.0|unknown=off'
        """
        parts = [f"{self.engine}:{self.engine_version}" if self.engine_version else self.engine]
        if self.model:
            parts.append(f"model:{self.model}@{self.model_version or '?'}")
        parts.extend(f"{key}={self.options[key]}" for key in sorted(self.options))
        return "|".join(parts)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a source sentence, explained: ``document.text[start:end] == text``.

    ``upos`` is a Universal Dependencies part-of-speech tag (``NOUN``, ``VERB``...),
    ``features`` UD morphological features (``Mood=Ind|Number=Plur``, or ``""``),
    ``glosses`` English glosses, best first for this sentence. A contraction or a
    verb with enclitics keeps its ``parts`` (``del`` -> ``de`` + ``el``), each part
    spanning the same characters as the whole. A multiword expression (``rueda de
    prensa``) is one ``Word`` whose ``text`` holds the spaces between its words, with
    its own lemma and glosses; its ``parts`` are its words (``rueda``, ``de``,
    ``prensa``), each spanning its own characters inside the whole, each analysed and
    glossed on its own.
    """

    text: str
    start: int
    end: int
    lemma: str
    upos: str
    features: str = ""
    glosses: tuple[str, ...] = ()
    parts: tuple[Word, ...] = ()
    known: bool = True
    """False when the analyser did not recognise the word (the lemma is a guess)."""
    untranslated: bool = False
    """True when the sentence's translation left this Spanish word as it was."""


UNPAIRED = "unpaired"
"""The flag of an aligned sentence with no counterpart on the other side."""
LOW_CONFIDENCE = "low-confidence"
"""The flag of an aligned link the aligner is not sure of."""


@dataclass(frozen=True, slots=True)
class Repair:
    """How a flagged translation was replaced: the record of the quality guard's repair.

    ``kind`` is ``"retried"`` (the same engine's safer decoding) or ``"fallback"``
    (another engine); ``first_flags`` are the flags the guard raised on the first
    output, the one that was replaced. The flags the kept output still carries are
    the pair's own ``flags``.

    >>> Repair("fallback", ("repetition",))
    Repair(kind='fallback', first_flags=('repetition',))
    """

    kind: RepairKind
    first_flags: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in REPAIR_KINDS:
            known = ", ".join(REPAIR_KINDS)
            raise ValueError(f"unknown repair kind {self.kind!r} (known: {known})")


def legacy_repair(flags: tuple[str, ...]) -> tuple[tuple[str, ...], Repair | None]:
    """Split flags written before ``Repair`` existed into live flags and the repair.

    Older exports recorded a repair as ``"retried:<flag>"``/``"fallback:<flag>"``
    strings among the flags; readers of those versions turn them into a ``Repair``.

    >>> legacy_repair(("repetition", "retried:repetition"))
    (('repetition',), Repair(kind='retried', first_flags=('repetition',)))
    >>> legacy_repair(("empty",))
    (('empty',), None)
    """
    live: list[str] = []
    kind: str | None = None
    first: list[str] = []
    for flag in flags:
        head, sep, tail = flag.partition(":")
        if sep and head in REPAIR_KINDS:
            kind = head
            first.append(tail)
        else:
            live.append(flag)
    repair = Repair(cast(RepairKind, kind), tuple(first)) if kind is not None else None
    return tuple(live), repair


@dataclass(frozen=True, slots=True)
class Pair:
    """A source sentence and its one translation."""

    source: Sentence
    target: str
    block_index: int
    block_kind: BlockKind
    engine: str
    """Name of the engine that produced ``target`` (a fallback may differ from the primary)."""
    flags: tuple[str, ...] = ()
    """Quality-guard flags of the kept output, e.g. ``("repetition",)``; empty when it
    looked sane (for a repaired pair, what the first output was flagged with is in
    ``repair``)."""
    words: tuple[Word, ...] = ()
    """The source sentence's words, explained (``bireader.analyze``); empty until analysed."""
    link: int | None = None
    """Aligned documents (``bireader.align``): the number of the link this pair belongs to.

    Consecutive pairs sharing a link form one row: a 2-1 or 2-2 link is two pairs, the
    first holding the link's whole English in ``target``, the second an empty one. A 1-2
    link is one pair whose ``target`` joins both English sentences. None for a translation.
    """
    confidence: float | None = None
    """Aligned documents: how sure the aligner is of this link, 0-1; None for a translation."""
    repair: Repair | None = None
    """Set when the quality guard replaced a flagged first output (``Repair``); None
    when the first output was kept."""

    @property
    def unpaired(self) -> bool:
        """An aligned sentence with no counterpart: Spanish with no English (1-0), or
        English with no Spanish (0-1; ``source`` is then an empty sentence where it
        would have been, so ``document.text[start:end] == ""``).
        """
        return UNPAIRED in self.flags


@dataclass(frozen=True, slots=True)
class BilingualDocument:
    """A document with exactly one translation per source sentence, in order."""

    document: Document
    pairs: tuple[Pair, ...]
    provenance: Provenance
    target_lang: str = "en"
    created: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    bireader_version: str = __version__

    def __post_init__(self) -> None:
        # Every exporter writes times in UTC: normalized once here, not in each of them.
        object.__setattr__(self, "created", utc(self.created))

    def links(self) -> Iterator[tuple[Pair, ...]]:
        """The pairs grouped into rows: consecutive pairs sharing a ``link`` form one row
        (a merged link of an aligned document); every other pair is a row of its own.
        """
        row: list[Pair] = []
        for pair in self.pairs:
            if row and (pair.link is None or pair.link != row[-1].link):
                yield tuple(row)
                row = []
            row.append(pair)
        if row:
            yield tuple(row)

    def blocks(self) -> Iterator[tuple[Block, tuple[Pair, ...]]]:
        """Each block of the source document with its pairs, in order."""
        by_block: dict[int, list[Pair]] = {}
        for pair in self.pairs:
            by_block.setdefault(pair.block_index, []).append(pair)
        for index, block in enumerate(self.document.blocks):
            yield block, tuple(by_block.get(index, ()))
