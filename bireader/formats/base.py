"""The registry of exporters by file suffix, and atomic file writing.

Each exporter module declares itself once here, by suffix, and provides::

    FORMAT: str                       # "html", "tmx", ...
    def write(bi: BilingualDocument, stream: BinaryIO, **options) -> None

``write`` raises ``ExportError`` for an option it does not know, and for anything
else it cannot write; ``tests/formats/test_contract.py`` holds every exporter to this.
The registry imports a module only when its format is used.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from bireader.errors import ExportError
from bireader.model import BilingualDocument

# The one place an export format is registered: suffix -> module.
EXPORTERS: dict[str, str] = {
    ".html": "bireader.formats.html",
    ".htm": "bireader.formats.html",
    ".tmx": "bireader.formats.tmx",
    ".tsv": "bireader.formats.tsv",
    ".json": "bireader.formats.json",
}


def export_suffixes() -> tuple[str, ...]:
    """The file suffixes bireader can write."""
    return tuple(EXPORTERS)


def export_formats() -> tuple[str, ...]:
    """Format names accepted as ``format=`` (each suffix without its dot), sorted.

    >>> export_formats()
    ('htm', 'html', 'json', 'tmx', 'tsv')
    """
    return tuple(sorted(suffix.lstrip(".") for suffix in EXPORTERS))


def exporter_for(path: str | os.PathLike[str], format: str | None = None) -> Any:
    """The exporter module for ``format`` (a suffix or name) or ``path``'s suffix."""
    key = format or Path(path).suffix
    key = key.lower() if key.startswith(".") else f".{key.lower()}"
    try:
        module_name = EXPORTERS[key]
    except KeyError:
        known = ", ".join(sorted(EXPORTERS))
        raise ExportError(
            f"cannot tell the output format of {str(path)!r} (known: {known})"
        ) from None
    return importlib.import_module(module_name)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success.

    A failure leaves no partial file behind, and an existing file untouched. A
    symlink at ``path`` is replaced by the new file, never followed: a link planted
    there cannot redirect the write elsewhere. A regular file keeps its permission
    bits; a new one gets ``0o666 & ~umask``. A target that exists but is not a regular
    file (a FIFO, a device) is written in place, since renaming over it would replace it.
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
    fd, tmp = _create_beside(path, target)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if info is not None and stat.S_ISREG(info.st_mode):
            # The umask applied at creation; an existing file's bits are kept as they were.
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _create_beside(path: str | os.PathLike[str], target: Path) -> tuple[int, Path]:
    """A new empty file next to ``target``, created ``0o666`` so the umask applies."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    raise ExportError(f"cannot write {str(path)!r}: no free temporary name beside it")


def export(
    bi: BilingualDocument,
    path: str | os.PathLike[str] | IO[bytes],
    *,
    format: str | None = None,
    **options: Any,
) -> None:
    """Write ``bi`` (a ``BilingualDocument``) to ``path``, in the format its suffix names.

    ``path`` may also be a binary stream, with ``format`` given. Files are written
    atomically: on any error the target is left as it was.
    """
    if not isinstance(bi, BilingualDocument):
        raise ExportError(
            f"export() takes a BilingualDocument (from bireader.translate or read_tmx), "
            f"not {type(bi).__name__}"
        )
    if not isinstance(path, str | os.PathLike):
        if isinstance(path, io.TextIOBase) or not callable(getattr(path, "write", None)):
            raise ExportError(
                f"export() needs a path or a binary stream (e.g. open(name, 'wb') or "
                f"sys.stdout.buffer), not {type(path).__name__}"
            )
        if format is None:
            raise ExportError("format= is required when exporting to a stream")
        exporter_for("stream", format).write(bi, path, **options)
        return
    exporter = exporter_for(path, format)
    try:
        with atomic_writer(path) as stream:
            exporter.write(bi, stream, **options)
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
    plan: list[tuple[str | os.PathLike[str] | IO[bytes], Any]] = []
    for target in targets:
        if isinstance(target, str | os.PathLike):
            plan.append((target, exporter_for(target)))
        elif format is None:
            raise ExportError("format= is required when exporting to a stream")
        else:
            plan.append((target, exporter_for("stream", format)))
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
