"""The Argos engine: an installed Argos package run directly with CTranslate2.

argostranslate translates paragraph by paragraph, sentence-splits with Stanza or
MiniSBD, and imports torch. bireader already has the sentences, so it tokenizes them
with the package's tokenizer (SentencePiece, or Moses + subword-nmt BPE for older
packages) and sends the whole document to ``ctranslate2.Translator.translate_batch``
in token-bounded batches (:class:`bireader.translation.ct2.CT2Engine`): no torch, no
Stanza, no argostranslate at translation time.

``ctranslate2`` and the tokenizer libraries are imported only when an engine is
built, and the loaded model is kept for the life of the process.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from typing import Any

from bireader.errors import EngineUnavailable, ModelNotInstalled
from bireader.translation.base import EngineStatus
from bireader.translation.ct2 import (
    BUCKET_RATIO,
    BUCKET_SLACK,
    COMPUTE_TYPES,
    ArgosOptions,
    CT2Engine,
    batch_plan,
    load_translator,
    model_bin_problem,
    split_tokens,
)
from bireader.translation.models import INSTALL_FIX, ArgosPackage, packages_dir

__all__ = [
    "BUCKET_RATIO",
    "BUCKET_SLACK",
    "COMPUTE_TYPES",
    "ArgosEngine",
    "ArgosOptions",
    "batch_plan",
    "model_bin_problem",
    "package_problem",
    "split_tokens",
]

log = logging.getLogger(__name__)

UPSTREAM_19 = (
    "the Argos index's es->en 1.9 package is known to turn any Spanish into"
    " 'mainstremainstre...' (argos-translate issues #504, #522)"
)
"""What to tell a user whose 1.9 package fails its self-test."""
OPUS_MT_FIX = "bireader models install opus-mt es en"
INSTEAD = (
    "get a good es->en model with `bireader models install opus-mt es en` (OPUS-MT),"
    " or install an older Argos package with `bireader models install --file"
    " translate-es_en-1_0.argosmodel`"
)


def package_problem(package: ArgosPackage) -> str | None:
    """Why ``package`` cannot be run by this engine, or None if it can (no model is loaded)."""
    from bireader.translation.catalog import entry_from_package

    if package.tokenizer_path is None:
        return (
            f"Argos package {package.code} at {package.path} has no tokenizer"
            " (sentencepiece.model or bpe.model)"
        )
    problem = entry_from_package(package).problem()
    return f"Argos package {package.code}: {problem}" if problem else None


class _SentencePiece:
    def __init__(self, processor: Any) -> None:
        self.processor = processor

    def encode(self, text: str) -> list[str]:
        tokens: list[str] = self.processor.encode(text, out_type=str)
        return tokens

    def decode(self, tokens: Sequence[str]) -> str:
        text: str = self.processor.decode(list(tokens))
        return text


_TOKENIZERS: dict[tuple[object, ...], Any] = {}


def _tokenizer(package_path: Any, kind: str, from_code: str, to_code: str) -> Any:
    from bireader.translation import ct2

    files = [package_path / ("bpe.model" if kind == "argos-bpe" else "sentencepiece.model")]
    key = (ct2.file_stamp(files), kind, from_code, to_code)
    if key in _TOKENIZERS:
        return _TOKENIZERS[key]
    if kind == "argos-bpe":
        from bireader.translation.bpe import BPETokenizer

        tokenizer: Any = BPETokenizer(files[0], from_code, to_code).load()
    else:
        try:
            import sentencepiece
        except ImportError as exc:
            raise EngineUnavailable(
                f"the Argos engine needs SentencePiece ({exc}): "
                "pip install 'sentencepiece>=0.2,<0.3'"
            ) from exc
        try:
            tokenizer = _SentencePiece(
                sentencepiece.SentencePieceProcessor(model_file=str(files[0]))
            )
        except Exception as exc:  # sentencepiece raises RuntimeError, OSError...
            raise ModelNotInstalled(f"{files[0]} cannot be loaded: {exc}") from exc
    _TOKENIZERS[key] = tokenizer
    return tokenizer


class ArgosEngine(CT2Engine):
    """Translate with an installed Argos Translate package (default es->en).

    Options: ``model`` (an installed package's directory name or code; default: the
    best es->en package that passes its self-test), ``from_code``, ``to_code``,
    ``compute_type`` (``"auto"``: int8 where the model is int8), ``threads``, and any
    :class:`ArgosOptions` field.
    """

    name = "argos"
    options_class = ArgosOptions

    def __init__(
        self,
        *,
        model: str | None = None,
        from_code: str = "es",
        to_code: str = "en",
        compute_type: str = "auto",
        threads: int | None = None,
        **options: Any,
    ) -> None:
        from bireader.translation import catalog

        self._check_options(compute_type, threads, options, ("model", "from_code", "to_code"))
        try:
            choice = catalog.choose(self.name, model, from_code, to_code)
        except ModelNotInstalled as exc:
            if model is not None or catalog.candidates(self.name, from_code, to_code):
                raise ModelNotInstalled(f"{exc}; reinstall it: {INSTALL_FIX}") from exc
            fix = f"bireader models install {from_code} {to_code}"
            raise ModelNotInstalled(
                f"no Argos {from_code}->{to_code} model installed in {packages_dir()}: {fix}"
                " (or offline: bireader models install --file X.argosmodel)"
            ) from exc
        entry = choice.entry
        catalog.warn_if_failing(choice, log)
        self.package = ArgosPackage.from_dir(entry.path)
        self.entry = entry
        self.model_name = self.package.code
        self.model_version = self.package.package_version
        self.tokenizer = _tokenizer(entry.path, entry.kind, entry.from_code, entry.to_code)
        self._translator = load_translator(
            entry.model_dir, self.compute_type, self.threads, f"Argos package {entry.name}"
        )
        log.info("loaded Argos model %s %s", self.model_name, self.model_version)

    @property
    def _processor(self) -> Any:
        """The SentencePiece processor of a SentencePiece package."""
        return getattr(self.tokenizer, "processor", self.tokenizer)

    @classmethod
    def status(cls) -> EngineStatus:
        """Ready when an es->en package loads and passes its self-test."""
        from bireader.translation import catalog

        needed = ("ctranslate2", "sentencepiece")
        missing = [m for m in needed if importlib.util.find_spec(m) is None]
        if missing:
            return EngineStatus(
                cls.name, False, f"missing Python packages: {', '.join(missing)}",
                "pip install 'ctranslate2>=4,<5' 'sentencepiece>=0.2,<0.3'",
            )
        ready, detail, model = catalog.engine_status(cls.name)
        if ready:
            return EngineStatus(cls.name, True, detail)
        if model is None:
            fix = INSTALL_FIX
            if importlib.util.find_spec("argostranslate") is None:
                fix = f"pip install --no-deps 'argostranslate>=1.9' && {INSTALL_FIX}"
            return EngineStatus(
                cls.name, False,
                f"{detail} (offline: bireader models install --file X.argosmodel)", fix,
            )
        fix = OPUS_MT_FIX if "self-test" in detail else INSTALL_FIX
        return EngineStatus(cls.name, False, detail, fix)
