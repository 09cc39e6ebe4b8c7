"""The registry of exporters, and atomic file writing.

Each format is one typed descriptor, :class:`Exporter`: its name, its file suffixes,
a frozen dataclass of its options, the command-line options that fill them, and the
module holding its ``write``::

    def write(bi: BilingualDocument, stream: BinaryIO, **options) -> None

(Reading a format back is the input side's job: ``bireader.reading.formats``.)

The module is imported only when the format is used, so the registry (and
``bireader --help``, which builds ``--layout``, ``--lang-codes``, ``--with-context``
from it) never loads lxml. ``write`` raises ``InvalidOption`` for an option it does
not know (like an engine does) and ``ExportError`` for anything it cannot write;
``tests/formats/test_contract.py`` holds every exporter to this.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import io
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import IO, Any

from bireader.errors import ExportError, InvalidOption
from bireader.model import BilingualDocument, language_tag

LAYOUTS: tuple[str, ...] = ("side-by-side", "interlinear", "reveal")
"""The HTML page's reading modes; the page can switch between them without reloading."""


def reject_options(format: str, options: Mapping[str, Any]) -> None:
    """``InvalidOption`` naming every option in ``options`` (those ``format`` does not know)."""
    if options:
        raise InvalidOption(f"the {format} exporter has no option {', '.join(sorted(options))!r}")


# ---------------------------------------------------------------- options, one dataclass each


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """The reader page: the reading mode it opens in, and its title (default: the article's)."""

    layout: str = "side-by-side"
    title: str | None = None

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise InvalidOption(
                f"html: unknown layout {self.layout!r} (known: {', '.join(LAYOUTS)})"
            )


@dataclass(frozen=True, slots=True)
class TmxOptions:
    """TMX: the two ``xml:lang`` codes (default: the document's languages)."""

    source_lang: str | None = None
    target_lang: str | None = None
    pretty: bool = True


@dataclass(frozen=True, slots=True)
class TsvOptions:
    """TSV: a third column with the sentence's paragraph; HTML fields; Anki's header lines."""

    with_context: bool = False
    html: bool = True
    header: bool = True


@dataclass(frozen=True, slots=True)
class JsonOptions:
    """JSON: indentation (None: one line) and whether the document's whole text is included."""

    indent: int | None = 2
    include_text: bool = True


def _lang_pair(value: str) -> dict[str, Any]:
    """``SRC,TGT`` as TMX options: an es[-...] tag, then an en[-...] tag (``ValueError``)."""
    codes = [code.strip() for code in value.split(",")]
    if len(codes) != 2 or not all(codes):
        raise ValueError("expected two codes, e.g. es-ES,en-US")
    return {
        "source_lang": language_tag(codes[0], "es"),
        "target_lang": language_tag(codes[1], "en"),
    }


def _title(value: str) -> dict[str, Any]:
    if not value.strip():
        raise ValueError("must not be empty")
    return {"title": value}


@dataclass(frozen=True, slots=True)
class CliOption:
    """A command-line option of one exporter: ``--flag VALUE`` -> ``to_options(VALUE)``.

    ``to_options`` raises ``ValueError`` for a value it refuses; the CLI shows the message.
    """

    flag: str
    help: str
    to_options: Callable[[Any], dict[str, Any]]
    choices: tuple[str, ...] | None = None
    is_flag: bool = False
    metavar: str | None = None
    one_document: bool = False
    """A value for one document only (``--title``): ``batch``, which writes many, has none."""

    @property
    def dest(self) -> str:
        """The Python name click gives the value (``--lang-codes`` -> ``lang_codes``)."""
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True, slots=True)
class Exporter:
    """One output format: name, suffixes, options dataclass, CLI options, and where ``write`` is."""

    name: str
    suffixes: tuple[str, ...]
    options: type[Any]
    module: str
    cli: tuple[CliOption, ...] = ()

    @property
    def FORMAT(self) -> str:
        return self.name

    def load(self) -> Any:
        """The module holding ``write`` (imported now, on first use)."""
        return importlib.import_module(self.module)

    def make_options(self, values: Mapping[str, Any] | None = None) -> Any:
        """``values`` as this format's options dataclass; ``InvalidOption`` for a bad one."""
        values = dict(values or {})
        known = {f.name for f in fields(self.options)}
        reject_options(self.name, {k: v for k, v in values.items() if k not in known})
        return replace(self.options(), **values)

    def write(self, bi: BilingualDocument, stream: IO[bytes], options: Any = None) -> None:
        """Write ``bi`` to the binary ``stream`` with ``options`` (a ``self.options``)."""
        if options is None:
            options = self.options()
        elif not isinstance(options, self.options):
            raise TypeError(f"{self.name} options must be {self.options.__name__}")
        values = {f.name: getattr(options, f.name) for f in fields(options)}
        self.load().write(bi, stream, **values)


