"""The ``bireader`` command: parses options, opens files, calls one library function.

Library errors (``BireaderError``) become a one-line message on stderr and the
error's exit code; nothing here implements behaviour the library lacks.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from bireader._version import __version__
from bireader.errors import BireaderError, ExportError
from bireader.formats.base import EXPORTERS
from bireader.reading import FORMATS as READ_FORMATS
from bireader.translation.base import engine_names


def _usage_error(exc: click.UsageError) -> click.exceptions.Exit:
    """Print a usage error as one line naming the help to read; return the exit to raise."""
    names: list[str] = []
    ctx = exc.ctx
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    command = " ".join(["bireader", *reversed(names)])
    message = " ".join(exc.format_message().split()).rstrip(".")
    click.echo(f"bireader: error: {message} (try '{command} --help')", err=True)
    return click.exceptions.Exit(exc.exit_code)


class _StdoutError(ExportError):
    """Standard output could not be written (disk full, a closed file...)."""


@contextlib.contextmanager
def _writing_stdout() -> Iterator[None]:
    """Turn an ``OSError`` while writing stdout into ``_StdoutError`` (exit 4), then flush."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        # What stays buffered would fail again at exit: send it nowhere.
        try:
            fd = sys.stdout.fileno()
        except (OSError, ValueError, AttributeError):
            sys.stdout = io.StringIO()  # a stream without a descriptor (tests)
        else:
            with contextlib.suppress(OSError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, fd)
                os.close(devnull)
        raise _StdoutError(f"cannot write to standard output: {exc.strerror or exc}") from exc


def _echo(message: str = "") -> None:
    """``click.echo`` to stdout; a failed write is a one-line error (exit 4)."""
    with _writing_stdout():
        click.echo(message)


