"""The Spanish wordnet table: binary search over the sorted file, and its use as the
second dictionary of word study (no Apertium needed: tokens are built by hand)."""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from bireader.words import analysis, wordnet
from bireader.words.stream import Reading, Token

Table = Callable[[list[str]], None]


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Table]:
    """Point the module at a small table of our own (sorted as the builder sorts)."""
    path = tmp_path / "es-en.tsv.gz"

    def use(lines: list[str]) -> None:
        lines = sorted(lines, key=lambda line: line.encode("utf-8"))
        path.write_bytes(gzip.compress("".join(line + "\n" for line in lines).encode()))
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
    raw = gzip.decompress(wordnet.DATA.read_bytes())
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
    table(["hojear\tv\tleaf through|skim", "regar\tv\twater", "lobato\tn\tcub scout"])
    # A name that looks like a word, first in its sentence, stays a name: only an
    # inflected verb form's ending makes it a word.
    for name_like in ("Rego", "Lobato"):
        [word] = analysis.build_words([_token(name_like)], {}, 0)
        assert (word.lemma, word.upos) == (name_like, "PROPN")
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
    # The dictionary's "this" for "ese" is wrong, not a second sense: it is left out.
    assert [w.glosses for w in words] == [
        ("that",), ("those",), ("should", "ought to", "have to", "have")]
    that_pronoun = Reading("eso", ("prn", "tn", "m", "sp"))
    [neuter] = analysis.build_words([_token("Eso", that_pronoun)], {that_pronoun: ("this",)}, 0)
    assert neuter.glosses == ("that",)


def test_the_learner_glosses_stay_first_whatever_the_translation_uses(table: Table) -> None:
    """Apertium translates "Ese libro" as "This book", "Deberías estudiar" as "You would
    have to study", "Hacía tres semanas" as "It did three weeks": putting the
    translation's words first would undo the rules above."""
    table([])
    that = Reading("ese", ("det", "dem", "m", "sg"))
    book = Reading("libro", ("n", "m", "sg"))
    [ese, _] = analysis.build_words(
        [_token("Ese", that), _token("libro", book)], {that: ("this",), book: ("book",)}, 0
    )
    assert analysis.order_glosses(ese, "This book is mine") == ("that",)
    should = Reading("deber", ("vbmod", "cni", "p2", "sg"))
    [deber] = analysis.build_words([_token("Deberías", should)], {should: ("have to",)}, 0)
    assert analysis.order_glosses(deber, "You would have to study more")[0] == "should"
    hacia = Reading("hacer", ("vblex", "pii", "p3", "sg"))
    three, weeks = Reading("tres", ("num", "mf", "pl")), Reading("semana", ("n", "f", "pl"))
    ago = analysis.build_words(
        [_token("Hacía", hacia), _token("tres", three), _token("semanas", weeks)],
        {hacia: ("do", "make")}, 0,
    )
    assert analysis.order_glosses(ago[0], "It did three weeks that did not rain") == (
        "ago", "do", "make")
    # Elsewhere the translation still decides: "hacer" without a span of time after it.
    [does] = analysis.build_words([_token("hace", hacia)], {hacia: ("do", "make")}, 0)
    assert analysis.order_glosses(does, "She made a cake") == ("make", "do")
    # "hace mucho tiempo": Apertium's unit for the span of time.
    long_time = Reading("mucho tiempo", ("adv",))
    since = analysis.build_words([_token("Hace", hacia), _token("mucho", long_time)], {}, 0)
    assert since[0].glosses[0] == "ago"


def test_a_letter_or_symbol_is_not_looked_up_in_the_wordnet(table: Table) -> None:
    """"7 x 5": the wordnet's "x" is slang for ecstasy, no gloss for a multiplication sign."""
    table(["x\tn\tAdam|ecstasy|XTC", "s\tn\tsecond|sec"])
    [times] = analysis.build_words([_token("x")], {}, 0)
    assert (times.lemma, times.upos, times.glosses) == ("x", "X", ())
    [century] = analysis.build_words([_token("s")], {}, 0)
    assert century.glosses == ()


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


def test_the_digest_changes_with_the_content_even_at_the_same_size(table: Table) -> None:
    """The cache signature of word analyses holds it: a rebuilt table is a new one."""
    table(["casa\tn\thouse"])
    first = wordnet.digest()
    table(["casa\tn\thorse"])  # the same size
    second = wordnet.digest()
    assert first != second and "none" not in (first, second)
    wordnet.DATA.unlink()
    assert wordnet.digest() == "none"


def _tool() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "tools" / "wordnet_glosses.py"
    spec = importlib.util.spec_from_file_location("wordnet_glosses", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rebuilding_the_table_leaves_a_loaded_one_intact(table: Table) -> None:
    """The builder replaces the file instead of rewriting it; a process keeps the table
    it loaded until it looks again."""
    long = [f"palabra{i:03}\tn\tword number {i}" for i in range(300)]
    table(long)
    assert wordnet.glosses("palabra299", "n") == ("word number 299",)
    _tool().write(wordnet.DATA, ["casa\tn\thouse"])
    assert wordnet.glosses("palabra299", "n") == ("word number 299",)  # the table loaded before
    assert oct(wordnet.DATA.stat().st_mode & 0o777) == oct(0o644)
    assert list(wordnet.DATA.parent.glob("*.tsv*")) == [wordnet.DATA]
    wordnet._table.cache_clear()
    assert wordnet.glosses("casa", "n") == ("house",)
    assert wordnet.glosses("palabra299", "n") == ()
