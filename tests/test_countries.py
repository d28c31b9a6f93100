"""The one country-name lookup (geo.countries): pycountry's names, the dashboard's own where they differ."""

from geo import incident_stats
from geo.countries import NAMES, country_name
from geo.importers import country_name as importers_country_name
from geo.records import build_record


def test_codes_outside_the_region_have_names():
    assert country_name("KEN") == "Kenya"
    assert country_name("YEM") == "Yemen"
    assert country_name("PSE").startswith("Palestine")


def test_the_dashboards_own_names_win():
    assert [country_name(c) for c in ("PAK", "IRN", "AFG", "USA")] == [
        "Pakistan",
        "Iran",
        "Afghanistan",
        "United States",
    ]
    assert country_name("RUS") == "Russia"


def test_unknown_values_come_back_as_text():
    assert country_name("XKX") == "XKX"
    assert country_name("275") == "275"
    assert country_name(None) == ""


def test_the_importers_and_the_explorer_use_the_same_lookup():
    assert importers_country_name is country_name
    assert incident_stats.country_label("PSE;KEN", NAMES) == "Palestine + Kenya"


def test_a_record_names_its_country_beside_the_code():
    rows = {r.label: r.text for r in build_record("incidents", {"id": "E1", "country": "PSE"}).rows}
    assert rows["Country"] == "Palestine (PSE)"
    rows = {r.label: r.text for r in build_record("incidents", {"id": "E2", "country": "KEN;IRN"}).rows}
    assert rows["Country"] == "Kenya + Iran (KEN;IRN)"
