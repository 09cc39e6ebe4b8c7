"""The Apertium engine: exact 1:1 mapping in one process, cleanup, status and failures.

Tests marked ``apertium`` run the real ``apertium -u spa-eng``; the others put a small
fake ``apertium`` script first on PATH, so the framing, fallbacks and errors are
checked on every machine.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bireader.errors import EngineUnavailable, InvalidOption, TranslationFailed
from bireader.translation.apertium import ApertiumEngine, clean_english, decode, encode
from bireader.translation.base import get_engine

REPO = Path(__file__).resolve().parents[2]
CLEAN_CASES = json.loads((REPO / "tests" / "data" / "apertium_clean.json").read_text("utf-8"))


def _has_spa_eng() -> bool:
    if shutil.which("apertium") is None:
        return False
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return "spa-eng" in listed.stdout.split()


needs_apertium = pytest.mark.skipif(
    not _has_spa_eng(),
    reason="apertium with the spa-eng mode is not installed (apt-get install apertium-eng-spa)",
)

# Sentences Apertium's stream format would choke on if they were passed raw. Each
# carries a distinct number so a translation that lands on the wrong sentence shows.
HOSTILE = [
    "El precio 101 subió [mucho] en la plaza.",
    "Primera línea 202.\n\nSegunda línea tras una línea en blanco.",
    "Los signos 303 ^ $ @ * # < > \\ / { } ~ | se quedan.",
    "El correo 404 es ana@example.es y la web http://example.es/a?b=[1]&c=2.",
    "[bireader-e4] finge 505 ser un marco.",
    "Una barra invertida final 606 \\",
    "¿Pregunta 707? ¡Respuesta!",
    "Tabulador\t808\ry retorno.",
    "\\[ 909 ]\\ ^$ ^casa<n>$",
]


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d{3}", text))


def _starts(calls: list[list[str]]) -> int:
    """How many times the translation pipeline was started (the analyser runs beside it)."""
    return sum(1 for command in calls if Path(command[0]).name != "lt-proc")


# --- a fake apertium on PATH ----------------------------------------------------------


def _fake_apertium(directory: Path, body: str, *, modes: str = "spa-eng") -> Path:
    """Write an ``apertium`` script answering -l/-V and running ``body`` otherwise."""
    script = directory / "apertium"
    script.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        f'  -l) echo "  {modes}"; exit 0 ;;\n'
        '  -V) echo "Apertium 9.8.7"; exit 0 ;;\n'
        "esac\n"
        f"{body}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


@pytest.fixture
def fake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory put first on PATH; tests write their fake ``apertium`` into it."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", f"{directory}:/usr/bin:/bin")
    yield directory


@pytest.fixture
def popen_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every ``subprocess.Popen`` launch (the command) while still running it."""
    calls: list[list[str]] = []
    real = subprocess.Popen

    def counting(command: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(list(command))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counting)
    return calls


# --- stream format, without any apertium ----------------------------------------------


@pytest.mark.parametrize("sentence", HOSTILE)
def test_encode_then_decode_gives_the_sentence_back(sentence: str) -> None:
    assert decode(encode(7, sentence), 7, drop_marks=False) == sentence


def test_encode_decode_round_trip_on_random_hostile_text() -> None:
    rng = random.Random(20261127)
    alphabet = "ab Zé.,;?¿¡!«»\\[]^$/<>@{}~#*|&%0123456789\n\t\r\u00a0\u200b-:'\"áñ"
    for index in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert decode(encode(index, text), index, drop_marks=False) == text, repr(text)


@pytest.mark.parametrize("sentence", HOSTILE)
def test_decode_rejects_a_chunk_framed_for_another_sentence(sentence: str) -> None:
    assert decode(encode(7, sentence), 8) is None


def test_decode_rejects_missing_or_moved_frames() -> None:
    chunk = encode(2, "Hola.")
    assert decode(chunk.replace("[bireader-e2]", ""), 2) is None
    assert decode(chunk.replace("[bireader-s2]", ""), 2) is None
    assert decode(chunk + "[bireader-s3]", 2) is None
    assert decode("", 2) is None


def test_decode_drops_only_apertium_marks() -> None:
    # Bare * # @ before a word are Apertium's; the source's own travel escaped or in blanks.
    chunk = "[bireader-s0]*Witkoff and #cleansing and @darse, [#]MeToo \\@ana [*]x.[][bireader-e0]"
    assert decode(chunk, 0) == "Witkoff and cleansing and darse, #MeToo @ana *x"
    raw = decode(chunk, 0, drop_marks=False)
    assert raw is not None and raw.startswith("*Witkoff and #cleansing and @darse")


