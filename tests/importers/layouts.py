"""Writers of small files in the layouts analysts really have (synthetic rows, real column layouts).

Each writer returns the path it wrote; the tests pin what the importer makes of it. Rows are
invented; column names and quirks follow the published layouts (UCDP GED CSV and its HDX copy,
UCDP's web-explorer download, ACLED's current and pre-2019 exports, Excel re-saves).
"""

from __future__ import annotations

from pathlib import Path

UCDP_GED = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,"
    "low,gwnoa,gwnob"
)
GED_ROWS = [
    # state vs state: India - Pakistan (both governments)
    "501,IND-2019-1,2019,1,Clear,1,364,364,India - Pakistan,750,750,Government of India - Government of Pakistan,"
    "141,141,Government of India,142,142,Government of Pakistan,1,Dawn,,2019-02-27,,,1,Kotli,Kotli,Azad Kashmir,,"
    "33.52,73.90,POINT (73.9 33.52),1,Pakistan,770,Asia,1,1,2019-02-27 00:00:00.000,2019-02-27 00:00:00.000,"
    "2,3,0,0,5,6,5,750,770",
    # government vs rebels
    "502,PAK-2019-2,2019,1,Clear,1,209,209,Pakistan: Balochistan,700,700,Government of Pakistan - BLA,"
    "142,142,Government of Pakistan,300,300,BLA,1,Dawn,,2019-05-11,,,2,Gwadar,near Gwadar,Balochistan province,,"
    "25.12,62.32,POINT (62.32 25.12),1,Pakistan,770,Asia,1,1,2019-05-11 00:00:00.000,2019-05-11 00:00:00.000,"
    "4,6,1,0,11,12,11,770,",
    # one-sided violence
    "503,PAK-2019-3,2019,1,Clear,3,900,900,IS - civilians,901,901,IS - civilians,"
    "400,400,IS,1,1,Civilians,1,Dawn,,2019-06-01,,,3,Quetta,Quetta,Balochistan province,,"
    "30.18,66.99,POINT (66.99 30.18),1,Pakistan,770,Asia,1,1,2019-06-01 00:00:00.000,2019-06-01 00:00:00.000,"
    "0,0,7,0,7,7,7,,",
]
HDX_HASHTAGS = (
    "#id,,#date+year,,,,,,,,,,,,#org+name+sidea,,,#org+name+sideb,,,,,,,,,,#adm1+name,#adm2+name,#geo+lat,#geo+lon,"
    ",,#country+name,,#region+name,,,#date+start,#date+end,,,,,#affected+killed,,,,"
)
WEB_HEADER = (
    "id,year,type_of_violence,conflict_name,dyad_name,side_a,side_b,where_prec,where_coordinates,adm_1,latitude,"
    "longitude,country,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best_est,"
    "high_est,low_est,"
)
WEB_ROWS = [
    "601,2016,1,Pakistan: Balochistan,Government of Pakistan - BLA,Government of Pakistan,BLA,1,Turbat,"
    "Balochistan province,26.00,63.05,Pakistan,1,07/02/2016 00:00:00,07/02/2016 00:00:00,1,2,0,0,3,4,3,",
    "602,2016,1,Pakistan: Balochistan,Government of Pakistan - BLA,Government of Pakistan,BLA,1,Panjgur,"
    "Balochistan province,26.96,64.09,Pakistan,1,07/22/2016 00:00:00,07/22/2016 00:00:00,0,1,0,0,1,1,1,",
]
ACLED_CURRENT = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,actor2,iso,"
    "country,admin1,admin2,location,latitude,longitude,geo_precision,source,notes,fatalities"
)
ACLED_OLD = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,actor1,actor2,"
    "country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities"
)


def write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    """The lines as a file."""
    path.write_bytes(newline.join([*lines, ""]).encode(encoding))
    return path


def ucdp_ged(folder: Path) -> Path:
    """The GED CSV as published: three rows, one per kind of violence."""
    return write(folder / "ged.csv", [UCDP_GED, *GED_ROWS])


def ucdp_hdx(folder: Path) -> Path:
    """The HDX copy: the HXL hashtag row under the header."""
    return write(folder / "ged_hdx.csv", [UCDP_GED, HDX_HASHTAGS, *GED_ROWS])


def ucdp_web(folder: Path) -> Path:
    """UCDP's web-explorer download: *_est columns, no iso3/gwno, US dates with times, trailing comma."""
    return write(folder / "ucdp_web.csv", [WEB_HEADER, *WEB_ROWS], newline="\r\n")


def acled_current(folder: Path) -> Path:
    """A current ACLED export with countries outside the region (numeric iso codes)."""
    rows = [
        "PSE1,2024-03-01,2024,1,Political violence,Battles,Armed clash,A,B,275,Palestine,Gaza,,Gaza,31.5,34.47,1,X,n,0",
        "YEM2,2024-03-02,2024,1,Political violence,Battles,Armed clash,A,B,887,Yemen,Aden,,Aden,12.8,45.03,1,X,n,1",
        "KEN3,2024-03-03,2024,1,Demonstrations,Protests,Peaceful protest,A,,404,Kenya,Nairobi,,Nairobi,-1.29,36.82,1,X,n,0",  # noqa: E501
    ]
    return write(folder / "acled_world.csv", [ACLED_CURRENT, *rows])


def acled_old(folder: Path) -> Path:
    """A pre-2019 ACLED export: old event types, dd/mm/yyyy dates."""
    rows = [
        "1,586,PAK1,1,13/01/2015,2015,1,Battle-No change of territory,A,B,Pakistan,Balochistan,Turbat,26.0,63.05,1,X,n,2",  # noqa: E501
        "2,586,PAK2,2,14/01/2015,2015,1,Riots/Protests,A,,Pakistan,Balochistan,Quetta,30.18,66.99,1,X,n,0",
        "3,586,PAK3,3,15/01/2015,2015,1,Remote violence,A,,Pakistan,Balochistan,Gwadar,25.12,62.32,1,X,n,4",
    ]
    return write(folder / "acled_old.csv", [ACLED_OLD, *rows])


def acled_excel(folder: Path) -> Path:
    """ACLED re-saved by a European Excel: a '(Sample)' line, ';' separator, cp1252, upper-case
    headers, two-digit years, curly quotes in the notes."""
    header = ACLED_CURRENT.upper().replace(",", ";")
    rows = [
        "PAK7;31-12-19;2019;1;Political violence;Battles;Armed clash;A;B;586;Pakistan;Balochistan;Kech;Turbat;"
        "26,0;63,05;1;Dawn;\u201cquoted\u201d note;2",
    ]
    return write(folder / "acled_excel.csv", ["(Sample)", "", header, *rows], encoding="cp1252", newline="\r\n")


def us_dates(folder: Path) -> Path:
    """A lat/lon CSV written with US dates, one of which settles the order."""
    rows = ["27.0,63.45,7/2/2016,https://example.org/1", "27.1,63.5,7/22/2016,https://example.org/2"]
    return write(folder / "us.csv", ["latitude,longitude,date,source_url", *rows])
