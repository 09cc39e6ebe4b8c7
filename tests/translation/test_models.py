"""Argos package management: install from file (validated), list, remove, CLI."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bireader.cli import main
from bireader.errors import InputError, ModelNotInstalled
from bireader.translation import models


def _rezip(
    source: Path, dest: Path, *, drop: str = "", extra: dict[str, bytes] | None = None
) -> Path:
    """Copy archive ``source`` to ``dest`` without members ending in ``drop``, plus ``extra``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            if drop and info.filename.endswith(drop):
                continue
            out.writestr(info, src.read(info))
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return dest


def test_install_from_file_then_find_and_list(argos_package_file: Path, tmp_path: Path) -> None:
    root = tmp_path / "packages"
    package = models.install_from_file(argos_package_file, root)
    assert package.path.parent == root
    assert (package.from_code, package.to_code) == ("es", "en")
    assert (package.model_dir / "model.bin").is_file()
    assert package.tokenizer_path is not None
    assert package.tokenizer_path.name == "sentencepiece.model"
    assert models.find_package("es", "en", root) == package
    assert models.find_package("en", "es", root) is None
    assert models.installed_packages(root) == (package,)
    # No staging directories are left behind.
    assert [p.name for p in root.iterdir()] == [package.path.name]


def test_reinstall_replaces_atomically(argos_package_file: Path, tmp_path: Path) -> None:
    root = tmp_path / "packages"
    first = models.install_from_file(argos_package_file, root)
    (first.path / "stale.txt").write_text("old")
    second = models.install_from_file(argos_package_file, root)
    assert second.path == first.path
    assert not (second.path / "stale.txt").exists()
    assert [p.name for p in root.iterdir()] == [first.path.name]


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ({"drop": "metadata.json"}, "no .*metadata.json"),
        ({"drop": "model.bin"}, "model.bin"),
        ({"drop": "sentencepiece.model"}, "tokenizer"),
        ({"extra": {"../evil.txt": b"x"}}, "escape"),
        ({"extra": {"/etc/evil.txt": b"x"}}, "escape"),
        ({"extra": {"pkg/../../evil.txt": b"x"}}, "escape"),
        ({"extra": {"other-top/file.txt": b"x"}}, "one top-level directory"),
    ],
)
def test_bad_archives_are_rejected_and_nothing_is_installed(
    argos_package_file: Path, tmp_path: Path, mutation: dict[str, Any], message: str
) -> None:
    bad = _rezip(argos_package_file, tmp_path / "bad.argosmodel", **mutation)
    root = tmp_path / "packages"
    with pytest.raises(InputError, match=message):
        models.install_from_file(bad, root)
    assert not root.exists() or list(root.iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_member_is_rejected(argos_package_file: Path, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("translate-es_en-random-tiny-s0/model/link")
    link.external_attr = (0o120777 << 16)
    bad = tmp_path / "link.argosmodel"
    with zipfile.ZipFile(argos_package_file) as src, zipfile.ZipFile(bad, "w") as out:
        top = src.namelist()[0].split("/")[0]
        link.filename = f"{top}/model/link"
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr(link, "/etc/passwd")
    with pytest.raises(InputError, match="symbolic link"):
        models.install_from_file(bad, tmp_path / "packages")


def test_not_a_zip_or_missing_file(tmp_path: Path) -> None:
    text = tmp_path / "fake.argosmodel"
    text.write_text("not a zip")
    with pytest.raises(InputError, match="not a zip"):
        models.install_from_file(text, tmp_path / "packages")
    with pytest.raises(InputError, match="no such file"):
        models.install_from_file(tmp_path / "missing.argosmodel", tmp_path / "packages")


def test_metadata_without_language_codes_is_rejected(
    argos_package_file: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(argos_package_file) as src:
        top = src.namelist()[0].split("/")[0]
    bad = _rezip(
        argos_package_file, tmp_path / "nolang.argosmodel", drop="metadata.json",
        extra={f"{top}/metadata.json": json.dumps({"package_version": "1"}).encode()},
    )
    with pytest.raises(InputError, match="from_code"):
        models.install_from_file(bad, tmp_path / "packages")


def test_packages_dir_honours_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "mine"))
    assert models.packages_dir() == tmp_path / "mine"
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert models.packages_dir() == tmp_path / "data" / "argos-translate" / "packages"
    settings = tmp_path / "config" / "argos-translate" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"ARGOS_PACKAGES_DIR": str(tmp_path / "configured")}))
    assert models.packages_dir() == tmp_path / "configured"


