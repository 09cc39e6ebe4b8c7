"""Many articles at once: ``batch(inputs, out_dir)``, in parallel, resumable, on Dask.

Each input article is read, translated and exported on its own (:func:`run_article`),
by a pool of worker processes that each build their engine once and keep it for
every article they are given (an Apertium engine keeps one pipeline running), or as
tasks on a Dask cluster (``client=``), whose workers do the same. Results come back as
articles finish (:func:`iter_batch`); :func:`batch` runs to the end and returns a
:class:`BatchSummary`.

Outputs mirror the inputs: ``texts/a/b.es.txt`` given as the folder ``texts`` gives
``OUT/a/b.es.html`` (and ``.tmx``...). Every file is written atomically. A manifest in
``OUT/.bireader-batch/`` records each finished article with the options it was made
with, so a rerun skips the articles whose outputs are complete, newer than their input
and made with the same options: a batch killed halfway finishes on the next run, with
nothing lost or duplicated. One article that fails is reported (its name and the
reason) and the others go on.

``tmx_corpus=`` also writes every pair of every article into one TMX memory, in input
order, each unit naming its article in ``<prop type="x-document">``. It is streamed:
each worker leaves its article's units beside the manifest, and the memory is
assembled from them at the end, one article at a time.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from bireader._version import __version__
from bireader.errors import BireaderError, ExportError, InputError

log = logging.getLogger(__name__)

STATE_DIR = ".bireader-batch"
"""The folder in OUT_DIR holding the manifest and each article's TMX units."""

SOME_FAILED = 5
"""The CLI's exit code when some articles failed and the others were written."""

DEFAULT_PATTERNS = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm")
"""Files a folder input contributes by default (``glob=`` replaces them)."""

_FORMAT_SUFFIX = {"html": ".html", "tmx": ".tmx", "tsv": ".tsv", "json": ".json"}
_UNITS = ".units"
_MANIFEST = "manifest.jsonl"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What every article is made with; everything but ``cache`` decides its outputs."""

    formats: tuple[str, ...] = ("html",)
    engine: str = "auto"
    engine_options: Mapping[str, Any] = field(default_factory=dict)
    cache: bool = True
    fallback: bool = True
    input_format: str | None = None
    export_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    align: bool = False
    """Align each ``X.es.*`` with its ``X.en.*`` (:func:`bireader.align`) instead of translating."""

    def signature(self) -> str:
        """A stable digest of the options that change an article's outputs."""
        data = {
            "bireader": __version__,
            "engine": self.engine,
            "engine_options": dict(self.engine_options),
            "fallback": self.fallback,
            "input_format": self.input_format,
            "align": self.align,
            "export": {k: dict(v) for k, v in self.export_options.items()},
        }
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One input: where to read it, how to name it, and the outputs it gets."""

    path: str
    """The file, absolute (what a worker opens)."""
    source: str
    """The input as the user named it: recorded as the document's source."""
    name: str
    """Its path relative to its folder (or its file name): outputs are named after it."""
    partner: str | None = None
    """With ``align``: its English translation (``X.en.*`` beside ``X.es.*``), absolute."""


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What became of one article."""

    name: str
    source: str
    outputs: tuple[str, ...] = ()
    sentences: int = 0
    seconds: float = 0.0
    skipped: bool = False
    """True when the outputs were already complete and up to date (nothing was done)."""
    error: str | None = None
    """Why the article failed (one line), or None."""
    exit_code: int = 0
    """The failure's CLI exit code (2 input, 3 engine, 4 export, 1 other); 0 on success."""
    engine: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """The outcome of a whole batch."""

    articles: int
    translated: int
    skipped: int
    failed: tuple[ArticleResult, ...]
    sentences: int
    seconds: float
    out_dir: str
    tmx_corpus: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(slots=True)
