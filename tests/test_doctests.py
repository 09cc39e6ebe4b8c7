"""Run the doctests of every bireader module (they document the public functions)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bireader

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(bireader.__path__, prefix="bireader.")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_modules_were_found() -> None:
    assert "bireader.segment" in MODULES
    assert "bireader.model" in MODULES
