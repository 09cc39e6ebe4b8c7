"""`import bireader` and `bireader --help` load no engine library (checked in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "ctranslate2",
    "sentencepiece",
    "argostranslate",
    "torch",
    "stanza",
    "spacy",
    "numpy",
    "lxml",
    "bireader.translation.argos",
    "bireader.translation.apertium",
)

PRELUDE = """
import json, sys
def report():
    print(json.dumps(sorted(sys.modules)))
"""

SCRIPTS = {
    "import bireader": "import bireader\nreport()",
    "bireader --help": """
from bireader.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
report()
""",
    "bireader <every command> --help": """
import click
from bireader.cli import main

def walk(group, path):
    for name, command in group.commands.items():
        yield [*path, name]
        if isinstance(command, click.Group):
            yield from walk(command, [*path, name])

for args in walk(main, []):
    try:
        main([*args, "--help"])
    except SystemExit:
        pass
report()
""",
}


def loaded_modules(script: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + script],
        capture_output=True, text=True, timeout=60, check=True,
    )
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return set(modules)


@pytest.mark.parametrize("script", list(SCRIPTS.values()), ids=list(SCRIPTS))
def test_no_heavy_module_is_imported(script: str) -> None:
    modules = loaded_modules(script)
    assert "bireader" in modules
    heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []


def test_the_check_can_fail() -> None:
    """The same check sees an engine module once an engine is asked for its status."""
    modules = loaded_modules(
        "from bireader.translation.base import engine_status\n"
        "engine_status('apertium')\nreport()"
    )
    assert "bireader.translation.apertium" in modules
