"""Date problems name the field at fault (issue 21, item 18): date_start / date_end in a GeoJSON
import, the file's own column when the day/month order cannot be decided."""

from __future__ import annotations

import json

import pytest

from geo.importers import ImportFormatError, import_file


def _feature(fid: str, **props) -> dict:
    base = {"id": fid, "title": "t", "category": "attack", "source_url": "https://example.org/a"}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [61.0, 27.0]}, "properties": base | props}


def test_a_geojson_date_rejection_names_date_start_or_date_end(tmp_path):
    path = tmp_path / "events.geojson"
    features = [
        _feature("a1", date="not a date"),
        _feature("a2", date_start="2020-01-02", date_end="the 40th"),
        _feature("a3", date_start="2020-01-02"),
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = import_file(path)
    assert result.count == 1
    first, second = sorted(result.rejected)
    assert "feature 0 (id 'a1'): date_start: 'not a date' is not a date" in first
    assert "feature 1 (id 'a2'): date_end: 'the 40th' is not a date" in second


def test_an_undecided_date_order_names_the_files_own_column(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "id,title,date,latitude,longitude,source_url\n"
        "b1,x,03/04/2020,27,61,https://example.org/x\n"
        "b2,y,05/06/2020,27,61,https://example.org/y\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError, match=r"events\.csv: column 'date': dates such as"):
        import_file(path)
