"""What every CTranslate2 model engine shares: checking a model directory without
loading it, loading it once per process, and translating a document in batches.

The Argos engine (:mod:`bireader.translation.argos`) and the OPUS-MT engine
(:mod:`bireader.translation.opus_mt`) differ only in where their model lives and how
text becomes tokens; both are a :class:`CT2Engine` with a :class:`Tokenizer`.

``ctranslate2`` is imported only when a model is loaded; the checks here read files
with the standard library alone, so ``bireader engines`` stays cheap.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import re
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Protocol

from bireader.errors import EngineUnavailable, InvalidOption, ModelNotInstalled, TranslationFailed
from bireader.model import Provenance
from bireader.translation.base import option_error, unknown_options

log = logging.getLogger(__name__)

Tokens = list[str]


class Tokenizer(Protocol):
    """Text to the model's tokens and back."""

    def encode(self, text: str) -> Tokens: ...

    def decode(self, tokens: Sequence[str]) -> str: ...


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

    engine: ClassVar[str] = "argos"

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
            check_int(self.engine, name, getattr(self, name), minimum)
        _check_number(self.engine, "length_penalty", self.length_penalty)
        _check_number(self.engine, "repetition_penalty", self.repetition_penalty, positive=True)
        _check_number(self.engine, "decoding_ratio", self.decoding_ratio, positive=True)

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


def check_int(engine: str, name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise option_error(engine, f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_number(engine: str, name: str, value: object, *, positive: bool = False) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or (positive and value <= 0)
    ):
        wanted = "a number > 0" if positive else "a finite number"
        raise option_error(engine, f"{name} must be {wanted}, got {value!r}")


# --- checking a model directory without loading it ---------------------------------------------

_MODEL_BIN_VERSIONS = range(1, 7)
"""The ``model.bin`` layouts :func:`model_bin_problem` can walk (CTranslate2 4.x writes 6)."""
_NEWER_VERSIONS = range(7, 100)
"""Layouts a newer CTranslate2 may write: left for CTranslate2 itself to judge."""
MAX_JSON_BYTES = 64 * 1024 * 1024
"""A vocabulary or config file larger than this is not read (the largest real ones are a few MB)."""


def model_bin_problem(path: Path) -> str | None:
    """Why CTranslate2 could not load the ``model.bin`` at ``path``, or None if it looks whole.

    Walks the file's variable table (names, shapes, byte counts) by seeking, without
    reading the weights: an empty, zero-filled, truncated (an interrupted copy or
    unzip) or foreign file is caught before the engine says it is ready.
    """
    problem, _ = _model_bin(path)
    return problem


def _model_bin(path: Path) -> tuple[str | None, dict[str, tuple[int, ...]]]:
    shapes: dict[str, tuple[int, ...]] = {}
    try:
        size = path.stat().st_size
        if size == 0:
            return f"{path} is empty", shapes
        with path.open("rb") as stream:
            return _walk_model_bin(stream, size, path, shapes), shapes
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror or exc}", shapes


class _Truncated(Exception):
    pass


def _walk_model_bin(
    stream: BinaryIO, size: int, path: Path, shapes: dict[str, tuple[int, ...]]
) -> str | None:
    def number(fmt: str) -> int:
        raw = stream.read(struct.calcsize(fmt))
        if len(raw) < struct.calcsize(fmt):
            raise _Truncated
        value: int = struct.unpack(fmt, raw)[0]
        return value

    def skip(count: int) -> None:
        if stream.seek(count, os.SEEK_CUR) > size:
            raise _Truncated

    def text() -> str:
        length = number("<H")
        raw = stream.read(length)
        if len(raw) < length:
            raise _Truncated
        return raw.rstrip(b"\x00").decode("utf-8", "replace")

    try:
        version = number("<I")
        if version in _NEWER_VERSIONS:
            return None  # a newer CTranslate2 layout: let CTranslate2 judge
        if version not in _MODEL_BIN_VERSIONS:
            zeros = " (zero-filled: an interrupted copy?)" if version == 0 else ""
            return f"{path} is not a CTranslate2 model{zeros}"
        if version >= 2:
            text()  # the spec name
            number("<I")  # the spec revision
        count = number("<I")
        if count == 0:
            return f"{path} holds no weights"
        for _ in range(count):
            name = text()
            rank = number("<B")
            dims = tuple(number("<I") for _ in range(rank))
            dtype = number("<B")  # the type id; before version 4, the item size
            items = number("<I")  # bytes; before version 4, items
            skip(items if version >= 4 else items * dtype)  # the data
            shapes[name] = dims
        if version >= 3:
            for _ in range(number("<I")):
                skip(number("<H"))  # alias
                skip(number("<H"))  # the variable it names
    except _Truncated:
        return f"{path} is incomplete ({size} bytes; an interrupted copy or download?)"
    return None


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            return None, f"{path} is too large ({path.stat().st_size} bytes)"
        return json.loads(path.read_bytes().decode("utf-8")), None
    except OSError as exc:
        return None, f"{path} cannot be read: {exc.strerror or exc}"
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"{path} is not valid JSON ({exc})"