def test_fake_identity_apertium_round_trips_hostile_sentences(
    fake_path: Path, popen_calls: list[list[str]]
) -> None:
    _fake_apertium(fake_path, "exec cat")
    engine = ApertiumEngine(clean=False)
    sentences = ["", *HOSTILE, "   ", "Fin."]
    popen_calls.clear()
    assert engine.translate_batch(sentences) == ["", *HOSTILE, "", "Fin."]
    assert len(popen_calls) == 1


def test_a_broken_frame_is_retried_alone(
    fake_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _fake_apertium(fake_path, "exec cat")
    engine = ApertiumEngine(clean=False)
    real_run = engine._run
    batches: list[int] = []

    def run_losing_a_frame_once(chunks: list[str]) -> list[str]:
        batches.append(len(chunks))
        out = real_run(chunks)
        if len(batches) == 1:
            out[1] = out[1].replace("[bireader-e1]", "")
        return out

    monkeypatch.setattr(engine, "_run", run_losing_a_frame_once)
    sentences = ["Uno.", "Dos.", "Tres."]
    with caplog.at_level("WARNING", logger="bireader"):
        assert engine.translate_batch(sentences) == sentences
    assert batches == [3, 1]
    assert "retrying" in caplog.text


def test_a_frame_broken_twice_raises(fake_path: Path) -> None:
    _fake_apertium(fake_path, "exec sed 's/\\[bireader-e1\\]//'")
    engine = ApertiumEngine()
    with pytest.raises(TranslationFailed, match="sentence 2"):
        engine.translate_batch(["Uno.", "Dos.", "Tres."])


def test_shifted_output_is_never_accepted(fake_path: Path) -> None:
    # An apertium that swallows the first chunk: every later chunk is then off by one.
    _fake_apertium(fake_path, "exec sed -z '1d'")
    with pytest.raises(TranslationFailed):
        ApertiumEngine().translate_batch(["Uno.", "Dos.", "Tres."])


def test_failure_reports_first_stderr_line(fake_path: Path) -> None:
    _fake_apertium(fake_path, "cat >/dev/null; echo 'Error: boom' >&2; echo more >&2; exit 3")
    with pytest.raises(TranslationFailed, match=r"apertium failed: Error: boom$"):
        ApertiumEngine().translate_batch(["Hola."])


def test_timeout_stops_the_pipeline(fake_path: Path) -> None:
    _fake_apertium(fake_path, "sleep 30 | cat")
    engine = ApertiumEngine(timeout=0.5)
    # Only the timeout path says this; waiting for the sleep would end in "Hola." instead.
    with pytest.raises(TranslationFailed, match="did not finish"):
        engine.translate_batch(["Hola."])


def test_empty_batch_and_blank_sentences_start_no_process(
    fake_path: Path, popen_calls: list[list[str]]
) -> None:
    _fake_apertium(fake_path, "exit 1")
    engine = ApertiumEngine()
    popen_calls.clear()
    assert engine.translate_batch([]) == []
    assert engine.translate_batch(["", " ", "\n\n"]) == ["", "", ""]
    assert popen_calls == []


# --- status, provenance, registry -----------------------------------------------------


def test_status_and_error_when_apertium_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    status = ApertiumEngine.status()
    assert not status.ready
    assert status.fix is not None and "apertium-eng-spa" in status.fix
    assert "apt-get update" in status.fix
    with pytest.raises(EngineUnavailable, match="apertium-eng-spa"):
        ApertiumEngine()
    with pytest.raises(EngineUnavailable, match="apertium-eng-spa"):
        get_engine("apertium")


def test_status_when_the_spa_eng_mode_is_missing(fake_path: Path) -> None:
    _fake_apertium(fake_path, "exec cat", modes="eng-spa")
    status = ApertiumEngine.status()
    assert not status.ready
    assert "spa-eng" in status.detail
    with pytest.raises(EngineUnavailable, match="apertium-eng-spa"):
        ApertiumEngine()


def test_provenance_and_options(fake_path: Path) -> None:
    _fake_apertium(fake_path, "exec cat")
    cleaned, raw = ApertiumEngine(), ApertiumEngine(clean=False)
    provenance = cleaned.provenance()
    assert (provenance.engine, provenance.engine_version, provenance.model) == (
        "apertium",
        "9.8.7",
        "spa-eng",
    )
    assert provenance.options["unknown_marks"] == "off"
    assert cleaned.provenance().signature() != raw.provenance().signature()
    assert cleaned.safer() is None
    assert ApertiumEngine.sentences_per_call is None


# --- cleaning ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=c["xfail"]))
        if "xfail" in c
        else c
        for c in CLEAN_CASES
    ],
    ids=[c["label"] for c in CLEAN_CASES],
)
def test_clean_english(case: dict[str, str]) -> None:
    assert clean_english(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", CLEAN_CASES, ids=[c["label"] for c in CLEAN_CASES])
def test_clean_english_is_idempotent(case: dict[str, str]) -> None:
    once = clean_english(case["input"])
    assert clean_english(once) == once


@pytest.mark.parametrize(
    "reference", sorted((REPO / "texts").glob("*.en.txt")), ids=lambda path: path.name
)
def test_references_are_aligned_with_the_segmenter(reference: Path) -> None:
    from bireader import read

    source = reference.with_name(reference.name.replace(".en.txt", ".es.txt"))
    sentences = [s.text for s in read(source).sentences()]
    lines = reference.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(sentences), (
        f"{reference.name}: line i must translate sentence i of `bireader segment "
        f"{source.name}`; re-align it ({len(lines)} lines, {len(sentences)} sentences)"
    )
    assert all(line.strip() for line in lines)


# --- the real apertium -----------------------------------------------------------------


@pytest.mark.apertium
@needs_apertium
def test_hostile_sentences_map_one_to_one(popen_calls: list[list[str]]) -> None:
    engine = ApertiumEngine()
    popen_calls.clear()
    batch = engine.translate_batch(HOSTILE)
    assert _starts(popen_calls) == 1
    assert len(batch) == len(HOSTILE)
    for source, target in zip(HOSTILE, batch, strict=True):
        assert _numbers(target) == _numbers(source), (source, target)
    # Each sentence alone gives the same translation as inside the batch.
    assert [engine.translate_batch([s])[0] for s in HOSTILE] == batch
    assert "[1]" in batch[3] and "ana@example.es" in batch[3]
    assert "\n\n" in batch[1]
    for char in "^$@*#<>\\/{}~|":
        assert char in batch[2], (char, batch[2])


@pytest.mark.apertium
@needs_apertium
def test_source_marks_survive_cleaning_and_nul_is_a_space() -> None:
    out = ApertiumEngine().translate_batch(["#MeToo, *nota* y @ana.", "Uno\0dos 123."])
    assert "#MeToo" in out[0] and "*note*" in out[0] and "@ana" in out[0]
    assert "\0" not in out[1] and "123" in out[1] and " " in out[1]


@pytest.mark.apertium
@needs_apertium
def test_decomposed_accents_translate_like_composed_ones() -> None:
    composed = "El éxito de la canción."
    decomposed = "El e\u0301xito de la cancio\u0301n."
    engine = ApertiumEngine()
    assert engine.translate_batch([decomposed]) == engine.translate_batch([composed])


@pytest.mark.apertium
@needs_apertium
def test_random_hostile_text_keeps_every_frame(popen_calls: list[list[str]]) -> None:
    rng = random.Random(1)
    alphabet = "ab Zé.,;?¿¡!«»\\[]^$/<>@{}~#*|&%0123456789\n\t\r\u00a0-:'\"áñ"
    alphabet += "casa perro el la de que y " * 3
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(300)]
    engine = ApertiumEngine()
    popen_calls.clear()
    out = engine.translate_batch(texts)
    # One launch: no sentence lost its frame and needed the retry path (which restarts).
    assert _starts(popen_calls) == 1
    assert len(out) == len(texts)
    assert all(
        target for source, target in zip(texts, out, strict=True) if re.search(r"\w", source)
    )


