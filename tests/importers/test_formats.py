"""The import formats' registry (geo.importers.formats): every format module has one entry, every
entry all its pieces, and the worked example (the Global Terrorism Database's CSV) maps its rows."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pandas as pd
import pytest

import geo.importers
from geo.importers import import_file, sniff_format
from geo.importers.csvfile import open_csv
from geo.importers.formats import FORMATS, NAMES, Format, anything
from geo.importers.reading import Reading
from tests.importers import layouts

DATA = Path(__file__).parents[1] / "data" / "import"
# the modules every format stands on; any other module in geo/importers is a format's
SHARED = {"build", "csvfile", "dates", "formats", "present", "reading", "result", "values"}


def _dashboard_export(folder: Path) -> Path:
    from geo.export import to_csv
    from geo.filters import IncidentFilter
    from geo.loading import load_layer

    path = folder / "export.csv"
    path.write_text(to_csv(load_layer("incidents")[0].head(3), IncidentFilter()), encoding="utf-8")
    return path


def _geojson(folder: Path) -> Path:
    return Path(geo.importers.__file__).parents[1] / "data" / "incidents.geojson"


# one file per format, each sniffed as its format and imported with rows kept
SAMPLES = {
    "dashboard": _dashboard_export,
    "acled": lambda folder: DATA / "acled_new.csv",
    "ucdp": layouts.ucdp_ged,
    "gtd": lambda folder: DATA / "gtd.csv",
    "csv": layouts.us_dates,
    "spatial": _geojson,
}


def test_every_format_module_has_an_entry_and_every_entry_a_module():
    modules = {m.name for m in pkgutil.iter_modules(geo.importers.__path__)} - SHARED
    entries = {f.convert.__module__.removeprefix("geo.importers.") for f in FORMATS}
    assert modules == entries, "a format module without an entry in FORMATS (a shared helper belongs in SHARED)"


def test_entries_are_unique_and_the_catch_all_comes_last_among_tables():
    assert len(NAMES) == len(set(NAMES)) == len({f.label for f in FORMATS})
    tables = [f for f in FORMATS if f.kind == "table"]
    assert [f.sniff is anything for f in tables] == [False] * (len(tables) - 1) + [True]


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_every_entry_reads_its_sample(fmt, tmp_path):
    assert fmt.name in SAMPLES, f"format {fmt.name!r} has no sample file in SAMPLES"
    path = SAMPLES[fmt.name](tmp_path)
    assert sniff_format(path) == fmt.name
    if fmt.kind == "table":
        assert isinstance(fmt.convert(open_csv(path)), Reading)
    result = import_file(path, fmt.name)
    assert result.count > 0


def _entry(**changes) -> dict:
    return {
        "name": "gtd2",
        "label": "GTD again",
        "suffixes": (".csv",),
        "sniff": anything,
        "convert": geo.importers.gtd.reading,
    } | changes


@pytest.mark.parametrize("missing", ["name", "label", "suffixes", "sniff", "convert"])
def test_an_entry_without_a_piece_is_refused(missing):
    pieces = _entry()
    del pieces[missing]
    with pytest.raises(TypeError, match=missing):
        Format(**pieces)


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"label": " "}, "no label"),
        ({"sniff": None}, "sniff is not a function"),
        ({"convert": None}, "convert is not a function"),
        ({"suffixes": ()}, "suffixes"),
        ({"suffixes": ("csv",)}, "suffixes"),
        ({"name": "GTD 2"}, "lower-case identifier"),
        ({"day_first": (True, "")}, "day_first"),
        ({"kind": "database"}, "kind"),
    ],
)
def test_an_entry_with_an_empty_or_wrong_piece_is_refused(changes, problem):
    with pytest.raises(ValueError, match=problem):
        Format(**_entry(**changes))


def test_the_cli_offers_every_format():
    from scripts.import_events import _args

    for name in NAMES:
        assert _args(["events.csv", "--out", "x", "--format", name]).format == name
    with pytest.raises(SystemExit):
        _args(["events.csv", "--out", "x", "--format", "nonesuch"])


def test_gtd_rows_map_to_the_incident_schema_and_bad_rows_are_reported():
    result = import_file(DATA / "gtd.csv")
    assert (result.format, result.rows_read, result.count) == ("GTD", 7, 4)
    inc = result.incidents.set_index("id")
    blast = inc.loc["GTD-201703150001"]
    assert (blast["category"], blast["country"], blast["admin1"], blast["place"]) == (
        "bombing/IED",
        "PAK",
        "Balochistan",
        "Turbat",
    )
    assert (blast["date_start"], blast["date_end"], blast["date_precision"]) == (
        pd.Timestamp("2017-03-15"),
        pd.Timestamp("2017-03-15"),
        "day",
    )
    assert (blast["location_precision"], blast.geometry.x, blast.geometry.y) == ("town", 63.05, 26.0)  # specificity 1
    assert (blast["fatalities_best"], blast["injured"]) == (3, 7)  # nkill, nwound
    assert blast["actors"] == ["Baloch Liberation Front (BLF)"] and blast["perpetrator"] == blast["actors"][0]
    assert [s["url"] for s in blast["sources"]] == ["https://www.start.umd.edu/gtd/"] * 2  # scite1, scite2
    assert "Three killed in Kech" in blast["sources"][1]["outlet"]
    assert blast["licence"] == "GTD terms of use (not for redistribution)"

    month = inc.loc["GTD-201706000002"]  # iday 0: the month
    assert (month["date_start"], month["date_end"], month["date_precision"]) == (
        pd.Timestamp("2017-06-01"),
        pd.Timestamp("2017-06-30"),
        "month",
    )
    assert month["date_note"] == "GTD approxdate: June 2017"
    assert month["location_precision"] == "district" and pd.isna(month["fatalities_best"])  # spec 2; nkill unknown
    assert month["country"] == "IRN" and month["category"] == "attack"

    year = inc.loc["GTD-201800000003"]  # imonth 0: the year; 'Unknown' city and group left empty
    assert (year["date_start"], year["date_end"], year["date_precision"]) == (
        pd.Timestamp("2018-01-01"),
        pd.Timestamp("2018-12-31"),
        "year",
    )
    assert (year["location_precision"], year["place"], year["actors"], year["perpetrator"]) == (
        "province",
        None,
        [],
        None,
    )
    assert year["category"] == "abduction" and year["fatalities_best"] == 0

    nowhere = inc.loc["GTD-201902200004"]  # specificity 5: no point
    assert nowhere["location_precision"] == "unlocated" and nowhere.geometry is None
    assert nowhere["sources"][0]["outlet"] == "Global Terrorism Database, from START Primary Collection"

    assert result.rejected == [
        "gtd.csv: row 7 (eventid '201702300005'): iyear/imonth/iday 2017/2/30 is not a date "
        "(day is out of range for month)",
        "gtd.csv: row 8 (eventid '201704010006'): nkill '2.5' is not a whole number of zero or more",
        "gtd.csv: row 9 (eventid '201713010007'): imonth '13' is not a month (1–12, or 0 when not known)",
    ]


def test_a_gtd_file_without_its_columns_names_them(tmp_path):
    path = tmp_path / "gtd.csv"
    path.write_text("eventid,iyear,imonth,iday\n201701010001,2017,1,1\n", encoding="utf-8")
    with pytest.raises(geo.importers.ImportFormatError, match=r"not a GTD file: missing column\(s\) country_txt"):
        import_file(path)
