"""A persistent translation cache: one SQLite file in the user cache directory.

Pure storage: entries are keyed by a signature string the caller builds (the
pipeline's holds the engine's provenance, its engine and model versions, options and
the quality guard's version) and a hash of the source sentence, so a change of model,
option or guard never returns a stale translation; the cache never judges an entry.
The file lives in
``platformdirs.user_cache_dir("bireader")`` unless ``BIREADER_CACHE_DIR`` or an
explicit path says otherwise.

Several processes may share the file: it uses WAL journaling, a busy timeout and
one short transaction per batch. A cache that cannot be opened or turns out to be
corrupt never stops a translation: a corrupt file is logged, moved aside and
rebuilt; any other failure (locked past the busy timeout, disk full, I/O error)
only bypasses the cache for the rest of the run, leaving the file to whoever else
is using it. One instance may be shared by threads: they take turns on one
connection.

>>> import tempfile, pathlib
>>> with TranslationCache(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite3") as cache:
...     cache.put_many("demo:1", [CachedTranslation("Hola.", "Hello.", (), "demo")])
...     got = cache.get_many("demo:1", ["Hola.", "Adiós."])
>>> list(got), got["Hola."].target, got["Hola."].repair
(['Hola.'], 'Hello.', None)
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from bireader.errors import CacheError
from bireader.model import REPAIR_KINDS, Repair, RepairKind

log = logging.getLogger(__name__)

CACHE_ENV = "BIREADER_CACHE_DIR"
FILENAME = "translations.sqlite3"
SCHEMA_VERSION = 3
"""2: no ``guard`` column (the guard version is part of every signature).
3: ``repair_kind``/``repair_flags`` columns (a ``Repair``), no repair strings in ``flags``;
a version-2 file drops its translations (its analyses are kept)."""
BUSY_TIMEOUT_MS = 30_000
# SQLite limits the number of host parameters in one statement; stay well below it.
_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    signature   TEXT    NOT NULL,
    source_hash BLOB    NOT NULL,
    target      TEXT    NOT NULL,
    flags       TEXT    NOT NULL,
    engine      TEXT    NOT NULL,
    created     REAL    NOT NULL,
    repair_kind TEXT    NOT NULL DEFAULT '',
    repair_flags TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (signature, source_hash)
) WITHOUT ROWID
"""
# Word analyses (bireader.words), keyed by the analyser's signature and the sentence.
_ANALYSES_SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
    signature   TEXT    NOT NULL,
    source_hash BLOB    NOT NULL,
    data        TEXT    NOT NULL,
    created     REAL    NOT NULL,
    PRIMARY KEY (signature, source_hash)
) WITHOUT ROWID
"""


@dataclass(frozen=True, slots=True)
class CachedTranslation:
    """One cached translation of ``source`` and the guard flags it earned."""

    source: str
    target: str
    flags: tuple[str, ...]
    engine: str
    repair: Repair | None = None
    """Set on a kept translation that replaced a flagged first output."""


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What ``bireader cache info`` shows."""

    path: Path
    entries: int
    size_bytes: int
    usable: bool


