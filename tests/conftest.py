"""Shared fixtures. Keep this file small: fixtures only."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from bireader.testing import build_random_argos_package, install_package_file
from bireader.translation import base


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own translation cache directory: none reads or fills the user's."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("BIREADER_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def register_engines(monkeypatch: pytest.MonkeyPatch) -> Callable[..., types.ModuleType]:
    """Register test-double engine classes by name, for this test only.

    ``register_engines(argos=NotReady, apertium=Counting)`` replaces the registry (and,
    given ``auto_order=(...)``, the auto order); it returns the module holding them.
    """

    def register(auto_order: tuple[str, ...] | None = None, **classes: type) -> types.ModuleType:
        module = types.ModuleType("bireader_test_double_engines")
        for cls in classes.values():
            setattr(module, cls.__name__, cls)
        monkeypatch.setitem(sys.modules, module.__name__, module)
        engines = {name: f"{module.__name__}:{cls.__name__}" for name, cls in classes.items()}
        monkeypatch.setattr(base, "ENGINES", engines)
        if auto_order is not None:
            monkeypatch.setattr(base, "AUTO_ORDER", auto_order)
        return module

    return register


@pytest.fixture(scope="session")
def argos_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight es->en ``.argosmodel``, built once per session."""
    return build_random_argos_package(tmp_path_factory.mktemp("argos-build"), size="tiny")


@pytest.fixture(scope="session")
def _argos_installed_dir(
    tmp_path_factory: pytest.TempPathFactory, argos_package_file: Path
) -> Path:
    directory = tmp_path_factory.mktemp("argos-packages")
    install_package_file(argos_package_file, directory)
    return directory


@pytest.fixture
def argos_packages_dir(_argos_installed_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``ARGOS_PACKAGES_DIR`` pointing at a directory holding the tiny es->en package.

    The package is built and installed once per session; only the environment
    variable is set per test. Do not modify the directory (copy it if you must).
    """
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(_argos_installed_dir))
    return _argos_installed_dir


@pytest.fixture
def no_argos_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``ARGOS_PACKAGES_DIR`` pointing at an empty directory: no Argos model installed."""
    directory = tmp_path / "argos-packages-empty"
    directory.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    return directory