@pytest.mark.apertium
@needs_apertium
def test_order_and_empty_strings_are_kept() -> None:
    engine = ApertiumEngine()
    sentences = ["", "La casa 111 es roja.", "  ", "El perro 222 ladra.", "", "Fin 333."]
    forward = engine.translate_batch(sentences)
    backward = engine.translate_batch(sentences[::-1])
    assert backward == forward[::-1]
    assert [bool(t) for t in forward] == [bool(s.strip()) for s in sentences]
    assert [_numbers(t) for t in forward] == [_numbers(s) for s in sentences]


@pytest.mark.apertium
@needs_apertium
def test_many_sentences_one_process(popen_calls: list[list[str]]) -> None:
    engine = ApertiumEngine()
    sentences = [f"El documento {n} tiene {n + 1000} palabras." for n in range(300)]
    popen_calls.clear()
    out = engine.translate_batch(sentences)
    assert _starts(popen_calls) == 1
    assert engine.long_lived and "-n" in popen_calls[-1]  # what `apertium -u` passes
    for n, target in enumerate(out):
        assert re.findall(r"\d+", target.replace(",", "")) == [str(n), str(n + 1000)]


@pytest.mark.apertium
@needs_apertium
def test_sample_article_comes_back_as_english() -> None:
    from bireader import read

    document = read(REPO / "texts" / "miami-talks.es.txt")
    sources = [s.text for s in document.sentences()]
    targets = ApertiumEngine().translate_batch(sources)
    assert len(targets) == len(sources) == 11
    english = {"the", "of", "and", "to", "in", "with", "that", "said", "will"}
    spanish = {"el", "los", "las", "de", "que", "y", "con", "para", "del"}
    words = [w.lower() for t in targets for w in re.findall(r"[^\W\d_]+", t)]
    assert sum(w in english for w in words) > 0.2 * len(words)
    assert sum(w in spanish for w in words) == 0
    for target in targets:
        assert target.strip() == target and target
        assert not re.search(r"[«»¿¡]|\s[*#@]\w|\s{2}", target), target


