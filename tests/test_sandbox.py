"""The test session never reads or writes the user's own directories (cache, models, data).

``tests/conftest.py`` points ``HOME``, the XDG directories, ``BIREADER_CACHE_DIR`` and
``ARGOS_PACKAGES_DIR`` into a temporary sandbox before anything is imported; these
tests check it in this session, and in a fresh one run with a fake user's HOME.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from doubles import UpperEngine

import bireader
from bireader.translation.cache import default_cache_path
from bireader.translation.models import packages_dir

HERE = Path(__file__).resolve().parent
SANDBOX = Path(os.environ["BIREADER_TEST_SANDBOX"])  # set by tests/conftest.py


@pytest.fixture(scope="session")
def translated_at_session_scope() -> Path:
    """What the old session fixture did: translate (and cache) before any test fixture."""
    bireader.translate(bireader.read("Hola. Adiós."), engine=UpperEngine(), cache=True)
    return default_cache_path()


def test_every_user_directory_is_in_the_sandbox(tmp_path: Path) -> None:
    # The autouse ``cache_dir`` fixture gives each test a cache of its own on top.
    assert default_cache_path().is_relative_to(tmp_path)
    for path in (
        Path.home(),
        packages_dir(),
        Path(platformdirs.user_cache_dir("bireader")),
        Path(platformdirs.user_data_dir("argos-translate")),
        Path(platformdirs.user_config_dir("argos-translate")),
    ):
        assert path.is_relative_to(SANDBOX), path


def test_a_session_fixture_caches_in_the_sandbox(translated_at_session_scope: Path) -> None:
    assert translated_at_session_scope.is_relative_to(SANDBOX)
    assert translated_at_session_scope.exists()


def test_a_fresh_session_leaves_a_users_home_untouched(tmp_path: Path) -> None:
    """Run the session fixture above in a new pytest with a fake user's HOME and no
    overrides: nothing may appear in that HOME."""
    home = tmp_path / "home"
    (home / ".cache").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "BIREADER_", "ARGOS_"))}
    env["HOME"] = str(home)
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            f"{HERE / 'test_sandbox.py'}::test_a_session_fixture_caches_in_the_sandbox",
        ],
        cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert [p for p in home.rglob("*")] == [home / ".cache"]
