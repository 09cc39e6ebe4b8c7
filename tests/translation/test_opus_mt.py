"""Neural models of every layout, built tiny with random weights, through the real paths:
a BPE Argos package, an OPUS-MT release zip converted at install, a pre-converted
CTranslate2 directory; the self-test that keeps degenerate ones out of ``auto``; and
the ``models`` and ``engines`` commands that explain it all.

Random weights give nonsense: structure is asserted, never words.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import bireader
from bireader.cli import main
from bireader.errors import EngineError, InputError, InvalidOption, ModelNotInstalled
from bireader.testing import build_random_ct2_dir, build_random_opus_mt_release
from bireader.translation import catalog, opus_mt
from bireader.translation.base import engine_status, get_engine
from bireader.translation.bpe import BPETokenizer
from bireader.translation.ct2 import CT2Engine
from bireader.translation.models import install_from_file

REPO = Path(__file__).resolve().parents[2]
MIAMI = REPO / "texts" / "miami-talks.es.txt"
HEAVY = ("torch", "stanza", "spacy", "minisbd")


@pytest.fixture(scope="session")
def ct2_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_random_ct2_dir(tmp_path_factory.mktemp("ct2-build"))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("bireader")
    return subprocess.run(
        [str(command), *args], env={**os.environ, **(env or {})}, capture_output=True,
        text=True, timeout=300,
    )


# -- BPE Argos packages -----------------------------------------------------------------------


def test_bpe_tokenizer_joins_continuations(bpe_package_file: Path, tmp_path: Path) -> None:
    package = install_from_file(bpe_package_file, tmp_path / "packages")
    assert package.tokenizer_path is not None and package.tokenizer_path.name == "bpe.model"
    tokenizer = BPETokenizer(package.tokenizer_path, "es", "en").load()
    text = "Los vecinos, sin embargo, dudan: «Llevamos años esperando»."
    tokens = tokenizer.encode(text)
    assert any(t.endswith("@@") for t in tokens), tokens  # words were split into units
    assert tokenizer.decode(tokens) == tokenizer.decode(
        tokenizer.encode(tokenizer.decode(tokens))
    )
    assert tokenizer.decode(["ca@@", "sa", "gran@@", "de", "."]) == "casa grande."


def test_bpe_package_translates_through_the_argos_engine(
    bpe_package_file: Path, no_argos_packages: Path
) -> None:
    install_from_file(bpe_package_file, no_argos_packages)
    (entry,) = catalog.candidates("argos")
    assert entry.kind == "argos-bpe" and entry.problem() is None
    engine = get_engine("argos", model=entry.name)
    out = engine.translate_batch(["Hola.", "", "El gobierno aprobó la ley."])
    assert len(out) == 3 and out[1] == "" and out[0].strip() and out[2].strip()
    assert not any("@@ " in t for t in out)
    assert engine.provenance().model == "translate-es_en-random-bpe"


def test_bpe_package_without_its_libraries_is_not_ready(
    bpe_package_file: Path, no_argos_packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bireader.translation import bpe

    install_from_file(bpe_package_file, no_argos_packages)
    monkeypatch.setattr(bpe, "NEEDED", ("sacremoses_not_installed_here",))
    (entry,) = catalog.candidates("argos")
    assert "pip install sacremoses subword-nmt" in (entry.problem() or "")


# -- OPUS-MT release zips -------------------------------------------------------------------------


def test_release_installs_converted_and_translates(
    opus_mt_release_file: Path, tmp_path: Path
) -> None:
    root = tmp_path / "models"
    entry = opus_mt.install_release(opus_mt_release_file, directory=root)
    assert entry.kind == "opus-mt" and entry.pair == "es->en" and entry.version == "2020-08-18"
    files = {p.name for p in entry.path.iterdir()}
    assert {"model.bin", "config.json", "source.spm", "target.spm", "bireader-model.json"} <= files
    assert not any(name.endswith(".npz") for name in files)  # converted, not copied
    assert [p.name for p in root.iterdir()] == [entry.name]  # no staging left
    meta = json.loads((entry.path / "bireader-model.json").read_text())
    assert meta["quantization"] == "int8" and meta["decoding"]["beam_size"] == 4


@pytest.mark.usefixtures("opus_mt_models_dir")
def test_opus_mt_engine_runs_the_converted_model() -> None:
    engine = get_engine("opus-mt")
    assert isinstance(engine, CT2Engine)
    sentences = ["Hola.", "   ", "La reunión durará dos días, según fuentes oficiales."]
    out = engine.translate_batch(sentences)
    assert len(out) == 3 and out[1] == "" and out[0].strip() and out[2].strip()
    assert engine.translate_batch(sentences[::-1]) == out[::-1]
    prov = engine.provenance()
    assert prov.engine == "opus-mt" and prov.model == "opus-mt-es-en-opus-2020-08-18"
    assert prov.model_version == "2020-08-18" and prov.options["beam_size"] == "4"
    assert prov.options["length_penalty"] == "0.6"  # decoder.yml's normalize


def _release_with(source: Path, dest: Path, *, drop: str = "", readme: str | None = None) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            if drop and info.filename.endswith(drop):
                continue
            data = src.read(info)
            if readme is not None and info.filename == "README.md":
                data = readme.encode()
            out.writestr(info, data)
    return dest


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"readme": "* source language(s): fra\n* target language(s): eng\n"}, "fra->en"),
        ({"readme": "* source language(s): spa\n* target language(s): eng fra deu\n"},
         "cannot tell the model's languages"),
        ({"readme": "# a model\n"}, "give them"),
        ({"drop": ".npz"}, "no opus.spm32k-spm32k.transformer-align"),
        ({"drop": "target.spm"}, "no target.spm"),
    ],
)
def test_bad_releases_are_refused_and_nothing_installed(
    opus_mt_release_file: Path, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    bad = _release_with(opus_mt_release_file, tmp_path / "opus-2020-08-18.zip", **change)
    root = tmp_path / "models"
    with pytest.raises(InputError, match=message):
        opus_mt.install_release(bad, directory=root)
    assert not root.exists() or list(root.iterdir()) == []


def test_languages_given_when_the_readme_does_not_say(
    opus_mt_release_file: Path, tmp_path: Path
) -> None:
    bare = _release_with(opus_mt_release_file, tmp_path / "opus-2021-02-19.zip", readme="# x\n")
    entry = opus_mt.install_release(bare, ("es", "en"), directory=tmp_path / "models")
    assert entry.pair == "es->en" and entry.version == "2021-02-19"


def test_a_model_the_converter_rejects_is_one_input_error(tmp_path: Path) -> None:
    release = build_random_opus_mt_release(tmp_path / "build")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(release) as archive:
        archive.extractall(unpacked)
    import numpy as np

    npz = next(unpacked.glob("*.npz"))
    weights = dict(np.load(npz))
    config = weights["special:model.yml"].tobytes().replace(b"swish", b"tanh")
    weights["special:model.yml"] = np.frombuffer(config, dtype=np.int8)
    np.savez(npz, **weights)
    broken = tmp_path / "opus-2020-08-18.zip"
    with zipfile.ZipFile(broken, "w") as out:
        for file in unpacked.iterdir():
            out.write(file, file.name)
    with pytest.raises(InputError, match="cannot convert") as caught:
        opus_mt.install_release(broken, directory=tmp_path / "models")
    assert "\n" not in str(caught.value)


# -- pre-converted CTranslate2 directories ------------------------------------------------


def test_ct2_directory_installs_with_languages_from_its_config(
    ct2_dir: Path, tmp_path: Path
) -> None:
    entry = opus_mt.install_dir(ct2_dir, directory=tmp_path / "models")
    assert entry.kind == "ctranslate2" and entry.engine == "opus-mt" and entry.pair == "es->en"
    assert entry.problem() is None
    assert (ct2_dir / "model.bin").is_file()  # the source is copied, not moved


def test_ct2_directory_problems_are_refused(ct2_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "opus-mt-es-en-broken"
    shutil.copytree(ct2_dir, broken)
    (broken / "source.spm").unlink()
    with pytest.raises(InputError, match=r"no source\.spm"):
        opus_mt.install_dir(broken, directory=tmp_path / "models")
    (broken / "source.spm").write_bytes((ct2_dir / "source.spm").read_bytes())
    (broken / "model.bin").write_bytes(b"\0" * 64)
    with pytest.raises(InputError, match="zero-filled"):
        opus_mt.install_dir(broken, directory=tmp_path / "models")
    other = tmp_path / "anonymous"
    shutil.copytree(ct2_dir, other)
    (other / "tokenizer_config.json").unlink()
    with pytest.raises(InputError, match="give them"):
        opus_mt.install_dir(other, directory=tmp_path / "models")
    assert opus_mt.install_dir(other, ("es", "en"), directory=tmp_path / "models").name == (
        "ct2-es-en-anonymous"
    )


# -- the bar: every layout translates the Miami article through the CLI --------------------


def _layout_env(layout: str, tmp_path: Path, files: dict[str, Path]) -> tuple[dict[str, str], str]:
    argos, models = tmp_path / "argos", tmp_path / "models"
    argos.mkdir()
    env = {"ARGOS_PACKAGES_DIR": str(argos), "BIREADER_MODELS_DIR": str(models),
           "BIREADER_CACHE_DIR": str(tmp_path / "cache")}
    if layout == "argos-bpe":
        install_from_file(files["bpe"], argos)
        return env, "argos"
    if layout == "opus-mt":
        opus_mt.install_release(files["release"], directory=models)
    else:
        opus_mt.install_dir(files["ct2"], directory=models)
    return env, "opus-mt"


@pytest.mark.parametrize("layout", ["argos-bpe", "opus-mt", "ctranslate2"])
def test_every_layout_translates_miami_without_heavy_imports(
    layout: str,
    tmp_path: Path,
    bpe_package_file: Path,
    opus_mt_release_file: Path,
    ct2_dir: Path,
) -> None:
    files = {"bpe": bpe_package_file, "release": opus_mt_release_file, "ct2": ct2_dir}
    env, engine = _layout_env(layout, tmp_path, files)
    out = tmp_path / "miami.json"
    code = (
        "import json, sys\n"
        "from bireader.cli import main\n"
        "try:\n"
        f"    main(['translate', {str(MIAMI)!r}, '--engine', {engine!r}, '--no-fallback',"
        f" '-o', {str(out)!r}], standalone_mode=False)\n"
        "finally:\n"
        f"    heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "    print(json.dumps(heavy))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == []
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["pairs"]) == 11
    assert [p["source"] for p in data["pairs"]] == [
        s.text for s in bireader.read(MIAMI).sentences()
    ]
    assert all(p["engine"] == engine and p["target"].strip() for p in data["pairs"])
    (entry,) = _installed(env)
    assert data["provenance"]["engine"] == engine
    assert data["provenance"]["model"] in (entry.name, entry.code)
    assert data["provenance"]["model_version"] == entry.version


def _installed(env: dict[str, str]) -> tuple[catalog.ModelEntry, ...]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return catalog.installed_models()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- the self-test and what auto chooses ---------------------------------------------------


@pytest.mark.usefixtures("opus_mt_models_dir", "no_argos_packages")
def test_self_test_marks_random_weights_failing_and_auto_passes_them_over() -> None:
    (entry,) = catalog.candidates()
    verdict = catalog.self_test(entry, store=False)
    assert not verdict.passed
    assert "degenerate output on" in verdict.reason
    assert len(verdict.outputs) == len(catalog.SELFTEST_SENTENCES)
    status = engine_status("opus-mt")
    assert not status.ready and "fails its self-test" in status.detail


@pytest.mark.apertium
@pytest.mark.usefixtures("no_argos_packages")
def test_with_only_a_degenerate_model_auto_goes_straight_to_apertium(
    opus_mt_release_file: Path, bireader_models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bireader.translation.apertium import ApertiumEngine
    from bireader.translation.pipeline import translate

    if not ApertiumEngine.status().ready:
        pytest.fail("apertium is not ready here") if os.environ.get("CI") else pytest.skip(
            "apertium is not ready here")
    runner = CliRunner()
    result = runner.invoke(main, ["models", "install", "--file", str(opus_mt_release_file)])
    assert result.exit_code == 0, result.output
    assert "FAILS" in result.output
    decoded: list[str] = []
    original = CT2Engine.translate_batch

    def spy(self: CT2Engine, sentences: Sequence[str]) -> list[str]:
        decoded.extend(sentences)
        return original(self, sentences)

    monkeypatch.setattr(CT2Engine, "translate_batch", spy)
    document = bireader.read(MIAMI)
    result_doc = translate(document, "auto", cache=False)
    assert result_doc.provenance.engine == "apertium"
    assert decoded == []  # not one sentence went to the failing model first
    assert {p.engine for p in result_doc.pairs} == {"apertium"}


def test_auto_prefers_kind_then_version_among_passing_models(
    opus_mt_release_file: Path,
    ct2_dir: Path,
    argos_package_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a lenient self-test every random model passes: the choice is by kind, then
    version; a failing one is passed over whatever its rank."""
    monkeypatch.setattr(catalog, "SELFTEST_MAX_FLAGGED", len(catalog.SELFTEST_SENTENCES))
    monkeypatch.setattr(catalog, "SELFTEST_VERSION", 1000)  # not the stored verdicts
    argos = tmp_path / "argos"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos))
    install_from_file(argos_package_file, argos)
    assert get_engine("auto").name == "argos"
    opus_mt.install_dir(ct2_dir)
    assert catalog.auto_choice()[0].kind == "ctranslate2"  # type: ignore[union-attr]
    older = _release_with(opus_mt_release_file, tmp_path / "opus-2019-12-04.zip")
    opus_mt.install_release(older)
    opus_mt.install_release(opus_mt_release_file)
    best, _ = catalog.auto_choice()
    assert best is not None and (best.kind, best.version) == ("opus-mt", "2020-08-18")
    engine = get_engine("auto")
    assert engine.name == "opus-mt" and engine.provenance().model == best.name
    # With the real rule every random model fails: auto has none of them.
    monkeypatch.setattr(catalog, "SELFTEST_MAX_FLAGGED", 1)
    monkeypatch.setattr(catalog, "SELFTEST_VERSION", 1001)
    verdicts = {m.name: catalog.verdict(m) for m in catalog.installed_models()}
    assert verdicts and not any(v is not None and v.passed for v in verdicts.values())
    model, why = catalog.auto_choice()
    assert model is None and "fails its self-test" in why


