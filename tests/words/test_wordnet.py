"""The Spanish wordnet table: binary search over the sorted file, and its use as the
second dictionary of word study (no Apertium needed: tokens are built by hand)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bireader.words import analysis, wordnet
from bireader.words.stream import Reading, Token

Table = Callable[[list[str]], None]


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Table]:
    """Point the module at a small table of our own (sorted as the builder sorts)."""
    path = tmp_path / "es-en.tsv"

    def use(lines: list[str]) -> None:
        lines = sorted(lines, key=lambda line: line.encode("utf-8"))
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        wordnet._table.cache_clear()

    monkeypatch.setattr(wordnet, "DATA", path)
    wordnet._table.cache_clear()
    yield use
    wordnet._table.cache_clear()


LINES = [
    "casa\tn\thouse|home",
    "casa de campo\tn\tcountry house",
    "casar\tv\tmarry|wed",
    "a\tn\tA",
    "zapato\tn\tshoe",
    "árbol\tn\ttree",
    "ñu\tn\tgnu|wildebeest",
    "casa\tv\tmarries",  # a made-up second part of speech of the same lemma
]


def test_every_line_is_found_and_nothing_else(table: Table) -> None:
    table(LINES)
    for line in LINES:
        lemma, pos, glosses = line.split("\t")
        assert wordnet.glosses(lemma, pos) == tuple(glosses.split("|"))
    for lemma, pos in [("cas", "n"), ("casa d", "n"), ("casa", "a"), ("", "n"), ("zz", "n"),
                       ("0", "n"), ("casa\tn", "n"), ("ñ", "n")]:
        assert wordnet.glosses(lemma, pos) == ()
    assert wordnet.known("casar") and not wordnet.known("casas")


def test_a_missing_or_empty_table_means_no_second_dictionary(
    table: Table, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table([])
    assert wordnet.glosses("casa", "n") == ()
    monkeypatch.setattr(wordnet, "DATA", tmp_path / "absent.tsv")
    wordnet._table.cache_clear()
    assert wordnet.glosses("casa", "n") == ()


def test_the_shipped_table_is_sorted_and_well_formed() -> None:
    raw = wordnet.DATA.read_bytes()
    lines = raw.decode("utf-8").splitlines()
    assert len(lines) > 80_000
    keys = [line.encode("utf-8") for line in lines]
    assert keys == sorted(keys)
    for line in lines[:: max(1, len(lines) // 2000)]:
        lemma, pos, glosses = line.split("\t")
        assert lemma and pos in "nvar" and all(glosses.split("|"))
        assert wordnet.glosses(lemma, pos) == tuple(glosses.split("|"))
    assert "dog" in wordnet.glosses("perro", "n")
    assert "tree" in wordnet.glosses("árbol", "n")


def _token(surface: str, *readings: Reading) -> Token:
    return Token(surface, 0, len(surface), [tuple([r]) for r in readings])


def test_unknown_words_get_the_glosses_of_a_lemma_the_wordnet_knows(table: Table) -> None:
    table(["hojear\tv\tleaf through|skim", "lupa\tn\tmagnifying glass"])
    [leafed] = analysis.build_words([_token("hojeaba")], {}, 10)
    assert (leafed.lemma, leafed.upos) == ("hojear", "VERB")
    assert leafed.glosses == ("leaf through", "skim")
    assert (leafed.start, leafed.end, leafed.known) == (10, 17, False)
    [glass] = analysis.build_words([_token("lupa")], {}, 0)
    assert (glass.lemma, glass.upos, glass.glosses) == ("lupa", "NOUN", ("magnifying glass",))
    # Without an entry: the first guess from the ending, with no gloss (as before).
    [other] = analysis.build_words([_token("apilaba")], {}, 0)
    assert (other.lemma, other.upos, other.glosses) == ("apilar", "VERB", ())


def test_the_dictionary_glosses_come_first_then_at_most_three_of_the_wordnet(table: Table) -> None:
    table(["mareo\tn\tdizziness|seasickness|nausea|vertigo|giddiness",
           "ser\tv\tbe|exist"])
    noun = Reading("mareo", ("n", "m", "sg"))
    [word] = analysis.build_words([_token("mareo", noun)], {noun: ("seasickness",)}, 0)
    assert word.glosses == ("seasickness", "dizziness", "nausea", "vertigo")
    # A word the dictionary already gives six glosses keeps exactly those.
    six = tuple(f"g{i}" for i in range(6))
    [full] = analysis.build_words([_token("mareo", noun)], {noun: six}, 0)
    assert full.glosses == six
    # Auxiliaries and other closed classes are not looked up.
    aux = Reading("ser", ("vbser", "pri", "p3", "sg"))
    [be] = analysis.build_words([_token("es", aux)], {aux: ("be",)}, 0)
    assert be.glosses == ("be",)


def test_a_capitalised_first_word_is_a_name_only_if_the_wordnet_does_not_know_it(
    table: Table,
) -> None:
    table(["hojear\tv\tleaf through|skim"])
    first, name = analysis.build_words([_token("Hojeaba"), _token("Zubiri")], {}, 0)
    assert (first.lemma, first.upos, first.glosses) == ("hojear", "VERB", ("leaf through", "skim"))
    assert (name.lemma, name.upos, name.glosses) == ("Zubiri", "PROPN", ("Zubiri",))
    [other] = analysis.build_words([_token("Zubiri")], {}, 0)
    assert other.upos == "PROPN"
    # Inside a sentence a capitalised word stays a name even if the wordnet knows it.
    _, later = analysis.build_words([_token("Zubiri"), _token("Hojeaba")], {}, 0)
    assert (later.lemma, later.upos) == ("Hojeaba", "PROPN")


def test_more_verb_endings_are_tried_where_the_wordnet_knows_the_lemma(table: Table) -> None:
    table(["polinizar\tv\tpollinate", "beber\tv\tdrink"])
    [verb] = analysis.build_words([_token("polinizan")], {}, 0)
    assert (verb.lemma, verb.upos, verb.glosses) == ("polinizar", "VERB", ("pollinate",))
    [drank] = analysis.build_words([_token("bebían")], {}, 0)
    assert (drank.lemma, drank.upos) == ("beber", "VERB")
    # Unconfirmed, such an ending is no guess: a noun-like word stays as it was.
    [other] = analysis.build_words([_token("trashumancia")], {}, 0)
    assert (other.lemma, other.upos, other.glosses) == ("trashumancia", "NOUN", ())


def test_closed_class_words_get_the_gloss_a_learner_needs_first(table: Table) -> None:
    table([])
    that = Reading("ese", ("det", "dem", "f", "sg"))
    those = Reading("ese", ("det", "dem", "m", "pl"))
    should = Reading("deber", ("vbmod", "cni", "p1", "pl"))
    glossary = {that: ("this",), those: ("this",), should: ("have to",)}
    words = analysis.build_words(
        [_token("esa", that), _token("esos", those), _token("deberíamos", should)], glossary, 0
    )
    assert [w.glosses for w in words] == [
        ("that", "this"), ("those", "this"), ("should", "ought to", "have to", "have")]


def test_hace_before_a_span_of_time_is_ago(table: Table) -> None:
    table([])
    hace = Reading("hacer", ("vblex", "pri", "p3", "sg"))
    two = Reading("dos", ("num", "mf", "pl"))
    years = Reading("año", ("n", "m", "pl"))
    food = Reading("comida", ("n", "f", "sg"))
    the = Reading("el", ("det", "def", "f", "sg"))
    glossary = {hace: ("do", "make"), two: ("two",), years: ("year",), food: ("food",)}
    ago = analysis.build_words(
        [_token("Hace", hace), _token("dos", two), _token("años", years)], glossary, 0
    )
    assert ago[0].glosses == ("ago", "do", "make")
    cooks = analysis.build_words(
        [_token("hace", hace), _token("la", the), _token("comida", food)], glossary, 0
    )
    assert cooks[0].glosses == ("do", "make")
