"""Argos Translate packages: find, install (from a file or the Argos index), remove.

A package is a directory holding ``metadata.json``, a CTranslate2 ``model/`` and a
``sentencepiece.model`` (or ``bpe.model``); a ``.argosmodel`` file is a zip of one such
directory. Packages live where argostranslate keeps them (``ARGOS_PACKAGES_DIR``, else
``$XDG_DATA_HOME/argos-translate/packages``), so both tools see the same models.

Nothing here imports ``argostranslate`` except :func:`install_from_index`, and even
that never imports ``argostranslate.translate`` (which pulls in torch).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

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


MAX_METADATA_BYTES = 1024 * 1024
"""A ``metadata.json`` larger than this is refused unread (real ones are under 1 KiB)."""
MAX_UNPACKED_BYTES = 4 * 1024**3
"""An archive that declares more than this, unpacked, is refused before unpacking."""
MAX_RATIO = 20
"""Nor one whose declared unpacked size is over this many times its own size (a zip bomb;
model weights hardly compress, real packages unpack to under 2x)."""
MAX_MEMBERS = 10_000
STALE_SECONDS = 600
"""A staging folder of an install whose process is gone, or older than this, is removed."""


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise InputError(
                f"{path}: metadata.json is {path.stat().st_size} bytes"
                f" (at most {MAX_METADATA_BYTES} are read)"
            )
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


def models_dir() -> Path:
    """Where OPUS-MT and other CTranslate2 models are installed: ``BIREADER_MODELS_DIR``,
    else ``bireader-models`` beside the Argos packages directory.

    Not inside it: argostranslate reads every folder there as one of its packages.
    """
    env = os.environ.get("BIREADER_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    return packages_dir().parent / "bireader-models"


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


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """A sort key for versions: ``"1.10"`` after ``"1.9"``, ``"2020-08-18"`` by date."""
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
    return max(candidates, key=lambda pkg: (version_key(pkg.package_version), pkg.path.name))


@contextlib.contextmanager
def install_errors(source: Path, root: Path) -> Iterator[None]:
    """Turn a damaged archive or a failing disk while installing ``source`` into
    ``root`` into one ``InputError`` naming them."""
    try:
        yield
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(f"{source}: damaged zip archive: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot install into {root}: {exc}") from exc


def require_zip(source: Path, kind: str) -> None:
    """Refuse ``source`` unless it is an existing zip file; ``kind`` names what it should be."""
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    if not zipfile.is_zipfile(source):
        raise InputError(f"{source}: not {kind} (not a zip archive)")


def checked_names(archive: zipfile.ZipFile, source: Path) -> list[PurePosixPath]:
    """Every member name, refusing any that would land outside the target or is a link."""
    names: list[PurePosixPath] = []
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
        names.append(pure)
    return names


def check_archive_size(archive: zipfile.ZipFile, source: Path) -> int:
    """Refuse an archive by what it declares, before anything is unpacked; return the total.

    Python's zipfile never inflates a member past its declared size (and then fails its
    CRC check), so the declared sizes bound what unpacking writes.
    """
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"{source}: {len(infos)} archive members (at most {MAX_MEMBERS})")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise InputError(
            f"{source}: unpacks to {total} bytes (at most {MAX_UNPACKED_BYTES} are accepted)"
        )
    packed = max(1, source.stat().st_size)
    if total > 1024 * 1024 and total > MAX_RATIO * packed:
        raise InputError(
            f"{source}: unpacks to {total} bytes from {packed}, {total // packed} times its"
            f" size (at most {MAX_RATIO}): a zip bomb or a damaged archive"
        )
    return total


def read_member_json(archive: zipfile.ZipFile, name: str, source: Path) -> Any:
    """Parse the JSON member ``name``, refusing one over :data:`MAX_METADATA_BYTES`."""
    info = archive.getinfo(name)
    if info.file_size > MAX_METADATA_BYTES:
        raise InputError(
            f"{source}: {name} is {info.file_size} bytes (at most {MAX_METADATA_BYTES})"
        )
    try:
        return json.loads(archive.read(info).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{source}: unreadable {PurePosixPath(name).name}: {exc}") from exc


def _checked_members(archive: zipfile.ZipFile, source: Path) -> str:
    """Validate member names; return the single top-level directory name."""
    tops = {pure.parts[0] for pure in checked_names(archive, source)}
    if len(tops) != 1:
        raise InputError(
            f"{source}: an .argosmodel holds exactly one top-level directory, found {len(tops)}"
        )
    (top,) = tops
    return top


def _validate_archive(archive: zipfile.ZipFile, source: Path) -> tuple[str, dict[str, Any]]:
    top = _checked_members(archive, source)
    check_archive_size(archive, source)
    names = set(archive.namelist())
    try:
        metadata = read_member_json(archive, f"{top}/metadata.json", source)
    except KeyError as exc:
        raise InputError(f"{source}: not an Argos package (no {top}/metadata.json)") from exc
    if not isinstance(metadata, dict):
        raise InputError(f"{source}: metadata.json is not a JSON object")
    if f"{top}/model/model.bin" not in names:
        raise InputError(f"{source}: no CTranslate2 model ({top}/model/model.bin)")
    if not names & {f"{top}/sentencepiece.model", f"{top}/bpe.model"}:
        raise InputError(f"{source}: no tokenizer (sentencepiece.model or bpe.model)")
    return top, metadata


def install_name(top: str, source: Path) -> str:
    """The folder a package is installed as: its archive folder, never hidden.

    Listing skips hidden folders (they are installs in progress), so a package whose
    folder is ``.hidden`` is installed as ``hidden``.
    """
    name = top.lstrip(".")
    if not name or name != name.strip() or "/" in name:
        raise InputError(f"{source}: the archive's folder {top!r} is not a usable name")
    return name


_STAGING = (".install-", ".old-")


def staging_dir(root: Path, prefix: str = ".install-") -> Path:
    """A fresh hidden folder in ``root`` for unpacking, named after this process."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=root))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but is another user's
    return True


