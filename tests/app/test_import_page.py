"""AppTest of the import page and of the session override it installs."""

import pytest
from streamlit.testing.v1 import AppTest

from geo.importers import import_file
from tests.app_helpers import ROOT, open_page

APP = str(ROOT / "app.py")


def start(page: str = "pages/import_data.py") -> AppTest:
    return open_page(page)


def test_import_page_loads_and_offers_every_format():
    from geo.importers.formats import FORMATS, SUFFIXES

    at = start()
    assert not at.exception
    assert at.title[0].value == "Import incidents"
    options = at.selectbox(key="import_format").options
    assert "ACLED export (CSV)" in options and "UCDP GED (CSV or web download)" in options
    assert options == ["Detect from the file", *(f.label for f in FORMATS)]  # every entry's label, in order
    assert list(at.file_uploader(key="import_file").proto.type) == list(SUFFIXES)


def test_a_format_chosen_on_the_page_is_the_one_read():
    gtd = (ROOT / "tests" / "data" / "import" / "gtd.csv").read_bytes()
    at = upload(start(), "gtd.csv", gtd)
    assert at.metric[0].value == "4 of 7"
    at.selectbox(key="import_format").set_value("ACLED export (CSV)").run()
    assert "not an ACLED file" in plain(at.error[0].value)


def test_session_import_replaces_incidents_on_other_pages():
    imported = import_file(ROOT / "tests" / "data" / "import" / "acled_new.csv").incidents
    at = start()
    at.session_state["session_incidents"] = __import__("ui.data", fromlist=["Loaded"]).Loaded(
        "incidents", imported, None, None
    )
    at.session_state["session_incidents_label"] = "acled_new.csv"
    at.run()
    assert any("acled_new.csv" in plain(i.value) for i in at.info)
    # the shared sidebar filters now offer the imported data's categories only
    cats = at.multiselect(key="filter_categories").options
    assert "air/drone strike" in cats and "inauguration" not in cats
    at.button(key="import_reset").click().run()
    assert "session_incidents" not in at.session_state
    cats = at.multiselect(key="filter_categories").options
    assert "inauguration" in cats


LATLON = (
    b"latitude,longitude,date,source_url,title\n"
    b"27.0,63.45,2024-05-10,https://example.org/a,Strike near Panjgur\n"
    b"29.5,60.9,2024-05-11,https://example.org/b,Clash near Zahedan\n"
)


def plain(markdown: str) -> str:
    """The text a reader sees of an escaped message."""
    return markdown.replace("\\", "")


def frame(at: AppTest, column: str):
    """The table on the page that has this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="import_file").set_value((name, content, "application/octet-stream"))
    return at.run()


def test_page_says_the_upload_limit():
    at = start()
    assert any("Files up to 50 MB" in c.value for c in at.caption)


def test_together_banner_says_together_and_the_preview_shows_dates():
    """Issue 8: the banner said 'instead of the shipped incidents' after 'together'; dates showed 00:00:00."""
    at = upload(start(), "points.csv", LATLON)
    assert not at.exception
    shown = frame(at, "date_start")
    assert list(shown["date_start"]) == ["2024-05-10", "2024-05-11"]
    at.button(key="import_use").click().run()
    at.run()
    banner = plain(" ".join(i.value for i in at.info))
    assert "together with the shipped incidents" in banner and "instead of" not in banner


def test_a_csv_without_country_takes_it_from_the_point():
    """Issue 8: latitude, longitude, date, source_url and no country column were rejected whole."""
    at = upload(start(), "points.csv", LATLON)
    assert at.metric[0].value == "2 of 2"
    shown = frame(at, "date_start")
    assert list(shown["country"]) == ["PAK", "IRN"]
    notes = frame(at, "note")
    assert notes["note"].str.contains("derived from the point").any()


def test_a_rerun_does_not_import_the_file_again(monkeypatch):
    import geo.importers

    calls = []
    real = geo.importers.import_file
    monkeypatch.setattr(geo.importers, "import_file", lambda *a, **k: calls.append(a) or real(*a, **k))
    at = upload(start(), "points.csv", LATLON)
    at.button(key="import_use").click().run()
    at.radio(key="import_mode").set_value("instead of them").run()
    assert len(calls) == 1


def test_ambiguous_dates_ask_for_the_order():
    content = b"latitude,longitude,date,source_url\n27.0,63.45,07/02/2016,https://example.org/a\n"
    at = upload(start(), "us.csv", content)
    assert not at.exception
    message = plain(at.error[0].value)
    assert "us.csv" in message and "day-first or month-first" in message
    at.selectbox(key="import_dayfirst").set_value("Month first (2 July)").run()
    assert at.metric[0].value == "1 of 1"
    assert frame(at, "date_start")["date_start"].tolist() == ["2016-07-02"]


HOSTILE = {
    "image.geojson": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "truncated.geojson": b'{"type": "FeatureCollection", "features": [{"type": "Feat',
    "array.geojson": b"[1, 2, 3]",
    "nan.geojson": b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": NaN},'
    b' "geometry": {"type": "Point", "coordinates": [63, 27]}}]}',
    "xxe.kml": b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name></Placemark></kml>',
    "huge.csv": b"latitude,longitude,date,source_url,description\n27,63,2024-01-01,https://e.org,"
    + b"x" * 200_000
    + b"\n",
    "overflow.csv": b"latitude,longitude,date,source_url,fatalities\n27,63,2024-01-01,https://e.org,1e400\n",
    "header_only.csv": b"latitude,longitude,date,source_url\n",
    "../../etc/passwd.csv": b"latitude,longitude,date,source_url\n27,63,2024-01-01,https://e.org\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_get_a_one_line_answer_never_a_traceback(name):
    """Issue 9 item 4: every file ends in a one-line message or a result, naming the file."""
    at = upload(start(), name, HOSTILE[name])
    assert not at.exception, [e.value for e in at.exception]
    answers = [e.value for e in at.error] + [m.value for m in at.metric]
    assert answers, "the page said nothing"
    for message in (plain(e.value) for e in at.error):
        assert "\n" not in message and "Traceback" not in message
        assert "." + name.rsplit(".", 1)[-1] in message  # names the file


def test_after_a_together_import_the_date_filter_follows_the_data():
    """Issue 11: the sidebar kept the shipped data's start and hid the imported 1989-1994 events."""
    content = LATLON + b"28.0,64.0,1989-03-04,https://example.org/c,Old clash\n"
    at = start()
    shipped_range = at.date_input(key="filter_dates").value
    assert shipped_range[0] > __import__("datetime").date(1989, 3, 4)
    at = upload(at, "old.csv", content)
    at.button(key="import_use").click().run()
    at.run()
    assert at.date_input(key="filter_dates").value[0] == __import__("datetime").date(1989, 3, 4)


