"""The alignment search: dynamic programming over a band around the diagonal.

A *link* joins 0-2 consecutive Spanish sentences to 0-2 consecutive English ones
(1-1, 1-2, 2-1, 2-2, 1-0, 0-1). Its gain adds up, each weighted by :class:`Weights`:

- similarity: how far the cosine of the link's n-gram vectors (MT of the Spanish
  against the English, :mod:`bireader.alignment.similarity`) lies above ``threshold``,
  times the number of sentences it covers; a sentence left unpaired gains 0, so a link
  is made only where its sentences look more alike than unrelated sentences do;
- anchors shared by both sides (numbers, URLs, e-mail addresses, names);
- Gale–Church's length prior (the log-probability of the length difference);
- blocks: a link whose sentences all lie in one block on each side, of the same kind,
  is preferred to one crossing blocks;
- a penalty for each kind of many-to-many link, so 2-2 is chosen only when it pays.

The DP keeps, for each count ``i`` of Spanish sentences, only English counts within
``band`` of where the lengths say they should be; if the best path comes near the
edge of the band, the band is doubled and the search run again. Time and memory are
linear in the number of sentences for a fixed band.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MOVES: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))
"""Link shapes: (Spanish sentences, English sentences)."""


@dataclass(frozen=True, slots=True)
class Weights:
    """The aligner's knobs (defaults tuned on ``tests/data/align``; see docs/align.md)."""

    threshold: float = 0.2
    """Cosine above which sentences look related (unrelated pairs score ~0.05-0.15)."""
    anchor: float = 0.25
    """Gain per anchor shared by both sides of a link."""
    anchor_cap: int = 4
    length: float = 0.08
    """Weight of Gale–Church's log-probability of the lengths."""
    many: float = 0.1
    """Penalty of a 2-1 or 1-2 link."""
    many_many: float = 0.6
    """Penalty of a 2-2 link."""
    cross_block: float = 0.15
    """Penalty per block boundary a link crosses (a merge of two paragraphs' sentences)."""
    kind_mismatch: float = 0.3
    """Penalty of a link between a heading/caption/list item and another kind of block."""
    whole_block: float = 0.3
    """Gain of a link that is a whole block on each side, of the same kind (a heading
    for a heading, a caption for a caption, an item for an item)."""
    low_confidence: float = 0.5
    """Links with a confidence under this are flagged."""


@dataclass(frozen=True, slots=True)
class Link:
    """Spanish sentence indices, English sentence indices (either may be empty), confidence."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    confidence: float = 1.0
    similarity: float = 0.0

    @property
    def shape(self) -> str:
        """``"2-1"``, ``"1-0"``...

        >>> Link((3, 4), (5,)).shape
        '2-1'
        """
        return f"{len(self.source)}-{len(self.target)}"


@dataclass(slots=True)
class Side:
    """One language's sentences as the search sees them."""

    lengths: Sequence[int]
    anchors: Sequence[frozenset[str]]
    blocks: Sequence[int]
    """The block index of each sentence."""
    kinds: Sequence[str]
    """The block kind of each sentence."""
    vectors: NDArray[np.float32] = field(repr=False)


_LOG2 = math.log(2.0)


def _log_norm_sf(x: float) -> float:
    """log(1 - Phi(x)) for x >= 0, without underflow."""
    return math.log(max(0.5 * math.erfc(x / math.sqrt(2.0)), 1e-300))


def gale_church_logprob(source_length: int, target_length: int, ratio: float) -> float:
    """Gale & Church (1993): log P(the two lengths | the texts are translations).

    ``ratio`` is the expected target length per source character.

    >>> round(gale_church_logprob(100, 100, 1.0), 3)
    0.0
    >>> gale_church_logprob(100, 180, 1.0) < gale_church_logprob(100, 110, 1.0)
    True
    """
    variance = 6.8
    mean = (source_length + target_length / ratio) / 2
    if mean <= 0:
        return 0.0
    delta = (source_length * ratio - target_length) / math.sqrt(mean * variance)
    return _LOG2 + _log_norm_sf(abs(delta))


