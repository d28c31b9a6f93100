"""One record panel (issue 26, "Pages"): every page showing a record goes through ui.record_panel,
and the record a pick opens reads the same on every page as it did before the panel.

(a) reads the pages' source: each page that shows a record calls record_panel, and no page renders
a record (views.records, geo.records.build_record, the old ui.details.show_record) or looks one up
(queries.record, geo.records.record_of) itself. (b) picks a record on each page with AppTest and
compares the panel's HTML with the record as geo.records and views.records make it (what
ui.details.show_record put on the page before the panel), and the lines around it.
"""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from geo.catalog import LAYERS
from geo.incident_stats import border_km
from geo.loading import load_layer
from geo.records import build_record, record_of
from tests.app.map_spy import MapSpy
from tests.app_helpers import APP, PAGES, ROOT, open_page
from ui.record_panel import RECORD_CSS
from views.records import record_html

# the pages that show a record, and the container key of their panel (its start)
SHOWS_RECORDS = {
    "pages/map.py": "map_record",
    "pages/incidents.py": "explorer_record",
    "pages/chronology.py": "chronology_record",
    "pages/pipeline.py": "pipeline_record_panel",
    "pages/markets.py": "markets_record_panel",
    "pages/duplicates.py": "dups_record_",  # one panel a side: dups_record_a, dups_record_b
}
# what only the panel may call or import
FORBIDDEN_NAMES = {"show_record", "record_html", "build_record", "record_of", "row_html"}
FORBIDDEN_MODULES = {"views.records", "ui.details"}