def test_find_package_prefers_highest_version_and_skips_broken(
    argos_package_file: Path, tmp_path: Path
) -> None:
    root = tmp_path / "packages"
    first = models.install_from_file(argos_package_file, root)
    newer = root / "translate-es_en-2_0"
    shutil.copytree(first.path, newer)
    meta = json.loads((newer / "metadata.json").read_text())
    meta.update(package_version="2.0", code="x")
    (newer / "metadata.json").write_text(json.dumps(meta))
    (root / "broken").mkdir()
    (root / "broken" / "metadata.json").write_text("{not json")
    found = models.find_package("es", "en", root)
    assert found is not None and found.path == newer
    assert {p.path for p in models.installed_packages(root)} == {first.path, newer}


def test_remove_by_code_by_pair_and_unknown(argos_package_file: Path, tmp_path: Path) -> None:
    root = tmp_path / "packages"
    package = models.install_from_file(argos_package_file, root)
    with pytest.raises(ModelNotInstalled):
        models.remove("nope", directory=root)
    assert models.remove(package.code, directory=root) == (package,)
    assert models.installed_packages(root) == ()
    models.install_from_file(argos_package_file, root)
    with pytest.raises(ModelNotInstalled):
        models.remove("en", "es", directory=root)
    assert len(models.remove("es", "en", directory=root)) == 1
    assert not package.path.exists()


def test_cli_install_list_remove(
    argos_package_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(root))
    runner = CliRunner()
    result = runner.invoke(main, ["models", "list"])
    assert result.exit_code == 0 and "no Argos packages" in result.output
    result = runner.invoke(main, ["models", "install", "--file", str(argos_package_file)])
    assert result.exit_code == 0, result.output
    assert "installed" in result.output and "es->en" in result.output
    (package,) = models.installed_packages(root)
    result = runner.invoke(main, ["models", "list"])
    assert result.exit_code == 0
    assert package.code in result.output and str(package.path) in result.output
    result = runner.invoke(main, ["models", "remove", "es", "en"])
    assert result.exit_code == 0 and "removed" in result.output
    assert models.installed_packages(root) == ()


def test_cli_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("nope")
    runner = CliRunner()
    result = runner.invoke(main, ["models", "install", "--file", str(bad)])
    assert result.exit_code == InputError.exit_code
    assert result.output.strip().count("\n") == 0 and "not a zip" in result.output
    result = runner.invoke(main, ["models", "remove", "nothing"])
    assert result.exit_code == ModelNotInstalled.exit_code
    result = runner.invoke(main, ["models", "install"])
    assert result.exit_code == 2 and "FROM TO" in result.output
    result = runner.invoke(main, ["models", "install", "es", "en", "--file", str(bad)])
    assert result.exit_code == 2


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("bireader")
    return subprocess.run(
        [str(command), *args], env={**os.environ, **env}, capture_output=True, text=True,
        timeout=120,
    )


