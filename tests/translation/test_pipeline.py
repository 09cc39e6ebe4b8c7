"""The translation stage with test-double engines: order, dedupe, batches, guard, cache."""

from __future__ import annotations

import logging
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bireader.errors import EngineUnavailable, TranslationFailed
from bireader.model import Block, Document, Provenance, Repair, Sentence
from bireader.translation.base import EngineStatus
from bireader.translation.cache import TranslationCache
from bireader.translation.pipeline import translate

BROKEN = "mainstre" * 4


def make_document(*paragraphs: Sequence[str]) -> Document:
    """A document with one block per paragraph; sentences joined by single spaces."""
    text_parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for index, sentences in enumerate(paragraphs):
        if index:
            text_parts.append("\n\n")
            pos += 2
        start = pos
        found: list[Sentence] = []
        for i, sentence in enumerate(sentences):
            if i:
                text_parts.append(" ")
                pos += 1
            found.append(Sentence(sentence, pos, pos + len(sentence)))
            text_parts.append(sentence)
            pos += len(sentence)
        blocks.append(Block("heading" if index == 0 else "paragraph", start, pos, tuple(found)))
    return Document(text="".join(text_parts), blocks=tuple(blocks))


class FakeEngine:
    """Deterministic: "EN<...>" around the reversed words. Breaks on words it is told to."""

    name = "fake"
    ready = True
    built: ClassVar[list[FakeEngine]] = []

    def __init__(
        self, *, breaks_on: tuple[str, ...] = ("roto",), safe: bool = False, version: str = "1"
    ) -> None:
        self.breaks_on = breaks_on
        self.safe = safe
        self.version = version
        self.calls: list[list[str]] = []
        self.closed = False
        type(self).built.append(self)

    @classmethod
    def status(cls) -> EngineStatus:
        if cls.ready:
            return EngineStatus(cls.name, True, "test double")
        return EngineStatus(cls.name, False, "switched off", f"enable-{cls.name}")

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [self._one(s) for s in sentences]

    def _one(self, sentence: str) -> str:
        # Safe decoding repairs "roto" but not "muy roto".
        if "muy roto" in sentence or (not self.safe and any(w in sentence for w in self.breaks_on)):
            return BROKEN
        return "EN<" + " ".join(reversed(sentence.split())) + ">"

    def provenance(self) -> Provenance:
        options = {"decoding": "safe" if self.safe else "normal"}
        return Provenance(self.name, "1.0", "fake-es-en", self.version, options)

    def safer(self) -> FakeEngine | None:
        if self.safe:
            return None
        return type(self)(breaks_on=self.breaks_on, safe=True, version=self.version)

    def close(self) -> None:
        self.closed = True

    @property
    def sentences(self) -> list[str]:
        return [s for call in self.calls for s in call]


class BackupEngine(FakeEngine):
    """A second engine that handles everything, and has no safer mode."""

    name = "backup"
    built: ClassVar[list[FakeEngine]] = []

    def _one(self, sentence: str) -> str:
        return "BK<" + sentence + ">"

    def safer(self) -> None:
        return None


@pytest.fixture
def registry(
    monkeypatch: pytest.MonkeyPatch, register_engines: Callable[..., types.ModuleType]
) -> types.ModuleType:
    """Registers FakeEngine as "fake" and BackupEngine as "backup", in that auto order."""
    module = register_engines(("fake", "backup"), fake=FakeEngine, backup=BackupEngine)
    monkeypatch.setattr(FakeEngine, "built", [])
    monkeypatch.setattr(BackupEngine, "built", [])
    monkeypatch.setattr(FakeEngine, "ready", True)
    monkeypatch.setattr(BackupEngine, "ready", True)
    return module


DOC = make_document(
    ["El alcalde habló."],
    ["Los vecinos votaron.", "El recuento terminó tarde.", "Los vecinos votaron."],
    ["Nadie sabe quién gobernará."],
)


