"""Importers: ACLED, UCDP GED, plain lat/lon CSV and spatial files -> the incident schema."""

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.importers import ImportFormatError, import_file, parse_date, sniff_format

DATA = Path(__file__).parent / "data" / "import"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-07-12", date(2023, 7, 12)),
        ("12-07-2023", date(2023, 7, 12)),
        ("12/07/2023", date(2023, 7, 12)),
        ("12 July 2023", date(2023, 7, 12)),
        ("12-July-2023", date(2023, 7, 12)),
        ("2019-02-13 00:00:00.000", date(2019, 2, 13)),
    ],
)
def test_parse_date_reads_the_writings_of_analysts_files(text, expected):
    assert parse_date(text, dayfirst=True) == expected


@pytest.mark.parametrize("text", ["07/12/2023 12:00", "2023-13-01", "July 12, 2023", ""])
def test_parse_date_refuses_rather_than_guesses(text):
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


def test_sniff_format():
    assert sniff_format(DATA / "acled_new.csv") == "acled"
    assert sniff_format(DATA / "ucdp_ged.csv") == "ucdp"
    assert sniff_format(DATA / "latlon.csv") == "csv"
    assert sniff_format(DATA / "x.geojson") == "spatial"


def test_acled_rows_map_to_the_incident_schema_and_bad_rows_are_reported():
    res = import_file(DATA / "acled_new.csv")
    assert res.format == "ACLED" and res.rows_read == 6
    inc = res.incidents.set_index("id")
    assert list(inc.index) == ["PAK90001", "PAK90002", "IRN90003"]
    strike = inc.loc["PAK90001"]
    assert strike["category"] == "air/drone strike"
    assert strike["country"] == "PAK"
    assert strike["location_precision"] == "near"  # geo_precision 2
    assert strike["fatalities_best"] == 2
    assert strike["date_start"] == pd.Timestamp("2024-01-16")
    assert (strike.geometry.x, strike.geometry.y) == (63.45, 27.0)
    assert strike["sources"][0]["url"].startswith("https://acleddata.com")
    assert "Dawn" in strike["sources"][0]["outlet"]
    assert inc.loc["PAK90002", "description"] == 'Synthetic test row with a comma, and "quotes".'
    assert inc.loc["IRN90003", "date_precision"] == "week"  # time_precision 2
    assert inc.loc["IRN90003", "location_precision"] == "province"  # geo_precision 3
    assert res.rejected == [
        "acled_new.csv: row 5 (event_id_cnty 'PAK90004'): '2023-13-01' is not a valid date (month must be in 1..12)",
        "acled_new.csv: row 6 (event_id_cnty 'PAK90005'): latitude 'north' is not a number",
        "acled_new.csv: row 7 (event_id_cnty 'PAK90006'): fatalities '2.5' is not a whole number of zero or more",
    ]


def test_old_acled_dates_are_day_first():
    inc = import_file(DATA / "acled_old.csv").incidents.set_index("id")
    assert inc.loc["PAK80001", "date_start"] == pd.Timestamp("2019-07-12")
    assert inc.loc["PAK80002", "date_start"] == pd.Timestamp("2019-04-18")
    assert inc.loc["PAK80002", "date_precision"] == "month"


def test_ucdp_sides_low_best_high_and_bad_date_order():
    res = import_file(DATA / "ucdp_ged.csv", fmt="ucdp")
    inc = res.incidents.set_index("id")
    bus = inc.loc["UCDP-990001"]
    assert (bus["fatalities_security"], bus["fatalities_militants"]) == (27, 1)  # side_a is the government
    assert (bus["fatalities_low"], bus["fatalities_best"], bus["fatalities_high"]) == (20, 28, 41)
    assert bus["location_precision"] == "near" and bus["country"] == "IRN"
    assert bus["licence"] == "CC BY 4.0 (UCDP)"
    civ = inc.loc["UCDP-990002"]
    assert civ["fatalities_civilians"] == 9 and civ["date_precision"] == "days"
    # low > best is reported, the row kept
    assert any("row 3 (id 'UCDP-990002')" in n and "low <= best <= high" in n for n in res.notes)
    assert res.rejected == [
        "ucdp_ged.csv: row 4 (id 'UCDP-990003'): date_end 2024-01-01 is before date_start 2024-01-05"
    ]


