"""AppTest of the chronology page, started from app.py: tracks, filters, picking an event."""

import json

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo import chronology
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_layer
from tests.app_helpers import ROOT, built_once_per_filter, open_page
from ui.data import Loaded
from views import charts
from views.chronology import MARK_LIMIT
from views.incident_table import PAGE_SIZE

APP = str(ROOT / "app.py")
PAGE = "pages/chronology.py"


@pytest.fixture(scope="module")
def events():
    return chronology.events(load_layer("incidents")[0])


def start() -> AppTest:
    return open_page(PAGE)


def track_metrics(at: AppTest) -> dict[str, str]:
    """Track -> "shown of total", from metrics labelled "Track (total)" with the shown count."""
    out = {}
    for m in at.metric:
        track, total = m.label.removesuffix(")").rsplit(" (", 1)
        out[track] = f"{m.value} of {total}"
    return out


def record_ids(at: AppTest) -> list[str]:
    return [m.value.split('data-id="')[1].split('"')[0] for m in at.get("html") if 'class="pkir-record"' in m.value]


def test_all_tracks_and_every_event_are_offered(events):
    at = start()
    assert at.title[0].value == "Chronology"
    counts = chronology.track_counts(events, events).set_index("track")
    m = track_metrics(at)
    for track in ("security", "diplomacy", "infrastructure & trade"):
        n = counts.loc[track, "total"]
        assert n > 0 and m[track.capitalize()] == f"{n} of {n}"
    pick = at.selectbox(key="chronology_event")
    assert list(pick.options) and len(pick.options) == len(events)
    assert record_ids(at) == []


def test_filters_apply_to_every_track():
    at = start()
    at.number_input(key="filter_min_fatalities").set_value(1)
    at.run()
    assert not at.exception
    gdf = load_layer("incidents")[0]
    shown = chronology.events(apply_filter(gdf, IncidentFilter(min_fatalities=1)))
    m = track_metrics(at)
    assert m["Diplomacy"].startswith("0 of ")
    assert m["Security"] == f"{len(shown)} of {(chronology.events(gdf)['track'] == 'security').sum()}"
    assert any("minimum-fatalities filter hides" in c.value for c in at.caption)
    assert len(at.selectbox(key="chronology_event").options) == len(shown)


def test_country_filter_keeps_diplomacy_and_violence_side_by_side():
    at = start()
    at.multiselect(key="filter_countries").set_value(["IRN"])
    at.run()
    m = track_metrics(at)
    assert not m["Security"].startswith("0 of") and not m["Infrastructure & trade"].startswith("0 of")


def test_picking_an_event_shows_its_record_with_map_link():
    at = start()
    at.selectbox(key="chronology_event").set_value(("incidents", "PKIR-D05")).run()
    assert not at.exception
    assert record_ids(at) == ["PKIR-D05"]
    assert "[:material/map: Show on map](./?incident=PKIR-D05)" in [m.value for m in at.markdown]
    # filtering the event out clears the pick instead of failing
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    assert not at.exception
    assert record_ids(at) == []
    assert at.selectbox(key="chronology_event").value is None


def test_chart_is_selectable_by_event_id():
    at = start()
    chart = at.get("vega_lite_chart")[0]
    assert "chronology_chart" in chart.proto.id
    spec = json.loads(chart.proto.spec)
    params = {p["name"]: p for p in spec["params"]}
    assert params["event"]["select"]["fields"] == ["id"]
    assert list(chart.proto.selection_mode) == ["event"]


def test_no_events_says_so():
    at = start()
    at.text_input(key="filter_keyword").set_value("no-such-word-anywhere").run()
    assert not at.exception
    assert any("No events match" in i.value for i in at.info)


def test_the_event_table_is_paged():
    gdf = load_layer("incidents")[0]
    many = gpd.GeoDataFrame(
        pd.concat([gdf.assign(id=gdf["id"] + f"-{k}") for k in range(5)], ignore_index=True),
        geometry="geometry",
        crs=gdf.crs,
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["session_incidents"] = Loaded("incidents", many, None, None)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert at.dataframe.len == 0  # the table is built only once its expander is opened
    at.session_state["chronology_table_open"] = True
    at.run()
    oldest = chronology.events(many)["id"].tolist()
    assert len(oldest) > PAGE_SIZE

    def table_ids():
        tables = [d.value["id"].tolist() for d in at.dataframe]  # the wide table and the phone one
        assert len(tables) == 2 and tables[0] == tables[1]
        return tables[0]

    assert table_ids() == oldest[:PAGE_SIZE]
    at.number_input(key="chronology_table_page").increment().run()
    assert not at.exception
    assert table_ids() == oldest[PAGE_SIZE:]
    # the pick list still offers every event
    assert len(at.selectbox(key="chronology_event").options) == len(oldest)


def test_a_rerun_with_the_same_filter_reuses_the_chart(monkeypatch):
    """The chart is built once per filter, not on every rerun."""
    built = []
    original = charts.chronology_chart
    monkeypatch.setattr(charts, "chronology_chart", lambda *a, **k: built.append(a) or original(*a, **k))
    built_once_per_filter(PAGE, built)


def _with(gdf) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["session_incidents"] = Loaded("incidents", gdf, None, None)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    return at


def chart_ids(at: AppTest) -> list[str]:
    """The event ids the chart draws (its data, as sent to the browser)."""
    tables = [pa.ipc.open_stream(d.data.data).read_all() for d in at.get("vega_lite_chart")[0].proto.datasets]
    (events,) = [t for t in tables if "id" in t.column_names]
    return sorted(events.column("id").to_pylist())


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from tests.real_data import realistic_incidents

    return realistic_incidents(tmp_path_factory.mktemp("real"))


def test_with_real_data_the_chart_draws_every_event_of_the_years_shown_and_says_so(real):
    at = _with(real)
    assert at.slider(key="chronology_years").value == (2020, 2024)
    ev = chronology.events(real)
    period = chronology.in_years(ev, (2020, 2024))
    assert chart_ids(at) == sorted(period["id"])
    assert any(f"Showing all {len(period):,} events in 2020–2024" in i.value.replace("\\", "") for i in at.info)
    at.slider(key="chronology_years").set_value((1989, 2024)).run()
    assert not at.exception
    assert len(chart_ids(at)) == MARK_LIMIT
    assert any(
        f"Showing {MARK_LIMIT:,} of {len(ev):,} events in 1989–2024" in w.value.replace("\\", "") for w in at.warning
    )
