from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
from samples import make_bilingual

import bireader
from bireader.errors import InputError, InvalidOption
from bireader.formats import json as bjson
from bireader.model import BilingualDocument, Repair

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "bilingual.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def validator() -> object:
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    return cls(SCHEMA)


@pytest.mark.parametrize("include_text", [True, False])
def test_output_matches_documented_schema(validator: object, include_text: bool) -> None:
    bi = make_bilingual(flags={1: ("repetition",)})
    data = json.loads(bjson.dumps(bi, include_text=include_text))
    validator.validate(data)  # type: ignore[attr-defined]
    assert ("text" in data["document"]) is include_text


def test_schema_rejects_what_it_should(validator: object) -> None:
    data = json.loads(bjson.dumps(make_bilingual()))
    data["pairs"][0]["block_kind"] = "sidebar"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)  # type: ignore[attr-defined]


def test_content() -> None:
    bi = make_bilingual(flags={2: ("repetition", "length")})
    data = json.loads(bjson.dumps(bi))
    assert data["schema"] == bjson.SCHEMA_VERSION
    assert data["created"] == "2026-11-27T14:05:09Z"
    assert data["provenance"]["signature"] == bi.provenance.signature()
    assert [p["source"] for p in data["pairs"]] == [p.source.text for p in bi.pairs]
    assert [p["target"] for p in data["pairs"]] == [p.target for p in bi.pairs]
    assert data["pairs"][2]["flags"] == ["repetition", "length"]
    text = data["document"]["text"]
    for p in data["pairs"]:
        assert text[p["start"] : p["end"]] == p["source"]
        assert data["blocks"][p["block_index"]]["kind"] == p["block_kind"]
    assert [b["kind"] for b in data["blocks"]] == ["heading", "paragraph", "list_item", "quote"]


def test_non_ascii_is_kept_readable() -> None:
    out = bjson.dumps(make_bilingual())
    assert "«Todo va bien»" in out and "🙂" in out


def test_round_trip_is_exact() -> None:
    bi = make_bilingual(flags={0: ("repetition",)})
    assert bjson.loads(bjson.dumps(bi)) == bi


def test_round_trip_without_text_keeps_sentences_and_offsets() -> None:
    bi = make_bilingual()
    back = bjson.loads(bjson.dumps(bi, include_text=False))
    assert back.pairs == bi.pairs
    assert [b.kind for b in back.document.blocks] == [b.kind for b in bi.document.blocks]


def test_export_to_file_and_read_back(tmp_path: Path) -> None:
    bi = make_bilingual()
    out = tmp_path / "a.json"
    bireader.export(bi, out)
    assert bjson.read_json(out) == bi


def test_write_to_stream() -> None:
    buffer = io.BytesIO()
    bireader.export(make_bilingual(), buffer, format="json")
    assert json.loads(buffer.getvalue().decode("utf-8"))["schema"] == bjson.SCHEMA_VERSION


