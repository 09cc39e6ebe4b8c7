"""The exceptions bireader raises. Catch ``BireaderError`` to catch them all.

The CLI turns each into a one-line message and an exit code (``exit_code``).
"""

from __future__ import annotations


class BireaderError(Exception):
    """Base of every error bireader raises on purpose."""

    exit_code = 1


class InputError(BireaderError):
    """The input cannot be read: missing, binary, empty, malformed or hostile."""

    exit_code = 2


class EngineError(BireaderError):
    """A translation engine failed or cannot be used."""

    exit_code = 3


class EngineUnavailable(EngineError):
    """The engine's program or library is not installed here; the message says how to get it."""


class ModelNotInstalled(EngineError):
    """The engine is installed but has no model for the language pair."""


class InvalidOption(BireaderError, ValueError):
    """An engine or exporter option that is unknown or out of range: a usage mistake.

    One class (and one exit code, 2, like any usage error) whichever stage refused it;
    ``engine="auto"`` raises it at once instead of trying the next engine.
    """

    exit_code = 2


class TranslationFailed(EngineError):
    """The engine ran but did not return one translation per sentence."""


class ExportError(BireaderError):
    """An output file could not be produced; nothing half-written is left behind."""

    exit_code = 4


class CacheError(BireaderError):
    """The translation cache could not be cleared (it is never an obstacle to translating)."""

    exit_code = 1
