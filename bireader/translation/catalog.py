"""Every installed neural model, whatever its layout, and which one an engine uses.

Kinds, best first (the order ``auto`` prefers them in):

``opus-mt``
    An OPUS-MT / Tatoeba-MT release converted by ``bireader models install``
    (:mod:`bireader.translation.opus_mt`); engine ``opus-mt``.
``ctranslate2``
    A pre-converted CTranslate2 directory (``model.bin``, ``source.spm``,
    ``target.spm``) installed with ``models install --dir``; engine ``opus-mt``.
``argos``
    An Argos Translate package with a SentencePiece tokenizer; engine ``argos``.
``argos-bpe``
    An Argos package with subword-nmt BPE codes (``bpe.model``); engine ``argos``.

A model is *ready* when it can be loaded: checked from its files without loading it
(:mod:`bireader.translation.ct2`), the verdict remembered while the files keep their
size and modification time. A ready model also has a *self-test* verdict: a few fixed
Spanish sentences are translated and the quality guard run on the output; a model
whose output is degenerate *fails* and is never chosen by ``auto``, though it can
still be asked for by name. The verdict is stored in the model's directory
(``.bireader-selftest.json``) with the stamp of the files it judged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bireader.errors import EngineError, InvalidOption, ModelNotInstalled
from bireader.translation import ct2
from bireader.translation.models import (
    ArgosPackage,
    installed_packages,
    models_dir,
    packages_dir,
    remove_installed,
    version_key,
)

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("opus-mt", "ctranslate2", "argos", "argos-bpe")
"""Every kind of model, in the order ``auto`` prefers them."""
ENGINE_OF_KIND = {"opus-mt": "opus-mt", "ctranslate2": "opus-mt", "argos": "argos",
                  "argos-bpe": "argos"}
METADATA = "bireader-model.json"
"""The file that describes a model installed in :func:`models_dir`."""
VERDICT_FILE = ".bireader-selftest.json"

SELFTEST_SENTENCES: tuple[str, ...] = (
    "El gobierno aprobó ayer una nueva ley de vivienda.",
    "La reunión durará dos días, según fuentes oficiales.",
    "¿Dónde está la estación de tren más cercana?",
    "Los niños juegan en el parque todas las tardes.",
    "El precio del aceite de oliva subió un veinte por ciento en marzo.",
    "Mañana lloverá en el norte del país.",
)
"""What the self-test translates: plain news sentences any usable model gets right."""
SELFTEST_MAX_FLAGGED = 1
"""A model fails its self-test when more of its outputs than this are flagged."""
SELFTEST_VERSION = 1
"""Bumped when the sentences or the rule change, so stored verdicts are redone."""


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One installed model."""

    name: str
    """Its directory name: unique, what ``--model`` takes."""
    kind: str
    from_code: str
    to_code: str
    version: str
    path: Path
    code: str = ""
    """The Argos package code (several versions may share one), else the name."""
    decoding: tuple[tuple[str, Any], ...] = ()
    """Decoding defaults the model came with (OPUS-MT's ``decoder.yml``)."""

    @property
    def engine(self) -> str:
        return ENGINE_OF_KIND[self.kind]

    @property
    def pair(self) -> str:
        return f"{self.from_code}->{self.to_code}"

    @property
    def model_dir(self) -> Path:
        """The CTranslate2 model directory."""
        return self.path / "model" if self.kind.startswith("argos") else self.path

    def tokenizer_files(self) -> list[Path]:
        if self.kind == "argos":
            return [self.path / "sentencepiece.model"]
        if self.kind == "argos-bpe":
            return [self.path / "bpe.model"]
        return [self.path / "source.spm", self.path / "target.spm"]

    def files(self) -> list[Path]:
        """Every file whose change can change whether the model loads or what it outputs."""
        return [*ct2.model_files(self.model_dir), *self.tokenizer_files()]

    def size_bytes(self) -> int:
        total = 0
        for root, _, names in os.walk(self.path):
            for name in names:
                with contextlib.suppress(OSError):
                    total += (Path(root) / name).stat().st_size
        return total

    def problem(self) -> str | None:
        """Why this model cannot be loaded, or None (remembered by file size and mtime)."""
        return ct2.remembered(self.files(), self._judge)

    def _judge(self) -> str | None:
        for tokenizer in self.tokenizer_files():
            if not tokenizer.is_file():
                return f"{self.name}: {tokenizer.name} is missing"
            if self.kind == "argos-bpe":
                from bireader.translation import bpe

                problem = bpe.codes_problem(tokenizer)
            else:
                problem = ct2.sentencepiece_problem(tokenizer)
            if problem:
                return problem
        if self.kind == "argos-bpe":
            from bireader.translation import bpe

            missing = bpe.missing_libraries()
            if missing:
                return f"{self.name} is a BPE package: it needs {bpe.INSTALL}"
        return ct2.model_dir_problem(self.model_dir)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a model's self-test."""

    passed: bool
    reason: str
    """What was wrong (empty when passed)."""
    outputs: tuple[str, ...] = ()


