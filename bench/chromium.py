"""The Chromium every browser benchmark drives (Debian's package; Playwright cannot download one here)."""

from __future__ import annotations

from tests.browser.harness import chromium_path


def chromium_or_exit() -> str:
    """Chromium's path, or exit with how to install it."""
    exe = chromium_path()
    if exe is None:
        raise SystemExit("chromium not found on PATH (apt-get install chromium)")
    return exe