class _Scorer:
    """Link gains from banded 1-1 dot products (cosines of sums come from these)."""

    def __init__(self, es: Side, en: Side, weights: Weights, center: list[int], band: int):
        import numpy as np

        self.es, self.en, self.w = es, en, weights
        self.center, self.band = center, band
        n, m = len(es.lengths), len(en.lengths)
        self.n, self.m = n, m
        self.ratio = (sum(en.lengths) or 1) / (sum(es.lengths) or 1)
        width = 2 * band + 5
        self.width = width
        # dots[i, k] = es_i . en_(lo(i) + k), lo(i) = center[i] - band - 2
        self.dots = np.zeros((n, width), dtype=np.float32)
        chunk = 128
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            lo = max(0, min(self._lo(i) for i in range(start, stop)))
            hi = min(m, max(self._lo(i) + width for i in range(start, stop)))
            if hi <= lo:
                continue
            block = es.vectors[start:stop] @ en.vectors[lo:hi].T
            for i in range(start, stop):
                first = self._lo(i)
                a, b = max(first, lo), min(first + width, hi)
                if b > a:
                    self.dots[i, a - first : b - first] = block[i - start, a - lo : b - lo]
        self.es_next = (
            np.einsum("ij,ij->i", es.vectors[:-1], es.vectors[1:]) if n > 1 else np.zeros(0)
        )
        self.en_next = (
            np.einsum("ij,ij->i", en.vectors[:-1], en.vectors[1:]) if m > 1 else np.zeros(0)
        )

    def _lo(self, i: int) -> int:
        return self.center[min(i, len(self.center) - 1)] - self.band - 2

    def dot(self, i: int, j: int) -> float:
        k = j - self._lo(i)
        if 0 <= k < self.width:
            return float(self.dots[i, k])
        return float(self.es.vectors[i] @ self.en.vectors[j])

    def similarity(self, source: range, target: range) -> float:
        """Cosine of the summed vectors of ``source`` and ``target`` sentences."""
        num = sum(self.dot(i, j) for i in source for j in target)
        es_norm = len(source) + 2 * sum(float(self.es_next[i]) for i in source[:-1])
        en_norm = len(target) + 2 * sum(float(self.en_next[j]) for j in target[:-1])
        if es_norm <= 0 or en_norm <= 0:
            return 0.0
        return num / math.sqrt(es_norm * en_norm)

    @staticmethod
    def _whole(side: Side, first: int, count: int) -> bool:
        """Whether sentences first..first+count-1 are exactly one block."""
        blocks = side.blocks
        last = first + count - 1
        return (
            blocks[first] == blocks[last]
            and (first == 0 or blocks[first - 1] != blocks[first])
            and (last == len(blocks) - 1 or blocks[last + 1] != blocks[last])
        )

    def gain(self, i: int, j: int, a: int, b: int) -> tuple[float, float]:
        """(gain, similarity) of linking es[i:i+a] with en[j:j+b]."""
        w = self.w
        if a == 0 or b == 0:
            return 0.0, 0.0
        source, target = range(i, i + a), range(j, j + b)
        sim = self.similarity(source, target)
        gain = (a + b) * (sim - w.threshold)
        es_anchors = self.es.anchors[i] if a == 1 else self.es.anchors[i] | self.es.anchors[i + 1]
        en_anchors = self.en.anchors[j] if b == 1 else self.en.anchors[j] | self.en.anchors[j + 1]
        if es_anchors and en_anchors:
            gain += w.anchor * min(len(es_anchors & en_anchors), w.anchor_cap)
        es_length = sum(self.es.lengths[k] for k in source)
        en_length = sum(self.en.lengths[k] for k in target)
        gain += w.length * gale_church_logprob(es_length, en_length, self.ratio)
        if a == 2 and b == 2:
            gain -= w.many_many
        elif a == 2 or b == 2:
            gain -= w.many
        crossings = (a == 2 and self.es.blocks[i] != self.es.blocks[i + 1]) + (
            b == 2 and self.en.blocks[j] != self.en.blocks[j + 1]
        )
        gain -= w.cross_block * crossings
        if self.es.kinds[i] != self.en.kinds[j]:
            gain -= w.kind_mismatch
        elif (
            self.es.kinds[i] != "paragraph"
            and self._whole(self.es, i, a)
            and self._whole(self.en, j, b)
        ):
            gain += w.whole_block
        return gain, sim


