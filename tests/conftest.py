"""Shared fixtures, and the session's sandbox for every user directory.

Before anything else is imported, ``HOME``, the XDG directories, ``BIREADER_CACHE_DIR``
and ``ARGOS_PACKAGES_DIR`` point into one temporary directory for the whole session,
so no fixture, session-scoped or not, can read or fill the user's own cache, models
or data (``tests/test_sandbox.py`` proves it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SANDBOX = Path(tempfile.mkdtemp(prefix="bireader-tests-"))
SANDBOX_ENV = {
    "HOME": SANDBOX / "home",
    "XDG_CACHE_HOME": SANDBOX / "home" / ".cache",
    "XDG_DATA_HOME": SANDBOX / "home" / ".local" / "share",
    "XDG_CONFIG_HOME": SANDBOX / "home" / ".config",
    "XDG_STATE_HOME": SANDBOX / "home" / ".local" / "state",
    "BIREADER_CACHE_DIR": SANDBOX / "cache",
    "ARGOS_PACKAGES_DIR": SANDBOX / "argos-packages",
    "BIREADER_MODELS_DIR": SANDBOX / "bireader-models",
}
os.environ["BIREADER_TEST_SANDBOX"] = str(SANDBOX)
for _name, _path in SANDBOX_ENV.items():
    _path.mkdir(parents=True, exist_ok=True)
    os.environ[_name] = str(_path)

import shutil  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
from collections.abc import Callable  # noqa: E402

import pytest  # noqa: E402

pytest_plugins = ["ci_skips"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(SANDBOX, ignore_errors=True)

from bireader.testing import (  # noqa: E402
    build_random_argos_package,
    build_random_bpe_argos_package,
    build_random_opus_mt_release,
    install_package_file,
)
from bireader.translation import base  # noqa: E402


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own translation cache directory: none reads or fills the user's."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("BIREADER_CACHE_DIR", str(directory))
    return directory


@pytest.fixture(autouse=True)
def bireader_models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own (empty) OPUS-MT/CTranslate2 models directory."""
    directory = tmp_path / "bireader-models"
    monkeypatch.setenv("BIREADER_MODELS_DIR", str(directory))
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


@pytest.fixture(scope="session")
def bpe_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight es->en Argos package with BPE codes (``bpe.model``)."""
    return build_random_bpe_argos_package(tmp_path_factory.mktemp("bpe-build"))


@pytest.fixture(scope="session")
def opus_mt_release_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight OPUS-MT release zip (Marian ``.npz``), built once per session."""
    return build_random_opus_mt_release(tmp_path_factory.mktemp("opus-build"))


@pytest.fixture(scope="session")
def _opus_mt_installed_dir(
    tmp_path_factory: pytest.TempPathFactory, opus_mt_release_file: Path
) -> Path:
    from bireader.translation.opus_mt import install_release

    directory = tmp_path_factory.mktemp("bireader-models")
    install_release(opus_mt_release_file, directory=directory)
    return directory


@pytest.fixture
def opus_mt_models_dir(_opus_mt_installed_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``BIREADER_MODELS_DIR`` holding the tiny converted OPUS-MT model (do not modify it)."""
    monkeypatch.setenv("BIREADER_MODELS_DIR", str(_opus_mt_installed_dir))
    return _opus_mt_installed_dir
