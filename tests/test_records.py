"""geo.records and views.records: what the details panel shows for each layer, and that it is always inert HTML."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from geo.loading import load_layer
from geo.records import build_record, present, safe_url
from views.records import link_html, record_html

NASTY = {
    "id": "EVIL-1",
    "title": "<script>alert(\"t\")</script> `tick` 'q'",
    "category": "attack",
    "date_start": pd.Timestamp("2024-01-16"),
    "date_end": pd.Timestamp("2024-01-18"),
    "date_precision": "days",
    "place": "<img src=x onerror=alert(1)>",
    "admin1": "Balochistan",
    "admin2": "Panjgur",
    "location_precision": "near",
    "location_note": "about 10 km from town",
    "fatalities_best": 7,
    "fatalities_security": 1,
    "fatalities_militants": pd.NA,
    "fatalities_civilians": 5,
    "fatalities_unknown": 1,
    "injured": pd.NA,
    "actors": ["A <b>", "B"],
    "perpetrator": 'claimed by "X"',
    "description": "desc <script>x()</script> `rm -rf`",
    "disputed": "Sources disagree: <i>A</i> or B; the point uses A",
    "alt_place": "Elsewhere",
    "alt_lat": 26.5,
    "alt_lon": 63.1,
    "sources": [
        {"outlet": "Good", "url": 'https://example.org/a?b=1&c="2"', "date": "2024-01-17"},
        {"outlet": "Evil", "url": "javascript:alert(1)", "date": None},
        {"outlet": "Evil2", "url": " JaVaScRiPt:alert(2)", "date": None},
        {"outlet": "Data", "url": "data:text/html,<script>alert(3)</script>", "date": None},
        {"outlet": "Plain", "url": None, "date": None},
    ],
}


def hrefs(fragment: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', fragment)]


def test_incident_rows_cover_the_full_record():
    rec = build_record("incidents", NASTY, border_km=42.26, lat=26.9, lon=64.1)
    pairs = dict(rec.as_pairs())
    assert rec.title == NASTY["title"]
    assert pairs["Date"] == "2024-01-16 to 2024-01-18 (precision: days)"
    assert pairs["Province"] == "Balochistan" and pairs["District"] == "Panjgur"
    assert pairs["Location precision"] == "near — about 10 km from town"
    assert pairs["Fatalities (total)"] == "7"
    assert pairs["Fatalities by side"] == "security forces 1, civilians 5, unknown 1"
    assert "Injured" not in pairs  # pd.NA is "not reported", not a zero
    assert pairs["Actors"] == "A <b>; B"
    assert pairs["Distance to border"] == "42.3 km"
    assert pairs["Alternative location"] == "Elsewhere (26.5000, 63.1000)"
    assert pairs["Where sources disagree"].startswith("Sources disagree")
    assert pairs["Map point (lat, lon)"] == "26.9000, 64.1000"


def test_html_is_inert_and_only_http_links_survive():
    frag = record_html(build_record("incidents", NASTY))
    assert "<script" not in frag.lower() and "<img" not in frag.lower() and "<i>" not in frag
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in frag
    assert "`tick`" in frag  # backticks are harmless outside JS and stay readable
    assert hrefs(frag) == ['https://example.org/a?b=1&c="2"']
    assert "javascript:" not in " ".join(hrefs(frag)).lower()
    assert "javascript:alert(1)" in frag  # shown as text, not as a link
    assert "not a web link" in frag


def test_missing_fatalities_are_not_reported_not_zero():
    rec = build_record("incidents", {"id": "x", "title": "t", "fatalities_best": None, "sources": []})
    assert dict(rec.as_pairs())["Fatalities (total)"] == "not reported"
    assert dict(rec.as_pairs())["Sources"] == "none recorded"


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://dawn.com/x", True),
        ("http://a.b/c", True),
        ("HTTPS://A.B", True),
        ("javascript:alert(1)", False),
        ("  javascript:alert(1)", False),
        ("java\tscript:x", False),
        ("data:text/html,x", False),
        ("//evil.com/x", False),
        ("ftp://a.b", False),
        ("https://", False),
        ("https://a.b/\nx", False),
        (None, False),
        (42, False),
    ],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


def test_link_html_escapes_attribute_quotes():
    out = link_html('a"b', 'https://x.org/?q="><script>')
    assert out.startswith('<a href="https://x.org/?q=&quot;&gt;&lt;script&gt;"')
    assert ">a&quot;b</a>" in out


@pytest.mark.parametrize(
    "value,expected",
    [
        (None, False),
        (float("nan"), False),
        (pd.NA, False),
        (pd.NaT, False),
        ("  ", False),
        ([], False),
        (0, True),
        ("x", True),
        (["a"], True),
        (pd.Timestamp("2020-01-01"), True),
    ],
)
def test_present(value, expected):
    assert present(value) is expected


@pytest.mark.parametrize(
    "layer_id,fid,labels",
    [
        ("markets", "M1", {"Status", "Opened", "Pakistani side", "Iranian side", "Sources"}),
        ("crossings", "X1", {"Kind", "Pakistani side", "Iranian side", "Sources"}),
        ("pipeline", "P3", {"Section", "Status", "Reported length", "Sources"}),
        ("power_line", "E1", {"Status", "Capacity", "Sources"}),
        ("towns", "T-quetta", {"Country", "Province", "Sources"}),
        ("provinces", "PK.BA", {"Country", "Reported area", "Sources"}),
    ],
)
def test_every_shipped_layer_has_a_readable_record(layer_id, fid, labels):
    gdf, _ = load_layer(layer_id)
    props = gdf[gdf["id"] == fid].iloc[0].drop(labels="geometry").to_dict()
    rec = build_record(layer_id, props)
    assert rec.id == fid and rec.title
    assert labels <= {r.label for r in rec.rows}
    assert hrefs(record_html(rec)), "every shipped feature has at least one http(s) source link"


def test_every_shipped_incident_renders_with_date_and_source_links():
    gdf, _ = load_layer("incidents")
    for props in gdf.drop(columns="geometry").to_dict("records"):
        rec = build_record("incidents", props)
        assert re.match(r"\d{4}-\d{2}-\d{2}", dict(rec.as_pairs())["Date"]), props["id"]
        assert all(h.startswith(("http://", "https://")) for h in hrefs(record_html(rec)))


def test_disputed_incident_shows_both_versions():
    gdf, _ = load_layer("incidents")
    props = gdf[gdf["id"] == "PKIR-A02"].iloc[0].drop(labels="geometry").to_dict()
    pairs = dict(build_record("incidents", props).as_pairs())
    assert "Zhob" in pairs["Alternative location"]
    assert "the point uses" in pairs["Where sources disagree"].lower()


def test_record_of_without_layer_or_id_column():
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.records import record_of

    gdf = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"]}, geometry=[Point(1, 2), None], crs="EPSG:4326")
    assert record_of(gdf, "b") == {"id": "b", "name": "B", "geometry": None}
    assert record_of(gdf, "a")["geometry"].equals(Point(1, 2))
    assert record_of(None, "a") is None
    assert record_of(gdf.drop(columns="id"), "a") is None


def test_date_with_precision_in_plain_words():
    from geo.records import date_with_precision

    assert date_with_precision(pd.Timestamp("2021-04-21"), "day (approx.)") == "2021-04-21 (approx.)"
    assert date_with_precision("2021-04-21", "day") == "2021-04-21"
    assert date_with_precision("2021-04-21", None) == "2021-04-21"
    assert date_with_precision("2021-04-01", "month") == "2021-04-01 (month only)"
    assert date_with_precision(None, "month") == ""


@pytest.mark.parametrize(
    ("precision", "note", "shown"),
    [
        ("approximate", "approximate (road segment SE of Zahedan)", "approximate (road segment SE of Zahedan)"),
        ("town", "Town centroid; site not reported", "Town centroid; site not reported"),
        ("near", "about 10 km from town", "near — about 10 km from town"),
        ("town", "townland of Kech", "town — townland of Kech"),  # a word that only begins the same way
    ],
)
def test_a_note_that_starts_with_the_value_is_not_preceded_by_it_again(precision, note, shown):
    props = {"location_precision": precision, "location_note": note}
    assert dict(build_record("incidents", props).as_pairs())["Location precision"] == shown


@pytest.mark.parametrize(
    ("injured", "note", "shown"), [(13, "13", "13"), (6, "6-8 police", "6-8 police"), (2, "", "2")]
)
def test_injured_is_shown_once_when_the_note_repeats_it(injured, note, shown):
    props = {"injured": injured, "injured_note": note}
    assert dict(build_record("incidents", props).as_pairs())["Injured"] == shown


def test_the_record_says_how_the_incident_is_verified():
    gdf, _ = load_layer("incidents")

    def line(fid: str) -> str:
        props = gdf[gdf["id"] == fid].iloc[0].drop(labels="geometry").to_dict()
        return dict(build_record("incidents", props).as_pairs())["Verification"]

    assert line("PKIR-A01").startswith("Confirmed: an official account (ISPR)")
    assert "claimed by Tehreek-e-Jihad Pakistan" in line("PKIR-A01")
    c13 = line("PKIR-C13")
    assert c13.startswith("Disputed: the accounts conflict") and c13.endswith("Claimed by Pakistan. Disputed by Iran.")
    assert "Pakistan says 'several terrorists'" in c13
    # a row kept before grades existed: no grade fields at all, or empty ones
    assert dict(build_record("incidents", NASTY).as_pairs())["Verification"] == "Ungraded"
    frag = record_html(build_record("incidents", NASTY | {"grade": "claimed", "claimed_by": "<b>X</b>"}))
    assert "Claimed Claimed by &lt;b&gt;X&lt;/b&gt;." in frag and "<b>X" not in frag