def test_a_named_model_picks_its_engine(
    opus_mt_models_dir: Path, argos_packages_dir: Path
) -> None:
    (opus,) = catalog.candidates("opus-mt")
    (argos,) = catalog.candidates("argos")
    assert get_engine("auto", model=opus.name).name == "opus-mt"
    assert get_engine("auto", model=argos.name).name == "argos"
    assert get_engine("argos", model=argos.code).name == "argos"  # a unique code works too
    with pytest.raises(InvalidOption, match="use --engine opus-mt"):
        get_engine("argos", model=opus.name)
    with pytest.raises(ModelNotInstalled, match="no installed model named 'nope'"):
        get_engine("auto", model="nope")


# -- the commands -------------------------------------------------------------------------


def test_models_commands_explain_kind_state_and_auto(
    opus_mt_release_file: Path, ct2_dir: Path, argos_package_file: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argos = tmp_path / "argos"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos))
    runner = CliRunner()
    for args in (["--file", str(opus_mt_release_file)], ["--dir", str(ct2_dir)],
                 ["--file", str(argos_package_file)]):
        result = runner.invoke(main, ["models", "install", *args])
        assert result.exit_code == 0, result.output
        assert "installed" in result.output and "FAILS" in result.output
    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    kinds = [line.split()[1] for line in lines if not line.startswith((" ", "auto"))]
    assert kinds == ["opus-mt", "ctranslate2", "argos"]  # best first
    assert sum("fails its self-test: degenerate output" in line for line in lines) == 3
    assert " MB" in listed.output or " KB" in listed.output
    assert not lines[-1].startswith(("auto -> opus-mt", "auto -> argos"))
    engines = runner.invoke(main, ["engines"])
    assert engines.exit_code == 0
    assert "models (best first):" in engines.output
    opus_line = next(line for line in engines.output.splitlines() if line.startswith("opus-mt"))
    assert "not ready" in opus_line and "fails its self-test" in opus_line
    check = runner.invoke(main, ["models", "check", "opus-mt-es-en-opus-2020-08-18"])
    assert check.exit_code == EngineError.exit_code
    assert "FAILS" in check.output
    removed = runner.invoke(main, ["models", "remove", "es", "en"])
    assert removed.exit_code == 0 and removed.output.count("removed") == 3
    assert catalog.installed_models() == ()


