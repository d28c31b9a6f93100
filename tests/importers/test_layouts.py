"""Files in the layouts analysts really have, written by tests/importers/layouts.py; each pinned."""

import pandas as pd
import pytest

from geo.importers import DateOrderUndecided, ImportFormatError, import_file, sniff_format
from tests.importers import layouts


def by_id(result):
    return result.incidents.set_index("id")


def test_ucdp_state_vs_state_deaths_are_not_militants(tmp_path):
    """Issue 11: India-Pakistan rows put side B's deaths into 'militants'."""
    inc = by_id(import_file(layouts.ucdp_ged(tmp_path)))
    war = inc.loc["UCDP-501"]
    assert war["fatalities_security"] == 5 and pd.isna(war["fatalities_militants"])
    assert war["actors"] == ["Government of India", "Government of Pakistan"]
    assert "Government of India (government): 2" in war["fatalities_note"]
    rebels = inc.loc["UCDP-502"]
    assert (rebels["fatalities_security"], rebels["fatalities_militants"], rebels["fatalities_civilians"]) == (4, 6, 1)
    one_sided = inc.loc["UCDP-503"]
    assert one_sided["fatalities_civilians"] == 7 and one_sided["fatalities_militants"] == 0  # IS lost none
    assert one_sided["category"] == "attack"


def test_ucdp_hdx_hashtag_row_is_not_data(tmp_path):
    result = import_file(layouts.ucdp_hdx(tmp_path))
    assert result.rows_read == 3 and not result.rejected
    assert any("HXL hashtag row" in n for n in result.notes)


def test_ucdp_web_download_is_read(tmp_path):
    """best_est/low_est/high_est, no iso3/gwno, US dates with times, a trailing comma, CRLF."""
    path = layouts.ucdp_web(tmp_path)
    assert sniff_format(path) == "ucdp"
    result = import_file(path)
    assert result.format == "UCDP web download" and not result.rejected
    inc = by_id(result)
    assert inc.loc["UCDP-601", "date_start"] == pd.Timestamp("2016-07-02")
    assert inc.loc["UCDP-602", "date_start"] == pd.Timestamp("2016-07-22")
    assert inc.loc["UCDP-601", "fatalities_best"] == 3 and inc.loc["UCDP-601", "fatalities_high"] == 4
    assert any("month-first (07/22/2016 00:00:00 settles it)" in n for n in result.notes)


def test_acled_numeric_iso_becomes_a_country_code(tmp_path):
    """Issue 11: 275, 887 and 404 reached the explorer as they were."""
    inc = by_id(import_file(layouts.acled_current(tmp_path)))
    assert inc["country"].to_dict() == {"PSE1": "PSE", "YEM2": "YEM", "KEN3": "KEN"}


def test_old_acled_event_types_are_mapped(tmp_path):
    inc = by_id(import_file(layouts.acled_old(tmp_path)))
    assert inc["category"].to_dict() == {"PAK1": "armed clash", "PAK2": "protest", "PAK3": "bombing/IED"}
    assert inc.loc["PAK1", "date_start"] == pd.Timestamp("2015-01-13")


def test_acled_resaved_by_excel(tmp_path):
    """'(Sample)' and a blank line above the header, ';', cp1252, upper-case headers, 31-12-19."""
    result = import_file(layouts.acled_excel(tmp_path))
    assert result.reading == "acled_excel.csv: read as ACLED (separator ';', encoding cp1252)"
    assert not result.rejected
    rec = by_id(result).loc["PAK7"]
    assert rec["date_start"] == pd.Timestamp("2019-12-31")
    assert rec["description"] == "\u201cquoted\u201d note"  # curly quotes, not control characters
    assert (rec.geometry.y, rec.geometry.x) == (26.0, 63.05)
    assert any("2 line(s) above the header" in n for n in result.notes)


def test_us_dates_are_settled_by_the_whole_column(tmp_path):
    inc = by_id(import_file(layouts.us_dates(tmp_path)))
    assert sorted(inc["date_start"]) == [pd.Timestamp("2016-07-02"), pd.Timestamp("2016-07-22")]


def test_unsettled_dates_are_refused_with_the_reason_or_read_as_chosen(tmp_path):
    path = layouts.write(tmp_path / "amb.csv", ["latitude,longitude,date,source_url", "27,63,7/2/2016,https://e.org"])
    with pytest.raises(DateOrderUndecided, match=r"amb\.csv.*7/2/2016.*--dayfirst or --monthfirst"):
        import_file(path)
    assert import_file(path, dayfirst=True).incidents["date_start"][0] == pd.Timestamp("2016-02-07")
    assert import_file(path, dayfirst=False).incidents["date_start"][0] == pd.Timestamp("2016-07-02")


