"""Argos package management: install from file (validated), list, remove, CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bireader.errors import InputError, ModelNotInstalled
from bireader.translation import models


def _rezip(source: Path, dest: Path, *, drop: str = "", extra: dict[str, bytes] | None = None) -> Path:
    """Copy the archive ``source`` to ``dest`` without members ending in ``drop``, plus ``extra``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            if drop and info.filename.endswith(drop):
                continue
            out.writestr(info, src.read(info))
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return dest


def test_install_from_file_then_find_and_list(argos_package_file: Path, tmp_path: Path) -> None:
    root = tmp_path / "packages"
    package = models.install_from_file(argos_package_file, root)
    assert package.path.parent == root
    assert (package.from_code, package.to_code) == ("es", "en")
    assert (package.model_dir / "model.bin").is_file()
    assert package.tokenizer_path is not None and package.tokenizer_path.name == "sentencepiece.model"
    assert models.find_package("es", "en", root) == package
    assert models.find_package("en", "es", root) is None
    assert models.installed_packages(root) == (package,)
    # No staging directories are left behind.
    assert [p.name for p in root.iterdir()] == [package.path.name]


def test_reinstall_replaces_atomically(argos_package_file: Path, tmp_path: Path) -> None:
    root = tmp_path / "packages"
    first = models.install_from_file(argos_package_file, root)
    (first.path / "stale.txt").write_text("old")
    second = models.install_from_file(argos_package_file, root)
    assert second.path == first.path
    assert not (second.path / "stale.txt").exists()
    assert [p.name for p in root.iterdir()] == [first.path.name]
