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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bireader.model import Document, Sentence

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
