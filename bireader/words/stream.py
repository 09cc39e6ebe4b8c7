"""Apertium's Spanish analysis of whole documents: one ``lt-proc | apertium-tagger`` run.

The stages are the ones the ``spa-eng`` mode names (its morphological analyser
``spa-eng.automorf.bin``, tagger ``spa-eng.prob`` and bilingual dictionary
``spa-eng.autobil.bin``), run on their own instead of the whole translation:

1. every sentence is framed exactly as the translation engine frames it
   (:func:`bireader.translation.apertium.encode`, NUL-separated, null-flush mode), so
   each output chunk is checked against its own frame and belongs to one sentence;
2. ``lt-proc -z -w spa-eng.automorf.bin | apertium-tagger -z -g -f spa-eng.prob``
   gives every word's analyses, the tagger's choice first;
3. every distinct analysis of the document is looked up once in the bilingual
   dictionary with ``lt-proc -b spa-eng.autobil.bin`` (one more process per document).

A word's character span is found by walking the sentence: each lexical unit's surface
form is the source text itself, so ``sentence[start:end] == surface``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bireader.errors import EngineUnavailable, TranslationFailed
from bireader.translation.apertium import (
    _END,
    _MODE_DIRS,
    _PROTECTED,
    _START,
    INSTALL,
    PAIR,
    _tokens,
    encode,
    read_mode,
)
from bireader.translation.nullflush import NullFlushProcess


@dataclass(frozen=True, slots=True)
class Reading:
    """One part of an analysis: ``rueda<n><f><sg># de prensa`` is lemma ``rueda de prensa``."""

    lemma: str
    tags: tuple[str, ...]
    head: str = ""
    """The lemma's first word when the lemma has a ``#`` tail (``rueda``), else ``""``."""

    @property
    def pos(self) -> str:
        return self.tags[0] if self.tags else ""

    def participle(self) -> Reading:
        """The key of this participle's English participles in a glossary."""
        return Reading(self.lemma, (*self.tags, PARTICIPLE), self.head)

    def bidix_key(self) -> str:
        """The lexical form the bilingual dictionary is looked up with."""
        if self.head:
            lemma = f"{_escape(self.head)}#{_escape(self.lemma[len(self.head) :])}"
        else:
            lemma = _escape(self.lemma)
        return lemma + "".join(f"<{tag}>" for tag in self.tags)


Analysis = tuple[Reading, ...]
"""All parts of one reading of a word: ``del`` is ``de<pr>`` + ``el<det>...``."""


@dataclass(slots=True)
class Token:
    """A lexical unit of one sentence: span, surface and analyses (the tagger's first)."""

    surface: str
    start: int
    end: int
    analyses: list[Analysis] = field(default_factory=list)
    """Empty for a word the analyser does not know."""
    words: list[Token] = field(default_factory=list)
    """A multiword unit kept whole (``rueda de prensa``): its own words, each analysed
    on its own in the same sentence, with their own spans; empty for any other token."""

    @property
    def known(self) -> bool:
        return bool(self.analyses)


@dataclass(frozen=True, slots=True)
class Stages:
    """Paths of the files the ``spa-eng`` mode uses."""

    automorf: str
    prob: str
    autobil: str


def _escape(text: str) -> str:
    return re.sub(r"([\\\[\]^$/<>@{}+#*])", r"\\\1", text)


@cache
def stages() -> Stages:
    """The ``spa-eng`` mode's analyser, tagger and bidix, read from its mode file."""
    for directory in _MODE_DIRS:
        pipeline = read_mode(directory / f"{PAIR}.mode")
        if pipeline is None:
            continue
        automorf, prob, autobil = (
            pipeline.data_file(f"{PAIR}.{name}") for name in ("automorf.bin", "prob", "autobil.bin")
        )
        if automorf and prob and autobil:
            return Stages(automorf, prob, autobil)
    raise EngineUnavailable(
        f"apertium's {PAIR} analyser, tagger or dictionary is missing; install it with: {INSTALL}"
    )


