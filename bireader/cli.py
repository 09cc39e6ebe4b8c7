"""The ``bireader`` command: parses options, opens files, calls one library function.

Library errors (``BireaderError``) become a one-line message on stderr and the
error's exit code; nothing here implements behaviour the library lacks.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import click

from bireader._version import __version__
from bireader.chardata import TERMINAL_UNSAFE
from bireader.errors import BireaderError, ExportError
from bireader.formats.base import EXPORTERS, CliOption, Exporter
from bireader.reading import FORMATS as READ_FORMATS
from bireader.text import printable
from bireader.translation.base import engine_names

# A one-line message longer than this is cut (a parser quoting a 30 MB attribute...).
_MAX_LINE = 2000
# Output piped to `head` and closed early: what a program killed by SIGPIPE exits with.
EXIT_BROKEN_PIPE = 128 + 13


def _line(message: str) -> str:
    """``message`` as one printable line, whatever a file put in it (ESC, newlines, bidi)."""
    line = printable(message)
    return line if len(line) <= _MAX_LINE else line[: _MAX_LINE - 1] + "\u2026"


def _say(message: str) -> None:
    """A message on stderr, as one printable line (``wrote ...``, errors)."""
    click.echo(_line(message), err=True)


def _usage_error(exc: click.UsageError) -> click.exceptions.Exit:
    """Print a usage error as one line naming the help to read; return the exit to raise."""
    names: list[str] = []
    ctx = exc.ctx
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    command = " ".join(["bireader", *reversed(names)])
    message = " ".join(exc.format_message().split()).rstrip(".")
    _say(f"bireader: error: {message} (try '{command} --help')")
    return click.exceptions.Exit(exc.exit_code)


class _StdoutError(ExportError):
    """Standard output could not be written (disk full, a closed file...)."""


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so what stays buffered cannot fail again at exit."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        sys.stdout = io.StringIO()  # a stream without a descriptor (tests)
        return
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


@contextlib.contextmanager
def _writing_stdout() -> Iterator[None]:
    """Turn an ``OSError`` while writing stdout into ``_StdoutError`` (exit 4), then flush."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()
        raise _StdoutError(f"cannot write to standard output: {exc.strerror or exc}") from exc


def _echo(message: str = "") -> None:
    """A message line on stdout, made printable; a failed write is a one-line error (exit 4)."""
    with _writing_stdout():
        click.echo(printable(message))


def _emit(text: str) -> None:
    """A line of data on stdout (a sentence): as it is into a pipe, printable on a terminal."""
    with _writing_stdout():
        click.echo(printable(text) if sys.stdout.isatty() else text)


def _emit_json(value: Any) -> None:
    """``value`` as indented JSON on stdout, characters that act on a terminal as ``\\uXXXX``.

    The escapes are JSON's own, so the value read back is the same.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2)  # raw newlines: layout only
    with _writing_stdout():
        click.echo(TERMINAL_UNSAFE.sub(_json_escape, text))


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char == "\n" else f"\\u{ord(char):04x}"


class _ClosedStdout(OSError):
    """A write to the standard output the process was started without."""


class _ClosedStream(io.RawIOBase):
    """Stands for a standard stream the process was started without (``>&-``)."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise _ClosedStdout(errno.EBADF, "standard output is closed")


def _closed_stdout(exc: _ClosedStdout) -> click.exceptions.Exit:
    """Help or version text into a closed stdout: one line; return the exit (4) to raise."""
    _silence_stdout()
    _say(f"bireader: error: cannot write to standard output: {exc.strerror}")
    return click.exceptions.Exit(ExportError.exit_code)