def diagonal(es_lengths: Sequence[int], en_lengths: Sequence[int]) -> list[int]:
    """For each count ``i`` of Spanish sentences (0..n), the English count at the same
    share of the text's characters.

    >>> diagonal([10, 10, 10], [5, 20, 5])
    [0, 1, 2, 3]
    """
    n, m = len(es_lengths), len(en_lengths)
    total_es = sum(es_lengths) or 1
    total_en = sum(en_lengths) or 1
    center = [0] * (n + 1)
    done = 0
    j = 0
    cumulative_en = 0.0
    for i in range(n + 1):
        share = done / total_es
        while j < m and (cumulative_en + en_lengths[j] / 2) / total_en < share:
            cumulative_en += en_lengths[j]
            j += 1
        center[i] = j
        if i < n:
            done += es_lengths[i]
    center[n] = m
    return center


def search(es: Side, en: Side, weights: Weights, band: int = 24) -> list[Link]:
    """The best sequence of links covering every sentence of both sides, in order."""
    n, m = len(es.lengths), len(en.lengths)
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
    center = diagonal(es.lengths, en.lengths)
    while True:
        band = max(band, abs(n - m) + 4) if max(n, m) <= 64 else band
        links, touched = _search(es, en, weights, center, band)
        if not touched or band >= max(n, m):
            return links
        band *= 2


def _search(
    es: Side, en: Side, weights: Weights, center: list[int], band: int
) -> tuple[list[Link], bool]:
    n, m = len(es.lengths), len(en.lengths)
    scorer = _Scorer(es, en, weights, center, band)
    neg = -math.inf
    width = 2 * band + 1
    # score[i][k]: best gain with i Spanish and j = center[i] - band + k English sentences.
    score = [[neg] * width for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * width for _ in range(n + 1)]
    score[0][band - center[0]] = 0.0 if 0 <= band - center[0] < width else neg
    for i in range(n + 1):
        base = center[i] - band
        row = score[i]
        for k in range(width):
            j = base + k
            if j < 0 or j > m:
                continue
            best = row[k]
            choice = back[i][k]
            for a, b in MOVES:
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                pk = pj - (center[pi] - band)
                if not 0 <= pk < width:
                    continue
                previous = score[pi][pk]
                if previous == neg:
                    continue
                gain, sim = scorer.gain(pi, pj, a, b)
                total = previous + gain
                if total > best:
                    best, choice = total, (a, b, sim)
            row[k] = best
            back[i][k] = choice
    k = m - (center[n] - band)
    if not 0 <= k < width or score[n][k] == neg:
        return [], True
    moves: list[tuple[int, int, int, int, float]] = []
    i, j = n, m
    touched = False
    while i > 0 or j > 0:
        k = j - (center[i] - band)
        if 0 < i < n and (k <= 1 or k >= width - 2):
            touched = True
        step = back[i][k]
        if step is None:
            return [], True
        a, b, sim = step
        moves.append((i - a, j - b, a, b, sim))
        i, j = i - a, j - b
    moves.reverse()
    links: list[Link] = []
    for pi, pj, a, b, sim in moves:
        if a and b:
            source, target = tuple(range(pi, pi + a)), tuple(range(pj, pj + b))
            links.append(Link(source, target, _confidence(scorer, source, target, sim), sim))
        else:
            for x in range(pi, pi + a):
                links.append(Link((x,), (), _unpaired_confidence(scorer, x, None), 0.0))
            for y in range(pj, pj + b):
                links.append(Link((), (y,), _unpaired_confidence(scorer, None, y), 0.0))
    return links, touched


