"""The registry of exporters by file suffix, and atomic file writing.

Each exporter module declares itself once here, by suffix, and provides::

    FORMAT: str                       # "html", "tmx", ...
    def write(bi: BilingualDocument, stream: BinaryIO, **options) -> None

The registry imports a module only when its format is used.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from bireader.errors import ExportError

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


def exporter_for(path: str | os.PathLike[str], format: str | None = None) -> Any:
    """The exporter module for ``format`` (a suffix or name) or ``path``'s suffix."""
    key = format or Path(path).suffix
    key = key.lower() if key.startswith(".") else f".{key.lower()}"
    try:
        module_name = EXPORTERS[key]
    except KeyError:
        known = ", ".join(sorted(EXPORTERS))
        raise ExportError(f"cannot tell the output format of {str(path)!r} (known: {known})") from None
    return importlib.import_module(module_name)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success.

    A failure leaves no partial file behind, and an existing file untouched.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ExportError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def export(
    bi: Any,
    path: str | os.PathLike[str] | IO[bytes],
    *,
    format: str | None = None,
    **options: Any,
) -> None:
    """Write ``bi`` (a ``BilingualDocument``) to ``path``, in the format its suffix names.

    ``path`` may also be a binary stream, with ``format`` given. Files are written
    atomically: on any error the target is left as it was.
    """
    if not isinstance(path, str | os.PathLike):
        if format is None:
            raise ExportError("format= is required when exporting to a stream")
        exporter_for("stream", format).write(bi, path, **options)
        return
    exporter = exporter_for(path, format)
    with atomic_writer(path) as stream:
        exporter.write(bi, stream, **options)
