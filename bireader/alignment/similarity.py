"""Character n-gram similarity between bireader's own MT of the Spanish and the English.

Each sentence becomes a tf-idf weighted vector of its character n-grams (lower-cased,
punctuation as spaces), folded into a fixed number of dimensions. The similarity of a
link is the cosine of the *sums* of its sentences' vectors, so a 2-1 or 2-2 link
costs no more than a 1-1: every score the aligner needs comes from the dot products of
single sentences (:class:`BandScores`). It plays the part chrF plays in Bleualign
(``benchmarks/align.py`` compares the two) at a fraction of the cost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

ORDERS = (2, 3, 4)
"""The n-gram orders used."""
DIMENSIONS = 1 << 13
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


def vectors(
    left: Sequence[str], right: Sequence[str]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Row-normalized tf-idf n-gram vectors of ``left`` and ``right`` (one row per text).

    The idf is computed over both sides together, so n-grams every sentence has (``the``,
    `` de``) weigh little and rare ones (names, numbers) much. N-grams are numbered in
    order of first appearance and folded modulo :data:`DIMENSIONS`: deterministic, unlike
    Python's salted ``hash``.
    """
    import numpy as np

    grams = [ngrams(text) for text in (*left, *right)]
    ids: dict[str, int] = {}
    frequency: dict[int, int] = {}
    for counts in grams:
        for gram in counts:
            index = ids.setdefault(gram, len(ids))
            frequency[index] = frequency.get(index, 0) + 1
    total = len(grams) or 1
    idf = {index: math.log((1 + total) / (1 + df)) + 1.0 for index, df in frequency.items()}
    matrix = np.zeros((len(grams), DIMENSIONS), dtype=np.float32)
    for row, counts in enumerate(grams):
        for gram, count in counts.items():
            index = ids[gram]
            matrix[row, index % DIMENSIONS] += math.sqrt(count) * idf[index]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    matrix /= norms
    return matrix[: len(left)], matrix[len(left) :]


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
