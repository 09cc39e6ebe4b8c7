"""Word-study tests run the real Apertium analyser: skipped without it, failed in CI."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def apertium_words() -> None:
    """Apertium's spa-eng analyser, tagger and dictionary are installed (CI: must be)."""
    from bireader.words import status

    reason = status()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI needs Apertium's spa-eng data for word study: {reason}")
    pytest.skip(reason)