def test_one_translation_per_sentence_in_order(registry: types.ModuleType) -> None:
    engine = FakeEngine()
    bi = translate(DOC, engine, cache=False)
    sources = [s.text for s in DOC.sentences()]
    assert [p.source.text for p in bi.pairs] == sources
    assert [p.target for p in bi.pairs] == [engine._one(s) for s in sources]
    assert [p.source for p in bi.pairs] == list(DOC.sentences())
    assert [(p.block_index, p.block_kind) for p in bi.pairs] == [
        (0, "heading"), (1, "paragraph"), (1, "paragraph"), (1, "paragraph"), (2, "paragraph"),
    ]
    assert all(p.engine == "fake" and p.flags == () for p in bi.pairs)
    assert bi.provenance == engine.provenance()
    assert bi.document is DOC


def test_identical_sentences_are_translated_once(registry: types.ModuleType) -> None:
    engine = FakeEngine()
    bi = translate(DOC, engine, cache=False)
    assert engine.sentences.count("Los vecinos votaron.") == 1
    assert len(engine.sentences) == 4
    assert bi.pairs[1].target == bi.pairs[3].target


def test_batches_and_progress(registry: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_document([f"Frase número {i}." for i in range(23)], ["Frase número 0."])
    engine = FakeEngine()
    monkeypatch.setattr(engine, "sentences_per_call", 5, raising=False)
    seen: list[tuple[int, int]] = []
    translate(doc, engine, cache=False, progress=lambda done, total: seen.append((done, total)))
    assert [len(call) for call in engine.calls] == [5, 5, 5, 5, 3]
    assert seen[-1] == (24, 24)
    assert all(total == 24 for _, total in seen)
    assert [done for done, _ in seen] == sorted({done for done, _ in seen})
    assert len(seen) == 5


def test_whole_document_in_one_call_when_the_engine_asks(
    registry: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = make_document([f"Frase número {i}." for i in range(150)])
    engine = FakeEngine()
    monkeypatch.setattr(engine, "sentences_per_call", None, raising=False)
    translate(doc, engine, cache=False)
    assert [len(call) for call in engine.calls] == [150]


def test_engine_breaking_the_contract_raises(registry: types.ModuleType) -> None:
    class Short(FakeEngine):
        def translate_batch(self, sentences: Sequence[str]) -> list[str]:
            return super().translate_batch(sentences)[:-1]

    with pytest.raises(TranslationFailed, match="3 translations for 4 sentences"):
        translate(DOC, Short(), cache=False)

    class NotText(FakeEngine):
        def translate_batch(self, sentences: Sequence[str]) -> list[Any]:
            return [None for _ in sentences]

    with pytest.raises(TranslationFailed):
        translate(DOC, NotText(), cache=False)


def test_flagged_sentence_is_repaired_by_safer_decoding(registry: types.ModuleType) -> None:
    doc = make_document(["Todo bien.", "Está roto."])
    engine = FakeEngine()
    bi = translate(doc, engine, cache=False)
    assert [p.target for p in bi.pairs] == ["EN<bien. Todo>", "EN<roto. Está>"]
    # The repaired pair says why it was retried and how.
    assert [p.flags for p in bi.pairs] == [(), ()]
    assert [p.repair for p in bi.pairs] == [None, Repair("retried", ("repetition",))]
    assert [p.engine for p in bi.pairs] == ["fake", "fake"]
    safer = FakeEngine.built[-1]
    assert safer.safe and safer.sentences == ["Está roto."]
    assert BackupEngine.built == []  # never needed


def test_still_flagged_falls_back_to_another_engine(registry: types.ModuleType) -> None:
    doc = make_document(["Todo bien.", "Está muy roto."])
    bi = translate(doc, "fake", cache=False)
    assert bi.pairs[1].target == "BK<Está muy roto.>"
    assert bi.pairs[1].engine == "backup"
    assert bi.pairs[1].flags == ()
    assert bi.pairs[1].repair == Repair("fallback", ("repetition",))
    assert (bi.pairs[0].flags, bi.pairs[0].repair) == ((), None)
    assert bi.pairs[0].engine == "fake"
    assert bi.provenance.engine == "fake"
    (backup,) = BackupEngine.built
    assert backup.sentences == ["Está muy roto."]
    assert backup.closed


def test_no_fallback_keeps_the_flag(registry: types.ModuleType) -> None:
    doc = make_document(["Está muy roto."])
    bi = translate(doc, FakeEngine(), cache=False, fallback=False)
    assert bi.pairs[0].target == BROKEN
    # The safer retry did not help (a tie keeps the later attempt): flag and retry kept.
    assert bi.pairs[0].flags == ("repetition",)
    assert bi.pairs[0].repair == Repair("retried", ("repetition",))
    assert bi.pairs[0].engine == "fake"
    assert BackupEngine.built == []


def test_fallback_skips_engines_that_are_not_ready(registry: types.ModuleType) -> None:
    BackupEngine.ready = False
    doc = make_document(["Está muy roto."])
    bi = translate(doc, FakeEngine(), cache=False)
    assert bi.pairs[0].flags == ("repetition",)
    assert bi.pairs[0].repair == Repair("retried", ("repetition",))
    assert BackupEngine.built == []


def test_when_nothing_helps_the_flag_and_engine_are_kept(
    registry: types.ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    class BadBackup(BackupEngine):
        def _one(self, sentence: str) -> str:
            return BROKEN

    registry.BackupEngine = BadBackup  # type: ignore[attr-defined]
    doc = make_document(["Está muy roto."])
    with caplog.at_level(logging.WARNING, logger="bireader"):
        bi = translate(doc, FakeEngine(), cache=False)
    assert bi.pairs[0].flags == ("repetition",)
    assert bi.pairs[0].repair == Repair("fallback", ("repetition",))
    assert bi.pairs[0].target == BROKEN
    assert "0 repaired, 1 still flagged" in caplog.text


def test_fewest_flags_win(registry: types.ModuleType) -> None:
    class EmptyBackup(BackupEngine):
        def _one(self, sentence: str) -> str:
            return ""  # empty is one flag; BROKEN from the primary is one flag too

    class WorseSafer(FakeEngine):
        def _one(self, sentence: str) -> str:
            if self.safe:
                return "x@@ " + BROKEN  # subword + repetition: two flags
            return super()._one(sentence)

    registry.BackupEngine = EmptyBackup  # type: ignore[attr-defined]
    bi = translate(make_document(["Está muy roto."]), WorseSafer(), cache=False)
    # primary: 1 flag, safer: 2 flags (worse, dropped), backup: 1 flag (tie: later wins)
    assert bi.pairs[0].flags == ("empty",)
    assert bi.pairs[0].repair == Repair("fallback", ("repetition",))
    assert bi.pairs[0].engine == "backup"


def test_second_run_is_served_by_the_cache(registry: types.ModuleType, tmp_path: Path) -> None:
    doc = make_document(["Todo bien.", "Está roto."], ["Está muy roto.", "Todo bien."])
    first = translate(doc, "fake", cache=tmp_path)
    fakes, backups = len(FakeEngine.built), len(BackupEngine.built)
    assert (fakes, backups) == (2, 1)  # primary, its safer copy, the backup
    assert all(engine.calls for engine in [*FakeEngine.built, *BackupEngine.built])
    second = translate(doc, "fake", cache=tmp_path)
    new = [*FakeEngine.built[fakes:], *BackupEngine.built[backups:]]
    # Only the primary is built, and never called: no retry, no fallback engine.
    assert len(new) == 1 and new[0].calls == []
    assert [(p.target, p.flags, p.engine, p.repair) for p in second.pairs] == [
        (p.target, p.flags, p.engine, p.repair) for p in first.pairs
    ]
    assert second.pairs[2].repair == Repair("fallback", ("repetition",))
    assert second.pairs[2].engine == "backup"


def test_retry_outputs_are_cached_per_engine(registry: types.ModuleType, tmp_path: Path) -> None:
    doc = make_document(["Está muy roto."])
    translate(doc, "fake", cache=tmp_path)
    # Without fallback the kept translation differs, so it is not reused; but the safer
    # engine's own output is, so only the primary runs again.
    before = len(FakeEngine.built)
    bi = translate(doc, "fake", cache=tmp_path, fallback=False)
    primary, safer = FakeEngine.built[before:]
    assert primary.sentences == ["Está muy roto."] and safer.calls == []
    assert (bi.pairs[0].engine, bi.pairs[0].flags) == ("fake", ("repetition",))
    assert bi.pairs[0].repair == Repair("retried", ("repetition",))


def test_cache_is_keyed_by_provenance(registry: types.ModuleType, tmp_path: Path) -> None:
    doc = make_document(["Todo bien."])
    translate(doc, FakeEngine(version="1"), cache=tmp_path)
    other_model = FakeEngine(version="2")
    translate(doc, other_model, cache=tmp_path)
    assert other_model.sentences == ["Todo bien."]
    same_model = FakeEngine(version="1")
    translate(doc, same_model, cache=tmp_path)
    assert same_model.calls == []


def test_cache_is_keyed_by_guard_version(
    registry: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flags are the guard's verdict: a new guard does not trust an old one's entries."""
    from bireader.translation import guard

    doc = make_document(["Todo bien."])
    translate(doc, FakeEngine(), cache=tmp_path)
    same = FakeEngine()
    translate(doc, same, cache=tmp_path)
    assert same.calls == []
    monkeypatch.setattr(guard, "GUARD_VERSION", guard.GUARD_VERSION + 1)
    newer = FakeEngine()
    translate(doc, newer, cache=tmp_path)
    assert newer.sentences == ["Todo bien."]


def test_no_cache_always_calls_the_engine(registry: types.ModuleType, tmp_path: Path) -> None:
    doc = make_document(["Todo bien."])
    translate(doc, FakeEngine(), cache=tmp_path)
    engine = FakeEngine()
    translate(doc, engine, cache=False)
    assert engine.sentences == ["Todo bien."]


def test_default_cache_lives_in_the_cache_dir(
    registry: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIREADER_CACHE_DIR", str(tmp_path / "cachedir"))
    translate(make_document(["Todo bien."]), FakeEngine())
    with TranslationCache() as cache:
        assert cache.path.parent == tmp_path / "cachedir"
        assert cache.info().entries == 1


def test_corrupt_cache_does_not_break_translation(
    registry: types.ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)
    bi = translate(make_document(["Todo bien."]), FakeEngine(), cache=path)
    assert bi.pairs[0].target == "EN<bien. Todo>"


def test_engine_built_by_name_is_closed_instance_is_not(registry: types.ModuleType) -> None:
    translate(DOC, "fake", cache=False)
    assert FakeEngine.built[0].closed
    mine = FakeEngine()
    translate(DOC, mine, cache=False)
    assert not mine.closed


def test_options_go_to_the_engine(registry: types.ModuleType) -> None:
    bi = translate(make_document(["Está roto."]), "fake", cache=False, breaks_on=("nada",))
    assert FakeEngine.built[0].breaks_on == ("nada",)
    assert bi.pairs[0].flags == () and len(FakeEngine.built) == 1  # no retry needed


def test_auto_picks_the_first_ready_engine(registry: types.ModuleType) -> None:
    assert translate(DOC, "auto", cache=False).provenance.engine == "fake"
    FakeEngine.ready = False
    assert translate(DOC, cache=False).provenance.engine == "backup"


def test_auto_with_nothing_ready_names_every_fix(registry: types.ModuleType) -> None:
    FakeEngine.ready = False
    BackupEngine.ready = False
    with pytest.raises(EngineUnavailable) as info:
        translate(DOC, cache=False)
    assert "enable-fake" in str(info.value) and "enable-backup" in str(info.value)


def test_empty_document_and_blank_sentences(registry: types.ModuleType) -> None:
    engine = FakeEngine()
    seen: list[tuple[int, int]] = []
    empty = Document(text="", blocks=())
    bi = translate(empty, engine, cache=False, progress=lambda *a: seen.append(a))
    assert bi.pairs == () and engine.calls == [] and seen == [(0, 0)]
    blank = Document(text=" ", blocks=(Block("paragraph", 0, 1, (Sentence(" ", 0, 1),)),))
    bi = translate(blank, engine, cache=False)
    assert [(p.target, p.flags) for p in bi.pairs] == [("", ())]
    assert engine.calls == []
