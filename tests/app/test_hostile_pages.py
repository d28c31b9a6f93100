"""Every page under AppTest with hostile data and hostile data folders (tests/hostile).

No page may raise, and no value may reach Markdown alive: every Markdown source on the page
(text, captions, alerts, labels, help, table cells) carries a payload only escaped, and the
record HTML only as escaped text.
"""

from __future__ import annotations

import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from geo.catalog import DATA_DIR_ENV, LAYERS
from geo.loading import load_layer
from geo.near import target_choices
from tests.app_helpers import APP, PAGES, without_own_scripts
from tests.hostile.folders import ATTACKS, attack, hostile_data_dir, shipped_copy
from tests.hostile.payloads import HOST, PAYLOADS, alive_in_html, alive_in_markdown
from ui.safe_text import md_escape

# proto fields that Streamlit renders as Markdown (body of text and alerts, labels, help)
MARKDOWN_FIELDS = {"body", "label", "help", "caption"}
NOT_MARKDOWN = {"code", "html", "arrow_data_frame", "component_instance", "json", "text"}


def _strings(msg, out: list[str]) -> None:
    for field, value in msg.ListFields():
        if field.type not in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_STRING):
            continue
        items = [value] if isinstance(value, (str, Message)) else list(value)
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            for item in items:
                _strings(item, out)
        elif field.type == FieldDescriptor.TYPE_STRING and field.name in MARKDOWN_FIELDS:
            out.extend(items)