def test_a_geopackage_with_two_layers_says_so_and_offers_the_choice(tmp_path):
    import json

    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "two.gpkg"
    for name, ids in {"first": ["G-1"], "second": ["G-2", "G-3"]}.items():
        rows = [
            {"id": i, "title": i, "date_start": "2024-01-01", "sources": json.dumps(["https://e.org"])} for i in ids
        ]
        rows = [r | {"sources": json.dumps([{"url": "https://e.org"}])} for r in rows]
        gpd.GeoDataFrame(rows, geometry=[Point(64.09, 26.96)] * len(ids), crs="EPSG:4326").to_file(path, layer=name)
    at = upload(start(), "two.gpkg", path.read_bytes())
    assert at.metric[0].value == "1 of 1"
    assert frame(at, "note")["note"].str.contains("holds 2 layers").any()
    at.selectbox(key="import_layer").set_value("second").run()
    assert at.metric[0].value == "2 of 2"
    assert sorted(frame(at, "date_start")["id"]) == ["G-2", "G-3"]


def _cut_down_acled(rows: int) -> bytes:
    """An ACLED extract its author cut down to a few columns: no event id, no source."""
    lines = ["event_date,event_type,country,location,latitude,longitude,fatalities,notes"]
    lines += [
        f"2023-{1 + i % 12:02}-{1 + i % 28:02},Battles,Pakistan,Place {i},{26 + i % 5}.5,{63 + i % 4}.25,{i % 4},R{i}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_a_file_without_sources_says_first_what_it_lacks_and_what_to_give():
    at = upload(start(), "acled-cut.csv", _cut_down_acled(1705))
    assert not at.exception
    first = plain(at.warning[0].value)
    assert first == (
        "This file has no source column (source_url or url): give a dataset-level source in “Source for rows "
        "without one” above to accept its 1,705 rows."
    )
    at.text_input(key="import_source").set_value("ACLED extract https://acleddata.com/").run()
    assert not at.exception
    assert at.metric[0].value == "1705 of 1705" and not at.warning
    notes = frame(at, "note")
    given = notes[notes["note"].str.contains("dataset-level source")]
    assert given["rows"].tolist() == [1705]  # the note is about 1,705 rows, not "1"


def test_a_kml_of_district_outlines_gets_one_coherent_message(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    outlines = gpd.GeoDataFrame(
        {"Name": [f"District {i}" for i in range(140)]},
        geometry=[box(60 + i * 0.05, 25, 60.04 + i * 0.05, 25.04) for i in range(140)],
        crs="EPSG:4326",
    )
    outlines.to_file(tmp_path / "districts.kml", driver="KML")
    at = upload(start(), "districts.kml", (tmp_path / "districts.kml").read_bytes())
    assert not at.exception
    (error,) = at.error
    assert plain(error.value) == (
        "The file could not be imported: districts.kml: its 140 features are areas or lines (140 Polygon), not "
        "events, and none has a date. An incident is a point (or has no location) with a date: import a file of "
        "events, not of outlines."
    )
    assert not at.warning and not at.dataframe  # no "no date" table beside "the layer has no features"
