"""The Apertium engine: ``spa-eng`` in one long-lived pipeline per engine.

Apertium reads a *stream format* in which ``\\ [ ] ^ $ / < > @ { }`` are reserved and
``[...]`` is a *superblank* passed through untouched. bireader writes that format
itself (``-f none``) instead of letting ``apertium-destxt`` do it, so each sentence is
framed exactly: ``[bireader-s<i>]`` + escaped sentence + ``.[]`` + ``[bireader-e<i>]``,
and sentences are separated by NUL characters with null-flush mode on (``-z``), which
makes every program of the pipeline translate each sentence on its own. The output is
split on NUL and every chunk is checked against its own frame, so a translation can
never land on the wrong sentence: a chunk whose frame is broken is retried alone, and
if that fails too, ``TranslationFailed`` is raised.

The engine runs the programs of the ``spa-eng`` mode itself, each with ``-z``, and keeps
them running: the first call starts them (loading the dictionaries, about half a
second), every later call, document after document, only writes to them. The analyser
(the first program) runs apart from the rest, so that a period, ``?`` or ``!`` that
Apertium would read as a sentence end *inside* one of bireader's sentences (``EE. UU.
en Madrid``, ``la Univ. de Granada``) is passed on as a blank: Apertium otherwise
capitalises the next word ("U.S. In Madrid"). Where the mode's programs cannot be
found, each call runs ``apertium -u -z -f none spa-eng`` instead.

The output a reader sees is then cleaned (:func:`clean_english`); ``clean=False``
returns what Apertium produced, minus the stream-format escapes.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import shlex
import shutil
import subprocess
import threading
import unicodedata
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bireader.chardata import ADDRESS
from bireader.errors import EngineUnavailable, TranslationFailed
from bireader.model import Provenance
from bireader.translation.base import Engine, EngineStatus, option_error, unknown_options
from bireader.translation.nullflush import NullFlushProcess, kill_group, open_session

log = logging.getLogger(__name__)

PAIR = "spa-eng"
PACKAGE = "apertium-eng-spa"
INSTALL = f"sudo apt-get update && sudo apt-get install apertium {PACKAGE}"

# Reserved in the stream format: a backslash keeps them literal through the pipeline.
_ESCAPED = frozenset("\\[]^$/<>@{}")
# Escaping does not survive for these ('~' and '¿¡' escaped are even deleted, '#' and
# '*' come back bare, like Apertium's own marks), so they travel inside superblanks.
_IN_BLANK = frozenset("~#*")
_MARKS = frozenset("*#@")
_START = "bireader-s"
_END = "bireader-e"
# URLs and e-mail addresses are not Spanish: they travel in superblanks, and the
# cleaner leaves them alone.
_PROTECTED = ADDRESS
# Also passed through verbatim, since Apertium translates the letter "a" in them:
# "10 a. m." (-> "10 to. m."), initials as in "Luis A. Garrido", "S. A." companies.
_VERBATIM = re.compile(
    _PROTECTED.pattern
    + r"|(?<=\d)\s?[ap]\.\s?m\."
    + r"|(?<![\w.])S\.\s?[AL]\.(?!\w)"
    + r"|(?<![\w.])[A-ZÁÉÍÓÚÑ]\.(?=\s?[A-ZÁÉÍÓÚÑ][\w.])"
)


def encode(index: int, sentence: str, *, verbatim: re.Pattern[str] = _VERBATIM) -> str:
    """Frame ``sentence`` as chunk ``index`` of Apertium's stream format.

    Spans ``verbatim`` matches (URLs, e-mail addresses, initials...) travel in superblanks.

    >>> encode(3, "¿Uno [2] $3?\\n\\nsí")
    '[bireader-s3]¿Uno \\\\[2\\\\] \\\\$3?[\\n\\n]sí.[][bireader-e3]'
    """
    out: list[str] = [f"[{_START}{index}]"]
    blank: list[str] = []

    def flush_blank() -> None:
        if not blank:
            return
        run = "".join(blank)
        if run.strip(" "):
            out.append(f"[{_escape_blank(run)}]")
        else:
            out.append(run)
        blank.clear()

    # Apertium's tokenizer reads a decomposed "é" as the word "e" plus a mark.
    sentence = unicodedata.normalize("NFC", sentence)
    protected = {m.start(): m.end() for m in verbatim.finditer(sentence)}
    position = 0
    while position < len(sentence):
        if position in protected:
            flush_blank()
            end = protected[position]
            out.append(f"[{_escape_blank(sentence[position:end])}]")
            position = end
            continue
        char = sentence[position]
        position += 1
        if char.isspace() or char in _IN_BLANK or (not char.isprintable() and char != "\0"):
            blank.append(char)
            continue
        flush_blank()
        if char == "\0":
            out.append(" ")
        elif char in _ESCAPED:
            out.append("\\" + char)
        else:
            out.append(char)
    flush_blank()
    # The period + empty superblank is how apertium-destxt marks a sentence end it
    # inserted; without a blank after it the last word's period is lost in -z mode.
    out.append(f".[][{_END}{index}]")
    return "".join(out)


def _escape_blank(text: str) -> str:
    return text.replace("\\", "\\\\").replace("]", "\\]").replace("[", "\\[").replace("\0", " ")


def decode(chunk: str, index: int, *, drop_marks: bool = True) -> str | None:
    """The plain text of output chunk ``index``, or None if its frame is broken.

    Escapes are resolved, superblanks unwrapped, the inserted ``.[]`` removed and,
    with ``drop_marks``, bare ``* # @`` before a word (Apertium's unknown-word marks;
    the source's own ``#`` and ``*`` travel inside superblanks) dropped.

    >>> decode("[bireader-s0]\\\\@ana *Pepe said [#]yes.[][bireader-e0]", 0)
    '@ana Pepe said #yes'
    >>> decode("[bireader-s1]Hello.[]", 1) is None
    True
    """
    pieces = _tokens(chunk)
    if pieces is None or len(pieces) < 2:
        return None
    if pieces[0] != ("blank", f"{_START}{index}") or pieces[-1] != ("blank", f"{_END}{index}"):
        return None
    body = pieces[1:-1]
    out: list[str] = []
    for position, (kind, value) in enumerate(body):
        if kind == "blank":
            if value.startswith((_START, _END)):
                return None
            out.append(value)
        elif kind == "char":
            out.append(value)
        else:  # a bare character: the only place Apertium's marks can be
            following = body[position + 1] if position + 1 < len(body) else None
            if value == "." and following == ("blank", ""):
                continue
            if (
                drop_marks
                and value in _MARKS
                and following is not None
                and following[0] != "blank"
                and following[1].isalnum()
            ):
                continue
            out.append(value)
    return "".join(out)


def _tokens(chunk: str) -> list[tuple[str, str]] | None:
    """Split a chunk into ('bare'|'char', c) and ('blank', content); None if malformed."""
    tokens: list[tuple[str, str]] = []
    position, size = 0, len(chunk)
    while position < size:
        char = chunk[position]
        if char == "\\":
            if position + 1 >= size:
                return None
            tokens.append(("char", chunk[position + 1]))
            position += 2
        elif char == "[":
            content: list[str] = []
            position += 1
            while position < size and chunk[position] != "]":
                if chunk[position] == "\\" and position + 1 < size:
                    position += 1
                content.append(chunk[position])
                position += 1
            if position >= size:
                return None
            tokens.append(("blank", "".join(content)))
            position += 1
        elif char == "]":
            return None
        else:
            tokens.append(("bare", char))
            position += 1
    return _merge_wordbound(tokens)


def _merge_wordbound(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # "[[x]]" (a word-bound blank, never produced by bireader's input) parses as the
    # blank "[x" followed by a bare "]": drop both rather than leak formatting.
    merged: list[tuple[str, str]] = []
    for kind, value in tokens:
        if (
            (kind, value) == ("bare", "]")
            and merged
            and merged[-1][0] == "blank"
            and (merged[-1][1].startswith("["))
        ):
            merged.pop()
            continue
        merged.append((kind, value))
    return merged


# --- cleaning -----------------------------------------------------------------------

_QUOTES = str.maketrans({"«": "“", "»": "”", "‹": "‘", "›": "’"})
_INVERTED = re.compile(r"[¿¡]\s*")
# "14.00 h" / "14.00 horas" / "9.30 hours"; a period after "h" is kept unless a
# lower-case word follows (then it was the abbreviation's, not the sentence's).
_TIME_H = re.compile(
    r"(?<![\d.,])([01]?\d|2[0-3])[.:]([0-5]\d)\s?(?:h|hrs?|horas|hours)\b(?:\.(?=\s+[a-z]))?"
)
_TIME_AMPM = re.compile(r"(?<![\d.,])(1[0-2]|0?\d)\.([0-5]\d)(?=\s?(?:[ap]\.\s?m\.|[ap]m\b))")
# Spanish writes clock times with an article ("a las 4.30"); Apertium keeps it.
_TIME_ARTICLE = re.compile(r"(?<=\bthe )([01]?\d|2[0-3])\.([0-5]\d)(?![\d]|[.,]\d)")
_MERIDIEM = re.compile(r"(?<=\d)\s?([ap])\.\s?m\.")
_US = re.compile(r"\bEE\.\s?UU\.")
_THOUSANDS_DECIMAL = re.compile(r"(?<![\d.,])([1-9]\d{0,2}(?:\.\d{3})+),(\d+)(?![\d]|[.,]\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:\.\d{3})+(?![\d]|[.,]\d)")
_DECIMAL = re.compile(r"(?<![\d.,])(\d+),(\d+)(?![\d]|[.,]\d)")
_PERCENT = re.compile(r"(\d)[ \u00a0\u202f\u2009]+%")
_DOUBLE_PERIOD = re.compile(r"(?<=[^.\s])\.\.(?!\.)")
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \u00a0\u202f]+(?=[,.;:!?)\]}”’]+(?:\s|$))")
_SPACE_AFTER_OPEN = re.compile(r"([(“‘])[ \u00a0\u202f]+")
_SPACES = re.compile(r"[ \t\u00a0\u202f]{2,}")


def clean_english(text: str) -> str:
    """Fix what Apertium leaves Spanish in its English, without touching the words.

    >>> clean_english("He  said «no» ,  ¿why ?")
    'He said “no”, why?'
    >>> clean_english("1.500 people, 3,5 % more, at 14.00 h in 2024")
    '1,500 people, 3.5% more, at 14:00 in 2024'
    >>> clean_english("See https://x.es/a,1.500 or ana.lopez@x.es: 12.5%")
    'See https://x.es/a,1.500 or ana.lopez@x.es: 12.5%'
    """
    parts: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        parts.append(_clean_plain(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_clean_plain(text[last:]))
    return _tidy_spaces("".join(parts))


def _clean_plain(text: str) -> str:
    text = text.translate(_QUOTES)
    text = _INVERTED.sub("", text)
    text = _MERIDIEM.sub(r" \1.m.", text)
    text = _US.sub("U.S.", text)
    text = _TIME_H.sub(_clock, text)
    text = _TIME_AMPM.sub(_clock, text)
    text = _TIME_ARTICLE.sub(_clock, text)
    text = _THOUSANDS_DECIMAL.sub(lambda m: f"{m.group(1).replace('.', ',')}.{m.group(2)}", text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(".", ","), text)
    text = _DECIMAL.sub(_decimal, text)
    text = _PERCENT.sub(r"\1%", text)
    return _DOUBLE_PERIOD.sub(".", text)


def _clock(match: re.Match[str]) -> str:
    return f"{int(match.group(1))}:{match.group(2)}"


def _decimal(match: re.Match[str]) -> str:
    whole, fraction = match.group(1), match.group(2)
    # "1,500" is also how English writes fifteen hundred: leave the ambiguous case.
    if len(fraction) == 3 and len(whole) <= 3 and not whole.startswith("0"):
        return match.group(0)
    return f"{whole}.{fraction}"


def _tidy_spaces(text: str) -> str:
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _SPACE_BEFORE.sub("", text)
    text = _SPACES.sub(" ", text)
    return text.strip()


# --- the engine ---------------------------------------------------------------------


SENTENCES_PER_CALL = 32
"""Sentences per call with a long-lived pipeline: each call costs a few milliseconds, and
the pipeline's progress callback then moves as the output streams back."""


