"""Writers in other processes: killed mid-save, and saving at the same time (every implementation)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geo.store import open_store
from geo.store.shipped import SHIPPED_NAMES

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 180


def writer(location: str, name: str, *args: str) -> subprocess.Popen:
    """Start tests.store.writer in its own process."""
    cmd = [sys.executable, "-m", "tests.store.writer", location, name, *args]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=TIMEOUT_S)
    return proc.returncode, out + err


def test_saves_from_several_processes_at_once_all_land(store_location, tmp_path):
    go = tmp_path / "go"
    procs = [writer(store_location, f"set {i}", "--n", "200", "--seed", str(i), "--go", str(go)) for i in range(4)]
    go.touch()
    for proc in procs:
        code, output = finish(proc)
        assert code == 0, output
    store = open_store(store_location)
    assert store.names() == [*SHIPPED_NAMES, "set 0", "set 1", "set 2", "set 3"]
    for i in range(4):
        assert len(store.read(f"set {i}", columns=["title"])) == 200


def test_merges_into_one_dataset_from_several_processes_at_once_all_land(store_location, tmp_path):
    go = tmp_path / "go"
    procs = [
        writer(store_location, "shared", "--n", "150", "--prefix", p, "--mode", "merge", "--go", str(go)) for p in "ABC"
    ]
    go.touch()
    for proc in procs:
        code, output = finish(proc)
        assert code == 0, output
    ids = open_store(store_location).read("shared", columns=["title"])["id"]
    assert len(ids) == 450 and {i.split("-")[0] for i in ids} == {"A", "B", "C"}
