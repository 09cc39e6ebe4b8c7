"""One Chromium for the whole session, the sample article exported once, a fresh page per test.

Every page is watched: a request to anything but a file: URL is aborted and
recorded, and console errors (CSP violations among them) and page errors are
collected; the ``reader`` fixture fails the test if any were seen.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import bireader
from bireader.errors import EngineError
from bireader.testing import CHROMIUM, CHROMIUM_ARGS

SAMPLE = Path(__file__).resolve().parents[2] / "texts" / "miami-talks.es.txt"


@dataclass
class Watched:
    """A page with what it asked for and what it complained about."""

    page: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def sample_bilingual() -> bireader.BilingualDocument:
    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed (apt-get install apertium apertium-eng-spa)")
    try:
        return bireader.translate(bireader.read(SAMPLE), engine="apertium")
    except EngineError as exc:
        pytest.skip(f"apertium spa-eng is not usable here: {exc}")


@pytest.fixture(scope="session")
def sample_page(tmp_path_factory: pytest.TempPathFactory, sample_bilingual: Any) -> Path:
    """The sample article's reader page, exported once, opened through file:."""
    path = tmp_path_factory.mktemp("reader") / "miami-talks.html"
    bireader.export(sample_bilingual, path)
    return path


Opener = Callable[..., Watched]


@pytest.fixture
def reader(browser: Any, sample_page: Path) -> Iterator[Opener]:
    """``reader(width=1280, height=800, color_scheme="light", init_script=None)`` -> Watched."""
    opened: list[tuple[Any, Watched]] = []

    def open_page(
        *,
        width: int = 1280,
        height: int = 800,
        color_scheme: str = "light",
        init_script: str | None = None,
        path: Path | None = None,
    ) -> Watched:
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme
        )
        page = context.new_page()
        watched = Watched(page)

        def route(route: Any) -> None:
            url = route.request.url
            if url.startswith("file:"):
                route.continue_()
            else:
                watched.blocked.append(url)
                route.abort()

        context.route("**/*", route)
        page.on("request", lambda request: watched.requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                watched.errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: watched.errors.append(str(error)))
        if init_script:
            page.add_init_script(init_script)
        page.goto((path or sample_page).as_uri())
        opened.append((context, watched))
        return watched

    yield open_page
    problems = []
    for context, watched in opened:
        context.close()
        problems += [f"console error: {e}" for e in watched.errors]
        problems += [f"request left the page: {u}" for u in watched.blocked]
        problems += [
            f"non-file request: {u}" for u in watched.requests if not u.startswith("file:")
        ]
    if problems:
        pytest.fail("\n".join(problems))
