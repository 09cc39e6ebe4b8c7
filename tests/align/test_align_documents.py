"""bireader.align on the gold pairs, with the real Apertium, and every exporter on the result."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from align_gold import GOLD

import bireader
from bireader.alignment import evaluate
from bireader.formats import json as bjson
from bireader.model import BilingualDocument

pytestmark = [pytest.mark.apertium, pytest.mark.usefixtures("apertium")]
NAMES = evaluate.gold_names(GOLD)
SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"


@pytest.fixture(scope="module")
def aligned() -> dict[str, tuple[evaluate.GoldPair, BilingualDocument]]:
    """Every gold pair, split into its gold sentences, aligned once."""
    result = {}
    for name in NAMES:
        pair = evaluate.load_gold(GOLD, name)
        result[name] = pair, bireader.align(pair.source, pair.target, cache=False)
    return result


def _links(
    bi: BilingualDocument, pair: evaluate.GoldPair
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The links of ``bi`` as gold-style indices (targets matched back to English sentences)."""
    es_index = {(s.start, s.end): k for k, s in enumerate(pair.source.sentences())}
    en_texts = [s.text for s in pair.target.sentences()]
    used = 0
    links = []
    for row in bi.links():
        source = tuple(es_index[(p.source.start, p.source.end)] for p in row if p.source.text)
        english = " ".join(p.target for p in row if p.target)
        target = []
        while english:
            assert english.startswith(en_texts[used])
            english = english[len(en_texts[used]) :].lstrip()
            target.append(used)
            used += 1
        links.append((source, tuple(target)))
    assert used == len(en_texts)  # every English sentence is in the output, in order
    return links


@pytest.mark.parametrize("name", NAMES)
def test_accuracy_floor_on_gold(aligned: dict, name: str) -> None:
    pair, bi = aligned[name]
    score = evaluate.link_scores(pair.links, _links(bi, pair))
    assert score.f1 >= 0.97, score
    assert score.unpaired_found >= 0.8 * score.unpaired_gold, score


@pytest.mark.parametrize("name", NAMES)
def test_nothing_is_lost(aligned: dict, name: str) -> None:
    pair, bi = aligned[name]
    document = bi.document
    for p in bi.pairs:
        assert document.text[p.source.start : p.source.end] == p.source.text
    sources = [p.source for p in bi.pairs if p.source.text]
    assert sources == list(pair.source.sentences())
    for p in bi.pairs:
        assert p.link is not None and p.confidence is not None and 0 <= p.confidence <= 1
        if p.unpaired:
            assert not p.source.text or not p.target
    assert bi.provenance.engine == "human"
    assert bi.provenance.options["aligner"].startswith("bireader-align")
    assert bi.provenance.options["alignment-mt"].startswith("apertium:")


def test_tmx_validates_and_reads_back(aligned: dict, tmp_path: Path) -> None:
    from lxml import etree
    from translate.storage import tmx as tt_tmx

    if not (SPECS / "tmx14.dtd").is_file():
        pytest.skip(f"TMX DTD not found in {SPECS} (the shared/ folder beside the repo)")
    dtd = etree.DTD(str(SPECS / "tmx14.dtd"))
    for name, (_, bi) in aligned.items():
        out = tmp_path / f"{name}.tmx"
        bireader.export(bi, out)
        assert dtd.validate(etree.parse(str(out))), dtd.error_log.filter_from_errors()
        rows = list(bi.links())
        units = tt_tmx.tmxfile.parsefile(str(out)).units
        assert len(units) == len(rows)
        for unit, row in zip(units, rows, strict=True):
            assert unit.source == " ".join(p.source.text for p in row if p.source.text)
            assert unit.target == " ".join(p.target for p in row if p.target)
            assert "Human translation" in unit.getnotes()
        tree = etree.parse(str(out))
        assert {tu.get("creationtool") for tu in tree.iter("tu")} == {"bireader-align"}
        assert bireader.read_tmx(out).provenance.engine == "human"


def test_json_round_trips_and_matches_schema(aligned: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).parents[2] / "docs" / "bilingual.schema.json").read_text())
    for _, bi in aligned.values():
        text = bjson.dumps(bi)
        jsonschema.validate(json.loads(text), schema)
        assert bjson.loads(text) == bi


def test_tsv_has_one_line_per_row(aligned: dict) -> None:
    for _, bi in aligned.values():
        stream = io.BytesIO()
        bireader.export(bi, stream, format="tsv")
        lines = stream.getvalue().decode("utf-8").splitlines()
        assert len([line for line in lines if not line.startswith("#")]) == len(list(bi.links()))


def test_html_shows_merged_rows_and_unpaired_sentences(aligned: dict) -> None:
    from lxml import html

    from bireader.formats.html import render

    _, bi = aligned["ola-de-calor"]
    page = html.fromstring(render(bi))
    rows = list(bi.links())
    assert len(page.find_class("s")) == len(rows) == len(page.find_class("t"))
    merged = next(row for row in rows if len(row) == 2)
    joined = " ".join(p.source.text for p in merged)
    assert joined in [s.text_content() for s in page.find_class("s")]
    unpaired = [element for element in page.find_class("unpaired")]
    assert len(unpaired) == sum(1 for p in bi.pairs if p.unpaired)
    assert all(element.find_class("gap") for element in unpaired)
    assert "aligned by bireader-align" in page.find_class("prov")[0].text_content()