def default_cache_dir() -> Path:
    """``$BIREADER_CACHE_DIR`` if set, else the platform's user cache directory for bireader."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("bireader"))


def default_cache_path() -> Path:
    """The cache file used when no path is given."""
    return default_cache_dir() / FILENAME


def source_hash(source: str) -> bytes:
    """The key under which a source sentence is stored (its text itself is not)."""
    return hashlib.sha256(source.encode("utf-8")).digest()


class TranslationCache:
    """The SQLite translation cache; open lazily, use as a context manager or ``close()``."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is not None and Path(path).is_dir():
            path = Path(path) / FILENAME
        self.path = Path(path) if path is not None else default_cache_path()
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        # Reentrant: a method that fails calls close() while holding it.
        self._lock = threading.RLock()

    # -- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly and kept short.
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            # One connection serves every thread, one at a time, under self._lock.
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            with _transaction(conn):
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 2:
                    # Repairs were strings among the flags: retranslate, keep the analyses.
                    conn.execute("DROP TABLE IF EXISTS translations")
                elif version not in (0, SCHEMA_VERSION):
                    # Written by another bireader version: its entries cannot be read.
                    conn.execute("DROP TABLE IF EXISTS translations")
                    conn.execute("DROP TABLE IF EXISTS analyses")
                conn.execute(_SCHEMA)
                conn.execute(_ANALYSES_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("SELECT count(*) FROM translations LIMIT 1").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._disabled:
            return self._conn
        try:
            self._conn = self._connect()
        except sqlite3.Error as exc:
            self._fail(exc)
        except OSError as exc:
            log.warning("translation cache %s cannot be opened (%s); not caching", self.path, exc)
            self._disabled = True
        return self._conn

    def _rebuild(self) -> sqlite3.Connection | None:
        """Move a corrupt file aside and start a fresh one; bypass the cache if that fails."""
        try:
            stamp = time.strftime("%Y%m%d%H%M%S")
            for suffix in ("", "-wal", "-shm"):
                old = Path(f"{self.path}{suffix}")
                if old.exists():
                    old.replace(f"{self.path}.corrupt-{stamp}{suffix}")
            return self._connect()
        except (OSError, sqlite3.Error) as exc:
            log.warning("translation cache %s cannot be rebuilt (%s); not caching", self.path, exc)
            self._disabled = True
            return None

    def _fail(self, exc: sqlite3.Error) -> None:
        self.close()
        if is_corrupt(exc):
            log.warning("translation cache %s is corrupt (%s); rebuilding it", self.path, exc)
            self._conn = self._rebuild()
        else:
            # Locked, disk full, I/O error...: the file may be fine and in use elsewhere,
            # so it is left alone and this run goes without a cache.
            log.warning("translation cache %s failed (%s); not caching", self.path, exc)
            self._disabled = True

    def close(self) -> None:
        """Close the connection (the cache reopens on next use unless it was disabled)."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def usable(self) -> bool:
        """False once the cache was bypassed after an error."""
        with self._lock:
            return self._connection() is not None

    # -- entries ----------------------------------------------------------------------------

    def get_many(self, signature: str, sources: Sequence[str]) -> dict[str, CachedTranslation]:
        """Cached translations of those ``sources`` made under ``signature``, by source."""
        with self._lock:
            return self._get_many(signature, sources)

    def put_many(self, signature: str, entries: Iterable[CachedTranslation]) -> None:
        """Store ``entries`` under ``signature`` (one short transaction)."""
        with self._lock:
            self._put_many(signature, entries)

    def get_analyses(self, signature: str, sources: Sequence[str]) -> dict[str, str]:
        """Cached word analyses (opaque text) of those ``sources`` under ``signature``."""
        with self._lock:
            return {
                source: data
                for source, (data,) in self._rows("analyses", "data", signature, sources)
            }

    def put_analyses(self, signature: str, entries: Mapping[str, str]) -> None:
        """Store word analyses (source sentence -> opaque text) under ``signature``."""
        with self._lock:
            conn = self._connection()
            if conn is None or not entries:
                return
            now = time.time()
            rows = [(signature, source_hash(s), data, now) for s, data in entries.items()]
            self._insert(
                conn, "analyses (signature, source_hash, data, created)", rows
            )

    def info(self) -> CacheInfo:
        """Path, number of entries and size on disk (file plus WAL)."""
        with self._lock:
            return self._info()

    def clear(self) -> int:
        """Delete every entry; return how many there were.

        ``CacheError`` when the file cannot be cleared or removed (it is a directory,
        the file system is read-only...).
        """
        with self._lock:
            try:
                return self._clear()
            except OSError as exc:
                raise CacheError(
                    f"cannot clear the translation cache {str(self.path)!r}: "
                    f"{exc.strerror or exc}"
                ) from exc

    def _get_many(self, signature: str, sources: Sequence[str]) -> dict[str, CachedTranslation]:
        columns = "target, flags, engine, repair_kind, repair_flags"
        found: dict[str, CachedTranslation] = {}
        for source, row in self._rows("translations", columns, signature, sources):
            target, flags, engine, kind, first = row
            repair = (
                Repair(cast(RepairKind, kind), _split(first)) if kind in REPAIR_KINDS else None
            )
            found[source] = CachedTranslation(source, target, _split(flags), engine, repair)
        return found

    def _rows(
        self, table: str, columns: str, signature: str, sources: Sequence[str]
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """``(source, columns)`` of the rows of ``table`` under ``signature`` for those
        ``sources``, looked up by hash in chunks; none when the cache fails or is off."""
        conn = self._connection()
        if conn is None or not sources:
            return []
        by_hash = {source_hash(s): s for s in dict.fromkeys(sources)}
        hashes = list(by_hash)
        found: list[tuple[str, tuple[Any, ...]]] = []
        try:
            for i in range(0, len(hashes), _CHUNK):
                chunk = hashes[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT source_hash, {columns} FROM {table}"
                    f" WHERE signature = ? AND source_hash IN ({marks})",
                    [signature, *chunk],
                ).fetchall()
                found.extend((by_hash[bytes(row[0])], tuple(row[1:])) for row in rows)
        except sqlite3.Error as exc:
            self._fail(exc)
            return []
        return found

    def _put_many(self, signature: str, entries: Iterable[CachedTranslation]) -> None:
        conn = self._connection()
        if conn is None:
            return
        now = time.time()
        rows = [
            (
                signature, source_hash(e.source), e.target, ",".join(e.flags), e.engine, now,
                *((e.repair.kind, ",".join(e.repair.first_flags)) if e.repair else ("", "")),
            )
            for e in entries
        ]
        if not rows:
            return
        self._insert(
            conn,
            "translations (signature, source_hash, target, flags, engine, created,"
            " repair_kind, repair_flags)",
            rows,
        )

    def _insert(
        self, conn: sqlite3.Connection, into: str, rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """``INSERT OR REPLACE`` ``rows`` into ``into`` (a table and its columns) in one
        transaction; a failure turns the cache off, as every other one does."""
        marks = ",".join("?" * len(rows[0]))
        try:
            with _transaction(conn):
                conn.executemany(f"INSERT OR REPLACE INTO {into} VALUES ({marks})", rows)
        except sqlite3.Error as exc:
            self._fail(exc)

    def _info(self) -> CacheInfo:
        entries = 0
        conn = self._connection() if self.path.exists() else None
        if conn is not None:
            try:
                entries = conn.execute("SELECT count(*) FROM translations").fetchone()[0]
            except sqlite3.Error as exc:
                self._fail(exc)
        size = sum(
            p.stat().st_size for p in (Path(f"{self.path}{s}") for s in ("", "-wal")) if p.exists()
        )
        return CacheInfo(self.path, entries, size, not self._disabled)

    def _clear(self) -> int:
        if not self.path.exists():
            return 0
        conn = self._connection()
        if conn is None:
            # Unusable file: removing it is the only way to clear it.
            if self.path.is_dir():
                raise IsADirectoryError(errno.EISDIR, "it is a directory, not a cache file")
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return 0
        try:
            with _transaction(conn):
                count: int = conn.execute("SELECT count(*) FROM translations").fetchone()[0]
                conn.execute("DELETE FROM translations")
                conn.execute("DELETE FROM analyses")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
        except sqlite3.Error as exc:
            self._fail(exc)
            if self._disabled:
                raise OSError(str(exc)) from exc
            return 0
        return count


_CORRUPT_MESSAGES = ("file is not a database", "malformed")


def is_corrupt(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the file itself is damaged (rebuild) rather than busy or failing.

    ``OperationalError`` ("database is locked", "disk I/O error", "database or disk is
    full") is a subclass of ``DatabaseError`` but says nothing against the file.

    >>> is_corrupt(sqlite3.DatabaseError("file is not a database"))
    True
    >>> is_corrupt(sqlite3.OperationalError("database is locked"))
    False
    """
    if isinstance(exc, sqlite3.OperationalError):
        return False
    if type(exc) is sqlite3.DatabaseError:
        return True
    message = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and any(m in message for m in _CORRUPT_MESSAGES)


def _split(joined: str) -> tuple[str, ...]:
    """Flags stored comma-joined, back as a tuple."""
    return tuple(f for f in joined.split(",") if f)


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: take the write lock up front, waiting if busy."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