def _vocabulary(model_dir: Path, stem: str) -> tuple[int | None, str | None]:
    """The entry count of ``stem``_vocabulary.json/.txt: (None, None) when it is absent."""
    json_path, txt_path = model_dir / f"{stem}.json", model_dir / f"{stem}.txt"
    if json_path.is_file():
        tokens, problem = _read_json(json_path)
        if problem:
            return None, problem
        if not isinstance(tokens, list) or not tokens or not all(
            isinstance(t, str) for t in tokens
        ):
            return None, f"{json_path} is not a list of tokens"
        return len(tokens), None
    if txt_path.is_file():
        try:
            if txt_path.stat().st_size > MAX_JSON_BYTES:
                return None, f"{txt_path} is too large"
            lines = txt_path.read_bytes().decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            return None, f"{txt_path} cannot be read: {exc}"
        return (len(lines), None) if lines else (None, f"{txt_path} is empty")
    return None, None


def _rows(shapes: dict[str, tuple[int, ...]], name: str) -> int | None:
    dims = shapes.get(name)
    return dims[0] if dims else None


def model_dir_problem(model_dir: Path) -> str | None:
    """Why CTranslate2 could not load the model directory, or None if it would.

    Checks what loading needs: a whole ``model.bin``, a ``config.json`` object and
    vocabularies that parse and match the embedding sizes.
    """
    if not model_dir.is_dir():
        return f"no model directory {model_dir}"
    problem, shapes = _model_bin(model_dir / "model.bin")
    if problem:
        return problem
    config, problem = _read_json(model_dir / "config.json")
    if problem:
        return problem.replace("cannot be read: No such file or directory", "is missing")
    if not isinstance(config, dict):
        return f"{model_dir / 'config.json'} is not a JSON object"
    shared, problem = _vocabulary(model_dir, "shared_vocabulary")
    if problem:
        return problem
    if shared is not None:
        sizes = {"source": shared, "target": shared}
    else:
        sizes = {}
        for side in ("source", "target"):
            count, problem = _vocabulary(model_dir, f"{side}_vocabulary")
            if problem:
                return problem
            if count is None:
                return f"{model_dir} has no vocabulary (shared_vocabulary.json is missing)"
            sizes[side] = count
    for side, name in (("source", "encoder/embeddings_0/weight"),
                       ("source", "encoder/embeddings/weight"),
                       ("target", "decoder/embeddings/weight")):
        rows = _rows(shapes, name)
        if rows is not None and rows != sizes[side]:
            return (
                f"{model_dir}: the {side} vocabulary has {sizes[side]} tokens"
                f" but the model {rows} (a vocabulary from another model?)"
            )
    return None


