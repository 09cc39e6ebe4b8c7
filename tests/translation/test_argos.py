"""The Argos engine, run on a tiny random-weight package through the real code path.

The output is nonsense, so these tests check structure, never words.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bireader.errors import InvalidOption, ModelNotInstalled
from bireader.translation.argos import (
    ArgosEngine,
    ArgosOptions,
    batch_plan,
    model_bin_problem,
    split_tokens,
)
from bireader.translation.base import get_engine

SENTENCES = [
    "Está previsto que funcionarios estadounidenses y rusos se reúnan en Miami.",
    "Hola.",
    "La reunión, según fuentes del medio, durará dos días.",
    "Steve Witkoff encabezará la delegación estadounidense en las conversaciones.",
]

LONG = "; ".join(
    f"el portavoz número {n} dijo que la reunión, prevista para el fin de semana, "
    "sería larga, difícil y decisiva"
    for n in range(12)
)


class RecordingTranslator:
    """Wraps the real CTranslate2 translator and records every call."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[list[list[str]], dict[str, Any]]] = []

    def translate_batch(self, source: list[list[str]], **kwargs: Any) -> Any:
        self.calls.append((source, kwargs))
        return self.inner.translate_batch(source, **kwargs)


@pytest.mark.usefixtures("argos_packages_dir")
def test_one_translation_per_sentence_blanks_stay_blank() -> None:
    engine = ArgosEngine()
    inputs = [SENTENCES[0], "", "   \n", SENTENCES[1], SENTENCES[2]]
    out = engine.translate_batch(inputs)
    assert len(out) == len(inputs)
    assert out[1] == "" and out[2] == ""
    assert all(isinstance(t, str) and t.strip() for t in (out[0], out[3], out[4]))
    assert engine.translate_batch([]) == []
    assert engine.translate_batch(["", " "]) == ["", ""]


@pytest.mark.usefixtures("argos_packages_dir")
def test_order_follows_input_and_output_is_deterministic() -> None:
    engine = ArgosEngine()
    forward = engine.translate_batch(SENTENCES)
    backward = engine.translate_batch(SENTENCES[::-1])
    assert backward == forward[::-1]
    again = ArgosEngine()
    assert again._translator is engine._translator  # loaded once per process
    assert again.translate_batch(SENTENCES) == forward
    # Different inputs give different outputs: the model does look at its input.
    assert len(set(forward)) > 1


def test_same_output_in_a_fresh_process(argos_packages_dir: Path) -> None:
    """A full translation in a new interpreter: same output, and no torch/stanza/spaCy/
    argostranslate.translate imported along the way."""
    code = (
        "import json, sys\n"
        "from bireader.translation.base import get_engine\n"
        f"out = get_engine('argos').translate_batch({SENTENCES!r})\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'stanza', 'spacy', 'minisbd') or m == 'argostranslate.translate')\n"
        "print(json.dumps({'out': out, 'heavy': heavy, 'ct2': 'ctranslate2' in sys.modules}))\n"
    )
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(argos_packages_dir)}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(run.stdout)
    assert result["heavy"] == []
    assert result["ct2"] is True
    assert result["out"] == ArgosEngine().translate_batch(SENTENCES)


def test_status_after_the_self_test_does_not_load_ctranslate2(argos_packages_dir: Path) -> None:
    """Once a model's self-test verdict is recorded, `engines` reads it: no model is loaded."""
    from bireader.translation.catalog import candidates, stored_verdict, verdict

    (entry,) = candidates("argos")
    assert verdict(entry) is not None and stored_verdict(entry) is not None
    code = (
        "import sys\n"
        "from bireader.translation.base import engine_status\n"
        "status = engine_status('argos')\n"
        "print(status.ready, 'self-test' in status.detail,"
        " 'ctranslate2' in sys.modules, 'sentencepiece' in sys.modules)\n"
    )
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(argos_packages_dir)}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["False", "True", "False", "False"]


