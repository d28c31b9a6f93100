"""geo.values (what is missing) and geo.files (the atomic write)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from geo.files import write_atomic
from geo.values import is_missing, present


@pytest.mark.parametrize("value", [None, float("nan"), np.float64("nan"), pd.NA, pd.NaT])
def test_missing_scalars(value):
    assert is_missing(value) and not present(value)


@pytest.mark.parametrize("value", [0, 0.0, "", " ", [], "x", False])
def test_values_that_are_not_missing(value):
    assert not is_missing(value)


def test_present_also_rejects_blank_text_and_empty_collections():
    assert [present(v) for v in ("", "  ", [], {}, (), "a", [1], 0)] == [False] * 5 + [True] * 3


def test_write_atomic_replaces_whole_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old")
    write_atomic(target, "new ü")
    assert target.read_text(encoding="utf-8") == "new ü"
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    target.write_text("old")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_write_atomic_replaces_a_symlink_by_a_file(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert not link.is_symlink() and link.read_text() == "new" and real.read_text() == "keep"


def test_write_atomic_takes_a_writer_and_a_failing_writer_leaves_nothing(tmp_path):
    target = tmp_path / "kept.parquet"
    write_atomic(target, lambda tmp: tmp.write_bytes(b"PAR1"))
    assert target.read_bytes() == b"PAR1"

    def half(tmp):
        tmp.write_bytes(b"half")
        raise OSError("writer failed")

    with pytest.raises(OSError, match="writer failed"):
        write_atomic(target, half)
    assert target.read_bytes() == b"PAR1" and [p.name for p in tmp_path.iterdir()] == ["kept.parquet"]
