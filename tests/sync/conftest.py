"""Fixtures of the sync tests: the fake APIs on a free port, small pages, an empty workspace."""

from __future__ import annotations

import pytest

from geo.store.embedded import EmbeddedStore
from geo.sync import acled, ucdp
from tests.sync.fake_api import PASSWORD, USER, FakeApi


@pytest.fixture
def api():
    """The fake ACLED and UCDP APIs, running for one test."""
    server = FakeApi().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    """Pages of 2 rows, so a handful of rows spans several pages."""
    monkeypatch.setattr(acled, "PAGE", 2)
    monkeypatch.setattr(ucdp, "PAGE", 2)


@pytest.fixture
def workspace(tmp_path, settings_env):
    """An empty workspace, configured as the process's (PKIR_WORKSPACE) with the API credentials set."""
    folder = tmp_path / "workspace"
    settings_env.setenv("PKIR_WORKSPACE", str(folder))
    settings_env.delenv("PKIR_DATABASE_URL", raising=False)
    settings_env.setenv("ACLED_USERNAME", USER)
    settings_env.setenv("ACLED_PASSWORD", PASSWORD)
    return folder


@pytest.fixture
def store(workspace):
    """The embedded store in that workspace."""
    return EmbeddedStore(workspace)


def snapshot(store, name: str) -> tuple:
    """What a failed sync must leave exactly as it was: the manifest entry, the rows, the sync state."""
    from geo.sync.state import open_book

    try:
        info = store.info(name)
    except Exception:
        return (None, None, open_book(store).dataset(name))
    rows = store.read(name).sort_values("id").reset_index(drop=True)
    text = rows.drop(columns="geometry").astype(str).to_csv() + rows.geometry.to_wkt().to_csv()
    return (info.version, info.rows, text, open_book(store).dataset(name))


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL + PostGIS server (tests/pg_cluster.py); skipped without one unless required."""
    from tests.pg_cluster import REQUIRE_ENV, required, shared_cluster

    try:
        cluster = shared_cluster()
    except RuntimeError as exc:
        if required():
            pytest.fail(f"{exc} ({REQUIRE_ENV} is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(str(exc))
    return cluster


@pytest.fixture
def team_store(pg_cluster, workspace):
    """A fresh PostGIS store at the current schema version (migrations included)."""
    from geo.store import open_store

    url = pg_cluster.create_database(migrated=True)
    yield open_store(url)
    pg_cluster.drop_database(url)