def entry_from_package(package: ArgosPackage) -> ModelEntry:
    tokenizer = package.tokenizer_path
    kind = "argos-bpe" if tokenizer is not None and tokenizer.name == "bpe.model" else "argos"
    return ModelEntry(
        name=package.path.name, kind=kind, from_code=package.from_code,
        to_code=package.to_code, version=package.package_version, path=package.path,
        code=package.code,
    )


def read_model_dir(path: Path) -> ModelEntry:
    """The model installed in ``path`` (a directory of :func:`models_dir`)."""
    meta, problem = ct2._read_json(path / METADATA)
    if problem or not isinstance(meta, dict):
        raise ModelNotInstalled(f"{path}: not a bireader model ({problem or 'not an object'})")
    kind = meta.get("kind")
    if kind not in ("opus-mt", "ctranslate2"):
        raise ModelNotInstalled(f"{path}: unknown model kind {kind!r}")
    decoding = meta.get("decoding") if isinstance(meta.get("decoding"), dict) else {}
    return ModelEntry(
        name=path.name, kind=kind, from_code=str(meta.get("from_code", "")),
        to_code=str(meta.get("to_code", "")), version=str(meta.get("version", "")),
        path=path, code=path.name,
        decoding=tuple(sorted((str(k), v) for k, v in (decoding or {}).items())),
    )


def installed_models() -> tuple[ModelEntry, ...]:
    """Every installed model: the Argos packages, then the models of :func:`models_dir`."""
    found = [entry_from_package(p) for p in installed_packages()]
    root = models_dir()
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if not child.is_dir() or child.name.startswith("."):
                continue
            try:
                found.append(read_model_dir(child))
            except ModelNotInstalled as exc:
                log.warning("skipping %s", exc)
    return tuple(found)


def rank(entry: ModelEntry) -> tuple[object, ...]:
    """Sort key, best first: kind, then highest version, then name."""
    return (KINDS.index(entry.kind), _negated(version_key(entry.version)), entry.name)


