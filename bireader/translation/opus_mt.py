"""OPUS-MT / Tatoeba-MT models: install a release zip (converted once to CTranslate2),
install a pre-converted CTranslate2 directory, and translate with either.

The University of Helsinki publishes its Marian models as zips holding ``decoder.yml``,
the ``.npz`` weights, ``*.vocab.yml`` and the SentencePiece models ``source.spm`` and
``target.spm``. :func:`install_release` converts one with CTranslate2's own
``OpusMTConverter`` (numpy and PyYAML; no torch), int8 by default, into
:func:`bireader.translation.models.models_dir`. :class:`OpusMTEngine` then runs it
like the Argos engine runs a package: SentencePiece in, batches through CTranslate2,
SentencePiece out.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from bireader.errors import EngineUnavailable, InputError, ModelNotInstalled
from bireader.translation import ct2
from bireader.translation.base import EngineStatus
from bireader.translation.catalog import METADATA, ModelEntry, read_model_dir
from bireader.translation.ct2 import ArgosOptions, CT2Engine
from bireader.translation.models import (
    check_archive_size,
    checked_names,
    clean_stale,
    install_errors,
    models_dir,
    replace_dir,
    require_zip,
    staging_dir,
)

log = logging.getLogger(__name__)

RELEASE_URL = "https://object.pouta.csc.fi/Tatoeba-MT-models/spa-eng/opus-2020-08-18.zip"
"""The published Tatoeba-MT spa-eng release (SentencePiece spm32k; the model Hugging Face
hosts as ``Helsinki-NLP/opus-mt-es-en``). ``BIREADER_OPUS_MT_URL`` overrides it."""
INSTALL_FIX = "bireader models install opus-mt es en"
MAX_DECODER_YML = 64 * 1024

_LANGUAGES = {"es": "es", "spa": "es", "en": "en", "eng": "en"}


def release_url() -> str:
    return os.environ.get("BIREADER_OPUS_MT_URL") or RELEASE_URL


def language(code: str) -> str:
    """A language code as bireader names it: ``spa`` -> ``es``, ``es_ES`` -> ``es``.

    >>> language("spa"), language("eng"), language("es_ES"), language("fra")
    ('es', 'en', 'es', 'fra')
    """
    base = re.split(r"[_-]", code.strip().lower())[0]
    return _LANGUAGES.get(base, base)


def languages_from_text(text: str) -> tuple[str, str] | None:
    """The pair a release README or model card names: its language lines, else the
    ``xxx-yyy/`` folder of its download link.

    >>> languages_from_text("* source language(s): spa\\n* target language(s): eng\\n")
    ('es', 'en')
    >>> languages_from_text("* download: [a.zip](https://x/OPUS-MT-models/es-en/a.zip)")
    ('es', 'en')
    """
    found: dict[str, str] = {}
    for side in ("source", "target"):
        match = re.search(rf"^\W*{side} languages?(?:\(s\))?\s*:\s*(.+)$", text, re.M | re.I)
        if match:
            codes = match.group(1).split()
            if len(codes) != 1:
                return None  # a multilingual model: not an es->en one
            found[side] = language(codes[0])
    if len(found) == 2:
        return found["source"], found["target"]
    link = re.search(r"MT-models/([a-z]{2,3}(?:_[A-Za-z]+)?)-([a-z]{2,3}(?:_[A-Za-z]+)?)/", text)
    if link:
        return language(link.group(1)), language(link.group(2))
    return None


def _require_yaml() -> Any:
    try:
        import yaml
    except ImportError as exc:
        raise EngineUnavailable(
            "converting an OPUS-MT release needs PyYAML: pip install PyYAML"
        ) from exc
    return yaml


def _checked_pair(found: tuple[str, str] | None, given: tuple[str, str] | None,
                  source: Path) -> tuple[str, str]:
    pair = given or found
    if pair is None:
        raise InputError(
            f"{source}: cannot tell the model's languages (no README naming them);"
            " give them: bireader models install --file X.zip es en"
        )
    if given and found and given != found:
        raise InputError(f"{source}: a {found[0]}->{found[1]} model, not {given[0]}->{given[1]}")
    if pair != ("es", "en"):
        raise InputError(
            f"{source}: a {pair[0]}->{pair[1]} model; bireader translates Spanish to English"
        )
    return pair


def is_release(archive: zipfile.ZipFile) -> bool:
    """Whether a zip is an OPUS-MT release (it has a ``decoder.yml``)."""
    return any(PurePosixPath(n).name == "decoder.yml" for n in archive.namelist())


def _release_stem(source: Path) -> str:
    match = re.search(r"(opus[\w+.-]*?\d{4}-\d{2}-\d{2})", source.name)
    return match.group(1) if match else source.stem


def _version(stem: str) -> str:
    match = re.search(r"\d{4}-\d{2}-\d{2}", stem)
    return match.group(0) if match else stem


def install_release(
    path: str | os.PathLike[str],
    languages: tuple[str, str] | None = None,
    *,
    quantization: str = "int8",
    directory: Path | None = None,
) -> ModelEntry:
    """Check, convert and install an OPUS-MT release zip; works offline.

    The zip must hold ``decoder.yml`` naming the ``.npz`` model and vocabularies,
    ``source.spm`` and ``target.spm``; its README (or ``languages``) must say es->en.
    It is converted once with ``ctranslate2.converters.OpusMTConverter`` into a
    staging folder and renamed into place, so a failure leaves nothing installed.
    """
    source = Path(path)
    root = directory if directory is not None else models_dir()
    require_zip(source, "an OPUS-MT release")
    yaml = _require_yaml()
    with install_errors(source, root), zipfile.ZipFile(source) as archive:
        names = checked_names(archive, source)
        check_archive_size(archive, source)
        decoder = next(n for n in names if n.name == "decoder.yml")
        base = decoder.parent
        info = archive.getinfo(str(decoder))
        if info.file_size > MAX_DECODER_YML:
            raise InputError(f"{source}: decoder.yml is {info.file_size} bytes")
        try:
            config = yaml.safe_load(archive.read(info).decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InputError(f"{source}: unreadable decoder.yml: {exc}") from exc
        present = {str(n) for n in names}
        model_names = config.get("models") if isinstance(config, dict) else None
        vocab_names = config.get("vocabs") if isinstance(config, dict) else None
        if not (isinstance(model_names, list) and model_names
                and isinstance(vocab_names, list) and vocab_names):
            raise InputError(f"{source}: decoder.yml names no models and vocabs")
        needed = [str(m) for m in model_names[:1]] + [str(v) for v in vocab_names]
        needed += ["source.spm", "target.spm"]
        for name in needed:
            if str(base / name) not in present:
                raise InputError(f"{source}: not a usable OPUS-MT release (no {name})")
        readmes = [n for n in names if n.parent == base and n.suffix.lower() == ".md"]
        text = "\n".join(
            archive.read(str(n))[:65536].decode("utf-8", "replace") for n in readmes
        )
        pair = _checked_pair(languages_from_text(text), languages, source)
        stem = _release_stem(source)
        name = f"opus-mt-{pair[0]}-{pair[1]}-{stem}"
        root.mkdir(parents=True, exist_ok=True)
        clean_stale(root)
        staging = staging_dir(root)
        try:
            archive.extractall(staging / "release")
            release = staging / "release" / base
            out = staging / name
            _convert(release, out, quantization, source)
            for spm in ("source.spm", "target.spm"):
                shutil.copyfile(release / spm, out / spm)
            for readme in readmes:
                shutil.copyfile(release / readme.name, out / f"RELEASE-{readme.name}")
            decoding = {}
            if isinstance(config.get("beam-size"), int) and config["beam-size"] > 0:
                decoding["beam_size"] = config["beam-size"]
            normalize = config.get("normalize")
            if isinstance(normalize, (int, float)) and not isinstance(normalize, bool):
                decoding["length_penalty"] = float(normalize)
            _write_metadata(out, {
                "kind": "opus-mt", "from_code": pair[0], "to_code": pair[1],
                "version": _version(stem), "release": source.name,
                "quantization": quantization, "decoding": decoding,
            })
            replace_dir(out, root / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    entry = read_model_dir(root / name)
    log.info("installed OPUS-MT model %s in %s", entry.name, entry.path)
    return entry


def _convert(release: Path, out: Path, quantization: str, source: Path) -> None:
    try:
        from ctranslate2.converters import OpusMTConverter
    except ImportError as exc:
        raise EngineUnavailable(
            f"converting an OPUS-MT release needs CTranslate2, numpy and PyYAML ({exc}):"
            " pip install ctranslate2 numpy PyYAML"
        ) from exc
    try:
        OpusMTConverter(str(release)).convert(str(out), quantization=quantization, force=True)
    except Exception as exc:  # the converter raises KeyError, ValueError, RuntimeError...
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(
            f"{source}: CTranslate2 cannot convert this model: {type(exc).__name__}: {detail}"
        ) from exc


def _write_metadata(directory: Path, metadata: dict[str, Any]) -> None:
    try:
        import ctranslate2

        metadata["ctranslate2"] = ctranslate2.__version__
    except ImportError:
        pass
    (directory / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")


def _dir_languages(directory: Path) -> tuple[str, str] | None:
    tokenizer_config, problem = ct2._read_json(directory / "tokenizer_config.json")
    if not problem and isinstance(tokenizer_config, dict):
        src, tgt = tokenizer_config.get("source_lang"), tokenizer_config.get("target_lang")
        if isinstance(src, str) and isinstance(tgt, str):
            return language(src), language(tgt)
    for readme in sorted(directory.glob("*.md")):
        try:
            found = languages_from_text(readme.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found:
            return found
    match = re.search(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})(?![a-z])", directory.name)
    return (language(match.group(1)), language(match.group(2))) if match else None


def install_dir(
    path: str | os.PathLike[str],
    languages: tuple[str, str] | None = None,
    *,
    name: str | None = None,
    directory: Path | None = None,
) -> ModelEntry:
    """Install a pre-converted CTranslate2 directory (``model.bin``, ``config.json``, a
    vocabulary, ``source.spm``, ``target.spm``) by copying it; works offline.

    The languages are ``languages``, else read from its ``tokenizer_config.json``,
    README or name (``opus-mt-es-en``).
    """
    source = Path(path)
    root = directory if directory is not None else models_dir()
    if not source.is_dir():
        raise InputError(f"{source}: no such directory")
    problem = ct2.model_dir_problem(source)
    if problem:
        raise InputError(f"{source}: not a usable CTranslate2 model: {problem}")
    for spm in ("source.spm", "target.spm"):
        if not (source / spm).is_file():
            raise InputError(f"{source}: no {spm} (the SentencePiece model of each side)")
        spm_problem = ct2.sentencepiece_problem(source / spm)
        if spm_problem:
            raise InputError(spm_problem)
    pair = _checked_pair(_dir_languages(source), languages, source)
    target_name = name or re.sub(r"[^\w.+-]+", "-", source.resolve().name).strip(".-") or "model"
    if not target_name.startswith("opus-mt") and not target_name.startswith("ct2"):
        target_name = f"ct2-{pair[0]}-{pair[1]}-{target_name}"
    root.mkdir(parents=True, exist_ok=True)
    clean_stale(root)
    staging = staging_dir(root)
    try:
        out = staging / target_name
        try:
            shutil.copytree(source, out, symlinks=False,
                            ignore=shutil.ignore_patterns(".bireader-selftest.json", ".git"))
            config, _ = ct2._read_json(out / "config.json")
            _write_metadata(out, {
                "kind": "ctranslate2", "from_code": pair[0], "to_code": pair[1],
                "version": str((config or {}).get("version", "")) if isinstance(config, dict)
                else "", "source": str(source.resolve()),
            })
            replace_dir(out, root / target_name)
        except OSError as exc:
            raise InputError(f"{source}: cannot install into {root}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    entry = read_model_dir(root / target_name)
    log.info("installed CTranslate2 model %s in %s", entry.name, entry.path)
    return entry


def download_release(url: str | None = None, directory: Path | None = None) -> Path:
    """Download the es->en release zip into a staging folder of the models directory.

    ``ModelNotInstalled`` with one line when there is no network.
    """
    url = url or release_url()
    root = directory if directory is not None else models_dir()
    root.mkdir(parents=True, exist_ok=True)
    clean_stale(root)
    staging = staging_dir(root)
    target = staging / Path(urllib.parse.urlparse(url).path).name
    offline = "no network? download it elsewhere, then: bireader models install --file X.zip"
    try:
        with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out, 1024 * 1024)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        reason = getattr(exc, "reason", None) or exc
        raise ModelNotInstalled(f"cannot download the OPUS-MT model {url}: {reason} ({offline})") \
            from exc
    return target


def install_published(directory: Path | None = None) -> ModelEntry:
    """Download the published es->en release (:data:`RELEASE_URL`) and install it."""
    downloaded = download_release(directory=directory)
    try:
        return install_release(downloaded, directory=directory)
    finally:
        shutil.rmtree(downloaded.parent, ignore_errors=True)


class OpusMTOptions(ArgosOptions):
    """Decoding settings of the OPUS-MT engine (the Argos ones, other defaults from the
    model's ``decoder.yml``)."""

    engine: ClassVar[str] = "opus-mt"


_SP_CACHE: dict[tuple[object, ...], Any] = {}


class _SentencePiecePair:
    """``source.spm`` to encode, ``target.spm`` to decode."""

    def __init__(self, directory: Path) -> None:
        try:
            import sentencepiece
        except ImportError as exc:
            raise EngineUnavailable(
                f"the OPUS-MT engine needs SentencePiece ({exc}): pip install 'sentencepiece'"
            ) from exc
        try:
            self.source = sentencepiece.SentencePieceProcessor(
                model_file=str(directory / "source.spm"))
            self.target = sentencepiece.SentencePieceProcessor(
                model_file=str(directory / "target.spm"))
        except Exception as exc:  # RuntimeError, OSError...
            raise ModelNotInstalled(f"{directory}: cannot load its SentencePiece models: {exc}") \
                from exc

    def encode(self, text: str) -> list[str]:
        tokens: list[str] = self.source.encode(text, out_type=str)
        return tokens

    def decode(self, tokens: Sequence[str]) -> str:
        text: str = self.target.decode(list(tokens))
        return text


class OpusMTEngine(CT2Engine):
    """Translate with an installed OPUS-MT model (converted release or CTranslate2 dir).

    Options: ``model`` (a name from ``bireader models list``; default: the best es->en
    one that passes its self-test), ``compute_type``, ``threads`` and the decoding
    options of the Argos engine (defaults from the model's ``decoder.yml``).
    """

    name = "opus-mt"
    options_class = OpusMTOptions

    def __init__(
        self,
        *,
        model: str | None = None,
        compute_type: str = "auto",
        threads: int | None = None,
        **options: Any,
    ) -> None:
        from bireader.translation import catalog

        self._check_options(compute_type, threads, options, ("model",))
        try:
            choice = catalog.choose(self.name, model)
        except ModelNotInstalled as exc:
            raise ModelNotInstalled(f"{exc} (fix: {INSTALL_FIX})") from exc
        entry = choice.entry
        catalog.warn_if_failing(choice, log)
        defaults = {k: v for k, v in entry.decoding if k in ("beam_size", "length_penalty")}
        self.options = self.options_class(**{**defaults, **options})
        self.entry = entry
        self.model_name = entry.name
        self.model_version = entry.version
        key = ct2.file_stamp(entry.tokenizer_files())
        if key not in _SP_CACHE:
            _SP_CACHE[key] = _SentencePiecePair(entry.path)
        self.tokenizer = _SP_CACHE[key]
        self._translator = ct2.load_translator(
            entry.model_dir, self.compute_type, self.threads, f"OPUS-MT model {entry.name}"
        )

    @classmethod
    def status(cls) -> EngineStatus:
        """Ready when an es->en OPUS-MT model loads and passes its self-test."""
        from bireader.translation import catalog

        ready, detail, _ = catalog.engine_status(cls.name)
        if ready:
            return EngineStatus(cls.name, True, detail)
        return EngineStatus(cls.name, False, detail, INSTALL_FIX)
