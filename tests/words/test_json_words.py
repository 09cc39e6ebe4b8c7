"""Bilingual JSON schema 2 carries each pair's words; schema 1 files still load."""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

import pytest

from bireader.errors import InputError
from bireader.formats import json as bjson
from bireader.model import BilingualDocument, Word

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "formats"))
from samples import make_bilingual

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "bilingual.schema.json").read_text("utf-8")
)


def with_words(bi: BilingualDocument) -> BilingualDocument:
    """Every pair gets two hand-made words: its first word and a contraction-like one."""
    pairs = []
    for pair in bi.pairs:
        s = pair.source
        first_end = s.start + (s.text.find(" ") if " " in s.text else len(s.text))
        first = Word(
            s.text[: first_end - s.start],
            s.start,
            first_end,
            "lemma",
            "NOUN",
            "Gender=Fem|Number=Sing",
            ("one", "two"),
        )
        whole = Word(
            s.text,
            s.start,
            s.end,
            "x",
            "ADP",
            "",
            ("of the",),
            parts=(dataclasses.replace(first, text=s.text, end=s.end),),
            known=False,
            untranslated=True,
        )
        pairs.append(dataclasses.replace(pair, words=(first, whole)))
    return dataclasses.replace(bi, pairs=tuple(pairs))


@pytest.mark.parametrize("include_text", [True, False])
def test_words_round_trip_and_match_the_schema(include_text: bool) -> None:
    bi = with_words(make_bilingual())
    text = bjson.dumps(bi, include_text=include_text)
    data = json.loads(text)
    assert data["schema"] == bjson.SCHEMA_VERSION
    jsonschema.validate(data, SCHEMA)
    assert data["pairs"][0]["words"][0]["glosses"] == ["one", "two"]
    back = bjson.loads(text)
    if include_text:
        assert back == bi
    assert [p.words for p in back.pairs] == [p.words for p in bi.pairs]


def test_schema_1_files_still_load_without_words() -> None:
    data = json.loads(bjson.dumps(make_bilingual()))
    data["schema"] = 1
    for pair in data["pairs"]:
        del pair["words"]
    jsonschema.validate(data, SCHEMA)
    back = bjson.from_dict(data)
    assert all(p.words == () for p in back.pairs)
    assert back.pairs == make_bilingual().pairs


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda w: w.update(start=w["start"] + 1), "do not match its text"),
        (lambda w: w.update(glosses="one"), r"glosses: expected a list of strings"),
        (lambda w: w.update(known="yes"), r"known: expected true or false"),
        (lambda w: w.pop("parts"), r"parts is missing"),
        (lambda w: w.update(parts=[{"text": "x"}]), r"parts\[0\]\.start is missing"),
    ],
)
def test_bad_words_are_refused(mutate: object, message: str) -> None:
    data = json.loads(bjson.dumps(with_words(make_bilingual())))
    mutate(data["pairs"][0]["words"][0])  # type: ignore[operator]
    with pytest.raises(InputError, match=message):
        bjson.from_dict(data)


def test_a_word_outside_its_sentence_is_refused() -> None:
    data = json.loads(bjson.dumps(with_words(make_bilingual())))
    data["pairs"][0]["words"].append(data["pairs"][1]["words"][0])
    with pytest.raises(InputError, match="outside its sentence"):
        bjson.from_dict(data)


def test_whatever_the_schema_rejects_in_words_loads_rejects() -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    base = json.loads(bjson.dumps(with_words(make_bilingual())))
    values = [None, True, 0, -1, 2.5, "", "x", [], ["x"], [1], {}, {"a": "b"}]
    rng = random.Random(8)
    rejected = 0
    for _ in range(600):
        data = json.loads(json.dumps(base))
        word = rng.choice(rng.choice(data["pairs"])["words"])
        target = word if rng.random() < 0.7 or not word["parts"] else word["parts"][0]
        key = rng.choice(sorted(target))
        if rng.random() < 0.2:
            del target[key]
        else:
            target[key] = rng.choice(values)
        try:
            bjson.from_dict(data)
        except InputError:
            rejected += 1
            continue
        assert validator.is_valid(data), (key, target)
    assert rejected > 300