class ApertiumEngine:
    """Spanish -> English with Apertium's rule-based ``spa-eng`` pair.

    Options: ``clean`` (default True) applies :func:`clean_english` and drops
    unknown-word marks; ``timeout`` (seconds per call, default scaled to the input size).

    The engine starts the mode's programs on its first call and keeps them for the
    next ones; :meth:`close` (or garbage collection) stops them. One engine serves one
    thread at a time (calls are serialised).
    """

    name = "apertium"
    sentences_per_call: int | None = None
    """None (the whole document at once) when each call starts ``apertium``; an instance
    with a long-lived pipeline sets :data:`SENTENCES_PER_CALL`."""

    def __init__(self, *, clean: bool = True, timeout: float | None = None, **options: Any):
        if options:
            raise unknown_options(self.name, options, ("clean", "timeout"))
        if not isinstance(clean, bool):
            raise option_error(self.name, f"clean must be True or False, got {clean!r}")
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not math.isfinite(timeout)
            or timeout <= 0
        ):
            raise option_error(
                self.name, f"timeout must be a number of seconds > 0, got {timeout!r}"
            )
        status = self.status()
        if not status.ready:
            raise EngineUnavailable(f"{status.detail}; install it with: {status.fix}")
        self.clean = clean
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pipelines: tuple[NullFlushProcess, NullFlushProcess] | None = None
        program = shutil.which("apertium")
        stages = None if program is None else _mode_stages(program)
        if stages is not None:
            analyser, rest = stages
            # "-n" and "" are what `apertium -u` gives the mode as $1 and $2.
            rest_command = ["bash", "-c", rest, "apertium", "-n", ""]
            self._pipelines = (
                NullFlushProcess(analyser, "apertium"),
                NullFlushProcess(rest_command, "apertium"),
            )
            self.sentences_per_call = SENTENCES_PER_CALL
        self._finalizer = weakref.finalize(self, _stop_pipelines, self._pipelines)
        options = {"unknown_marks": "off", "clean": "on" if clean else "off"}
        if self._pipelines is not None:
            # Part of the cache key: translations made before sentence ends inside a
            # sentence were blanked (a capital after "EE. UU.") are not reused.
            options["inner_ends"] = "blank"
        self._provenance = Provenance(
            engine=self.name,
            engine_version=_apertium_version(),
            model=PAIR,
            model_version=_package_version(PACKAGE),
            options=options,
        )

    @classmethod
    def status(cls) -> EngineStatus:
        """Ready when ``apertium`` is on PATH and lists the ``spa-eng`` mode."""
        program = shutil.which("apertium")
        if program is None:
            return EngineStatus(
                cls.name, False, f"apertium is not installed (Debian package {PACKAGE})", INSTALL
            )
        listed, error = _list_modes(program, _stamp(program))
        if error is not None:
            return EngineStatus(cls.name, False, f"apertium -l failed: {error}", INSTALL)
        if PAIR not in listed:
            return EngineStatus(
                cls.name, False, f"apertium has no {PAIR} mode (Debian package {PACKAGE})", INSTALL
            )
        return EngineStatus(cls.name, True, f"apertium {PAIR} ({program})")

    def provenance(self) -> Provenance:
        """Engine ``apertium``, its version, model ``spa-eng`` and its package version."""
        return self._provenance

    def safer(self) -> Engine | None:
        """Apertium is rule-based: there is no more conservative decoding."""
        return None

    @property
    def long_lived(self) -> bool:
        """Whether calls share one running pipeline (False: a process per call)."""
        return self._pipelines is not None

    def close(self) -> None:
        """Stop the pipeline's programs (the next call would start them again)."""
        _stop_pipelines(self._pipelines)

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate ``sentences``; same length and order.

        With a long-lived pipeline this writes to the running programs; otherwise it
        starts one ``apertium`` process for the whole batch.
        """
        results: dict[int, str] = {i: "" for i, text in enumerate(sentences) if not text.strip()}
        todo = [i for i in range(len(sentences)) if i not in results]
        if todo:
            failed = self._translate_into(results, todo, sentences)
            if failed:
                # Never guess: retry each broken sentence alone (rare, hostile input).
                log.warning("apertium: %d sentence(s) lost their frame; retrying", len(failed))
                for index in failed:
                    if self._translate_into(results, [index], sentences):
                        raise TranslationFailed(
                            f"apertium output could not be mapped to sentence {index + 1}: "
                            f"{sentences[index][:60]!r}"
                        )
        return [self._finish(results[i]) for i in range(len(sentences))]

    def _translate_into(
        self, results: dict[int, str], indices: list[int], sentences: Sequence[str]
    ) -> list[int]:
        """Translate ``sentences[i]`` for ``i`` in ``indices`` in one run; return failures."""
        chunks = self._run([encode(i, sentences[i]) for i in indices])
        if any(chunk.strip() for chunk in chunks[len(indices) :]):
            log.debug("apertium: unexpected trailing output ignored")
        failed = []
        for position, index in enumerate(indices):
            chunk = chunks[position] if position < len(chunks) else ""
            text = decode(chunk, index, drop_marks=self.clean)
            if text is None:
                failed.append(index)
            else:
                results[index] = text
        if failed and self._pipelines is not None:
            # Whatever broke a frame may have left the stream out of step: start afresh.
            _stop_pipelines(self._pipelines)
        return failed

    def _finish(self, text: str) -> str:
        return clean_english(text) if self.clean else text.strip()

    def _timeout(self, size: int) -> float:
        return self.timeout if self.timeout is not None else 30.0 + size / 2000

    def _run(self, chunks: list[str]) -> list[str]:
        if self._pipelines is None:
            return self._run_once(chunks)
        analyser, rest = self._pipelines
        data = [chunk.encode("utf-8", "replace") for chunk in chunks]
        timeout = self._timeout(sum(len(d) for d in data))
        with self._lock:
            analysed = analyser.run(data, timeout)
            out = rest.run([_inner_ends_as_blanks(chunk) for chunk in analysed], timeout)
        return [chunk.decode("utf-8", "replace") for chunk in out]

    def _run_once(self, chunks: list[str]) -> list[str]:
        data = "".join(chunk + "\0" for chunk in chunks).encode("utf-8", "replace")
        timeout = self._timeout(len(data))
        command = ["apertium", "-u", "-z", "-f", "none", PAIR]
        process = open_session(command, "apertium", subprocess.PIPE)
        try:
            out, err = process.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            kill_group(process)
            process.communicate()
            raise TranslationFailed(f"apertium did not finish within {timeout:.0f} s") from exc
        if process.returncode != 0:
            first = err.decode("utf-8", "replace").strip().splitlines()
            detail = first[0] if first else f"exit status {process.returncode}"
            raise TranslationFailed(f"apertium failed: {detail}")
        return out.decode("utf-8", "replace").split("\0")


def _stop_pipelines(pipelines: tuple[NullFlushProcess, NullFlushProcess] | None) -> None:
    for pipeline in pipelines or ():
        pipeline.stop()


# "^./.<sent>$": Apertium's analysis of a period, ? or ! it reads as a sentence end.
_SENT = re.compile(r"\^([.?!…]+)/\1<sent>\$")


def _inner_ends_as_blanks(analysed: bytes) -> bytes:
    r"""Turn a sentence end Apertium found *inside* one of bireader's sentences into a blank.

    bireader has already decided where sentences end. A period Apertium's analyser
    reads as ``<sent>`` before a lower-case word (an abbreviation its dictionary does
    not know: ``EE. UU. en``, ``Univ. de``, ``mill. de``; ``¿vendrás? —preguntó``)
    would make it capitalise that word; as a superblank it is passed through as it is.
    Abbreviations the dictionary knows (``Sra.``, ``p. ej.``) keep their period inside
    their own analysis and are not touched.

    >>> _inner_ends_as_blanks(b"^Univ/*Univ$^./.<sent>$ ^de/de<pr>$^./.<sent>$[]").decode()
    '^Univ/*Univ$[.] ^de/de<pr>$^./.<sent>$[]'
    >>> _inner_ends_as_blanks(b"^UU/*UU$^./.<sent>$ ^Madrid/Madrid<np>$").decode()
    '^UU/*UU$^./.<sent>$ ^Madrid/Madrid<np>$'
    >>> _inner_ends_as_blanks(b"^EE/*EE$^./.<sent>$ ^UU/*UU$^./.<sent>$ ^en/en<pr>$").decode()
    '^EE/*EE$[.] ^UU/*UU$[.] ^en/en<pr>$'
    """
    text = analysed.decode("utf-8", "surrogateescape")
    if "<sent>" not in text:
        return analysed
    out: list[str] = []
    last = 0
    for match in _SENT.finditer(text):
        if _next_word_is_lower(text, match.end()):
            out.append(text[last : match.start()])
            out.append("[" + match.group(1) + "]")
            last = match.end()
    if not out:
        return analysed
    out.append(text[last:])
    return "".join(out).encode("utf-8", "surrogateescape")


def _next_word_is_lower(text: str, position: int) -> bool:
    """Whether the first word after ``position`` that is not an acronym is lower-case."""
    size = len(text)
    while position < size:
        char = text[position]
        if char == "\\":
            position += 2
        elif char == "[":
            # A superblank: skip it whole; a frame marker ends the search.
            close = position + 1
            while close < size and text[close] != "]":
                close += 2 if text[close] == "\\" else 1
            if text.startswith(_END, position + 1):
                return False
            position = close + 1
        elif char == "^":
            surface_end = position + 1
            while surface_end < size and text[surface_end] not in "/$":
                surface_end += 2 if text[surface_end] == "\\" else 1
            letters = [c for c in text[position + 1 : surface_end] if c.isalpha()]
            # An acronym (UU, EFE) passes the capital on to the word after it.
            if len(letters) == 1 or (letters and not all(c.isupper() for c in letters)):
                return letters[0].islower()
            position = text.find("$", surface_end)
            if position < 0:
                return False
            position += 1
        else:
            position += 1
    return False


@dataclass(frozen=True, slots=True)
class ModePipeline:
    """The programs of an Apertium mode, as its mode file names them."""

    stages: tuple[str, ...]
    """Each program's shell command, in pipeline order."""

    def data_file(self, name: str) -> str | None:
        """The path of the existing file called ``name`` that a program is given, if any.

        >>> ModePipeline(("lt-proc '/nowhere/spa-eng.automorf.bin'",)).data_file(
        ...     "spa-eng.automorf.bin") is None
        True
        """
        for stage in self.stages:
            try:
                arguments = shlex.split(stage)
            except ValueError:
                continue
            for argument in arguments:
                if Path(argument).name == name and Path(argument).is_file():
                    return argument
        return None