def test_unknown_option_is_refused() -> None:
    with pytest.raises(InvalidOption, match="layout"):
        bjson.write(make_bilingual(), io.BytesIO(), layout="reveal")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema=99), "schema"),
        (lambda d: d["pairs"][0].update(start=1), "offsets"),
        (lambda d: d["pairs"][0].update(block_kind="sidebar"), "block kind"),
        (lambda d: d["pairs"][0].update(block_index=40), "block"),
        (lambda d: d.pop("provenance"), "provenance"),
        # B7: wrong types and ranges are named, not crashes later in html/tmx.
        (lambda d: d["document"].update(title=5), r"document\.title: expected a string or null"),
        (lambda d: d["pairs"][0].update(source=["x"]), r"pairs\[0\]\.source: expected a string"),
        (lambda d: d["provenance"].update(model={"a": 1}), r"provenance\.model: expected"),
        (lambda d: d["pairs"][1].update(flags="oops"), r"pairs\[1\]\.flags: expected a list"),
        (lambda d: d["pairs"][1].update(flags=[1]), r"pairs\[1\]\.flags: expected a list"),
        (lambda d: d["pairs"][0].update(start=-1), r"pairs\[0\]\.start: expected an integer >= 0"),
        (lambda d: d["pairs"][0].update(end=True), r"pairs\[0\]\.end: expected an integer"),
        (lambda d: d["pairs"][0].update(block_index=1.0), r"block_index: expected an integer"),
        (lambda d: d["blocks"][0].update(start=-3), r"blocks\[0\]\.start: expected an integer"),
        (
            lambda d: d["blocks"][-1].update(end=10_000),
            r"blocks\[3\]: end 10000 is beyond the text",
        ),
        (
            lambda d: d["document"]["metadata"].update(n=3),
            r"document\.metadata: expected an object",
        ),
        (lambda d: d["provenance"]["options"].update(beam=4), r"provenance\.options: expected"),
        (lambda d: d.update(created="ayer"), r"created: expected an ISO 8601"),
        (lambda d: d.update(target_lang=""), r"target_lang: expected a non-empty string"),
        (lambda d: d["document"].update(text=None), r"document\.text: expected a string"),
        (lambda d: d["pairs"][0].pop("flags"), r"pairs\[0\]\.flags is missing"),
        (lambda d: d.update(pairs={}), r"pairs: expected an array, got an object"),
        (lambda d: d["blocks"].__setitem__(0, "heading"), r"blocks\[0\]: expected an object"),
    ],
)
def test_loads_refuses_inconsistent_input(mutate: object, message: str) -> None:
    data = json.loads(bjson.dumps(make_bilingual()))
    mutate(data)  # type: ignore[operator]
    with pytest.raises(InputError, match=message):
        bjson.loads(json.dumps(data))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["blocks"][1].update(start=20, end=10), r"blocks\[1\]: start 20 is after end"),
        (lambda d: d["blocks"][1].update(index=7), r"blocks\[1\]\.index is 7, expected 1"),
        (lambda d: d["pairs"][1].update(block_index=0), "lie outside block 0"),
        (lambda d: d["pairs"][0].update(block_kind="quote"), "differs from block 0's kind"),
        (lambda d: d["blocks"][3].update(end=1 << 40), "too large"),
    ],
)
def test_loads_refuses_inconsistent_offsets(mutate: object, message: str) -> None:
    """Rules the schema cannot say: offsets against the text and the blocks."""
    for include_text in (True, False):
        data = json.loads(bjson.dumps(make_bilingual(), include_text=include_text))
        mutate(data)  # type: ignore[operator]
        # With the text present, a huge end is first of all beyond it.
        expected = "beyond the text" if "too large" in message and include_text else message
        with pytest.raises(InputError, match=expected):
            bjson.loads(json.dumps(data))


_VALUES = [
    None,
    True,
    0,
    -1,
    3,
    2.5,
    "",
    "x",
    "paragraph",
    [],
    ["x"],
    [1],
    {},
    {"a": "b"},
    {"a": 1},
]


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def test_whatever_the_schema_rejects_loads_rejects(validator: object) -> None:
    """Replace or delete one value anywhere: the hand-written checks refuse at least
    everything the documented schema refuses, always with InputError."""
    import random

    rng = random.Random(7)
    base = json.loads(bjson.dumps(_repaired(make_bilingual(flags={1: ("repetition",)}))))
    paths = _paths(base)
    rejected = 0
    for _ in range(1500):
        data = json.loads(json.dumps(base))
        path = rng.choice(paths)
        parent: object = data
        for key in path[:-1]:
            parent = parent[key]  # type: ignore[index]
        if isinstance(parent, dict) and rng.random() < 0.2:
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(_VALUES)  # type: ignore[index]
        schema_ok = validator.is_valid(data)  # type: ignore[attr-defined]
        try:
            bjson.from_dict(data)
        except InputError:
            rejected += 1
            continue
        assert schema_ok, (path, data)
    assert rejected > 500  # the mutations did exercise the checks


def test_loads_refuses_non_json() -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        bjson.loads("{nope")


def test_lone_surrogates_and_controls_round_trip_as_valid_utf8() -> None:
    bi = make_bilingual([("paragraph", [("Mal\ud800 \x00\x1b texto.", "Bad\udfff text.")])])
    buffer = io.BytesIO()
    bjson.write(bi, buffer)
    raw = buffer.getvalue().decode("utf-8")  # strict: would fail on a raw surrogate
    assert "\\ud800" in raw
    assert bjson.loads(raw) == bi