@pytest.mark.apertium
@needs_apertium
def test_cleaning_changes_only_what_it_should() -> None:
    sentence = "Subió un 3,5 % hasta 1.500 personas a las 14.00 h, dijo: «basta»."
    cleaned = ApertiumEngine().translate_batch([sentence])[0]
    raw = ApertiumEngine(clean=False).translate_batch([sentence])[0]
    assert "3,5 %" in raw and "1.500" in raw and "«" in raw
    assert "3.5%" in cleaned and "1,500" in cleaned and "14:00" in cleaned
    assert "“" in cleaned and "«" not in cleaned
    assert cleaned == clean_english(raw)


@pytest.mark.apertium
@needs_apertium
def test_initials_companies_and_meridiem_pass_verbatim() -> None:
    out = ApertiumEngine().translate_batch(
        [
            "Por María J. Fernández y Luis A. Garrido",
            "La empresa Datos y Escrutinio S. A. pidió calma.",
            "Empiezan el lunes a las 10 a. m. en la sede.",
        ]
    )
    assert "Luis A. Garrido" in out[0] and "J. Fernández" in out[0]
    assert "S. A." in out[1]
    assert "10 a.m." in out[2]


# --- options, status caching, long input -------------------------------------------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"beam_size": 4}, "beam_size"),
        ({"clean": "no"}, "clean"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -3}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": True}, "timeout"),
    ],
)
def test_bad_options_raise_one_line_engine_errors(
    fake_path: Path, options: dict[str, Any], named: str
) -> None:
    """Like Argos (and an exporter): an unknown or out-of-range option is InvalidOption."""
    _fake_apertium(fake_path, "exec cat")
    with pytest.raises(InvalidOption) as caught:
        get_engine("apertium", **options)
    message = str(caught.value)
    assert message.startswith("apertium: invalid option: ") and named in message
    assert "\n" not in message


def test_the_mode_list_is_asked_once_per_program(fake_path: Path) -> None:
    log = fake_path / "calls"
    script = _fake_apertium(fake_path, "exec cat")
    text = script.read_text("utf-8").replace("-l)", f'-l) echo l >> "{log}";', 1)
    script.write_text(text, "utf-8")
    for _ in range(3):
        assert ApertiumEngine.status().ready
    ApertiumEngine()
    ApertiumEngine(clean=False)
    assert log.read_text("utf-8").split() == ["l"]
    # A replaced program is asked again.
    _fake_apertium(fake_path, "exec cat", modes="eng-spa")
    assert not ApertiumEngine.status().ready


def test_a_failed_mode_list_is_asked_again(
    fake_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A passing failure (here: a timeout) must not stick for the rest of the process."""
    from bireader.translation import apertium

    _fake_apertium(fake_path, "exec cat")
    real_run = subprocess.run
    failing = [True]

    def run(args: Any, *rest: Any, **kwargs: Any) -> Any:
        if failing[0] and list(args)[1:] == ["-l"]:
            raise subprocess.TimeoutExpired(args, 20)
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(apertium.subprocess, "run", run)
    assert not ApertiumEngine.status().ready
    failing[0] = False
    assert ApertiumEngine.status().ready


def test_a_long_run_of_letters_is_framed_in_linear_time() -> None:
    """The e-mail pattern used to be tried from every position of a letter run."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM to bound a run that would hang")

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("encode/clean_english took over 60 s: superlinear scan")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        word = "ab" * 100_000 + " ana@example.es"
        assert encode(0, word).endswith("[ana@example.es].[][bireader-e0]")
        assert clean_english(word) == word
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- the long-lived pipeline -------------------------------------------------------------


