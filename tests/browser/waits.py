"""Waiting for what a key or a click changed, before the test goes on.

A key pressed through ``page.keyboard`` is not promised to have been acted on by the
page when the call returns, and a page left or reloaded right after a change can lose
it: under load (two cores shared by several test runs) both happened. So a test that
depends on a key's effect first waits for that effect, and a test that reloads or leaves
a page to check a saved preference first waits until the page has stored it. Never a
sleep: each wait ends as soon as its condition holds, and fails if it never does.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

WAIT_MS = 30_000
"""Generous: two cores shared by several test runs at once."""

STORED = """(() => {
  const ids = document.documentElement.dataset, doc = ids.doc, article = ids.article;
  let v = null;
  try { v = JSON.parse(localStorage.getItem(%s) || 'null'); } catch (e) { return false; }
  return v !== null && !!(%s);
})()"""


def mode_is(page: Any, mode: str) -> None:
    """The page is in ``mode`` (waits for a key or click still being handled)."""
    expect(page.locator("html")).to_have_attribute("data-mode", mode, timeout=WAIT_MS)


def stored(page: Any, condition: str, key: str = "bireader.prefs") -> None:
    """Waits until the page's ``localStorage[key]`` (JSON, as ``v``) meets ``condition``,
    a JavaScript expression that may also use the page's ``doc`` and ``article`` ids."""
    page.wait_for_function(STORED % (json.dumps(key), condition), timeout=WAIT_MS)


def focused(page: Any, selector: str) -> None:
    """``selector`` has the keyboard focus (waits for a key still being handled)."""
    expect(page.locator(selector)).to_be_focused(timeout=WAIT_MS)
