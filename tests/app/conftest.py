"""Shared set-up for the AppTests: the `app` marker for every test in this folder.

AppTest starts every run in Streamlit's legacy pages/ mode, so a run after switch_page first
runs the page file alone; ui/shell.ensure_app_shell reroutes it through app.py exactly as it
does for a browser's first visit to a page URL (nothing is patched here).
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `app` (a conftest's pytestmark does not reach test modules)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.app)
