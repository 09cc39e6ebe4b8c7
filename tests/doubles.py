"""Test doubles shared by the CLI tests: engines that change case and record their input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bireader.model import Provenance
from bireader.translation.base import EngineStatus


class RecordingEngine:
    """Test double: transforms each sentence with ``convert``; records every one it is given."""

    name = "apertium"
    calls: ClassVar[list[str]] = []
    version = "1.0"
    model = "identity"

    def __init__(self, **options: object) -> None:
        pass

    @classmethod
    def status(cls) -> EngineStatus:
        return EngineStatus(cls.name, True, f"{cls.model} test double")

    def convert(self, sentence: str) -> str:
        return sentence

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        type(self).calls.extend(sentences)
        return [self.convert(s) for s in sentences]

    def provenance(self) -> Provenance:
        return Provenance(self.name, self.version, self.model, "1")


class UpperEngine(RecordingEngine):
    version = "9.9"
    model = "upper"

    def convert(self, sentence: str) -> str:
        return sentence.upper()


class LowerEngine(RecordingEngine):
    model = "lower"

    def convert(self, sentence: str) -> str:
        return sentence.lower()
