"""UCDP sync against the fake API: pages of the version asked, the daily quota respected, failures
leaving the kept dataset as it was."""

from __future__ import annotations

import pytest

from geo.sync import run
from geo.sync.http import AuthFailed, QuotaReached, SyncError
from geo.sync.state import open_book
from geo.sync.ucdp import DAILY_QUOTA, country_codes
from tests.sync.conftest import snapshot
from tests.sync.fake_api import ucdp_row

NAME = "UCDP GED"


def sync(store, api, version="25.1", candidate=False, token=None, countries=("Pakistan", "Iran")):
    return run.sync_ucdp(
        store,
        NAME,
        list(countries),
        token=token or api.ucdp_token,
        version=version,
        candidate=candidate,
        api_url=api.url + "/api",
        sleep=lambda s: None,
    )


@pytest.fixture
def ged(api):
    """GED 25.1: four events in Pakistan, one in Iran, one in India (not asked)."""
    api.ucdp_rows["25.1"] = [ucdp_row(i) for i in range(4)] + [ucdp_row(4, 630), ucdp_row(5, 750)]
    return api


def test_a_sync_reads_the_pages_there_are_and_keeps_the_rows(store, ged):
    report = sync(store, ged)
    rows = store.read(NAME).set_index("id")
    assert sorted(rows.index) == [f"UCDP-88000{i}" for i in range(5)]
    assert (
        rows.loc["UCDP-880001", "fatalities_best"] == 3
        and str(rows.loc["UCDP-880001", "date_start"])[:10] == "2024-03-02"
    )
    reads = ged.requests("/api/gedevents/25.1")
    assert [(r["q"]["page"], r["q"]["pagesize"], r["q"]["Country"]) for r in reads] == [
        ("0", "2", "770,630"),
        ("1", "2", "770,630"),
        ("2", "2", "770,630"),
    ]  # TotalPages 3: three requests, the token in its header each time and never in the URL
    assert all(
        r["headers"]["x-ucdp-access-token"] == ged.ucdp_token and ged.ucdp_token not in r["query"] for r in reads
    )
    assert report.requests == 3 and report.save.added == 5
    assert open_book(store).ucdp_used() == 3


def test_the_same_ged_version_is_not_fetched_twice(store, ged):
    sync(store, ged)
    ged.log.clear()
    report = sync(store, ged)
    assert report.skipped and "no request made" in report.lines()[0]
    assert not ged.log and open_book(store).ucdp_used() == 3


def test_a_candidate_release_adds_and_updates_rows_by_id(store, ged):
    sync(store, ged)
    ged.ucdp_rows["25.0.11"] = [ucdp_row(1, best=7), ucdp_row(9)]
    report = sync(store, ged, version="25.0.11", candidate=True)
    rows = store.read(NAME).set_index("id")
    assert len(rows) == 6 and rows.loc["UCDP-880001", "fatalities_best"] == 7
    assert (report.save.added, report.save.changed, report.save.removed) == (1, 1, 0)
    ged.log.clear()
    sync(store, ged, version="25.0.11", candidate=True)  # a Candidate release is asked again each time
    assert len(ged.requests("/api/gedevents/25.0.11")) == 1


def test_a_wrong_token_is_refused_plainly_and_changes_nothing(store, ged):
    sync(store, ged)
    before = snapshot(store, NAME)
    ged.ucdp_rows["25.0.11"] = [ucdp_row(9)]
    with pytest.raises(AuthFailed, match=r"UCDP refused the token \(HTTP 401\): check UCDP_TOKEN; nothing was changed"):
        sync(store, ged, version="25.0.11", candidate=True, token="wrong")
    assert snapshot(store, NAME) == before


def test_a_429_stops_with_a_message_and_changes_nothing(store, ged):
    sync(store, ged)
    before = snapshot(store, NAME)
    ged.ucdp_rows["25.0.11"] = [ucdp_row(i + 20) for i in range(5)]
    ged.quota = -1
    with pytest.raises(QuotaReached, match=r"daily quota of requests is used up \(HTTP 429\); nothing was changed"):
        sync(store, ged, version="25.0.11", candidate=True)
    assert snapshot(store, NAME) == before
    assert open_book(store).ucdp_used() == 4  # the refused request counts too


def test_a_sync_that_would_pass_the_days_quota_stops_before_reading_more(store, ged):
    book = open_book(store)
    book.add_ucdp(DAILY_QUOTA - 2)  # two requests left today; the version needs three
    with pytest.raises(QuotaReached, match="UCDP has 3 pages of these events and 1 requests are left"):
        sync(store, ged)
    assert len(ged.requests("/api/gedevents/25.1")) == 1
    assert NAME not in store.names() and book.ucdp_used() == DAILY_QUOTA - 1


def test_a_version_ucdp_does_not_have_is_named(store, ged):
    with pytest.raises(SyncError, match=r"UCDP has no version 19\.1 \(HTTP 404\)"):
        sync(store, ged, version="19.1")
    with pytest.raises(SyncError, match=r"a Candidate release is named like 25\.0\.11"):
        sync(store, ged, version="25.1", candidate=True)


def test_countries_are_named_or_numbered_as_ucdp_does():
    assert country_codes(["Pakistan", "iran", "700"]) == [770, 630, 700]
    with pytest.raises(SyncError, match="give 'Narnia' as its number"):
        country_codes(["Narnia"])
