"""The shared incident filter (geo.filters) on a small fixture of six incidents.

S-1 2023-07-12 armed clash PAK, 5 killed, actors Pakistan Army, place Sui area
S-2 2024-01-16 cross-border strike PAK, 2 killed, actors IRGC + Jaish al-Adl
S-3 2024-01-18 cross-border strike IRN, 9 killed, place Saravan
S-4 2023-06-28..07-03 diplomatic PAK;IRN, fatalities unknown, unlocated, "border markets" in description
S-5 2022-12-31..2023-01-02 agreement PAK, 0 killed, Taftan
S-6 2023-07-01 bombing/IED IRN, fatalities unknown, perpetrator "Jaish al-Adl claimed", Zahedan
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo import schema as s
from geo.filters import IncidentFilter, apply_filter, country_codes, filter_mask, select
from geo.incidents.criteria import search_text
from geo.loading import load_file
from geo.records import record_of
from tests.conftest import TEST_DATA


@pytest.fixture(scope="module")
def incidents():
    gdf, _ = load_file(TEST_DATA / "good" / "incidents_small.geojson", s.INCIDENTS)
    return gdf


def kept(incidents, **kw) -> list[str]:
    return apply_filter(incidents, IncidentFilter(**kw))["id"].tolist()


def test_no_filter_keeps_everything(incidents):
    assert kept(incidents) == ["S-1", "S-2", "S-3", "S-4", "S-5", "S-6"]
    assert filter_mask(incidents, IncidentFilter()).dtype == bool


def test_dates_keep_events_that_overlap_the_range(incidents):
    assert kept(incidents, date_from=date(2023, 7, 1), date_to=date(2023, 7, 10)) == ["S-4", "S-6"]
    # inclusive at both ends, multi-day events count on their last and first day
    assert kept(incidents, date_from=date(2023, 7, 3), date_to=date(2023, 7, 12)) == ["S-1", "S-4"]
    assert kept(incidents, date_from=date(2023, 1, 2), date_to=date(2023, 6, 28)) == ["S-4", "S-5"]
    assert kept(incidents, date_from=date(2024, 1, 17)) == ["S-3"]
    assert kept(incidents, date_to=date(2022, 12, 31)) == ["S-5"]
    assert kept(incidents, date_from=date(2025, 1, 1)) == []


def test_categories(incidents):
    assert kept(incidents, categories=("cross-border strike",)) == ["S-2", "S-3"]
    assert kept(incidents, categories=("diplomatic", "bombing/IED")) == ["S-4", "S-6"]


def test_countries_match_either_side_of_a_shared_event(incidents):
    assert kept(incidents, countries=("IRN",)) == ["S-3", "S-4", "S-6"]
    assert kept(incidents, countries=("PAK",)) == ["S-1", "S-2", "S-4", "S-5"]
    assert kept(incidents, countries=("AFG",)) == []
    assert country_codes(incidents) == ["IRN", "PAK"]


def test_min_fatalities_excludes_unknown_counts(incidents):
    assert kept(incidents, min_fatalities=1) == ["S-1", "S-2", "S-3"]
    assert kept(incidents, min_fatalities=5) == ["S-1", "S-3"]
    assert kept(incidents, min_fatalities=10) == []
    # 0 means no fatality filter: unknown counts stay in
    assert "S-4" in kept(incidents, min_fatalities=0)


@pytest.mark.parametrize(
    "keyword, expected",
    [
        ("army", ["S-1"]),  # actors only
        ("SARAVAN", ["S-3"]),  # place (and title), any case
        ("markets", ["S-4"]),  # description
        ("strike", ["S-2", "S-3"]),  # title
        ("jaish", ["S-2", "S-6"]),  # actors of one, perpetrator of the other
        ("jaish zahedan", ["S-6"]),  # every word must match
        ("  ", ["S-1", "S-2", "S-3", "S-4", "S-5", "S-6"]),
        ("(", []),  # plain text, not a regular expression
        ("kabul", []),
    ],
)
def test_keyword_searches_title_description_actors_and_place(incidents, keyword, expected):
    assert kept(incidents, keyword=keyword) == expected


def test_filters_combine(incidents):
    f = IncidentFilter(date_from=date(2024, 1, 1), countries=("PAK",), min_fatalities=1, keyword="irgc")
    assert apply_filter(incidents, f)["id"].tolist() == ["S-2"]


def test_search_text_holds_the_searched_fields(incidents):
    text = search_text(incidents)
    assert "pakistan army" in text.iloc[0] and "sui area" in text.iloc[0]
    assert text.iloc[3].count("none") == 0  # missing values are not searched as the word "none"


def test_describe():
    assert IncidentFilter().describe() == "no filters (all incidents)"
    f = IncidentFilter(
        date_from=date(2023, 1, 1),
        date_to=date(2023, 12, 31),
        categories=("armed clash", "attack"),
        countries=("PAK", "IRN"),
        min_fatalities=3,
        keyword=" Jaish ",
    )
    assert f.describe() == (
        "dates 2023-01-01 to 2023-12-31; categories: armed clash, attack; countries: Pakistan, Iran; "
        "at least 3 fatalities; keyword “Jaish”"
    )
    assert IncidentFilter(date_to=date(2023, 12, 31)).describe() == "dates … to 2023-12-31"


def test_filter_does_not_change_its_input(incidents):
    before = incidents.copy()
    apply_filter(incidents, IncidentFilter(keyword="army", countries=("PAK",)))
    assert incidents.equals(before)


def test_filter_choices_offer_the_date_range_present_categories_and_countries(layers):
    from datetime import date

    from geo.filters import filter_choices

    incidents = layers["incidents"]
    lo, hi, categories, countries = filter_choices(incidents)
    assert (lo, hi) == (date(1995, 1, 1), date(2024, 10, 26))
    assert set(categories) == set(incidents["category"]) and categories[0] == "attack"
    assert countries == ["IRN", "PAK", "USA"]


def test_why_empty_names_the_filter_that_matches_nothing(incidents):
    from geo.filters import why_empty

    f = IncidentFilter(countries=("PAK",), keyword="kabul")
    assert apply_filter(incidents, f).empty
    result = why_empty(incidents, f)
    assert result.alone == ("keyword “kabul”",)
    assert result.sentence() == "Nothing matches keyword “kabul”."


def test_why_empty_names_every_filter_when_only_their_combination_is_empty(incidents):
    from geo.filters import why_empty

    f = IncidentFilter(categories=("agreement",), countries=("IRN",))
    assert apply_filter(incidents, f).empty
    result = why_empty(incidents, f)
    assert result.alone == ()
    assert result.together == ("categories: agreement", "countries: Iran")
    assert "none matches all of them together: categories: agreement; countries: Iran" in result.sentence()


def test_why_empty_lists_each_filter_that_alone_matches_nothing(incidents):
    from geo.filters import why_empty

    f = IncidentFilter(date_from=date(2025, 1, 1), min_fatalities=100, countries=("PAK",))
    assert why_empty(incidents, f).alone == ("dates 2025-01-01 to …", "at least 100 fatalities")


def test_a_selection_holds_positions_into_the_frame_not_a_copy_of_its_rows(incidents):
    f = IncidentFilter(countries=("IRN",))
    picked = select(incidents, f)
    assert picked.source is incidents and picked.positions.dtype == np.int32
    assert len(picked) == 3 and picked.positions.tolist() == [2, 3, 5]
    pd.testing.assert_frame_equal(picked.frame, apply_filter(incidents, f))
    assert picked.rows([2, 0])["id"].tolist() == ["S-6", "S-3"]
    few = picked.columns(["title", "id", "no such column"])
    assert list(few.columns) == ["id", "title"] and few["id"].tolist() == ["S-3", "S-4", "S-6"]
    assert picked.record("S-6") == record_of(incidents, "S-6")
    assert picked.record("S-1") is None  # in the frame, not in the selection
    assert picked.record("nope") is None


def test_keyword_whole_words_finds_the_group_not_a_word_that_contains_it(incidents):
    rows = incidents.iloc[:4].copy()
    rows["title"] = ["BLA claims the attack", "Blast at a market", "BLA's statement", "Tablas and songs"]
    rows["description"] = rows["title"]
    part = apply_filter(rows, IncidentFilter(keyword="BLA"))["title"].tolist()
    whole = apply_filter(rows, IncidentFilter(keyword="BLA", whole_words=True))["title"].tolist()
    assert part == rows["title"].tolist()  # by default a part of a word matches too
    assert whole == ["BLA claims the attack", "BLA's statement"]
    assert IncidentFilter(keyword="bla", whole_words=True).describe() == "keyword “bla” (whole words)"
    assert kept(incidents, keyword="Jaish al", whole_words=True) == kept(incidents, keyword="Jaish al")
    assert kept(incidents, keyword="Jai", whole_words=True) == []