class BatchTally:
    """Running counts of a batch's results, as :class:`BatchSummary` reports them."""

    articles: int = 0
    translated: int = 0
    skipped: int = 0
    sentences: int = 0
    failed: list[ArticleResult] = field(default_factory=list)

    def add(self, result: ArticleResult) -> None:
        """Count one article's result."""
        self.articles += 1
        self.sentences += result.sentences
        if result.skipped:
            self.skipped += 1
        elif result.ok:
            self.translated += 1
        else:
            self.failed.append(result)


# --------------------------------------------------------------------------- inputs


def collect_inputs(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    glob: Sequence[str] | None = None,
    exclude: Sequence[str | os.PathLike[str]] = (),
    align: bool = False,
) -> list[Article]:
    """The articles named by ``inputs``: files, folders (searched recursively) and
    ``@list.txt`` files (one input per line; ``#`` starts a comment; relative lines are
    relative to the list).

    A folder contributes the files matching ``glob`` (default
    :data:`DEFAULT_PATTERNS`), hidden ones and anything under ``exclude`` left out;
    without ``glob``, files whose name says they are in another language than Spanish
    (``X.en.txt``) are left out too. Two inputs whose outputs would have the same name
    are refused (``InputError``), as is a missing input or an empty result.

    With ``align``, the articles are the Spanish files of ``X.es.*`` / ``X.en.*`` pairs
    (each with its English file as ``partner``); a Spanish file named alone must have
    its English beside it.
    """
    patterns = tuple(glob) if glob else DEFAULT_PATTERNS
    skip = [Path(p).resolve() for p in exclude]
    found: list[Article] = []
    for given in inputs:
        found.extend(_expand(str(given), patterns, bool(glob) or align, skip, depth=0))
    if align:
        found = _pairs(found)
    if not found:
        raise InputError("no input articles found (folders are searched for " +
                         ", ".join(patterns) + ")")
    seen: dict[str, Article] = {}
    unique: list[Article] = []
    for article in found:
        key = _stem(article.name)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier.path == article.path:
                continue  # the same file named twice
            raise InputError(
                f"{earlier.source} and {article.source} would both be written as {key}.*; "
                "rename one or run them as separate batches"
            )
        seen[key] = article
        unique.append(article)
    return unique


def _expand(
    given: str, patterns: tuple[str, ...], explicit: bool, skip: list[Path], depth: int
) -> Iterator[Article]:
    if given.startswith("@") and len(given) > 1:
        if depth > 4:
            raise InputError(f"{given}: list files nested too deeply")
        listing = Path(given[1:])
        try:
            lines = listing.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
            raise InputError(f"{given}: cannot read the list: {reason or exc}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{given}: cannot read the list: not UTF-8 text") from exc
        for line in lines:
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            if not entry.startswith("@") and not Path(entry).is_absolute():
                entry = str(listing.parent / entry)
            yield from _expand(entry, patterns, explicit, skip, depth + 1)
        return
    path = Path(given)
    if path.is_dir():
        root = path.resolve()
        for directory, subdirs, files in os.walk(root):
            here = Path(directory)
            subdirs[:] = sorted(
                d for d in subdirs if not d.startswith(".") and not _under(here / d, skip)
            )
            for name in sorted(files):
                if name.startswith(".") or not any(fnmatch.fnmatch(name, p) for p in patterns):
                    continue
                if not explicit and _other_language(name):
                    continue
                full = here / name
                relative = full.relative_to(root).as_posix()
                yield Article(str(full), str(path / relative), relative)
        return
    if not path.is_file():
        raise InputError(f"{given}: no such file or folder")
    yield Article(str(path.resolve()), given, path.name)


def _pairs(found: list[Article]) -> list[Article]:
    """The ``X.es.*`` articles of ``found``, each with its ``X.en.*`` as partner."""
    paired: list[Article] = []
    for article in found:
        path = Path(article.path)
        parts = path.name.split(".")
        if len(parts) < 3 or parts[-2] != "es":
            continue
        prefix = ".".join(parts[:-2])
        partners = sorted(path.parent.glob(f"{_glob_escape(prefix)}.en.*"))
        if not partners:
            raise InputError(f"{article.source}: no English file {prefix}.en.* beside it to align")
        paired.append(replace(article, partner=str(partners[0])))
    if not paired:
        raise InputError("no X.es.* / X.en.* pairs found to align")
    return paired


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _under(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in roots)


