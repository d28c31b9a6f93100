"""Hostile and malformed inputs through the importers and the CLI: a one-line answer naming the
file (and row and field where there is one), never a traceback (issue 9 items 4 and 7).
Every file is written by the test itself."""

import json
import sqlite3

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.export import to_csv
from geo.filters import IncidentFilter
from geo.importers import ImportFormatError, import_file
from geo.loading import load_layer
from scripts.import_events import main as cli

FEATURE = {
    "type": "Feature",
    "properties": {"id": "F-1", "title": "t", "date_start": "2024-01-01", "sources": [{"url": "https://e.org"}]},
    "geometry": {"type": "Point", "coordinates": [64.09, 26.96]},
}
REFUSED = {
    "png.geojson": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"not valid JSON"),
    "truncated.geojson": (b'{"type": "FeatureCollection", "features": [', r"not valid JSON"),
    "array.geojson": (b"[1, 2]", r"not a GeoJSON FeatureCollection or Feature \(it is a JSON array\)"),
    "nan.geojson": (json.dumps({**FEATURE, "properties": {"x": float("nan")}}).encode(), r"NaN is not allowed"),
    "inf.geojson": (b'{"type": "FeatureCollection", "features": [], "x": Infinity}', r"Infinity is not allowed"),
    "xxe.kml": (
        b'<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<kml><Placemark>'
        b"<name>&xxe;</name></Placemark></kml>",
        r"refused: the file declares a DOCTYPE",
    ),
    "laughs.kml": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><kml/>',
        r"XXE, 'billion laughs'",
    ),
    "features.geojson": (b'{"type": "FeatureCollection", "features": {}}', r"'features' is not a list"),
    "deep.geojson": (b"[" * 100_000 + b"]" * 100_000, r"cannot be read|not valid JSON"),
    "late_doctype.kml": (b"<?xml version='1.0'?><!--" + b"x" * 70_000 + b"--><!DOCTYPE kml []><kml/>", "refused"),
    "header_only.csv": (b"latitude,longitude,date,source_url\n", r"header but no data rows"),
    "png.csv": (b"\x89PNG\r\n\x1a\n\x00\x00", r"not a text file: it is a PNG image"),
    "empty.csv": (b"", r"no header row"),
    "binary.csv": (b"a,b\n\x00\x01\x02\x00\x00\x07\x00" * 10, r"not a text file"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_malformed_files_are_refused_in_one_line_naming_the_file(tmp_path, name):
    content, reason = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=reason) as info:
        import_file(path)
    assert str(info.value).startswith(name + ":") and "\n" not in str(info.value)


def test_a_nul_byte_past_the_sniffed_head_is_a_row_problem(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(
        b"latitude,longitude,date,source_url\n" + b"27,63,2024-01-01,https://e.org\n" * 3000 + b"27,\x00\n"
    )
    result = import_file(path)
    assert len(result.incidents) == 3000 and result.rows_read == 3001
    assert result.rejected[0].startswith("nul.csv: row 3002 (id 'nul-3001'): ")


def test_a_bare_feature_is_read_as_a_collection_of_one(tmp_path):
    path = tmp_path / "one.geojson"
    path.write_text(json.dumps(FEATURE))
    result = import_file(path, source="https://example.org/s")
    assert list(result.incidents["id"]) == ["F-1"] and not result.rejected
    assert result.incidents["country"][0] == "PAK"  # from the point


def test_fatalities_1e400_is_a_row_problem(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("latitude,longitude,date,source_url,fatalities\n27,63,2024-01-01,https://e.org,1e400\n")
    assert import_file(path).rejected == ["big.csv: row 2 (id 'big-1'): fatalities '1e400' is not a finite number"]


def test_utf16_and_semicolon_files_are_read(tmp_path):
    text = "latitude;longitude;date;source_url;title\n27;63;2024-01-01;https://e.org;Zahedan – ‘quoted’\n"
    for enc in ("utf-16", "utf-16-le"):
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))
        result = import_file(path)
        assert len(result.incidents) == 1, result.rejected
        assert result.incidents["title"][0] == "Zahedan – ‘quoted’"
        assert "separator ';', encoding utf-16" in result.reading


