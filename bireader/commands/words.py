"""``bireader words`` and ``bireader vocab``: every word explained, and Anki decks of them.

Only click and light modules are imported here; the analysis, the translation and
genanki are imported when a command runs.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from bireader.cli import (
    TranslationChoice,
    _same_file,
    _writing_stdout,
    read_and_translate,
    translation_options,
)


def _explained(file: str, choice: TranslationChoice) -> Any:
    """FILE read, translated and analysed: a ``BilingualDocument`` whose pairs have words.

    A bilingual .json or .tmx written by bireader is used as it is (no translation).
    """
    from bireader.words import Pending, analyze, begin

    pending: list[Pending] = []

    def start(document: Any) -> None:
        # The analysis runs beside the translation: both are mostly Apertium processes.
        pending.append(begin(document, cache=choice.cache))

    bi = read_and_translate(file, choice, bilingual=True, on_read=start)
    if bi.pairs and all(pair.words for pair in bi.pairs):
        return bi
    return analyze(bi, cache=choice.cache, pending=pending[0] if pending else None)


@click.command("words")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per word (JSON Lines)."
)
@translation_options
def words_command(file: str, as_json: bool, choice: TranslationChoice) -> None:
    """Explain every word of FILE, one per line (TSV).

    Columns: text, lemma, UD part of speech, UD features, English glosses
    (';'-separated, best first for the sentence: its translation decides). FILE is an
    article ('-' for stdin) or a bilingual .json/.tmx. Needs Apertium's spa-eng data
    (`bireader engines` says whether it is installed).
    """
    bi = _explained(file, choice)
    from bireader.formats.json import word_to_dict

    with _writing_stdout():
        out = sys.stdout
        for index, pair in enumerate(bi.pairs):
            for word in pair.words:
                if as_json:
                    data = word_to_dict(word)
                    data["sentence"] = index
                    out.write(json.dumps(data, ensure_ascii=False) + "\n")
                else:
                    fields = (word.text, word.lemma, word.upos, word.features or "_")
                    glosses = ";".join(word.glosses)
                    out.write("\t".join((*(_cell(f) for f in fields), _cell(glosses))) + "\n")


def _cell(text: str) -> str:
    return " ".join(text.split())


@click.command("vocab")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="deck.apkg (an Anki package) or deck.tsv (Anki-importable text); '-' is TSV on stdout.",
)
@click.option(
    "--exclude",
    "exclude",
    type=click.Path(exists=True, dir_okay=False, allow_dash=False),
    help="A known-words file (one lemma per line, or a TSV whose first column is the lemma).",
)
@click.option("--deck-name", help="The Anki deck's name (default: from FILE).")
@translation_options
def vocab_command(
    file: str, output: str, exclude: str | None, deck_name: str | None, choice: TranslationChoice
) -> None:
    """Write an Anki deck of FILE's words, one note per lemma.

    Most frequent lemmas first. Each note: lemma, best English gloss, part of speech,
    the Spanish sentence with the word in bold, and that sentence's English. -o
    deck.apkg writes an Anki package, -o deck.tsv the same notes as tab-separated text
    for Anki's File > Import.
    """
    from pathlib import Path

    from bireader.vocab import notes, read_known, write_apkg, write_tsv

    suffix = Path(output).suffix.lower() if output != "-" else ".tsv"
    if suffix not in (".apkg", ".tsv"):
        raise click.BadParameter(
            f"{output!r}: the deck's format comes from its suffix, .apkg or .tsv",
            param_hint="'-o' / '--output'",
        )
    if output != "-" and file not in ("-", "") and _same_file(output, file):
        raise click.UsageError(f"-o {output} is the input FILE; it would be overwritten")
    known = read_known(exclude) if exclude else frozenset()
    bi = _explained(file, choice)
    deck = notes(bi, exclude=known)
    if output == "-":
        with _writing_stdout():
            sys.stdout.flush()
            write_tsv(deck, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    name = deck_name or bi.document.title or Path(file).name.split(".")[0] or "bireader"
    if suffix == ".apkg":
        write_apkg(deck, output, name)
    else:
        write_tsv(deck, output)
    click.echo(f"wrote {output} ({len(deck)} notes)", err=True)


def with_words(bi: Any, words: bool | None, formats: set[str], *, cache: bool) -> Any:
    """``bi`` with its words explained when an .html or .json output shows them.

    ``words`` None (the default) explains them when Apertium is installed and warns
    once otherwise; True requires Apertium (exit 3 without it); False never explains.
    """
    import logging

    from bireader.words import analyze, status

    if words is False or not formats & {"html", "json"}:
        return bi
    if all(pair.words for pair in bi.pairs):
        return bi
    if words is None:
        reason = status()
        if reason is not None:
            logging.getLogger("bireader").warning(
                "the page has no word study: %s (--no-words hides this warning)", reason
            )
            return bi
    return analyze(bi, cache=cache)
