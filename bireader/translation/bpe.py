"""Tokenization for BPE Argos packages: Moses normalization and tokenization, then
subword-nmt merges; decoding joins ``@@ `` continuations and detokenizes.

This is what argostranslate's ``BPETokenizer`` does, with the maintained libraries
(``sacremoses``, ``subword-nmt``: the ``bpe`` extra) imported only when
a BPE package is loaded.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bireader.errors import EngineUnavailable, ModelNotInstalled

NEEDED = ("sacremoses", "subword_nmt")
INSTALL = "pip install sacremoses subword-nmt (bireader's bpe extra)"
SEPARATOR = "@@"


def missing_libraries() -> list[str]:
    """The libraries BPE packages need that are not installed here (nothing is imported)."""
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def codes_problem(path: Path) -> str | None:
    """Why ``path`` is not a subword-nmt codes file, or None if it looks like one."""
    try:
        with path.open(encoding="utf-8") as stream:
            lines = [line for _, line in zip(range(3), stream, strict=False)]
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path} cannot be read as BPE codes: {exc}"
    merges = [line for line in lines if not line.startswith("#version")]
    if not merges:
        return f"{path} holds no BPE merges"
    if any(len(line.split()) != 2 for line in merges):
        return f"{path} is not a subword-nmt codes file (lines must be two symbols)"
    return None


class BPETokenizer:
    """Moses + subword-nmt, for ``from_code`` input and ``to_code`` output.

    Built lazily by :meth:`load`; ``EngineUnavailable`` when the libraries are missing.
    """

    def __init__(self, codes: Path, from_code: str, to_code: str) -> None:
        self.codes = codes
        self.from_code = from_code
        self.to_code = to_code
        self._normalizer: Any = None
        self._tokenizer: Any = None
        self._detokenizer: Any = None
        self._bpe: Any = None

    def load(self) -> BPETokenizer:
        if self._bpe is not None:
            return self
        try:
            from sacremoses import MosesDetokenizer, MosesPunctNormalizer, MosesTokenizer
            from subword_nmt.apply_bpe import BPE
        except ImportError as exc:
            raise EngineUnavailable(f"BPE packages need sacremoses and subword-nmt: {INSTALL}") \
                from exc
        try:
            with self.codes.open(encoding="utf-8") as stream:
                self._bpe = BPE(stream, separator=SEPARATOR)
        except (OSError, UnicodeDecodeError, ValueError, IndexError) as exc:
            raise ModelNotInstalled(f"{self.codes}: unreadable BPE codes: {exc}") from exc
        self._normalizer = MosesPunctNormalizer(self.from_code)
        self._tokenizer = MosesTokenizer(self.from_code)
        self._detokenizer = MosesDetokenizer(self.to_code)
        return self

    def encode(self, text: str) -> list[str]:
        """Normalize, Moses-tokenize and split into BPE units (``"ca@@", "sa"``)."""
        normalized = self._normalizer.normalize(text)
        words = [w for w in self._tokenizer.tokenize(normalized) if w]
        tokens: list[str] = self._bpe.segment_tokens(words)
        return tokens

    def decode(self, tokens: Sequence[str]) -> str:
        """Join ``@@ `` continuations, then Moses-detokenize."""
        joined = " ".join(tokens).replace(f"{SEPARATOR} ", "")
        if joined.endswith(SEPARATOR):
            joined = joined[: -len(SEPARATOR)]
        text: str = self._detokenizer.detokenize(joined.split())
        return text
