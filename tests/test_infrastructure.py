"""Tables behind the pipeline and markets pages, on the shipped layers and on small frames."""

from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from ui.safe_text import prose, safe
from views import infrastructure

# `layers` (every shipped layer, loaded once) comes from tests/conftest.py


def test_segment_table_orders_by_seq_and_measures_geodesically():
    lines = gpd.GeoDataFrame(
        {
            "seq": [2, 1],
            "id": ["b", "a"],
            "name": ["B – C", "A – B"],
            "section": ["x", "x"],
            "status": ["not built", "built"],
            "length_reported_km": [None, 100.0],
            "date": [None, "2010-08-23"],
            "date_note": [None, "opened"],
            "sources": [[], [{"outlet": "O", "url": "u"}]],
        },
        geometry=[LineString([(61, 25), (62, 25)]), LineString([(60, 25), (61, 25)])],
        crs="EPSG:4326",
    )
    table = infrastructure.segment_table(lines)
    assert table["id"].tolist() == ["a", "b"]
    # one degree of longitude along 25°N on WGS84: 100.9499 km (pyproj Geod.inv), shown to 0.1 km
    assert table["measured_km"].tolist() == [100.9, 100.9]
    assert table["diff_pct"].iloc[0] == pytest.approx(0.9)
    assert table["diff_pct"].isna().iloc[1]  # no reported length: no difference
    assert table["date"].tolist() == [date(2010, 8, 23), None]
    assert table["sources"].tolist() == ["O", None]


def test_pipeline_sections_add_up_to_the_reported_781_km(layers):
    totals = infrastructure.section_totals(layers["pipeline"]).set_index(["section", "status"])
    pak = totals.loc[("Pakistan", "not built")]
    assert pak["segments"] == 2 and pak["reported_km"] == 781.0
    assert abs(pak["diff_pct"]) <= 15.0  # the drawn route is indicative, within the tolerance the data promises
    assert totals.loc[("Iran", "built"), "reported_km"] == 902.0


def test_route_nodes_name_the_segment_ends_once(layers):
    nodes = infrastructure.route_nodes(layers["pipeline"])
    assert nodes["name"].tolist() == ["Asaluyeh", "Iranshahr", "Border zero point", "Gwadar", "Nawabshah"]
    assert (nodes.iloc[3]["lon"], nodes.iloc[3]["lat"]) == (62.3225, 25.1264)


def test_towns_near_route(layers):
    near = infrastructure.towns_near_route(layers["pipeline"], layers["towns"], within_km=10)
    assert near["name"].tolist() == ["Iranshahr", "Gwadar"]
    assert near["distance_km"].tolist() == [0.0, 0.0]
    wider = infrastructure.towns_near_route(layers["pipeline"], layers["towns"], within_km=25)
    assert "Rask" in wider["name"].tolist()


def test_site_table_states_unlocated_sites_and_invents_no_location(layers):
    markets = infrastructure.site_table(layers["markets"]).set_index("id")
    assert markets.loc[["M4", "M5", "M6"], "located"].tolist() == [False] * 3
    for fid in ("M4", "M5", "M6"):
        assert markets.loc[fid, "location"].startswith("not mapped: The sources found do not name or locate")
    assert markets.loc["M1", "location"] == "26.08, 61.83 (approximate)"
    assert markets.loc["M1", "opened"] == date(2023, 5, 18)
    assert markets["phase"].tolist() == [1, 1, 1, 2, 2, 2]
    crossings = infrastructure.site_table(layers["crossings"]).set_index("id")
    assert not crossings.loc["X6", "located"]
    assert crossings.loc["X6", "location"].startswith("not mapped:")
    assert "kind" in crossings.columns and "status" not in crossings.columns


def test_site_table_without_a_note_still_says_not_mapped():
    sites = gpd.GeoDataFrame(
        {
            "id": ["s"],
            "name": ["S"],
            "pakistan_side": ["a"],
            "iran_side": ["b"],
            "kind": ["local"],
            "opened": [None],
            "date_precision": [None],
            "status_note": [None],
            "location_precision": ["unlocated"],
            "location_note": [None],
            "sources": [[]],
        },
        geometry=[None],
        crs="EPSG:4326",
    )
    assert infrastructure.site_table(sites)["location"].tolist() == [infrastructure.UNLOCATED_TEXT]


def test_market_summary(layers):
    summary = infrastructure.market_summary(layers["markets"])
    assert summary == {
        "total": 6,
        "by_status": {"operating": 1, "partly operating": 1, "planned": 4},
        "located": 3,
        "unlocated": 3,
        "unlocated_ids": ["M4", "M5", "M6"],
        "by_phase": {1: 3, 2: 3},
    }


def test_openings_oldest_first(layers):
    table = infrastructure.openings(layers["markets"], layers["crossings"])
    assert list(zip(table["date"], table["id"], strict=True)) == [
        (date(2020, 12, 19), "X2"),
        (date(2021, 4, 21), "X3"),
        (date(2023, 4, 9), "M2"),
        (date(2023, 5, 18), "M1"),
    ]
    assert table.set_index("id").loc["M1", "status"] == "operating"
    assert table.set_index("id").loc["X2", "status"] == "official"


