"""The URL codec (ui.url_codec): a view survives encode -> decode; bad values are dropped and named."""

from __future__ import annotations

from datetime import date

import pytest

from geo.filters import IncidentFilter
from ui.url_codec import Choices, ViewState, decode, encode

CHOICES = Choices(
    date_lo=date(2012, 1, 1),
    date_hi=date(2025, 6, 30),
    categories=("attack", "bombing/IED", "armed clash"),
    countries=("IRN", "PAK"),
    near_targets=("border", "pipeline:claimed built", "crossing:X1"),
    districts=("IRN.SB.zahedan", "IRN.SB.chabahar"),
    datasets=("shipped", "acled, 2024"),
    default_datasets=("shipped",),
    layers=("countries", "border", "towns", "incidents"),
    default_layers=("countries", "border", "towns", "incidents"),
    basemaps=("offline", "light", "street"),
    default_basemap="offline",
)
FULL = ViewState(
    filter=IncidentFilter(
        date_from=date(2019, 3, 1),
        date_to=date(2024, 12, 31),
        categories=("bombing/IED", "attack"),
        countries=("PAK",),
        min_fatalities=3,
        keyword="Jaish al-Adl & co",
        whole_words=True,
        near="pipeline:claimed built",
        near_km=12.5,
        district="IRN.SB.zahedan",
        grades=("single source", "disputed"),
    ),
    datasets=("shipped", "acled, 2024"),
    layers=("border", "incidents"),
    basemap="light",
    center=(27.12345, 62.98765),
    zoom=8.25,
    incident="PKIR-A01",
)


def as_url(params: dict) -> dict[str, list[str]]:
    """What a browser's address gives back: every value a list of strings."""
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def test_a_full_view_comes_back_unchanged():
    state, dropped = decode(as_url(encode(FULL, CHOICES)), CHOICES)
    assert dropped == []
    assert state == FULL


def test_the_default_view_has_no_parameters_and_decodes_to_defaults():
    assert encode(ViewState(datasets=("shipped",), layers=CHOICES.default_layers, basemap="offline"), CHOICES) == {}
    state, dropped = decode({}, CHOICES)
    assert dropped == [] and state == ViewState()


def test_short_stable_names():
    params = encode(FULL, CHOICES)
    assert params == {
        "from": "2019-03-01",
        "to": "2024-12-31",
        "cat": ["bombing/IED", "attack"],
        "country": ["PAK"],
        "fat": "3",
        "q": "Jaish al-Adl & co",
        "words": "1",
        "near": "pipeline:claimed built",
        "near_km": "12.5",
        "district": "IRN.SB.zahedan",
        "grade": ["single source", "disputed"],
        "datasets": ["shipped", "acled, 2024"],
        "layers": "border,incidents",
        "basemap": "light",
        "c": "27.12345,62.98765",
        "z": "8.25",
        "incident": "PKIR-A01",
    }


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"cat": ["attack", "drone party"]}, "cat “drone party”"),
        ({"country": ["XYZ"]}, "country “XYZ”"),
        ({"from": ["2020-13-45"]}, "from “2020-13-45” (not a date)"),
        ({"to": ["yesterday"]}, "to “yesterday” (not a date)"),
        ({"from": ["2030-01-01"]}, "from “2030-01-01” (outside the data's dates)"),
        ({"fat": ["-2"]}, "fat “-2”"),
        ({"fat": ["lots"]}, "fat “lots” (not a number)"),
        ({"z": ["99"]}, "z “99” (outside 3–18)"),
        ({"z": ["nan"]}, "z “nan”"),
        ({"c": ["95,10"]}, "c “95,10” (not a latitude,longitude)"),
        ({"c": ["27.1"]}, "c “27.1”"),
        ({"layers": ["border,rivers"]}, "layers “rivers” (no such layer)"),
        ({"basemap": ["google"]}, "basemap “google”"),
        ({"datasets": ["gone"]}, "datasets “gone” (not kept here)"),
        ({"near": ["the moon"]}, "near “the moon”"),
        ({"district": ["IRN.SB.atlantis"]}, "district “IRN.SB.atlantis”"),
        ({"grade": ["rumoured"]}, "grade “rumoured” (no such verification grade)"),
        ({"near": ["border"], "near_km": ["5000"]}, "near_km “5000”"),
        ({"q": ["x" * 300]}, "q “"),
        ({"words": ["maybe"]}, "words “maybe”"),
    ],
)
def test_a_bad_value_is_dropped_and_named(params, named):
    state, dropped = decode(params, CHOICES)
    assert len(dropped) == 1 and dropped[0].startswith(named), dropped
    # what was dropped is not in the state: it decodes as if the parameter were not there
    key = named.split()[0]
    kept = {k: v for k, v in params.items() if k != key}
    if key == "cat":
        assert state.filter.categories == ("attack",)
    elif key == "layers":
        assert state.layers == ("border",)
    elif key != "near_km":
        assert state == decode(kept, CHOICES)[0]
    else:
        assert state.filter.near == "border" and state.filter.near_km == IncidentFilter.near_km


def test_dates_at_or_beyond_the_data_mean_no_limit_and_from_after_to_is_dropped():
    state, dropped = decode({"from": ["2001-01-01"], "to": ["2099-01-01"]}, CHOICES)
    assert dropped == [] and state.filter.date_from is None and state.filter.date_to is None
    state, dropped = decode({"from": ["2024-01-01"], "to": ["2020-01-01"]}, CHOICES)
    assert dropped and state.filter.date_from is None and state.filter.date_to is None


def test_lists_may_be_repeated_or_comma_separated_and_duplicates_count_once():
    state, _ = decode({"cat": ["attack,armed clash", "attack"], "country": "IRN"}, CHOICES)
    assert state.filter.categories == ("attack", "armed clash")
    assert state.filter.countries == ("IRN",)


def test_a_dataset_name_with_a_comma_survives():
    state, dropped = decode(as_url(encode(ViewState(datasets=("acled, 2024",)), CHOICES)), CHOICES)
    assert dropped == [] and state.datasets == ("acled, 2024",)


def test_no_layers_is_a_view_of_its_own_but_only_unknown_layers_keep_the_default():
    assert encode(ViewState(layers=()), CHOICES) == {"layers": ""}
    assert decode({"layers": [""]}, CHOICES)[0].layers == ()
    assert decode({"layers": ["rivers"]}, CHOICES)[0].layers is None


def test_whole_words_needs_a_keyword_and_near_km_needs_a_target():
    state, _ = decode({"words": ["1"], "near_km": ["40"]}, CHOICES)
    assert state.filter == IncidentFilter()


def test_centre_and_zoom_are_rounded_to_what_a_link_needs():
    params = encode(ViewState(center=(27.123456789, 62.0), zoom=7.123456), CHOICES)
    assert params == {"c": "27.12346,62", "z": "7.12"}
    assert encode(ViewState(center=(27.0, 62.0)), CHOICES) == {}  # a centre without a zoom is no view


def test_a_dropped_value_is_named_shortened_and_without_control_characters():
    _, dropped = decode({"basemap": ["a\nb" + "x" * 100]}, CHOICES)
    assert "\n" not in dropped[0] and len(dropped[0]) < 80


def test_grades_come_back_in_the_vocabulary_order_once_each():
    state, dropped = decode({"grade": ["disputed,claimed", "claimed", "ungraded"]}, CHOICES)
    assert dropped == [] and state.filter.grades == ("claimed", "disputed", "ungraded")
