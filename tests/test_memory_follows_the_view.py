"""Issue 22: a server's memory follows what its pages show, not how many incidents are kept.

Each run is a process of its own (tests/memory_probe.py): keep 20,000 or 400,000 incidents, then
open every page; the resident memory after differs by at most 150 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.app_helpers import ROOT

LIMIT_MB = 150


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", *args], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _memory_with(n: int, folder) -> dict:
    _run("build", str(folder), str(n))
    return json.loads(_run("visit", str(folder)).strip().splitlines()[-1])


@pytest.mark.slow
def test_memory_after_every_page_differs_little_between_20k_and_400k_kept(tmp_path):
    small = _memory_with(20_000, tmp_path / "small")
    large = _memory_with(400_000, tmp_path / "large")
    print(f"after every page: 20k {small}, 400k {large}")
    assert large["rss_mb"] - small["rss_mb"] <= LIMIT_MB, (small, large)
