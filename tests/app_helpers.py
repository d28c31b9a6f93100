"""Paths and the start of a page shared by the AppTests."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def open_page(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run app.py (its default page is the map), then switch to page, e.g. "pages/sources.py".
    Fails when a run raises."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