@pytest.mark.usefixtures("argos_packages_dir")
def test_long_sentence_is_split_at_clauses_and_rejoined() -> None:
    engine = ArgosEngine(max_input_tokens=40)
    tokens = engine._encode(LONG)
    assert len(tokens) > 3 * 40
    spy = RecordingTranslator(engine._translator)
    engine._translator = spy
    (out,) = engine.translate_batch([LONG])
    sent = [seg for source, _ in spy.calls for seg in source]
    assert len(sent) > 3
    assert all(len(seg) <= 40 for seg in sent)
    # Nothing truncated: the segments hold every token of the sentence, in order.
    assert sorted(map(tuple, sent)) == sorted(
        map(tuple, split_tokens(LONG, engine._encode, 40))
    )
    assert [t for seg in split_tokens(LONG, engine._encode, 40) for t in seg] == tokens
    assert all(kwargs["max_input_length"] == 0 for _, kwargs in spy.calls)
    # The translation is the segments' translations joined, in order.
    pieces = [engine._processor.decode(seg) for seg in split_tokens(LONG, engine._encode, 40)]
    assert out == " ".join(engine.translate_batch(pieces))


@pytest.mark.usefixtures("argos_packages_dir")
def test_split_cuts_at_clause_boundaries_first() -> None:
    engine = ArgosEngine()
    clause = max(len(engine._encode(c)) for c in LONG.split("; ")) + 1
    segments = split_tokens(LONG, engine._encode, clause)
    # Every clause fits, so every cut is after a semicolon.
    assert len(segments) == 12
    assert all(seg[-1].endswith(";") for seg in segments[:-1])
    # Clauses that do not fit are cut after commas, not inside phrases.
    smaller = split_tokens(LONG, engine._encode, clause - 2)
    assert len(smaller) > 12
    assert all(seg[-1].endswith((";", ",")) for seg in smaller[:-1])
    words = "palabra " * 100
    by_words = split_tokens(words, engine._encode, 30)
    assert all(len(s) <= 30 for s in by_words)
    assert sum(len(s) for s in by_words) == len(engine._encode(words))


def test_batches_are_token_bounded_with_caps_from_input_length() -> None:
    options = ArgosOptions(max_batch_tokens=100)
    lengths = [5, 50, 6, 48, 7, 90, 49, 5]
    plan = batch_plan(lengths, options)
    assert sorted(i for batch, _ in plan for i in batch) == list(range(len(lengths)))
    for batch, cap in plan:
        longest = max(lengths[i] for i in batch)
        assert longest * len(batch) <= 100 or len(batch) == 1
        assert cap == options.max_decoding_length(longest)
        assert cap > longest


@pytest.mark.usefixtures("argos_packages_dir")
def test_decoding_options_reach_ctranslate2() -> None:
    engine = ArgosEngine()
    spy = RecordingTranslator(engine._translator)
    engine._translator = spy
    engine.translate_batch(SENTENCES)
    for source, kwargs in spy.calls:
        assert kwargs["beam_size"] == 4
        assert kwargs["max_decoding_length"] == engine.options.max_decoding_length(
            max(map(len, source))
        )
    safer = engine.safer()
    safer._translator = spy
    spy.calls.clear()
    safer.translate_batch(SENTENCES[:1])
    assert spy.calls[0][1]["repetition_penalty"] > 1
    assert spy.calls[0][1]["no_repeat_ngram_size"] == 3
    assert engine.options.repetition_penalty == 1.0  # the original is untouched


def test_provenance_names_package_and_options(argos_packages_dir: Path) -> None:
    import ctranslate2

    engine = get_engine("argos")
    assert isinstance(engine, ArgosEngine)
    meta = json.loads(next(argos_packages_dir.glob("*/metadata.json")).read_text())
    prov = engine.provenance()
    assert prov.engine == "argos"
    assert ctranslate2.__version__ in prov.engine_version
    assert prov.model == meta["code"]
    assert prov.model_version == meta["package_version"]
    assert prov.options["beam_size"] == "4"
    safer = engine.safer()
    assert safer.provenance().signature() != prov.signature()
    assert safer.provenance().options["no_repeat_ngram_size"] == "3"


