"""The contract every registered exporter keeps, whatever its format."""

from __future__ import annotations

import importlib
import io
import json
import os
from pathlib import Path
from types import ModuleType

import pytest
from samples import make_bilingual, synthetic

import bireader
from bireader.errors import ExportError, InvalidOption
from bireader.formats.base import EXPORTERS, Exporter, export_each, exporter_for

MODULES = sorted(exporter.module for exporter in EXPORTERS)
DESCRIPTOR = {exporter.module: exporter for exporter in EXPORTERS}
SUFFIX = {exporter.module: exporter.suffixes[0] for exporter in EXPORTERS}

# Known contract failures of exporters owned elsewhere; strict, so a fix shows up.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@pytest.fixture(params=MODULES)
def exporter(request: pytest.FixtureRequest) -> ModuleType:
    return importlib.import_module(request.param)


def known(request: pytest.FixtureRequest, exporter: ModuleType, case: str) -> None:
    reason = KNOWN_FAILURES.get((exporter.__name__, case))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def render(exporter: ModuleType, bi: bireader.BilingualDocument, **options: object) -> bytes:
    buffer = io.BytesIO()
    exporter.write(bi, buffer, **options)
    return buffer.getvalue()


def test_declares_itself_once(exporter: ModuleType) -> None:
    descriptor = DESCRIPTOR[exporter.__name__]
    assert descriptor.name == exporter.FORMAT
    assert callable(exporter.write)
    assert exporter_for("x", exporter.FORMAT) is descriptor
    assert all(exporter_for(f"out{suffix}") is descriptor for suffix in descriptor.suffixes)


@pytest.mark.parametrize("descriptor", EXPORTERS, ids=lambda e: e.name)
def test_descriptor_options_are_the_write_keywords(descriptor: Exporter) -> None:
    """Every option of the dataclass reaches write(), with the dataclass's default."""
    import dataclasses
    import inspect

    write = inspect.signature(descriptor.load().write).parameters
    for field in dataclasses.fields(descriptor.options):
        if field.name in write and write[field.name].default is not inspect.Parameter.empty:
            assert write[field.name].default == field.default, field.name
        else:
            # html: render() takes the option through **options
            assert any(p.kind is p.VAR_KEYWORD for p in write.values()), field.name
    assert descriptor.make_options() == descriptor.options()
    with pytest.raises(InvalidOption, match="no_such"):
        descriptor.make_options({"no_such": 1})


def test_registry_does_not_import_exporters() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bireader.formats.base as b; "
        "b.exporter_for('a.tmx'); b.export_formats(); "
        "print(sorted(m for m in sys.modules if m.startswith(('lxml', 'bireader.formats.h'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_writes_utf8_with_every_sentence_in_order(exporter: ModuleType) -> None:
    bi = synthetic(12, per_block=4)
    text = render(exporter, bi).decode("utf-8")
    positions = [text.find(f"Frase número {i} ") for i in range(12)]
    assert -1 not in positions, "a source sentence is missing"
    assert positions == sorted(positions), "sentences out of document order"
    assert all(f"Sentence number {i} " in text for i in range(12))


_RENDER_IN_A_PROCESS = """
import io, sys
sys.path.insert(0, sys.argv[2])
from samples import make_bilingual
import importlib
out = io.BytesIO()
importlib.import_module(sys.argv[1]).write(make_bilingual(flags={1: ("repetition",)}), out)
sys.stdout.buffer.write(out.getvalue())
"""


