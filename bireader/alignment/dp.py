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
from typing import TYPE_CHECKING, Any

from bireader.alignment.similarity import Vectors

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
    part: float = 3.0
    """Penalty per point the weaker sentence of a merge or split falls short of
    ``part_threshold`` in how much of it the other side holds (its n-grams by idf^2;
    true halves hold 0.27-1, an unrelated line under 0.12)."""
    part_threshold: float = 0.18
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
    vectors: Vectors = field(repr=False)
    kind_codes: Any = field(init=False, repr=False)
    _first: Any = field(init=False, repr=False)
    _last: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import numpy as np

        blocks = np.asarray(self.blocks, dtype=np.int64)
        self.kind_codes = np.asarray([_KIND_CODES.get(k, 5) for k in self.kinds], dtype=np.int64)
        count = len(blocks)
        self._first = np.ones(count, dtype=bool)
        self._last = np.ones(count, dtype=bool)
        if count > 1:
            self._first[1:] = blocks[1:] != blocks[:-1]
            self._last[:-1] = blocks[1:] != blocks[:-1]

    def whole(self, first: Any, count: int) -> Any:
        """Whether sentences ``first .. first+count-1`` are exactly one block (arrays too)."""
        import numpy as np

        size = len(self.blocks)
        if size == 0:
            return np.zeros(np.shape(first), dtype=bool)
        last = np.clip(np.asarray(first) + count - 1, 0, size - 1)
        blocks = np.asarray(self.blocks)
        return self._first[first] & self._last[last] & (blocks[first] == blocks[last])


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
    """Link gains for every cell of the band, for every link shape, computed with numpy.

    ``dots`` holds the 1-1 dot products of the band (and a margin); the cosine of a
    merged link is summed from them, its norms from the dot products of consecutive
    sentences, so no merged text is ever built.
    """

    def __init__(self, es: Side, en: Side, weights: Weights, center: list[int], band: int):
        import numpy as np

        self.es, self.en, self.w = es, en, weights
        n, m = len(es.lengths), len(en.lengths)
        self.n, self.m, self.band = n, m, band
        self.center = center
        self.ratio = (sum(en.lengths) or 1) / (sum(es.lengths) or 1)
        jump = max((center[i + 1] - center[i] for i in range(n)), default=0)
        self.lo = np.asarray(center[:n], dtype=np.int64) - band - 2 - 2 * jump
        self.span = 2 * band + 6 + 4 * jump
        # dots: cosines; found_en: how much of English j the MT of Spanish i holds;
        # found_es: how much of the MT of Spanish i English j holds (see Vectors).
        self.dots = np.zeros((n, self.span), dtype=np.float32)
        self.found_en = np.zeros((n, self.span), dtype=np.float32)
        self.found_es = np.zeros((n, self.span), dtype=np.float32)
        chunk = 32
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            first = int(max(0, self.lo[start]))
            last = int(min(m, self.lo[stop - 1] + self.span))
            if last <= first:
                continue
            rows = np.arange(start, stop)[:, None] - start
            cols = self.lo[start:stop, None] + np.arange(self.span)[None, :]
            inside = (cols >= first) & (cols < last)
            local = np.where(inside, cols - first, 0)
            for table, left, right in (
                (self.dots, es.vectors.tfidf, en.vectors.tfidf),
                (self.found_en, es.vectors.present, en.vectors.share),
                (self.found_es, es.vectors.share, en.vectors.present),
            ):
                block = left.product(start, stop, right.dense_t(first, last))
                table[start:stop] = np.where(inside, block[rows, local], 0.0)
        self.es_next = es.vectors.tfidf.next_dots()
        self.en_next = en.vectors.tfidf.next_dots()
        self.es_cum = np.concatenate(([0], np.cumsum(es.lengths)))
        self.en_cum = np.concatenate(([0], np.cumsum(en.lengths)))
        self.shared = self._shared_anchors()

    def _shared_anchors(self) -> NDArray[np.float32]:
        import numpy as np

        shared = np.zeros((self.n, self.span), dtype=np.float32)
        for i, anchors in enumerate(self.es.anchors):
            if not anchors:
                continue
            first = int(self.lo[i])
            for k in range(self.span):
                j = first + k
                if 0 <= j < self.m and self.en.anchors[j]:
                    shared[i, k] = len(anchors & self.en.anchors[j])
        return shared

    def _gather(self, table: Any, x: Any, y: Any) -> Any:
        """``table`` (dots or shared anchors) at Spanish ``x``, English ``y``; 0 outside."""
        import numpy as np

        col = y - self.lo[np.clip(x, 0, self.n - 1)]
        ok = (x >= 0) & (x < self.n) & (y >= 0) & (y < self.m) & (col >= 0) & (col < self.span)
        return np.where(ok, table[np.clip(x, 0, self.n - 1), np.clip(col, 0, self.span - 1)], 0.0)

    def _best(
        self, table: Any, x: Any, y: Any, das: Sequence[int], dbs: Sequence[int]
    ) -> Any:
        """The highest of ``table`` over the Spanish ``x + das`` and English ``y + dbs``."""
        import numpy as np

        found = np.zeros(x.shape)
        for da in das:
            for db in dbs:
                found = np.maximum(found, self._gather(table, x + da, y + db))
        return found

    def dot(self, i: int, j: int) -> float:
        """The 1-1 dot product of Spanish ``i`` and English ``j`` (exact outside the band)."""
        col = j - int(self.lo[i])
        if 0 <= col < self.span:
            return float(self.dots[i, col])
        return self.es.vectors.tfidf.dot(i, self.en.vectors.tfidf, j)

    def similarity(self, source: range, target: range) -> float:
        """Cosine of the summed vectors of ``source`` and ``target`` sentences."""
        num = sum(self.dot(i, j) for i in source for j in target)
        es_norm = len(source) + 2 * sum(float(self.es_next[i]) for i in source[:-1])
        en_norm = len(target) + 2 * sum(float(self.en_next[j]) for j in target[:-1])
        if es_norm <= 0 or en_norm <= 0:
            return 0.0
        return num / math.sqrt(es_norm * en_norm)

    def gains(self, a: int, b: int, x: Any, y: Any) -> Any:
        """The gain of linking es[x:x+a] with en[y:y+b], for arrays of starts ``x``, ``y``.

        Cells where the link does not fit the texts get -inf.
        """
        import numpy as np

        w = self.w
        x, y = np.broadcast_arrays(x, y)
        fits = (x >= 0) & (y >= 0) & (x + a <= self.n) & (y + b <= self.m)
        if a == 0 or b == 0:
            return np.where(fits, 0.0, -np.inf)
        xs, ys = np.clip(x, 0, self.n - 1), np.clip(y, 0, self.m - 1)
        num = np.zeros(x.shape)
        shared = np.zeros(x.shape)
        for da in range(a):
            for db in range(b):
                num += self._gather(self.dots, x + da, y + db)
                shared += self._gather(self.shared, x + da, y + db)
        es_norm = np.full(x.shape, float(a))
        en_norm = np.full(x.shape, float(b))
        if a == 2:
            es_norm += 2 * self.es_next[np.clip(x, 0, max(0, self.n - 2))] if self.n > 1 else 0
        if b == 2:
            en_norm += 2 * self.en_next[np.clip(y, 0, max(0, self.m - 2))] if self.m > 1 else 0
        sim = num / np.sqrt(np.maximum(es_norm * en_norm, 1e-9))
        gain = (a + b) * (sim - w.threshold)
        if a + b > 2:
            # Each sentence on the side with two must be found in the other side on its
            # own (most of its n-grams, by idf): an unrelated line next to a long
            # sentence barely changes the cosine of the sum, but little of it is found.
            part = np.ones(x.shape)
            if b == 2:
                for db in range(2):
                    part = np.minimum(part, self._best(self.found_en, x, y, range(a), (db,)))
            if a == 2:
                for da in range(2):
                    part = np.minimum(part, self._best(self.found_es, x, y, (da,), range(b)))
            gain -= w.part * np.maximum(0.0, w.part_threshold - part)
        gain += w.anchor * np.minimum(shared, w.anchor_cap)
        es_length = self.es_cum[np.clip(x + a, 0, self.n)] - self.es_cum[xs]
        en_length = self.en_cum[np.clip(y + b, 0, self.m)] - self.en_cum[ys]
        gain += w.length * _gale_church_logprob_array(es_length, en_length, self.ratio)
        if a == 2 and b == 2:
            gain -= w.many_many
        elif a == 2 or b == 2:
            gain -= w.many
        es_blocks = np.asarray(self.es.blocks)
        en_blocks = np.asarray(self.en.blocks)
        if a == 2:
            gain -= w.cross_block * (es_blocks[xs] != es_blocks[np.clip(x + 1, 0, self.n - 1)])
        if b == 2:
            gain -= w.cross_block * (en_blocks[ys] != en_blocks[np.clip(y + 1, 0, self.m - 1)])
        es_kind, en_kind = self.es.kind_codes[xs], self.en.kind_codes[ys]
        same = es_kind == en_kind
        gain -= w.kind_mismatch * ~same
        whole = same & (es_kind != _PARAGRAPH) & self.es.whole(xs, a) & self.en.whole(ys, b)
        gain += w.whole_block * whole
        return np.where(fits, gain, -np.inf)

    @staticmethod
    def _whole(side: Side, first: int, count: int) -> bool:
        """Whether sentences first..first+count-1 are exactly one block."""
        return bool(side.whole(first, count))