@pytest.mark.apertium
@needs_apertium
def test_one_pipeline_serves_document_after_document(popen_calls: list[list[str]]) -> None:
    engine = ApertiumEngine()
    assert engine.long_lived and engine.sentences_per_call
    popen_calls.clear()
    first = engine.translate_batch(["La casa 111 es roja.", "El perro 222 ladra."])
    second = engine.translate_batch(["El gato 333 duerme."])
    third = engine.translate_batch(["La casa 111 es roja."])
    assert _starts(popen_calls) == 1
    assert _numbers(second[0]) == {"333"} and third[0] == first[0]
    engine.close()
    # Closed, it starts again on the next call and gives the same translation.
    assert engine.translate_batch(["El gato 333 duerme."]) == second
    assert _starts(popen_calls) == 2
    engine.close()


@pytest.mark.apertium
@needs_apertium
def test_a_killed_pipeline_is_restarted() -> None:
    engine = ApertiumEngine()
    before = engine.translate_batch(["El perro 222 ladra."])
    pipelines = engine._pipelines
    assert pipelines is not None
    process = pipelines[1]._process
    assert process is not None
    import os

    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert engine.translate_batch(["El perro 222 ladra."]) == before
    engine.close()


@pytest.mark.apertium
@needs_apertium
def test_long_lived_and_one_shot_translations_are_identical() -> None:
    from bireader import read

    texts = sorted((REPO / "texts").glob("*.es.txt"))
    sentences = [s.text for path in texts for s in read(path).sentences()]
    # Those with a sentence end inside differ on purpose (the capital fixed below).
    inner = re.compile(r"[.?!][^\w\s]*\s+[^\w\s]*[a-zñáéíóú]")
    sentences = [s for s in sentences if not inner.search(s)]
    assert len(sentences) > 60
    long_lived = ApertiumEngine()
    one_shot = ApertiumEngine()
    one_shot._pipelines = None
    assert long_lived.translate_batch(sentences) == one_shot.translate_batch(sentences)
    long_lived.close()


@pytest.mark.apertium
@needs_apertium
def test_progress_moves_as_the_output_streams_back() -> None:
    from bireader import read, translate

    text = " ".join(f"El documento {n} tiene {n + 1000} palabras." for n in range(100))
    seen: list[tuple[int, int]] = []
    translate(read(text), "apertium", cache=False, progress=lambda d, t: seen.append((d, t)))
    assert len(seen) >= 3, seen
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (100, 100)
    assert seen[0][0] < 100


# "Fix at the right depth": a period, ? or ! that bireader keeps inside a sentence must
# not make Apertium start a new one (and capitalise the next word); abbreviations its
# dictionary knows keep their translation. Expected English written by hand.
INNER_ENDS = [
    ("El embajador de EE. UU. en Madrid habló ayer.", "U.S. in Madrid"),
    ("Estudia en la Univ. de Granada desde 2020.", "Univ. of Granada"),
    ("El plan cuesta 900 mill. de euros al año.", "900 mill. of euros"),
    ("¿Vendrás mañana? —preguntó Ana.", "tomorrow? —"),
    ("¡Qué calor! exclamó la vecina.", "heat! exclaimed"),
]


@pytest.mark.apertium
@needs_apertium
@pytest.mark.parametrize(("sentence", "expected"), INNER_ENDS, ids=[e for _, e in INNER_ENDS])
def test_no_capital_after_a_sentence_end_inside_a_sentence(sentence: str, expected: str) -> None:
    engine = ApertiumEngine()
    (target,) = engine.translate_batch([sentence])
    engine.close()
    assert expected in target, target


@pytest.mark.apertium
@needs_apertium
def test_known_abbreviations_and_real_capitals_are_kept() -> None:
    engine = ApertiumEngine()
    out = engine.translate_batch(
        ["La Sra. de Pérez y p. ej. los demás, etc. y más.", "Vive en EE. UU. Madrid no le gusta."]
    )
    engine.close()
    assert "Mrs. of Pérez" in out[0] and "e.g. the" in out[0], out[0]
    # A capital in the source stays a capital.
    assert "Madrid" in out[1]


