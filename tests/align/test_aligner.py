"""The search itself, on sentence lists (no engine: the "MT" is given)."""

from __future__ import annotations

from bireader.alignment import align_sentences, anchors, dp, evaluate

ES = [
    "El alcalde habló ayer en la plaza.",
    "Dijo que 1.500 vecinos votaron.",
    "La participación fue del 63,4 %.",
    "Foto: J. M. Delgado",
    "El pleno se reunirá el sábado a las 12.00 h.",
    "Nadie sabe quién gobernará.",
]
MT = [
    "The mayor spoke yesterday in the square.",
    "He said that 1,500 residents voted.",
    "The turnout was 63.4%.",
    "Photo: J. M. Delgado",
    "The council will meet on Saturday at 12:00.",
    "Nobody knows who will govern.",
]
EN = [
    "The mayor spoke in the square yesterday and said that 1,500 residents voted.",
    "Turnout was 63.4%.",
    "The council will meet on Saturday at 12:00.",
    "Nobody knows yet.",
    "Who will govern?",
    "Villanueva is a farming town in the south of Spain.",
]
GOLD = [((0, 1), (0,)), ((2,), (1,)), ((3,), ()), ((4,), (2,)), ((5,), (3, 4)), ((), (5,))]


def test_finds_merges_splits_and_unpaired_sentences() -> None:
    links = align_sentences(ES, EN, MT)
    found = [(link.source, link.target) for link in links]
    assert found == GOLD
    assert evaluate.link_scores(GOLD, found).f1 == 1.0
    for link in links:
        assert 0.0 <= link.confidence <= 1.0


def test_an_unrelated_english_is_left_unpaired_or_flagged() -> None:
    english = ["Stock markets fell sharply in Tokyo.", "Bananas are rich in potassium."]
    links = align_sentences(ES[:2], english, MT[:2])
    low = dp.Weights().low_confidence
    assert all(not link.source or not link.target or link.confidence < low for link in links)


def test_empty_sides() -> None:
    assert [(x.source, x.target) for x in align_sentences([], ["A."], [])] == [((), (0,))]
    assert [(x.source, x.target) for x in align_sentences(["A."], [], ["A."])] == [((0,), ())]


def test_band_grows_when_the_path_leaves_it() -> None:
    # 80 English sentences lead the text before anything matches: the first band
    # cannot hold the path, a wider one must.
    es = [f"Frase número {k} sobre el tema {k * 7}." for k in range(100)]
    mt = [f"Sentence number {k} about the subject {k * 7}." for k in range(100)]
    extra = [f"Unrelated preface line {k}, quite different." for k in range(80)]
    en = extra + [f"Sentence number {k} about the subject {k * 7}." for k in range(100)]
    links = align_sentences(es, en, mt, band=8)
    matched = [(x.source, x.target) for x in links if x.source and x.target]
    assert matched == [((k,), (80 + k,)) for k in range(100)]


def test_anchors_read_spanish_and_english_number_forms_alike() -> None:
    es = anchors.anchors(
        "Llegó a las 8.55 h con 1.512 votos y un 3,5 % más, el 1.º de junio.", "es"
    )
    en = anchors.anchors("He arrived at 8:55 with 1,512 votes and 3.5% more, on June 1.", "en")
    assert {"#8:55", "#1512", "#3.5", "#1"} <= es & en


def test_length_only_baseline_shapes() -> None:
    links = dp.length_only([40, 42, 120], [41, 40, 118])
    assert [(x.source, x.target) for x in links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
