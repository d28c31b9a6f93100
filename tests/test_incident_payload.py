"""The map's compact incident payload (views.map.layers): what each incident costs on the wire,
that the browser's buffer decodes to the same points and dates, and that a row maps back to its id."""

from __future__ import annotations

import base64
import json

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geo.filters import IncidentFilter, filter_mask
from views.map.layers import (
    DETAIL_LIMIT,
    NO_END,
    NO_START,
    POINT_LAYOUT,
    UNKNOWN_FATALITIES,
    incident_payload,
    incident_source,
)
from views.map.styles import fatality_radius


def incidents(n: int, start: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(n)
    return gpd.GeoDataFrame(
        {
            "id": [f"SYN-{i:07d}" for i in range(start, start + n)],
            "title": [f"<b>Incident {i}</b>" for i in range(n)],
            "category": rng.choice(["attack", "arrest", "no such category"], n),
            "date_start": pd.Timestamp("2020-01-01"),
            "date_end": pd.Timestamp("2020-01-02"),
            "location_precision": rng.choice(["exact", "town", "district"], n),
            "fatalities_best": pd.array([None if i % 7 == 0 else i % 40 for i in range(n)], dtype="Int64"),
        },
        geometry=[Point(60 + 8 * x, 25 + 6 * y) for x, y in rng.random((n, 2))],
        crs="EPSG:4326",
    )


KINDS = {"Float32Array": "<f4", "Uint16Array": "<u2", "Uint8Array": "u1", "Int32Array": "<i4"}  # as incidents.js


def decode(src) -> dict:
    """The buffer read as incidents.js reads it: by the layout the payload sends."""
    data = json.loads(src.data_json)
    n, buf = data["n"], base64.b64decode(data["b64"])
    got = {name: np.frombuffer(buf, dtype=KINDS[kind], count=n, offset=at) for name, kind, at in data["layout"]}
    return {"n": n, **got, "data": data, "size": len(buf)}


def test_buffer_decodes_to_the_drawn_points():
    gdf = incidents(500)
    gdf.loc[3, "geometry"] = None  # unlocated: not drawn
    src = incident_source(gdf)
    got = decode(src)
    drawn = gdf[gdf.geometry.notna()]
    assert got["n"] == src.count == len(drawn) and got["size"] == -(-13 * len(drawn) // 4) * 4 + 8 * len(drawn)
    assert np.allclose(got["lon"], drawn.geometry.x, atol=1e-5) and np.allclose(got["lat"], drawn.geometry.y, atol=1e-5)
    fat = drawn["fatalities_best"]
    assert list(got["fat"]) == [UNKNOWN_FATALITIES if pd.isna(v) else int(v) for v in fat]
    assert list(got["rad"]) == list(fatality_radius(fat.astype("object")))
    names = got["data"]["categories"]
    assert [names[c] for c in got["cat"]] == [c if c != "no such category" else "other" for c in drawn["category"]]
    assert set(got["prec"]) == {0, 1, 2}


def test_the_payload_sends_its_layout_and_each_column_decodes_by_it_to_its_input():
    n = 101  # odd: the dates start after 3 bytes of padding
    gdf = incidents(n)
    gdf.loc[0, "fatalities_best"] = 70_000  # capped below the "unknown" mark
    payload, src = incident_payload(gdf, details=False), incident_source(gdf, details=False)
    layout = json.loads(src.data_json)["layout"]
    assert [c[0] for c in layout] == [c.name for c in POINT_LAYOUT] == list(dict.fromkeys(c[0] for c in layout))
    assert all(at % np.dtype(KINDS[kind]).itemsize == 0 for _, kind, at in layout), "each column aligned"
    got = decode(src)
    assert got["size"] == layout[-1][2] + 4 * n and sum(np.dtype(c.dtype).itemsize for c in POINT_LAYOUT) == 21
    for column in POINT_LAYOUT:
        want = payload[column.field]
        if column.name == "fat":
            want = np.where(want < 0, UNKNOWN_FATALITIES, np.minimum(want, UNKNOWN_FATALITIES - 1))
        assert np.array_equal(got[column.name], want), column.name
    assert got["fat"][0] == UNKNOWN_FATALITIES - 1 and got["fat"][7] == UNKNOWN_FATALITIES  # row 7: unknown


def test_small_sets_carry_ids_and_escaped_tooltips():
    src = incident_source(incidents(20))
    data = json.loads(src.data_json)
    assert data["id"][0] == "SYN-0000000"
    assert "&lt;b&gt;Incident 0&lt;/b&gt;" in data["tip"][0] and "<b>" not in src.data_json


def test_large_sets_cost_under_30_bytes_an_incident_and_carry_no_text():
    n = DETAIL_LIMIT + 1000
    src = incident_source(incidents(n))
    data = json.loads(src.data_json)
    assert "id" not in data and "tip" not in data and "Incident" not in src.data_json
    assert len(src.data_json.encode()) / n <= 30  # 21 bytes in base64


def test_rows_map_back_to_ids():
    src = incident_source(incidents(50, start=100), details=False)
    assert src.id_of(0) == "SYN-0000100" and src.id_of("49") == "SYN-0000149"
    assert src.id_of(50) is None and src.id_of(-1) is None and src.id_of("x") is None
    assert src.row_of("SYN-0000120") == 20 and src.row_of("nope") == -1


def test_a_large_set_keeps_its_ids_compact():
    gdf = incidents(50, start=100)
    gdf["id"] = gdf["id"].astype(object)  # as loaded: texts are Python objects (geo.loading)
    src = incident_source(gdf, details=False)
    assert src.ids.nbytes <= 50 * (len("SYN-0000149") + 4)  # one text buffer and offsets, no object per id
    assert src.id_of(49) == "SYN-0000149" and src.id_of(50) is None and src.id_of("x") is None
    assert src.row_of("SYN-0000149") == 49 and src.row_of("SYN-9") == -1
    numbered = incident_source(gdf.assign(id=range(50)), details=False)
    assert numbered.id_of(7) == "7" and numbered.row_of("7") == 7


def test_key_follows_the_content():
    a, b = incidents(30), incidents(30)
    assert incident_source(a).key == incident_source(b).key
    b.loc[0, "category"] = "arrest" if b.loc[0, "category"] != "arrest" else "attack"
    assert incident_source(a).key != incident_source(b).key


def test_dates_travel_as_days_since_1970_and_a_window_matches_the_date_filter():
    n = 7
    gdf = incidents(n)
    gdf["date_start"] = pd.to_datetime(
        ["2020-01-01", "2020-01-31", "2020-02-01", None, "1969-12-31", "2020-03-01T12:00", "2020-02-10"],
        format="ISO8601",
    )
    gdf["date_end"] = pd.to_datetime(
        ["2020-01-01", "2020-02-02", "2020-02-29", "2020-02-05", "1970-01-01", "2020-03-01T12:00", None],
        format="ISO8601",
    )
    got = decode(incident_source(gdf))
    assert list(got["start"][:3]) == [18262, 18292, 18293] and list(got["end"][:3]) == [18262, 18294, 18321]
    assert got["start"][4] == -1 and got["end"][4] == 0  # before 1970: negative days
    assert got["start"][3] == NO_START and got["end"][6] == NO_END  # a missing date
    assert got["start"][5] == 18322 + 1 and got["end"][5] == 18322  # a time of day: start up, end down
    # the browser's test (start <= to and end >= from) keeps what geo.filters keeps, for any window
    for lo, hi in [
        ("2020-01-01", "2020-01-31"),
        ("2020-02-01", "2020-02-29"),
        ("2020-03-01", "2020-03-01"),
        ("2020-03-02", "2020-03-31"),
        ("1969-12-01", "1970-01-01"),
        ("2020-02-03", "2020-02-04"),
    ]:
        a, b = pd.Timestamp(lo), pd.Timestamp(hi)
        days = (a - pd.Timestamp("1970-01-01")).days, (b - pd.Timestamp("1970-01-01")).days
        browser = (got["start"] <= days[1]) & (got["end"] >= days[0])
        server = filter_mask(gdf, IncidentFilter(date_from=a.date(), date_to=b.date()))
        assert list(browser) == list(server), (lo, hi)


def test_the_stores_arrow_table_gives_the_same_payload_as_a_frame():
    """The map's source from the engine's Arrow answer (no Python object per incident) is byte for
    byte the frame's: missing points, unknown categories, missing fatalities and dates included."""
    import pyarrow as pa

    from geo.store.engine import frame_table
    from geo.store.query import MAP_COLUMNS

    gdf = incidents(DETAIL_LIMIT + 300)
    gdf.loc[3, "geometry"] = None
    gdf.loc[5, "category"] = None
    gdf.loc[[7, 9], "date_start"] = pd.NaT
    gdf.loc[11, "date_end"] = pd.NaT
    gdf.loc[13, "date_start"] = pd.Timestamp("1965-03-01 12:00")  # before 1970, not at midnight
    table = frame_table(gdf).select(list(MAP_COLUMNS))
    assert isinstance(table, pa.Table)
    from_arrow, from_frame = incident_source(table), incident_source(gdf, details=False)
    assert from_arrow.data_json == from_frame.data_json and from_arrow.key == from_frame.key
    assert from_arrow.ids.equals(from_frame.ids) and from_arrow.count == len(gdf) - 1
    small = incident_source(table.slice(0, 40))  # a small set keeps its ids and tooltips
    assert json.loads(small.data_json)["id"] == list(gdf["id"].iloc[:40].drop(index=3))
