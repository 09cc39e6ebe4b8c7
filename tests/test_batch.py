"""``bireader batch`` / ``bireader.batch``: inputs, outputs, resume, failures, engines once.

Most tests use a case-changing test-double engine (registered for the test, inherited by
the forked pool workers); the kill-and-resume test runs the real command with Apertium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from doubles import UpperEngine
from lxml import etree

import bireader
from bireader.cli import main
from bireader.corpus import (
    SOME_FAILED,
    STATE_DIR,
    collect_inputs,
    iter_batch,
)
from bireader.errors import InputError

REPO = Path(__file__).resolve().parents[1]
DTD = REPO.parent / "shared" / "specs" / "tmx14.dtd"
if not DTD.exists():
    DTD = Path("/work/shared/specs/tmx14.dtd")


class CountingUpper(UpperEngine):
    """Upper-cases; appends its process id to $BATCH_ENGINE_LOG each time it is built."""

    def __init__(self, **options: object) -> None:
        log = os.environ.get("BATCH_ENGINE_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(f"{os.getpid()}\n")


@pytest.fixture
def upper(register_engines: Callable[..., Any], tmp_path: Path, monkeypatch: Any) -> Path:
    """The double registered as the only engine; returns the file its builds are logged in."""
    log = tmp_path / "engine-builds.log"
    monkeypatch.setenv("BATCH_ENGINE_LOG", str(log))
    register_engines(auto_order=("apertium",), apertium=CountingUpper)
    return log


def _corpus(root: Path) -> Path:
    """A small tree of articles: two folders deep, other languages and non-articles beside."""
    (root / "a" / "b").mkdir(parents=True)
    (root / "uno.es.txt").write_text("Hola, mundo. Adiós.\n", encoding="utf-8")
    (root / "a" / "dos.md").write_text("# Título\n\nUna frase. Otra frase.\n", encoding="utf-8")
    (root / "a" / "b" / "tres.txt").write_text("La casa es roja.\n", encoding="utf-8")
    (root / "uno.en.txt").write_text("Hello, world. Bye.\n", encoding="utf-8")
    (root / "notas.csv").write_text("a,b\n", encoding="utf-8")
    (root / ".oculto.txt").write_text("No.\n", encoding="utf-8")
    return root


# --- inputs -------------------------------------------------------------------------------


def test_folders_are_searched_recursively_for_spanish_articles(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    names = [a.name for a in collect_inputs([root])]
    assert names == ["uno.es.txt", "a/dos.md", "a/b/tres.txt"]
    globbed = [a.name for a in collect_inputs([root], glob=["*.txt"])]
    assert globbed == ["uno.en.txt", "uno.es.txt", "a/b/tres.txt"]


def test_list_files_and_single_files(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    listing = tmp_path / "list.txt"
    listing.write_text("# articles\nin/uno.es.txt\n\nin/a/dos.md\n", encoding="utf-8")
    articles = collect_inputs([f"@{listing}", root / "a" / "b" / "tres.txt"])
    assert [a.name for a in articles] == ["uno.es.txt", "dos.md", "tres.txt"]
    assert all(Path(a.path).is_absolute() for a in articles)


def test_clashing_missing_or_no_inputs_are_refused(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "uno.es.md").write_text("Hola.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"would both be written as uno\.es"):
        collect_inputs([root / "uno.es.txt", tmp_path / "x" / "uno.es.md"])
    with pytest.raises(InputError, match="no such file"):
        collect_inputs([tmp_path / "nothing.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no input articles"):
        collect_inputs([tmp_path / "empty"])


# --- outputs, manifest, resume ------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_outputs_mirror_the_folders_and_rerun_skips(upper: Path, tmp_path: Path, jobs: int) -> None:
    root = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    summary = bireader.batch([root], out, to=("html", "tmx", "json", "tsv"), jobs=jobs)
    assert (summary.articles, summary.translated, summary.skipped, summary.failed) == (3, 3, 0, ())
    assert summary.sentences == 2 + 3 + 1
    for stem in ("uno.es", "a/dos", "a/b/tres"):
        for suffix in (".html", ".tmx", ".json", ".tsv"):
            assert (out / f"{stem}{suffix}").stat().st_size > 0, stem + suffix
    back = bireader.read_tmx(out / "a" / "b" / "tres.tmx")
    assert [p.target for p in back.pairs] == ["LA CASA ES ROJA."]
    assert back.document.source == str(root / "a" / "b" / "tres.txt")
    # The engine was built once per worker process (and once to check it before work).
    builds = upper.read_text().split()
    assert len(builds) <= jobs + 1 and len(set(builds)) == len(builds)

    again = bireader.batch([root], out, to=("html", "tmx"), jobs=jobs)
    assert (again.translated, again.skipped) == (0, 3)
    before = (out / "a" / "dos.html").stat().st_mtime_ns
    time.sleep(0.01)
    (root / "a" / "dos.md").write_text("# Título\n\nOtra cosa.\n", encoding="utf-8")
    third = bireader.batch([root], out, to=("html", "tmx"), jobs=jobs)
    assert (third.translated, third.skipped) == (1, 2)
    assert (out / "a" / "dos.html").stat().st_mtime_ns > before
    # Other options that change the outputs redo everything; a new format too.
    assert bireader.batch([root], out, to=("html",), export_options={
        "html": {"layout": "reveal"}}).translated == 3
    assert bireader.batch([root], out, to=("html",), export_options={
        "html": {"layout": "reveal"}}).translated == 0


def test_an_output_removed_or_older_than_its_input_is_redone(upper: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    bireader.batch([root], out, to=("html", "tmx"), jobs=1)
    (out / "uno.es.tmx").unlink()
    old = time.time() - 3600
    os.utime(out / "a" / "dos.html", (old, old))
    summary = bireader.batch([root], out, to=("html", "tmx"), jobs=1)
    assert (summary.translated, summary.skipped) == (2, 1)
    assert (out / "uno.es.tmx").exists()


def test_a_bad_article_is_reported_and_the_batch_goes_on(upper: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    (root / "vacio.txt").write_text("   \n", encoding="utf-8")
    (root / "binario.txt").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    summary = bireader.batch([root], out, to=("html",), jobs=2)
    assert summary.translated == 3
    failed = {r.name: r for r in summary.failed}
    assert set(failed) == {"vacio.txt", "binario.txt"}
    assert all(r.exit_code == 2 and r.error and "\n" not in r.error for r in failed.values())
    assert "empty" in (failed["vacio.txt"].error or "")
    assert not (out / "vacio.html").exists()
    # Failures are not recorded: a rerun tries them again, and only them.
    again = bireader.batch([root], out, to=("html",), jobs=1)
    assert (again.translated, again.skipped, len(again.failed)) == (0, 3, 2)


def test_the_iterator_yields_each_article_as_it_finishes(upper: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    results = iter_batch([root], tmp_path / "out", to=("json",), jobs=1)
    first = next(results)
    assert first.ok and first.outputs and Path(first.outputs[0]).exists()
    # The others are not done yet: work happens as the caller asks for results.
    assert not (tmp_path / "out" / "a" / "b" / "tres.json").exists()
    rest = list(results)
    assert len(rest) == 2 and all(r.ok for r in rest)


def test_tmx_corpus_holds_every_pair_in_input_order(upper: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    corpus = tmp_path / "corpus.tmx"
    bireader.batch([root], tmp_path / "out", to=("html",), jobs=2, tmx_corpus=corpus,
                   export_options={"tmx": {"source_lang": "es-ES", "target_lang": "en-US"}})
    tree = etree.parse(str(corpus))
    if DTD.exists():
        dtd = etree.DTD(str(DTD))
        assert dtd.validate(tree), dtd.error_log
    units = tree.findall(".//tu")
    documents = [u.findtext("prop[@type='x-document']") for u in units]
    assert documents == ["uno.es.txt"] * 2 + ["a/dos.md"] * 3 + ["a/b/tres.txt"]
    assert len({u.get("tuid") for u in units}) == len(units)
    langs = {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in tree.iter("tuv")}
    assert langs == {"es-ES", "en-US"}
    back = bireader.read_tmx(corpus)
    assert [p.target for p in back.pairs][-1] == "LA CASA ES ROJA."
    # A rerun with nothing to do still writes the whole memory.
    corpus.unlink()
    bireader.batch([root], tmp_path / "out", to=("html",), jobs=1, tmx_corpus=corpus)
    assert len(etree.parse(str(corpus)).findall(".//tu")) == 6


def test_a_line_cut_short_in_the_manifest_is_ignored(upper: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    bireader.batch([root], out, jobs=1)
    manifest = out / STATE_DIR / "manifest.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20], encoding="utf-8")
    summary = bireader.batch([root], out, jobs=1)
    assert (summary.translated, summary.skipped) == (1, 2)
    entries = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()
               if line.startswith("{") and line.endswith("}")]
    assert {e["name"] for e in entries} == {"uno.es.txt", "a/dos.md", "a/b/tres.txt"}


# --- the command --------------------------------------------------------------------------


def test_cli_lines_summary_and_exit_code(upper: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "in")
    (root / "vacio.txt").write_text("\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["batch", str(root), "-o", str(out), "--to", "html,tmx", "-j", "1", "-v"]
    )
    assert result.exit_code == SOME_FAILED, result.output
    assert re.search(r"vacio\.txt: .*empty", result.stderr)
    assert result.stderr.count("vacio.txt") == 1, "the article is named once"
    assert re.search(r"tres\.txt: 1 sentences", result.stderr)
    assert "batch: 4 articles (3 translated, 0 up to date, 1 failed), 6 sentences" in result.stderr
    assert "Traceback" not in result.output
    (root / "vacio.txt").unlink()
    again = CliRunner().invoke(main, ["batch", str(root), "-o", str(out), "--to", "html,tmx"])
    assert again.exit_code == 0 and "(0 translated, 3 up to date, 0 failed)" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "pdf"], "give formats from"),
        (["-j", "0"], "at least 1"),
        (["--layout", "reveal", "--to", "tmx"], "--layout only applies with --to html"),
        (["--tmx-corpus", "x.txt"], "must end in .tmx"),
        (["--dask", "tcp://127.0.0.1:1", "-j", "2"], "--jobs is for the local pool"),
        # Each article's page takes its own title: batch has no --title (export has).
        (["--title", "Uno"], "No such option '--title'"),
    ],
)
def test_cli_refuses_bad_options_before_any_work(
    upper: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    root = _corpus(tmp_path / "in")
    result = CliRunner().invoke(main, ["batch", str(root), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_options_for_one_document_are_not_offered_by_batch() -> None:
    listed = CliRunner().invoke(main, ["batch", "--help"]).output
    assert "--layout" in listed and "--lang-codes" in listed and "--title" not in listed
    assert "--title" in CliRunner().invoke(main, ["export", "--help"]).output


@pytest.mark.parametrize("given", ["nope", "@nope.lst"])
def test_cli_missing_input_is_a_one_line_error(tmp_path: Path, given: str) -> None:
    given = given.replace("nope", str(tmp_path / "nope"))
    result = CliRunner().invoke(main, ["batch", given, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr
    assert "Errno" not in result.stderr


# --- kill -9 halfway, then rerun (the real command, Apertium) ----------------------------


def _has_apertium() -> bool:
    if shutil.which("apertium") is None:
        return False
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return "spa-eng" in listed.stdout.split()


@pytest.mark.apertium
@pytest.mark.slow
@pytest.mark.skipif(
    not _has_apertium() and os.environ.get("CI") != "true", reason="apertium spa-eng missing"
)
def _batch_under_way(
    tmp_path: Path, count: int, seed: int, to: str, done: int
) -> tuple[subprocess.Popen[bytes], Path, Path, Path]:
    """A ``bireader batch -j 2`` of a synthetic corpus, started as a user would, once
    ``done`` articles are in its manifest: the process, the corpus, the output folder
    and the manifest. Skips if the batch finished first (a very fast machine)."""
    from bireader.testing import synthetic_corpus

    root = tmp_path / "in"
    synthetic_corpus(root, count=count, seed=seed)
    out = tmp_path / "out"
    command = [str(Path(sys.executable).with_name("bireader")), "batch", str(root), "-o", str(out),
               "--to", to, "-j", "2", "--no-cache"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    manifest = out / STATE_DIR / "manifest.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.exists() and manifest.read_text(encoding="utf-8").count("\n") >= done:
            break
        time.sleep(0.05)
    if process.poll() is not None:
        pytest.skip("the batch finished before it could be stopped (a very fast machine)")
    return process, root, out, manifest


def test_kill_9_halfway_then_rerun_completes_without_loss(tmp_path: Path) -> None:
    process, root, out, manifest = _batch_under_way(tmp_path, 24, 7, "html,tmx", 8)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    recorded = {json.loads(line)["name"] for line in
                manifest.read_text(encoding="utf-8").splitlines() if line.endswith("}")}
    if len(recorded) == 24:
        pytest.skip("the batch finished before it could be killed (a very fast machine)")
    assert len(recorded) >= 8
    rerun = subprocess.run(
        process.args, capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    match = re.search(r"\((\d+) translated, (\d+) up to date, 0 failed\)", rerun.stderr)
    assert match, rerun.stderr
    assert int(match.group(2)) == len(recorded) and int(match.group(1)) == 24 - len(recorded)
    for article in collect_inputs([root]):
        stem = article.name.rsplit(".", 1)[0]
        html = (out / f"{stem}.html").read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>")
        source = Path(article.path).read_text(encoding="utf-8")
        pairs = bireader.read_tmx(out / f"{stem}.tmx").pairs
        assert len(pairs) == len(list(bireader.read(source).sentences()))


# --- --align: X.es.* with X.en.* ----------------------------------------------------------


def _pairs_corpus(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "uno.es.txt").write_text("Hola, mundo. La casa es roja.\n", encoding="utf-8")
    (root / "uno.en.txt").write_text("Hello, world. The house is red.\n", encoding="utf-8")
    (root / "sub" / "dos.es.md").write_text("El perro ladra.\n", encoding="utf-8")
    (root / "sub" / "dos.en.txt").write_text("The dog barks.\n", encoding="utf-8")
    return root


def test_align_pairs_each_spanish_article_with_its_english(upper: Path, tmp_path: Path) -> None:
    root = _pairs_corpus(tmp_path / "in")
    articles = collect_inputs([root], align=True)
    assert [(a.name, Path(a.partner or "").name) for a in articles] == [
        ("uno.es.txt", "uno.en.txt"), ("sub/dos.es.md", "dos.en.txt")]
    out = tmp_path / "out"
    summary = bireader.batch([root], out, to=("tmx",), align=True, jobs=1,
                             tmx_corpus=tmp_path / "c.tmx")
    assert (summary.translated, summary.failed) == (2, ())
    pairs = bireader.read_tmx(out / "uno.es.tmx").pairs
    # The English is the human one from the file, never the engine's upper-cased Spanish
    # (how the double's MT lets the aligner group the two sentences is not the point).
    assert " ".join(p.target for p in pairs if p.target) == "Hello, world. The house is red."
    units = etree.parse(str(tmp_path / "c.tmx")).findall(".//tu")
    assert {u.findtext("prop[@type='x-translation']") for u in units} == {"human"}
    assert {u.findtext("prop[@type='x-document']") for u in units} == {"uno.es.txt",
                                                                      "sub/dos.es.md"}
    # Editing the English redoes that article only.
    time.sleep(0.01)
    (root / "sub" / "dos.en.txt").write_text("The dog is barking.\n", encoding="utf-8")
    again = bireader.batch([root], out, to=("tmx",), align=True, jobs=1)
    assert (again.translated, again.skipped) == (1, 1)
    redone = bireader.read_tmx(out / "sub" / "dos.es.tmx").pairs
    assert " ".join(p.target for p in redone if p.target) == "The dog is barking."


def test_align_needs_the_english_beside_the_spanish(tmp_path: Path) -> None:
    root = _pairs_corpus(tmp_path / "in")
    (root / "tres.es.txt").write_text("Sin traducción.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"tres\.es\.txt: no English file tres\.en\.\*"):
        collect_inputs([root], align=True)
    result = CliRunner().invoke(main, ["batch", str(root), "-o", str(tmp_path / "o"), "--align"])
    assert result.exit_code == 2 and "no English file" in result.stderr


@pytest.mark.apertium
@pytest.mark.slow
@pytest.mark.skipif(
    not _has_apertium() and os.environ.get("CI") != "true", reason="apertium spa-eng missing"
)
def test_sigterm_stops_the_pool_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    process, _, out, _ = _batch_under_way(tmp_path, 40, 11, "html,tmx,json", 3)
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the batch finished before it could be terminated")
    assert process.returncode == 143 and b"terminated" in stderr and b"Traceback" not in stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
