"""The chronology's view-model (views.chronology): the marks the chart draws of the events of a
period, thinned evenly, the overview strip's counts, the period a timeline opens on, and the chart."""

import pandas as pd
import pytest

from geo import chronology
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from geo.schema import CATEGORY
from geo.store.query import IncidentQuery, ReferenceQueries
from tests.real_data import realistic_incidents
from views import chronology as view_model
from views.charts import CANVAS_ABOVE, chronology_chart


def test_timeline_chart_rows_by_track_coloured_by_category_selectable(small):
    chart = chronology_chart(chronology.events(small), selection_name="event")
    spec = chart.to_dict()
    points, strip = spec["vconcat"]
    assert points["encoding"]["y"]["field"] == "track"
    assert points["encoding"]["y"]["sort"] == ["security", "diplomacy", "infrastructure & trade"]
    assert points["encoding"]["color"]["field"] == "category"
    assert points["encoding"]["color"]["scale"]["range"][0] == CATEGORY["attack"].colour
    params = {p["name"]: p for p in spec["params"]}
    assert params["event"]["select"]["fields"] == ["id"] and params["event"]["views"] == [points["name"]]
    # the overview strip carries the brush that sets the period of the events view
    assert params["zoom"]["views"] == [strip["name"]]
    assert points["encoding"]["x"]["scale"]["domain"] == {"param": "zoom"}
    # multi-day events are marked as such
    spans = chart.data.set_index("id")["span"]
    assert spans["E-03"] == "several days or more" and spans["E-01"] == "one day"


def test_default_window_opens_on_recent_years_only_for_long_periods():
    start = pd.Series(pd.to_datetime(["1995-01-01", "2023-07-12"]))
    end = pd.Series(pd.to_datetime(["1995-12-31", "2024-10-26"]))
    assert view_model.default_window(start, end) == (pd.Timestamp("2019-10-26"), pd.Timestamp("2024-11-26"))
    assert view_model.default_window(start[1:], end[1:]) is None
    assert view_model.default_window(start[:0], end[:0]) is None


def test_a_long_period_opens_on_its_last_five_calendar_years():
    ev = chronology.events(load_layer("incidents")[0])
    first, last = chronology.year_span(ev)
    assert last - first + 1 > 8
    assert view_model.opening_years((first, last)) == (last - 4, last)
    assert view_model.opening_years((2020, 2024)) == (2020, 2024)
    assert view_model.opening_years(None) is None


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return realistic_incidents(tmp_path_factory.mktemp("real"))


def _view(frame, f: IncidentFilter, years, limit: int = view_model.MARK_LIMIT):
    """period_view asked of the reference queries (the meaning every store engine follows)."""
    ask = ReferenceQueries({"set": frame})
    matching = ask.count(IncidentQuery(("set",), f))
    period = IncidentQuery(("set",), chronology.period_filter(f, years))
    return view_model.period_view(ask, period, years, matching, limit)


def test_the_chart_draws_the_events_of_the_period_shown_not_the_deadliest_of_all_years(real):
    """UCDP + ACLED over 1989–2024: the default period is 2020–2024 and every event of it is drawn."""
    ev = chronology.events(real)
    years = view_model.opening_years(chronology.year_span(ev))
    assert years == (2020, 2024)
    view = _view(real, IncidentFilter(), years)
    in_period = ev[(ev["date_end"] >= "2020-01-01") & (ev["date_start"] < "2025-01-01")]
    assert len(ev) > view_model.MARK_LIMIT > len(in_period) > 500
    assert sorted(view.drawn["id"]) == sorted(in_period["id"])
    assert view.thinning() == (
        f"Showing all {len(in_period):,} events in 2020–2024; {len(ev) - len(in_period):,} more match the "
        "filters in other years."
    )


def test_a_crowded_period_is_thinned_evenly_within_it_and_says_so(real):
    view = _view(real, IncidentFilter(), (2010, 2024), limit=300)
    drawn = view.drawn
    assert len(drawn) == 300 and drawn["date_start"].dt.year.between(2010, 2024).all()
    assert view.thinning().startswith(f"Showing 300 of {view.in_period:,} events in 2010–2024: too many to draw")
    # spread through the years like the events of the period, not bunched on the deadliest
    period = chronology.in_years(chronology.events(real), (2010, 2024))
    share = drawn["date_start"].dt.year.value_counts(normalize=True)
    expected = period["date_start"].dt.year.value_counts(normalize=True)
    assert (share - expected).abs().max() < 0.03
    assert abs(drawn["fatalities"].mean() - period["fatalities"].mean()) < 1
    # a small track is drawn whole; only the crowded ones give up marks, as many as they say
    sizes = period["track"].value_counts()
    kept = drawn["track"].value_counts()
    for track, n in sizes.items():
        assert kept.get(track, 0) == n - view.left_out.get(track, 0), track
    assert view.left_out


