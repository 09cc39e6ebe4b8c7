from __future__ import annotations

import dataclasses

import pytest

from bireader.model import Block, Document, Provenance, Sentence


def test_values_are_frozen() -> None:
    sentence = Sentence("Hola.", 0, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sentence.text = "Adiós."  # type: ignore[misc]


def test_metadata_cannot_be_mutated() -> None:
    doc = Document(text="", blocks=(), metadata={"author": "A"})
    with pytest.raises(TypeError):
        doc.metadata["author"] = "B"  # type: ignore[index]


def test_sentences_in_order() -> None:
    text = "Uno. Dos.\n\nTres."
    doc = Document(
        text=text,
        blocks=(
            Block("paragraph", 0, 9, (Sentence("Uno.", 0, 4), Sentence("Dos.", 5, 9))),
            Block("paragraph", 11, 16, (Sentence("Tres.", 11, 16),)),
        ),
    )
    assert [s.text for s in doc.sentences()] == ["Uno.", "Dos.", "Tres."]
    assert all(text[s.start : s.end] == s.text for s in doc.sentences())


def test_signature_is_stable_and_sorted() -> None:
    a = Provenance("argos", "1", "es-en", "1.0", {"beam": "4", "max_len": "256"})
    b = Provenance("argos", "1", "es-en", "1.0", {"max_len": "256", "beam": "4"})
    assert a.signature() == b.signature()
    assert "beam=4" in a.signature()