@pytest.mark.usefixtures("argos_packages_dir")
def test_a_degenerate_package_is_not_ready_but_usable_by_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Random weights fail the self-test: not ready (auto passes over it), the reason and
    the fix said, and still built when asked for, with a warning."""
    status = ArgosEngine.status()
    assert not status.ready
    assert "es_en" in status.detail and "fails its self-test" in status.detail
    assert "--model" in status.detail
    assert status.fix == "bireader models install opus-mt es en"
    with caplog.at_level("WARNING", logger="bireader"):
        engine = ArgosEngine()
    assert "failed its self-test" in caplog.text
    assert len(engine.translate_batch(SENTENCES)) == len(SENTENCES)


@pytest.mark.usefixtures("no_argos_packages")
def test_status_and_error_without_package() -> None:
    status = ArgosEngine.status()
    assert not status.ready
    assert status.fix is not None and status.fix.endswith("bireader models install es en")
    with pytest.raises(ModelNotInstalled, match="bireader models install es en"):
        ArgosEngine()


@pytest.mark.usefixtures("argos_packages_dir")
@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"bogus": 1}, "bogus"),
        ({"max_input_tokens": 0}, "max_input_tokens"),
        ({"max_input_tokens": 2.5}, "max_input_tokens"),
        ({"decoding_ratio": -5}, "decoding_ratio"),
        ({"decoding_ratio": float("nan")}, "decoding_ratio"),
        ({"decoding_extra": -1}, "decoding_extra"),
        ({"beam_size": 0}, "beam_size"),
        ({"beam_size": True}, "beam_size"),
        ({"repetition_penalty": 0}, "repetition_penalty"),
        ({"length_penalty": float("inf")}, "length_penalty"),
        ({"no_repeat_ngram_size": -1}, "no_repeat_ngram_size"),
        ({"max_batch_tokens": 0}, "max_batch_tokens"),
        ({"compute_type": "int3"}, "compute_type"),
        ({"threads": 0}, "threads"),
    ],
)
def test_bad_options_raise_one_line_engine_errors(options: dict[str, Any], named: str) -> None:
    """Unknown or out-of-range options are a clear InvalidOption up front, never a
    ValueError/TypeError from range() or CTranslate2 halfway through a document."""
    with pytest.raises(InvalidOption) as caught:
        get_engine("argos", **options).translate_batch(SENTENCES)
    message = str(caught.value)
    assert message.startswith("argos: invalid option: ") and named in message
    assert "\n" not in message


@pytest.mark.usefixtures("argos_packages_dir")
def test_good_options_are_accepted() -> None:
    engine = ArgosEngine(
        max_input_tokens=1, decoding_ratio=0.5, decoding_extra=0, beam_size=1,
        length_penalty=-1, compute_type="float32", threads=1,
    )
    assert len(engine.translate_batch(SENTENCES[:2])) == 2


def _broken_copy(installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the installed package, for a test to damage."""
    directory = tmp_path / "packages"
    shutil.copytree(installed, directory)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    (package,) = (p for p in directory.iterdir() if p.is_dir())
    return package


def _bpe(package: Path) -> str:
    (package / "sentencepiece.model").rename(package / "bpe.model")
    return "bpe.model"


def _empty(package: Path) -> str:
    (package / "model" / "model.bin").write_bytes(b"")
    return "empty"