def clean_stale(root: Path) -> list[Path]:
    """Remove the staging folders of installs that were killed; return what was removed.

    A folder ``.install-PID-*`` (or ``.old-PID-*``) is stale once process PID is gone;
    one without a process id (older bireader) once it is :data:`STALE_SECONDS` old.
    """
    removed: list[Path] = []
    try:
        children = list(root.iterdir())
    except OSError:
        return removed
    now = time.time()
    for child in children:
        prefix = next((p for p in _STAGING if child.name.startswith(p)), None)
        if prefix is None or not child.is_dir() or child.is_symlink():
            continue
        pid_text = child.name[len(prefix):].split("-", 1)[0]
        if pid_text.isdigit() and "-" in child.name[len(prefix):]:
            stale = int(pid_text) != os.getpid() and not _alive(int(pid_text))
        else:
            try:
                stale = now - child.stat().st_mtime > STALE_SECONDS
            except OSError:
                continue
        if stale:
            shutil.rmtree(child, ignore_errors=True)
            log.info("removed %s, left by an interrupted install", child)
            removed.append(child)
    return removed


def remove_dir(path: Path) -> None:
    """Delete an installed model folder; ``InputError`` naming it if that fails."""
    try:
        shutil.rmtree(path)
    except OSError as exc:
        raise InputError(f"cannot remove {path}: {exc}") from exc


class _Installed(Protocol):
    @property
    def path(self) -> Path: ...


_M = TypeVar("_M", bound=_Installed)


def remove_installed(
    chosen: Sequence[_M], missing: str, name: Callable[[_M], str]
) -> tuple[_M, ...]:
    """Delete the folder of each of ``chosen`` (Argos packages or catalog models), logged
    as ``name(item)``; ``ModelNotInstalled(missing)`` when nothing was chosen."""
    if not chosen:
        raise ModelNotInstalled(missing)
    for item in chosen:
        remove_dir(item.path)
        log.info("removed %s from %s", name(item), item.path)
    return tuple(chosen)


def replace_dir(staged: Path, target: Path) -> None:
    """Move ``staged`` to ``target``, replacing an existing ``target`` as one rename."""
    if target.exists():
        old = staging_dir(target.parent, ".old-")
        os.replace(target, old / target.name)
        os.replace(staged, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staged, target)


def install_from_file(path: str | os.PathLike[str], directory: Path | None = None) -> ArgosPackage:
    """Validate and install a ``.argosmodel`` file; works offline.

    The archive must be a zip of one directory with ``metadata.json``,
    ``model/model.bin`` and a tokenizer, and no member may point outside it; it is
    refused by its declared sizes before anything is unpacked (see
    :func:`check_archive_size`). It is unpacked next to its destination and renamed
    into place, so a failed install leaves no half-written package; an installed
    package of the same name is replaced. Folders a killed install left are removed.
    """
    source = Path(path)
    root = directory if directory is not None else packages_dir()
    require_zip(source, "an Argos package")
    with install_errors(source, root), zipfile.ZipFile(source) as archive:
        top, metadata = _validate_archive(archive, source)
        name = install_name(top, source)
        ArgosPackage.from_metadata(root / name, metadata)
        root.mkdir(parents=True, exist_ok=True)
        clean_stale(root)
        staging = staging_dir(root)
        try:
            archive.extractall(staging)
            replace_dir(staging / top, root / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    package = ArgosPackage.from_dir(root / name)
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
    missing = f"no installed Argos package matches {what}"
    return remove_installed(chosen, missing, lambda p: f"Argos package {p.code}")


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
    best = max(matches, key=lambda p: version_key(str(p.package_version)))
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
