"""``get_engine("auto")``: the first engine that can be built, or every reason why none can."""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest

from bireader.errors import EngineError, EngineUnavailable, ModelNotInstalled
from bireader.model import Provenance
from bireader.translation import base
from bireader.translation.base import EngineStatus, InvalidOption, get_engine, option_error


class First:
    """Says it is ready; whether construction works is set per test."""

    name = "first"
    failure: ClassVar[EngineError | None] = None
    built: ClassVar[int] = 0

    def __init__(self, **options: Any) -> None:
        type(self).built += 1
        if self.failure is not None:
            raise self.failure
        self.options = options

    @classmethod
    def status(cls) -> EngineStatus:
        return EngineStatus(cls.name, True, "looks installed")

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [s.upper() for s in sentences]

    def provenance(self) -> Provenance:
        return Provenance(self.name, "1")


class Second(First):
    name = "second"
    failure: ClassVar[EngineError | None] = None
    built: ClassVar[int] = 0


class Missing(First):
    name = "missing"

    @classmethod
    def status(cls) -> EngineStatus:
        return EngineStatus(cls.name, False, "not installed here", "install-missing")


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("bireader_test_auto_engines")
    for cls in (First, Second, Missing):
        setattr(module, cls.__name__, cls)
        monkeypatch.setattr(cls, "built", 0)
        monkeypatch.setattr(cls, "failure", None)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(
        base,
        "ENGINES",
        {name: f"{module.__name__}:{name.title()}" for name in ("missing", "first", "second")},
    )
    monkeypatch.setattr(base, "AUTO_ORDER", ("missing", "first", "second"))


def test_auto_takes_the_first_ready_engine() -> None:
    engine = get_engine("auto", style=1)
    assert isinstance(engine, First) and engine.options == {"style": 1}
    assert Second.built == 0


def test_auto_moves_on_when_a_ready_engine_cannot_be_built(
    caplog: pytest.LogCaptureFixture,
) -> None:
    First.failure = ModelNotInstalled("first: model.bin is incomplete")
    engine = get_engine("auto")
    assert isinstance(engine, Second)
    assert "model.bin is incomplete" in caplog.text


def test_auto_lists_every_reason_when_nothing_can_be_built() -> None:
    First.failure = ModelNotInstalled("first: model.bin is incomplete")
    Second.failure = EngineUnavailable("second: its program crashed")
    with pytest.raises(EngineUnavailable) as caught:
        get_engine("auto")
    message = str(caught.value)
    for part in ("not installed here", "install-missing", "model.bin is incomplete", "crashed"):
        assert part in message
    assert "\n" not in message


def test_a_bad_option_is_raised_at_once_not_hidden_by_the_next_engine() -> None:
    First.failure = option_error("first", "beam_size must be an integer >= 1, got 0")
    with pytest.raises(InvalidOption, match="beam_size"):
        get_engine("auto")
    assert Second.built == 0


def test_a_named_engine_is_not_replaced() -> None:
    First.failure = ModelNotInstalled("first: broken")
    with pytest.raises(ModelNotInstalled, match="broken"):
        get_engine("first")
    assert Second.built == 0
