"""``bireader batch``: a folder of articles in one command (see docs/batch.md).

Parses options, draws the progress bar and prints the summary; the work is
:func:`bireader.corpus.iter_batch`.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from bireader.cli import TranslationChoice, corpus_exporter_options, translation_options

_FORMATS = ("html", "tmx", "tsv", "json")
SOME_FAILED = 5  # bireader.corpus.SOME_FAILED, without importing it for --help


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = [name.strip().lower().lstrip(".") for name in value.split(",") if name.strip()]
    names = ["html" if name == "htm" else name for name in names]
    unknown = [name for name in names if name not in _FORMATS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or value!r}: give formats from {','.join(_FORMATS)}"
        )
    return tuple(dict.fromkeys(names))


def _jobs(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter("must be at least 1")
    return value


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUTS...")
@click.option(
    "-o",
    "--output-dir",
    required=True,
    type=click.Path(file_okay=False),
    metavar="OUT_DIR",
    help="Folder the outputs go to, mirroring the input folders.",
)
@click.option(
    "--to",
    "formats",
    default="html",
    show_default=True,
    callback=_formats,
    metavar="FORMATS",
    help="Comma-separated formats written for each article: html,tmx,tsv,json.",
)
@click.option(
    "--glob",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Files a folder contributes (repeatable; default *.txt *.md *.html, "
    "leaving out names like X.en.txt that declare another language).",
)
@click.option(
    "--tmx-corpus",
    type=click.Path(dir_okay=False),
    metavar="FILE.tmx",
    help="Also write every pair of every article into this one TMX memory.",
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    callback=_jobs,
    help="Worker processes (default: one per core).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="tcp://HOST:PORT",
    help="Run the articles on this Dask scheduler's workers instead (bireader[dask]).",
)
@translation_options
@corpus_exporter_options
@click.option(
    "--align",
    is_flag=True,
    help="Inputs are X.es.* / X.en.* pairs: align each Spanish article with its English "
    "(as `bireader align`) instead of translating it.",
)
@click.option("--force", is_flag=True, help="Redo every article, even those up to date.")
@click.option("-v", "--verbose", is_flag=True, help="A line per finished article.")
def batch_command(
    inputs: tuple[str, ...],
    output_dir: str,
    formats: tuple[str, ...],
    patterns: tuple[str, ...],
    tmx_corpus: str | None,
    jobs: int | None,
    dask_address: str | None,
    choice: TranslationChoice,
    options: dict[str, dict[str, Any]],
    given: dict[str, tuple[str, str]],
    align: bool,
    force: bool,
    verbose: bool,
) -> None:
    """Translate a corpus of articles, in parallel and resumably.

    Every INPUT goes to OUT_DIR, on every core or a Dask cluster.

    INPUTS are article files, folders (searched recursively) and @LIST files (one
    input per line). Each article gets one output per --to format, named after it
    and mirroring its folders. A rerun skips the articles whose outputs are up to
    date (made from the same input with the same options), so an interrupted batch
    finishes where it stopped. A failing article is named with the reason and the
    others go on; the exit code is then 5.
    """
    from bireader.corpus import BatchTally, collect_inputs, iter_batch

    if jobs is not None and dask_address is not None:
        raise click.UsageError("--jobs is for the local pool; a Dask cluster has its workers")
    for name, (flag, _suffix) in given.items():
        if name not in formats and not (name == "tmx" and tmx_corpus):
            raise click.UsageError(f"{flag} only applies with --to {name}")
    if tmx_corpus is not None and not tmx_corpus.lower().endswith(".tmx"):
        raise click.BadParameter("must end in .tmx", param_hint="--tmx-corpus")

    exclude: list[str] = [output_dir]
    if align and not choice.fallback:
        raise click.UsageError("--no-fallback applies to translation, not to --align")
    articles = collect_inputs(inputs, glob=patterns or None, exclude=exclude, align=align)
    client = _dask_client(dask_address) if dask_address else None
    started = time.perf_counter()
    tally = BatchTally()
    bar: Any = None
    try:
        results = iter_batch(
            (),
            output_dir,
            articles=articles,
            to=formats,
            jobs=jobs,
            client=client,
            resume=not force,
            tmx_corpus=tmx_corpus,
            engine=choice.engine,
            cache=choice.cache,
            fallback=choice.fallback,
            input_format=choice.input_format,
            export_options=options,
            align=align,
        )
        if sys.stderr.isatty():
            bar = click.progressbar(
                length=len(articles),
                label="Translating",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda _: (
                    f"{tally.sentences} sentences"
                    + (f", {len(tally.failed)} failed" if tally.failed else "")
                ),
            )
            bar.__enter__()
        for result in results:
            tally.add(result)
            if not result.ok:
                error = result.error or ""
                named = error.startswith(f"{result.source}: ")  # the reader names it already
                _line(bar, f"bireader: error: {error if named else f'{result.source}: {error}'}")
            if verbose and result.ok:
                state = "up to date" if result.skipped else f"{result.seconds:.2f} s"
                _line(bar, f"{result.source}: {result.sentences} sentences ({state})")
            if bar is not None:
                bar.update(1, result)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        if client is not None:
            client.close()
    seconds = time.perf_counter() - started
    done, sentences, failed = tally.articles, tally.sentences, tally.failed
    counted = f"{done} article{'' if done == 1 else 's'}"
    summary = (
        f"batch: {counted} ({tally.translated} translated, {tally.skipped} up to date, "
        f"{len(failed)} failed), {sentences} sentence{'' if sentences == 1 else 's'} "
        f"in {seconds:.1f} s -> {output_dir}"
    )
    click.echo(summary, err=True)
    if tmx_corpus is not None:
        click.echo(f"wrote {tmx_corpus} (tmx corpus)", err=True)
    if failed:
        click.echo(f"bireader: {len(failed)} of {counted} failed (named above)", err=True)
        raise click.exceptions.Exit(SOME_FAILED)


def _line(bar: Any, message: str) -> None:
    """A line on stderr that leaves the progress bar whole."""
    if bar is not None:
        click.echo("\r\033[K", nl=False, err=True)
    click.echo(message, err=True)
    if bar is not None:
        bar.render_progress()


def _dask_client(address: str) -> Any:
    from bireader.errors import EngineUnavailable

    try:
        from distributed import Client
    except ImportError:
        raise click.UsageError(
            "--dask needs dask.distributed: pip install 'bireader[dask]'"
        ) from None
    try:
        return Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineUnavailable(f"cannot reach the Dask scheduler {address}: {exc}") from exc
