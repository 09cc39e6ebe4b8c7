"""`bireader words`, `bireader vocab` and `bireader export --words` with real Apertium."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bireader.cli import main
from bireader.formats.json import read_json
from bireader.words.ud import UPOS_TAGS

pytestmark = [pytest.mark.apertium, pytest.mark.usefixtures("apertium_words")]

REPO = Path(__file__).resolve().parents[2]
MIAMI = REPO / "texts" / "miami-talks.es.txt"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def miami_words() -> list[dict[str, object]]:
    code, out, err = run("words", "--json", "-e", "apertium", MIAMI)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_words_prints_one_tsv_line_per_word(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("El Gobierno dio una rueda de prensa del cambio.\n", encoding="utf-8")
    code, out, err = run("words", "-e", "apertium", article)
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(row) == 5 for row in rows)
    assert [row[0] for row in rows] == [
        "El", "Gobierno", "dio", "una", "rueda de prensa", "del", "cambio",
    ]  # fmt: skip
    gave = rows[2]
    assert gave[1:4] == ["dar", "VERB", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin"]
    assert "give" in gave[4].split(";")
    assert rows[4][4].split(";")[0] == "press conference"
    # JSON: the unit's words are its parts, each with its own span in the article.
    code, out, err = run("words", "--json", "-e", "apertium", article)
    assert code == 0, err
    unit = next(w for w in map(json.loads, out.splitlines()) if w["text"] == "rueda de prensa")
    assert [(p["text"], p["lemma"]) for p in unit["parts"]] == [
        ("rueda", "rueda"), ("de", "de"), ("prensa", "prensa"),
    ]  # fmt: skip
    source = article.read_text(encoding="utf-8")
    assert all(source[p["start"] : p["end"]] == p["text"] for p in unit["parts"])


def test_words_json_explains_every_word_of_the_article(
    miami_words: list[dict[str, object]],
) -> None:
    text = MIAMI.read_text(encoding="utf-8")
    from bireader import read

    doc = read(MIAMI)
    assert len(miami_words) > 250
    for word in miami_words:
        assert {"text", "start", "end", "lemma", "upos", "features", "glosses"} <= set(word)
        assert doc.text[word["start"] : word["end"]] == word["text"]  # type: ignore[misc]
        assert word["upos"] in UPOS_TAGS
    alphabetic = [w for w in miami_words if str(w["text"]).isalpha() and w["upos"] != "PROPN"]
    with_gloss = [w for w in alphabetic if w["glosses"]]
    assert len(with_gloss) / len(alphabetic) >= 0.98
    assert text  # the article itself was read from disk


def test_vocab_writes_an_anki_package_with_one_note_per_lemma(
    tmp_path: Path, miami_words: list[dict[str, object]]
) -> None:
    deck = tmp_path / "deck.apkg"
    code, _, err = run("vocab", "-e", "apertium", MIAMI, "-o", deck)
    assert code == 0, err
    with zipfile.ZipFile(deck) as package:
        assert "collection.anki2" in package.namelist()
        package.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as conn:
        notes = [row[0].split("\x1f") for row in conn.execute("SELECT flds FROM notes")]
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    lemmas = [fields[0] for fields in notes]
    assert len(lemmas) == len(set(lemmas)) == cards
    expected = {
        str(w["lemma"])
        for w in miami_words
        if w["upos"] not in ("PROPN", "NUM", "PUNCT", "SYM", "X") and w["glosses"]
    }
    assert set(lemmas) == expected
    fields = dict(zip(lemmas, notes, strict=True))
    _, gloss, pos, sentence, english = fields["negociación"]
    assert gloss == "negotiation" and pos == "noun"
    assert "<b>negociaciones</b>" in sentence and english
    # Most frequent first: "el" (articles) outnumbers any noun.
    assert lemmas.index("el") < lemmas.index("negociación")


def test_vocab_tsv_and_exclude(tmp_path: Path) -> None:
    known = tmp_path / "known.txt"
    known.write_text("# words I know\nel\nde\nNegociación\tnegotiation\n", encoding="utf-8")
    deck = tmp_path / "deck.tsv"
    code, _, err = run("vocab", "-e", "apertium", MIAMI, "-o", deck, "--exclude", known)
    assert code == 0, err
    lines = deck.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == [
        "#separator:tab",
        "#html:true",
        "#columns:Lemma\tGloss\tPart of speech\tSentence\tTranslation",
    ]
    rows = [line.split("\t") for line in lines[3:]]
    assert all(len(row) == 5 for row in rows)
    lemmas = [row[0] for row in rows]
    assert not {"el", "de", "negociación"} & set(lemmas)
    assert "guerra" in lemmas and all("<b>" in row[3] for row in rows)


def test_vocab_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    code, _, err = run("vocab", MIAMI, "-o", tmp_path / "deck.csv")
    assert code == 2 and ".apkg or .tsv" in err
    assert not (tmp_path / "deck.csv").exists()


def test_export_explains_words_by_default_and_not_with_no_words(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    code, _, err = run("export", "-e", "apertium", MIAMI, "-o", out)
    assert code == 0, err
    bi = read_json(out)
    assert all(pair.words for pair in bi.pairs)
    code, _, err = run("export", "-e", "apertium", "--no-words", MIAMI, "-o", out)
    assert code == 0, err
    assert not any(pair.words for pair in read_json(out).pairs)


def test_export_without_apertium_warns_once_and_writes_no_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import bireader.words as words

    monkeypatch.setattr(words, "status", lambda: "lt-proc is not installed")
    out = tmp_path / "m.json"
    code, _, err = run("export", "-e", "apertium", MIAMI, "-o", out)
    assert code == 0, err
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "no word study" in warnings[0]
    assert not any(pair.words for pair in read_json(out).pairs)


def test_words_without_apertium_is_a_one_line_engine_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bireader.words import stream

    monkeypatch.setattr(stream, "ready", lambda: "lt-proc is not installed")
    article = tmp_path / "a.txt"
    article.write_text("Hola mundo.\n", encoding="utf-8")
    code, out, err = run("words", "-e", "apertium", "--no-cache", article)
    assert code == 3
    assert out == "" and err.count("\n") == 1 and "lt-proc is not installed" in err
