"""The Argos engine: an installed Argos package run directly with CTranslate2.

argostranslate translates paragraph by paragraph, sentence-splits with Stanza or
MiniSBD, and imports torch. bireader already has the sentences, so it tokenizes them
with the package's SentencePiece model and sends the whole document to
``ctranslate2.Translator.translate_batch`` in token-bounded batches: no torch, no
Stanza, no argostranslate at translation time.

``ctranslate2`` and ``sentencepiece`` are imported only when an engine is built, and
the loaded model is kept for the life of the process.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import math
import os
import re
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bireader.errors import EngineUnavailable, ModelNotInstalled, TranslationFailed
from bireader.model import Provenance
from bireader.translation.base import EngineStatus, option_error, unknown_options
from bireader.translation.models import INSTALL_FIX, ArgosPackage, find_package, packages_dir

log = logging.getLogger(__name__)

Tokens = list[str]

_CLAUSE_BREAKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<=;)\s+"),
    re.compile(r"(?<=:)\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
)
"""Where an over-long sentence is cut, tried in this order: ; then : then , then spaces."""


@dataclass(frozen=True, slots=True)
class ArgosOptions:
    """Decoding settings. Those that change the output go into the provenance."""

    beam_size: int = 4
    """Argos Translate's default."""
    length_penalty: float = 0.2
    """Argos Translate's setting, so output matches what argostranslate gives."""
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_input_tokens: int = 150
    """Longer sentences are split at clause boundaries and the parts translated alone."""
    decoding_ratio: float = 1.5
    decoding_extra: int = 10
    """Each segment may produce at most ``ratio * input_tokens + extra`` tokens."""
    max_batch_tokens: int = 2048
    """Source tokens per CTranslate2 batch (``batch_type="tokens"``)."""

    def __post_init__(self) -> None:
        """Reject values CTranslate2 or the batching cannot use, with ``InvalidOption``.

        >>> ArgosOptions(max_input_tokens=0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bireader...InvalidOption: argos: invalid option: max_input_tokens must be an integer >= 1...
        """
        for name, minimum in _INT_MINIMUMS.items():
            _check_int(name, getattr(self, name), minimum)
        _check_number("length_penalty", self.length_penalty)
        _check_number("repetition_penalty", self.repetition_penalty, positive=True)
        _check_number("decoding_ratio", self.decoding_ratio, positive=True)

    def max_decoding_length(self, input_tokens: int) -> int:
        """The output cap for a segment of ``input_tokens`` tokens.

        >>> ArgosOptions().max_decoding_length(20)
        40
        """
        return math.ceil(self.decoding_ratio * input_tokens) + self.decoding_extra

    def signature_options(self) -> dict[str, str]:
        return {
            "beam_size": str(self.beam_size),
            "length_penalty": f"{self.length_penalty:g}",
            "repetition_penalty": f"{self.repetition_penalty:g}",
            "no_repeat_ngram_size": str(self.no_repeat_ngram_size),
            "max_input_tokens": str(self.max_input_tokens),
            "max_decoding_length": f"{self.decoding_ratio:g}n+{self.decoding_extra}",
        }


_INT_MINIMUMS = {
    "beam_size": 1,
    "no_repeat_ngram_size": 0,
    "max_input_tokens": 1,
    "decoding_extra": 0,
    "max_batch_tokens": 1,
}
COMPUTE_TYPES = (
    "auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
    "float16", "bfloat16", "float32",
)
"""What CTranslate2 accepts as ``compute_type``."""


def _check_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise option_error("argos", f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_number(name: str, value: object, *, positive: bool = False) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or (positive and value <= 0)
    ):
        wanted = "a number > 0" if positive else "a finite number"
        raise option_error("argos", f"{name} must be {wanted}, got {value!r}")


# --- checking an installed package without loading it ----------------------------------------

_MODEL_BIN_VERSIONS = range(1, 7)
"""The ``model.bin`` layouts :func:`model_bin_problem` can walk (CTranslate2 4.x writes 6)."""


