"""Word study: every Spanish word explained offline, with Apertium's own Spanish data.

:func:`analyze` gives each word of each sentence its exact span, lemma, UD part of
speech and features, and English glosses ordered best first for its sentence (the
ones its translation uses first). See ``docs/words.md``.

The analysis runs Apertium's ``spa-eng`` analyser and tagger once per document, looks
every distinct reading up once in its bilingual dictionary, and keeps the result in
bireader's translation cache (keyed by sentence and analyser version), so a second
run of the same article starts no process at all.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections.abc import Sequence
from typing import Any, overload

from bireader.errors import EngineUnavailable
from bireader.model import BilingualDocument, Document, Word

__all__ = ["ANALYSIS_VERSION", "Pending", "analyze", "analyze_sentences", "begin", "status"]

log = logging.getLogger("bireader")

ANALYSIS_VERSION = 8
"""Bumped whenever the rules change what a word gets (old cache entries are then unused)."""


def status() -> str | None:
    """None when Apertium's analyser is installed, else a one-line reason and fix."""
    from bireader.words import stream

    return stream.ready()


class Pending:
    """An analysis running in a background thread (:func:`begin`); pass it to ``analyze``."""

    def __init__(self, sentences: Sequence[str], cache: bool) -> None:
        self._sentences = list(sentences)
        self._cache = cache
        self._result: dict[str, list[Word]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="bireader-words")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = _raw_words(self._sentences, self._cache)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc

    def result(self) -> dict[str, list[Word]]:
        """Each sentence's words (offsets within the sentence); raises what the thread raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def begin(doc: Document, *, cache: bool = True) -> Pending:
    """Start analysing ``doc``'s sentences in a background thread, e.g. while it is
    being translated; ``analyze(bi, pending=...)`` then waits for it.

    >>> import bireader
    >>> doc = bireader.read("Hola.")
    >>> pending = begin(doc)  # doctest: +SKIP
    >>> bi = bireader.analyze(bireader.translate(doc), pending=pending)  # doctest: +SKIP
    """
    return Pending([s.text for s in doc.sentences()], cache)


@overload
def analyze(
    doc: BilingualDocument, *, cache: bool = True, pending: Pending | None = None
) -> BilingualDocument: ...
@overload
def analyze(
    doc: Document, *, cache: bool = True, pending: Pending | None = None
) -> tuple[tuple[Word, ...], ...]: ...


def analyze(
    doc: BilingualDocument | Document, *, cache: bool = True, pending: Pending | None = None
) -> BilingualDocument | tuple[tuple[Word, ...], ...]:
    """Explain every word of ``doc``.

    A :class:`~bireader.model.BilingualDocument` comes back as a new value whose pairs
    carry ``words``, glosses ordered by each sentence's translation and words the
    translation left in Spanish marked ``untranslated``. ``pending`` is an analysis
    :func:`begin` started beside the translation (its sentences are not redone). A plain
    :class:`~bireader.model.Document` gives one tuple of words per sentence, in order,
    glosses in the dictionary's order. ``cache=False`` neither reads nor fills the
    translation cache. Raises :class:`~bireader.errors.EngineUnavailable` without
    Apertium's ``spa-eng`` data.

    >>> import bireader
    >>> words = bireader.analyze(bireader.read("Dio una rueda de prensa."))  # doctest: +SKIP
    >>> [(w.text, w.lemma, w.upos, w.glosses[0]) for w in words[0]]  # doctest: +SKIP
    [('Dio', 'dar', 'VERB', 'give'), ('una', 'uno', 'DET', 'a'),
     ('rueda de prensa', 'rueda de prensa', 'NOUN', 'press conference')]
    """
    if isinstance(doc, BilingualDocument):
        sources = [pair.source for pair in doc.pairs]
        found = analyze_sentences(
            [s.text for s in sources],
            [s.start for s in sources],
            [pair.target for pair in doc.pairs],
            cache=cache,
            pending=pending,
        )
        pairs = tuple(
            dataclasses.replace(pair, words=words)
            for pair, words in zip(doc.pairs, found, strict=True)
        )
        return dataclasses.replace(doc, pairs=pairs)
    sentences = list(doc.sentences())
    return tuple(
        analyze_sentences(
            [s.text for s in sentences], [s.start for s in sentences], cache=cache, pending=pending
        )
    )


def analyze_sentences(
    sentences: Sequence[str],
    offsets: Sequence[int] | None = None,
    translations: Sequence[str] | None = None,
    *,
    cache: bool = True,
    pending: Pending | None = None,
) -> list[tuple[Word, ...]]:
    """The words of each sentence; spans shifted by ``offsets`` (default 0).

    With ``translations`` (one per sentence), glosses are ordered by them and
    untranslated words marked.
    """
    from bireader.words import analysis

    offsets = list(offsets) if offsets is not None else [0] * len(sentences)
    raw = pending.result() if pending is not None else {}
    missing = [s for s in sentences if s not in raw]
    if missing:
        raw = {**raw, **_raw_words(missing, cache)}
    result: list[tuple[Word, ...]] = []
    for index, sentence in enumerate(sentences):
        english = translations[index] if translations is not None else ""
        result.append(tuple(_place(w, offsets[index], english, analysis) for w in raw[sentence]))
    return result


def _raw_words(sentences: Sequence[str], cache: bool) -> dict[str, list[Word]]:
    """Each sentence's words, offsets within the sentence, glosses in dictionary order:
    from the cache, else from one Apertium run for all the sentences missing there."""
    from bireader.words import analysis, stream

    raw: dict[str, list[Word]] = {}
    store = _open_cache() if cache else None
    signature = _signature() if cache else ""
    try:
        if store is not None:
            for source, data in store.get_analyses(signature, sentences).items():
                try:
                    raw[source] = [_from_row(row) for row in json.loads(data)]
                except (ValueError, TypeError, KeyError, IndexError):
                    log.debug("word cache entry unreadable; analysing again")
        todo = list(dict.fromkeys(s for s in sentences if s not in raw))
        if todo:
            reason = stream.ready()
            if reason is not None:
                raise EngineUnavailable(f"word study needs Apertium: {reason}")
            tokens, glossary = stream.analyse_document(todo, keep=analysis.keep_unit)
            fresh = {
                source: analysis.build_words(found, glossary, 0)
                for source, found in zip(todo, tokens, strict=True)
            }
            raw.update(fresh)
            if store is not None:
                store.put_analyses(
                    signature,
                    {
                        s: json.dumps([_to_row(w) for w in ws], ensure_ascii=False)
                        for s, ws in fresh.items()
                    },
                )
    finally:
        if store is not None:
            store.close()
    return raw


def _place(word: Word, offset: int, english: str, analysis: Any) -> Word:
    parts = tuple(_place(p, offset, english, analysis) for p in word.parts)
    glosses = analysis.order_glosses(word, english) if english else word.glosses
    return dataclasses.replace(
        word,
        start=word.start + offset,
        end=word.end + offset,
        glosses=glosses,
        parts=parts,
        untranslated=bool(english) and not word.parts and analysis.is_untranslated(word, english),
    )


def _signature() -> str:
    from bireader.translation.apertium import PACKAGE, _apertium_version, _package_version
    from bireader.words import wordnet

    return (
        f"words:{ANALYSIS_VERSION}|apertium:{_apertium_version()}"
        f"|spa-eng@{_package_version(PACKAGE) or '?'}|wordnet:{wordnet.digest()}"
    )


def _open_cache() -> Any:
    from bireader.translation.cache import TranslationCache

    return TranslationCache()


def _to_row(word: Word) -> list[Any]:
    return [
        word.text,
        word.start,
        word.end,
        word.lemma,
        word.upos,
        word.features,
        list(word.glosses),
        [_to_row(p) for p in word.parts],
        word.known,
    ]


def _from_row(row: list[Any]) -> Word:
    text, start, end, lemma, upos, features, glosses, parts, known = row
    return Word(
        str(text),
        int(start),
        int(end),
        str(lemma),
        str(upos),
        str(features),
        tuple(str(g) for g in glosses),
        tuple(_from_row(p) for p in parts),
        bool(known),
    )