def _other_language(name: str) -> bool:
    """Whether a file name declares a language other than Spanish (``X.en.txt``)."""
    parts = name.split(".")
    return len(parts) >= 3 and len(parts[-2]) == 2 and parts[-2].isalpha() and parts[-2] != "es"


def _stem(name: str) -> str:
    """An article's output name without suffix: ``a/b.es.txt`` -> ``a/b.es``."""
    path = Path(name)
    return (path.parent / path.stem).as_posix() if path.suffix else name


def output_paths(out_dir: Path, article: Article, formats: Sequence[str]) -> dict[str, Path]:
    """Where each format of ``article`` is written."""
    stem = _stem(article.name)
    return {fmt: out_dir / f"{stem}{_FORMAT_SUFFIX[fmt]}" for fmt in formats}


def _units_path(out_dir: Path, article: Article) -> Path:
    return out_dir / STATE_DIR / "units" / f"{_stem(article.name)}{_UNITS}"


# --------------------------------------------------------------------------- one article


@dataclass(frozen=True, slots=True)
class Task:
    """One article's work, as sent to a worker process or a Dask worker."""

    article: Article
    out_dir: str
    options: BatchOptions


_local = threading.local()
ENGINES_BUILT = 0
"""How many engines this process built for articles (a test reads it on each worker)."""


def _engine(options: BatchOptions) -> Any:
    """This process's (and thread's) engine for ``options``, built on first use and kept.

    Building an engine runs its readiness checks (``apertium -l``, ``-V``, ``dpkg-query``)
    and keeping it keeps its pipeline or model loaded: once per worker, not per article.
    """
    from bireader.translation.base import get_engine

    engines: dict[str, Any] = getattr(_local, "engines", None) or {}
    _local.engines = engines
    key = _engine_key(options)
    if key not in engines:
        global ENGINES_BUILT
        ENGINES_BUILT += 1
        engines[key] = get_engine(options.engine, **dict(options.engine_options))
    return engines[key]


def _engine_key(options: BatchOptions) -> str:
    return json.dumps([options.engine, dict(options.engine_options)], sort_keys=True, default=str)


def _cache(options: BatchOptions) -> Any:
    if not options.cache:
        return False
    from bireader.translation.cache import TranslationCache

    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = TranslationCache()
    return cache


def run_article(task: Task) -> ArticleResult:
    """Read, translate and export one article; never raises for a bad article.

    The same function runs in a local worker process and as a Dask task, so both give
    the same files. Each output is written atomically; the article's TMX units (for
    ``tmx_corpus``) are written last, beside the manifest.
    """
    from bireader.formats.base import export
    from bireader.reading import read
    from bireader.translation.pipeline import translate

    article, options = task.article, task.options
    out_dir = Path(task.out_dir)
    started = time.perf_counter()
    try:
        document = read(Path(article.path), format=options.input_format)
        document = replace(document, source=article.source)
        if options.align:
            from bireader.alignment import align

            if article.partner is None:
                raise InputError(f"{article.source}: no English file to align it with")
            english = read(Path(article.partner), format=options.input_format, lang="en")
            bi = align(document, english, _engine(options), cache=_cache(options))
        else:
            bi = translate(
                document, _engine(options), cache=_cache(options), fallback=options.fallback
            )
        written: list[str] = []
        for fmt, path in output_paths(out_dir, article, options.formats).items():
            _make_parent(path)
            export(bi, path, format=fmt, **dict(options.export_options.get(fmt, {})))
            written.append(str(path))
        units = _units_path(out_dir, article)
        _make_parent(units)
        _write_units(bi, article.name, units, options)
    except BireaderError as exc:
        return ArticleResult(
            article.name, article.source, error=_one_line(str(exc)), exit_code=exc.exit_code,
            seconds=time.perf_counter() - started,
        )
    except Exception as exc:  # an unexpected failure stops this article, not the batch
        log.debug("%s failed", article.source, exc_info=True)
        return ArticleResult(
            article.name, article.source, error=_one_line(f"{type(exc).__name__}: {exc}"),
            exit_code=1, seconds=time.perf_counter() - started,
        )
    return ArticleResult(
        article.name,
        article.source,
        outputs=tuple(written),
        sentences=len(bi.pairs),
        seconds=time.perf_counter() - started,
        engine=bi.provenance.engine,
    )


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {str(path.parent)!r}: {exc.strerror or exc}") from exc