class _Group(click.Group):
    """A group that turns library and usage errors into one line and an exit code."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _usage_error(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            with _writing_stdout():
                pass
            return result
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _usage_error(exc) from None
        except BireaderError as exc:
            click.echo(f"bireader: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # Output piped to `head` and closed early: not an error worth a traceback.
            sys.stderr.close()
            ctx.exit(1)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, _Terminated)
            click.echo(f"bireader: {'terminated' if terminated else 'interrupted'}", err=True)
            ctx.exit(143 if terminated else 130)


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


def _input_source(file: str) -> Any:
    """FILE as the reader takes it: '-', a URL string (the reader says it works offline), a Path."""
    import re
    from pathlib import Path

    if not file:
        raise click.UsageError("no input file given (FILE is an empty string)")
    if file == "-" or re.match(r"(?i)^[a-z][a-z0-9+.-]*://", file):
        return file
    return Path(file)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="bireader")
@click.option("-v", "--verbose", count=True, help="Log more to stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Split Spanish articles into sentences, translate them offline, export bilingual pages."""
    _setup_logging(verbose)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is so that it unwinds like Ctrl-C."""


def _terminated(signum: int, frame: Any) -> None:
    raise _Terminated


def run() -> None:
    """The ``bireader`` console script: ``main`` with SIGTERM unwinding like Ctrl-C.

    ``kill`` then leaves no temporary output file behind, as Ctrl-C does not.
    """
    signal.signal(signal.SIGTERM, _terminated)
    main()


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--json", "as_json", is_flag=True, help="Print blocks with kinds, sentences and offsets."
)
@_INPUT_FORMAT
def segment(file: str, as_json: bool, input_format: str | None) -> None:
    """Print the sentences of FILE ('-' for stdin), one per line."""
    from bireader.reading import read

    # FILE is always a path here (never text), so a missing one is an error.
    document = read(_input_source(file), format=input_format)
    if as_json:
        from bireader.formats.json import document_to_dict

        _echo(json.dumps(document_to_dict(document), ensure_ascii=False, indent=2))
        return
    for sentence in document.sentences():
        _echo(sentence.text)


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
@click.option("--no-fallback", is_flag=True, help="Keep flagged sentences on the chosen engine.")
@_INPUT_FORMAT
def translate_command(
    file: str,
    engine: str,
    output: str,
    no_cache: bool,
    no_fallback: bool,
    input_format: str | None,
) -> None:
    """Translate FILE and print the sentence pairs as JSON.

    FILE is an article ('-' for stdin). -o writes the JSON to a .json file instead
    (`bireader export` writes the other formats).
    """
    from pathlib import Path

    from bireader.formats.base import export
    from bireader.reading import read
    from bireader.translation.pipeline import translate

    if output != "-" and Path(output).suffix.lower() != ".json":
        raise click.BadParameter(
            f"{output!r}: translate writes JSON, so OUTPUT must end in .json "
            "(for .html, .tmx or .tsv run `bireader export`)",
            param_hint="'-o' / '--output'",
        )
    document = read(_input_source(file), format=input_format)
    with progress_bar("Translating") as progress:
        bi = translate(
            document, engine, cache=not no_cache, progress=progress, fallback=not no_fallback
        )
    if output == "-":
        with _writing_stdout():
            sys.stdout.flush()
            export(bi, sys.stdout.buffer, format="json")
            sys.stdout.buffer.flush()
    else:
        export(bi, output, format="json")
        click.echo(f"wrote {output} (json, {len(bi.pairs)} pairs)", err=True)


@main.command("engines")
def engines_command() -> None:
    """List the translation engines and whether each is ready.

    An engine that is not ready comes with the command that makes it ready; the
    last line names the engine `--engine auto` picks.
    """
    from bireader.translation.base import AUTO_ORDER, engine_status

    statuses = {name: engine_status(name) for name in engine_names()}
    width = max(len(name) for name in statuses)
    for status in statuses.values():
        state = "ready" if status.ready else "not ready"
        _echo(f"{status.name:<{width}}  {state:<9}  {status.detail}")
        if not status.ready and status.fix:
            _echo(f"{'':<{width}}  to fix:    {status.fix}")
    auto = next((name for name in AUTO_ORDER if statuses[name].ready), None)
    _echo(f"auto -> {auto or 'no engine is ready'}")


@main.group("cache", cls=_Group)
def cache_group() -> None:
    """Show or clear the translation cache.

    BIREADER_CACHE_DIR overrides where it is kept.
    """


@cache_group.command("info")
def cache_info() -> None:
    """Print where the cache is, its entries and its size."""
    from bireader.translation.cache import TranslationCache

    with TranslationCache() as cache:
        info = cache.info()
    _echo(f"path:    {info.path}")
    _echo(f"entries: {info.entries}")
    _echo(f"size:    {info.size_bytes / 1024:.1f} KiB")
    if not info.usable:
        _echo("state:   unusable (bypassed; `bireader cache clear` removes it)")


@cache_group.command("clear")
def cache_clear() -> None:
    """Delete every cached translation."""
    from bireader.translation.cache import TranslationCache

    with TranslationCache() as cache:
        removed = cache.clear()
        path = cache.path
    _echo(f"removed {removed} cached translations from {path}")


@main.group("models", cls=_Group)
def models_group() -> None:
    """List, install or remove Argos Translate models.

    ARGOS_PACKAGES_DIR overrides where they are kept.
    """


@models_group.command("list")
def models_list() -> None:
    """Print the installed Argos packages.

    One line each: code, language pair, version, directory.
    """
    from bireader.translation.models import installed_packages, packages_dir

    packages = installed_packages()
    if not packages:
        _echo(f"no Argos packages installed in {packages_dir()}")
        return
    for package in packages:
        _echo(f"{package.code}  {package.pair}  {package.package_version or '?'}  {package.path}")


@models_group.command("install")
@click.argument("langs", nargs=-1, metavar="[FROM TO]")
@click.option(
    "--file",
    "file_",
    type=click.Path(dir_okay=False),
    metavar="X.argosmodel",
    help="Install a downloaded .argosmodel file (works offline).",
)
def models_install(langs: tuple[str, ...], file_: str | None) -> None:
    """Install an Argos model: FROM TO from the index, or --file.

    FROM TO is a language pair such as `es en` (downloads from the Argos index);
    --file X.argosmodel installs a downloaded file and works offline.
    """
    from bireader.translation import models

    if file_ is not None and langs:
        raise click.UsageError("give either FROM TO or --file, not both")
    if file_ is not None:
        package = models.install_from_file(file_)
    elif len(langs) == 2:
        if [lang.lower() for lang in langs] != ["es", "en"]:
            raise click.UsageError(
                f"bireader translates Spanish to English: give `es en`, not `{' '.join(langs)}`"
            )
        package = models.install_from_index(langs[0], langs[1])
    else:
        raise click.UsageError("give FROM TO (e.g. `es en`) or --file X.argosmodel")
    _echo(f"installed {package.code} {package.package_version} ({package.pair}) in {package.path}")


@models_group.command("remove")
@click.argument("what", nargs=-1, required=True, metavar="CODE | FROM TO")
def models_remove(what: tuple[str, ...]) -> None:
    """Remove an installed Argos package, or every FROM->TO one.

    CODE is a package code or its directory name.
    """
    from bireader.translation import models

    if len(what) > 2:
        raise click.UsageError("give a package CODE or FROM TO")
    removed = models.remove(what[0], what[1] if len(what) == 2 else None)
    for package in removed:
        _echo(f"removed {package.code} {package.package_version} ({package.pair})")


def _format_choices() -> tuple[str, ...]:
    """``--format`` names: one per exporter (``htm`` is only a suffix for ``html``)."""
    first: dict[str, str] = {}
    for suffix, module in EXPORTERS.items():
        first.setdefault(module, suffix.lstrip("."))
    return tuple(sorted(first.values()))


_FORMAT_CHOICES = _format_choices()
# A BCP 47-like tag: a primary subtag of letters, then subtags of letters and digits.
_LANG_TAG = r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*"


def _lang_codes(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, str] | None:
    """``--lang-codes SRC,TGT`` checked before any work: es-... then en-... tags."""
    import re

    if value is None:
        return None
    codes = [code.strip() for code in value.split(",")]
    if len(codes) != 2 or not all(codes):
        raise click.BadParameter("expected two codes, e.g. es-ES,en-US")
    for code, primary, language in zip(codes, ("es", "en"), ("Spanish", "English"), strict=True):
        if not re.fullmatch(_LANG_TAG, code):
            raise click.BadParameter(
                f"{code!r} is not a language code (letters, digits and hyphens, e.g. es-ES)"
            )
        if code.split("-")[0].lower() != primary:
            raise click.BadParameter(
                f"{code!r} does not name {language}; SRC must be es[-...] and TGT en[-...]"
            )
    return codes[0], codes[1]


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file: the same resolved path, or a hard link."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _check_outputs(file: str, outputs: tuple[str, ...], output_format: str | None) -> set[str]:
    """Refuse bad -o/--format combinations before any work; return the formats written."""
    from bireader.formats.base import exporter_for

    formats: set[str] = set()
    files: list[str] = []
    for output in outputs:
        if output == "-":
            if output_format is None:
                raise click.UsageError("-o - (stdout) needs --format")
            if outputs.count("-") > 1:
                raise click.UsageError("the same -o OUTPUT is given twice: -")
            formats.add(exporter_for("stream", output_format).FORMAT)
            continue
        try:
            formats.add(exporter_for(output).FORMAT)
        except ExportError as exc:
            raise click.BadParameter(str(exc), param_hint="'-o' / '--output'") from None
        if file not in ("-", "") and _same_file(output, file):
            raise click.UsageError(f"-o {output} is the input FILE; it would be overwritten")
        for earlier in files:
            if _same_file(output, earlier):
                raise click.UsageError(f"the same -o OUTPUT is given twice: {earlier} and {output}")
        files.append(output)
    if output_format is not None and "-" not in outputs:
        raise click.UsageError(
            "--format only applies to '-o -' (stdout); a file's format comes from its suffix"
        )
    return formats


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
    type=click.Choice(_FORMAT_CHOICES),
    help="Format written to '-o -' (stdout).",
)
@_ENGINE
@click.option(
    "--layout",
    type=click.Choice(_HTML_LAYOUTS),
    help="HTML: the reading mode the page opens in (switchable in the page).",
)
@click.option(
    "--title",
    help="HTML: the page's title (default: the article's title or first heading).",
)
@click.option(
    "--lang-codes",
    metavar="SRC,TGT",
    callback=_lang_codes,
    help="TMX: xml:lang codes of the two languages, e.g. es-ES,en-US (default: es,en).",
)
@click.option(
    "--with-context", is_flag=True, help="TSV: add the whole source paragraph as a third column."
)
@_NO_CACHE
@click.option("--no-fallback", is_flag=True, help="Keep flagged sentences on the chosen engine.")
@_INPUT_FORMAT
def export_command(
    file: str,
    outputs: tuple[str, ...],
    output_format: str | None,
    engine: str,
    layout: str | None,
    title: str | None,
    lang_codes: tuple[str, str] | None,
    with_context: bool,
    no_cache: bool,
    no_fallback: bool,
    input_format: str | None,
) -> None:
    """Translate FILE once and write every -o OUTPUT.

    Each OUTPUT's format comes from its suffix (.html, .tmx, .tsv, .json). FILE is
    an article ('-' for stdin), or a .tmx memory or a .json written by bireader,
    whose pairs are used as they are, without translating. Each written file is
    named on stderr.
    """
    from bireader.formats.base import export_each
    from bireader.model import BilingualDocument
    from bireader.reading import open_input

    formats = _check_outputs(file, outputs, output_format)
    options: dict[str, dict[str, Any]] = {}
    for option, value, fmt, suffix in (
        ("--layout", layout, "html", ".html"),
        ("--title", title, "html", ".html"),
        ("--lang-codes", lang_codes, "tmx", ".tmx"),
        ("--with-context", with_context, "tsv", ".tsv"),
    ):
        if value and fmt not in formats:
            raise click.UsageError(f"{option} only applies to a {suffix} output; none is given")
    if layout:
        options.setdefault("html", {})["layout"] = layout
    if title is not None:
        if not title.strip():
            raise click.BadParameter("must not be empty", param_hint="--title")
        options.setdefault("html", {})["title"] = title
    if lang_codes:
        options["tmx"] = {"source_lang": lang_codes[0], "target_lang": lang_codes[1]}
    if with_context:
        options["tsv"] = {"with_context": True}

    given = open_input(_input_source(file), format=input_format)
    if isinstance(given, BilingualDocument):
        for option, used in (
            ("--engine", engine != "auto"),
            ("--no-cache", no_cache),
            ("--no-fallback", no_fallback),
            ("--input-format", input_format is not None),
        ):
            if used:
                raise click.UsageError(
                    f"{option} applies to an article; {file} is already translated"
                )
        bi = given
    else:
        from bireader.translation.pipeline import translate

        with progress_bar("Translating") as progress:
            bi = translate(
                given, engine, cache=not no_cache, progress=progress, fallback=not no_fallback
            )

    files = {output for output in outputs if output != "-"}

    def written(name: str, fmt: str) -> None:
        if name in files:
            click.echo(f"wrote {name} ({fmt}, {len(bi.pairs)} pairs)", err=True)

    targets: list[Any] = [sys.stdout.buffer if output == "-" else output for output in outputs]
    with _writing_stdout():
        try:
            export_each(bi, targets, format=output_format, options=options, on_written=written)
        finally:
            sys.stdout.flush()