def test_export_of_a_128kb_cell_and_odd_line_breaks_comes_back(tmp_path):
    """Issue 9: a cell over 128 KB broke the reader; U+2028/U+2029/U+0085 became newlines; a leading
    tab was dropped."""
    shipped = load_layer("incidents")[0].head(2).copy()
    shipped["description"] = ["x" * 200_000, "line\u2028sep\u2029para\x85nel end"]
    shipped["title"] = ["\tstarts with a tab", "plain"]
    path = tmp_path / "export.csv"
    path.write_text(to_csv(shipped, IncidentFilter()), encoding="utf-8")
    result = import_file(path)
    assert not result.rejected
    back = result.incidents.set_index("id")
    for rid, desc, title in zip(shipped["id"], shipped["description"], shipped["title"], strict=True):
        assert back.loc[rid, "description"] == desc and back.loc[rid, "title"] == title


def _gpkg(path, layers: dict[str, gpd.GeoDataFrame]):
    for name, gdf in layers.items():
        gdf.to_file(path, layer=name, driver="GPKG")


def _record(i: int) -> dict:
    return {
        "id": f"G-{i}",
        "title": f"event {i}",
        "date_start": "2024-01-01",
        "actors": json.dumps(["Frontier Corps", "BLA"]),
        "sources": json.dumps([{"outlet": "Dawn", "url": "https://e.org", "date": None}]),
    }


def test_geopackage_list_properties_and_two_layers(tmp_path):
    """Issue 9 item 7: lists come back as text from a GeoPackage; a second layer was read silently."""
    path = tmp_path / "two.gpkg"
    first = gpd.GeoDataFrame([_record(1)], geometry=[Point(63, 27)], crs="EPSG:4326")
    second = gpd.GeoDataFrame([_record(2), _record(3)], geometry=[Point(61, 29), Point(62, 28)], crs="EPSG:4326")
    _gpkg(path, {"first": first, "second": second})
    result = import_file(path)
    assert not result.rejected and result.layers == ["first", "second"] and result.layer == "first"
    assert result.incidents["actors"][0] == ["Frontier Corps", "BLA"]
    assert result.incidents["sources"][0][0]["url"] == "https://e.org"
    assert "holds 2 layers (first, second); read 'first'" in result.notes[0]
    assert sorted(import_file(path, layer="second").incidents["id"]) == ["G-2", "G-3"]
    with pytest.raises(ImportFormatError, match="no layer 'third'"):
        import_file(path, layer="third")


def test_kml_name_and_description_become_title_and_description(tmp_path):
    path = tmp_path / "places.kml"
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>Attack on a post</name><description>Two killed.</description>{when}"
        "<Point><coordinates>63.05,26.0</coordinates></Point></Placemark></Document></kml>"
    )
    path.write_text(kml.format(when="<TimeStamp><when>2024-03-01</when></TimeStamp>"))
    result = import_file(path, source="Field notes https://example.org/notes")
    assert not result.rejected, result.rejected
    rec = result.incidents.iloc[0]
    assert (rec["title"], rec["description"], rec["country"]) == ("Attack on a post", "Two killed.", "PAK")
    assert rec["date_start"] == rec["date_end"] == pd.Timestamp("2024-03-01")
    path.write_text(kml.format(when=""))
    assert import_file(path, source="https://example.org/notes").rejected == [
        "places.kml: feature 0 (id 'places-0'): date_start: no date"
    ]


def test_a_sqlite_file_named_gpkg_is_refused(tmp_path):
    path = tmp_path / "fake.gpkg"
    sqlite3.connect(path).execute("create table t (x)").connection.commit()
    with pytest.raises(ImportFormatError, match=r"^fake\.gpkg: "):
        import_file(path)


@pytest.mark.parametrize("case", ["missing", "out_is_file"])
def test_cli_answers_in_one_line(tmp_path, capsys, case):
    good = tmp_path / "good.csv"
    good.write_text("latitude,longitude,date,source_url\n27,63,2024-01-01,https://e.org\n")
    if case == "missing":
        code = cli([str(tmp_path / "nope.csv"), "--out", str(tmp_path / "out")])
    else:
        (tmp_path / "afile").write_text("x")
        code = cli([str(good), "--out", str(tmp_path / "afile")])
    err = capsys.readouterr().err
    assert code in (1, 2) and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert ("nope.csv: no such file" in err) if case == "missing" else ("must be a folder" in err)


@pytest.mark.parametrize("name", list(REFUSED))
def test_cli_refuses_each_malformed_file_in_one_line(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(REFUSED[name][0])
    assert cli([str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(name + ":") and "\n" not in err