def model_bin_problem(path: Path) -> str | None:
    """Why CTranslate2 could not load the ``model.bin`` at ``path``, or None if it looks whole.

    Walks the file's variable table (names, shapes, byte counts) by seeking, without
    reading the weights: an empty, truncated (an interrupted copy or unzip) or foreign
    file is caught before the engine says it is ready. Unknown newer layouts pass.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return f"{path} is empty"
        with path.open("rb") as stream:
            return _walk_model_bin(stream, size, path)
    except OSError as exc:
        return f"{path} cannot be read: {exc}"


class _Truncated(Exception):
    pass


def _walk_model_bin(stream: BinaryIO, size: int, path: Path) -> str | None:
    def number(fmt: str) -> int:
        raw = stream.read(struct.calcsize(fmt))
        if len(raw) < struct.calcsize(fmt):
            raise _Truncated
        value: int = struct.unpack(fmt, raw)[0]
        return value

    def skip(count: int) -> None:
        if stream.seek(count, os.SEEK_CUR) > size:
            raise _Truncated

    try:
        version = number("<I")
        if version not in _MODEL_BIN_VERSIONS:
            # A newer CTranslate2 layout (or not a model at all): let CTranslate2 judge.
            return None if version < 1000 else f"{path} is not a CTranslate2 model"
        if version >= 2:
            skip(number("<H"))  # the spec name
            number("<I")  # the spec revision
        for _ in range(number("<I")):
            skip(number("<H"))  # the variable name
            skip(4 * number("<B"))  # rank, then one uint32 per dimension
            dtype = number("<B")  # the type id; before version 4, the item size
            count = number("<I")  # bytes; before version 4, items
            skip(count if version >= 4 else count * dtype)  # the data
        if version >= 3:
            for _ in range(number("<I")):
                skip(number("<H"))  # alias
                skip(number("<H"))  # the variable it names
    except _Truncated:
        return f"{path} is incomplete ({size} bytes; an interrupted copy or download?)"
    return None


def package_problem(package: ArgosPackage) -> str | None:
    """Why ``package`` cannot be run by this engine, or None if it can (no model is loaded)."""
    tokenizer = package.tokenizer_path
    if tokenizer is None or tokenizer.name != "sentencepiece.model":
        found = f"a {tokenizer.name}" if tokenizer is not None else "no tokenizer"
        return (
            f"Argos package {package.code} at {package.path} has {found}, not sentencepiece.model;"
            " bireader runs SentencePiece packages only (all current es->en packages are)"
        )
    if tokenizer.stat().st_size == 0:
        return f"Argos package {package.code}: {tokenizer} is empty"
    problem = model_bin_problem(package.model_dir / "model.bin")
    if problem is not None:
        return f"Argos package {package.code}: {problem}"
    return None


_LOCK = threading.Lock()
_LOADED: dict[tuple[str, int, str, int, int], tuple[Any, Any]] = {}


def _default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _load(package: ArgosPackage, compute_type: str, threads: int) -> tuple[Any, Any]:
    """The package's (Translator, SentencePieceProcessor), loaded once per process."""
    problem = package_problem(package)
    if problem is not None:
        raise ModelNotInstalled(f"{problem}; reinstall it: {INSTALL_FIX}")
    tokenizer_path = package.path / "sentencepiece.model"
    model_bin = package.model_dir / "model.bin"
    try:
        stamp = model_bin.stat().st_mtime_ns
    except OSError as exc:
        raise ModelNotInstalled(f"Argos package {package.code}: no model at {model_bin}") from exc
    key = (str(package.path.resolve()), stamp, compute_type, threads, tokenizer_path.stat().st_size)
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key]
        try:
            import ctranslate2
            import sentencepiece
        except ImportError as exc:
            raise EngineUnavailable(
                f"the Argos engine needs CTranslate2 and SentencePiece ({exc}): "
                "pip install 'ctranslate2>=4,<5' 'sentencepiece>=0.2,<0.3'"
            ) from exc
        try:
            translator = ctranslate2.Translator(
                str(package.model_dir),
                device="cpu",
                compute_type=compute_type,
                # Batches run side by side, one core each: on a few cores this beats
                # splitting every small matrix product across cores (intra_threads).
                inter_threads=threads,
                intra_threads=1,
            )
            processor = sentencepiece.SentencePieceProcessor(model_file=str(tokenizer_path))
        except (RuntimeError, OSError, ValueError) as exc:
            raise ModelNotInstalled(
                f"Argos package {package.code} at {package.path} cannot be loaded: {exc}"
            ) from exc
        log.info("loaded Argos model %s %s", package.code, package.package_version)
        _LOADED[key] = (translator, processor)
        return translator, processor


