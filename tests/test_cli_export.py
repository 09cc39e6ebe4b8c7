"""`bireader export`: one translation, several outputs, TMX/JSON inputs, clean failures."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from doubles import UpperEngine
from lxml import etree

from bireader.cli import main
from bireader.formats.json import read_json
from bireader.formats.tmx import read_tmx
from bireader.model import Pair
from bireader.translation import base
from bireader.translation.base import engine_status

REPO = Path(__file__).resolve().parents[1]
MIAMI = REPO / "texts" / "miami-talks.es.txt"
TMX_DATA = REPO / "tests" / "data" / "tmx"
DTD = REPO / ".." / "shared" / "specs" / "tmx14.dtd"
ARTICLE = "Charlas en Miami\n\nEl alcalde habló ayer. Los vecinos votaron.\n\nTodo terminó tarde.\n"


@pytest.fixture
def upper_engine(
    monkeypatch: pytest.MonkeyPatch, register_engines: Callable[..., object]
) -> type[UpperEngine]:
    register_engines(argos=UpperEngine, apertium=UpperEngine)
    monkeypatch.setattr(UpperEngine, "calls", [])
    return UpperEngine


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def tmx_units(path: Path) -> list[etree._Element]:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    if DTD.is_file():
        dtd = etree.DTD(str(DTD))
        assert dtd.validate(tree), str(dtd.error_log)
    return tree.getroot().findall("body/tu")


def test_several_outputs_one_translation(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path
) -> None:
    outs = [tmp_path / f"a.{suffix}" for suffix in ("html", "tmx", "tsv", "json")]
    code, out, err = run("export", article, *[x for o in outs for x in ("-o", o)])
    assert code == 0, err
    assert out == ""
    assert len(upper_engine.calls) == 4  # translated once for four outputs
    for path in outs:
        assert f"wrote {path} (" in err
        assert path.stat().st_size > 0
    bi = read_json(outs[3])
    assert [p.target for p in bi.pairs] == [s.upper() for s in upper_engine.calls]
    assert len(tmx_units(outs[1])) == 4
    # TMX carries no words (the JSON has them when Apertium can explain them).
    assert read_tmx(outs[1]).pairs == tuple(dataclasses.replace(p, words=()) for p in bi.pairs)


def test_options_reach_their_format_only(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path
) -> None:
    page, memory, cards = tmp_path / "p.html", tmp_path / "m.tmx", tmp_path / "c.tsv"
    code, _, err = run(
        "export", article, "-o", page, "-o", memory, "-o", cards,
        "--layout", "reveal", "--lang-codes", "es-ES,en-US", "--with-context",
    )
    assert code == 0, err
    assert 'data-mode="reveal"' in page.read_text(encoding="utf-8")
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang")
             for tu in tmx_units(memory) for tuv in tu.findall("tuv")}
    assert langs == {"es-ES", "en-US"}
    assert cards.read_text(encoding="utf-8").splitlines()[2] == "#columns:Spanish\tEnglish\tContext"


def test_stdout_needs_format(upper_engine: type[UpperEngine], article: Path) -> None:
    code, _, err = run("export", article, "-o", "-")
    assert code == 2 and "--format" in err
    code, out, err = run("export", article, "-o", "-", "--format", "tmx")
    assert code == 0, err
    assert out.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx")
    assert out.count("<tu ") == 4
    assert "wrote" not in err


def test_tmx_input_needs_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "ENGINES", {})  # any translation attempt would fail
    page, data = tmp_path / "memory.html", tmp_path / "memory.json"
    code, _, err = run("export", TMX_DATA / "foreign_inline.tmx", "-o", page, "-o", data)
    assert code == 0, err
    bi = read_json(data)
    sources = [p.source.text for p in bi.pairs]
    assert sources[:2] == ["Pulse Guardar ahora.", "Ver El Quijote capítulo 1."]
    assert "Press Save now." in page.read_text(encoding="utf-8")


def test_json_input_round_trips_to_tmx(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path
) -> None:
    first = tmp_path / "a.json"
    assert run("export", article, "-o", first)[0] == 0
    memory = tmp_path / "b.tmx"
    code, _, err = run("export", first, "-o", memory)
    assert code == 0, err
    assert len(upper_engine.calls) == 4  # the JSON was not translated again
    json_pairs = read_json(first).pairs
    assert read_tmx(memory).pairs == tuple(dataclasses.replace(p, words=()) for p in json_pairs)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-o", "{tmp}/a.docx"], 2, "cannot tell the output format"),
        (["-o", "{tmp}/a.tmx", "-o", "{tmp}/a.tmx"], 2, "given twice"),
        (["-o", "{tmp}/a.tmx", "-o", "{tmp}/./a.tmx"], 2, "given twice"),
        (["-o", "{tmp}/a.tmx", "-o", "{tmp}/../{name}/a.tmx"], 2, "given twice"),
        (["-o", "-", "-o", "-", "--format", "json"], 2, "given twice"),
        (["-o", "{tmp}/a.tmx", "--lang-codes", "es"], 2, "two codes"),
        (["-o", "{tmp}/a.tmx", "--lang-codes", "es ES,en"], 2, "not a language code"),
        (["-o", "{tmp}/a.tmx", "--lang-codes", "en,es"], 2, "does not name Spanish"),
        (["-o", "{tmp}/a.tmx", "--lang-codes", "es-ES,fr-FR"], 2, "does not name English"),
        (["-o", "{tmp}/a.tmx", "--lang-codes", "esp,en"], 2, "does not name Spanish"),
        (["-o", "{tmp}/a.html", "--format", "tsv"], 2, "--format only applies to '-o -'"),
        (["-o", "{tmp}/a.tmx", "--layout", "reveal"], 2, "--layout only applies to a .html"),
        (["-o", "-", "-f", "tsv", "--layout", "reveal"], 2, "--layout only applies"),
        (["-o", "{tmp}/a.html", "--with-context"], 2, "--with-context only applies to a .tsv"),
        (["-o", "{tmp}/a.html", "--lang-codes", "es,en"], 2, "--lang-codes only applies to"),
        (["-o", "-", "--format", "htm"], 2, "'htm' is not one of"),
    ],
)
def test_bad_options_fail_before_translating(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path,
    args: list[str], code: int, message: str,
) -> None:
    got, out, err = run(
        "export", article, *[a.format(tmp=tmp_path, name=tmp_path.name) for a in args]
    )
    assert got == code and message in err, err
    assert err.count("\n") == 1 and err.startswith("bireader: error: "), err
    assert err.endswith(" (try 'bireader export --help')\n")
    assert out == "" and upper_engine.calls == []  # refused before translating
    assert not list(tmp_path.glob("a.*"))


@pytest.mark.parametrize("codes", ["es,en", "ES-es,EN-us", "es-419,en-GB", "es-Latn-MX,en"])
def test_lang_codes_accept_tags_of_spanish_and_english(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path, codes: str
) -> None:
    memory = tmp_path / "m.tmx"
    code, _, err = run("export", article, "-o", memory, "--lang-codes", codes)
    assert code == 0, err
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang")
             for tuv in tmx_units(memory)[0].findall("tuv")]
    assert langs == codes.split(",")


@pytest.mark.parametrize("suffix", ["html", "json", "tsv"])
def test_output_that_is_the_input_is_refused(
    upper_engine: type[UpperEngine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """`export self.html -o self.html` (or a .json read back) must not overwrite its input."""
    source = tmp_path / f"self.{suffix}"
    if suffix == "json":
        assert run("export", TMX_DATA / "remote_dtd.tmx", "-o", source)[0] == 0
    else:
        source.write_text(ARTICLE, encoding="utf-8")
    before = source.read_bytes()
    monkeypatch.chdir(tmp_path)
    for output in (source, f"./self.{suffix}", f"../{tmp_path.name}/self.{suffix}"):
        code, _, err = run("export", f"self.{suffix}", "-o", tmp_path / "ok.tsv", "-o", output)
        assert code == 2, err
        assert "is the input FILE" in err and err.count("\n") == 1
    assert source.read_bytes() == before
    assert not (tmp_path / "ok.tsv").exists()
    assert upper_engine.calls == []


def test_output_hard_linked_to_the_input_is_refused(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.html"
    os.link(article, link)
    code, _, err = run("export", article, "-o", link)
    assert code == 2 and "is the input FILE" in err
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_htm_suffix_still_writes_html(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path
) -> None:
    page = tmp_path / "p.htm"
    code, _, err = run("export", article, "-o", page, "--layout", "interlinear")
    assert code == 0, err
    assert f"wrote {page} (html, 4 pairs)" in err
    assert 'data-mode="interlinear"' in page.read_text(encoding="utf-8")
    code, out, _ = run("export", "--help")
    assert "[html|json|tmx|tsv]" in " ".join(out.split())


def test_no_fallback_reaches_the_pipeline(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bireader.translation import pipeline

    seen: list[object] = []
    real = pipeline.translate

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("fallback"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "translate", spy)
    assert run("export", article, "-o", tmp_path / "a.json")[0] == 0
    assert run("export", article, "-o", tmp_path / "b.json", "--no-fallback")[0] == 0
    assert seen == [True, False]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion_laughs.tmx", "declares XML entities"),
        ("malformed.tmx", "not well-formed"),
        ("missing.tmx", "no such file"),
    ],
)
def test_bad_tmx_input_is_one_line_exit_2(tmp_path: Path, name: str, message: str) -> None:
    code, _, err = run("export", TMX_DATA / name, "-o", tmp_path / "x.html")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("bireader: error:") and message in err
    assert not (tmp_path / "x.html").exists()


def test_one_failed_output_is_named_and_others_are_written(
    upper_engine: type[UpperEngine], article: Path, tmp_path: Path
) -> None:
    good, bad = tmp_path / "ok.tsv", tmp_path / "no" / "such" / "dir.tmx"
    code, _, err = run("export", article, "-o", bad, "-o", good)
    assert code == 4
    assert f"wrote {good}" in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("bireader: error: cannot write") and last.count(str(bad)) == 1
    assert good.is_file() and not bad.exists()


def test_installed_command_runs(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("bireader")
    if not command.exists():
        pytest.skip(f"no installed bireader command beside {sys.executable}")
    out = tmp_path / "cards.tsv"
    result = subprocess.run(
        [str(command), "export", str(TMX_DATA / "remote_dtd.tmx"), "-o", str(out)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[3] == "Hola.\tHello."
    assert result.stderr.strip() == f"wrote {out} (tsv, 1 pairs)"


needs_apertium = pytest.mark.skipif(
    not engine_status("apertium").ready,
    reason="apertium spa-eng is not installed here (make system)",
)


@pytest.mark.apertium
@needs_apertium
def test_sample_article_to_tmx_with_apertium(tmp_path: Path) -> None:
    """The TMX issue's bar: 11 units, valid against the DTD, read back by translate-toolkit."""
    toolkit = pytest.importorskip("translate.storage.tmx")
    memory, data, page = tmp_path / "miami.tmx", tmp_path / "miami.json", tmp_path / "miami.html"
    code, _, err = run(
        "export", MIAMI, "-e", "apertium", "--no-cache", "-o", memory, "-o", data, "-o", page
    )
    assert code == 0, err
    units = tmx_units(memory)
    assert len(units) == 11
    bi = read_json(data)
    store = toolkit.tmxfile.parsestring(memory.read_bytes())
    expected = [(p.source.text, p.target) for p in bi.pairs]
    assert [(u.source, u.target) for u in store.units] == expected
    assert all(p.engine == "apertium" for p in bi.pairs)
    # And TMX -> HTML, with no translation; offsets are rebuilt, the rest is kept.
    again = tmp_path / "again.html"
    code, _, err = run("export", memory, "-o", again)
    assert code == 0, err
    assert "Kirill Dmitriev" in again.read_text(encoding="utf-8")
    back = read_tmx(memory)
    assert [summary(p) for p in back.pairs] == [summary(p) for p in bi.pairs]
    assert back.provenance == bi.provenance


def summary(pair: Pair) -> tuple[object, ...]:
    return (pair.source.text, pair.target, pair.block_kind, pair.engine, pair.flags)
