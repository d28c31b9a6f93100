"""ACLED sync against the fake API: first sync, incremental with an edit and a deletion, token
refresh mid-sync, and each failure leaving the kept dataset exactly as it was."""

from __future__ import annotations

import pytest

from geo.store.base import StoreError
from geo.sync import run
from geo.sync.http import AuthFailed, NetworkDown, NoAccess, QuotaReached, SyncError
from geo.sync.state import open_book
from tests.sync.conftest import snapshot
from tests.sync.fake_api import PASSWORD, USER, acled_row

NAME = "ACLED PAK-IRN"
COUNTRIES = ["Pakistan", "Iran"]


def sync(store, api, **kw):
    kw.setdefault("api_url", api.url)
    return run.sync_acled(store, NAME, COUNTRIES, username=USER, password=PASSWORD, sleep=lambda s: None, **kw)


@pytest.fixture
def synced(store, api):
    """A dataset kept by a first sync of 5 rows (3 pages of 2), one of them in Iran, one in India (not asked)."""
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(4)] + [acled_row(4, 1004, country="Iran")]
    api.acled_rows.append(acled_row(5, 1005, country="India"))
    sync(store, api)
    api.log.clear()
    return store


def test_a_first_sync_reads_every_page_of_the_countries_and_keeps_the_rows(store, api):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(4)] + [acled_row(4, 1004, country="Iran")]
    report = sync(store, api)
    rows = store.read(NAME)
    assert sorted(rows["id"]) == ["IRN9004", "PAK9000", "PAK9001", "PAK9002", "PAK9003"]
    assert rows.set_index("id").loc["PAK9001", "fatalities_best"] == 2
    reads = api.requests("/api/acled/read")
    assert [r["q"]["page"] for r in reads] == ["1", "2", "3"]  # 5 rows in pages of 2: the third is short
    assert all(r["q"]["limit"] == "2" and r["q"]["country"] == "Pakistan:OR:country=Iran" for r in reads)
    assert all("timestamp" not in r["q"] for r in reads)  # a first sync asks for everything
    assert not api.requests("/api/deleted/read")  # nothing kept yet, nothing to delete
    assert report.fetched == report.imported == 5 and report.save.added == 5
    assert report.requests == 4  # the sign-in and three pages
    state = open_book(store).dataset(NAME)
    assert state["source"] == "acled" and state["acled_timestamp"] == 1004 and state["countries"] == COUNTRIES
    assert store.info(NAME).source.format == "ACLED API"


def test_an_incremental_sync_asks_only_what_changed_and_applies_an_edit_and_a_deletion(synced, api):
    store = synced
    api.acled_rows[1] = acled_row(1, 2000, fatalities="9")  # edited under the same event_id_cnty
    api.acled_rows.append(acled_row(7, 2001))  # new
    api.acled_deleted = [
        {"event_id_cnty": "PAK9002", "deleted_timestamp": "9999999999"},  # deleted since
        {"event_id_cnty": "PAK9003", "deleted_timestamp": "100"},  # deleted long before the last sync
        {"event_id_cnty": "SYR1", "deleted_timestamp": "9999999999"},  # never kept
    ]
    last = open_book(store).dataset(NAME)
    report = sync(store, api)
    rows = store.read(NAME).set_index("id")
    assert sorted(rows.index) == ["IRN9004", "PAK9000", "PAK9001", "PAK9003", "PAK9007"]
    assert rows.loc["PAK9001", "fatalities_best"] == 9
    reads = api.requests("/api/acled/read")
    assert {r["q"]["timestamp"] for r in reads} == {"1004"} and {r["q"]["timestamp_where"] for r in reads} == {">="}
    deleted = api.requests("/api/deleted/read")  # two deletions since then: a full page of 2, then an empty one
    assert [r["q"]["page"] for r in deleted] == ["1", "2"]
    assert {r["q"]["deleted_timestamp"] for r in deleted} == {str(last["last_sync_unix"])}
    assert (report.save.added, report.save.changed, report.save.removed) == (1, 1, 1)
    assert report.deleted == 1
    assert open_book(store).dataset(NAME)["acled_timestamp"] == 2001
    # the sign-in used the kept refresh token: the password was not sent again
    (token,) = api.requests("/oauth/token")
    assert token["form"]["grant_type"] == "refresh_token" and "password" not in token["form"]


def test_a_token_that_expires_mid_sync_is_refreshed_and_the_sync_goes_on(store, api):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(5)]
    api.reads_before_expiry = 1  # each access token serves one page, then answers 401
    report = sync(store, api)
    assert len(store.read(NAME)) == 5
    grants = [r["form"]["grant_type"] for r in api.requests("/oauth/token")]
    assert grants == ["password", "refresh_token", "refresh_token"]
    assert open_book(store).refresh_token(USER) == api.issued[-1]  # the newest refresh token is kept
    assert report.save.added == 5


