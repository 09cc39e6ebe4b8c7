"""Alignment tests run the real Apertium (the aligner's MT): skipped without it, failed in CI."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def apertium() -> None:
    """Apertium with its spa-eng pair is installed (CI: must be)."""
    from bireader.translation.base import engine_status

    status = engine_status("apertium")
    if status.ready:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI needs Apertium for alignment: {status.detail}")
    pytest.skip(status.detail)