def _negated(key: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    # Highest version first: negate numbers; words sort after numbers either way.
    return tuple((-number, word) for number, word in key)


def candidates(engine: str | None = None, from_code: str = "es",
               to_code: str = "en") -> list[ModelEntry]:
    """Installed models for the pair (and ``engine``, if given), best first."""
    models = [
        m for m in installed_models()
        if (m.from_code, m.to_code) == (from_code, to_code)
        and (engine is None or m.engine == engine)
    ]
    return sorted(models, key=rank)


def find_model(name: str) -> ModelEntry:
    """The installed model named ``name`` (a directory name, or an unambiguous code)."""
    models = installed_models()
    for model in models:
        if model.name == name:
            return model
    by_code = [m for m in models if m.code == name]
    if len(by_code) == 1:
        return by_code[0]
    names = ", ".join(m.name for m in models) or "none"
    if by_code:
        raise ModelNotInstalled(
            f"{name!r} names {len(by_code)} models; give the directory name ({names})"
        )
    raise ModelNotInstalled(f"no installed model named {name!r} (installed: {names})")


# --- the self-test ------------------------------------------------------------------------------

_MEMO: dict[tuple[object, ...], Verdict] = {}
_TESTING: set[str] = set()
"""Models being self-tested now: their engine does not warn about an earlier verdict."""


def warn_if_failing(choice: Choice, logger: logging.Logger) -> None:
    """The warning an engine gives when it runs a model asked for by name that failed."""
    result = choice.verdict
    if result is not None and not result.passed and choice.entry.name not in _TESTING:
        logger.warning("model %s failed its self-test (%s); using it because it was asked for",
                       choice.entry.name, result.reason)
_MEMO_LOCK = threading.Lock()


def _stamp(entry: ModelEntry) -> list[list[object]]:
    from bireader.translation.guard import GUARD_VERSION

    stamp: list[list[object]] = [["selftest", SELFTEST_VERSION, "guard", GUARD_VERSION]]
    for path in entry.files():
        try:
            info = path.stat()
        except OSError:
            continue
        stamp.append([path.name, info.st_size, info.st_mtime_ns])
    return stamp


def stored_verdict(entry: ModelEntry) -> Verdict | None:
    """The self-test verdict recorded for the model's current files, if any."""
    stamp = _stamp(entry)
    key = (str(entry.path), json.dumps(stamp))
    with _MEMO_LOCK:
        if key in _MEMO:
            return _MEMO[key]
    data, problem = ct2._read_json(entry.path / VERDICT_FILE)
    if problem or not isinstance(data, dict) or data.get("stamp") != stamp:
        return None
    verdict = Verdict(bool(data.get("passed")), str(data.get("reason", "")),
                      tuple(str(o) for o in data.get("outputs", ()) if isinstance(o, str)))
    with _MEMO_LOCK:
        _MEMO[key] = verdict
    return verdict


def self_test(entry: ModelEntry, *, store: bool = True) -> Verdict:
    """Translate :data:`SELFTEST_SENTENCES` with ``entry`` and judge the output with the guard.

    Never raises for a model that cannot load or run: that is a failing verdict.
    """
    from bireader.translation import guard
    from bireader.translation.base import close_engine, get_engine

    stamp = _stamp(entry)
    outputs: tuple[str, ...] = ()
    _TESTING.add(entry.name)
    try:
        engine = get_engine(entry.engine, model=entry.name)
        try:
            outputs = tuple(engine.translate_batch(list(SELFTEST_SENTENCES)))
        finally:
            close_engine(engine)
    except InvalidOption:
        raise
    except EngineError as exc:
        verdict = Verdict(False, f"cannot run: {exc}")
    else:
        flagged: dict[str, int] = {}
        bad = 0
        for source, target in zip(SELFTEST_SENTENCES, outputs, strict=True):
            flags = guard.check(source, target)
            bad += bool(flags)
            for flag in flags:
                flagged[flag] = flagged.get(flag, 0) + 1
        if bad > SELFTEST_MAX_FLAGGED:
            found = ", ".join(f"{flag} {count}" for flag, count in flagged.items())
            verdict = Verdict(
                False,
                f"degenerate output on {bad} of {len(outputs)} test sentences ({found})",
                outputs,
            )
        else:
            verdict = Verdict(True, "", outputs)
    finally:
        _TESTING.discard(entry.name)
    if store:
        _store(entry, stamp, verdict)
    log.info("self-test of %s: %s", entry.name, "passed" if verdict.passed else verdict.reason)
    return verdict


def _store(entry: ModelEntry, stamp: list[list[object]], verdict: Verdict) -> None:
    with _MEMO_LOCK:
        _MEMO[(str(entry.path), json.dumps(stamp))] = verdict
    record = {
        "stamp": stamp, "passed": verdict.passed, "reason": verdict.reason,
        "outputs": list(verdict.outputs), "checked": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                   time.gmtime()),
    }
    target = entry.path / VERDICT_FILE
    partial = target.with_name(f"{VERDICT_FILE}.{os.getpid()}.tmp")
    try:
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        # A read-only model directory: the verdict lives for this process only.
        log.debug("cannot record the self-test of %s: %s", entry.name, exc)
        partial.unlink(missing_ok=True)


def verdict(entry: ModelEntry, *, run: bool = True) -> Verdict | None:
    """The stored self-test verdict; with ``run``, the test is run when there is none."""
    found = stored_verdict(entry)
    if found is None and run and entry.problem() is None:
        found = self_test(entry)
    return found


# --- which model an engine uses ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    entry: ModelEntry
    verdict: Verdict | None