def split_tokens(text: str, encode: Callable[[str], Tokens], limit: int) -> list[Tokens]:
    """Tokenize ``text`` as one or more segments of at most ``limit`` tokens.

    Cuts at ``;``, then ``:``, then ``,``, then between words, packing as many parts
    per segment as fit; a single word longer than the limit is cut between tokens.
    SentencePiece never joins pieces across spaces, so the segments' tokens are
    those of the whole text.

    >>> encode = str.split
    >>> split_tokens("uno dos tres", encode, 5)
    [['uno', 'dos', 'tres']]
    >>> split_tokens("uno, dos tres; cuatro cinco", encode, 3)
    [['uno,', 'dos', 'tres;'], ['cuatro', 'cinco']]
    """
    tokens = encode(text)
    if len(tokens) <= limit:
        return [tokens]
    return _split(text, tokens, encode, limit, 0)


def _split(text: str, tokens: Tokens, encode: Callable[[str], Tokens], limit: int,
           level: int) -> list[Tokens]:
    if len(tokens) <= limit:
        return [tokens]
    if level == len(_CLAUSE_BREAKS):
        return [tokens[i:i + limit] for i in range(0, len(tokens), limit)]
    parts = [part for part in _CLAUSE_BREAKS[level].split(text) if part]
    if len(parts) < 2:
        return _split(text, tokens, encode, limit, level + 1)
    segments: list[Tokens] = []
    current: Tokens = []
    for part in parts:
        part_tokens = encode(part)
        if len(part_tokens) > limit:
            if current:
                segments.append(current)
                current = []
            segments.extend(_split(part, part_tokens, encode, limit, level + 1))
        elif current and len(current) + len(part_tokens) > limit:
            segments.append(current)
            current = part_tokens
        else:
            current = current + part_tokens
    if current:
        segments.append(current)
    return segments


