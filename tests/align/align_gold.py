"""Where the hand-made alignment pairs live (tests/data/align, see its README)."""

from __future__ import annotations

from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "data" / "align"
