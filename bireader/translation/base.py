"""The engine protocol and the registry of engines by name.

An engine module is imported only when that engine is asked for, so
``import bireader`` and ``bireader --help`` never load CTranslate2 or start Apertium.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from bireader.errors import EngineError, EngineUnavailable, InvalidOption
from bireader.model import Provenance

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with counts of sentences."""


@runtime_checkable
class Engine(Protocol):
    """What every translation engine provides."""

    name: str

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate ``sentences``; the result has the same length and order, always."""
        ...

    def provenance(self) -> Provenance:
        """Engine name, engine and model versions, and options in effect."""
        ...


# Optional members an engine may have, looked up with getattr by the pipeline:
#   safer() -> Engine | None   a copy decoding more conservatively (repetition penalty,
#                              no-repeat n-grams), used to retry flagged sentences; it may
#                              share the engine's resources and is never closed itself.
#   close() -> None            release processes/models; called by whoever built the engine.
#   sentences_per_call: int | None
#                              how many sentences the pipeline passes to one translate_batch
#                              call (default DEFAULT_SENTENCES_PER_CALL); None = the whole
#                              document at once, for engines that start a process per call.

DEFAULT_SENTENCES_PER_CALL = 64


def option_error(engine: str, message: str) -> InvalidOption:
    """The one-line error for a bad option of ``engine``.

    >>> str(option_error("argos", "beam_size must be an integer >= 1, got 0"))
    'argos: invalid option: beam_size must be an integer >= 1, got 0'
    """
    return InvalidOption(f"{engine}: invalid option: {message}")


def unknown_options(engine: str, options: Iterable[str], known: Iterable[str]) -> InvalidOption:
    """The error for options ``engine`` does not have, naming the ones it has."""
    names = ", ".join(sorted(options))
    accepted = ", ".join(sorted(known))
    return option_error(engine, f"unknown {names} (accepted: {accepted})")


@dataclass(frozen=True, slots=True)
class EngineStatus:
    """Whether an engine can run here and, if not, the command that makes it ready."""

    name: str
    ready: bool
    detail: str
    fix: str | None = None


# The one place an engine is registered: name -> "module:Class".
# Each class has a classmethod ``status() -> EngineStatus`` and an ``__init__`` that
# raises ``EngineUnavailable``/``ModelNotInstalled`` when it cannot run and
# ``InvalidOption`` (see ``option_error``/``unknown_options``) for a bad option.
ENGINES: dict[str, str] = {
    "argos": "bireader.translation.argos:ArgosEngine",
    "opus-mt": "bireader.translation.opus_mt:OpusMTEngine",
    "apertium": "bireader.translation.apertium:ApertiumEngine",
}

AUTO_ORDER: tuple[str, ...] = ("opus-mt", "argos", "apertium")
"""The order ``engine="auto"`` tries engines in: the neural kinds best first (an engine is
ready only with a model that passes its self-test), then the rule-based one."""


def engine_names() -> tuple[str, ...]:
    """Names of all registered engines, e.g. for CLI choices."""
    return tuple(ENGINES)


def engine_class(name: str) -> Any:
    """Import and return the class registered under ``name``."""
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(ENGINES)
        raise EngineError(f"unknown engine {name!r} (known: {known}, auto)") from None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineUnavailable(f"engine {name!r} cannot be imported: {exc}") from exc
    return getattr(module, class_name)


def engine_status(name: str) -> EngineStatus:
    """Ask the engine registered under ``name`` whether it is ready here."""
    try:
        cls = engine_class(name)
    except EngineError as exc:
        return EngineStatus(name, False, str(exc))
    try:
        status: EngineStatus = cls.status()
    except (EngineError, ImportError, OSError) as exc:
        # A status check must answer, not fail: `bireader engines` lists every engine.
        return EngineStatus(name, False, f"status check failed: {exc}")
    return status


def get_engine(name: str = "auto", *, exclude: tuple[str, ...] = (), **options: Any) -> Engine:
    """Build the engine ``name``, or for ``"auto"`` the first of ``AUTO_ORDER`` that builds.

    ``auto`` moves on when an engine is not ready or its construction fails (say, a
    model that does not load) and raises ``EngineUnavailable`` naming every engine's
    reason and fix only when none can be built. A bad option (``InvalidOption``) is
    raised at once. ``exclude`` names engines ``auto`` must not try (they failed).
    """
    if name == "auto" and options.get("model") is not None:
        # A named model decides the engine.
        from bireader.translation.catalog import find_model

        name = find_model(str(options["model"])).engine
    if name != "auto":
        engine: Engine = engine_class(name)(**options)
        return engine
    reasons: list[str] = []
    for candidate in AUTO_ORDER:
        if candidate in exclude or candidate not in ENGINES:
            continue
        status = engine_status(candidate)
        if not status.ready:
            fix = f" (fix: {status.fix})" if status.fix else ""
            reasons.append(f"{candidate}: {status.detail}{fix}")
            continue
        try:
            return get_engine(candidate, **options)
        except InvalidOption:
            raise
        except EngineError as exc:
            log.warning("engine %s cannot be used (%s); trying the next", candidate, exc)
            reasons.append(f"{candidate}: {exc}")
    raise EngineUnavailable("no translation engine can run: " + "; ".join(reasons))


def sentences_per_call(engine: Engine) -> int | None:
    """How many sentences to give ``engine`` per call (None: all of them at once)."""
    value = getattr(engine, "sentences_per_call", DEFAULT_SENTENCES_PER_CALL)
    return value if value is None or value > 0 else None


def safer_engine(engine: Engine) -> Engine | None:
    """``engine.safer()`` when the engine offers a more conservative copy of itself, else None."""
    make = getattr(engine, "safer", None)
    safer: Engine | None = make() if callable(make) else None
    return safer if safer is not engine else None


def close_engine(engine: Engine) -> None:
    """Call ``engine.close()`` if it has one."""
    close = getattr(engine, "close", None)
    if callable(close):
        close()


def ready_engine_names(exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Registered engines that are ready here, in ``auto`` order first, minus ``exclude``."""
    ordered = [*AUTO_ORDER, *(n for n in ENGINES if n not in AUTO_ORDER)]
    return tuple(n for n in ordered if n not in exclude and engine_status(n).ready)