# The one place an export format is registered.
EXPORTERS: tuple[Exporter, ...] = (
    Exporter(
        "html",
        (".html", ".htm"),
        HtmlOptions,
        "bireader.formats.html",
        cli=(
            CliOption(
                "--layout",
                "HTML: the reading mode the page opens in (switchable in the page).",
                lambda value: {"layout": value},
                choices=LAYOUTS,
            ),
            CliOption(
                "--title",
                "HTML: the page's title (default: the article's title or first heading).",
                _title,
                one_document=True,
            ),
        ),
    ),
    Exporter(
        "json",
        (".json",),
        JsonOptions,
        "bireader.formats.json",
    ),
    Exporter(
        "tmx",
        (".tmx",),
        TmxOptions,
        "bireader.formats.tmx",
        cli=(
            CliOption(
                "--lang-codes",
                "TMX: xml:lang codes of the two languages, e.g. es-ES,en-US (default: es,en).",
                _lang_pair,
                metavar="SRC,TGT",
            ),
        ),
    ),
    Exporter(
        "tsv",
        (".tsv",),
        TsvOptions,
        "bireader.formats.tsv",
        cli=(
            CliOption(
                "--with-context",
                "TSV: add the whole source paragraph as a third column.",
                lambda value: {"with_context": True} if value else {},
                is_flag=True,
            ),
        ),
    ),
)

_BY_KEY: dict[str, Exporter] = {
    key: exporter
    for exporter in EXPORTERS
    for key in (exporter.name, *(suffix.lstrip(".") for suffix in exporter.suffixes))
}


def export_suffixes() -> tuple[str, ...]:
    """The file suffixes bireader can write."""
    return tuple(suffix for exporter in EXPORTERS for suffix in exporter.suffixes)


def export_formats() -> tuple[str, ...]:
    """Format names accepted as ``format=`` (a name, or a suffix without its dot), sorted.

    >>> export_formats()
    ('htm', 'html', 'json', 'tmx', 'tsv')
    """
    return tuple(sorted(_BY_KEY))


