"""The ``bireader`` command: parses options, opens files, calls one library function.

Library errors (``BireaderError``) become a one-line message on stderr and the
error's exit code; nothing here implements behaviour the library lacks.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from bireader._version import __version__
from bireader.errors import BireaderError
from bireader.formats.base import export_formats
from bireader.reader import FORMATS as READ_FORMATS
from bireader.translation.base import engine_names


class _Group(click.Group):
    """A group that turns library errors into one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BireaderError as exc:
            click.echo(f"bireader: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # Output piped to `head` and closed early: not an error worth a traceback.
            sys.stderr.close()
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("bireader: interrupted", err=True)
            ctx.exit(130)


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a bar on stderr, or None off a TTY.

    The library reports progress through the callback; only the CLI draws.
    """
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


_INPUT_FORMAT = click.option(
    "--input-format",
    type=click.Choice(sorted(READ_FORMATS)),
    help="Format of an article FILE (default: from the suffix, else sniffed).",
)
_ENGINE = click.option(
    "-e",
    "--engine",
    type=click.Choice(["auto", *engine_names()]),
    default="auto",
    show_default=True,
    help="Translation engine; auto = Argos if an es->en model is installed, else Apertium.",
)
_NO_CACHE = click.option(
    "--no-cache", is_flag=True, help="Neither read nor fill the translation cache."
)


class _StderrFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"bireader: {record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(verbose: int) -> None:
    """Library warnings (e.g. a legacy encoding) as one ``bireader: warning: ...`` line."""
    log = logging.getLogger("bireader")
    if not any(getattr(h, "_bireader_cli", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_StderrFormatter())
        handler._bireader_cli = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)


def _article_path(file: str) -> Any:
    """FILE as the reader takes it ('-' or a Path); a bilingual .json/.tmx is refused."""
    from pathlib import Path

    from bireader.errors import InputError
    from bireader.formats.base import bilingual_reader

    if file == "-":
        return file
    if bilingual_reader(file) is not None:
        raise InputError(
            f"{file}: a bilingual {Path(file).suffix.lstrip('.').upper()} file, not an article; "
            f"to write it in another format run `bireader export {file} -o OUT.html`"
        )
    return Path(file)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="bireader")
@click.option("-v", "--verbose", count=True, help="Log more to stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Split Spanish articles into sentences, translate them offline, export bilingual pages."""
    _setup_logging(verbose)


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--json", "as_json", is_flag=True, help="Print blocks with kinds, sentences and offsets."
)
@_INPUT_FORMAT
def segment(file: str, as_json: bool, input_format: str | None) -> None:
    """Print the sentences of FILE ('-' for stdin), one per line."""
    from bireader.reader import read

    # FILE is always a path here (never text), so a missing one is an error.
    document = read(_article_path(file), format=input_format)
    if as_json:
        from bireader.formats.json import document_to_dict

        click.echo(json.dumps(document_to_dict(document), ensure_ascii=False, indent=2))
        return
    for sentence in document.sentences():
        click.echo(sentence.text)


@main.command("translate")
@click.argument("file", type=click.Path(allow_dash=True))
@_ENGINE
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True, dir_okay=False),
    default="-",
    help="Write the JSON here instead of stdout ('-').",
)
@_NO_CACHE
@click.option(
    "--no-fallback", is_flag=True, help="Keep flagged sentences on the chosen engine."
)
@_INPUT_FORMAT
def translate_command(
    file: str,
    engine: str,
    output: str,
    no_cache: bool,
    no_fallback: bool,
    input_format: str | None,
) -> None:
    """Translate FILE ('-' for stdin) and print the sentence pairs as JSON."""
    from bireader.formats.base import export
    from bireader.reader import read
    from bireader.translation.pipeline import translate

    document = read(_article_path(file), format=input_format)
    with progress_bar("Translating") as progress:
        bi = translate(
            document, engine, cache=not no_cache, progress=progress, fallback=not no_fallback
        )
    if output == "-":
        sys.stdout.flush()
        export(bi, sys.stdout.buffer, format="json")
        sys.stdout.buffer.flush()
    else:
        export(bi, output, format="json")


@main.command("engines")
def engines_command() -> None:
    """List the translation engines, whether each is ready here, and how to make it ready."""
    from bireader.translation.base import AUTO_ORDER, engine_status

    statuses = {name: engine_status(name) for name in engine_names()}
    width = max(len(name) for name in statuses)
    for status in statuses.values():
        state = "ready" if status.ready else "not ready"
        click.echo(f"{status.name:<{width}}  {state:<9}  {status.detail}")
        if not status.ready and status.fix:
            click.echo(f"{'':<{width}}  to fix:    {status.fix}")
    auto = next((name for name in AUTO_ORDER if statuses[name].ready), None)
    click.echo(f"auto -> {auto or 'no engine is ready'}")


@main.group("cache", cls=_Group)
def cache_group() -> None:
    """Show or clear the translation cache (BIREADER_CACHE_DIR overrides its place)."""


@cache_group.command("info")
def cache_info() -> None:
    """Print where the cache is, how many translations it holds and its size."""
    from bireader.translation.cache import TranslationCache

    with TranslationCache() as cache:
        info = cache.info()
    click.echo(f"path:    {info.path}")
    click.echo(f"entries: {info.entries}")
    click.echo(f"size:    {info.size_bytes / 1024:.1f} KiB")
    if not info.usable:
        click.echo("state:   unusable (bypassed; `bireader cache clear` removes it)")