def test_mixed_date_orders_are_refused(tmp_path):
    lines = ["latitude,longitude,date,source_url", "27,63,13/2/2016,https://e.org", "27,63,2/13/2016,https://e.org"]
    with pytest.raises(ImportFormatError, match="mixes day-first"):
        import_file(layouts.write(tmp_path / "mixed.csv", lines))


@pytest.mark.parametrize(
    "text, expected",
    [("31-12-19", "2019-12-31"), ("12/31/2019 23:59:59", "2019-12-31"), ("31/12/2019 08:15", "2019-12-31"),
     ("31.12.2019", "2019-12-31"), ("31-Dec-19", "2019-12-31")],
)  # fmt: skip
def test_date_forms_of_analysts_files(tmp_path, text, expected):
    path = layouts.write(tmp_path / "d.csv", ["latitude,longitude,date,source_url", f"27,63,{text},https://e.org"])
    assert import_file(path).incidents["date_start"][0] == pd.Timestamp(expected)


def test_a_dataset_level_source_fills_rows_without_one(tmp_path):
    """An analyst's cut-down extract: no source per row."""
    path = layouts.write(tmp_path / "cut.csv", ["latitude,longitude,date", "27,63,2024-01-01", "29.5,60.9,2024-01-02"])
    assert import_file(path).incidents.empty
    result = import_file(path, source="ACLED extract, 2024 https://acleddata.com/data")
    assert len(result.incidents) == 2
    src = result.incidents["sources"][0][0]
    assert src == {
        "outlet": "dataset-level source given at import: ACLED extract, 2024",
        "url": "https://acleddata.com/data",
        "date": None,
    }
    assert any("2 row(s) without a source take the dataset-level source" in n for n in result.notes)
    with pytest.raises(ImportFormatError, match="has no http"):
        import_file(path, source="just a citation")


def test_latitude_95_is_out_of_range_not_no_country(tmp_path):
    path = layouts.write(tmp_path / "p.csv", ["latitude,longitude,date,source_url", "95,63,2024-01-01,https://e.org"])
    assert import_file(path).rejected == ["p.csv: row 2 (id 'p-1'): latitude 95 out of range (-90..90)"]


def test_a_point_outside_the_outlines_without_country_is_named(tmp_path):
    path = layouts.write(
        tmp_path / "p.csv", ["latitude,longitude,date,source_url", "48.85,2.35,2024-01-01,https://e.org"]
    )
    (line,) = import_file(path).rejected
    assert line.startswith("p.csv: row 2 (id 'p-1'): no country given and the point lies outside")


def test_grouped_reasons_count_repeats_once(tmp_path):
    rows = [f"{30 + i / 100},{63 + i / 100},2024-01-01,https://e.org,Iran,x" for i in range(3)]
    rows += [f"{30 + i / 100},{63 + i / 100},2024-13-01,https://e.org,PAK,y" for i in range(500)]
    path = layouts.write(tmp_path / "many.csv", ["latitude,longitude,date,source_url,country,title", *rows])
    groups = import_file(path).rejected_groups()
    assert len(groups) == 1 and groups[0].count == 500
    assert groups[0].line().startswith("many.csv: 500 rows: ") and "(e.g. row 5, row 6, row 7)" in groups[0].line()


def test_a_cut_down_acled_extract_reads_as_events_with_a_dataset_source(tmp_path):
    """An analyst's extract: no event ids and no source column; ACLED's types and fields still read."""
    lines = [
        "event_date,event_type,sub_event_type,actor1,country,location,latitude,longitude,fatalities,notes",
        "2021-03-01,Explosions/Remote violence,Remote explosive/landmine/IED,BLA,Pakistan,Turbat,26.0,63.05,2,IED",
        "2021-03-02,Riots/Protests,,Students,Pakistan,Quetta,30.18,66.99,0,",
    ]
    result = import_file(layouts.write(tmp_path / "extract.csv", lines), source="ACLED https://acleddata.com/")
    assert not result.rejected
    rows = result.incidents.set_index("id")
    assert rows["category"].tolist() == ["bombing/IED", "protest"]
    assert rows.loc["extract-1", "title"] == "Remote explosive/landmine/IED — Turbat"
    assert rows.loc["extract-1", "actors"] == ["BLA"] and rows.loc["extract-1", "description"] == "IED"


def test_a_repeated_date_column_decides_the_order_from_the_cells_the_rows_read(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("date,latitude,longitude,source_url,date\n07/02/2016,27,63,https://e.org/a,2016-02-07\n")
    result = import_file(path)  # the rows read the last 'date'; the first alone could not settle the order
    assert result.count == 1 and result.incidents["date_start"].dt.strftime("%Y-%m-%d").tolist() == ["2016-02-07"]