def _tree(page: str) -> ast.Module:
    return ast.parse((ROOT / page).read_text(encoding="utf-8"))


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _called_name(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        base = f.value.id if isinstance(f.value, ast.Name) else "?"
        return f"{base}.{f.attr}"
    return "?"


def test_the_list_of_pages_is_every_page_of_the_app():
    assert set(SHOWS_RECORDS) <= set(PAGES)
    assert {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")} == set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_or_looks_up_a_record_itself(page):
    tree = _tree(page)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.module not in FORBIDDEN_MODULES, f"{page} imports {node.module}"
            names = {a.name for a in node.names}
            assert not names & FORBIDDEN_NAMES, f"{page} imports {names & FORBIDDEN_NAMES}"
            if node.module == "views":
                assert "records" not in names, f"{page} imports views.records"
        if isinstance(node, ast.Import):
            assert not {a.name for a in node.names} & FORBIDDEN_MODULES, page
    called = {_called_name(c) for c in _calls(tree)}
    assert not {n for n in called if n.split(".")[-1] in FORBIDDEN_NAMES}, page
    assert "queries.record" not in called, f"{page} looks a record up itself: ask record_panel"
    # no page writes a record's HTML of its own
    assert "pkir-record" not in (ROOT / page).read_text(encoding="utf-8"), page


@pytest.mark.parametrize(("page", "key"), sorted(SHOWS_RECORDS.items()))
def test_every_page_showing_a_record_calls_the_one_panel(page, key):
    tree = _tree(page)
    imported = {
        a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "ui.record_panel"
        for a in n.names
    }
    assert "record_panel" in imported, f"{page} does not import ui.record_panel.record_panel"
    panels = [c for c in _calls(tree) if _called_name(c) == "record_panel"]
    assert panels, f"{page} never calls record_panel"
    keys = [ast.unparse(k.value) for c in panels for k in c.keywords if k.arg == "key"]
    assert any(k.strip("f'\"").startswith(key) for k in keys), (page, keys)


def test_only_the_panel_renders_a_record_in_ui():
    """ui/ has one module turning a record into HTML on the page: the panel."""
    for path in (ROOT / "ui").rglob("*.py"):
        if path.name == "record_panel.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "record_html" not in text and "build_record" not in text, path
    assert not (ROOT / "ui" / "details.py").exists()


# --- (b) the record each page shows ---------------------------------------------------------------


def expected(layer_id: str, record: dict, distance: bool) -> str:
    """The record as the pages showed it before the panel (ui.details.show_record's st.html)."""
    geom = record.get("geometry")
    point = geom is not None and not geom.is_empty and geom.geom_type == "Point"
    km = border_km(geom, load_layer("border")[0]) if distance and point else None
    props = {k: v for k, v in record.items() if k != "geometry"}
    rec = build_record(layer_id, props, km, float(geom.y) if point else None, float(geom.x) if point else None)
    return "<style>" + RECORD_CSS.read_text(encoding="utf-8") + "</style>" + record_html(rec)


def shown(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html") if 'class="pkir-record"' in h.value]


@pytest.fixture(scope="module")
def incidents():
    return load_layer("incidents")[0]


def _incident(incidents, incident_id: str) -> dict:
    return record_of(incidents, incident_id)


LOCATED, UNLOCATED = "PKIR-C12", "PKIR-A05"


def test_the_explorer_shows_a_picked_row_as_before(incidents):
    at = open_page("pages/incidents.py")
    frame = next(d for d in at.dataframe if (d.key or "").startswith("incidents_table"))
    pos = int(frame.value.index[frame.value["id"] == LOCATED][0])
    at.session_state[frame.key] = {"selection": {"rows": [pos], "columns": [], "cells": []}}
    at.run()
    assert shown(at) == [expected("incidents", _incident(incidents, LOCATED), distance=True)]
    assert f"[:material/map: Show on map](./?incident={LOCATED})" in [m.value for m in at.markdown]


def test_the_chronology_shows_a_picked_event_as_the_explorer_does(incidents):
    at = open_page("pages/chronology.py")
    at.selectbox(key="chronology_event").set_value(("incidents", LOCATED)).run()
    assert shown(at) == [expected("incidents", _incident(incidents, LOCATED), distance=True)]
    assert f"[:material/map: Show on map](./?incident={LOCATED})" in [m.value for m in at.markdown]
    at.selectbox(key="chronology_event").set_value(("incidents", UNLOCATED)).run()
    assert shown(at) == [expected("incidents", _incident(incidents, UNLOCATED), distance=True)]
    assert not any("Show on map" in m.value for m in at.markdown)
    assert "This event has no location, so it is not on the map." in [c.value for c in at.caption]


def test_the_map_shows_a_linked_incident_and_a_clicked_market_as_before(monkeypatch, incidents):
    spy = MapSpy(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["incident"] = LOCATED
    at.run()
    assert not at.exception
    assert shown(at) == [expected("incidents", _incident(incidents, LOCATED), distance=True)]
    assert not any("Show on map" in m.value for m in at.markdown)  # it is on the map
    spy.click("markets", "M1")
    at.run()
    assert shown(at) == [expected("markets", record_of(load_layer("markets")[0], "M1"), distance=True)]
    at.selectbox(key="map_find").set_value(("incidents", UNLOCATED)).run()
    assert shown(at) == [expected("incidents", _incident(incidents, UNLOCATED), distance=True)]
    assert "This feature has no location and is not drawn on the map." in [c.value for c in at.caption]
    at.button(key="map_record_close").click().run()
    assert shown(at) == []


def test_a_missing_feature_on_the_map_says_so_in_the_panel():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["incident"] = "NO-SUCH-ID"
    at.run()
    assert shown(at) == []
    title = LAYERS["incidents"].title.lower()  # as the map page said it before the panel
    assert [w.value for w in at.warning] == [f"No {title} feature with id “NO\\-SUCH\\-ID” in the data."]
    assert at.button(key="map_record_close")  # it can be closed


def test_pipeline_and_markets_show_a_picked_feature_as_before():
    at = open_page("pages/pipeline.py")
    at.selectbox(key="pipeline_record").select_index(0).run()
    pipeline = load_layer("pipeline")[0]
    assert shown(at) == [expected("pipeline", record_of(pipeline, pipeline["id"].iloc[0]), distance=False)]

    at.switch_page("pages/markets.py").run()
    box = at.selectbox(key="markets_record")
    box.select_index(next(i for i, label in enumerate(box.options) if label.startswith("X2 "))).run()
    assert shown(at) == [expected("crossings", record_of(load_layer("crossings")[0], "X2"), distance=False)]


@pytest.fixture
def two_kept(tmp_path, settings_env):
    """Two kept datasets sharing events (as in tests/app/test_duplicates_page.py)."""
    import streamlit as st

    from tests.duplicates_data import two_kept_workspace

    ws, _truth = two_kept_workspace(tmp_path, settings_env)
    yield ws
    st.cache_data.clear()
    st.cache_resource.clear()


def _kept_record(ws, incident_id: str) -> dict:
    """An incident's record read from the workspace's store directly (not through the page's session)."""
    from geo.incidents.codec import incident_frame
    from geo.store import open_queries, open_store
    from geo.store.base import SHIPPED
    from geo.store.query import IncidentQuery

    names = (SHIPPED, "UCDP GED", "Other source")
    engine = open_queries(open_store(str(ws)), names)
    row = incident_frame(engine.rows(IncidentQuery(names, ids=(incident_id,), limit=1))).iloc[0]
    return {**row.drop(labels=["geometry"]).to_dict(), "geometry": row["geometry"]}


def test_duplicates_show_both_records_of_a_pair_as_before(two_kept):
    at = open_page("pages/duplicates.py")
    pair = at.dataframe[0].value.iloc[0]
    want = [expected("incidents", _kept_record(two_kept, i), distance=False) for i in (pair["id_a"], pair["id_b"])]
    assert shown(at) == want  # side by side, as before: no distance row


def test_the_same_incident_reads_the_same_on_every_page(incidents):
    """One panel: the map, the explorer and the chronology show an incident's record identically."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["incident"] = LOCATED
    at.run()
    on_map = shown(at)
    at.switch_page("pages/incidents.py").run()
    in_explorer = shown(at)
    at.switch_page("pages/chronology.py").run()
    at.selectbox(key="chronology_event").set_value(("incidents", LOCATED)).run()
    assert on_map == in_explorer == shown(at) != []


def test_paging_reads_one_page_and_says_which_rows():
    from ui.tables import Paging

    p = Paging(number=2, pages=3, total=450)
    assert (p.offset, p.span(200)) == (200, (201, 400))
    assert Paging(3, 3, 450).span(50) == (401, 450)
    assert Paging(1, 1, 0).span(0) == (0, 0)


class _Grid:
    def __init__(self, rows):
        self.selection = type("S", (), {"rows": rows})()


def test_a_pick_in_either_grid_of_a_pair_is_the_one_the_user_made():
    ids = ["a", "b", "c"]
    assert _picked([[1], [1]], ids, "b") == (False, "b")  # both show the current pick
    assert _picked([[1], [2]], ids, "b") == (True, "c")  # the phone's grid was clicked
    assert _picked([[0], [1]], ids, "b") == (True, "a")  # the wide one
    assert _picked([[], [1]], ids, "b") == (True, None)  # cleared
    assert _picked([[], []], ids, "z") == (False, "z")  # a pick on another page stays
    assert _picked([[7], []], ids, None) == (True, None)  # a row no longer there


def _picked(rows, ids, current):
    from ui.tables import picked_row

    return picked_row([_Grid(r) for r in rows], ids, current)


def test_pages_have_no_paging_of_their_own():
    """Paging is ui.tables.pager: no page keeps a page number's reset by hand."""
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        assert 'number_input(f"Page (of' not in text, page
        assert "page_count(" not in text or page == "pages/chronology.py", page


# the pages whose pick is one feature (the duplicates page picks a pair of incidents, a row of its table)
PICKS_A_FEATURE = sorted(set(SHOWS_RECORDS) - {"pages/duplicates.py"})


@pytest.mark.parametrize("page", PICKS_A_FEATURE)
def test_every_page_picks_through_its_one_selection(page):
    """One pick idiom: map clicks, rows, chart points, lists and links all write the page's
    ui.selection.Selection, the panel shows what it holds, and a list of features is pick_list."""
    tree = _tree(page)
    called = {_called_name(c) for c in _calls(tree)}
    text = (ROOT / page).read_text(encoding="utf-8")
    assert called & {"page_selection", "map_selection"}, f"{page} keeps no Selection"
    assert "st.query_params[" not in text, f"{page} writes the link itself: the Selection does"
    panel = next(c for c in _calls(tree) if _called_name(c) == "record_panel")
    shown_arg = ast.unparse(panel.args[0])
    assert shown_arg.endswith(".feature"), f"{page} shows {shown_arg}, not its selection"