@cache_group.command("clear")
def cache_clear() -> None:
    """Delete every cached translation."""
    from bireader.translation.cache import TranslationCache

    with TranslationCache() as cache:
        removed = cache.clear()
        path = cache.path
    click.echo(f"removed {removed} cached translations from {path}")


@main.group("models", cls=_Group)
def models_group() -> None:
    """List, install or remove Argos Translate models (ARGOS_PACKAGES_DIR overrides their place)."""


@models_group.command("list")
def models_list() -> None:
    """Print the installed Argos packages: code, language pair, version, directory."""
    from bireader.translation.models import installed_packages, packages_dir

    packages = installed_packages()
    if not packages:
        click.echo(f"no Argos packages installed in {packages_dir()}")
        return
    for package in packages:
        click.echo(
            f"{package.code}  {package.pair}  {package.package_version or '?'}  {package.path}"
        )


@models_group.command("install")
@click.argument("langs", nargs=-1, metavar="[FROM TO]")
@click.option(
    "--file", "file_", type=click.Path(dir_okay=False), metavar="X.argosmodel",
    help="Install a downloaded .argosmodel file (works offline).",
)
def models_install(langs: tuple[str, ...], file_: str | None) -> None:
    """Install the FROM->TO model from the Argos index (e.g. `es en`), or --file X.argosmodel."""
    from bireader.translation import models

    if file_ is not None and langs:
        raise click.UsageError("give either FROM TO or --file, not both")
    if file_ is not None:
        package = models.install_from_file(file_)
    elif len(langs) == 2:
        package = models.install_from_index(langs[0], langs[1])
    else:
        raise click.UsageError("give FROM TO (e.g. `es en`) or --file X.argosmodel")
    click.echo(
        f"installed {package.code} {package.package_version} ({package.pair}) in {package.path}"
    )


@models_group.command("remove")
@click.argument("what", nargs=-1, required=True, metavar="CODE | FROM TO")
def models_remove(what: tuple[str, ...]) -> None:
    """Remove an installed package by code or directory name, or every FROM->TO package."""
    from bireader.translation import models

    if len(what) > 2:
        raise click.UsageError("give a package CODE or FROM TO")
    removed = models.remove(what[0], what[1] if len(what) == 2 else None)
    for package in removed:
        click.echo(f"removed {package.code} {package.package_version} ({package.pair})")


# Mirrors bireader.formats.html.LAYOUTS (a test checks) without importing lxml for --help.
_HTML_LAYOUTS = ("side-by-side", "interlinear", "reveal")


@main.command("export")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    required=True,
    type=click.Path(allow_dash=True, dir_okay=False),
    help="Write here; the format comes from the suffix (.html .tmx .tsv .json). "
    "Repeat for several files. '-' is stdout, with --format.",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(export_formats()),
    help="Format written to '-o -' (stdout).",
)
@_ENGINE
@click.option(
    "--layout",
    type=click.Choice(_HTML_LAYOUTS),
    help="HTML: the reading mode the page opens in (switchable in the page).",
)
@click.option(
    "--lang-codes",
    metavar="SRC,TGT",
    help="TMX: xml:lang codes of the two languages, e.g. es-ES,en-US (default: es,en).",
)
@click.option(
    "--with-context", is_flag=True, help="TSV: add the whole source paragraph as a third column."
)
@_NO_CACHE
@_INPUT_FORMAT
def export_command(
    file: str,
    outputs: tuple[str, ...],
    output_format: str | None,
    engine: str,
    layout: str | None,
    lang_codes: str | None,
    with_context: bool,
    no_cache: bool,
    input_format: str | None,
) -> None:
    """Translate FILE once and write it to every -o OUTPUT (.html, .tmx, .tsv, .json).

    FILE is an article ('-' for stdin), or a .tmx memory or a .json written by
    bireader, whose pairs are used as they are, without translating. Each written
    file is named on stderr.
    """
    from pathlib import Path

    from bireader.formats.base import bilingual_reader, export_each, exporter_for

    if len(set(outputs)) != len(outputs):
        raise click.UsageError("the same -o OUTPUT is given twice")
    for output in outputs:
        if output == "-" and output_format is None:
            raise click.UsageError("-o - (stdout) needs --format")
        # Refuse an unknown suffix now, not after a long translation.
        exporter_for(output, output_format if output == "-" else None)
    options: dict[str, dict[str, Any]] = {}
    if layout:
        options["html"] = {"layout": layout}
    if lang_codes:
        codes = [code.strip() for code in lang_codes.split(",")]
        if len(codes) != 2 or not all(codes):
            raise click.BadParameter(
                "expected two codes, e.g. es-ES,en-US", param_hint="--lang-codes"
            )
        options["tmx"] = {"source_lang": codes[0], "target_lang": codes[1]}
    if with_context:
        options["tsv"] = {"with_context": True}

    read_bilingual = bilingual_reader(file) if file != "-" else None
    if read_bilingual is not None:
        bi = read_bilingual(file)
    else:
        from bireader.reader import read
        from bireader.translation.pipeline import translate

        document = read(file if file == "-" else Path(file), format=input_format)
        with progress_bar("Translating") as progress:
            bi = translate(document, engine, cache=not no_cache, progress=progress)

    files = {output for output in outputs if output != "-"}

    def written(name: str, fmt: str) -> None:
        if name in files:
            click.echo(f"wrote {name} ({fmt}, {len(bi.pairs)} pairs)", err=True)

    targets: list[Any] = [sys.stdout.buffer if output == "-" else output for output in outputs]
    try:
        export_each(bi, targets, format=output_format, options=options, on_written=written)
    finally:
        sys.stdout.flush()