def read_mode(mode: Path, helper: Path | None = None) -> ModePipeline | None:
    """The programs of mode file ``mode``, or None if it cannot be read.

    With ``helper`` (``apertium-wblank-mode``) they come in null-flush form (``-z``,
    with the blank handling programs it adds), as the ``apertium`` script runs them;
    without, as the file writes them. Cached per file and helper, while they do not change.
    """
    if not mode.is_file():
        return None
    if helper is None:
        return _read_mode(str(mode), None, _mtime(mode), (0, 0, 0))
    return _read_mode(str(mode), str(helper), _mtime(mode), _stamp(str(helper)))


@functools.cache
def _read_mode(
    mode: str, helper: str | None, mtime: int, stamp: tuple[int, int, int]
) -> ModePipeline | None:
    try:
        if helper is None:
            script = Path(mode).read_text("utf-8", "replace")
        else:
            script = subprocess.run(
                [helper, "-z", mode], capture_output=True, text=True, timeout=20, check=True
            ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    stages = tuple(stage.strip() for stage in _split_pipes(script.strip()))
    return ModePipeline(stages) if all(stages) else None


def _split_pipes(script: str) -> list[str]:
    """The commands of a shell pipeline: ``script`` split at each ``|`` outside quotes.

    >>> _split_pipes("lt-proc 'a|b' | cat -z")
    ["lt-proc 'a|b' ", ' cat -z']
    """
    parts: list[str] = []
    quote = ""
    last = 0
    for index, char in enumerate(script):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "|":
            parts.append(script[last:index])
            last = index + 1
    parts.append(script[last:])
    return parts


def _mode_stages(program: str) -> tuple[list[str], str] | None:
    """The analyser's command and the rest of the ``spa-eng`` pipeline, with ``-z``.

    Read from the mode file of the installation ``program`` belongs to
    (``<prefix>/share/apertium/modes``) with the ``apertium-wblank-mode`` beside it, as
    the ``apertium`` script does; None when any of that is missing (then each call runs
    ``apertium`` itself).
    """
    where = Path(program).resolve().parent
    helper = where / "apertium-wblank-mode"
    if not helper.is_file():
        return None
    pipeline = read_mode(where.parent / "share" / "apertium" / "modes" / f"{PAIR}.mode", helper)
    if pipeline is None or len(pipeline.stages) < 2:
        return None
    try:
        analyser = shlex.split(pipeline.stages[0])
    except ValueError:
        return None
    if not analyser or Path(analyser[0]).name != "lt-proc" or any("$" in a for a in analyser):
        return None
    return analyser, "set -o pipefail; " + " | ".join(pipeline.stages[1:])


def _stamp(program: str) -> tuple[int, int, int]:
    """Changes when the program file is replaced (so cached answers about it are redone)."""
    try:
        info = os.stat(program)
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_size, info.st_mtime_ns)