def _guard_standard_streams() -> None:
    """Keep descriptors 0-2 taken, so no file bireader opens becomes "stdout" by accident.

    A stdout the process was started without then fails with one line (exit 4) when
    written, instead of a traceback or writing into whatever file took descriptor 1.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
            if fd == 1:
                sys.stdout = io.TextIOWrapper(io.BufferedWriter(_ClosedStream()))

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
        except _ClosedStdout as exc:  # --help, --version
            raise _closed_stdout(exc) from None

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
            _say(f"bireader: error: {exc}")
            ctx.exit(exc.exit_code)
        except _ClosedStdout as exc:  # a subcommand's --help
            raise _closed_stdout(exc) from None
        except BrokenPipeError:
            # Output piped to `head` and closed early: quiet, like any Unix filter.
            _silence_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, _Terminated)
            _say(f"bireader: {'terminated' if terminated else 'interrupted'}")
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

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class TranslationChoice:
    """What ``translation_options`` collected: how to read and translate FILE."""

    engine: str = "auto"
    cache: bool = True
    fallback: bool = True
    input_format: str | None = None
    model: str | None = None

    def given(self) -> list[str]:
        """The options given on the command line (for refusing them where they do not apply)."""
        return [
            option
            for option, given in (
                ("--engine", self.engine != "auto"),
                ("--no-cache", not self.cache),
                ("--no-fallback", not self.fallback),
                ("--input-format", self.input_format is not None),
                ("--model", self.model is not None),
            )
            if given
        ]


def translation_options(command: _F) -> _F:
    """``--engine``, ``--model``, ``--no-cache``, ``--no-fallback``, ``--input-format``, as
    one ``choice``.

    Shared by every command that reads and translates an article (like sqlite-utils'
    ``output_options``); the command receives a ``TranslationChoice``.
    """

    @functools.wraps(command)
    def wrapped(
        *args: Any,
        engine: str,
        no_cache: bool,
        no_fallback: bool,
        input_format: str | None,
        model: str | None,
        **kwargs: Any,
    ) -> Any:
        choice = TranslationChoice(engine, not no_cache, not no_fallback, input_format, model)
        return command(*args, choice=choice, **kwargs)

    for option in reversed(
        (
            click.option(
                "-e",
                "--engine",
                type=click.Choice(["auto", *engine_names()]),
                default="auto",
                show_default=True,
                help="Translation engine; auto = the best installed es->en model that "
                "passes its self-test (OPUS-MT, then Argos), else Apertium.",
            ),
            click.option(
                "-m",
                "--model",
                metavar="NAME",
                help="An installed model by name (see `bireader models list`); "
                "it decides the engine.",
            ),
            click.option(
                "--no-cache", is_flag=True, help="Neither read nor fill the translation cache."
            ),
            click.option(
                "--no-fallback", is_flag=True, help="Keep flagged sentences on the chosen engine."
            ),
            _INPUT_FORMAT,
        )
    ):
        wrapped = option(wrapped)
    return cast(_F, wrapped)


def read_and_translate(
    file: str,
    choice: TranslationChoice,
    *,
    bilingual: bool = False,
    on_read: Callable[[Any], None] | None = None,
) -> Any:
    """FILE read (``bireader.reading.open_input``) and translated as ``choice`` says.

    With ``bilingual``, a bilingual input (bireader's JSON, a TMX) is returned as it
    is, nothing to translate, so the translation options are refused; without, the
    input must be an article. A progress bar shows on a TTY. ``on_read(document)``
    runs once the article is read, before it is translated (to start work beside it).
    """
    from bireader.model import BilingualDocument
    from bireader.reading import open_input, read
    from bireader.translation.pipeline import translate

    if bilingual:
        given = open_input(_input_source(file), format=choice.input_format)
        if isinstance(given, BilingualDocument):
            for option in choice.given():
                raise click.UsageError(
                    f"{option} applies to an article; {file} is already translated"
                )
            return given
        document = given
    else:
        document = read(_input_source(file), format=choice.input_format)
    if on_read is not None:
        on_read(document)
    with progress_bar("Translating") as progress:
        options = {"model": choice.model} if choice.model is not None else {}
        return translate(
            document, choice.engine, cache=choice.cache, progress=progress,
            fallback=choice.fallback, **options,
        )


class _StderrFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return _line(f"bireader: {record.levelname.lower()}: {record.getMessage()}")


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
    _guard_standard_streams()
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

        _emit_json(document_to_dict(document))
        return
    for sentence in document.sentences():
        _emit(sentence.text)


@main.command("translate")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True, dir_okay=False),
    default="-",
    help="Write the JSON here instead of stdout ('-').",
)
@translation_options
def translate_command(file: str, output: str, choice: TranslationChoice) -> None:
    """Translate FILE and print the sentence pairs as JSON.

    FILE is an article ('-' for stdin). -o writes the JSON to a .json file instead
    (`bireader export` writes the other formats).
    """
    from pathlib import Path

    from bireader.formats.base import export

    if output != "-" and Path(output).suffix.lower() != ".json":
        raise click.BadParameter(
            f"{output!r}: translate writes JSON, so OUTPUT must end in .json "
            "(for .html, .tmx or .tsv run `bireader export`)",
            param_hint="'-o' / '--output'",
        )
    bi = read_and_translate(file, choice)
    if output == "-":
        with _writing_stdout():
            sys.stdout.flush()
            export(bi, sys.stdout.buffer, format="json")
            sys.stdout.buffer.flush()
    else:
        export(bi, output, format="json")
        _say(f"wrote {output} (json, {len(bi.pairs)} pairs)")


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


def _exporter_option(exporter: Exporter, spec: CliOption) -> Callable[[_F], _F]:
    """The click option for one exporter's ``CliOption``; its value is checked at parse time."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value in (None, False):
            return value
        try:
            spec.to_options(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        return value

    return click.option(
        spec.flag,
        spec.dest,
        is_flag=spec.is_flag,
        type=click.Choice(spec.choices) if spec.choices else None,
        metavar=spec.metavar,
        callback=check,
        help=spec.help,
    )


def exporter_options(command: _F) -> _F:
    """One option per ``CliOption`` of every registered exporter (``--layout``, ...).

    The command receives ``options``: format name -> that exporter's option values.
    """
    return _exporter_options(command, one_document=True)


def corpus_exporter_options(command: _F) -> _F:
    """:func:`exporter_options` for a command that writes many documents (``batch``):
    without the options that name one document (``--title``)."""
    return _exporter_options(command, one_document=False)


def _exporter_options(command: _F, *, one_document: bool) -> _F:
    specs = [
        (exporter, spec)
        for exporter in EXPORTERS
        for spec in exporter.cli
        if one_document or not spec.one_document
    ]

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        options: dict[str, dict[str, Any]] = {}
        given: dict[str, tuple[str, str]] = {}
        for exporter, spec in specs:
            value = kwargs.pop(spec.dest)
            if value in (None, False):
                continue
            options.setdefault(exporter.name, {}).update(spec.to_options(value))
            given[exporter.name] = (spec.flag, exporter.suffixes[0])
        return command(*args, options=options, given=given, **kwargs)

    for exporter, spec in reversed(specs):
        wrapped = _exporter_option(exporter, spec)(wrapped)
    return cast(_F, wrapped)


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
            formats.add(exporter_for("stream", output_format).name)
            continue
        try:
            formats.add(exporter_for(output).name)
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


_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
OUTPUTS: _Decorator = click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    required=True,
    type=click.Path(allow_dash=True, dir_okay=False),
    help="Write here; the format comes from the suffix (.html .tmx .tsv .json). "
    "Repeat for several files. '-' is stdout, with --format.",
)
OUTPUT_FORMAT: _Decorator = click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(sorted({exporter.name for exporter in EXPORTERS})),
    help="Format written to '-o -' (stdout).",
)


