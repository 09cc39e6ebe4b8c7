"""The hand-made gold pairs: consistent, and each holds every kind of link the issue names."""

from __future__ import annotations

import pytest
from align_gold import GOLD

from bireader.alignment import evaluate

NAMES = evaluate.gold_names(GOLD)


def test_there_are_at_least_three_pairs() -> None:
    assert len(NAMES) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_gold_pair_is_consistent_and_varied(name: str) -> None:
    pair = evaluate.load_gold(GOLD, name)  # checks the links cover every sentence in order
    shapes = {f"{len(s)}-{len(t)}" for s, t in pair.links}
    assert {"1-1", "2-1", "1-2", "1-0", "0-1"} <= shapes, shapes
    for document in (pair.source, pair.target):
        for sentence in document.sentences():
            assert document.text[sentence.start : sentence.end] == sentence.text


def test_bad_links_are_refused() -> None:
    with pytest.raises(ValueError, match="English sentence 1 expected"):
        evaluate.check_links([((0,), (0,)), ((1,), (2,))], 2, 3)
    with pytest.raises(ValueError, match="cover"):
        evaluate.check_links([((0,), (0,))], 2, 1)


def test_repeated_pair_keeps_gold_links_valid() -> None:
    pairs = [evaluate.load_gold(GOLD, name) for name in NAMES]
    big = evaluate.repeated(pairs, 300)
    n = sum(1 for _ in big.source.sentences())
    m = sum(1 for _ in big.target.sentences())
    assert n >= 300
    evaluate.check_links(big.links, n, m)
    for document in (big.source, big.target):
        for sentence in document.sentences():
            assert document.text[sentence.start : sentence.end] == sentence.text
