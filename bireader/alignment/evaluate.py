"""Gold alignments and the strict link F1 that ``benchmarks/align.py`` and the tests report.

A gold file (``tests/data/align/NAME.links.tsv``) has one link per line: Spanish sentence
indices, a tab, English sentence indices (0-based, comma-separated, ``-`` for none);
``#`` starts a comment. Unpaired sentences are links of their own (1-0, 0-1).

>>> gold = parse_links("0\\t0,1\\n1,2\\t2\\n3\\t-\\n")
>>> gold
[((0,), (0, 1)), ((1, 2), (2,)), ((3,), ())]
>>> link_scores(gold, [((0,), (0, 1)), ((1,), (2,)), ((2,), ()), ((3,), ())]).f1
0.571
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bireader.model import BlockKind, Document, Sentence, lay_out

LinkPair = tuple[tuple[int, ...], tuple[int, ...]]


def _indices(field: str) -> tuple[int, ...]:
    field = field.strip()
    if field in ("", "-"):
        return ()
    return tuple(int(part) for part in field.split(","))


def parse_links(text: str) -> list[LinkPair]:
    """The links of a gold ``.links.tsv`` text."""
    links: list[LinkPair] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise ValueError(f"line {number}: expected two tab-separated fields: {line!r}")
        links.append((_indices(fields[0]), _indices(fields[1])))
    return links


def check_links(links: Sequence[LinkPair], n: int, m: int) -> None:
    """``ValueError`` unless ``links`` cover 0..n-1 and 0..m-1 once each, in order."""
    expected_es, expected_en = 0, 0
    for source, target in links:
        if not source and not target:
            raise ValueError("a link with no sentence on either side")
        for index in source:
            if index != expected_es:
                raise ValueError(f"Spanish sentence {expected_es} expected, found {index}")
            expected_es += 1
        for index in target:
            if index != expected_en:
                raise ValueError(f"English sentence {expected_en} expected, found {index}")
            expected_en += 1
    if (expected_es, expected_en) != (n, m):
        raise ValueError(f"links cover {expected_es}/{n} Spanish, {expected_en}/{m} English")


def _canonical(links: Iterable[LinkPair]) -> set[LinkPair]:
    # An unpaired run counts one link per sentence, however it was written.
    out: set[LinkPair] = set()
    for source, target in links:
        if source and target:
            out.add((tuple(source), tuple(target)))
        else:
            out.update(((s,), ()) for s in source)
            out.update(((), (t,)) for t in target)
    return out


@dataclass(frozen=True, slots=True)
class LinkScores:
    """Strict link precision, recall and F1 (rounded to 3 places), and unpaired found."""

    precision: float
    recall: float
    f1: float
    unpaired_gold: int
    """Sentences the gold leaves unpaired (1-0 and 0-1)."""
    unpaired_found: int
    """Of those, how many the test alignment also left unpaired."""


def link_scores(gold: Iterable[LinkPair], test: Iterable[LinkPair]) -> LinkScores:
    """Strict link scores: a test link counts only if the gold has exactly that link.

    As in vecalign's ``score.py``, 1-0 and 0-1 links count like the others.
    """
    gold_set, test_set = _canonical(gold), _canonical(test)
    hits = len(gold_set & test_set)
    precision = hits / len(test_set) if test_set else 0.0
    recall = hits / len(gold_set) if gold_set else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    unpaired = {link for link in gold_set if not link[0] or not link[1]}
    return LinkScores(
        round(precision, 3),
        round(recall, 3),
        round(f1, 3),
        len(unpaired),
        len(unpaired & test_set),
    )


def with_sentences(document: Document, sentences: Sequence[str]) -> Document:
    """``document`` re-split into the given (gold) sentences, each in the block holding it.

    Each sentence is found in ``document.text`` after the previous one; ``ValueError`` if
    one is missing. Blocks keep their kind and span.
    """
    from dataclasses import replace

    found: list[Sentence] = []
    at = 0
    for text in sentences:
        start = document.text.find(text, at)
        if start < 0:
            raise ValueError(f"gold sentence not found in the text after offset {at}: {text!r}")
        found.append(Sentence(text, start, start + len(text)))
        at = start + len(text)
    blocks = []
    for block in document.blocks:
        inside = tuple(s for s in found if block.start <= s.start and s.end <= block.end)
        blocks.append(replace(block, sentences=inside))
    placed = sum(len(b.sentences) for b in blocks)
    if placed != len(found):
        raise ValueError(f"{len(found) - placed} gold sentence(s) straddle a block boundary")
    return replace(document, blocks=tuple(blocks))


@dataclass(frozen=True, slots=True)
class GoldPair:
    """A hand-aligned pair: both articles split into their gold sentences, and the links."""

    name: str
    source: Document
    target: Document
    links: list[LinkPair]


def load_gold(directory: str | os.PathLike[str], name: str) -> GoldPair:
    """Read ``NAME.es.txt``, ``NAME.en.txt``, their ``.sentences.txt`` and ``NAME.links.tsv``."""
    from bireader.reading import read

    folder = Path(directory)
    documents = []
    for lang in ("es", "en"):
        document = read(folder / f"{name}.{lang}.txt", lang=lang)
        lines = (folder / f"{name}.{lang}.sentences.txt").read_text(encoding="utf-8").splitlines()
        documents.append(with_sentences(document, [line for line in lines if line.strip()]))
    links = parse_links((folder / f"{name}.links.tsv").read_text(encoding="utf-8"))
    check_links(
        links, sum(1 for _ in documents[0].sentences()), sum(1 for _ in documents[1].sentences())
    )
    return GoldPair(name, documents[0], documents[1], links)


def gold_names(directory: str | os.PathLike[str]) -> list[str]:
    """The names of the gold pairs in ``directory`` (one per ``NAME.links.tsv``)."""
    return sorted(
        path.name.removesuffix(".links.tsv") for path in Path(directory).glob("*.links.tsv")
    )


_DIGITS = re.compile(r"\d+")


def _shift_numbers(text: str, by: int) -> str:
    # Every run of digits moves by the same amount on both sides: the copies differ (so
    # neither the translation cache nor de-duplication sees a repeat) and anchors hold.
    return _DIGITS.sub(lambda m: str(int(m.group()) + by), text) if by else text


def _build(blocks: list[tuple[BlockKind, list[str]]], lang: str, name: str) -> Document:
    text, built = lay_out(blocks)
    return Document(text, built, lang=lang, source=name)


def repeated(pairs: Sequence[GoldPair], sentences: int, seed: int = 1) -> GoldPair:
    """A long gold pair made of ``pairs`` repeated until the Spanish has ``sentences``
    sentences or more, with edits in every copy: numbers shifted, one more English
    sentence dropped (1-0) and one English-only sentence added (0-1)."""
    import random

    rng = random.Random(seed)
    es_blocks: list[tuple[BlockKind, list[str]]] = []
    en_blocks: list[tuple[BlockKind, list[str]]] = []
    links: list[LinkPair] = []
    es_count = en_count = 0
    copy = 0
    while es_count < sentences:
        for pair in pairs:
            es_list = [(b.kind, [s.text for s in b.sentences]) for b in pair.source.blocks]
            en_where = [
                (bi, si)
                for bi, block in enumerate(pair.target.blocks)
                for si in range(len(block.sentences))
            ]
            ones = [k for k, (s, t) in enumerate(pair.links) if len(s) == 1 and len(t) == 1]
            dropped = rng.choice(ones)
            added_after = rng.choice([k for k in ones if k != dropped])
            en_texts = [s.text for s in pair.target.sentences()]
            en_out: dict[int, list[str]] = {}
            kinds = [b.kind for b in pair.target.blocks]
            for k, (source, target) in enumerate(pair.links):
                new_target: list[int] = []
                if k != dropped:
                    for t in target:
                        block = en_where[t][0]
                        en_out.setdefault(block, []).append(_shift_numbers(en_texts[t], copy))
                        new_target.append(en_count)
                        en_count += 1
                shifted = tuple(es_count + s for s in source)
                if source or new_target:
                    links.append((shifted, tuple(new_target)))
                if k == added_after:
                    block = en_where[target[-1]][0]
                    en_out.setdefault(block, []).append(
                        f"Editor's note {copy + 1}: this line was added for readers abroad."
                    )
                    links.append(((), (en_count,)))
                    en_count += 1
            for kind, texts in es_list:
                es_blocks.append((kind, [_shift_numbers(t, copy) for t in texts]))
                es_count += len(texts)
            en_blocks.extend((kinds[b], en_out.get(b, [])) for b in range(len(kinds)))
        copy += 1
    return GoldPair(
        f"repeated-{sentences}",
        _build(es_blocks, "es", "<repeated>"),
        _build(en_blocks, "en", "<repeated>"),
        links,
    )