def exporter_for(path: str | os.PathLike[str], format: str | None = None) -> Exporter:
    """The exporter for ``format`` (a name or suffix) or else ``path``'s suffix."""
    if format is not None and not isinstance(format, str):
        raise TypeError(f"format must be a string, not {type(format).__name__}")
    key = (format or Path(path).suffix).lower().lstrip(".")
    try:
        return _BY_KEY[key]
    except KeyError:
        known = ", ".join(export_suffixes())
        raise ExportError(
            f"cannot tell the output format of {str(path)!r} (known: {known})"
        ) from None


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success.

    A failure leaves no partial file behind, and an existing file untouched. A
    symlink at ``path`` is replaced by the new file, never followed: a link planted
    there cannot redirect the write elsewhere. A regular file keeps its permission
    bits; a new one gets ``0o666 & ~umask``. A target that exists but is not a regular
    file (a FIFO, a device) is written in place, since renaming over it would replace it.

    The temporary file is ``.NAME.PID.RANDOM.tmp`` (NAME shortened so the whole stays
    within the file system's name limit); one left by a process that no longer runs
    (``kill -9``) is removed on the next write beside it.
    """
    target = Path(path)
    try:
        info: os.stat_result | None = target.lstat()
    except OSError:
        info = None
    special = info is not None and not (
        stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode) or stat.S_ISLNK(info.st_mode)
    )
    if special:
        try:
            stream = target.open("wb")
        except OSError as exc:
            raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
        with stream:
            yield stream
        return
    _remove_stale_temporaries(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    # The name is chosen before the try, so a signal arriving the instant os.open returns
    # (before any assignment) still finds the name to remove.
    tmp: Path | None = _temporary_name(target)
    fd = -1
    try:
        for _ in range(100):
            assert tmp is not None
            try:
                fd = os.open(tmp, flags, 0o666)
                break
            except FileExistsError:
                tmp = _temporary_name(target)
            except OSError as exc:
                tmp = None  # nothing was created
                raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
        else:
            tmp = None  # every name taken, by others
            raise ExportError(f"cannot write {str(path)!r}: no free temporary name beside it")
        with os.fdopen(fd, "wb") as stream:
            fd = -1
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if info is not None and stat.S_ISREG(info.st_mode):
            # The umask applied at creation; an existing file's bits are kept as they were.
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise


_TMP_SUFFIX = ".tmp"
_STALE_AFTER_S = 60.0


def _name_max(directory: Path) -> int:
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def _temporary_name(target: Path) -> Path:
    """``.NAME.PID.RANDOM.tmp`` beside ``target``, NAME cut to fit the name limit (bytes)."""
    tail = f".{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}"
    room = _name_max(target.parent) - 1 - len(tail)
    name = target.name.encode("utf-8", "surrogateescape")[: max(room, 1)]
    return target.parent / f".{name.decode('utf-8', 'ignore') or '_'}{tail}"


def _remove_stale_temporaries(target: Path) -> None:
    """Remove ``.NAME.PID.RANDOM.tmp`` files of ``target`` whose process is gone.

    A live writer's file is kept: its process still runs, or it was touched within
    the last minute (a writer on another machine sharing the directory).
    """
    prefix = target.name.encode("utf-8", "surrogateescape")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(_TMP_SUFFIX)):
            continue
        parts = name[1 : -len(_TMP_SUFFIX)].rsplit(".", 2)
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 8:
            continue
        stem = parts[0].encode("utf-8", "surrogateescape")
        if not (stem and prefix.startswith(stem)):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < _STALE_AFTER_S:
                continue
            if _process_alive(int(parts[1])):
                continue
            os.unlink(entry.path)
        except OSError:
            continue


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError as exc:  # EPERM: alive, someone else's
        return exc.errno == errno.EPERM
    return True


def export(
    bi: BilingualDocument,
    path: str | os.PathLike[str] | IO[bytes],
    *,
    format: str | None = None,
    **options: Any,
) -> None:
    """Write ``bi`` (a ``BilingualDocument``) to ``path``, in the format its suffix names.

    ``path`` may also be a binary stream, with ``format`` given. Files are written
    atomically: on any error the target is left as it was. A wrong type of argument
    is a ``TypeError``; an option the format does not know, ``InvalidOption``.
    """
    if not isinstance(bi, BilingualDocument):
        raise TypeError(
            f"export() takes a BilingualDocument (from bireader.translate or read_tmx), "
            f"not {type(bi).__name__}"
        )
    if not isinstance(path, str | os.PathLike):
        if isinstance(path, io.TextIOBase) or not callable(getattr(path, "write", None)):
            raise TypeError(
                f"export() needs a path or a binary stream (e.g. open(name, 'wb') or "
                f"sys.stdout.buffer), not {type(path).__name__}"
            )
        if format is None:
            raise TypeError("format= is required when exporting to a stream")
        exporter = exporter_for("stream", format)
        exporter.write(bi, path, exporter.make_options(options))
        return
    exporter = exporter_for(path, format)
    chosen = exporter.make_options(options)
    try:
        with atomic_writer(path) as stream:
            exporter.write(bi, stream, chosen)
    except OSError as exc:
        # Disk full, target is a directory, permission denied on rename...
        raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc


def _name(target: str | os.PathLike[str] | IO[bytes]) -> str:
    if isinstance(target, str | os.PathLike):
        return str(target)
    return str(getattr(target, "name", "<stream>"))


def export_each(
    bi: Any,
    targets: Sequence[str | os.PathLike[str] | IO[bytes]],
    *,
    format: str | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    on_written: Callable[[str, str], None] | None = None,
) -> list[str]:
    """Write ``bi`` to each target, the format of each from its suffix (streams: ``format``).

    ``options`` maps a format name (``"html"``, ``"tmx"`` ...) to the options for that
    exporter only. Every target is resolved before anything is written; then each is
    written atomically, and one failure does not stop the others: ``ExportError`` names
    every target that failed (and those written) at the end. ``on_written(name, format)``
    is called after each success. Returns the names written.
    """
    options = options or {}
    plan: list[tuple[str | os.PathLike[str] | IO[bytes], Exporter]] = []
    for target in targets:
        if isinstance(target, str | os.PathLike):
            plan.append((target, exporter_for(target)))
        elif format is None:
            raise TypeError("format= is required when exporting to a stream")
        else:
            plan.append((target, exporter_for("stream", format)))
    for _, exporter in plan:  # a bad option is refused before anything is written
        exporter.make_options(options.get(exporter.name, {}))
    written: list[str] = []
    failures: list[str] = []
    for target, exporter in plan:
        try:
            export(bi, target, format=exporter.FORMAT, **dict(options.get(exporter.FORMAT, {})))
        except ExportError as exc:
            message = str(exc)
            # Name the target once: atomic_writer's own errors already name it.
            failures.append(message if _name(target) in message else f"{_name(target)}: {message}")
            continue
        written.append(_name(target))
        if on_written is not None:
            on_written(_name(target), exporter.FORMAT)
    if failures:
        done = f" (written: {', '.join(written)})" if written else ""
        raise ExportError(f"{'; '.join(failures)}{done}")
    return written