def test_is_deterministic(exporter: ModuleType) -> None:
    """The same value gives the same bytes, in this process and in two fresh ones
    (so nothing depends on hash seeds, ids or set order)."""
    import subprocess
    import sys

    here = str(Path(__file__).parent)
    runs = [
        subprocess.run(
            [sys.executable, "-c", _RENDER_IN_A_PROCESS, exporter.__name__, here],
            capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    bi = make_bilingual(flags={1: ("repetition",)})
    assert runs[0] == runs[1] == render(exporter, bi)
    assert b"El ministro" in runs[0] and b"Talks in Miami" in runs[0]


def test_empty_document(exporter: ModuleType) -> None:
    """No pairs: still a whole file of the format, with no sentence in it."""
    bi = make_bilingual(())
    text = render(exporter, bi).decode("utf-8")
    full = render(exporter, make_bilingual()).decode("utf-8")
    assert text and len(text) < len(full)
    for pair in make_bilingual().pairs[1:]:  # the heading is also the title
        assert pair.target not in text and pair.target.split()[0] in full
    if exporter.FORMAT == "json":
        assert json.loads(text)["pairs"] == []
    elif exporter.FORMAT == "tsv":
        assert [line for line in text.splitlines() if not line.startswith("#")] == []
    else:
        from lxml import etree, html

        root = (
            html.fromstring(text) if exporter.FORMAT == "html"
            else etree.fromstring(text.encode())
        )
        if exporter.FORMAT == "tmx":
            assert root.find("body") is not None and len(root.find("body")) == 0
        else:
            assert root.find(".//article") is not None


def test_hostile_text_is_written_not_fatal(
    request: pytest.FixtureRequest, exporter: ModuleType
) -> None:
    known(request, exporter, "hostile")
    rows = [
        ("<script>alert('x')</script> \" onerror=", "]]> &amp; </seg>"),
        ("Control\x00\x01\x1b[0m and \ufffe \ud800 chars.", "Emoji 🙂 and \u2028 breaks\r\n."),
    ]
    out = render(exporter, make_bilingual([("paragraph", rows)]))
    assert "Emoji 🙂" in out.decode("utf-8")  # strict UTF-8: no lone surrogate written


def test_unknown_option_is_an_invalid_option(exporter: ModuleType) -> None:
    with pytest.raises(InvalidOption):
        render(exporter, make_bilingual(), no_such_option=True)


def test_failed_export_leaves_the_old_file_and_no_temp(
    exporter: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / f"out{SUFFIX[exporter.__name__]}"
    target.write_bytes(b"old")

    def broken(bi: object, stream: io.BufferedWriter, **options: object) -> None:
        stream.write(b"half a file")
        raise ExportError("disk on fire")

    monkeypatch.setattr(exporter, "write", broken)
    with pytest.raises(ExportError, match="disk on fire"):
        bireader.export(make_bilingual(), target)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_export_to_file_equals_stream(exporter: ModuleType, tmp_path: Path) -> None:
    bi = make_bilingual()
    target = tmp_path / f"out{SUFFIX[exporter.__name__]}"
    bireader.export(bi, target)
    assert target.read_bytes() == render(exporter, bi)


# ------------------------------------------------------------- several outputs at once


def test_export_each_writes_all_and_reports(tmp_path: Path) -> None:
    bi = make_bilingual()
    targets = [tmp_path / f"a{suffix}" for suffix in (".tmx", ".tsv", ".json")]
    seen: list[tuple[str, str]] = []
    written = export_each(bi, targets, on_written=lambda name, fmt: seen.append((name, fmt)))
    assert written == [str(t) for t in targets]
    assert [fmt for _, fmt in seen] == ["tmx", "tsv", "json"]
    assert all(t.stat().st_size > 0 for t in targets)


def test_export_each_passes_options_to_their_format_only(tmp_path: Path) -> None:
    targets = [tmp_path / "a.tmx", tmp_path / "a.tsv"]
    export_each(
        make_bilingual(), targets,
        options={"tmx": {"source_lang": "es-ES"}, "tsv": {"with_context": True}},
    )
    assert 'xml:lang="es-ES"' in targets[0].read_text(encoding="utf-8")
    assert "#columns:Spanish\tEnglish\tContext" in targets[1].read_text(encoding="utf-8")


def test_export_each_names_the_failed_output_and_still_writes_the_rest(tmp_path: Path) -> None:
    good, bad = tmp_path / "a.json", tmp_path / "missing-dir" / "b.tmx"
    with pytest.raises(ExportError) as info:
        export_each(make_bilingual(), [bad, good])
    assert str(bad) in str(info.value) and f"written: {good}" in str(info.value)
    assert good.is_file() and not bad.exists()


def test_export_each_resolves_every_format_before_writing(tmp_path: Path) -> None:
    good = tmp_path / "a.json"
    with pytest.raises(ExportError, match="cannot tell the output format"):
        export_each(make_bilingual(), [good, tmp_path / "a.docx"])
    assert not good.exists()


def test_target_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "x.tmx").mkdir()
    with pytest.raises(ExportError, match="cannot write"):
        bireader.export(make_bilingual(), tmp_path / "x.tmx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.tmx"]
