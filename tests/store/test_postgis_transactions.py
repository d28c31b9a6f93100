"""PostGIS saves are transactions: a writer killed mid-way leaves nothing; writers at once both land."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from geo.store import open_store
from geo.store.shipped import SHIPPED_NAMES
from tests.pg_cluster import ROOT
from tests.store.conftest import incidents_file, load_incidents

WRITER = [sys.executable, "-m", "tests.store._pg_writer"]


@pytest.fixture
def pg_url(pg_cluster):
    """An empty, migrated database."""
    url = pg_cluster.create_database(migrated=True)
    yield url
    pg_cluster.drop_database(url)


def _wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 120) -> None:
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sel.select(timeout=1) and text in proc.stdout.readline():
            return
        if proc.poll() is not None:
            raise AssertionError(f"writer exited ({proc.returncode}): {proc.stderr.read()}")
    raise AssertionError(f"writer never printed {text!r}")


def _rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pkir.incidents").fetchone()[0]


def test_a_writer_killed_mid_save_leaves_the_previous_version_whole(pg_url, tmp_path):
    first = load_incidents(incidents_file(tmp_path, 100, seed=1, name="v1.geojson"))
    store = open_store(pg_url)
    store.save("kept", *first)
    before = store.info("kept")
    bigger = incidents_file(tmp_path, 400, seed=2, name="v2.geojson")
    proc = subprocess.Popen(
        [*WRITER, pg_url, "kept", str(bigger), "--hang-after-copy"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_line(proc, "copied")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    again = open_store(pg_url)
    assert again.names() == [*SHIPPED_NAMES, "kept"]
    assert again.info("kept") == before
    assert sorted(again.read("kept")["id"]) == sorted(first[0]["id"])
    assert _rows(pg_url) == 100
    # and the same file saves whole afterwards (the killed writer's lock went with its session)
    assert again.save("kept", *load_incidents(bigger)).added == 300


def test_a_writer_killed_during_its_first_save_leaves_no_dataset(pg_url, tmp_path):
    path = incidents_file(tmp_path, 200)
    proc = subprocess.Popen(
        [*WRITER, pg_url, "new", str(path), "--hang-after-copy"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_line(proc, "copied")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert open_store(pg_url).names() == [*SHIPPED_NAMES]
    assert _rows(pg_url) == 0


def test_imports_at_once_all_land_whole(pg_url, tmp_path):
    files = {
        "A": incidents_file(tmp_path, 300, seed=3, name="a.geojson"),
        "B": incidents_file(tmp_path, 300, seed=4, name="b.geojson"),
        "C1": incidents_file(tmp_path, 250, seed=5, name="c1.geojson"),
        "C2": incidents_file(tmp_path, 350, seed=6, name="c2.geojson"),
    }
    jobs = [("A", "A"), ("B", "B"), ("C", "C1"), ("C", "C2")]
    procs = [
        subprocess.Popen(
            [*WRITER, pg_url, name, str(files[key])],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, key in jobs
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    store = open_store(pg_url)
    assert store.names() == [*SHIPPED_NAMES, "A", "B", "C"]
    assert len(store.read("A")) == 300 and len(store.read("B")) == 300
    titles = set(store.read("C")["title"])
    c1, c2 = (set(load_incidents(files[k])[0]["title"]) for k in ("C1", "C2"))
    assert titles in (c1, c2)  # one import or the other, whole, never a mix
    assert store.info("C").rows == len(titles)
    assert [h["file"] for h in store.info("C").history] in (["c1.geojson", "c2.geojson"], ["c2.geojson", "c1.geojson"])


def test_a_reader_holding_the_write_lock_makes_a_keep_stop_waiting_with_a_message(
    pg_cluster, pg_url, synthetic, monkeypatch
):
    """Any role may take an advisory lock: a reader's session holding the store's forever is waited for a
    bounded time, then the keep says why and changes nothing (the worker's join only bounds a hang)."""
    import threading
    import uuid

    from geo.store import postgis
    from geo.store.base import StoreError

    gdf, source = synthetic
    reader = f"pkir_test_lock_{uuid.uuid4().hex[:6]}"
    pg_cluster.execute(f"CREATE ROLE {reader} LOGIN PASSWORD 'pw' IN ROLE pkir_reader")
    monkeypatch.setattr(postgis, "WRITE_LOCK_WAIT_S", 1, raising=False)
    store = open_store(pg_url)
    outcome: list = []

    def keep():
        try:
            outcome.append(store.save("kept", gdf, source))
        except Exception as exc:  # the assertion below reads it
            outcome.append(exc)

    with psycopg.connect(pg_url.replace("postgres@", f"{reader}:pw@"), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (postgis.WRITE_LOCK,))
        worker = threading.Thread(target=keep, daemon=True)
        worker.start()
        worker.join(timeout=120)
        assert not worker.is_alive(), "the keep is still waiting for the lock"
        assert isinstance(outcome[0], StoreError), outcome
        assert "write lock" in str(outcome[0]) and "nothing was changed" in str(outcome[0])
        assert "\n" not in str(outcome[0]) and "pw@" not in str(outcome[0])
    assert store.names() == [*SHIPPED_NAMES]
    assert store.save("kept", gdf, source).added == len(gdf)  # the lock released, keeps land again
    pg_cluster.execute(f"DROP ROLE {reader}")
