"""Issue 22: every page asks the store for what it shows. With 200,000 incidents kept, no answer a
page gets holds more rows than the page shows (a page of the table, the chart's marks, a pick
list, a record), and the map's payload holds only the columns the map draws."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st

from bench.bench_million import million
from geo.incidents.schema import POINT
from geo.loading import load_layer
from geo.store import DATABASE_ENV, open_store
from geo.store.base import SourceInfo
from geo.store.engine import DuckEngine
from geo.store.query import MAP_COLUMNS
from geo.store.workspace import WORKSPACE_ENV
from tests.app_helpers import PAGES, open_page
from ui.queries import TIP_COLUMNS
from views.chronology import MARK_LIMIT
from views.incident_table import PAGE_SIZE

N = 200_000
NAME = "two hundred thousand"
PICK_LIMIT = 3000  # the longest pick list a page offers (map, chronology)
SHOWN_AT_MOST = max(PAGE_SIZE, MARK_LIMIT, PICK_LIMIT)


@pytest.fixture(scope="module")
def big_workspace(tmp_path_factory):
    """A workspace keeping N incidents (the curated events copied with new ids and moved points), chosen."""
    folder = tmp_path_factory.mktemp("big") / "workspace"
    frame = million(load_layer("incidents")[0], N, seed=22)
    open_store(str(folder)).save(NAME, frame, SourceInfo("big.geojson", "synthetic", "test", N, N, 0))
    (folder / "choice.json").write_text(json.dumps({"shown": [NAME]}))
    return folder


@pytest.fixture
def answers(big_workspace, settings_env, monkeypatch):
    """Every answer the embedded engine gives, as (kind, query, rows returned, columns returned)."""
    settings_env.setenv(WORKSPACE_ENV, str(big_workspace))
    settings_env.delenv(DATABASE_ENV, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    given: list[tuple[str, object, int, tuple]] = []

    def spy(kind):
        original = getattr(DuckEngine, kind)

        def recorded(self, q, *args, **kwargs):
            out = original(self, q, *args, **kwargs)
            frame = out.rows if kind == "page" else out
            if isinstance(frame, pd.DataFrame):
                given.append((kind, q, len(frame), tuple(frame.columns)))
            elif isinstance(frame, pa.Table):  # the map's payload, as Arrow
                given.append((kind, q, frame.num_rows, tuple(frame.column_names)))
            return out

        return recorded

    for kind in ("rows", "table", "page", "aggregate"):
        monkeypatch.setattr(DuckEngine, kind, spy(kind))
    yield given
    st.cache_data.clear()
    st.cache_resource.clear()


def _is_map_payload(q) -> bool:
    return q.columns is not None and set(q.columns) <= {*MAP_COLUMNS, *TIP_COLUMNS, *POINT}


@pytest.mark.parametrize("page", PAGES)
def test_no_answer_holds_more_rows_than_the_page_shows(answers, page):
    at = open_page(page, timeout=180)
    assert not at.exception
    assert answers, "the page asked the store nothing"
    for kind, q, rows, columns in answers:
        if kind in ("rows", "table") and _is_map_payload(q):
            assert set(columns) <= {*MAP_COLUMNS, *TIP_COLUMNS, *POINT}, columns
            continue
        if kind == "aggregate":
            assert rows <= SHOWN_AT_MOST, (page, q, rows)
            continue
        assert rows <= SHOWN_AT_MOST, (page, kind, q, rows)


def test_the_explorer_shows_the_whole_set_in_its_figures_and_a_page_in_its_table(answers):
    at = open_page("pages/incidents.py", timeout=180)
    events = {m.label: m.value for m in at.metric}["Events"]
    assert events.replace(",", "") == str(N)
    table = next(d for d in at.dataframe if (d.key or "").startswith("incidents_table")).value
    assert len(table) == PAGE_SIZE
    asked = [rows for kind, q, rows, _c in answers if kind in ("rows", "page") and not _is_map_payload(q)]
    assert asked and max(asked) <= PAGE_SIZE  # (app.py opens on the map, whose payload is checked above)


def test_the_trends_hexagons_are_asked_for_as_hexagons(answers):
    """The hexagon view asks for one row per hexagon and precision, never more hexagons than a map draws."""
    from geo.trends import MAX_HEXAGONS

    at = open_page("pages/trends.py", timeout=180)
    at.selectbox(key="trends_unit").set_value("hexagons").run(timeout=180)
    assert not at.exception
    grouped = [(q, rows, columns) for kind, q, rows, columns in answers if kind == "aggregate" and "h3" in columns]
    assert grouped, "the hexagon view asked for no hexagons"
    for q, rows, _columns in grouped:
        assert rows <= MAX_HEXAGONS, (q, rows)
