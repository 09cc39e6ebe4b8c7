from __future__ import annotations

import logging
import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bireader.model import Repair
from bireader.translation import cache as cache_module
from bireader.translation.cache import (
    CachedTranslation,
    TranslationCache,
    default_cache_path,
    is_corrupt,
)


def entry(
    source: str, target: str, flags: tuple[str, ...] = (), engine: str = "fake"
) -> CachedTranslation:
    return CachedTranslation(source, target, flags, engine)


def test_roundtrip_with_flags_and_engine(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many("sig", [entry("Hola.", "Hello."), entry("Mal.", "", ("empty",), "other")])
        got = cache.get_many("sig", ["Hola.", "Mal.", "Nada."])
    assert got == {
        "Hola.": entry("Hola.", "Hello."),
        "Mal.": entry("Mal.", "", ("empty",), "other"),
    }


def test_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many("sig", [entry("Hola.", "Hello.")])
    with TranslationCache(path) as cache:
        assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."


def test_keyed_by_signature(tmp_path: Path) -> None:
    with TranslationCache(tmp_path) as cache:
        cache.put_many("argos:1|model:es-en@1.0|beam=4", [entry("Hola.", "Hello.")])
        assert cache.get_many("argos:1|model:es-en@1.0|beam=2", ["Hola."]) == {}
        assert cache.get_many("argos:1|model:es-en@1.1|beam=4", ["Hola."]) == {}
        assert "Hola." in cache.get_many("argos:1|model:es-en@1.0|beam=4", ["Hola."])


def test_source_text_is_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many("sig", [entry("Una frase secreta.", "A secret sentence.")])
    with sqlite3.connect(path) as conn:
        dump = "\n".join(conn.iterdump())
    assert "Una frase secreta." not in dump


def test_many_sources_in_one_lookup(tmp_path: Path) -> None:
    sources = [f"Frase número {i}." for i in range(1200)]
    with TranslationCache(tmp_path) as cache:
        cache.put_many("sig", [entry(s, s.upper()) for s in sources])
        got = cache.get_many("sig", sources)
    assert len(got) == len(sources)
    assert all(got[s].target == s.upper() for s in sources)


def test_the_cache_is_pure_storage(tmp_path: Path) -> None:
    """Flags come back as stored: judging an entry (e.g. by guard version) is the
    caller's business, through the signature."""
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many("sig|guard=1", [entry("Hola.", "", ("stale",))])
        assert cache.get_many("sig|guard=1", ["Hola."])["Hola."].flags == ("stale",)
        assert cache.get_many("sig|guard=2", ["Hola."]) == {}


def test_a_cache_of_the_old_layout_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE translations (signature TEXT, source_hash BLOB, target TEXT,"
            " flags TEXT, engine TEXT, guard INTEGER, created REAL)"
        )
        conn.execute("PRAGMA user_version = 1")
    with TranslationCache(path) as cache:
        cache.put_many("sig", [entry("Hola.", "Hello.")])
        assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."


def test_a_repair_is_stored_beside_the_flags(tmp_path: Path) -> None:
    kept = CachedTranslation("Hola.", "Hi.", ("empty",), "fake", Repair("retried", ("a", "b")))
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        cache.put_many("sig", [kept, entry("Adiós.", "Bye.")])
        got = cache.get_many("sig", ["Hola.", "Adiós."])
    assert got["Hola."] == kept
    assert got["Adiós."].repair is None


def test_a_version_2_cache_drops_its_translations_and_keeps_its_analyses(tmp_path: Path) -> None:
    """Version 2 kept repairs as "retried:<flag>" strings among the flags: retranslate."""
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many("sig", [entry("Hola.", "Hello.")])
        cache.put_analyses("words", {"Hola.": "[]"})
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE translations DROP COLUMN repair_kind")
        conn.execute("ALTER TABLE translations DROP COLUMN repair_flags")
        conn.execute("UPDATE translations SET flags = 'retried:repetition'")
        conn.execute("PRAGMA user_version = 2")
    with TranslationCache(path) as cache:
        assert cache.get_many("sig", ["Hola."]) == {}
        assert cache.get_analyses("words", ["Hola."]) == {"Hola.": "[]"}
        cache.put_many("sig", [entry("Hola.", "Hello.")])
        assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."


def test_info_and_clear(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        assert cache.info().entries == 0
        cache.put_many("sig", [entry(f"S{i}.", f"T{i}.") for i in range(10)])
        info = cache.info()
        assert (info.path, info.entries, info.usable) == (path, 10, True)
        assert info.size_bytes > 0
        assert cache.clear() == 10
        assert cache.info().entries == 0
        assert cache.get_many("sig", ["S1."]) == {}


def test_clear_without_a_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none" / "c.sqlite3"
    assert TranslationCache(path).clear() == 0
    assert not path.exists()


def test_env_overrides_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIREADER_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_path() == tmp_path / "here" / cache_module.FILENAME
    assert TranslationCache().path == default_cache_path()


def test_default_location_is_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("BIREADER_CACHE_DIR", raising=False)
    assert default_cache_path().parent == Path(platformdirs.user_cache_dir("bireader"))


def test_corrupt_file_is_moved_aside_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with caplog.at_level(logging.WARNING, logger="bireader"), TranslationCache(path) as cache:
        cache.put_many("sig", [entry("Hola.", "Hello.")])
        assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."
    assert "rebuilding" in caplog.text
    assert list(tmp_path.glob("c.sqlite3.corrupt-*"))


def test_corruption_found_later_does_not_raise(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many("sig", [entry(f"S{i}.", "x" * 500) for i in range(200)])
        cache.close()
    data = bytearray(path.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # trash pages past the header
    path.write_bytes(bytes(data))
    with TranslationCache(path) as cache:
        got = cache.get_many("sig", [f"S{i}." for i in range(200)])
        cache.put_many("sig", [entry("Hola.", "Hello.")])
        assert isinstance(got, dict)
        assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."


def test_unwritable_location_bypasses_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger="bireader"):
        cache = TranslationCache(blocker / "sub" / "c.sqlite3")
        cache.put_many("sig", [entry("Hola.", "Hello.")])
        assert cache.get_many("sig", ["Hola."]) == {}
        assert not cache.usable
    assert "not caching" in caplog.text


def _writer(path: str, worker: int, rounds: int) -> None:
    with TranslationCache(path) as cache:
        for r in range(rounds):
            batch = [entry(f"W{worker} R{r} S{i}.", f"t{worker}-{r}-{i}") for i in range(20)]
            cache.put_many("sig", batch)
            # Read back what the other process wrote, while it is writing.
            cache.get_many("sig", [f"W{1 - worker} R{r} S{i}." for i in range(20)])


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    rounds = 40
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), w, rounds)) for w in (0, 1)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [p.exitcode for p in workers] == [0, 0]
    with TranslationCache(path) as cache:
        assert cache.info().entries == 2 * rounds * 20
        got = cache.get_many("sig", ["W0 R39 S19.", "W1 R0 S0."])
    assert got["W0 R39 S19."].target == "t0-39-19"
    assert got["W1 R0 S0."].target == "t1-0-0"


