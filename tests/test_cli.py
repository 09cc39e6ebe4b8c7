"""The command as a whole: version, help, logging of library warnings, bilingual inputs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bireader import __version__
from bireader.cli import main
from bireader.formats.base import export
from bireader.model import BilingualDocument, Block, Document, Pair, Provenance, Sentence
from bireader.reading.formats import format_for_suffix

DATA = Path(__file__).parent / "data" / "reader"


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    yield CliRunner()
    # main() attaches a stderr handler to the "bireader" logger; leave it as found.
    log = logging.getLogger("bireader")
    for handler in [h for h in log.handlers if getattr(h, "_bireader_cli", False)]:
        log.removeHandler(handler)
    log.setLevel(logging.NOTSET)


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize(
    "command", ["segment", "translate", "export", "engines", "models", "cache"]
)
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_library_warning_is_one_stderr_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["segment", str(DATA / "latin1.txt")])
    assert result.exit_code == 0
    warnings = [
        line for line in result.stderr.splitlines() if line.startswith("bireader: warning:")
    ]
    assert len(warnings) == 1, result.stderr
    assert "Traceback" not in result.stderr
    # The sentences went to stdout, the warning did not.
    assert "warning" not in result.stdout


@pytest.mark.parametrize(
    ("flags", "level"), [([], logging.WARNING), (["-v"], logging.INFO), (["-vv"], logging.DEBUG)]
)
def test_verbosity_sets_the_log_level(runner: CliRunner, flags: list[str], level: int) -> None:
    result = runner.invoke(main, [*flags, "segment", str(DATA / "latin1.txt")])
    assert result.exit_code == 0
    assert logging.getLogger("bireader").level == level


def test_only_tmx_and_json_are_read_back() -> None:
    def kind(suffix: str) -> str | None:
        fmt = format_for_suffix(suffix)
        return fmt.kind if fmt is not None else None

    assert kind(".tmx") == kind(".JSON") == "bilingual"
    assert kind(".html") == kind(".txt") == "article"
    assert kind(".tsv") is None


def _bilingual() -> BilingualDocument:
    sentence = Sentence("Hola.", 0, 5)
    return BilingualDocument(
        Document("Hola.", (Block("paragraph", 0, 5, (sentence,)),)),
        (Pair(sentence, "Hello.", 0, "paragraph", "apertium"),),
        Provenance("apertium", "3.8"),
    )


@pytest.mark.parametrize("command", ["segment", "translate"])
@pytest.mark.parametrize("suffix", [".json", ".tmx", ".JSON"])
def test_bilingual_files_are_not_articles(
    runner: CliRunner, tmp_path: Path, command: str, suffix: str
) -> None:
    path = tmp_path / f"m{suffix}"
    export(_bilingual(), path, format=suffix.lower().lstrip("."))
    result = runner.invoke(main, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "not an article" in lines[0]
    assert f"bireader export {path} -o " in lines[0]


def test_tmx_on_stdin_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    export(_bilingual(), path)
    result = runner.invoke(main, ["segment", "-"], input=path.read_bytes())
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("bireader: error: <stdin>: a TMX translation memory")


@pytest.mark.parametrize("command", ["segment", "translate"])
def test_bilingual_json_on_stdin_is_refused(runner: CliRunner, command: str) -> None:
    from bireader.formats.json import dumps

    result = runner.invoke(main, [command, "-"], input=dumps(_bilingual()).encode("utf-8"))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("bireader: error: <stdin>: a bilingual JSON document")


@pytest.mark.parametrize(
    "option",
    [["--engine", "apertium"], ["--no-cache"], ["--no-fallback"], ["--input-format", "text"]],
)
def test_translation_options_with_a_translated_input_are_refused(
    runner: CliRunner, tmp_path: Path, option: list[str]
) -> None:
    from formats.samples import make_bilingual

    import bireader

    memory = tmp_path / "memory.json"
    bireader.export(make_bilingual(), memory)
    out = tmp_path / "page.html"
    result = runner.invoke(main, ["export", str(memory), "-o", str(out), *option])
    assert result.exit_code == 2
    assert "already translated" in result.stderr and option[0] in result.stderr
    assert not out.exists()


def test_models_install_takes_only_spanish_to_english(runner: CliRunner) -> None:
    result = runner.invoke(main, ["models", "install", "es", "fr"])
    assert result.exit_code == 2
    assert "es en" in result.stderr
