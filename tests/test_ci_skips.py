"""In CI (CI=true) a test skipped for a missing engine or browser fails; elsewhere it skips."""

from __future__ import annotations

import ci_skips
import pytest

pytest_plugins = ["pytester"]

TESTS = """
import pytest

def test_engine():
    pytest.skip("apertium is not installed (apt-get install apertium apertium-eng-spa)")

@pytest.fixture(scope="session")
def browser():
    pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")

def test_page(browser):
    pass

def test_timing():
    pytest.skip("the export finished before it could be interrupted")
"""


@pytest.mark.parametrize(("ci", "failed", "skipped"), [("true", 1, 1), ("", 0, 3), ("0", 0, 3)])
def test_missing_requirements_fail_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str, failed: int, skipped: int
) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", plugins=[ci_skips])
    # A skip in a fixture fails as an error of the test's setup.
    result.assert_outcomes(failed=failed, errors=failed, skipped=skipped)
    if failed:
        result.stdout.fnmatch_lines(["*CI=true: a skip here is a failure*apertium*"])