def test_a_locked_database_is_bypassed_not_moved_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """'database is locked' is an OperationalError (a DatabaseError subclass): the file is
    healthy and in use elsewhere, so it must stay where it is, untouched."""
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many("sig", [entry("Hola.", "Hello.")])
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA busy_timeout = 0")
    other.execute("BEGIN EXCLUSIVE")
    other.execute(
        "INSERT INTO translations (signature, source_hash, target, flags, engine, created)"
        " VALUES ('sig2', x'00', 't', '', 'e', 0)"
    )
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT_MS", 50)
    try:
        with caplog.at_level(logging.WARNING, logger="bireader"), TranslationCache(path) as cache:
            cache.put_many("sig", [entry("Adiós.", "Goodbye.")])
            assert cache.get_many("sig", ["Hola."]) == {}
            assert not cache.usable
        assert "not caching" in caplog.text and "rebuilding" not in caplog.text
        assert not list(tmp_path.glob("*corrupt*"))
        other.execute("COMMIT")
    finally:
        other.close()
    monkeypatch.undo()
    with TranslationCache(path) as cache:
        assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."
        assert cache.info().entries == 2  # the other writer's row survived too


def test_only_real_corruption_counts_as_corrupt() -> None:
    assert is_corrupt(sqlite3.DatabaseError("file is not a database"))
    assert is_corrupt(sqlite3.DatabaseError("database disk image is malformed"))
    for message in ("database is locked", "disk I/O error", "database or disk is full"):
        assert not is_corrupt(sqlite3.OperationalError(message))
    assert not is_corrupt(sqlite3.ProgrammingError("Cannot operate on a closed database."))


def test_usable_from_other_threads(tmp_path: Path) -> None:
    """A cache opened in one thread keeps working when another thread uses it."""
    cache = TranslationCache(tmp_path / "c.sqlite3")
    cache.put_many("sig", [entry("Hola.", "Hello.")])  # opens the connection here

    def work(worker: int) -> None:
        for i in range(30):
            cache.put_many("sig", [entry(f"T{worker} S{i}.", f"t{worker}-{i}")])
            assert cache.get_many("sig", ["Hola."])["Hola."].target == "Hello."

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    assert cache.usable
    assert cache.info().entries == 1 + 4 * 30
    assert cache.get_many("sig", ["T3 S29."])["T3 S29."].target == "t3-29"
    cache.close()