def _isolated_env(tmp_path: Path, index_url: str) -> dict[str, str]:
    return {
        "ARGOS_PACKAGE_INDEX": index_url,
        "ARGOS_PACKAGES_DIR": str(tmp_path / "packages"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


@pytest.mark.skipif(
    importlib.util.find_spec("argostranslate") is None, reason="argostranslate is not installed"
)
def test_install_from_index_offline_fails_cleanly(tmp_path: Path) -> None:
    # Port 9 (discard) on localhost: connection refused, as on a machine without network.
    run = _cli(_isolated_env(tmp_path, "http://127.0.0.1:9/"), "models", "install", "es", "en")
    assert run.returncode == ModelNotInstalled.exit_code
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("bireader: error:") and "index" in run.stderr
    assert not (tmp_path / "packages").exists() or not list((tmp_path / "packages").iterdir())


@pytest.mark.skipif(
    importlib.util.find_spec("argostranslate") is None, reason="argostranslate is not installed"
)
def test_install_from_a_local_index(argos_package_file: Path, tmp_path: Path) -> None:
    """The whole index path, against an index served from this machine."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(argos_package_file, served / "es_en.argosmodel")
    handler = functools.partial(_QuietHandler, directory=str(served))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        url = f"http://127.0.0.1:{server.server_port}/"
        (served / "index.json").write_text(json.dumps([
            {"from_code": "en", "to_code": "fr", "package_version": "1.0", "links": []},
            {"from_code": "es", "to_code": "en", "package_version": "9.9", "from_name": "Spanish",
             "to_name": "English", "links": [url + "es_en.argosmodel"]},
        ]))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            env = _isolated_env(tmp_path, url)
            run = _cli(env, "models", "install", "es", "en")
            assert run.returncode == 0, run.stderr
            assert "installed" in run.stdout
            listed = _cli(env, "models", "list")
            missing = _cli(env, "models", "install", "fr", "de")
        finally:
            server.shutdown()
    (package,) = models.installed_packages(tmp_path / "packages")
    assert (package.from_code, package.to_code) == ("es", "en")
    assert package.code in listed.stdout
    # bireader translates Spanish to English only: another pair is a usage error.
    assert missing.returncode == 2 and "give `es en`" in missing.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_damaged_archive_leaves_installed_package_untouched(
    argos_package_file: Path, tmp_path: Path
) -> None:
    root = tmp_path / "packages"
    installed = models.install_from_file(argos_package_file, root)
    before = (installed.model_dir / "model.bin").read_bytes()
    damaged = tmp_path / "damaged.argosmodel"
    data = bytearray(argos_package_file.read_bytes())
    with zipfile.ZipFile(argos_package_file) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("model.bin"))
    # Flip a byte inside the stored model.bin: the zip still opens, its CRC check fails.
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100
    data[offset] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged"):
        models.install_from_file(damaged, root)
    assert (installed.model_dir / "model.bin").read_bytes() == before
    assert [p.name for p in root.iterdir()] == [installed.path.name]


# -- issue 9: archive limits, stale staging folders, hidden names --------------------------------


def _top(archive_path: Path) -> str:
    with zipfile.ZipFile(archive_path) as archive:
        return archive.namelist()[0].split("/")[0]


def test_a_zip_bomb_is_refused_before_unpacking(argos_package_file: Path, tmp_path: Path) -> None:
    """40 MB of zeros deflate to about 40 KB: refused by its declared size/packed ratio."""
    top = _top(argos_package_file)
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(argos_package_file) as src, zipfile.ZipFile(bomb, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr(f"{top}/padding.bin", b"\0" * (40 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    root = tmp_path / "packages"
    with pytest.raises(InputError, match="zip bomb"):
        models.install_from_file(bomb, root)
    assert not root.exists() or list(root.iterdir()) == []


def test_declared_size_over_the_cap_is_refused(
    argos_package_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "MAX_UNPACKED_BYTES", 1024)
    with pytest.raises(InputError, match="at most 1024"):
        models.install_from_file(argos_package_file, tmp_path / "packages")


def test_a_huge_metadata_json_is_refused_unread(argos_package_file: Path, tmp_path: Path) -> None:
    top = _top(argos_package_file)
    padded = json.dumps({"from_code": "es", "to_code": "en"}).encode() + b" " * (3 * 1024 * 1024)
    bad = _rezip(argos_package_file, tmp_path / "meta.argosmodel", drop="metadata.json",
                 extra={f"{top}/metadata.json": padded})
    with pytest.raises(InputError, match=r"metadata.json is \d+ bytes"):
        models.install_from_file(bad, tmp_path / "packages")
    # And on disk: an installed package whose metadata.json grew is skipped, not read.
    root = tmp_path / "packages"
    package = models.install_from_file(argos_package_file, root)
    (package.path / "metadata.json").write_bytes(padded)
    assert models.installed_packages(root) == ()


def test_a_killed_install_leaves_nothing_the_next_one_keeps(
    argos_package_file: Path, tmp_path: Path
) -> None:
    """kill -9 right after unpacking used to leave the whole package in .install-*."""
    root = tmp_path / "packages"
    code = (
        "import os, zipfile, sys\n"
        "from pathlib import Path\n"
        "from bireader.translation import models\n"
        "real = zipfile.ZipFile.extractall\n"
        "def extract_then_die(self, *a, **k):\n"
        "    real(self, *a, **k)\n"
        "    os.kill(os.getpid(), 9)\n"
        "zipfile.ZipFile.extractall = extract_then_die\n"
        f"models.install_from_file({str(argos_package_file)!r}, Path({str(root)!r}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert run.returncode == -9
    left = [p.name for p in root.iterdir()]
    assert len(left) == 1 and left[0].startswith(".install-")
    # One of an older bireader (no process id in its name), long abandoned:
    old = root / ".install-abc123"
    old.mkdir()
    os.utime(old, (1, 1))
    # One of an install running right now in another process (this one): kept.
    live = root / f".install-{os.getppid()}-xyz"
    live.mkdir()
    package = models.install_from_file(argos_package_file, root)
    assert sorted(p.name for p in root.iterdir()) == sorted([package.path.name, live.name])


def test_a_hidden_package_folder_installs_visibly(argos_package_file: Path, tmp_path: Path) -> None:
    """A package whose folder is `.hidden` used to install but never list."""
    top = _top(argos_package_file)
    hidden = tmp_path / "hidden.argosmodel"
    with zipfile.ZipFile(argos_package_file) as src, zipfile.ZipFile(hidden, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename.replace(top, ".hidden", 1), src.read(info))
    root = tmp_path / "packages"
    package = models.install_from_file(hidden, root)
    assert package.path == root / "hidden"
    assert models.installed_packages(root) == (package,)
    assert models.find_package("es", "en", root) == package