def check_outputs(
    inputs: tuple[str, ...],
    outputs: tuple[str, ...],
    output_format: str | None,
    given: dict[str, tuple[str, str]],
) -> None:
    """Refuse bad -o/--format combinations, an -o naming an input, and an exporter
    option with no output of its format, before any work."""
    formats: set[str] = set()
    for file in inputs:
        formats = _check_outputs(file, outputs, output_format)
    for name, (flag, suffix) in given.items():
        if name not in formats:
            raise click.UsageError(f"{flag} only applies to a {suffix} output; none is given")


def write_outputs(
    bi: Any, outputs: tuple[str, ...], output_format: str | None, options: dict[str, Any]
) -> None:
    """Write ``bi`` to every -o OUTPUT ('-' is stdout); each file written is named on stderr."""
    from bireader.formats.base import export_each

    files = {output for output in outputs if output != "-"}

    def written(name: str, fmt: str) -> None:
        if name in files:
            _say(f"wrote {name} ({fmt}, {len(bi.pairs)} pairs)")

    targets: list[Any] = [sys.stdout.buffer if output == "-" else output for output in outputs]
    with _writing_stdout():
        try:
            export_each(bi, targets, format=output_format, options=options, on_written=written)
        finally:
            sys.stdout.flush()


@main.command("export")
@click.argument("file", type=click.Path(allow_dash=True))
@OUTPUTS
@OUTPUT_FORMAT
@click.option(
    "--words/--no-words",
    default=None,
    help="Explain every word (lemma, grammar, glosses) in .html/.json outputs "
    "(default: when Apertium is installed).",
)
@translation_options
@exporter_options
def export_command(
    file: str,
    outputs: tuple[str, ...],
    output_format: str | None,
    words: bool | None,
    choice: TranslationChoice,
    options: dict[str, dict[str, Any]],
    given: dict[str, tuple[str, str]],
) -> None:
    """Translate FILE once and write every -o OUTPUT.

    Each OUTPUT's format comes from its suffix (.html, .tmx, .tsv, .json). FILE is
    an article ('-' for stdin), or a .tmx memory or a .json written by bireader,
    whose pairs are used as they are, without translating. Each written file is
    named on stderr.
    """
    check_outputs((file,), outputs, output_format, given)
    bi = read_and_translate(file, choice, bilingual=True)
    from bireader.commands.words import with_words

    formats = _check_outputs(file, outputs, output_format)
    bi = with_words(bi, words, formats, cache=choice.cache)
    write_outputs(bi, outputs, output_format, options)


from bireader.commands.align import align_command  # noqa: E402

main.add_command(align_command)
main.add_command(__import__("bireader.commands.batch", fromlist=["batch_command"]).batch_command)

from bireader.commands.words import vocab_command, words_command  # noqa: E402

main.add_command(words_command)
main.add_command(vocab_command)
main.add_command(__import__("bireader.commands.models", fromlist=["x"]).engines_command)
main.add_command(__import__("bireader.commands.models", fromlist=["x"]).models_group)
