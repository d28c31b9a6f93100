"""Team mode: a sync into the PostGIS store keeps its state in pkir.sync_state (migration 0009)
and holds the database's sync lock, so two syncs from two replicas never overlap."""

from __future__ import annotations

import pytest

from geo.sync import run
from geo.sync.http import NoAccess, SyncError
from geo.sync.state import DatabaseBook, open_book
from tests.sync.conftest import snapshot
from tests.sync.fake_api import PASSWORD, USER, acled_row

NAME = "ACLED team"


def sync(store, api):
    return run.sync_acled(store, NAME, ["Pakistan"], username=USER, password=PASSWORD, api_url=api.url)


def test_a_team_sync_keeps_rows_and_state_in_the_database(team_store, api):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)]
    sync(team_store, api)
    api.acled_rows[0] = acled_row(0, 2000, fatalities="11")
    api.acled_deleted = [{"event_id_cnty": "PAK9001", "deleted_timestamp": "9999999999"}]
    report = sync(team_store, api)
    rows = team_store.read(NAME).set_index("id")
    assert sorted(rows.index) == ["PAK9000", "PAK9002"] and rows.loc["PAK9000", "fatalities_best"] == 11
    assert (report.save.changed, report.save.removed) == (1, 1)
    book = open_book(team_store)
    assert isinstance(book, DatabaseBook)
    assert book.dataset(NAME)["acled_timestamp"] == 2000
    assert book.refresh_token(USER) == api.issued[-1]
    with team_store.connect() as conn:
        infos = [r[0] for r in conn.execute("SELECT info::text FROM pkir.datasets")]
    assert not any(token in text for text in infos for token in [PASSWORD, *api.issued])


def test_a_failed_team_sync_changes_nothing_and_a_second_one_waits_for_nobody(team_store, api):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)]
    sync(team_store, api)
    before = snapshot(team_store, NAME)
    api.acled_rows.append(acled_row(8, 3000))
    api.no_access = True
    with pytest.raises(NoAccess):
        sync(team_store, api)
    assert snapshot(team_store, NAME) == before
    api.no_access = False
    with open_book(team_store).running(), pytest.raises(SyncError, match="another sync is running"):
        sync(team_store, api)
    assert snapshot(team_store, NAME) == before
    sync(team_store, api)  # the lock is released after each
    assert len(team_store.read(NAME)) == 4
