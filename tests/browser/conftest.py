"""Shared fixtures for the browser tests: a real Streamlit server and headless Chromium.

Fixtures
  app_server                 session: base URL of the app on the shipped data (PKIR_OFFLINE=1)
  start_app(data_dir=None, env=None) -> AppServer
                             function: start another app (custom data folder, extra env);
                             stopped at the end of the test
  browser                    session: Debian Chromium through Playwright
  page                       function: a fresh 1280x900 page; ``page.recorded_requests`` lists
                             every request URL (iframes, e.g. st_folium, and websockets included);
                             ``page.ws_messages`` one entry per websocket message received
  requests_log               function: the same list as ``page.recorded_requests``

Helpers live in harness.py (importable from bench/ too; its docstring lists them); they are
re-exported here for the tests that import them from conftest (``from .harness import ...`` is
preferred).

Without Chromium the tests are skipped locally and fail when CI is set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.harness import ARTIFACTS as ARTIFACTS
from tests.browser.harness import CHROMIUM_ARGS as CHROMIUM_ARGS
from tests.browser.harness import DEFAULT_TIMEOUT_MS as DEFAULT_TIMEOUT_MS
from tests.browser.harness import HERE as HERE
from tests.browser.harness import ROOT as ROOT
from tests.browser.harness import VIEWPORT as VIEWPORT
from tests.browser.harness import AppServer as AppServer
from tests.browser.harness import app_errors as app_errors
from tests.browser.harness import chromium_path as chromium_path
from tests.browser.harness import external_requests as external_requests
from tests.browser.harness import folium_frame as folium_frame
from tests.browser.harness import free_port as free_port
from tests.browser.harness import goto_page as goto_page
from tests.browser.harness import in_ci as in_ci
from tests.browser.harness import instrument as instrument
from tests.browser.harness import launch_app as launch_app
from tests.browser.harness import nav_link as nav_link
from tests.browser.harness import run_and_wait as run_and_wait
from tests.browser.harness import sideways_overflow as sideways_overflow
from tests.browser.harness import wait_for_app as wait_for_app
from tests.browser.harness import wait_for_map as wait_for_map


def _unavailable(reason: str) -> None:
    """Fail in CI (a browser test must never be silently skipped there), skip locally."""
    if in_ci():
        pytest.fail(f"{reason} (CI or PKIR_REQUIRE_BROWSER is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- collection and reporting


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _artifact_name(nodeid: str) -> str:
    name = nodeid.split("::", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150] or "test"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if page is None or page.is_closed():
        return
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{_artifact_name(item.nodeid)}.png"
    try:
        page.screenshot(path=str(target), full_page=True, timeout=15_000)
    except Exception as exc:  # a screenshot must never hide the real failure
        report.sections.append(("screenshot", f"could not take a screenshot: {exc}"))
    else:
        report.sections.append(("screenshot", str(target)))


def _start_or_fail(data_dir=None, env=None) -> AppServer:
    try:
        return launch_app(data_dir=data_dir, env=env)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def app_server():
    """Base URL of the app on the shipped data, offline mode."""
    server = _start_or_fail()
    yield server.url
    server.stop()


@pytest.fixture
def start_app():
    """Factory: start_app(data_dir=None, env=None) -> AppServer (use .url); stopped after the test."""
    started: list[AppServer] = []

    def start(data_dir: str | Path | None = None, env: dict[str, str] | None = None) -> AppServer:
        server = _start_or_fail(data_dir=data_dir, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        _unavailable("chromium not found on PATH: install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        pw.stop()
        _unavailable(f"chromium at {exe} did not start: {exc}")
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    instrument(page)
    yield page
    context.close()


@pytest.fixture
def requests_log(page) -> list[str]:
    return page.recorded_requests


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def _device_page(browser, device: dict):
    context = browser.new_context(**device)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    instrument(page)
    return context, page


@pytest.fixture
def phone(browser):
    """A fresh 390x844 touch page (a phone), instrumented like `page`."""
    context, page = _device_page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture
def laptop(browser):
    """A fresh 1366x768 page (a common laptop), instrumented like `page`."""
    context, page = _device_page(browser, LAPTOP)
    yield page
    context.close()