def test_latlon_csv_rejects_unsourced_swapped_and_script_urls():
    res = import_file(DATA / "latlon.csv", dayfirst=True)  # 09-04-2024 alone does not settle the order
    assert list(res.incidents["id"]) == ["N-1"]
    joined = "\n".join(res.rejected)
    assert "row 3 (id 'N-2'): no source_url" in joined
    assert "row 4 (id 'N-3'): coordinates look swapped" in joined
    assert "row 5 (id 'N-4'): property 'sources': source 0 url 'javascript:alert(1)' is not an http(s) URL" in joined


def test_wrong_format_names_the_missing_columns(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("event_id_cnty,event_date\nX1,2024-01-01\n")
    with pytest.raises(ImportFormatError, match=r"events\.csv: not an ACLED file: missing column"):
        import_file(bad, fmt="acled")


def test_spatial_file_following_the_schema_is_imported(tmp_path):
    shipped = Path(__file__).parents[1] / "geo" / "data" / "incidents.geojson"
    res = import_file(shipped)
    assert res.format == "spatial" and len(res.incidents) == res.rows_read and not res.rejected


def test_cli_writes_a_loadable_data_folder_and_protects_existing_files(tmp_path, capsys):
    from geo.loading import load_layer
    from scripts.import_events import main

    out = tmp_path / "mydata"
    assert main([str(DATA / "acled_new.csv"), "--out", str(out), "--with-shipped"]) == 0
    printed = capsys.readouterr().out
    assert "rejected: acled_new.csv: 1 row: '2023-13-01' is not a valid date" in printed
    assert "(e.g. row 5)" in printed and "3 of 6 rows imported" in printed
    incidents, report = load_layer("incidents", out)
    assert {"PAK90001", "PKIR-A01"} <= set(incidents["id"]) and not report.rejected
    before = (out / "incidents.geojson").read_bytes()
    assert main([str(DATA / "latlon.csv"), "--out", str(out)]) == 2  # no --force: untouched
    assert (out / "incidents.geojson").read_bytes() == before


def test_the_dashboards_own_csv_export_comes_back_unchanged(tmp_path):
    """Export -> (spreadsheet) -> import: every record and every property survives the round trip."""
    from geo.export import to_csv
    from geo.filters import IncidentFilter
    from geo.geojson_io import gdf_to_features
    from geo.loading import load_layer

    shipped = load_layer("incidents")[0]
    path = tmp_path / "pkir-incidents.csv"
    path.write_text(to_csv(shipped, IncidentFilter()), encoding="utf-8")
    assert sniff_format(path) == "dashboard"
    result = import_file(path)
    assert (result.format, result.rejected, result.rows_read) == ("dashboard CSV", [], len(shipped))
    key = lambda feature: feature["properties"]["id"]  # noqa: E731
    assert sorted(gdf_to_features(result.incidents), key=key) == sorted(gdf_to_features(shipped), key=key)


def test_a_bad_row_in_an_edited_export_is_named_by_its_spreadsheet_row(tmp_path):
    from geo.export import to_csv
    from geo.filters import IncidentFilter
    from geo.loading import load_layer

    shipped = load_layer("incidents")[0].sort_values("id").head(3)
    lines = to_csv(shipped, IncidentFilter()).splitlines()
    comments = sum(line.startswith("#") for line in lines)
    table = list(csv.reader(lines[comments:]))
    table[2][table[0].index("fatalities_best")] = "many"  # the second record: spreadsheet row comments + 3
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path = tmp_path / "edited.csv"
    path.write_text("".join(line + "\n" for line in lines[:comments]) + out.getvalue(), encoding="utf-8")
    result = import_file(path)
    rid = shipped["id"].iloc[1]
    assert result.rejected == [f"edited.csv: row {comments + 3} (id '{rid}'): fatalities_best 'many' is not a number"]
    assert len(result.incidents) == 2


def test_an_old_export_with_attribution_lines_above_the_header_still_comes_back(tmp_path):
    from geo.export import to_csv
    from geo.filters import IncidentFilter
    from geo.loading import load_layer

    shipped = load_layer("incidents")[0].sort_values("id").head(2)
    lines = to_csv(shipped, IncidentFilter()).splitlines()
    old = ["# Pakistan–Iran border dashboard — incidents export", "# citation: a, =b; c", *lines]
    path = tmp_path / "old-export.csv"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    result = import_file(path)
    assert result.format == "dashboard CSV" and not result.rejected and len(result.incidents) == 2
    assert "2 line(s) above the header skipped; the header is row 3" in result.notes[0]
