"""Character n-gram similarity between bireader's own MT of the Spanish and the English.

Each sentence becomes a tf-idf weighted vector of its character n-grams (lower-cased,
punctuation as spaces), folded into a fixed number of dimensions. The similarity of a
link is the cosine of the *sums* of its sentences' vectors, so a 2-1 or 2-2 link
costs no more than a 1-1: every score the aligner needs comes from the dot products of
single sentences (:class:`BandScores`). It plays the part chrF plays in Bleualign
(``benchmarks/align.py`` compares the two) at a fraction of the cost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

ORDERS = (3, 4)
"""The n-gram orders used."""
DIMENSIONS = 1 << 12
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, every run of punctuation and space one space, padded.

    >>> normalize("¡Hola, Sr. Pérez!")
    ' hola sr pérez '
    """
    return " " + _NON_WORD.sub(" ", text.lower()).strip() + " "


def ngrams(text: str) -> dict[str, int]:
    """Counts of the character n-grams of ``normalize(text)`` (orders :data:`ORDERS`)."""
    norm = normalize(text)
    counts: dict[str, int] = {}
    for n in ORDERS:
        for i in range(len(norm) - n + 1):
            gram = norm[i : i + n]
            if gram.strip():
                counts[gram] = counts.get(gram, 0) + 1
    return counts


class Rows:
    """Sparse L2-normalized rows (CSR: ``indptr``, ``indices``, ``data``) of ``DIMENSIONS``."""

    def __init__(
        self, indptr: NDArray[np.int64], indices: NDArray[np.int64], data: NDArray[np.float32]
    ):
        self.indptr, self.indices, self.data = indptr, indices, data

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def dense_t(self, start: int, stop: int) -> NDArray[np.float32]:
        """Rows ``start:stop`` as a dense matrix, transposed: (DIMENSIONS, stop-start)."""
        import numpy as np

        out = np.zeros((DIMENSIONS, max(0, stop - start)), dtype=np.float32)
        first, last = self.indptr[start], self.indptr[stop]
        rows = np.repeat(np.arange(stop - start), np.diff(self.indptr[start : stop + 1]))
        out[self.indices[first:last], rows] = self.data[first:last]
        return out

    def product(self, start: int, stop: int, other_t: NDArray[np.float32]) -> NDArray[np.float32]:
        """Rows ``start:stop`` times the dense columns ``other_t`` (from :meth:`dense_t`).

        Sparse times dense, one multiply per stored value and column of ``other_t``: far
        fewer than a dense product over every dimension.
        """
        import numpy as np

        first, last = self.indptr[start], self.indptr[stop]
        out = np.zeros((stop - start, other_t.shape[1]), dtype=np.float32)
        if last == first or not other_t.shape[1]:
            return out
        columns = other_t[self.indices[first:last]]
        columns *= self.data[first:last, None]
        counts = np.diff(self.indptr[start : stop + 1])
        filled = counts > 0
        out[filled] = np.add.reduceat(columns, (self.indptr[start:stop] - first)[filled], axis=0)
        return out

    def dot(self, i: int, other: Rows, j: int) -> float:
        """The dot product of row ``i`` with row ``j`` of ``other``."""
        import numpy as np

        a = slice(self.indptr[i], self.indptr[i + 1])
        b = slice(other.indptr[j], other.indptr[j + 1])
        _, x, y = np.intersect1d(
            self.indices[a], other.indices[b], assume_unique=True, return_indices=True
        )
        return float(np.dot(self.data[a][x], other.data[b][y]))

    def next_dots(self) -> NDArray[np.float32]:
        """``row[k] . row[k + 1]`` for every k (the norm of two consecutive rows summed)."""
        import numpy as np

        return np.array([self.dot(k, self, k + 1) for k in range(len(self) - 1)], np.float32)


_PRIME = 1_000_003


