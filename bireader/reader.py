"""Former home of the input side, kept so that ``bireader.reader`` imports keep working;
everything lives in :mod:`bireader.reading` now."""

from __future__ import annotations

from bireader.reading import (
    FORMATS,
    MAX_INPUT_BYTES,
    SUFFIXES,
    parse_html,
    parse_markdown,
    parse_text,
    read,
)

__all__ = [
    "FORMATS",
    "MAX_INPUT_BYTES",
    "SUFFIXES",
    "parse_html",
    "parse_markdown",
    "parse_text",
    "read",
]
