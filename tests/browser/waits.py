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
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from playwright.sync_api import expect

WAIT_MS = 30_000
"""Generous: two cores shared by several test runs at once."""

STORED = """(() => {
  const ids = document.documentElement.dataset, doc = ids.doc, article = ids.article;
  return (%s)(doc, article);
})()"""

# The same test, given the page's ids: run in another tab, which has none of its own.
CHECK = """((doc, article) => {
  let v = null;
  try { v = JSON.parse(localStorage.getItem(%s) || 'null'); } catch (e) { return false; }
  return v !== null && !!(%s);
})"""


def mode_is(page: Any, mode: str) -> None:
    """The page is in ``mode`` (waits for a key or click still being handled)."""
    expect(page.locator("html")).to_have_attribute("data-mode", mode, timeout=WAIT_MS)


def stored(page: Any, condition: str, key: str = "bireader.prefs") -> None:
    """Waits until the page's ``localStorage[key]`` (JSON, as ``v``) meets ``condition``,
    a JavaScript expression that may also use the page's ``doc`` and ``article`` ids."""
    check = CHECK % (json.dumps(key), condition)
    page.wait_for_function(STORED % check, timeout=WAIT_MS)
    # The page reads its own write at once, but the browser process learns of it by a
    # message that, under load, can arrive after the next page opened in this tab has
    # read storage (seen: a stored mode and theme missing on the next page). Another tab
    # reads through the browser process: once it sees the value, so will the next page.
    doc, article = page.evaluate(
        "[document.documentElement.dataset.doc, document.documentElement.dataset.article]"
    )
    probe_file = Path(url2pathname(urlparse(page.url).path)).with_name("storage-probe.html")
    probe_file.write_text("<!doctype html><title>storage probe</title>", encoding="utf-8")
    probe = page.context.new_page()
    try:
        probe.goto(probe_file.as_uri())
        probe.wait_for_function(
            f"({check})({json.dumps(doc)}, {json.dumps(article)})", timeout=WAIT_MS
        )
    finally:
        probe.close()


def focused(page: Any, selector: str) -> None:
    """``selector`` has the keyboard focus (waits for a key still being handled)."""
    expect(page.locator(selector)).to_be_focused(timeout=WAIT_MS)