_PARAGRAPH = 0
_KIND_CODES = {"paragraph": _PARAGRAPH, "heading": 1, "caption": 2, "list_item": 3, "quote": 4}


def _gale_church_logprob_array(source: Any, target: Any, ratio: float) -> Any:
    """:func:`gale_church_logprob` for arrays (erfc by Abramowitz & Stegun 7.1.26, in logs)."""
    import numpy as np

    mean = (source + target / ratio) / 2
    delta = np.abs(source * ratio - target) / np.sqrt(np.maximum(mean, 1e-9) * 6.8)
    z = delta / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    # log P = log 2 + log(0.5 erfc(z)) = log(erfc(z)) = log(poly) - z^2
    return np.where(mean > 0, np.log(poly) - z * z, 0.0)


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


def search(es: Side, en: Side, weights: Weights, band: int = 12) -> list[Link]:
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


_ZERO_ONE = MOVES.index((0, 1))


def _search(
    es: Side, en: Side, weights: Weights, center: list[int], band: int
) -> tuple[list[Link], bool]:
    import numpy as np

    n, m = len(es.lengths), len(en.lengths)
    scorer = _Scorer(es, en, weights, center, band)
    width = 2 * band + 1
    base = np.asarray(center, dtype=np.int64) - band
    columns = base[:, None] + np.arange(width)[None, :]  # English count j of each cell
    rows = np.arange(n + 1)[:, None]
    inside = (columns >= 0) & (columns <= m)
    linking = [(index, a, b) for index, (a, b) in enumerate(MOVES) if a]
    # For each move, where its previous cell lies in the previous row's band, and its
    # gain there (-inf where the link does not fit the texts or leaves the band).
    sources: list[Any] = []
    gains: list[Any] = []
    for _, a, b in linking:
        before = np.clip(np.arange(n + 1) - a, 0, n)
        shifted = np.arange(width)[None, :] + (base - b - base[before])[:, None]
        ok = (shifted >= 0) & (shifted < width)
        gain = scorer.gains(a, b, rows - a, columns - b)
        gains.append(np.where(ok, gain, -np.inf))
        sources.append(np.clip(shifted, 0, width - 1))
    score = np.full((n + 1, width), -np.inf)
    move = np.full((n + 1, width), -1, dtype=np.int8)
    codes = np.asarray([index for index, _, _ in linking], dtype=np.int8)
    arange = np.arange(width)
    candidates = np.empty((len(linking), width))
    for i in range(n + 1):
        for slot, (_, a, _) in enumerate(linking):
            if i < a:
                candidates[slot] = -np.inf
            else:
                candidates[slot] = score[i - a][sources[slot][i]] + gains[slot][i]
        pick = candidates.argmax(axis=0)
        best = candidates[pick, arange]
        chosen = np.where(best > -np.inf, codes[pick], -1)
        if i == 0:
            best[band - center[0]] = 0.0
            chosen[band - center[0]] = -1
        # 0-1 links gain 0: a cell is also reached from its left neighbour in the row.
        reach = np.maximum.accumulate(best)
        left = reach > best
        score[i] = np.where(inside[i], reach, -np.inf)
        move[i] = np.where(left, _ZERO_ONE, chosen)
    k = m - int(base[n])
    if not 0 <= k < width or score[n, k] == -np.inf:
        return [], True
    steps: list[tuple[int, int, int, int]] = []
    i, j = n, m
    touched = False
    while i > 0 or j > 0:
        k = j - int(base[i])
        if 0 < i < n and ((k <= 1 and base[i] > 0) or (k >= width - 2 and base[i] + width - 1 < m)):
            touched = True
        index = int(move[i, k])
        if index < 0:
            return [], True
        a, b = MOVES[index]
        steps.append((i - a, j - b, a, b))
        i, j = i - a, j - b
    steps.reverse()
    links: list[Link] = []
    for pi, pj, a, b in steps:
        if a and b:
            source, target = tuple(range(pi, pi + a)), tuple(range(pj, pj + b))
            sim = scorer.similarity(range(pi, pi + a), range(pj, pj + b))
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
