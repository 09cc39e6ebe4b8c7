"""``formats.base.atomic_writer``: symlinks, permission bits, special files."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from bireader.errors import ExportError
from bireader.formats.base import atomic_writer


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    """A link planted at the output path cannot redirect the write to another file."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "bashrc"
    victim.write_bytes(b"secret rc")
    link = tmp_path / "page.html"
    link.symlink_to(victim)
    with atomic_writer(link) as stream:
        stream.write(b"new")
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert victim.read_bytes() == b"secret rc"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["bashrc"]


def test_dangling_symlink_creates_nothing_where_it_points(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    link = tmp_path / "a.tsv"
    link.symlink_to(Path("out") / "a.tsv")
    with atomic_writer(link) as stream:
        stream.write(b"x\ty\n")
    assert not link.is_symlink() and link.read_bytes() == b"x\ty\n"
    assert list((tmp_path / "out").iterdir()) == []


def test_failure_leaves_the_symlink_and_its_target_untouched(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(RuntimeError), atomic_writer(link) as stream:
        stream.write(b"partial")
        raise RuntimeError("boom")
    assert real.read_bytes() == b"{}" and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


@pytest.mark.parametrize("bits", [0o600, 0o640, 0o755, 0o444])
def test_existing_file_keeps_its_permission_bits(tmp_path: Path, bits: int) -> None:
    path = tmp_path / "a.tmx"
    path.write_bytes(b"old")
    path.chmod(bits)
    with atomic_writer(path) as stream:
        stream.write(b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == bits


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_file_gets_0666_minus_umask(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "new.json"
    old = os.umask(umask)
    try:
        with atomic_writer(path) as stream:
            stream.write(b"{}")
    finally:
        os.umask(old)
    assert mode(path) == 0o666 & ~umask


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    """A special file (here a FIFO; /dev/null alike) is written, never renamed over."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with atomic_writer(fifo) as stream:
        stream.write(b"hola\n")
    reader.join(timeout=10)
    assert received == [b"hola\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_missing_directory_is_an_export_error(tmp_path: Path) -> None:
    with (
        pytest.raises(ExportError, match="cannot write"),
        atomic_writer(tmp_path / "nope" / "a.html"),
    ):
        pass