def choose(engine: str, model: str | None = None, from_code: str = "es",
           to_code: str = "en") -> Choice:
    """The model ``engine`` runs: ``model`` if named, else the best one that passes its
    self-test, else the best loadable one (its verdict says it fails).

    ``ModelNotInstalled`` when there is none, or the named one cannot load;
    ``InvalidOption`` when the named one belongs to another engine.
    """
    if model is not None:
        entry = find_model(model)
        if entry.engine != engine:
            raise InvalidOption(
                f"{engine}: invalid option: model {entry.name} is a {entry.kind} model;"
                f" use --engine {entry.engine}"
            )
        problem = entry.problem()
        if problem:
            raise ModelNotInstalled(f"{entry.name} cannot be loaded: {problem}")
        return Choice(entry, verdict(entry, run=False))
    found = candidates(engine, from_code, to_code)
    loadable = [m for m in found if m.problem() is None]
    if not loadable:
        if found:
            raise ModelNotInstalled(f"{found[0].name} cannot be loaded: {found[0].problem()}")
        raise ModelNotInstalled(f"no {from_code}->{to_code} model for {engine} installed")
    judged = [(m, verdict(m)) for m in loadable]
    for entry, result in judged:
        if result is None or result.passed:
            return Choice(entry, result)
    return Choice(*judged[0])


@dataclass(frozen=True, slots=True)
class Status:
    """What ``engines`` and ``models list`` say about one model."""

    entry: ModelEntry
    state: str
    """``ready``, ``failing`` (loads, fails its self-test) or ``broken`` (cannot load)."""
    detail: str


def describe(entry: ModelEntry, *, run: bool = True) -> Status:
    """The model's state; with ``run``, a model never self-tested is tested now."""
    problem = entry.problem()
    if problem:
        return Status(entry, "broken", problem)
    result = verdict(entry, run=run)
    if result is None:
        return Status(entry, "ready", "not self-tested yet")
    if not result.passed:
        return Status(entry, "failing", f"fails its self-test: {result.reason}")
    return Status(entry, "ready", "passed its self-test")


def engine_status(engine: str, from_code: str = "es", to_code: str = "en") -> tuple[
        bool, str, ModelEntry | None]:
    """``(ready, detail, model)`` for ``engine``: ready when a model loads and passes."""
    found = candidates(engine, from_code, to_code)
    if not found:
        where = packages_dir() if engine == "argos" else models_dir()
        return False, f"no {from_code}->{to_code} model installed in {where}", None
    statuses = [describe(m) for m in found]
    for status in statuses:
        if status.state == "ready":
            model = status.entry
            return True, f"{model.name} {model.version} ({model.kind}) in {model.path}", model
    first = statuses[0]
    use = ""
    if first.state == "failing":
        use = f"; still usable on request: --engine {engine} --model {first.entry.name}"
    return False, f"{first.entry.name}: {first.detail}{use}", first.entry


def summarize(models: Sequence[ModelEntry]) -> list[Status]:
    """:func:`describe` for each of ``models``."""
    return [describe(m) for m in models]


def remove(name_or_from: str, to_code: str | None = None) -> tuple[ModelEntry, ...]:
    """Remove an installed model by name (or unambiguous code), or every FROM->TO model.

    ``ModelNotInstalled`` if none matched.
    """
    if to_code is None:
        chosen = [find_model(name_or_from)]
    else:
        pair = (name_or_from, to_code)
        chosen = [m for m in installed_models() if (m.from_code, m.to_code) == pair]
    missing = f"no installed model translates {name_or_from}->{to_code}"
    return remove_installed(chosen, missing, lambda m: f"model {m.name}")


def auto_choice(from_code: str = "es", to_code: str = "en") -> tuple[ModelEntry | None, str]:
    """The model ``auto`` uses, and why: the best kind that has a ready, passing model."""
    from bireader.translation.base import AUTO_ORDER

    reasons = []
    for engine in AUTO_ORDER:
        if engine not in set(ENGINE_OF_KIND.values()):
            continue
        ready, detail, model = engine_status(engine, from_code, to_code)
        if ready and model is not None:
            return model, f"the best {from_code}->{to_code} model that passes its self-test"
        reasons.append(f"{engine}: {detail}")
    return None, "; ".join(reasons)
