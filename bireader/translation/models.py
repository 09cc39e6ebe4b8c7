"""Argos Translate packages: find, install (from a file or the Argos index), remove.

A package is a directory holding ``metadata.json``, a CTranslate2 ``model/`` and a
``sentencepiece.model`` (or ``bpe.model``); a ``.argosmodel`` file is a zip of one such
directory. Packages live where argostranslate keeps them (``ARGOS_PACKAGES_DIR``, else
``$XDG_DATA_HOME/argos-translate/packages``), so both tools see the same models.

Nothing here imports ``argostranslate`` except :func:`install_from_index`, and even
that never imports ``argostranslate.translate`` (which pulls in torch).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bireader.errors import EngineUnavailable, InputError, ModelNotInstalled

log = logging.getLogger(__name__)

INSTALL_FIX = "bireader models install es en"
"""The command that installs the es->en model from the Argos index."""


@dataclass(frozen=True, slots=True)
class ArgosPackage:
    """An installed Argos package (read from its ``metadata.json``)."""

    path: Path
    code: str
    from_code: str
    to_code: str
    package_version: str
    argos_version: str = ""
    from_name: str = ""
    to_name: str = ""

    @classmethod
    def from_dir(cls, path: Path) -> ArgosPackage:
        """Read the package installed in ``path``; ``InputError`` if it is not one."""
        metadata = _read_metadata(path / "metadata.json")
        return cls.from_metadata(path, metadata)

    @classmethod
    def from_metadata(cls, path: Path, metadata: Mapping[str, Any]) -> ArgosPackage:
        """Build from a parsed ``metadata.json`` of the package at ``path``."""
        from_code, to_code = metadata.get("from_code"), metadata.get("to_code")
        if not isinstance(from_code, str) or not isinstance(to_code, str):
            raise InputError(f"{path}: metadata.json has no from_code/to_code")
        return cls(
            path=path,
            code=str(metadata.get("code") or path.name),
            from_code=from_code,
            to_code=to_code,
            package_version=str(metadata.get("package_version", "")),
            argos_version=str(metadata.get("argos_version", "")),
            from_name=str(metadata.get("from_name", "")),
            to_name=str(metadata.get("to_name", "")),
        )

    @property
    def model_dir(self) -> Path:
        """The CTranslate2 model directory."""
        return self.path / "model"

    @property
    def tokenizer_path(self) -> Path | None:
        """``sentencepiece.model`` or ``bpe.model``, whichever the package has."""
        for name in ("sentencepiece.model", "bpe.model"):
            if (self.path / name).is_file():
                return self.path / name
        return None

    @property
    def pair(self) -> str:
        """``"es->en"``."""
        return f"{self.from_code}->{self.to_code}"


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path.parent}: not an Argos package (no metadata.json)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: unreadable metadata.json: {exc}") from exc
    if not isinstance(metadata, dict):
        raise InputError(f"{path}: metadata.json is not a JSON object")
    return metadata


def packages_dir() -> Path:
    """Where Argos packages are installed, as argostranslate decides it.

    ``ARGOS_PACKAGES_DIR`` wins, then the key of that name in argostranslate's
    ``settings.json``, then ``$XDG_DATA_HOME/argos-translate/packages``.
    """
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    settings_file = config / "argos-translate" / "settings.json"
    try:
        settings = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        settings = {}
    if isinstance(settings, dict) and isinstance(settings.get("ARGOS_PACKAGES_DIR"), str):
        return Path(settings["ARGOS_PACKAGES_DIR"]).expanduser()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return data / "argos-translate" / "packages"


def installed_packages(directory: Path | None = None) -> tuple[ArgosPackage, ...]:
    """Every readable package in ``directory`` (default :func:`packages_dir`), sorted by path."""
    root = directory if directory is not None else packages_dir()
    if not root.is_dir():
        return ()
    found = []
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            found.append(ArgosPackage.from_dir(child))
        except InputError as exc:
            log.warning("skipping %s: %s", child, exc)
    return tuple(found)


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (-1, part)
                 for part in re.split(r"[.+_-]", version))


def find_package(
    from_code: str = "es", to_code: str = "en", directory: Path | None = None
) -> ArgosPackage | None:
    """The installed translation package for the pair with the highest version, if any."""
    candidates = [
        pkg for pkg in installed_packages(directory)
        if pkg.from_code == from_code and pkg.to_code == to_code
        and (pkg.model_dir / "model.bin").is_file() and pkg.tokenizer_path is not None
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda pkg: (_version_key(pkg.package_version), pkg.path.name))


def _checked_members(archive: zipfile.ZipFile, source: Path) -> str:
    """Validate member names; return the single top-level directory name."""
    tops: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if (
            not name
            or pure.is_absolute()
            or ".." in pure.parts
            or re.match(r"^[A-Za-z]:", name)
            or "\x00" in name
        ):
            raise InputError(f"{source}: archive member {name!r} would escape the target directory")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(f"{source}: archive member {name!r} is a symbolic link")
        tops.add(pure.parts[0])
    if len(tops) != 1:
        raise InputError(
            f"{source}: an .argosmodel holds exactly one top-level directory, found {len(tops)}"
        )
    (top,) = tops
    return top


def _validate_archive(archive: zipfile.ZipFile, source: Path) -> tuple[str, dict[str, Any]]:
    top = _checked_members(archive, source)
    names = set(archive.namelist())
    try:
        metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
    except KeyError as exc:
        raise InputError(f"{source}: not an Argos package (no {top}/metadata.json)") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{source}: unreadable metadata.json: {exc}") from exc
    if not isinstance(metadata, dict):
        raise InputError(f"{source}: metadata.json is not a JSON object")
    if f"{top}/model/model.bin" not in names:
        raise InputError(f"{source}: no CTranslate2 model ({top}/model/model.bin)")
    if not names & {f"{top}/sentencepiece.model", f"{top}/bpe.model"}:
        raise InputError(f"{source}: no tokenizer (sentencepiece.model or bpe.model)")
    return top, metadata


def install_from_file(path: str | os.PathLike[str], directory: Path | None = None) -> ArgosPackage:
    """Validate and install a ``.argosmodel`` file; works offline.

    The archive must be a zip of one directory with ``metadata.json``,
    ``model/model.bin`` and a tokenizer, and no member may point outside it.
    It is unpacked next to its destination and renamed into place, so a failed
    install leaves no half-written package; an installed package of the same
    name is replaced.
    """
    source = Path(path)
    root = directory if directory is not None else packages_dir()
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    if not zipfile.is_zipfile(source):
        raise InputError(f"{source}: not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(source) as archive:
            top, metadata = _validate_archive(archive, source)
            ArgosPackage.from_metadata(root / top, metadata)
            root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
            try:
                archive.extractall(staging)
                target = root / top
                if target.exists():
                    old = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
                    os.replace(target, old / top)
                    os.replace(staging / top, target)
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.replace(staging / top, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(f"{source}: damaged zip archive: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot install into {root}: {exc}") from exc
    package = ArgosPackage.from_dir(root / top)
    log.info("installed Argos package %s (%s) in %s", package.code, package.pair, package.path)
    return package


def remove(
    code_or_from: str, to_code: str | None = None, directory: Path | None = None
) -> tuple[ArgosPackage, ...]:
    """Remove installed packages by code/directory name, or by language pair.

    ``remove("es", "en")`` removes every es->en package; ``remove("translate-es_en-1_0")``
    the one with that code or directory name. ``ModelNotInstalled`` if none matched.
    """
    packages = installed_packages(directory)
    if to_code is None:
        chosen = [p for p in packages if code_or_from in (p.code, p.path.name)]
        what = code_or_from
    else:
        chosen = [p for p in packages if (p.from_code, p.to_code) == (code_or_from, to_code)]
        what = f"{code_or_from}->{to_code}"
    if not chosen:
        raise ModelNotInstalled(f"no installed Argos package matches {what}")
    for package in chosen:
        try:
            shutil.rmtree(package.path)
        except OSError as exc:
            raise InputError(f"cannot remove {package.path}: {exc}") from exc
        log.info("removed Argos package %s from %s", package.code, package.path)
    return tuple(chosen)


def install_from_index(
    from_code: str = "es", to_code: str = "en", directory: Path | None = None
) -> ArgosPackage:
    """Download the pair's package from the Argos index and install it.

    Uses ``argostranslate.package`` for the index and the download (never
    ``argostranslate.translate``), then :func:`install_from_file`. Offline, or when
    the index has no such package, raises ``ModelNotInstalled`` with a one-line reason.
    """
    try:
        from argostranslate import package as argos_package
        from argostranslate import settings as argos_settings
    except ImportError as exc:
        raise EngineUnavailable(
            "installing from the Argos index needs argostranslate: "
            "pip install --no-deps 'argostranslate>=1.9' "
            "(or install a downloaded file: bireader models install --file X.argosmodel)"
        ) from exc
    # argostranslate reports network errors through logging.error; without a handler
    # Python's last-resort handler would print them under our own one-line message.
    argos_log = logging.getLogger("argostranslate")
    if not argos_log.handlers:
        argos_log.addHandler(logging.NullHandler())
    index_url = str(argos_settings.remote_package_index)
    local_index = Path(argos_settings.local_package_index)
    offline_hint = (
        "no network? install a downloaded file: bireader models install --file X.argosmodel"
    )
    # argostranslate logs and swallows download errors, and recurses forever on a
    # missing index; so check the result ourselves.
    local_index.unlink(missing_ok=True)
    argos_package.update_package_index()
    if not local_index.is_file():
        raise ModelNotInstalled(
            f"cannot download the Argos package index {index_url} ({offline_hint})"
        )
    try:
        available = argos_package.get_available_packages()
    except (OSError, ValueError, RecursionError) as exc:
        raise ModelNotInstalled(f"unreadable Argos package index {index_url}: {exc}") from exc
    matches = [
        p for p in available
        if p.from_code == from_code and p.to_code == to_code and p.type == "translate"
    ]
    if not matches:
        raise ModelNotInstalled(
            f"the Argos index {index_url} has no {from_code}->{to_code} package"
        )
    best = max(matches, key=lambda p: _version_key(str(p.package_version)))
    try:
        downloaded = Path(best.download())
    except Exception as exc:  # argostranslate raises bare Exception on download failure
        raise ModelNotInstalled(
            f"cannot download Argos package {from_code}->{to_code} {best.package_version}: "
            f"{exc} ({offline_hint})"
        ) from exc
    try:
        return install_from_file(downloaded, directory)
    finally:
        downloaded.unlink(missing_ok=True)
