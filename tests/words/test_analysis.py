"""bireader.analyze with the real Apertium spa-eng analyser, tagger and dictionary."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import bireader
from bireader.model import BilingualDocument, Pair, Provenance, Word
from bireader.translation.apertium import _PROTECTED
from bireader.words import analyze, analyze_sentences
from bireader.words.ud import UPOS_TAGS, describe

pytestmark = [pytest.mark.apertium, pytest.mark.usefixtures("apertium_words")]

REPO = Path(__file__).resolve().parents[2]
TEXTS = sorted((REPO / "texts").glob("*.es.txt"))
UD_FEATURES = {
    "Definite": {"Def", "Ind"},
    "Degree": {"Abs", "Cmp"},
    "Gender": {"Masc", "Fem"},
    "Mood": {"Ind", "Sub", "Imp", "Cnd"},
    "NumType": {"Card", "Ord"},
    "Number": {"Sing", "Plur"},
    "Person": {"1", "2", "3"},
    "Poss": {"Yes"},
    "PronType": {"Art", "Dem", "Ind", "Int", "Prs", "Rel"},
    "Reflex": {"Yes"},
    "Tense": {"Pres", "Past", "Imp", "Fut"},
    "VerbForm": {"Fin", "Inf", "Ger", "Part"},
}


def words_of(sentence: str, translation: str | None = None) -> list[Word]:
    found = analyze_sentences([sentence], [0], None if translation is None else [translation])
    return list(found[0])


def by_text(words: list[Word]) -> dict[str, Word]:
    return {w.text: w for w in words}


def bilingual(text: str, target: str) -> BilingualDocument:
    doc = bireader.read(text)
    sentences = list(doc.sentences())
    assert len(sentences) == 1
    pair = Pair(sentences[0], target, 0, doc.blocks[0].kind, "test")
    return BilingualDocument(doc, (pair,), Provenance("test", "1"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_every_word_of_the_articles_has_exact_offsets_and_ud_tags(path: Path) -> None:
    doc = bireader.read(path)
    per_sentence = analyze(doc, cache=False)
    sentences = list(doc.sentences())
    assert len(per_sentence) == len(sentences)
    count = 0
    for sentence, words in zip(sentences, per_sentence, strict=True):
        previous_end = sentence.start
        for word in words:
            assert doc.text[word.start : word.end] == word.text
            assert sentence.start <= word.start < word.end <= sentence.end
            assert word.start >= previous_end, "words overlap or are out of order"
            previous_end = word.end
            assert word.upos in UPOS_TAGS and word.upos != "PUNCT"
            for feature in filter(None, word.features.split("|")):
                name, value = feature.split("=")
                assert value in UD_FEATURES[name], feature
            assert word.features.split("|") == sorted(
                word.features.split("|"), key=lambda f: f.split("=")[0].lower()
            )
            for part in word.parts:
                if " " in word.text:  # a multiword unit: each part is one of its words
                    assert word.start <= part.start < part.end <= word.end
                    assert doc.text[part.start : part.end] == part.text
                    assert " " not in part.text and part.upos in UPOS_TAGS
                else:  # a contraction or an enclitic verb: the same characters
                    assert (part.start, part.end, part.text) == (word.start, word.end, word.text)
            count += 1
        # Every letter of the sentence belongs to some word, except in URLs and e-mails.
        covered = {i for w in words for i in range(w.start, w.end)}
        for match in _PROTECTED.finditer(sentence.text):
            covered.update(range(sentence.start + match.start(), sentence.start + match.end()))
        for i in range(sentence.start, sentence.end):
            if doc.text[i].isalpha():
                assert i in covered, (doc.text[i - 10 : i + 10], sentence.text)
    assert count > 200


def test_multiword_expressions_are_one_unit_with_their_own_gloss() -> None:
    words = by_text(
        words_of("La ley entró en vigor sin cambios y dio una rueda de prensa a largo plazo.")
    )
    press = words["rueda de prensa"]
    assert (press.lemma, press.upos) == ("rueda de prensa", "NOUN")
    assert "press conference" in press.glosses
    assert "in force" in words["en vigor"].glosses
    assert "unchanged" in words["sin cambios"].glosses
    assert words["a largo plazo"].upos == "ADV"
    assert "prensa" not in words and "vigor" not in words


def test_a_multiword_unit_keeps_its_words_as_parts_with_their_own_spans() -> None:
    sentence = "Tenía dolor de cabeza y llegó el lunes, fecha límite del pago."
    words = by_text(words_of(sentence, "He had a headache and arrived on Monday, the deadline."))
    ache = words["dolor de cabeza"]
    assert (ache.lemma, ache.glosses[0]) == ("dolor de cabeza", "headache")
    assert [(p.text, p.lemma, p.upos) for p in ache.parts] == [
        ("dolor", "dolor", "NOUN"),
        ("de", "de", "ADP"),
        ("cabeza", "cabeza", "NOUN"),
    ]
    for part in ache.parts:
        assert sentence[part.start : part.end] == part.text and part.glosses
    assert "pain" in ache.parts[0].glosses and "head" in ache.parts[2].glosses
    assert "Gender=Fem" in ache.parts[2].features
    # The unit's head decides its first word's reading: the noun "fecha", not "fechar",
    # even where the tagger alone (after a comma) would pick the verb.
    deadline = words["fecha límite"]
    assert deadline.glosses[0] == "deadline"
    assert [(p.lemma, p.upos) for p in deadline.parts] == [("fecha", "NOUN"), ("límite", "NOUN")]
    # Words outside units are unchanged: one word, no parts.
    assert words["lunes"].parts == () and words["del"].parts[0].start == words["del"].start


def test_an_adjective_that_is_a_participle_is_glossed_as_the_participle_too() -> None:
    words = by_text(words_of("Encontró el local cerrado y los fondos destinados a la obra."))
    shut = words["cerrado"]
    assert shut.upos == "ADJ" and shut.lemma == "cerrado"
    # The dictionary's adjective first, then the verb's English participle (generated
    # by Apertium's English generator, not by a rule: "allocated", "closed").
    assert shut.glosses[:2] == ("enclosed", "closed")
    assert "allocated" in words["destinados"].glosses
    # A verb's own participle keeps the verb's gloss; a plain adjective gains nothing.
    verb = by_text(words_of("Ha cerrado la puerta."))["cerrado"]
    assert (verb.upos, verb.glosses[0]) == ("VERB", "close")
    assert by_text(words_of("Es un local grande."))["grande"].glosses[0] == "big"


def test_enclitic_verbs_are_verb_plus_pronouns() -> None:
    words = by_text(words_of("Quiso presentarse y dárselo."))
    present = words["presentarse"]
    assert (present.lemma, present.upos) == ("presentar", "VERB")
    assert "VerbForm=Inf" in present.features
    assert [(p.lemma, p.upos) for p in present.parts] == [("presentar", "VERB"), ("se", "PRON")]
    assert "present" in present.glosses
    give = words["dárselo"]
    assert [p.lemma for p in give.parts] == ["dar", "se", "lo"]
    assert give.lemma == "dar" and "give" in give.glosses
    assert all(p.glosses for p in give.parts)


def test_contractions_are_their_parts() -> None:
    words = by_text(words_of("El director del fondo fue al mercado."))
    of_the = words["del"]
    assert [(p.lemma, p.upos) for p in of_the.parts] == [("de", "ADP"), ("el", "DET")]
    assert of_the.upos == "ADP" and of_the.glosses[0] == "of the"
    assert [p.lemma for p in words["al"].parts] == ["a", "el"]
    assert words["al"].glosses[0] == "to the"


def test_unknown_words_say_so_with_a_guessed_lemma() -> None:
    words = by_text(words_of("Los zorblientos trompaban con Xülfrado."))
    noun = words["zorblientos"]
    assert noun.known is False and noun.lemma == "zorbliento" and noun.upos == "NOUN"
    verb = words["trompaban"]
    assert verb.known is False and verb.lemma == "trompar" and verb.upos == "VERB"
    name = words["Xülfrado"]
    assert name.known is False and name.upos == "PROPN"
    assert words["con"].known is True


def test_glosses_are_ordered_by_the_sentences_translation() -> None:
    sentence = "Llevan un abrigo."
    plain = by_text(words_of(sentence))["Llevan"].glosses
    assert len(plain) >= 3
    last = plain[-1]
    ordered = by_text(words_of(sentence, f"They {last} a coat."))["Llevan"].glosses
    assert ordered[0] == last
    assert sorted(ordered) == sorted(plain)
    # Inflected forms count: "wore" is "wear", "carried" is "carry".
    assert by_text(words_of(sentence, "They wore a coat."))["Llevan"].glosses[0] == "wear"
    assert by_text(words_of(sentence, "They carried a coat."))["Llevan"].glosses[0] == "carry"


def test_untranslated_words_are_marked() -> None:
    bi = analyze(
        bilingual("Los funcionarios llegaron ayer.", "The funcionarios arrived yesterday.")
    )
    words = by_text(list(bi.pairs[0].words))
    assert words["funcionarios"].untranslated is True
    assert words["llegaron"].untranslated is False
    assert words["ayer"].untranslated is False


def test_analyze_a_bilingual_document_returns_a_new_frozen_value() -> None:
    bi = bilingual(
        "El Gobierno dio una rueda de prensa.", "The Government gave a press conference."
    )
    done = analyze(bi)
    assert done is not bi and bi.pairs[0].words == ()
    assert [w.text for w in done.pairs[0].words] == [
        "El",
        "Gobierno",
        "dio",
        "una",
        "rueda de prensa",
    ]
    gov = done.pairs[0].words[1]
    assert (gov.lemma, gov.upos) == ("gobierno", "NOUN")
    with pytest.raises(dataclasses.FrozenInstanceError):
        gov.lemma = "x"  # type: ignore[misc]
    assert done.pairs[0].target == bi.pairs[0].target
    assert bireader.analyze is analyze


def test_the_cache_serves_a_second_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from bireader.words import stream

    text = "Las negociaciones se consideran delicadas."
    first = analyze_sentences([text], [3])
    monkeypatch.setattr(stream, "analyse_document", lambda *a, **k: pytest.fail("not cached"))
    assert analyze_sentences([text], [3]) == first
    with pytest.raises(pytest.fail.Exception):
        analyze_sentences([text], [3], cache=False)


def test_plain_words_for_a_learner() -> None:
    said = by_text(words_of("Dijeron que no."))["Dijeron"]
    assert describe(said.upos, said.features) == "verb · preterite · 3rd person plural"


def test_units_whose_words_keep_their_meaning_are_split() -> None:
    words = by_text(words_of("Todo depende de ti y está dentro de la casa; es el mismo."))
    assert (words["depende"].lemma, words["depende"].upos) == ("depender", "VERB")
    assert "depende de" not in words and words["de"].upos == "ADP"
    assert words["dentro"].lemma == "dentro" and "dentro de" not in words
    assert words["mismo"].lemma == "mismo"


def test_ordinals_are_adjectives_and_pronominal_verbs_have_their_infinitive() -> None:
    words = by_text(words_of("Es la primera vez y la última, y la tormenta se acerca."))
    assert (words["primera"].lemma, words["primera"].upos) == ("primero", "ADJ")
    assert words["última"].upos == "ADJ"
    assert words["acerca"].lemma == "acercar"


def test_a_vosotros_imperative_is_not_chosen_over_a_noun() -> None:
    words = by_text(words_of("Beber agua aunque no se tenga sed."))
    assert (words["sed"].lemma, words["sed"].upos) == ("sed", "NOUN")


def test_abbreviations_are_glossed() -> None:
    words = by_text(words_of("Abrieron a las 9.00 h del domingo."))
    assert words["h"].glosses[0] == "hours" and words["h"].known is False


def test_an_analysis_begun_beside_the_translation_gives_the_same_words() -> None:
    from bireader.words import begin

    bi = bilingual(
        "El Gobierno dio una rueda de prensa.", "The Government gave a press conference."
    )
    pending = begin(bi.document, cache=False)
    assert analyze(bi, cache=False, pending=pending) == analyze(bi, cache=False)


def test_the_page_card_of_a_unit_lists_its_words() -> None:
    import json

    from bireader.formats.html import word_data

    bi = analyze(bilingual("Tenía dolor de cabeza.", "He had a headache."))
    data = json.loads(word_data(bi) or "{}")
    strings, entries = data["s"], data["e"]
    unit = next(e for e in entries if strings[e[0]] == "dolor de cabeza")
    assert strings[unit[3][0]] == "headache"
    assert [strings[entries[p][0]] for p in unit[5]] == ["dolor", "de", "cabeza"]
    assert "head" in [strings[g] for g in entries[unit[5][2]][3]]


def test_fue_before_a_participle_adjective_or_noun_is_ser() -> None:
    words = by_text(words_of("Un remero sufrió un esguince de muñeca y fue atendido en el puerto."))
    assert (words["fue"].lemma, words["atendido"].lemma) == ("ser", "atender")
    words = by_text(words_of("Su victoria no fue fruto de la casualidad."))
    assert words["fue"].lemma == "ser"
