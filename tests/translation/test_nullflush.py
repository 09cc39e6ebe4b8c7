"""The long-lived null-flush process behind the Apertium engine and the word analysis.

Real programs (``cat``, ``sed``, ``sh``) stand in for Apertium's: each answers a
NUL-terminated chunk with one NUL-terminated chunk, as ``lt-proc -z`` does.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from bireader.errors import TranslationFailed
from bireader.translation.nullflush import NullFlushProcess


@pytest.fixture
def cat() -> Iterator[NullFlushProcess]:
    process = NullFlushProcess(["cat"], "cat")
    yield process
    process.stop()


def _pid(process: NullFlushProcess) -> int:
    running = process._process
    assert running is not None
    return running.pid


def test_one_program_answers_call_after_call(cat: NullFlushProcess) -> None:
    assert cat._process is None  # started on demand
    assert cat.run([b"uno", b"", b"tres \xff"]) == [b"uno", b"", b"tres \xff"]
    first = _pid(cat)
    assert cat.ask(["cuatro", "¿cinco?"]) == ["cuatro", "¿cinco?"]
    assert _pid(cat) == first
    assert cat.run([]) == []


def test_start_loads_before_the_input_is_known(cat: NullFlushProcess) -> None:
    assert cat.start() is cat
    started = _pid(cat)
    assert cat.ask(["hola"]) == ["hola"]
    assert _pid(cat) == started


def test_a_stopped_or_dead_program_is_started_again(cat: NullFlushProcess) -> None:
    cat.ask(["uno"])
    first = _pid(cat)
    cat.stop()
    cat.stop()  # idempotent
    assert cat._process is None
    assert cat.ask(["dos"]) == ["dos"]
    second = _pid(cat)
    assert second != first
    os.kill(second, signal.SIGKILL)
    running = cat._process
    assert running is not None
    running.wait(timeout=10)
    assert cat.ask(["tres"]) == ["tres"]
    assert _pid(cat) != second


def test_a_forked_child_starts_its_own_program(cat: NullFlushProcess) -> None:
    cat.ask(["padre"])
    parent_program = _pid(cat)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            answer = cat.ask(["hijo"])[0]
            own = _pid(cat) != parent_program
            cat.stop()
            os.write(write_end, f"{answer} {own}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        report = reader.read().decode()
    os.waitpid(child, 0)
    assert report == "hijo True"
    # The child's stop() left the parent's program running.
    assert _pid(cat) == parent_program
    assert cat.ask(["otra vez"]) == ["otra vez"]
    assert _pid(cat) == parent_program


def test_timeout_names_the_program_and_stops_it() -> None:
    process = NullFlushProcess(["sh", "-c", "sleep 30 | cat"], "apertium analysis")
    with pytest.raises(TranslationFailed, match=r"^apertium analysis did not finish within 1 s$"):
        process.run([b"hola"], timeout=0.6)
    assert process._process is None


def test_a_failure_reports_the_first_stderr_line() -> None:
    script = "head -c 1 >/dev/null; echo 'Error: boom' >&2; echo more >&2; exit 3"
    process = NullFlushProcess(["sh", "-c", script], "apertium")
    with pytest.raises(TranslationFailed, match=r"^apertium failed: Error: boom$"):
        process.ask(["hola"])
    assert process._process is None


def test_a_failure_without_a_message_gives_the_exit_status() -> None:
    process = NullFlushProcess(["sh", "-c", "head -c 1 >/dev/null; exit 4"], "lookup")
    with pytest.raises(TranslationFailed, match=r"^lookup failed: .*exit status 4"):
        process.ask(["hola"])


def test_output_after_the_last_answer_starts_afresh() -> None:
    # Two answers to one chunk, in one write: the stream is out of step.
    process = NullFlushProcess(["sed", "-u", "-z", r"s/$/\x00extra/"], "sed")
    assert process.ask(["uno"]) == ["uno"]
    assert process._process is None
    assert process.ask(["dos"]) == ["dos"]
    process.stop()


def test_a_program_that_cannot_run() -> None:
    process = NullFlushProcess(["/nonexistent/lt-proc"], "apertium dictionary lookup")
    with pytest.raises(TranslationFailed, match=r"^cannot run apertium dictionary lookup: "):
        process.start()
    assert process._process is None and process._stderr is None


def test_close_waits_and_reports_a_failure_exit() -> None:
    with NullFlushProcess(["cat"], "cat") as process:
        assert process.ask(["uno"]) == ["uno"]
    assert process._process is None
    failing = NullFlushProcess(["sh", "-c", "cat; echo 'Error: late' >&2; exit 2"], "tagger")
    failing.ask(["uno"])
    with pytest.raises(TranslationFailed, match=r"^tagger failed: Error: late$"):
        failing.close()
    assert failing._process is None


def test_an_error_inside_the_block_stops_the_program() -> None:
    with pytest.raises(KeyError), NullFlushProcess(["cat"], "cat") as process:
        process.ask(["uno"])
        pid = _pid(process)
        raise KeyError("boom")
    assert process._process is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