@dataclass(frozen=True, slots=True)
class Vectors:
    """One side's texts as three sparse matrices over the same n-gram buckets."""

    tfidf: Rows
    """tf-idf, each row of unit length: the dot product of two rows is their cosine."""
    present: Rows
    """1 for every n-gram a text has."""
    share: Rows
    """Each n-gram's share of its text's idf^2 mass (a row sums to 1): ``share_j .
    present_i`` is the part of text j's n-grams (by idf^2) also found in text i."""

    def __len__(self) -> int:
        return len(self.tfidf)


def vectors(left: Sequence[str], right: Sequence[str]) -> tuple[Vectors, Vectors]:
    """Row-normalized tf-idf n-gram vectors of ``left`` and ``right`` (one row per text).

    The idf is computed over both sides together, so n-grams every sentence has (``the``,
    `` de``) weigh little and rare ones (names, numbers) much. N-grams are hashed
    (a polynomial hash of their code points, the same in every run, unlike Python's
    salted ``hash``) into :data:`DIMENSIONS` buckets, all at once with numpy.
    """
    import numpy as np

    texts = [normalize(text) for text in (*left, *right)]
    total = len(texts)
    joined = "\x00".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=total)
    separator = codes == 0
    row_of = np.repeat(np.arange(total, dtype=np.int64), lengths + 1)[: len(codes)]
    keys_list = []
    for n in ORDERS:
        count = len(codes) - n + 1
        if count <= 0:
            continue
        hashed = np.zeros(count, dtype=np.uint64)
        bad = np.zeros(count, dtype=bool)
        for t in range(n):
            hashed = hashed * np.uint64(_PRIME) + codes[t : t + count]
            bad |= separator[t : t + count]
        hashed = hashed * np.uint64(31) + np.uint64(n)
        positions = np.nonzero(~bad)[0]
        rows = row_of[positions]
        features = (hashed[positions] % np.uint64(DIMENSIONS)).astype(np.int64)
        keys_list.append(rows * DIMENSIONS + features)
    keys = np.concatenate(keys_list) if keys_list else np.zeros(0, np.int64)
    unique, counts = np.unique(keys, return_counts=True)
    rows = unique // DIMENSIONS
    features = unique % DIMENSIONS
    frequency = np.bincount(features, minlength=DIMENSIONS)
    idf = np.log((1.0 + total) / (1.0 + frequency)) + 1.0
    weights = np.sqrt(counts) * idf[features]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=total))
    norms[norms == 0] = 1.0
    data = (weights / norms[rows]).astype(np.float32)
    # For containment: each n-gram present (1), and its share of its text's idf^2 mass.
    mass = idf[features] ** 2
    totals = np.bincount(rows, weights=mass, minlength=total)
    totals[totals == 0] = 1.0
    share = (mass / totals[rows]).astype(np.float32)
    present = np.ones(len(features), dtype=np.float32)
    indptr = np.searchsorted(rows, np.arange(total + 1))
    split = indptr[len(left)]

    def side(first: int, last: int, offset: int) -> Vectors:
        pointers = indptr[first : last + 1] - offset
        cut = slice(indptr[first], indptr[last])
        return Vectors(
            Rows(pointers, features[cut], data[cut]),
            Rows(pointers, features[cut], present[cut]),
            Rows(pointers, features[cut], share[cut]),
        )

    return side(0, len(left), 0), side(len(left), total, split)


def chrf(hypothesis: str, reference: str, beta: float = 2.0) -> float:
    """A plain chrF (orders :data:`ORDERS`, recall weighted ``beta``), in [0, 1].

    Used by the benchmark to compare against the cosine score.

    >>> chrf("the cat sat", "the cat sat")
    1.0
    """
    hyp, ref = ngrams(hypothesis), ngrams(reference)
    if not hyp or not ref:
        return 0.0
    common = sum(min(count, ref.get(gram, 0)) for gram, count in hyp.items())
    precision = common / sum(hyp.values())
    recall = common / sum(ref.values())
    if precision + recall == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)