def _fake_installation(root: Path, rest: str) -> Path:
    """An Apertium installation under ``root``: bin/ with apertium, the mode helper and a
    fake analyser (``lt-proc``), share/apertium/modes/spa-eng.mode. Returns bin/."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    _fake_apertium(bin_dir, "exec cat")
    modes = root / "share" / "apertium" / "modes"
    modes.mkdir(parents=True)
    (modes / "spa-eng.mode").write_text(f"lt-proc -z 'x.bin' | {rest}\n", encoding="utf-8")
    for name, body in (("apertium-wblank-mode", 'cat "$2"'), ("lt-proc", "exec cat")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.fixture
def fake_installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    def make(rest: str) -> Path:
        bin_dir = _fake_installation(tmp_path / "prefix", rest)
        monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
        return bin_dir

    return make


def test_fake_long_lived_pipeline_round_trips_hostile_sentences(fake_installation: Any) -> None:
    fake_installation("cat")
    engine = ApertiumEngine(clean=False)
    assert engine.long_lived
    assert engine.translate_batch(HOSTILE) == HOSTILE
    assert engine.translate_batch(["Fin."]) == ["Fin."]
    engine.close()


def test_fake_long_lived_pipeline_failure_reports_stderr(fake_installation: Any) -> None:
    fake_installation("head -c 1 >/dev/null; echo 'Error: boom' >&2; exit 3")
    with pytest.raises(TranslationFailed, match=r"apertium failed: Error: boom$"):
        ApertiumEngine().translate_batch(["Hola."])


def test_fake_long_lived_pipeline_timeout(fake_installation: Any) -> None:
    fake_installation("sleep 30")
    engine = ApertiumEngine(timeout=0.5)
    with pytest.raises(TranslationFailed, match="did not finish"):
        engine.translate_batch(["Hola."])


def test_without_the_mode_helper_each_call_runs_apertium(
    fake_installation: Any, popen_calls: list[list[str]]
) -> None:
    bin_dir = fake_installation("cat")
    (bin_dir / "apertium-wblank-mode").unlink()
    engine = ApertiumEngine(clean=False)
    assert not engine.long_lived and engine.sentences_per_call is None
    popen_calls.clear()
    assert engine.translate_batch(["Uno."]) == ["Uno."]
    assert [c[0] for c in popen_calls] == ["apertium"]


def test_one_mode_reader_serves_the_engine_and_the_word_analysis(tmp_path: Path) -> None:
    """``read_mode``: the mode file's programs, as written or in null-flush form."""
    from bireader.translation.apertium import ModePipeline, read_mode

    data = tmp_path / "data"
    data.mkdir()
    for name in ("spa-eng.automorf.bin", "spa-eng.prob"):
        (data / name).write_bytes(b"")
    mode = tmp_path / "spa-eng.mode"
    mode.write_text(
        f"lt-proc '{data}/spa-eng.automorf.bin' | apertium-tagger -g $2 '{data}/spa-eng.prob'"
        " | sed 's/a|b/c/'\n",
        encoding="utf-8",
    )
    pipeline = read_mode(mode)
    assert pipeline is not None
    assert pipeline.stages == (
        f"lt-proc '{data}/spa-eng.automorf.bin'",
        f"apertium-tagger -g $2 '{data}/spa-eng.prob'",
        "sed 's/a|b/c/'",
    )
    assert pipeline.data_file("spa-eng.prob") == f"{data}/spa-eng.prob"
    assert pipeline.data_file("spa-eng.autobil.bin") is None  # named nowhere
    (data / "spa-eng.prob").unlink()
    assert pipeline.data_file("spa-eng.prob") is None  # named, but not there
    # With the helper, the null-flush form it prints; a changed file is read again.
    helper = tmp_path / "apertium-wblank-mode"
    helper.write_text('#!/bin/sh\nsed "s/lt-proc/lt-proc $1/" "$2"\n', encoding="utf-8")
    helper.chmod(0o755)
    zipped = read_mode(mode, helper)
    assert zipped is not None and zipped.stages[0] == f"lt-proc -z '{data}/spa-eng.automorf.bin'"
    mode.write_text("lt-proc 'x.bin'\n", encoding="utf-8")
    os.utime(mode, ns=(1, 1))
    assert read_mode(mode) == ModePipeline(("lt-proc 'x.bin'",))
    assert read_mode(tmp_path / "eng-spa.mode") is None