def test_installing_a_failing_19_package_says_what_to_do(
    argos_package_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    with zipfile.ZipFile(argos_package_file) as src:
        top = src.namelist()[0].split("/")[0]
        meta = json.loads(src.read(f"{top}/metadata.json"))
    meta.update(package_version="1.9", code="translate-es_en")
    nineteen = tmp_path / "translate-es_en-1_9.argosmodel"
    with zipfile.ZipFile(argos_package_file) as src, zipfile.ZipFile(nineteen, "w") as out:
        for info in src.infolist():
            data = json.dumps(meta).encode() if info.filename.endswith("metadata.json") else (
                src.read(info))
            out.writestr(info, data)
    result = CliRunner().invoke(main, ["models", "install", "--file", str(nineteen)])
    assert result.exit_code == 0
    assert "#504" in result.output and "bireader models install opus-mt es en" in result.output


def test_install_opus_mt_offline_is_one_line(tmp_path: Path) -> None:
    env = {"BIREADER_OPUS_MT_URL": "http://127.0.0.1:9/opus-2020-08-18.zip",
           "BIREADER_MODELS_DIR": str(tmp_path / "models"),
           "ARGOS_PACKAGES_DIR": str(tmp_path / "argos")}
    run = _cli("models", "install", "opus-mt", "es", "en", env=env)
    assert run.returncode == ModelNotInstalled.exit_code
    errors = [line for line in run.stderr.splitlines() if line.startswith("bireader: error")]
    assert len(errors) == 1 and "cannot download the OPUS-MT model" in errors[0]
    assert "Traceback" not in run.stderr and "--file" in errors[0]
    assert not (tmp_path / "models").exists() or not list((tmp_path / "models").iterdir())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_install_opus_mt_downloads_the_release(opus_mt_release_file: Path, tmp_path: Path) -> None:
    served = tmp_path / "served" / "spa-eng"
    served.mkdir(parents=True)
    shutil.copy(opus_mt_release_file, served / "opus-2020-08-18.zip")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path / "served"))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_port}/spa-eng/opus-2020-08-18.zip"
            env = {"BIREADER_OPUS_MT_URL": url, "BIREADER_MODELS_DIR": str(tmp_path / "models"),
                   "ARGOS_PACKAGES_DIR": str(tmp_path / "argos")}
            run = _cli("models", "install", "opus-mt", "es", "en", env=env)
        finally:
            server.shutdown()
    assert run.returncode == 0, run.stderr
    assert "installed opus-mt-es-en-opus-2020-08-18 (opus-mt, es->en, 2020-08-18)" in run.stdout
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["opus-mt-es-en-opus-2020-08-18"]


def test_cli_model_option_picks_any_installed_model(
    opus_mt_models_dir: Path, argos_packages_dir: Path, tmp_path: Path
) -> None:
    (opus,) = catalog.candidates("opus-mt")
    (argos,) = catalog.candidates("argos")
    runner = CliRunner()
    for entry, engine, model in ((opus, "opus-mt", opus.name), (argos, "argos", argos.code)):
        out = tmp_path / f"{engine}.json"
        result = runner.invoke(main, ["translate", str(MIAMI), "--model", entry.name,
                                      "--no-fallback", "--no-cache", "-o", str(out)])
        assert result.exit_code == 0, result.output
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["provenance"]["engine"] == engine
        assert data["provenance"]["model"] == model
        assert {p["engine"] for p in data["pairs"]} == {engine}
    wrong = runner.invoke(main, ["translate", str(MIAMI), "--engine", "argos",
                                 "--model", opus.name])
    assert wrong.exit_code == InvalidOption.exit_code
    assert "use --engine opus-mt" in wrong.output
    missing = runner.invoke(main, ["translate", str(MIAMI), "--model", "nope"])
    assert missing.exit_code == ModelNotInstalled.exit_code and "nope" in missing.output