def _write_units(bi: Any, name: str, path: Path, options: BatchOptions) -> None:
    """The article's ``<tu>`` elements, ready to be copied into the corpus memory.

    They are what the TMX exporter writes for the article (with its name as the
    document), each given a ``tuid`` unique in the corpus: ``NAME#N``.
    """
    import io

    from lxml import etree

    from bireader.formats.base import atomic_writer, export
    from bireader.formats.tmx import clean_xml_text

    buffer = io.BytesIO()
    named = replace(bi, document=replace(bi.document, source=name))
    export(named, buffer, format="tmx", **dict(options.export_options.get("tmx", {})))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(buffer.getvalue(), parser)
    label = clean_xml_text(name)
    try:
        with atomic_writer(path) as stream:
            for number, unit in enumerate(root.iter("tu"), start=1):
                unit.set("tuid", f"{label}#{number}")
                stream.write(etree.tostring(unit, encoding="utf-8", with_tail=False) + b"\n")
    except OSError as exc:
        raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc


# --------------------------------------------------------------------------- the manifest


class Manifest:
    """``OUT/.bireader-batch/manifest.jsonl``: one line per finished article, appended.

    The last line for an article wins. A line cut short by a kill is ignored. The file
    is locked while a batch runs, so two batches never write one folder at once.
    """

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / STATE_DIR / _MANIFEST
        self.entries: dict[str, dict[str, Any]] = {}
        self._stream: IO[str] | None = None

    def open(self) -> None:
        import fcntl

        _make_parent(self.path)
        try:
            stream = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise ExportError(f"cannot write {str(self.path)!r}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            stream.close()
            raise ExportError(
                f"another batch is writing {self.path.parent.parent}; wait for it to finish"
            ) from None
        stream.seek(0)
        text = stream.read()
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                self.entries[entry["name"]] = entry
        if text and not text.endswith("\n"):
            stream.write("\n")  # a line cut short by a kill must not swallow the next one
        self._stream = stream

    def fileno(self) -> int:
        """The descriptor holding the lock (-1 when closed), for children to close."""
        return self._stream.fileno() if self._stream is not None else -1

    def close(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.flush()
                os.fsync(self._stream.fileno())
            self._stream.close()
            self._stream = None

    def up_to_date(self, article: Article, outputs: Iterable[Path], options: BatchOptions) -> bool:
        """Whether ``article`` was finished with these options and its outputs still stand."""
        entry = self.entries.get(article.name)
        if entry is None or entry.get("options") != options.signature():
            return False
        if not set(options.formats) <= set(entry.get("formats", ())):
            return False
        try:
            info = os.stat(article.path)
        except OSError:
            return False
        if entry.get("input") != [info.st_size, info.st_mtime_ns]:
            return False
        if article.partner is not None:
            try:
                other = os.stat(article.partner)
            except OSError:
                return False
            if entry.get("partner") != [other.st_size, other.st_mtime_ns]:
                return False
        for path in outputs:
            try:
                if os.stat(path).st_mtime_ns < info.st_mtime_ns:
                    return False
            except OSError:
                return False
        return True

    def record(self, article: Article, result: ArticleResult, options: BatchOptions) -> None:
        try:
            info = os.stat(article.path)
        except OSError:
            return
        entry = {
            "name": article.name,
            "source": article.source,
            "input": [info.st_size, info.st_mtime_ns],
            "options": options.signature(),
            "formats": sorted(options.formats),
            "sentences": result.sentences,
        }
        if article.partner is not None:
            with contextlib.suppress(OSError):
                other = os.stat(article.partner)
                entry["partner"] = [other.st_size, other.st_mtime_ns]
        self.entries[article.name] = entry
        if self._stream is not None:
            # Flushed line by line: a kill -9 of this process loses at most the article
            # being recorded, which the next run then does again.
            self._stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._stream.flush()


# --------------------------------------------------------------------------- running


ResultCallback = Callable[[ArticleResult], None]


def iter_batch(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    to: Sequence[str] = ("html",),
    engine: str = "auto",
    jobs: int | None = None,
    client: Any = None,
    glob: Sequence[str] | None = None,
    resume: bool = True,
    tmx_corpus: str | os.PathLike[str] | None = None,
    cache: bool = True,
    fallback: bool = True,
    input_format: str | None = None,
    export_options: Mapping[str, Mapping[str, Any]] | None = None,
    engine_options: Mapping[str, Any] | None = None,
    articles: Sequence[Article] | None = None,
    align: bool = False,
) -> Iterator[ArticleResult]:
    """Yield one :class:`ArticleResult` per input article, as articles finish.

    ``to`` names the formats written for each article (``html``, ``tmx``, ``tsv``,
    ``json``); ``export_options`` maps a format to its exporter's options (``{"html":
    {"layout": "reveal"}}``). ``jobs`` worker processes run at once (default: every
    core; 1 runs in this process); ``client`` (a ``dask.distributed.Client``) runs the
    articles as tasks on its cluster instead, where inputs and ``out_dir`` must be on a
    filesystem every worker sees. With ``resume`` (the default), articles whose
    outputs are up to date are yielded with ``skipped=True`` and not redone.
    ``tmx_corpus`` is written once every article is done (also when some failed),
    so consume the iterator to the end. ``articles`` replaces ``inputs`` with a list
    from :func:`collect_inputs`. ``align`` takes ``X.es.*`` / ``X.en.*`` pairs and
    aligns each Spanish article with its English (:func:`bireader.align`; ``engine``
    is then the MT the aligner compares with) instead of translating it.

    Raises ``InputError`` for no or clashing inputs, ``EngineError`` when the engine
    cannot run here, before any work; a failing article is a result, not an exception.
    """
    options = _options(to, engine, cache, fallback, input_format, export_options, engine_options)
    options = replace(options, align=align)
    out = Path(out_dir)
    corpus = Path(tmx_corpus) if tmx_corpus is not None else None
    if articles is None:
        excluded: list[str | os.PathLike[str]] = [out]
        articles = collect_inputs(inputs, glob=glob, exclude=excluded, align=align)
    if client is None:
        options = _resolve_engine(options)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {str(out)!r}: {exc.strerror or exc}") from exc
    manifest = Manifest(out)
    manifest.open()
    try:
        todo: list[Task] = []
        for article in articles:
            outputs = [*output_paths(out, article, options.formats).values(),
                       _units_path(out, article)]
            if resume and manifest.up_to_date(article, outputs, options):
                entry = manifest.entries[article.name]
                yield ArticleResult(
                    article.name, article.source,
                    outputs=tuple(str(p) for p in outputs[:-1]),
                    sentences=int(entry.get("sentences", 0)), skipped=True,
                )
            else:
                todo.append(Task(article, str(out), options))
        by_name = {task.article.name: task.article for task in todo}
        if client is not None:
            results = _run_dask(client, todo)
        else:
            results = _run_local(todo, jobs, manifest.fileno())
        for result in results:
            if result.ok:
                manifest.record(by_name[result.name], result, options)
            yield result
        if corpus is not None:
            write_tmx_corpus(corpus, out, articles, options, manifest)
    finally:
        manifest.close()


def batch(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    on_result: ResultCallback | None = None,
    **kwargs: Any,
) -> BatchSummary:
    """Run :func:`iter_batch` to the end; ``on_result(result)`` sees each article.

    ``bireader.batch(["texts/"], "out/corpus", to=("html", "tmx"))`` turns every
    article under ``texts/`` into a page and a memory; ``kwargs`` are those of
    :func:`iter_batch`.
    """
    started = time.perf_counter()
    tally = BatchTally()
    for result in iter_batch(inputs, out_dir, **kwargs):
        tally.add(result)
        if on_result is not None:
            on_result(result)
    corpus = kwargs.get("tmx_corpus")
    return BatchSummary(
        articles=tally.articles,
        translated=tally.translated,
        skipped=tally.skipped,
        failed=tuple(tally.failed),
        sentences=tally.sentences,
        seconds=time.perf_counter() - started,
        out_dir=str(out_dir),
        tmx_corpus=None if corpus is None else str(corpus),
    )


def _options(
    to: Sequence[str],
    engine: str,
    cache: bool,
    fallback: bool,
    input_format: str | None,
    export_options: Mapping[str, Mapping[str, Any]] | None,
    engine_options: Mapping[str, Any] | None,
) -> BatchOptions:
    formats: list[str] = []
    for fmt in to:
        name = fmt.lower().lstrip(".")
        name = "html" if name == "htm" else name
        if name not in _FORMAT_SUFFIX:
            known = ", ".join(_FORMAT_SUFFIX)
            raise InputError(f"unknown output format {fmt!r} (known: {known})")
        if name not in formats:
            formats.append(name)
    if not formats:
        raise InputError("no output format given (to=html, tmx, tsv or json)")
    return BatchOptions(
        formats=tuple(formats),
        engine=engine,
        engine_options=dict(engine_options or {}),
        cache=cache,
        fallback=fallback,
        input_format=input_format,
        export_options={k: dict(v) for k, v in (export_options or {}).items()},
    )


def _resolve_engine(options: BatchOptions) -> BatchOptions:
    """Fail before any work when the engine cannot run here; settle ``auto`` on a name.

    Every worker then builds the same engine, and the manifest records which one made
    the outputs (``auto`` may mean Argos on one day and Apertium on another).
    """
    from bireader.translation.base import get_engine

    engine = get_engine(options.engine, **dict(options.engine_options))
    resolved = replace(options, engine=engine.name)
    # Kept for this process's own work (--jobs 1); closed before a pool forks.
    engines: dict[str, Any] = getattr(_local, "engines", None) or {}
    _local.engines = engines
    engines.setdefault(_engine_key(resolved), engine)
    return resolved


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _run_local(tasks: list[Task], jobs: int | None, inherited: int = -1) -> Iterator[ArticleResult]:
    jobs = _default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise InputError(f"jobs must be at least 1, got {jobs}")
    jobs = min(jobs, len(tasks)) if tasks else 1
    if jobs == 1:
        try:
            for task in tasks:
                yield run_article(task)
        finally:
            _close_engines()
        return
    import multiprocessing

    _close_engines()  # a worker builds its own: nothing loaded here is shared by a fork
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    pool = context.Pool(jobs, initializer=_init_worker, initargs=(inherited,))
    finished = False
    try:
        yield from pool.imap_unordered(run_article, tasks, chunksize=1)
        finished = True
    finally:
        # Done: the workers read their stop marks and exit. terminate() is only for a
        # batch cut short: after close() it takes the task queue's lock while a worker
        # may still be waiting on it for its stop mark, and that worker never exits.
        if finished:
            pool.close()
        else:
            pool.terminate()
        pool.join()


def _init_worker(inherited: int) -> None:
    """A pool worker leaves Ctrl-C and SIGTERM to the batch that started it, dies with it
    (Linux), and lets go of the manifest's lock it inherited."""
    import atexit
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Stopped by the batch (Ctrl-C, SIGTERM, an error): unwind, so that a file being
    # written is removed, not left as a temporary beside its target.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if inherited >= 0:
        with contextlib.suppress(OSError):
            os.close(inherited)
    _die_with_parent()
    atexit.register(_close_engines)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a ``kill -9`` of the batch)."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:
        os._exit(1)  # the parent is already gone


def _close_engines() -> None:
    from bireader.translation.base import close_engine

    engines: dict[str, Any] = getattr(_local, "engines", None) or {}
    for engine in engines.values():
        with contextlib.suppress(Exception):
            close_engine(engine)
    engines.clear()
    cache = getattr(_local, "cache", None)
    if cache is not None:
        with contextlib.suppress(Exception):
            cache.close()
        _local.cache = None


def _run_dask(client: Any, tasks: list[Task]) -> Iterator[ArticleResult]:
    """Run ``tasks`` on ``client``'s cluster, a bounded number in flight, as they finish."""
    try:
        from distributed import as_completed
    except ImportError as exc:
        from bireader.errors import EngineUnavailable

        raise EngineUnavailable(
            "running on Dask needs dask.distributed: pip install 'bireader[dask]'"
        ) from exc
    if not tasks:
        return
    threads = sum(client.nthreads().values()) or 1
    window = max(8, 4 * threads)
    pending = iter(tasks)
    futures = [client.submit(run_article, task, pure=False) for task in _take(pending, window)]
    running = as_completed(futures)  # type: ignore[no-untyped-call]
    try:
        for future in running:
            result: ArticleResult = future.result()
            for task in _take(pending, 1):
                futures.append(client.submit(run_article, task, pure=False))
                running.add(futures[-1])  # type: ignore[no-untyped-call]
            yield result
    finally:
        # Stopped early (an error, Ctrl-C, a caller that stops iterating): drop the rest.
        client.cancel([f for f in futures if not f.done()])


def _take(iterator: Iterator[Task], count: int) -> list[Task]:
    taken: list[Task] = []
    for task in iterator:
        taken.append(task)
        if len(taken) == count:
            break
    return taken


# --------------------------------------------------------------------------- the corpus


def write_tmx_corpus(
    path: Path, out_dir: Path, articles: Sequence[Article], options: BatchOptions,
    manifest: Manifest,
) -> int:
    """Assemble every finished article's units into one TMX at ``path``; return the count.

    Articles go in input order, one at a time (memory does not grow with the corpus),
    and the file is written atomically.
    """
    from lxml import etree

    from bireader.formats.base import atomic_writer
    from bireader.formats.tmx import CREATION_TOOL, DOCTYPE, _lang_code, tmx_date

    tmx = options.export_options.get("tmx", {})
    src = _lang_code(tmx.get("source_lang") or "es", "es")
    header = etree.Element(
        "header",
        {
            "creationtool": CREATION_TOOL,
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": CREATION_TOOL,
            "adminlang": "en",
            "srclang": src,
            "datatype": "plaintext",
            "creationdate": tmx_date(_now()),
        },
    )
    etree.SubElement(header, "prop", type="x-corpus-options").text = options.signature()
    count = 0
    _make_parent(path)
    try:
        with atomic_writer(path) as stream:
            stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
            stream.write(DOCTYPE.encode("ascii") + b"\n<tmx version=\"1.4\">\n")
            stream.write(etree.tostring(header, encoding="utf-8", pretty_print=True))
            stream.write(b"<body>\n")
            for article in articles:
                if article.name not in manifest.entries:
                    continue
                units = _units_path(out_dir, article)
                try:
                    with units.open("rb") as source:
                        while block := source.read(1 << 20):
                            stream.write(block)
                except OSError as exc:
                    log.warning("%s: its units are missing from the corpus (%s)", article.name, exc)
                    continue
                count += 1
            stream.write(b"</body>\n</tmx>\n")
    except OSError as exc:
        raise ExportError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    return count


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0)