def test_power_line_table_keeps_capacity_and_voltage(layers):
    table = infrastructure.segment_table(layers["power_line"])
    assert table["capacity_mw"].tolist() == [100.0, 100.0, 100.0]
    assert table["voltage_kv"].iloc[1] == 132.0
    assert table["reported_km"].tolist() == [51.0, 29.0, 75.0]


def test_towns_near_an_empty_result_has_columns():
    route = gpd.GeoDataFrame({"seq": [1]}, geometry=[LineString([(60, 25), (61, 25)])], crs="EPSG:4326")
    towns = gpd.GeoDataFrame(
        {"id": ["t"], "name": ["far"], "country": ["X"]}, geometry=[Point(70, 35)], crs="EPSG:4326"
    )
    assert list(infrastructure.towns_near_route(route, towns).columns) == ["id", "name", "country", "distance_km"]


def _lead_text(summary: dict) -> str:
    lead = infrastructure.market_lead(summary)
    return safe(lead.template, *lead.values)


def test_the_markets_lead_states_the_shipped_counts(layers):
    assert _lead_text(infrastructure.market_summary(layers["markets"])) == (
        "The April 2021 memorandum plans **6 joint border markets** in two phases. 1 operating, "
        r"1 partly operating, 4 planned. **3 of the 6 (M4\, M5\, M6) are not named in any source found, so they "
        "are listed below but not mapped** — no location has been invented for them."
    )


def test_the_markets_lead_names_the_memorandum_the_data_records_with_its_sources(layers):
    """The memorandum the lead speaks of is the shipped agreement of April 2021, cited by the same sources."""
    incidents = layers["incidents"].set_index("id")
    signed = incidents.loc["PKIR-A09"]
    assert "MoU on six joint border markets" in signed["title"]
    assert (signed["date_start"].year, signed["date_start"].month) == (2021, 4)
    assert tuple(s["url"] for s in signed["sources"]) == infrastructure.MEMORANDUM_SOURCES
    assert infrastructure.market_lead(infrastructure.market_summary(layers["markets"])).sources == (
        infrastructure.MEMORANDUM_SOURCES
    )
    markets = layers["markets"].set_index("id")
    assert {s["url"] for s in markets.loc["M5", "sources"]} == set(infrastructure.MEMORANDUM_SOURCES)


def test_the_markets_lead_counts_say_what_the_data_holds():
    one = {"total": 4, "by_status": {"planned": 3, "closed": 1}, "unlocated": 1, "unlocated_ids": ["M4"]}
    text = _lead_text({**one, "by_phase": {1: 4}})
    assert (
        "plans **4 joint border markets** in one phase. 0 operating, 0 partly operating, 3 planned, 1 closed." in text
    )
    assert "**1 of the 4 (M4) is not named in any source found, so it is listed below but not mapped**" in text
    assert text.endswith("no location has been invented for it.")
    mapped = _lead_text({**one, "by_phase": {1: 2, 2: 1, 3: 1}, "unlocated": 0, "unlocated_ids": []})
    assert mapped.endswith("in three phases. 0 operating, 0 partly operating, 3 planned, 1 closed.")
    assert "not named" not in mapped and "()" not in mapped


def test_the_markets_lead_keeps_data_text_out_of_its_markdown():
    hostile = "[x](https://evil.example/) **y**"
    summary = {"total": 1, "by_status": {hostile: 1}, "unlocated": 1, "unlocated_ids": [hostile], "by_phase": {1: 1}}
    lead = infrastructure.market_lead(summary)
    assert "evil" not in lead.template and lead.values == (hostile, hostile)
    text = safe(lead.template, *lead.values)
    assert "](" not in text and r"\[x\]\(https\:" in text
    assert "plans **1 joint border market** in one phase." in text


def test_the_pipeline_lead_says_what_the_shipped_segments_hold(layers):
    route = layers["pipeline"]
    lead = infrastructure.pipeline_lead(route)
    assert safe(lead.template, *lead.values).startswith(
        r"Iran built its trunk line Asaluyeh – Iranshahr \(IGAT\-7\) (inaugurated 2010) and says its section is "
        "complete to the border; Pakistan's section has not been laid. The route drawn here is **indicative**"
    )
    cited = {s["url"] for sources in route["sources"] for s in sources}
    assert set(lead.sources) == cited and len(lead.sources) == len(cited)  # every segment it speaks of, once


def test_the_pipeline_lead_follows_the_segments_status(layers):
    route = layers["pipeline"].copy()
    route.loc[route["section"] == "Pakistan", "status"] = ["built", "not built"]
    route.loc[route["id"] == "P1", "status"] = "not built"
    text = safe(*(lambda lead: (lead.template, *lead.values))(infrastructure.pipeline_lead(route)))
    assert text.startswith("Iran says its section is complete; 1 of Pakistan's 2 segments are laid. ")
    assert "trunk line" not in text


def test_prose_escapes_its_data_text_and_names_its_sources_by_site():
    lead = infrastructure.Prose(
        "Plans **{}**.", ("[x](https://evil.example/)",), ("https://www.dawn.com/news/1", "javascript:alert(1)")
    )
    text = prose(lead)
    assert text.startswith(r"Plans **\[x\]\(https\:")
    assert "[www\\.dawn\\.com](<https://www.dawn.com/news/1>)" in text.replace("\u2060", "")
    assert "javascript" not in text.split("Sources: ")[1].split(",")[0]  # a link is made only of http(s)
    assert "(<javascript" not in text