def batch_plan(lengths: Sequence[int], options: ArgosOptions) -> list[tuple[list[int], int]]:
    """Group segment indices into batches, each with its ``max_decoding_length``.

    CTranslate2 takes one decoding cap per call, so segments are sorted by length
    and a batch holds segments of similar length (the longest at most
    ``BUCKET_RATIO`` times the shortest, plus a few tokens) up to ``max_batch_tokens``
    padded source tokens; its cap is the one of its longest segment.

    >>> batch_plan([3, 30, 4, 31], ArgosOptions())
    [([0, 2], 16), ([1, 3], 57)]
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    plan: list[tuple[list[int], int]] = []
    batch: list[int] = []
    for index in order:
        width = lengths[index]
        if batch and (
            width * (len(batch) + 1) > options.max_batch_tokens
            or width > BUCKET_RATIO * lengths[batch[0]] + BUCKET_SLACK
        ):
            plan.append((batch, options.max_decoding_length(lengths[batch[-1]])))
            batch = []
        batch.append(index)
    if batch:
        plan.append((batch, options.max_decoding_length(lengths[batch[-1]])))
    return plan


BUCKET_RATIO = 1.25
BUCKET_SLACK = 4


class ArgosEngine:
    """Translate with an installed Argos Translate package (default es->en).

    Options: ``from_code``, ``to_code``, ``compute_type`` (``"auto"``: int8 where
    the model is int8), ``threads``, and any :class:`ArgosOptions` field.
    """

    name = "argos"

    def __init__(
        self,
        *,
        from_code: str = "es",
        to_code: str = "en",
        compute_type: str = "auto",
        threads: int | None = None,
        **options: Any,
    ) -> None:
        fields = {f.name for f in dataclasses.fields(ArgosOptions)}
        unknown = set(options) - fields
        if unknown:
            known = fields | {"from_code", "to_code", "compute_type", "threads"}
            raise unknown_options(self.name, unknown, known)
        if compute_type not in COMPUTE_TYPES:
            choices = ", ".join(COMPUTE_TYPES)
            raise option_error(
                self.name, f"compute_type must be one of {choices}, got {compute_type!r}"
            )
        if threads is not None:
            _check_int("threads", threads, 1)
        self.options = ArgosOptions(**options)
        package = find_package(from_code, to_code)
        if package is None:
            fix = f"bireader models install {from_code} {to_code}"
            raise ModelNotInstalled(
                f"no Argos {from_code}->{to_code} model installed in {packages_dir()}: {fix}"
                " (or offline: bireader models install --file X.argosmodel)"
            )
        self.package = package
        self.compute_type = compute_type
        self.threads = threads or _default_threads()
        self._translator, self._processor = _load(package, compute_type, self.threads)

    @classmethod
    def status(cls) -> EngineStatus:
        """Ready when CTranslate2, SentencePiece and an es->en package are installed."""
        needed = ("ctranslate2", "sentencepiece")
        missing = [m for m in needed if importlib.util.find_spec(m) is None]
        if missing:
            return EngineStatus(
                cls.name, False, f"missing Python packages: {', '.join(missing)}",
                "pip install 'ctranslate2>=4,<5' 'sentencepiece>=0.2,<0.3'",
            )
        package = find_package("es", "en")
        if package is None:
            fix = INSTALL_FIX
            if importlib.util.find_spec("argostranslate") is None:
                fix = f"pip install --no-deps 'argostranslate>=1.9' && {INSTALL_FIX}"
            return EngineStatus(
                cls.name, False,
                f"no es->en Argos model in {packages_dir()} "
                "(offline: bireader models install --file X.argosmodel)",
                fix,
            )
        problem = package_problem(package)
        if problem is not None:
            return EngineStatus(cls.name, False, problem, INSTALL_FIX)
        return EngineStatus(
            cls.name, True, f"{package.code} {package.package_version} in {package.path}"
        )

    def provenance(self) -> Provenance:
        """CTranslate2 version, package code and version, and the decoding options."""
        import ctranslate2

        return Provenance(
            engine=self.name,
            engine_version=f"ctranslate2-{ctranslate2.__version__}",
            model=self.package.code,
            model_version=self.package.package_version,
            options=self.options.signature_options(),
        )

    def safer(self) -> ArgosEngine:
        """A copy that decodes against repetition (shares the loaded model)."""
        clone = object.__new__(ArgosEngine)
        clone.__dict__.update(self.__dict__)
        clone.options = dataclasses.replace(
            self.options, repetition_penalty=1.2, no_repeat_ngram_size=3
        )
        return clone

    def _encode(self, text: str) -> Tokens:
        tokens: Tokens = self._processor.encode(text, out_type=str)
        return tokens

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate ``sentences``: one output per input, in order; blank input gives ""."""
        segments: list[Tokens] = []
        owner: list[int] = []
        limit = self.options.max_input_tokens
        for index, sentence in enumerate(sentences):
            if not sentence.strip():
                continue
            for tokens in split_tokens(sentence.strip(), self._encode, limit):
                segments.append(tokens)
                owner.append(index)
        outputs = self._translate_segments(segments)
        parts: list[list[str]] = [[] for _ in sentences]
        for index, text in zip(owner, outputs, strict=True):
            if text:
                parts[index].append(text)
        return [" ".join(p) for p in parts]

    def _translate_segments(self, segments: list[Tokens]) -> list[str]:
        options = self.options
        plan = batch_plan([len(t) for t in segments], options)
        # All batches are queued at once; CTranslate2 runs ``threads`` of them in parallel.
        pending = []
        for batch, cap in plan:
            try:
                pending.append(self._translator.translate_batch(
                    [segments[i] for i in batch],
                    asynchronous=True,
                    beam_size=options.beam_size,
                    length_penalty=options.length_penalty,
                    repetition_penalty=options.repetition_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                    max_input_length=0,
                    max_decoding_length=cap,
                    replace_unknowns=True,
                ))
            except (RuntimeError, ValueError) as exc:
                raise TranslationFailed(f"CTranslate2 failed: {exc}") from exc
        results: list[str] = [""] * len(segments)
        for (batch, _), translated in zip(plan, pending, strict=True):
            if len(translated) != len(batch):
                raise TranslationFailed(
                    f"CTranslate2 returned {len(translated)} results for {len(batch)} inputs"
                )
            for i, future in zip(batch, translated, strict=True):
                try:
                    hypotheses = future.result().hypotheses
                except (RuntimeError, ValueError) as exc:
                    raise TranslationFailed(f"CTranslate2 failed: {exc}") from exc
                results[i] = self._processor.decode(hypotheses[0]).strip()
        return results