def test_without_text_a_huge_offset_is_refused() -> None:
    data = json.loads(bjson.dumps(make_bilingual(), include_text=False))
    data["blocks"][-1]["end"] = 2**31
    with pytest.raises(InputError, match="too large"):
        bjson.from_dict(data)


def test_without_text_overlapping_pairs_are_refused() -> None:
    data = json.loads(bjson.dumps(make_bilingual(), include_text=False))
    first, second = data["pairs"][:2]
    second["start"] = first["start"]
    second["end"] = first["start"] + len(second["source"])
    with pytest.raises(InputError):
        bjson.from_dict(data)


def test_deeply_nested_json_is_an_input_error() -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        bjson.loads("[" * 100_000 + "]" * 100_000)


def _repaired(bi: BilingualDocument) -> BilingualDocument:
    """``bi`` with its first pair replaced by another engine, its third retried in vain."""
    pairs = list(bi.pairs)
    pairs[0] = dataclasses.replace(pairs[0], repair=Repair("fallback", ("repetition",)))
    pairs[2] = dataclasses.replace(
        pairs[2], flags=("empty",), repair=Repair("retried", ("repetition", "subword"))
    )
    return dataclasses.replace(bi, pairs=tuple(pairs))


def test_a_repaired_pair_round_trips(validator: object) -> None:
    bi = _repaired(make_bilingual())
    data = json.loads(bjson.dumps(bi))
    validator.validate(data)  # type: ignore[attr-defined]
    assert data["pairs"][0]["flags"] == []
    assert data["pairs"][0]["repair"] == {"kind": "fallback", "first_flags": ["repetition"]}
    assert data["pairs"][2]["flags"] == ["empty"]
    assert data["pairs"][2]["repair"] == {
        "kind": "retried",
        "first_flags": ["repetition", "subword"],
    }
    assert "repair" not in data["pairs"][1]
    assert bjson.loads(bjson.dumps(bi)) == bi
    assert bjson.loads(bjson.dumps(bi, include_text=False)).pairs == bi.pairs


@pytest.mark.parametrize("schema", [1, 2, 3])
def test_older_schemas_read_repair_strings_into_a_repair(validator: object, schema: int) -> None:
    data = json.loads(bjson.dumps(make_bilingual()))
    data["schema"] = schema
    data["pairs"][0]["flags"] = ["fallback:repetition"]
    data["pairs"][2]["flags"] = ["empty", "retried:repetition", "retried:subword"]
    validator.validate(data)  # type: ignore[attr-defined]
    pairs = bjson.from_dict(data).pairs
    assert (pairs[0].flags, pairs[0].repair) == ((), Repair("fallback", ("repetition",)))
    assert pairs[2].flags == ("empty",)
    assert pairs[2].repair == Repair("retried", ("repetition", "subword"))
    assert (pairs[1].flags, pairs[1].repair) == ((), None)


def test_from_schema_4_a_flag_is_only_a_flag() -> None:
    """Repairs are no longer parsed out of the flags: a colon in a flag is just text."""
    data = json.loads(bjson.dumps(make_bilingual()))
    data["pairs"][0]["flags"] = ["fallback:repetition"]
    pair = bjson.from_dict(data).pairs[0]
    assert (pair.flags, pair.repair) == (("fallback:repetition",), None)


@pytest.mark.parametrize(
    ("repair", "message"),
    [
        ({"kind": "magic", "first_flags": []}, "pairs[0].repair.kind"),
        ({"kind": "retried"}, "first_flags"),
        ({"kind": "retried", "first_flags": [1]}, "first_flags"),
        ("fallback:repetition", "pairs[0].repair"),
    ],
)
def test_a_bad_repair_is_refused(validator: object, repair: object, message: str) -> None:
    data = json.loads(bjson.dumps(make_bilingual()))
    data["pairs"][0]["repair"] = repair
    assert not validator.is_valid(data)  # type: ignore[attr-defined]
    with pytest.raises(InputError, match=re.escape(message)):
        bjson.from_dict(data)
