"""The documentation against the command itself (as sqlite-utils' test_docs.py does).

Every command and every long option in ``cli.main`` is documented in README.md or
docs/, and every ``bireader COMMAND`` line in a code block names a real command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from bireader.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TEXT = "\n".join(path.read_text(encoding="utf-8") for path in DOCS)


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


COMMANDS = list(_commands(main))


def test_there_are_commands() -> None:
    assert {("segment",), ("translate",), ("export",), ("engines",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_documented(path: tuple[str, ...]) -> None:
    assert re.search(rf"\bbireader {re.escape(' '.join(path))}\b", TEXT), (
        f"`bireader {' '.join(path)}` appears nowhere in README.md or docs/"
    )


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_option_is_documented(path: tuple[str, ...]) -> None:
    command = _command(path)
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        names = [*param.opts, *param.secondary_opts]
        assert any(re.search(rf"(?<![\w-]){re.escape(n)}\b", TEXT) for n in names), (
            f"`bireader {' '.join(path)} {names[-1]}` appears nowhere in README.md or docs/"
        )


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command = _command(path)
    assert command.help and command.help.strip()
    assert command.get_short_help_str()


def _documented_invocations() -> Iterator[tuple[str, str]]:
    """``bireader WORD [WORD]`` at the start of a line inside a fenced code block."""
    for path in DOCS:
        in_code = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            match = re.match(r"\s*(?:\$ )?bireader ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", line)
            if in_code and match:
                yield path.name, " ".join(w for w in match.groups() if w)


def test_documented_commands_exist() -> None:
    top = set(main.commands)
    found = list(_documented_invocations())
    assert found
    for name, words in found:
        first, *rest = words.split()
        assert first in top, f"{name}: `bireader {words}` is not a command"
        command = main.commands[first]
        if isinstance(command, click.Group) and rest:
            assert rest[0] in command.commands, f"{name}: `bireader {words}` is not a command"


@pytest.mark.parametrize(
    "page", sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name != "README.md")
)
def test_every_docs_page_is_in_the_index(page: str) -> None:
    """docs/README.md lists every page, so a reader finds words.md, batch.md..."""
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    assert f"]({page})" in index, f"docs/{page} is missing from docs/README.md"
