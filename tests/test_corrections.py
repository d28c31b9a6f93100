"""Issue 14's data corrections, pinned on the shipped layers (built by scripts/build_curated_layers)."""

import re
from urllib.parse import urlparse

import pytest
from shapely.geometry import LineString, Point

from geo import analysis
from scripts import build_curated_layers as bc


def _km(a, b) -> float:
    return analysis.length_km(LineString([a, b]))


def _incident(layers, eid: str) -> dict:
    inc = layers["incidents"].set_index("id")
    return inc.loc["PKIR-" + eid].to_dict()


def _urls(row) -> list[str]:
    return [s["url"] for s in row["sources"]]


def test_a01_cites_the_public_voa_article(layers):
    urls = _urls(_incident(layers, "A01"))
    assert "https://www.voanews.com/a/pakistan-army-base-comes-under-deadly-militant-attack/7177403.html" in urls
    assert not any("pangea-cms" in u or "/preview/" in u for u in urls)


def test_c15_names_the_site_that_published_the_repost(layers):
    (repost,) = [s for s in _incident(layers, "C15")["sources"] if "10mehr" in s["url"]]
    assert repost["outlet"].startswith("english.10mehr.com (repost of Orinoco Tribune")
    assert "Mehr News" not in repost["outlet"]


@pytest.mark.parametrize(
    "eid, wrong",
    [
        ("C09", "wionews.com"),  # the Rask attack of December 2023 (C10)
        ("C16", "anews.com.tr"),  # the Goharkuh ambush of October 2024 (C17)
    ],
)
def test_links_about_another_event_are_dropped(layers, eid, wrong):
    urls = _urls(_incident(layers, eid))
    assert urls and not any(wrong in u for u in urls)


def test_c16_says_its_date_is_inferred_from_a_weekday(layers):
    c16 = _incident(layers, "C16")
    assert str(c16["date_start"].date()) == "2024-04-09" and c16["date_precision"] == "day (approx.)"
    assert "Tuesday" in c16["date_note"] and "no dated source" in c16["date_note"]
    assert c16["disputed"] is None


def test_no_crawler_leftovers_forums_or_mirrors_in_any_url(layers):
    bad = re.compile(
        r"(/i\.dawn\.com$|/tribune\.com\.pk$|/story/\d+/\d+/$|:443|defence\.pk|friendlywiki|en\.m\.wikipedia)"
    )
    for layer_id in ("incidents", "markets", "crossings", "pipeline", "power_line", "towns"):
        for fid, sources in zip(layers[layer_id]["id"], layers[layer_id]["sources"], strict=True):
            for src in sources:
                assert not bad.search(src["url"]), (fid, src["url"])
                assert urlparse(src["url"]).port is None, (fid, src["url"])


@pytest.mark.parametrize(
    "eid, url",
    [
        ("A05", "https://www.dawn.com/news/1746392"),
        ("C01", "https://tribune.com.pk/story/1909753"),
        ("C12", "https://tribune.com.pk/story/2453630"),
        ("D03", "https://www.trtworld.com/article/16739515"),
    ],
)
def test_cleaned_urls(layers, eid, url):
    assert url in _urls(_incident(layers, eid))


def test_c02_keeps_only_first_hand_reports(layers):
    hosts = {urlparse(u).netloc for u in _urls(_incident(layers, "C02"))}
    assert hosts == {"www.dawn.com", "www.nation.com.pk"}


def test_a07_records_the_articles_2017_against_2016(layers):
    a07 = _incident(layers, "A07")
    assert str(a07["date_start"].date()) == "2016-03-03"
    assert "2017" in a07["disputed"] and "3 March 2016" in a07["disputed"]
    assert "India says he was abducted from Iran" in a07["disputed"]


def test_c12_note_and_point_agree(layers):
    c12 = _incident(layers, "C12")
    towns = layers["towns"].set_index("id")
    km = _km(c12["geometry"], towns.loc["T-panjgur", "geometry"])
    assert round(km) == 64
    assert "64 km from Panjgur" in c12["location_note"] and "90 km" in c12["location_note"]
    assert "~90 km" not in c12["location_note"]


def test_jaleq_is_in_golshan_county(layers):
    x5 = layers["crossings"].set_index("id").loc["X5"]
    assert x5["iran_side"].startswith("Jaleq/Jalq (Golshan County")
    assert "Saravan county)" not in x5["iran_side"]
    # the gazetteer position quoted in the note is within 2 km of the point
    assert _km(x5["geometry"], Point(62.7117, 27.6006)) < 2.0