def ready() -> str | None:
    """None when the analysis can run, else why not (one line)."""
    for program in ("lt-proc", "apertium-tagger"):
        if shutil.which(program) is None:
            return f"{program} is not installed; install it with: {INSTALL}"
    try:
        stages()
    except EngineUnavailable as exc:
        return str(exc)
    return None


def _analyser(tagger: bool) -> NullFlushProcess:
    paths = stages()
    script = 'lt-proc -z -w "$1"' + (' | apertium-tagger -z -g -f "$2"' if tagger else "")
    command = ["sh", "-c", script, "sh", paths.automorf, paths.prob]
    return NullFlushProcess(command, "apertium analysis").start()


def _dictionary() -> NullFlushProcess:
    command = ["lt-proc", "-z", "-b", stages().autobil]
    return NullFlushProcess(command, "apertium dictionary lookup").start()


PARTICIPLE = "en-pp"
"""A pseudo-tag: ``glossary[reading.participle()]`` holds the English past participles
of a Spanish participle's glosses (``cerrado`` -> *closed*), made by Apertium's English
generator, for the adjective the participle is used as."""


def _generator() -> NullFlushProcess | None:
    """Apertium's English generator (``spa-eng.autogen.bin``), or None without it."""
    path = Path(stages().autobil).with_name(f"{PAIR}.autogen.bin")
    if not path.is_file():
        return None
    command = ["lt-proc", "-z", "-g", str(path)]
    return NullFlushProcess(command, "apertium English generator").start()


def analyse_document(
    sentences: Sequence[str], *, keep: Callable[[Reading], bool] | None = None
) -> tuple[list[list[Token]], dict[Reading, tuple[str, ...]]]:
    """Tokens of each sentence and the dictionary's glosses of all their readings.

    The analyser and the dictionary start together, once per document.
    """
    generator = _generator()
    try:
        with _analyser(True) as analyser, _dictionary() as dictionary:
            tokens = _analyse_with(analyser, sentences, keep)
            units = [t for sentence in tokens for t in sentence]
            units += [w for t in units for w in t.words]
            readings = [r for t in units for a in t.analyses for r in a]
            glossary = _lookup_with(dictionary, readings)
        if generator is not None:
            glossary.update(_participles_with(generator, glossary))
            generator.close()
    except BaseException:
        if generator is not None:
            generator.stop()
        raise
    return tokens, glossary


def _participles_with(
    generator: NullFlushProcess, glossary: Mapping[Reading, tuple[str, ...]]
) -> dict[Reading, tuple[str, ...]]:
    """The English participles of every verb participle's glosses (one round)."""
    verbs = [r for r in glossary if r.pos == "vblex" and "pp" in r.tags and glossary[r]]
    heads = list(dict.fromkeys(g.split()[0] for r in verbs for g in glossary[r]))
    if not heads:
        return {}
    out = generator.ask(["".join(f"^{_escape(h)}<vblex><pp>$\n" for h in heads)])[0]
    forms = out.split("\n")
    made = {
        head: form.strip()
        for head, form in zip(heads, forms, strict=False)
        if form.strip() and not form.strip().startswith(("#", "*", "@"))
    }
    result: dict[Reading, tuple[str, ...]] = {}
    for reading in verbs:
        glosses = []
        for gloss in glossary[reading]:
            head, _, tail = gloss.partition(" ")
            if head in made:
                glosses.append(f"{made[head]} {tail}".strip())
        if glosses:
            result[reading.participle()] = tuple(dict.fromkeys(glosses))
    return result


def analyse(
    sentences: Sequence[str],
    *,
    tagger: bool = True,
    keep: Callable[[Reading], bool] | None = None,
) -> list[list[Token]]:
    """The tokens of each sentence (one process pipeline for all of them).

    ``tagger=False`` skips the tagger: every token keeps the analyser's own order
    (raw Apertium, the benchmark's baseline). ``keep`` decides which multiword units
    stay one unit: the sentences holding one it refuses are analysed again (by the
    same process) with a superblank between its words, which the analyser never joins.
    With ``keep``, a unit kept whole also gets its own words (:attr:`Token.words`),
    from one more round of the sentences holding one, every unit broken up.
    """
    with _analyser(tagger) as analyser:
        return _analyse_with(analyser, sentences, keep)


