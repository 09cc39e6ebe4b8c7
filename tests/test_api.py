"""The public Python API as a user calls it: a wrong type of argument is a TypeError."""

from __future__ import annotations

import pytest

import bireader


def test_public_functions_refuse_wrong_types_with_type_errors() -> None:
    with pytest.raises(TypeError, match="BilingualDocument"):
        bireader.export(None, "x.html")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="split_sentences"):
        bireader.segment_document("Hola. Adiós.")  # type: ignore[arg-type]
    doc = bireader.read("Hola. Adiós.")
    with pytest.raises(TypeError, match="engine must be"):
        bireader.translate(doc, engine=object())  # type: ignore[arg-type]