@pytest.mark.parametrize("layer_id, fid", [("crossings", "X2"), ("markets", "M2")])
def test_gabd_rimdan_says_how_sure_the_point_is(layers, layer_id, fid):
    row = layers[layer_id].set_index("id").loc[fid]
    assert row["coord_confidence"] == "low"
    assert "22 km north of the coast" in row["location_note"]
    assert "12.6 km from where the border meets the sea" in row["location_note"]
    line = analysis.border_line(layers["border"])
    assert round(_km(row["geometry"], Point(line.coords[0])), 1) == 12.6


def test_katagar_says_its_only_source_is_a_video(layers):
    x6 = layers["crossings"].set_index("id").loc["X6"]
    assert "Low confidence" in x6["status_note"] and "video" in x6["status_note"]
    assert [s["outlet"] for s in x6["sources"]] == ["Al-Masirah TV (video report)"]


def test_disputed_holds_only_disagreements(layers):
    inc = layers["incidents"].set_index("id")
    disputed = inc["disputed"].dropna()
    assert len(disputed) == 22  # of 51; was 31 before issue 14
    for eid in ("A06", "A09", "A10", "B06", "B07", "B10", "C08", "C11", "C16"):
        assert inc.loc["PKIR-" + eid, "disputed"] is None, eid
    assert "far from the Iran border" not in inc.loc["PKIR-A01", "disputed"]
    assert "far from the Iran border" in inc.loc["PKIR-A01", "location_note"]
    assert "Tuesday" in inc.loc["PKIR-A06", "date_note"]
    assert "Nationalist Army" in inc.loc["PKIR-A05", "description"]
    assert "Turkey" in inc.loc["PKIR-A05", "disputed"]


def test_no_note_cites_unnamed_lists(layers):
    for layer_id in ("incidents", "markets", "crossings", "towns"):
        notes = layers[layer_id]["location_note"].dropna()
        assert not notes.str.contains("GitHub").any(), layer_id


def test_towns_link_disambiguated_pages_or_the_source_used():
    assert bc.TOWN_SOURCES["Taftan"][1].endswith("/wiki/Taftan,_Balochistan")
    assert bc.TOWN_SOURCES["Khash"][1].endswith("/wiki/Khash,_Iran")
    assert bc.TOWN_SOURCES["Rask"][1].endswith("/wiki/Rask,_Iran")
    assert bc.TOWN_SOURCES["Saravan"][1].endswith("/wiki/Saravan,_Iran")
    assert bc.TOWN_SOURCES["Konarak"][1].endswith("/wiki/Konarak,_Iran")
    assert "dawn.com" in bc.TOWN_SOURCES["Mashkel"][1]


def test_every_town_note_names_the_check_behind_its_point(layers):
    towns = layers["towns"].set_index("name")
    assert not towns["location_note"].str.contains("GitHub|not re-checked").any()
    assert towns["location_note"].str.contains("wikipedia|Wikipedia|Dawn").all()
    assert (towns.loc[["Khash", "Turbat", "Panjgur", "Chaman", "Chabahar"], "coord_confidence"] == "high").all()
    assert towns.loc["Taftan", "sources"][0]["url"] == "https://en.wikipedia.org/wiki/Taftan,_Balochistan"


def test_site_corrections_are_applied(layers):
    for fid, fields in bc.SITE_CORRECTIONS.items():
        layer = layers["crossings" if fid.startswith("X") else "markets"].set_index("id")
        for key, value in fields.items():
            assert layer.loc[fid, key] == value, (fid, key)


def test_without_unnamed_lists():
    assert bc.without_unnamed_lists("GitHub list 1, 2; province page 3, 4") == "province page 3, 4"
    assert bc.without_unnamed_lists("two GitHub lists agree 25.2, 60.6").startswith("the fact sheet's value")
    assert bc.without_unnamed_lists("standard value") == "standard value"


def test_the_fact_sheet_copy_is_untouched_and_corrections_live_in_the_script():
    text = bc.DEFAULT_FACTS.read_text(encoding="utf-8")
    assert "voa.pangea-cms.com/preview" in text  # the research original's value, corrected by the build
    assert "voa.pangea-cms.com" in next(iter(bc.URL_FIXES))
