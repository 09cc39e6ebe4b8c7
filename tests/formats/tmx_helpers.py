"""Shared by the TMX, contract and CLI tests: the DTD from ../shared and translate-toolkit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[2]
DTD_PATH = REPO / ".." / "shared" / "specs" / "tmx14.dtd"


def tmx_dtd() -> Any:
    if not DTD_PATH.is_file():
        pytest.skip(f"TMX DTD not found at {DTD_PATH} (the shared/ folder beside the repo)")
    return etree.DTD(str(DTD_PATH))


def assert_valid_tmx(data: bytes) -> Any:
    """Parse ``data`` (without loading any DTD it names) and validate it against tmx14.dtd."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.fromstring(data, parser).getroottree()
    dtd = tmx_dtd()
    if not dtd.validate(tree):
        raise AssertionError(f"invalid TMX: {dtd.error_log.filter_from_errors()}")
    return tree


def toolkit_pairs(data: bytes) -> list[tuple[str, str]]:
    """The (source, target) pairs translate-toolkit's TMX reader finds in ``data``."""
    tmx = pytest.importorskip("translate.storage.tmx")
    store = tmx.tmxfile.parsestring(data)
    return [(unit.source, unit.target) for unit in store.units]