def _analyse_with(
    analyser: NullFlushProcess, sentences: Sequence[str], keep: Callable[[Reading], bool] | None
) -> list[list[Token]]:
    found: dict[int, list[Token]] = {i: [] for i, s in enumerate(sentences) if not s.strip()}
    todo = [i for i in range(len(sentences)) if i not in found]
    _analyse_all(analyser, found, todo, sentences, {})
    if keep is not None:
        breaks: dict[int, set[str]] = {}
        for index in todo:
            for token in found[index]:
                if token.analyses and " " in token.surface and not keep(token.analyses[0][0]):
                    breaks.setdefault(index, set()).add(token.surface)
        if breaks:
            _analyse_all(analyser, found, sorted(breaks), sentences, breaks)
        _add_unit_words(analyser, found, todo, sentences)
    return [found[i] for i in range(len(sentences))]


def _add_unit_words(
    analyser: NullFlushProcess,
    found: dict[int, list[Token]],
    todo: list[int],
    sentences: Sequence[str],
) -> None:
    """Give every multiword unit its words: the sentence analysed again, all units broken."""
    units: dict[int, set[str]] = {}
    for index in todo:
        for token in found[index]:
            if token.analyses and " " in token.surface:
                units.setdefault(index, set()).add(token.surface)
    if not units:
        return
    split: dict[int, list[Token]] = {}
    _analyse_all(analyser, split, sorted(units), sentences, units)
    for index in units:
        for token in found[index]:
            if token.analyses and " " in token.surface:
                token.words = [
                    w
                    for w in split[index]
                    if token.start <= w.start and w.end <= token.end and " " not in w.surface
                ]


def _analyse_all(
    analyser: NullFlushProcess,
    found: dict[int, list[Token]],
    todo: list[int],
    sentences: Sequence[str],
    breaks: Mapping[int, set[str]],
) -> None:
    if not todo:
        return
    failed = _analyse_into(analyser, found, todo, sentences, breaks)
    for index in failed:  # a broken frame: retry alone, then give up loudly
        if _analyse_into(analyser, found, [index], sentences, breaks):
            raise TranslationFailed(
                f"apertium analysis could not be mapped to sentence {index + 1}: "
                f"{sentences[index][:60]!r}"
            )


def _frame(index: int, sentence: str, breaks: set[str]) -> str:
    chunk = encode(index, sentence, verbatim=_PROTECTED)
    for surface in breaks:
        if _escape(surface) == surface:  # plain words and spaces, as encode() wrote them
            chunk = chunk.replace(surface, surface.replace(" ", "[] "))
    return chunk


def _analyse_into(
    analyser: NullFlushProcess,
    found: dict[int, list[Token]],
    indices: list[int],
    sentences: Sequence[str],
    breaks: Mapping[int, set[str]],
) -> list[int]:
    chunks = analyser.ask([_frame(i, sentences[i], breaks.get(i, set())) for i in indices])
    failed = []
    for chunk, index in zip(chunks, indices, strict=True):
        tokens = _parse_chunk(chunk, index, sentences[index])
        if tokens is None:
            failed.append(index)
        else:
            found[index] = tokens
    return failed