def markdown_sources(at: AppTest) -> list[str]:
    """Every Markdown source on the page: element and block protos, and st.table cells."""
    out: list[str] = []

    def visit(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", None) not in NOT_MARKDOWN:
            _strings(proto, out)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    for table in at.table:
        out.extend(str(v) for v in table.value.to_numpy().ravel())
        out.extend(str(c) for c in table.value.columns)
    return out


def assert_nothing_alive(at: AppTest) -> None:
    """No exception; no payload alive in Markdown; the record HTML escaped."""
    assert not at.exception, [e.value for e in at.exception]
    alive = [(src[:160], frags) for src in markdown_sources(at) if (frags := alive_in_markdown(src))]
    assert not alive, alive
    for block in at.get("html"):
        assert not alive_in_html(without_own_scripts(block.value)), block.value[:400]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return hostile_data_dir(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture
def hostile(hostile_dir, settings_env):
    settings_env.setenv(DATA_DIR_ENV, str(hostile_dir))
    return hostile_dir


def run_page(page: str, query: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "pages/map.py":
        at.switch_page(page)
        at.run()
    if state:
        for k, v in state.items():
            at.session_state[k] = v
        at.run()
    return at


def first_incident_id(folder) -> str:
    gdf, _ = load_layer("incidents", folder)
    return next(i for i, g in zip(gdf["id"], gdf.geometry, strict=True) if g is not None and HOST in i)


def test_the_hostile_folder_loads_and_carries_every_payload(hostile_dir):
    values = []
    for layer_id in LAYERS:
        gdf, _ = load_layer(layer_id, hostile_dir)  # validation keeps every feature
        for column in gdf.columns.drop(gdf.geometry.name):
            for value in gdf[column]:
                values.extend(value if isinstance(value, list) else [value])
    text = "\n".join(str(v) for v in values)
    assert [name for name, payload in PAYLOADS.items() if payload not in text] == []


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_hostile_data_as_text(hostile, page):
    at = run_page(page)
    assert_nothing_alive(at)
    assert at.title, "the page stopped before its title"


@pytest.mark.parametrize("page", ["pages/map.py", "pages/incidents.py", "pages/chronology.py"])
def test_hostile_filter_values_stay_text(hostile, page):
    at = run_page(page)
    countries = at.multiselect(key="filter_countries")
    countries.set_value([o for o in countries.options if HOST in o][:2] or countries.options[:1])
    at.text_input(key="filter_keyword").input(PAYLOADS["md_image"] + " " + PAYLOADS["md_link"])
    at.run()
    assert_nothing_alive(at)


def test_url_parameter_never_reaches_markdown(hostile):
    at = run_page("pages/map.py", query={"incident": f"{PAYLOADS['md_image']} {PAYLOADS['md_link']}"})
    assert_nothing_alive(at)
    warning = " ".join(w.value for w in at.warning)
    assert md_escape(PAYLOADS["md_image"]) in warning, warning


def _records(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html") if 'class="pkir-record"' in h.value]


def test_a_hostile_record_on_the_map_is_escaped_html(hostile):
    fid = first_incident_id(hostile)
    at = run_page("pages/map.py", query={"incident": fid})
    assert_nothing_alive(at)
    assert _records(at), "no record shown"
    assert not at.warning, [w.value for w in at.warning]


def test_a_hostile_record_in_the_explorer_is_escaped_html(hostile):
    at = run_page("pages/incidents.py")
    frame = next(d for d in at.dataframe if (d.key or "").startswith("incidents_table"))
    rows = [i for i, fid in enumerate(frame.value["id"]) if HOST in str(fid)]
    for pos in rows[:4]:
        at.session_state[frame.key] = {"selection": {"rows": [pos], "columns": [], "cells": []}}
        at.run()
        assert_nothing_alive(at)
        assert _records(at), "no record shown"


def test_a_hostile_record_in_the_chronology_is_escaped_html(hostile):
    at = run_page("pages/chronology.py")
    gdf, _ = load_layer("incidents", hostile)
    for fid in [i for i in gdf["id"] if HOST in i][:4]:
        at.selectbox(key="chronology_event").set_value(("incidents", fid))
        at.run()
        assert_nothing_alive(at)
        assert _records(at), "no record shown"


@pytest.mark.parametrize(
    ("page", "key"), [("pages/markets.py", "markets_record"), ("pages/pipeline.py", "pipeline_record")]
)
def test_hostile_site_records_are_escaped_html(hostile, page, key):
    at = run_page(page)
    box = at.selectbox(key=key)
    for index in range(min(len(box.options), 6)):
        at.selectbox(key=key).select_index(index)
        at.run()
        assert_nothing_alive(at)
    assert any('class="pkir-record"' in h.value for h in at.get("html"))


def test_import_page_shows_a_hostile_file_name_as_text(hostile):
    from ui.data import Loaded

    gdf, _ = load_layer("incidents", hostile)
    at = run_page(
        "pages/import_data.py",
        state={
            "session_incidents": Loaded("incidents", gdf, None, None),
            "session_incidents_label": f"{PAYLOADS['md_image']}```{PAYLOADS['blank_line_link']}.csv",
        },
    )
    assert_nothing_alive(at)
    assert any(r"\!\[x\]" in i.value for i in at.info)


# --- data-folder attacks: every page keeps running, names the file, serves nothing outside ---


@pytest.mark.parametrize("kind", ATTACKS)
@pytest.mark.parametrize("page", ["pages/map.py", "pages/sources.py"])
def test_data_folder_attacks_are_refused_by_name(tmp_path, settings_env, kind, page):
    folder = shipped_copy(tmp_path / "data")
    attack(folder, "incidents", kind)
    settings_env.setenv(DATA_DIR_ENV, str(folder))
    at = run_page(page)  # a FIFO used to block here for good
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.code)
    assert "incidents.geojson" in errors, errors
    if page == "pages/sources.py":
        keys = {b.key for b in at.get("download_button")}
        assert "download_incidents" not in keys and "download_markets" in keys, keys


@pytest.mark.parametrize("page", ["pages/map.py", "pages/incidents.py", "pages/chronology.py"])
def test_a_near_target_with_a_hostile_name_stays_text(hostile, page):
    target = next(t for t, label in target_choices(hostile) if HOST in label and t.startswith(("crossing:", "market:")))
    at = run_page(page)
    at.selectbox(key="filter_near").set_value(target).run()
    at.number_input(key="filter_near_km").set_value(1).run()  # few or none: the empty result names it too
    assert_nothing_alive(at)
    assert at.selectbox(key="filter_near").value == target
