"""``bireader align ES_FILE EN_FILE -o OUT``: a Spanish article and its existing English."""

from __future__ import annotations

from typing import Any

import click

from bireader.cli import (
    OUTPUT_FORMAT,
    OUTPUTS,
    _input_source,
    check_outputs,
    exporter_options,
    progress_bar,
    write_outputs,
)
from bireader.reading import FORMATS as READ_FORMATS
from bireader.translation.base import engine_names


@click.command("align")
@click.argument("es_file", type=click.Path(allow_dash=True))
@click.argument("en_file", type=click.Path(allow_dash=True))
@OUTPUTS
@OUTPUT_FORMAT
@click.option(
    "-e",
    "--engine",
    type=click.Choice(["auto", *engine_names()]),
    default="apertium",
    show_default=True,
    help="Engine of the machine translation the aligner compares the English with.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor fill the translation cache.")
@click.option(
    "--input-format",
    type=click.Choice(sorted(READ_FORMATS)),
    help="Format of both articles (default: from each suffix, else sniffed).",
)
@exporter_options
def align_command(
    es_file: str,
    en_file: str,
    outputs: tuple[str, ...],
    output_format: str | None,
    engine: str,
    no_cache: bool,
    input_format: str | None,
    options: dict[str, dict[str, Any]],
    given: dict[str, tuple[str, str]],
) -> None:
    """Align a Spanish article with its existing English translation.

    Writes ES_FILE with EN_FILE, its human English, to every -o OUTPUT. Both are
    articles (.txt, .md, .html; one of them may be '-' for stdin). The English is
    matched sentence by sentence, with merges (2-1, 2-2), splits (1-2) and sentences
    that have no counterpart (1-0, 0-1, shown as unpaired); links the aligner is
    unsure of are flagged. --engine translates the Spanish only for the aligner's
    own use: the outputs carry the human English. Each OUTPUT's format comes from
    its suffix (.html, .tmx, .tsv, .json).
    """
    from bireader.alignment import align
    from bireader.reading import read

    if es_file == "-" and en_file == "-":
        raise click.UsageError("only one of ES_FILE and EN_FILE can be '-' (stdin)")
    check_outputs((es_file, en_file), outputs, output_format, given)
    source = read(_input_source(es_file), format=input_format, lang="es")
    target = read(_input_source(en_file), format=input_format, lang="en")
    with progress_bar("Translating for alignment") as progress:
        bi: Any = align(source, target, engine, cache=not no_cache, progress=progress)
    write_outputs(bi, outputs, output_format, options)