def test_a_refresh_that_fails_mid_sync_stops_with_nothing_half_written(synced, api):
    store = synced
    before = snapshot(store, NAME)
    api.acled_rows[0] = acled_row(0, 3000, fatalities="40")
    api.acled_rows += [acled_row(i, 3000 + i) for i in range(10, 14)]
    api.reads_before_expiry = 1
    api.refresh_works = True

    def refuse_after_sign_in(*a, **k):
        api.refresh_works = False

    # the sign-in itself refreshes (a kept token); the next refresh, mid-sync, is refused
    with pytest.raises(AuthFailed, match="expired during the sync and could not be refreshed; nothing was changed"):
        run.sync_acled(
            store,
            NAME,
            COUNTRIES,
            username=USER,
            password=PASSWORD,
            progress=lambda share, text: refuse_after_sign_in() if "rows received" in text else None,
        )
    assert snapshot(store, NAME) == before


@pytest.mark.parametrize(
    ("switch", "error", "message"),
    [
        ("no_access", NoAccess, "this ACLED account has no API access: "),
        ("quota", QuotaReached, r"too many requests \(HTTP 429\); nothing was changed"),
        ("drop_on_page", NetworkDown, r"cannot reach http://127\.0\.0\.1:\d+/api/acled/read .*nothing was changed"),
    ],
)
def test_a_failure_leaves_the_kept_dataset_as_it_was(synced, api, switch, error, message):
    store = synced
    before = snapshot(store, NAME)
    api.acled_rows[0] = acled_row(0, 3000, fatalities="40")
    api.acled_rows += [acled_row(i, 3000 + i) for i in range(10, 14)]
    setattr(api, switch, {"no_access": True, "quota": -1, "drop_on_page": 2}[switch])
    with pytest.raises(error, match=message):
        sync(store, api)
    assert snapshot(store, NAME) == before


def test_a_short_retry_after_is_waited_for_once_and_the_sync_goes_on(store, api):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)]
    api.quota, api.retry_after = 1, "2"
    waits = []
    run.sync_acled(store, NAME, COUNTRIES, username=USER, password=PASSWORD, api_url=api.url, sleep=waits.append)
    assert waits == [2.0] and len(store.read(NAME)) == 3


def test_the_network_down_changes_nothing_and_says_so_in_one_line(synced, api):
    store = synced
    before = snapshot(store, NAME)
    api.stop()
    with pytest.raises(NetworkDown, match=r"^cannot reach http://127\.0\.0\.1:\d+/oauth/token \(.*\); nothing") as got:
        sync(store, api)
    assert "\n" not in str(got.value)
    assert snapshot(store, NAME) == before


def test_a_wrong_password_is_refused_plainly(store, api):
    with pytest.raises(AuthFailed, match=r"ACLED refused the sign-in \(HTTP 400\)"):
        run.sync_acled(store, NAME, COUNTRIES, username=USER, password="wrong", api_url=api.url)
    assert NAME not in store.names()


def test_missing_credentials_are_named(store, api):
    with pytest.raises(AuthFailed, match="ACLED_USERNAME and ACLED_PASSWORD are not set"):
        run.sync_acled(store, NAME, COUNTRIES, username="", password="", api_url=api.url)
    assert not api.log


def test_a_second_sync_while_one_runs_stops_at_once(synced, api):
    store = synced
    before = snapshot(store, NAME)
    with open_book(store).running(), pytest.raises(SyncError, match="another sync is running on this store"):
        sync(store, api)
    assert not api.log and snapshot(store, NAME) == before


def test_a_dataset_kept_from_ucdp_is_not_synced_from_acled(synced, api):
    open_book(synced).put_dataset("UCDP", {"source": "ucdp"})
    with pytest.raises(SyncError, match="'UCDP' is kept from the UCDP API; choose another name"):
        run.sync_acled(synced, "UCDP", COUNTRIES, username=USER, password=PASSWORD, api_url=api.url)


def test_a_dataset_removed_since_its_last_sync_is_synced_whole_again(synced, api):
    synced.remove(NAME)
    sync(synced, api)
    assert len(synced.read(NAME)) == 5
    assert all("timestamp" not in r["q"] for r in api.requests("/api/acled/read"))
    assert not api.requests("/api/deleted/read")


def test_a_sync_folder_or_state_file_that_is_a_link_is_refused_and_nothing_changes(synced, api, tmp_path):
    store = synced
    before = snapshot(store, NAME)
    state = store.folder / "sync" / "state.json"
    outside = tmp_path / "elsewhere.json"
    state.rename(outside)
    state.symlink_to(outside)
    with pytest.raises(StoreError, match=r"state\.json is a link; the workspace holds no links"):
        sync(store, api)
    assert store.info(NAME).version == before[0] and not api.log
    state.unlink()
    (store.folder / "sync").rename(tmp_path / "sync-elsewhere")
    (store.folder / "sync").symlink_to(tmp_path / "sync-elsewhere")
    with pytest.raises(StoreError, match=r"the workspace's sync folder .* is a link"):
        sync(store, api)
    assert store.info(NAME).version == before[0] and not api.log


def test_since_limits_the_first_sync_by_event_date_and_later_syncs_go_by_timestamp(store, api):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)]
    sync(store, api, since="2025-01-01")
    first = api.requests("/api/acled/read")
    assert {r["q"]["event_date_where"] for r in first} == {"BETWEEN"}
    assert all(r["q"]["event_date"].startswith("2025-01-01|") for r in first)
    api.log.clear()
    sync(store, api, since="2025-01-01")
    assert all("event_date" not in r["q"] and r["q"]["timestamp"] == "1002" for r in api.requests("/api/acled/read"))
