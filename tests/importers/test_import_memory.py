"""An import holds a few times the file's size at its peak, not twenty (issue 9).

Measured with tracemalloc (Python's own allocations: not a time, and not disturbed by other
jobs' memory); each layout is imported and kept once from a small file first, so tables loaded
lazily on first use (pycountry, pyproj) are not counted. The limits sit between the peaks of
main before the change (in the comments) and after it (bench/README.md, "Imports: time and
memory", has the whole-process figures).
"""

from __future__ import annotations

import tracemalloc

import pytest

from bench.bench_import import make_latlon, make_ucdp
from geo.importers import import_file
from geo.importers.build import SharedTexts, value_key
from geo.store.embedded import EmbeddedStore
from geo.store.imports import keep_import


def traced_peak(action) -> tuple[object, int]:
    """What action() returns and the peak of the Python allocations it made."""
    tracemalloc.start()
    try:
        return action(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


LAYOUTS = {  # writer of a file about `scale` times 1.8 / 0.75 MB; import limit, keep limit (x file size)
    "ucdp": (lambda path, scale: make_ucdp(path, int(6_000 * scale)), 6, 2.5),  # before: 8.7x, 3.3x
    # a URL a row: before 17.7x, 8.0x; then 8.4x, 2.4x with each row's own empty actors list and
    # every empty int column its own array; 7.6x now
    "latlon": (lambda path, scale: make_latlon(path, 0.75 * scale), 8, 3),
    # five rows a URL: 7.2x, 2.4x while every row held its own sources list; 4.3x now
    "latlon, 5 rows a URL": (lambda path, scale: make_latlon(path, 0.75 * scale, rows_per_url=5), 5, 3),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_import_and_its_keep_peak_at_a_few_times_the_file_size(tmp_path, layout):
    make, import_limit, keep_limit = LAYOUTS[layout]
    stem = layout.replace(" ", "_").replace(",", "")
    small, path = tmp_path / f"small_{stem}.csv", tmp_path / f"{stem}.csv"
    make(small, 0.01)
    keep_import(EmbeddedStore(tmp_path / "warm"), "warm", small, import_file(small))
    make(path, 1)
    size = path.stat().st_size

    result, import_peak = traced_peak(lambda: import_file(path))
    assert len(result.incidents) == result.rows_read > 5000
    assert import_peak < import_limit * size, f"the import peaked at {import_peak / size:.1f}x the file"

    report, keep_peak = traced_peak(lambda: keep_import(EmbeddedStore(tmp_path / "ws"), layout, path, result))
    assert report.added == len(result.incidents)
    assert keep_peak < keep_limit * size, f"keeping it added {keep_peak / size:.1f}x the file at its peak"


def test_rows_citing_the_same_source_hold_one_list_and_other_values_stay_apart(tmp_path):
    path = tmp_path / "shared.csv"
    path.write_text(
        "id,date,latitude,longitude,source_url,source\n"
        "a,2023-01-01,30,66,https://example.org/1,Dawn\n"
        "b,2023-01-02,30,66,https://example.org/1,Dawn\n"
        "c,2023-01-03,30,66,https://example.org/1,Geo\n"
        "d,2023-01-04,30,66,https://example.org/2,Dawn\n",
        encoding="utf-8",
    )
    sources = import_file(path).incidents["sources"].tolist()
    assert sources[0] is sources[1] and sources[0] == [{"outlet": "Dawn", "url": "https://example.org/1", "date": None}]
    assert sources[2][0]["outlet"] == "Geo" and sources[3][0]["url"] == "https://example.org/2"
    assert len({id(s) for s in sources}) == 3

    shared = SharedTexts()
    kept = [shared(v) for v in ([1], [1.0], [True], ["1"], [["a"], "b"], [["a", "b"]], {"a": None}, [1])]
    assert [type(v[0]) for v in kept[:3]] == [int, float, bool]  # equal in Python, but not the same value
    assert kept[-1] is kept[0] and len({id(v) for v in kept}) == 7
    assert value_key([["a"], "b"]) != value_key([["a", "b"]])