def _parse_chunk(chunk: str, index: int, sentence: str) -> list[Token] | None:
    pieces = _tokens(chunk)
    if pieces is None or len(pieces) < 2:
        return None
    if pieces[0] != ("blank", f"{_START}{index}") or pieces[-1] != ("blank", f"{_END}{index}"):
        return None
    units: list[list[list[str]]] = []  # each unit: its '/'-separated fields
    current: list[list[str]] | None = None
    body = pieces[1:-1]
    follows_blank: list[bool] = []
    for position, (kind, value) in enumerate(body):
        if current is None:
            if (kind, value) == ("bare", "^"):
                current = [[]]
            elif kind == "blank" and value.startswith((_START, _END)):
                return None
            continue
        if kind == "bare" and value == "$":
            units.append(current)
            following = body[position + 1] if position + 1 < len(body) else None
            follows_blank.append(following == ("blank", ""))
            current = None
        elif kind == "bare" and value == "/":
            current.append([])
        elif kind == "bare":
            current[-1].append(value)
        else:  # an escaped character: a literal one
            current[-1].append("\\" + value if value in "<>+#" else value)
    if current is not None:
        return None
    # The period + empty superblank encode() adds to close the sentence.
    if units and follows_blank[-1] and "".join(units[-1][0]) == ".":
        units.pop()
    tokens: list[Token] = []
    cursor = 0
    for fields in units:
        surface = "".join(fields[0]).replace("\\", "")
        start = sentence.find(surface, cursor)
        if start < 0 or not surface:
            continue  # text encode() passed in a superblank or changed: not a word
        end = start + len(surface)
        cursor = end
        analyses = ["".join(f) for f in fields[1:]]
        if len(analyses) == 1 and analyses[0].startswith("*"):
            tokens.append(Token(surface, start, end))
            continue
        parsed = [_parse_analysis(a) for a in analyses]
        tokens.append(Token(surface, start, end, [p for p in parsed if p]))
    return tokens


_PART = re.compile(r"^((?:\\.|[^<\\])*)((?:<[^<>]+>)*)((?:#.*)?)$")


def _parse_analysis(text: str) -> Analysis:
    readings: list[Reading] = []
    for part in re.split(r"(?<!\\)\+", text):
        match = _PART.match(part)
        if match is None:
            return ()
        lemma = match.group(1).replace("\\", "")
        tags = tuple(re.findall(r"<([^<>]+)>", match.group(2)))
        tail = match.group(3)[1:].replace("\\", "")
        if tail:
            readings.append(Reading(lemma + tail, tags, head=lemma))
        else:
            readings.append(Reading(lemma, tags))
    return tuple(readings)


# -- the bilingual dictionary ---------------------------------------------------------------


def lookup(readings: Iterable[Reading]) -> dict[Reading, tuple[str, ...]]:
    """English translations of each reading, in the dictionary's order (one process)."""
    with _dictionary() as dictionary:
        return _lookup_with(dictionary, readings)


def _lookup_with(
    dictionary: NullFlushProcess, readings: Iterable[Reading]
) -> dict[Reading, tuple[str, ...]]:
    todo = list(dict.fromkeys(r for r in readings if r.tags))
    if not todo:
        return {}
    out = dictionary.ask(["".join(f"^{r.bidix_key()}$\n" for r in todo)])[0]
    units = _split_units(out)
    if len(units) != len(todo):
        raise TranslationFailed(
            f"apertium dictionary lookup returned {len(units)} entries for {len(todo)}"
        )
    return {reading: _glosses(fields[1:]) for reading, fields in zip(todo, units, strict=True)}


def _split_units(text: str) -> list[list[str]]:
    units: list[list[str]] = []
    position, size = 0, len(text)
    while position < size:
        if text[position] != "^":
            position += 1 if text[position] != "\\" else 2
            continue
        fields: list[str] = [""]
        position += 1
        while position < size and text[position] != "$":
            char = text[position]
            if char == "\\" and position + 1 < size:
                fields[-1] += text[position + 1]
                position += 2
                continue
            if char == "/":
                fields.append("")
            else:
                fields[-1] += char
            position += 1
        position += 1
        units.append(fields)
    return units


def _glosses(alternatives: Sequence[str]) -> tuple[str, ...]:
    glosses: list[str] = []
    for alternative in alternatives:
        if not alternative or alternative.startswith("@"):
            continue
        match = _PART.match(alternative)
        if match is None:
            continue
        gloss = (match.group(1) + match.group(3)[1:]).replace("#", "").strip()
        gloss = " ".join(gloss.split())
        if gloss and gloss not in glosses and gloss.lower() != "prpers":
            glosses.append(gloss)
    return tuple(glosses)
