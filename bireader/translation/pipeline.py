"""``translate(document) -> BilingualDocument``: every sentence gets exactly one translation.

The stage, in order: identical sentences are translated once; each batch is looked up
in the cache and only the misses go to the engine; every output passes the quality
guard (:mod:`bireader.translation.guard`); a flagged sentence is retried with the
engine's safer decoding, then with another ready engine; whatever flags remain, and
the engine that produced the kept output, are recorded on the :class:`Pair`.

The cache holds the translation finally kept for each sentence (keyed by the primary
engine's signature, the guard version and the fallback setting) and each retry
engine's own outputs (keyed by that engine's signature).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bireader.errors import EngineError, InvalidOption, TranslationFailed
from bireader.model import BilingualDocument, Document, Pair, Repair, RepairKind
from bireader.translation.base import (
    Engine,
    ProgressCallback,
    close_engine,
    engine_names,
    get_engine,
    ready_engine_names,
    safer_engine,
    sentences_per_call,
)

if TYPE_CHECKING:
    from bireader.translation.cache import CachedTranslation, TranslationCache

log = logging.getLogger(__name__)


def translate(
    document: Document,
    engine: str | Engine = "auto",
    *,
    cache: bool | TranslationCache | str | os.PathLike[str] | None = True,
    progress: ProgressCallback | None = None,
    fallback: bool = True,
    **options: Any,
) -> BilingualDocument:
    """Translate every sentence of ``document``; return a new bilingual value.

    ``engine`` is a registered name, ``"auto"`` (Argos if an es->en package is
    installed, else Apertium) or an engine instance (left open for the caller).
    ``cache`` is True (the user cache), False, a path or a ``TranslationCache``.
    ``progress(done, total)`` is called with counts of sentences as batches finish.
    ``fallback=False`` keeps flagged sentences on the chosen engine. ``options``
    go to the engine's constructor when ``engine`` is a name.

    Raises ``EngineUnavailable``/``ModelNotInstalled`` when the engine cannot run and
    ``TranslationFailed`` when it does not return one translation per sentence, and
    ``TypeError`` when ``document`` is not a ``Document`` or ``engine`` not an engine.
    """
    if not isinstance(document, Document):
        raise TypeError(
            f"translate() takes a Document, not {type(document).__name__}; "
            "call bireader.read(text) first"
        )
    located = [
        (index, block, sentence)
        for index, block in enumerate(document.blocks)
        for sentence in block.sentences
    ]
    with contextlib.ExitStack() as stack:
        if isinstance(engine, str):
            primary: Engine = get_engine(engine, **options)
            stack.callback(close_engine, primary)
        elif isinstance(engine, Engine):
            primary = engine
        else:
            raise TypeError(
                f"engine must be a name ({', '.join(('auto', *engine_names()))}) or an object"
                f" with name, translate_batch() and provenance(), not {type(engine).__name__}"
            )
        store = _open_cache(cache, stack)
        failed: tuple[str, ...] = ()
        while True:
            run = _Run(primary, store, fallback, stack)
            try:
                results = run.translate_all([s.text for _, _, s in located], progress)
                break
            except EngineError as exc:
                # auto: an engine that fails at translation time is passed over like one
                # that cannot start.
                if engine != "auto" or isinstance(exc, InvalidOption):
                    raise
                failed = (*failed, primary.name)
                try:
                    primary = get_engine("auto", exclude=failed, **options)
                except EngineError:
                    raise exc from None
                log.warning("engine %s failed (%s); using %s", failed[-1], exc, primary.name)
                stack.callback(close_engine, primary)
        provenance = primary.provenance()
    pairs = tuple(
        Pair(
            source=sentence,
            target=results[sentence.text].target,
            block_index=index,
            block_kind=block.kind,
            engine=results[sentence.text].engine,
            flags=results[sentence.text].flags,
            repair=results[sentence.text].repair,
        )
        for index, block, sentence in located
    )
    flagged = sum(1 for p in pairs if p.flags or p.repair)
    if flagged:
        still = sum(1 for p in pairs if p.flags)
        log.warning(
            "%d of %d sentences flagged by the quality guard: %d repaired, %d still flagged",
            flagged, len(pairs), flagged - still, still,
        )
    return BilingualDocument(document=document, pairs=pairs, provenance=provenance)


def _open_cache(
    cache: bool | TranslationCache | str | os.PathLike[str] | None, stack: contextlib.ExitStack
) -> TranslationCache | None:
    if cache is None or cache is False:
        return None
    from bireader.translation.cache import TranslationCache

    if isinstance(cache, TranslationCache):
        return cache
    store = TranslationCache(None if cache is True else cache)
    stack.callback(store.close)
    return store


class _Run:
    """One document's translation: the primary engine, its cache, and lazily built retries."""

    def __init__(
        self,
        primary: Engine,
        store: TranslationCache | None,
        fallback: bool,
        stack: contextlib.ExitStack,
    ) -> None:
        self.primary = primary
        self.store = store
        self.fallback = fallback
        self.stack = stack
        self._signatures: dict[int, str] = {}
        self._alternatives: list[Engine] = []
        self._builder = self._build_alternatives()

    def translate_all(
        self, texts: Sequence[str], progress: ProgressCallback | None
    ) -> dict[str, CachedTranslation]:
        """One kept translation per distinct text."""
        from bireader.translation.cache import CachedTranslation

        total = len(texts)
        weight = Counter(texts)
        results: dict[str, CachedTranslation] = {}
        unique: list[str] = []
        for text in weight:
            if text.strip():
                unique.append(text)
            else:
                results[text] = CachedTranslation(text, "", (), self.primary.name)
        done = sum(weight[t] for t in results)
        size = sentences_per_call(self.primary) or max(1, len(unique))
        log.info("translating %d sentences (%d distinct) with %s", total, len(unique),
                 self.primary.name)
        kept_key = self._kept_signature()
        for start in range(0, len(unique), size):
            chunk = unique[start : start + size]
            kept = self.store.get_many(kept_key, chunk) if self.store is not None else {}
            todo = [t for t in chunk if t not in kept]
            if todo:
                got = self._attempt(self.primary, todo, cached=False)
                flagged = [t for t in todo if got[t].flags]
                if flagged:
                    got.update(self._repair(flagged, got))
                if self.store is not None:
                    self.store.put_many(kept_key, [got[t] for t in todo])
                kept.update(got)
            log.debug("%d of %d sentences from the cache", len(chunk) - len(todo), len(chunk))
            results.update(kept)
            done += sum(weight[t] for t in chunk)
            if progress is not None:
                progress(done, total)
        if progress is not None and not unique:
            progress(total, total)
        return results

    def _signature(self, engine: Engine) -> str:
        """The cache key of ``engine``'s outputs: its provenance and the guard version.

        The flags stored with an output are the guard's verdict, so an entry of another
        guard version is simply not found: the cache itself never judges an entry.
        """
        from bireader.translation.guard import GUARD_VERSION

        key = id(engine)
        if key not in self._signatures:
            signature = engine.provenance().signature()
            self._signatures[key] = f"{signature}|guard={GUARD_VERSION}"
        return self._signatures[key]

    def _kept_signature(self) -> str:
        """The cache key of the translations finally kept with this primary engine.

        What is kept also depends on whether fallback was allowed, so that is part of
        the key. A warm run then needs no retry and builds no other engine.
        """
        fallback = "on" if self.fallback else "off"
        return f"{self._signature(self.primary)}|fallback={fallback}"

    def _attempt(
        self, engine: Engine, texts: Sequence[str], *, cached: bool = True
    ) -> dict[str, CachedTranslation]:
        """``engine``'s guarded translations of ``texts``; with ``cached``, via the cache."""
        from bireader.translation import guard
        from bireader.translation.cache import CachedTranslation

        store = self.store if cached else None
        signature = self._signature(engine)
        found = store.get_many(signature, texts) if store is not None else {}
        misses = [t for t in texts if t not in found]
        if not misses:
            return found
        targets = engine.translate_batch(misses)
        if len(targets) != len(misses) or not all(isinstance(t, str) for t in targets):
            raise TranslationFailed(
                f"engine {engine.name!r} returned {len(targets)} translations"
                f" for {len(misses)} sentences"
            )
        fresh = [
            CachedTranslation(src, tgt, guard.check(src, tgt), engine.name)
            for src, tgt in zip(misses, targets, strict=True)
        ]
        if store is not None:
            store.put_many(signature, fresh)
        found.update((entry.source, entry) for entry in fresh)
        return found

    def _repair(
        self, flagged: list[str], first: dict[str, CachedTranslation]
    ) -> dict[str, CachedTranslation]:
        """Retry ``flagged`` texts with each alternative until they pass the guard.

        Per text, the output with the fewest flags is kept; on a tie the later attempt
        wins, since each alternative is meant to be an improvement on the last.
        """
        best = {t: first[t] for t in flagged}
        remaining = list(flagged)
        alternatives = self._iter_alternatives()
        while remaining:
            # Ask for the next alternative only when needed: building one can be costly.
            alternative = next(alternatives, None)
            if alternative is None:
                break
            try:
                got = self._attempt(alternative, remaining)
            except EngineError as exc:
                log.warning("retry with %s failed: %s", alternative.name, exc)
                continue
            for text in remaining:
                if len(got[text].flags) <= len(best[text].flags):
                    best[text] = got[text]
            remaining = [t for t in remaining if best[t].flags]
        for text in remaining:
            log.info("sentence kept flags %s: %.60r", ",".join(best[text].flags), text)
        return {text: self._record(first[text], best[text]) for text in flagged}

    def _record(self, first: CachedTranslation, kept: CachedTranslation) -> CachedTranslation:
        """The kept output, carrying why it was retried and how, when it replaced ``first``."""
        if kept is first:
            return kept
        rescue: RepairKind = "retried" if kept.engine == self.primary.name else "fallback"
        return replace(kept, repair=Repair(rescue, first.flags))

    def _iter_alternatives(self) -> Iterator[Engine]:
        """The primary's safer copy, then (with fallback) every other ready engine.

        Each is built the first time a flagged sentence needs it, once per document.
        """
        index = 0
        while True:
            if index == len(self._alternatives):
                built = next(self._builder, None)
                if built is None:
                    return
                self._alternatives.append(built)
            yield self._alternatives[index]
            index += 1

    def _build_alternatives(self) -> Iterator[Engine]:
        try:
            safer = safer_engine(self.primary)
        except EngineError as exc:
            log.warning("%s cannot decode more safely: %s", self.primary.name, exc)
            safer = None
        if safer is not None:
            yield safer
        if not self.fallback:
            return
        for name in ready_engine_names(exclude=(self.primary.name,)):
            try:
                other = get_engine(name)
            except EngineError as exc:
                log.warning("fallback engine %s cannot run: %s", name, exc)
                continue
            self.stack.callback(close_engine, other)
            yield other
