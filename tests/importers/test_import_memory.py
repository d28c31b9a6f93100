"""An import peaks at a few times the file's size (issue 9), and its rows stay compact until used.

Memory is the peak resident size of a fresh process (bench.bench_import.measure: Linux's VmHWM,
reset before the import and before the keep, above the process's size once every module is
loaded and a small file was imported and kept), so Arrow buffers and GEOS points count as much
as Python objects. The limits sit between main before the compact import (in the comments, from
the same measure) and after it; bench/README.md ("Imports: time and memory") has the figures.
"""

from __future__ import annotations

import sys

import pyarrow as pa
import pytest

from bench.bench_import import make_latlon, make_ucdp, measure
from geo.importers import import_file
from geo.importers.build import SharedTexts, value_key
from geo.incidents.compact import ARROW_TEXT, LAT, LON

LAYOUTS = {  # writer of a ~12 MB file; bounds for the import and for the keep (x file size)
    "ucdp": (lambda path: make_ucdp(path, 40_000), 3.6, 6.2),  # main before: 4.0x, 6.8x; now 3.2x, 5.4x
    "latlon, a URL a row": (lambda path: make_latlon(path, 12), 4.5, 8.5),  # before: 8.5x, 12.3x; now 3.9x, 7.2x
    "latlon, 5 rows a URL": (lambda path: make_latlon(path, 12, rows_per_url=5), 4.5, 7.6),  # 5.8x, 8.7x; 3.4x, 6.6x
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc/self/status")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_import_peaks_at_a_few_times_the_file_size(tmp_path, layout):
    make, import_limit, keep_limit = LAYOUTS[layout]
    path = tmp_path / "events.csv"
    make(path)
    size = path.stat().st_size / 1e6
    m = measure(path)
    assert m["ok"] == m["rows"] >= 40_000
    imported, kept = (m["import_mb"] - m["base_mb"]) / size, (m["keep_mb"] - m["base_mb"]) / size
    assert imported < import_limit, f"the import peaked at {imported:.1f}x the file"
    assert kept < keep_limit, f"keeping it (the import still held) peaked at {kept:.1f}x the file"


def buffers(col) -> list[int]:
    """Where an Arrow-backed column's buffers sit in memory."""
    arr = pa.array(col.array)
    return [b.address for chunk in getattr(arr, "chunks", [arr]) for b in chunk.buffers() if b is not None]


def test_accepted_rows_are_held_as_arrow_texts_and_two_coordinates(tmp_path):
    path = tmp_path / "events.csv"
    make_latlon(path, 0.2)
    result = import_file(path)
    flat = result.flat
    assert flat["id"].dtype == ARROW_TEXT and flat["sources"].dtype == ARROW_TEXT
    assert buffers(flat["admin2"]) == buffers(flat["track"])  # columns no row fills share one array
    assert "geometry" not in flat.columns and flat[[LON, LAT]].notna().all().all()
    first = result.incidents.iloc[0]  # the usual frame, built when asked for
    assert first["sources"] == [{"outlet": None, "url": "https://example.org/r/1", "date": None}]
    assert first["admin2"] is None and first.geometry.x == pytest.approx(flat[LON].iloc[0])


def test_a_repeated_id_is_refused_naming_both_file_rows_within_a_part_and_across_parts(tmp_path, monkeypatch):
    monkeypatch.setattr("geo.importers.build.PART_ROWS", 3)  # parts: file rows 2-4, 5-7, 8-9
    path = tmp_path / "repeats.csv"
    rows = [f"E{i},2023-01-0{i + 1},30,66,https://example.org/{i}" for i in range(8)]
    rows[2] = "E0,2023-02-01,30,66,https://example.org/again"  # row 4 repeats row 2, in its part
    rows[6] = "E1,2023-02-02,30,66,https://example.org/again"  # row 8 repeats row 3, in another part
    path.write_text("id,date,latitude,longitude,source_url\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = import_file(path)
    assert result.count == 6 and result.rows_read == 8
    assert result.rejected == [
        "repeats.csv: row 4 (id 'E0'): duplicate id 'E0' (also used by row 2)",
        "repeats.csv: row 8 (id 'E1'): duplicate id 'E1' (also used by row 3)",
    ]
    assert list(result.incidents["id"]) == ["E0", "E1", "E3", "E4", "E5", "E7"]


def test_equal_values_of_a_part_are_one_object_and_values_that_differ_stay_apart():
    shared = SharedTexts()
    kept = [shared(v) for v in ([1], [1.0], [True], ["1"], [["a"], "b"], [["a", "b"]], {"a": None}, [1])]
    assert [type(v[0]) for v in kept[:3]] == [int, float, bool]  # equal in Python, but not the same value
    assert kept[-1] is kept[0] and len({id(v) for v in kept}) == 7
    assert value_key([["a"], "b"]) != value_key([["a", "b"]])
    shared.forget()  # a new part: the values seen before are let go
    assert shared([1]) is not kept[0]
