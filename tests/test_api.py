"""The public Python API as a user calls it: wrong values give bireader errors."""

from __future__ import annotations

import pytest

import bireader


def test_public_functions_refuse_wrong_values_with_bireader_errors() -> None:
    with pytest.raises(bireader.ExportError, match="BilingualDocument"):
        bireader.export(None, "x.html")  # type: ignore[arg-type]
    with pytest.raises(bireader.InputError, match="split_sentences"):
        bireader.segment_document("Hola. Adiós.")  # type: ignore[arg-type]
    doc = bireader.read("Hola. Adiós.")
    with pytest.raises(bireader.EngineError, match="engine must be"):
        bireader.translate(doc, engine=object())  # type: ignore[arg-type]