def _truncated(package: Path) -> str:
    model = package / "model" / "model.bin"
    data = model.read_bytes()
    model.write_bytes(data[: len(data) // 2])
    return "incomplete"


def _header_only(package: Path) -> str:
    model = package / "model" / "model.bin"
    model.write_bytes(model.read_bytes()[:40])
    return "incomplete"


@pytest.mark.parametrize("damage", [_bpe, _empty, _truncated, _header_only])
def test_status_is_not_ready_for_a_package_that_cannot_load(
    argos_packages_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[Path], str],
) -> None:
    reason = damage(_broken_copy(argos_packages_dir, tmp_path, monkeypatch))
    status = ArgosEngine.status()
    assert not status.ready
    assert reason in status.detail
    assert status.fix == "bireader models install es en"
    with pytest.raises(ModelNotInstalled, match=reason):
        ArgosEngine()


def test_model_bin_check_accepts_the_whole_file(argos_packages_dir: Path) -> None:
    (package,) = (p for p in argos_packages_dir.iterdir() if p.is_dir())
    model = package / "model" / "model.bin"
    assert model_bin_problem(model) is None
    from bireader.translation.argos import package_problem
    from bireader.translation.models import ArgosPackage

    assert package_problem(ArgosPackage.from_dir(package)) is None


def _model_bin(version: int, weights: list[bytes], item_size: int = 4) -> bytes:
    """A CTranslate2 ``model.bin`` of ``version`` holding one float32 vector per weight."""
    out = [struct.pack("<I", version)]
    if version >= 2:
        out += [struct.pack("<H", 4), b"spec", struct.pack("<I", 1)]
    out.append(struct.pack("<I", len(weights)))
    for number, data in enumerate(weights):
        name = f"w{number}".encode()
        out += [struct.pack("<H", len(name)), name, struct.pack("<B", 1)]
        out.append(struct.pack("<I", len(data) // item_size))  # the one dimension
        if version >= 4:
            out += [struct.pack("<B", 0), struct.pack("<I", len(data))]  # type id, bytes
        else:
            out += [struct.pack("<B", item_size), struct.pack("<I", len(data) // item_size)]
        out.append(data)
    if version >= 3:
        out.append(struct.pack("<I", 0))  # no aliases
    return b"".join(out)


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5, 6])
def test_model_bin_check_reads_every_layout_version(tmp_path: Path, version: int) -> None:
    """Before version 4 a variable's size is a count of items, from version 4 of bytes."""
    weights = [struct.pack("<16f", *range(16)), struct.pack("<8f", *range(8))]
    whole = tmp_path / "model.bin"
    whole.write_bytes(_model_bin(version, weights))
    assert model_bin_problem(whole) is None
    cut = tmp_path / "cut.bin"
    cut.write_bytes(whole.read_bytes()[:-9])
    assert "incomplete" in (model_bin_problem(cut) or "")


@pytest.mark.apertium
def test_auto_passes_over_a_broken_argos_package(
    argos_packages_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A truncated Argos model used to be "ready", fail to load, and stop auto there."""
    from bireader.translation.apertium import ApertiumEngine

    status = ApertiumEngine.status()
    if not status.ready:
        pytest.skip(f"apertium is not ready here: {status.detail} (fix: {status.fix})")
    _truncated(_broken_copy(argos_packages_dir, tmp_path, monkeypatch))
    engine = get_engine("auto")
    assert engine.name == "apertium"
    assert engine.translate_batch(["Hola."]) == ["Hello."]


# -- issue 9: "ready" means loadable; a failure at translation time is an EngineError ----------


def _zero_filled(package: Path) -> str:
    """What an interrupted copy leaves: the right size, all zeros."""
    model = package / "model" / "model.bin"
    model.write_bytes(b"\0" * model.stat().st_size)
    return "zero-filled"


def _four_bytes(package: Path) -> str:
    (package / "model" / "model.bin").write_bytes(struct.pack("<I", 6))
    return "incomplete"


def _no_config(package: Path) -> str:
    (package / "model" / "config.json").unlink()
    return "config.json is missing"


def _bad_config(package: Path) -> str:
    (package / "model" / "config.json").write_text('{"add_source_bos": fal')
    return "config.json is not valid JSON"


def _no_vocabulary(package: Path) -> str:
    (package / "model" / "shared_vocabulary.json").unlink()
    return "no vocabulary"


def _bad_vocabulary(package: Path) -> str:
    (package / "model" / "shared_vocabulary.json").write_text('["<unk>", "<s>"')
    return "shared_vocabulary.json is not valid JSON"


def _short_vocabulary(package: Path) -> str:
    (package / "model" / "shared_vocabulary.json").write_text('["<unk>", "<s>", "</s>", "a"]')
    return "vocabulary has 4 tokens"


def _garbage_sentencepiece(package: Path) -> str:
    (package / "sentencepiece.model").write_bytes(bytes(range(256)) * 40)
    return "not a SentencePiece model"


LOAD_FAILURES = [
    _zero_filled, _four_bytes, _no_config, _bad_config, _no_vocabulary, _bad_vocabulary,
    _short_vocabulary, _garbage_sentencepiece,
]


@pytest.mark.parametrize("damage", LOAD_FAILURES)
def test_a_package_that_cannot_load_is_not_ready(
    argos_packages_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[Path], str],
) -> None:
    """Each of these was "ready" and then died in CTranslate2 (an IndexError traceback for
    the zero-filled model.bin); now the status says why, and building it is an EngineError."""
    reason = damage(_broken_copy(argos_packages_dir, tmp_path, monkeypatch))
    status = ArgosEngine.status()
    assert not status.ready
    assert reason in status.detail, status.detail
    with pytest.raises(ModelNotInstalled, match=reason):
        ArgosEngine()


@pytest.mark.parametrize("damage", [_zero_filled, _bad_vocabulary, _garbage_sentencepiece])
def test_export_of_a_broken_package_is_one_line_exit_3(
    argos_packages_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[Path], str],
) -> None:
    damage(_broken_copy(argos_packages_dir, tmp_path, monkeypatch))
    article = tmp_path / "a.txt"
    article.write_text("Hola. ¿Qué tal?", encoding="utf-8")
    command = Path(sys.executable).with_name("bireader")
    run = subprocess.run(
        [str(command), "export", str(article), "-o", str(tmp_path / "a.json"),
         "--engine", "argos", "--no-cache"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert not (tmp_path / "a.json").exists()


def test_the_loadability_verdict_is_kept_by_size_and_mtime(
    argos_packages_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bireader.translation import catalog, ct2

    package = _broken_copy(argos_packages_dir, tmp_path, monkeypatch)
    calls: list[Path] = []
    original = ct2.model_dir_problem

    def counting(model_dir: Path) -> str | None:
        calls.append(model_dir)
        return original(model_dir)

    monkeypatch.setattr(ct2, "model_dir_problem", counting)
    (entry,) = catalog.candidates("argos")
    assert entry.problem() is None and entry.problem() is None
    assert len(calls) == 1
    vocabulary = package / "model" / "shared_vocabulary.json"
    vocabulary.write_text(vocabulary.read_text() + " ")  # same content, new size and mtime
    assert entry.problem() is None
    assert len(calls) == 2


class _Exploding:
    """A translator that fails as a damaged model does inside CTranslate2."""

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        raise IndexError("variable encoder/embeddings_0/weight not found")


@pytest.mark.usefixtures("argos_packages_dir")
def test_a_failure_while_translating_is_translation_failed() -> None:
    from bireader.errors import TranslationFailed

    engine = ArgosEngine()
    engine._translator = _Exploding()
    with pytest.raises(TranslationFailed, match="embeddings_0"):
        engine.translate_batch(SENTENCES)


def test_auto_falls_back_when_the_engine_fails_while_translating(
    register_engines: Callable[..., Any],
) -> None:
    """An engine that starts but breaks on the document: auto goes on to the next one."""
    import bireader
    from bireader.errors import TranslationFailed
    from bireader.model import Provenance
    from bireader.translation.base import EngineStatus
    from bireader.translation.pipeline import translate

    class Breaks:
        name = "argos"

        @classmethod
        def status(cls) -> EngineStatus:
            return EngineStatus(cls.name, True, "loads")

        def translate_batch(self, sentences: Any) -> list[str]:
            raise TranslationFailed("CTranslate2 failed: IndexError")

        def provenance(self) -> Provenance:
            return Provenance(self.name, "1")

    class Works(Breaks):
        name = "apertium"

        def translate_batch(self, sentences: Any) -> list[str]:
            return [s.upper() for s in sentences]

    register_engines(auto_order=("argos", "apertium"), argos=Breaks, apertium=Works)
    document = bireader.read("Hola. ¿Qué tal?")
    result = translate(document, "auto", cache=False)
    assert result.provenance.engine == "apertium"
    assert [p.target for p in result.pairs] == ["HOLA.", "¿QUÉ TAL?"]
    with pytest.raises(TranslationFailed):
        translate(document, "argos", cache=False)
