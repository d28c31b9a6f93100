"""Shared set-up for the AppTests: every run goes through app.py.

AppTest resets PagesManager.uses_pages_directory before each run. With a pages/ folder next to
app.py, Streamlit 1.5x–1.6x then runs the current page alone (the old pages/ mode) instead of
app.py from the second run on, so the shared sidebar filters vanish. Keeping st.navigation's mode
on every run makes the AppTests see what a browser sees (the server has the same trap on a first
visit to a page's URL; ui/shell.py handles it there).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `app` (a conftest's pytestmark does not reach test modules)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.app)


@pytest.fixture(autouse=True)
def app_py_runs_every_time(monkeypatch):
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
