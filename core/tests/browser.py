"""Fixtures for browser tests: Debian's chromium, driven through Playwright's sync API.

Nothing is downloaded at run time, so Playwright's own browser builds are never used: the tests
launch the chromium at ``XINQIAO_CHROMIUM`` (default ``/usr/bin/chromium``). When it is missing
the browser tests are skipped, unless ``XINQIAO_BROWSER_TESTS=required`` is set (as in CI), in
which case they fail: a missing browser must not pass silently there.

The root conftest.py loads this module as a plugin, so every test can ask for ``browser`` and
``page``; a session fixture must be defined once, or each module would start its own Playwright.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Short enough that a broken page fails fast, long enough for a loaded CI machine.
TIMEOUT_MS = 10_000


def chromium_path() -> str:
    return os.environ.get("XINQIAO_CHROMIUM") or DEFAULT_CHROMIUM


def browser_tests_required() -> bool:
    return os.environ.get("XINQIAO_BROWSER_TESTS", "").strip().lower() == "required"


def _unavailable(reason: str):
    if browser_tests_required():
        pytest.fail(f"{reason}, and XINQIAO_BROWSER_TESTS=required", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", name="browser")
def browser_fixture() -> Iterator:
    """One headless chromium for the whole session (per xdist worker)."""
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        _unavailable(f"no chromium at {path} (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")

    # Playwright's sync API keeps an event loop in this thread; Django's ORM would otherwise refuse
    # the fixtures' and the database teardown's queries as "called from an async context".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(name="page")
def page_fixture(browser, live_server, transactional_db) -> Iterator:
    """A fresh context (no cookies) in Simplified Chinese, and one page in it.

    Script errors and failed static assets are collected and fail the test at teardown: a page
    whose htmx or stylesheet did not load may still pass its assertions by the plain-HTML path.
    """
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} for {response.url}")
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    # A request cut short by the next navigation (net::ERR_ABORTED, e.g. the favicon when htmx
    # redirects) is the browser's choice, not a fault of the page.
    tab.on(
        "requestfailed",
        lambda request: (
            problems.append(f"request failed ({request.failure}): {request.url}")
            if "ERR_ABORTED" not in (request.failure or "")
            else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)
