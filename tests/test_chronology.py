"""Chronology: every dated event, on its track, with the filters applied (geo.chronology; what the
page draws of them: tests/test_chronology_view.py)."""

import pandas as pd

from geo import chronology
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from geo.schema import INCIDENT_CATEGORIES, TRACKS


def test_events_oldest_first_with_track_and_dates(small):
    ev = chronology.events(small)
    assert list(ev.columns) == list(chronology.EVENT_COLUMNS)
    assert list(ev["id"]) == ["E-01", "E-02", "E-03", "E-06", "E-05", "E-04"]
    assert list(ev["track"]) == ["security", "security", "diplomacy", "infrastructure & trade", "security", "diplomacy"]
    visit = ev.set_index("id").loc["E-03"]
    assert (visit["date_start"], visit["date_end"]) == (pd.Timestamp("2023-08-02"), pd.Timestamp("2023-08-04"))
    assert visit["date_precision"] == "days"


def test_missing_track_comes_from_category(small):
    ev = chronology.events(small.drop(columns="track"))
    assert ev.set_index("id")["track"].to_dict() == {
        "E-01": "security",
        "E-02": "security",
        "E-03": "diplomacy",
        "E-04": "diplomacy",
        "E-05": "security",
        "E-06": "infrastructure & trade",
    }
    assert chronology.track_for_category("something new") == chronology.OTHER_TRACK
    # every category of the schema has a track
    assert {c for c in INCIDENT_CATEGORIES if chronology.track_for_category(c) == chronology.OTHER_TRACK} == {"other"}


def test_filters_apply_and_track_counts_say_what_is_hidden(small):
    total = chronology.events(small)
    shown = chronology.events(apply_filter(small, IncidentFilter(min_fatalities=1)))
    counts = chronology.track_counts(shown, total).set_index("track")
    assert list(counts.index) == list(TRACKS)
    assert counts.loc["security", ["shown", "total"]].tolist() == [3, 3]
    assert counts.loc["diplomacy", ["shown", "total"]].tolist() == [0, 2]
    assert counts.loc["security", "first"] == pd.Timestamp("2023-07-12")
    assert pd.isna(counts.loc["diplomacy", "first"])


def test_shipped_events_cover_all_three_tracks_including_pipeline_milestones():
    gdf, _ = load_layer("incidents")
    ev = chronology.events(gdf)
    assert len(ev) == len(gdf)
    assert set(ev["track"]) == set(TRACKS)
    infra = ev[ev["track"] == "infrastructure & trade"]
    assert (infra["category"] == "pipeline milestone").sum() >= 3
    assert ev["date_start"].is_monotonic_increasing


def test_dated_tracks_count_like_the_events(small):
    ev = chronology.events(small)
    assert chronology.dated_tracks(small)["track"].value_counts().to_dict() == ev["track"].value_counts().to_dict()
    pd.testing.assert_frame_equal(
        chronology.track_counts(ev, chronology.dated_tracks(small)), chronology.track_counts(ev, ev)
    )