# Where the Debian packages put their modes: installing a pair adds a file there.
_MODE_DIRS = (Path("/usr/share/apertium/modes"), Path("/usr/local/share/apertium/modes"))
_MODES: dict[tuple[str, tuple[int, int, int], tuple[int, ...]], frozenset[str]] = {}


def _list_modes(program: str, stamp: tuple[int, int, int]) -> tuple[frozenset[str], str | None]:
    """The modes ``program -l`` lists, and the error if it could not run.

    ``status()`` runs for ``auto``, for every engine construction and for each fallback:
    a successful answer is kept per program (path, inode, size, time) and per state of
    the mode directories, so installing a pair is seen at once; a failure is not kept.
    """
    key = (program, stamp, tuple(_mtime(d) for d in _MODE_DIRS))
    if key in _MODES:
        return _MODES[key], None
    try:
        listed = subprocess.run(
            [program, "-l"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return frozenset(), str(exc)
    _MODES[key] = frozenset(listed.split())
    return _MODES[key], None


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _apertium_version() -> str:
    program = shutil.which("apertium")
    return "unknown" if program is None else _version_of(program, _stamp(program))


@functools.cache
def _version_of(program: str, stamp: tuple[int, int, int]) -> str:
    try:
        out = subprocess.run(
            [program, "-V"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"\d+(?:\.\d+)+", out)
    return match.group(0) if match else "unknown"


def _package_version(package: str) -> str | None:
    """The installed Debian package version, or None off Debian.

    Asked once per process and state of dpkg's database, not once per engine.
    """
    return _dpkg_version(package, _mtime(Path("/var/lib/dpkg/status")))


@functools.cache
def _dpkg_version(package: str, status_mtime: int) -> str | None:
    if shutil.which("dpkg-query") is None:
        return None
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
