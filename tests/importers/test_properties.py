"""Property-based tests: any bytes, any cell text give valid records or a clear rejection
(ImportFormatError from the importers, LayerValidationError from validation), never another
exception (issue 9)."""

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.importers import ImportFormatError, import_file, parse_date
from geo.schema import INCIDENTS
from geo.validation import LayerValidationError, validate

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = [".csv", ".geojson", ".json", ".kml", ".gpkg"]
HEADERS = [
    b"latitude,longitude,date,source_url\n",
    b"event_id_cnty,event_date,latitude,longitude,event_type\n",
    b"id,date_start,date_end,latitude,longitude,best\n",
    b'{"type": "FeatureCollection", "features": [',
    b"",
]


def check_import(suffix: str, content: bytes, **options) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(content)
        try:
            result = import_file(path, **options)
        except ImportFormatError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    assert len(result.incidents) + len(result.rejected) >= 0
    if len(result.incidents):
        validate(result.incidents, INCIDENTS, "again")  # what was accepted is valid


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), head=st.sampled_from(HEADERS), body=st.binary(max_size=400))
def test_any_bytes_are_records_or_a_clear_rejection(suffix, head, body):
    check_import(suffix, head + body)


CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@SETTINGS
@given(
    cells=st.lists(st.lists(CELL, min_size=4, max_size=6), min_size=1, max_size=5),
    dayfirst=st.sampled_from([None, True, False]),
)
def test_any_cells_in_a_latlon_csv(cells, dayfirst):
    lines = ["latitude,longitude,date,source_url,country,fatalities"]
    lines += [",".join(json.dumps(c) for c in row) for row in cells]
    check_import(".csv", "\n".join(lines).encode(), dayfirst=dayfirst, source="https://example.org/s")


@SETTINGS
@given(
    lat=st.one_of(st.floats(allow_nan=True), st.text(max_size=8)),
    lon=st.one_of(st.floats(allow_infinity=True), st.text(max_size=8)),
    date=st.one_of(st.dates().map(str), st.text(max_size=12)),
    fatalities=st.one_of(st.integers(), st.floats(), st.text(max_size=6)),
)
def test_any_values_in_typed_columns(lat, lon, date, fatalities):
    line = ",".join(json.dumps(str(v)) for v in (lat, lon, date, "https://e.org", "PAK", fatalities))
    check_import(".csv", ("latitude,longitude,date,source_url,country,fatalities\n" + line + "\n").encode())


@SETTINGS
@given(st.text(max_size=25), st.sampled_from([None, True, False]))
def test_parse_date_returns_a_date_or_a_value_error(text, dayfirst):
    try:
        parse_date(text, dayfirst)
    except ValueError as exc:
        assert "date" in str(exc)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@SETTINGS
@given(st.fixed_dictionaries({f.name: JSONISH for f in INCIDENTS.fields[:12]}), st.sampled_from(["raise", "drop"]))
def test_validation_of_any_property_values(props, on_error):
    gdf = gpd.GeoDataFrame(pd.DataFrame([props], dtype=object), geometry=[Point(63, 27)], crs="EPSG:4326")
    try:
        validate(gdf, INCIDENTS, "any.geojson", on_error=on_error)
    except LayerValidationError as exc:
        assert str(exc).startswith("any.geojson:")


def test_validation_accepts_its_own_output():
    """Found by the properties above: validated Int64 columns (pd.NA) crashed check_fatalities and
    were refused as 'expected a whole number' when validated again."""
    from geo.loading import load_layer

    once = load_layer("incidents")[0]
    assert once["fatalities_low"].isna().any()
    twice, report = validate(once, INCIDENTS, "again")
    assert len(twice) == len(once) and not report.rejected