_WINDOW = 3


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _confidence(
    scorer: _Scorer, source: tuple[int, ...], target: tuple[int, ...], sim: float
) -> float:
    """How sure a link is: its similarity above the threshold, its margin over the best
    rival sentence nearby (vecalign's idea), shared anchors and a matching block."""
    rivals = [0.0]
    for i in source:
        rivals.extend(
            scorer.dot(i, j)
            for j in range(max(0, target[0] - _WINDOW), min(scorer.m, target[-1] + _WINDOW + 1))
            if j not in target
        )
    for j in target:
        rivals.extend(
            scorer.dot(i, j)
            for i in range(max(0, source[0] - _WINDOW), min(scorer.n, source[-1] + _WINDOW + 1))
            if i not in source
        )
    margin = sim - max(rivals)
    es_anchors = frozenset().union(*(scorer.es.anchors[i] for i in source))
    en_anchors = frozenset().union(*(scorer.en.anchors[j] for j in target))
    shared = min(len(es_anchors & en_anchors), 4)
    whole = (
        scorer.es.kinds[source[0]] == scorer.en.kinds[target[0]] != "paragraph"
        and scorer._whole(scorer.es, source[0], len(source))
        and scorer._whole(scorer.en, target[0], len(target))
    )
    z = 6 * (sim - scorer.w.threshold) + 6 * margin + 0.5 * shared + (0.8 if whole else 0) - 1.0
    return _sigmoid(z)


def _unpaired_confidence(scorer: _Scorer, i: int | None, j: int | None) -> float:
    """How sure it is that a sentence has no counterpart: its best match nearby is weak."""
    if i is not None:
        center = scorer.center[i]
        best = max(
            [0.0]
            + [
                scorer.dot(i, k)
                for k in range(max(0, center - _WINDOW), min(scorer.m, center + _WINDOW + 1))
            ]
        )
    elif j is not None:
        # center is non-decreasing: the Spanish sentences near English j form one range.
        first = bisect.bisect_left(scorer.center, j - _WINDOW)
        last = min(scorer.n, bisect.bisect_right(scorer.center, j + _WINDOW))
        best = max([0.0] + [scorer.dot(k, j) for k in range(first, last)])
    else:
        best = 0.0
    return _sigmoid(8 * (scorer.w.threshold - best) + 0.5)


_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}


def length_only(es_lengths: Sequence[int], en_lengths: Sequence[int]) -> list[Link]:
    """Gale & Church (1993) alone: the baseline ``benchmarks/align.py`` compares against.

    Full dynamic programming (no band) over sentence lengths in characters, with the
    paper's link priors and variance and the texts' own length ratio.

    >>> [link.shape for link in length_only([10, 50, 52], [11, 100])]
    ['1-1', '2-1']
    """
    n, m = len(es_lengths), len(en_lengths)
    ratio = (sum(en_lengths) or 1) / (sum(es_lengths) or 1)
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for (a, b), prior in _PRIORS.items():
                if i < a or j < b or cost[i - a][j - b] == math.inf:
                    continue
                es_length = sum(es_lengths[i - a : i])
                en_length = sum(en_lengths[j - b : j])
                if a and b:
                    step = -gale_church_logprob(es_length, en_length, ratio)
                else:
                    # An unpaired sentence: its length against nothing.
                    step = (
                        -gale_church_logprob(es_length, en_length, ratio)
                        if es_length + en_length
                        else 0
                    )
                total = cost[i - a][j - b] + step - math.log(prior)
                if total < cost[i][j]:
                    cost[i][j], back[i][j] = total, (a, b)
    links: list[Link] = []
    i, j = n, m
    while i or j:
        step_back = back[i][j]
        if step_back is None:
            break
        a, b = step_back
        if a and b:
            links.append(Link(tuple(range(i - a, i)), tuple(range(j - b, j))))
        else:
            links.extend(Link((x,), ()) for x in range(i - a, i))
            links.extend(Link((), (y,)) for y in range(j - b, j))
        i, j = i - a, j - b
    links.reverse()
    return links
