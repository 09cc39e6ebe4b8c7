from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from samples import make_bilingual

import bireader
from bireader.errors import ExportError, InputError
from bireader.formats import json as bjson

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
    assert json.loads(buffer.getvalue().decode("utf-8"))["schema"] == 1


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ExportError, match="layout"):
        bjson.write(make_bilingual(), io.BytesIO(), layout="reveal")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema=99), "schema"),
        (lambda d: d["pairs"][0].update(start=1), "offsets"),
        (lambda d: d["pairs"][0].update(block_kind="sidebar"), "block kind"),
        (lambda d: d["pairs"][0].update(block_index=40), "block"),
        (lambda d: d.pop("provenance"), "provenance"),
    ],
)
def test_loads_refuses_inconsistent_input(mutate: object, message: str) -> None:
    data = json.loads(bjson.dumps(make_bilingual()))
    mutate(data)  # type: ignore[operator]
    with pytest.raises(InputError, match=message):
        bjson.loads(json.dumps(data))


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