def test_small_tracks_are_drawn_whole_and_only_a_crowded_one_gives_up_marks(small):
    ev = chronology.events(small)
    assert ev["track"].value_counts().to_dict() == {"security": 3, "diplomacy": 2, "infrastructure & trade": 1}
    view = _view(small, IncidentFilter(), None, limit=5)
    assert view.left_out == {"security": 1}
    assert view.drawn["track"].value_counts().to_dict() == {"security": 2, "diplomacy": 2, "infrastructure & trade": 1}


def test_a_period_within_the_limit_is_drawn_whole_and_in_date_order(small):
    view = _view(small, IncidentFilter(), None)
    expected = chronology.events(small)
    assert sorted(view.drawn["id"]) == sorted(expected["id"]) and view.left_out == {}
    assert view.drawn["date_start"].is_monotonic_increasing
    assert view.thinning() is None


def test_the_view_follows_the_filter(small):
    f = IncidentFilter(countries=("IRN",))
    view = _view(small, f, None, limit=2)
    expected = chronology.events(apply_filter(small, f))
    assert set(view.drawn["id"]) <= set(expected["id"]) and len(view.drawn) == 2
    assert sum(view.left_out.values()) == len(expected) - 2
    assert view.thinning().startswith(f"Showing 2 of {len(expected)} events in this period: too many to draw")
    assert _view(small, f, None).thinning() is None


def _events(spec: list[tuple[str, str, int | None]]) -> pd.DataFrame:
    """(id, track, fatalities) rows on consecutive days."""
    return pd.DataFrame(
        {
            "id": [s[0] for s in spec],
            "track": [s[1] for s in spec],
            "fatalities": pd.array([s[2] for s in spec], dtype="Int64"),
            "date_start": pd.date_range("2020-01-01", periods=len(spec), freq="D"),
        }
    )


def test_overview_strip_draws_monthly_counts_of_every_event_also_those_thinned_out():
    ev = _events([(f"S{i}", "security", i % 5) for i in range(40)] + [("D1", "diplomacy", None)]).assign(
        category="attack", title="t", date_precision="day", date_end=lambda d: d["date_start"]
    )
    view_drawn = ev.iloc[::10]  # five marks: what a chart thinned to five draws
    density = view_model.monthly_density(ev)
    assert density["events"].sum() == len(ev) == 41
    assert list(density["date_start"].dt.month) == [1, 2] and list(density["date_next"].dt.month) == [2, 3]
    chart = chronology_chart(view_drawn, density=density)
    _points, strip = chart.vconcat
    assert len(chart.data) == 5  # the events view draws the thinned events
    assert strip.data is density  # the strip: one bar per month and category, not one tick per event
    spec = chart.to_dict()
    assert spec["vconcat"][1]["mark"]["type"] == "bar"
    assert spec["vconcat"][1]["encoding"]["y"]["aggregate"] == "sum"


def test_a_crowded_chart_is_drawn_on_a_canvas_without_a_label_per_mark():
    many = CANVAS_ABOVE + 1
    ev = _events([(f"S{i}", "security", i % 5) for i in range(many)]).assign(
        category="attack", title="t", date_precision="day", date_end=lambda d: d["date_start"]
    )
    crowded = chronology_chart(ev).to_dict()
    assert crowded["usermeta"]["embedOptions"]["renderer"] == "canvas"
    assert crowded["config"]["mark"]["aria"] is False
    assert {p["name"]: p for p in crowded["params"]}["event"]["select"]["fields"] == ["id"]  # still clickable
    few = chronology_chart(ev.head(CANVAS_ABOVE)).to_dict()
    assert "usermeta" not in few and "aria" not in few["config"].get("mark", {})  # SVG, a label per event


def test_density_counts_per_quarter_or_year_when_months_would_be_too_many():
    ev = pd.DataFrame(
        {"date_start": pd.date_range("2000-01-01", periods=48, freq="MS"), "category": ["attack", "visit"] * 24}
    )
    assert len(view_model.monthly_density(ev)) == 48
    quarters = view_model.monthly_density(ev, max_rows=40)
    assert len(quarters) == 32 and quarters["events"].sum() == 48  # 16 quarters x 2 categories
    assert (quarters["date_next"] - quarters["date_start"]).dt.days.between(89, 92).all()
    years = view_model.monthly_density(ev, max_rows=10)
    assert len(years) == 8 and years["events"].sum() == 48
    assert years["date_start"].iloc[0] == pd.Timestamp("2000-01-01") and years["date_next"].iloc[0] == pd.Timestamp(
        "2001-01-01"
    )
