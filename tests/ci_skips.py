"""A pytest plugin: in CI (``CI=true``) a test skipped for a missing requirement fails.

On a developer's machine a test that needs Apertium, Chromium, playwright or the
installed command skips with a reason naming the fix. In CI the machine is built by
``make test`` (which installs them), so such a skip means the suite did not test what
it claims: it is reported as a failure. Skips that are about timing on a loaded
machine, not about a missing component, stay skips (``TIMING``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

TIMING = re.compile(r"finished before|needs SIGALRM")
"""Skip reasons that are not a missing requirement."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if TIMING.search(reason):
        return
    report.outcome = "failed"
    report.longrepr = f"CI=true: a skip here is a failure (install what is missing): {reason}"