def sentencepiece_problem(path: Path) -> str | None:
    """Why ``path`` is not a SentencePiece model, or None if it parses as one.

    A SentencePiece model is a protocol buffer whose field 1 (the pieces) repeats;
    walking the top-level fields catches an empty, cut or foreign file without
    importing ``sentencepiece``.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror or exc}"
    if not data:
        return f"{path} is empty"
    pos, pieces = 0, 0

    def varint() -> int:
        nonlocal pos
        value, shift = 0, 0
        while True:
            if pos >= len(data) or shift > 63:
                raise ValueError
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    try:
        while pos < len(data):
            key = varint()
            field, wire = key >> 3, key & 7
            if field == 0:
                raise ValueError
            if wire == 0:
                varint()
            elif wire == 1:
                pos += 8
            elif wire == 2:
                length = varint()  # read before ``pos`` is: varint() moves it
                pos += length
            elif wire == 5:
                pos += 4
            else:
                raise ValueError
            if pos > len(data):
                raise ValueError
            pieces += field == 1
    except ValueError:
        return f"{path} is not a SentencePiece model (damaged or another file)"
    if pieces < 3:
        return f"{path} is not a SentencePiece model (no vocabulary)"
    return None


_VERDICTS: dict[tuple[object, ...], str | None] = {}
_VERDICTS_LOCK = threading.Lock()


def file_stamp(paths: Sequence[Path]) -> tuple[object, ...]:
    """Size and modification time of each of ``paths`` (None for a missing one)."""
    stamp: list[object] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamp.append((str(path), None))
        else:
            stamp.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(stamp)


def remembered(paths: Sequence[Path], judge: Callable[[], str | None]) -> str | None:
    """``judge()``, remembered for as long as every one of ``paths`` keeps its size and mtime."""
    key = file_stamp(paths)
    with _VERDICTS_LOCK:
        if key in _VERDICTS:
            return _VERDICTS[key]
    verdict = judge()
    with _VERDICTS_LOCK:
        _VERDICTS[key] = verdict
    return verdict


def model_files(model_dir: Path) -> list[Path]:
    """The files of a CTranslate2 model directory whose change can change the verdict."""
    names = ("model.bin", "config.json", "shared_vocabulary.json", "shared_vocabulary.txt",
             "source_vocabulary.json", "source_vocabulary.txt", "target_vocabulary.json",
             "target_vocabulary.txt")
    return [model_dir / name for name in names]


# --- loading and translating -------------------------------------------------------------------

_LOCK = threading.Lock()
_LOADED: dict[tuple[object, ...], Any] = {}


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def load_translator(model_dir: Path, compute_type: str, threads: int, what: str) -> Any:
    """The ``ctranslate2.Translator`` of ``model_dir``, loaded once per process.

    Any failure to load (a damaged file CTranslate2 rejects with whatever exception)
    is a ``ModelNotInstalled`` naming ``what``, so ``auto`` moves on to another engine.
    """
    key = (file_stamp(model_files(model_dir)), compute_type, threads)
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key]
        try:
            import ctranslate2
        except ImportError as exc:
            raise EngineUnavailable(
                f"{what} needs CTranslate2 ({exc}): pip install 'ctranslate2>=4,<5'"
            ) from exc
        try:
            translator = ctranslate2.Translator(
                str(model_dir),
                device="cpu",
                compute_type=compute_type,
                # Batches run side by side, one core each: on a few cores this beats
                # splitting every small matrix product across cores (intra_threads).
                inter_threads=threads,
                intra_threads=1,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError, IndexError, ValueError...
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise ModelNotInstalled(f"{what} at {model_dir} cannot be loaded: {detail}") from exc
        _LOADED[key] = translator
        return translator


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


BUCKET_RATIO = 1.25
BUCKET_SLACK = 4


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


class CT2Engine:
    """A CTranslate2 model and its tokenizer: one document at a time, in batches.

    Subclasses set ``name`` and ``options_class`` and call :meth:`_setup`.
    """

    name = "ct2"
    options_class: type[ArgosOptions] = ArgosOptions
    options: ArgosOptions
    compute_type: str
    threads: int
    model_name: str
    model_version: str
    tokenizer: Tokenizer
    _translator: Any

    def _check_options(
        self, compute_type: str, threads: int | None, options: dict[str, Any],
        extra: tuple[str, ...] = (),
    ) -> None:
        fields = {f.name for f in dataclasses.fields(self.options_class)}
        unknown = set(options) - fields
        if unknown:
            known = fields | {"compute_type", "threads", *extra}
            raise unknown_options(self.name, unknown, known)
        if compute_type not in COMPUTE_TYPES:
            choices = ", ".join(COMPUTE_TYPES)
            raise option_error(
                self.name, f"compute_type must be one of {choices}, got {compute_type!r}"
            )
        if threads is not None:
            check_int(self.name, "threads", threads, 1)
        self.options = self.options_class(**options)
        self.compute_type = compute_type
        self.threads = threads or default_threads()

    def provenance(self) -> Provenance:
        """CTranslate2 version, model name and version, and the decoding options."""
        import ctranslate2

        return Provenance(
            engine=self.name,
            engine_version=f"ctranslate2-{ctranslate2.__version__}",
            model=self.model_name,
            model_version=self.model_version,
            options=self.options.signature_options(),
        )

    def safer(self) -> CT2Engine:
        """A copy that decodes against repetition (shares the loaded model)."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.options = dataclasses.replace(
            self.options, repetition_penalty=1.2, no_repeat_ngram_size=3
        )
        return clone

    def _encode(self, text: str) -> Tokens:
        return self.tokenizer.encode(text)

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate ``sentences``: one output per input, in order; blank input gives ""."""
        segments: list[Tokens] = []
        owner: list[int] = []
        limit = self.options.max_input_tokens
        for index, sentence in enumerate(sentences):
            if not sentence.strip():
                continue
            try:
                pieces = split_tokens(sentence.strip(), self._encode, limit)
            except (InvalidOption, TranslationFailed, EngineUnavailable):
                raise
            except Exception as exc:  # a tokenizer that breaks on this text
                raise TranslationFailed(
                    f"{self.name}: cannot tokenize {sentence[:40]!r}: {exc}"
                ) from exc
            for tokens in pieces:
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
        # Every failure of the model at run time (CTranslate2 raises RuntimeError,
        # IndexError, ValueError...) is a TranslationFailed: an EngineError.
        try:
            # All batches are queued at once; CTranslate2 runs ``threads`` of them in parallel.
            pending = [
                self._translator.translate_batch(
                    [segments[i] for i in batch],
                    asynchronous=True,
                    beam_size=options.beam_size,
                    length_penalty=options.length_penalty,
                    repetition_penalty=options.repetition_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                    max_input_length=0,
                    max_decoding_length=cap,
                    replace_unknowns=True,
                )
                for batch, cap in plan
            ]
            results: list[str] = [""] * len(segments)
            for (batch, _), translated in zip(plan, pending, strict=True):
                if len(translated) != len(batch):
                    raise TranslationFailed(
                        f"CTranslate2 returned {len(translated)} results for {len(batch)} inputs"
                    )
                for i, future in zip(batch, translated, strict=True):
                    hypotheses = future.result().hypotheses
                    results[i] = self.tokenizer.decode(hypotheses[0]).strip()
        except TranslationFailed:
            raise
        except Exception as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise TranslationFailed(
                f"{self.name} model {self.model_name} failed: {detail}"
            ) from exc
        return results
