"""geo.incidents.criteria: one table of the filter's criteria, every field of IncidentFilter in it once."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from geo.filters import IncidentFilter
from geo.incidents import criteria
from geo.incidents.schema import FIELDS, GEOMETRY

EVERY = IncidentFilter(
    date_from=date(2020, 1, 1),
    date_to=date(2024, 12, 31),
    categories=("attack",),
    grades=("claimed", "disputed"),
    countries=("PAK", "IRN"),
    min_fatalities=2,
    keyword="jaish border",
    whole_words=True,
    near="border",
    near_km=30,
    district="IRN.SB.zahedan",
)


def test_every_filter_field_belongs_to_exactly_one_criterion():
    owned = [name for c in criteria.CRITERIA for name in c.fields]
    assert sorted(owned) == sorted(f.name for f in fields(IncidentFilter))


def test_criteria_read_schema_columns_or_the_point():
    for c in criteria.CRITERIA:
        assert c.reads and set(c.reads) <= {*FIELDS, GEOMETRY}, c.name


def test_each_criterion_is_off_by_default_and_on_when_its_field_is_set():
    assert criteria.active(IncidentFilter()) == [] and criteria.active(None) == []
    assert [c.name for c in criteria.active(EVERY)] == [c.name for c in criteria.CRITERIA]
    assert [name for name, _ in EVERY.parts()] == [c.name for c in criteria.CRITERIA]
    for c in criteria.CRITERIA:
        alone = EVERY.only(c.name)
        assert [a.name for a in criteria.active(alone)] == [c.name]


def test_each_translation_has_a_parameter_for_every_placeholder():
    for c in criteria.CRITERIA:
        duck, duck_params = c.duckdb(EVERY)
        pg, pg_params = c.postgis(EVERY)
        assert duck and pg, c.name
        assert sum(s.count("?") for s in duck) == len(duck_params), c.name
        assert sum(s.count("%s") for s in pg) == len(pg_params), c.name
    assert criteria.reads(IncidentFilter(min_fatalities=1)) == {"fatalities_best"}
    assert criteria.reads(IncidentFilter(near="border")) == {GEOMETRY}


def test_the_pushdowns_are_a_superset_written_for_the_criteria_that_have_one():
    assert criteria.arrow_pushdown(IncidentFilter(keyword="x")) is None
    assert criteria.arrow_pushdown(IncidentFilter(categories=("attack",), min_fatalities=3)) == [
        ("category", "in", ["attack"]),
        ("fatalities_best", ">=", 3),
    ]
    assert criteria.gpkg_pushdown(IncidentFilter(categories=("it's",))) == "category IN ('it''s')"


def test_the_grade_criterion_reads_a_missing_grade_as_ungraded():
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.incidents.criteria import mask

    rows = gpd.GeoDataFrame({"grade": ["claimed", None, "disputed", "ungraded"]}, geometry=[Point(60, 27)] * 4)
    assert list(mask(rows, IncidentFilter(grades=("ungraded",)))) == [False, True, False, True]
    assert list(mask(rows, IncidentFilter(grades=("claimed", "disputed")))) == [True, False, True, False]
    old = rows.drop(columns="grade")  # a frame from before grades existed
    assert list(mask(old, IncidentFilter(grades=("ungraded",)))) == [True] * 4
    assert list(mask(old, IncidentFilter(grades=("claimed",)))) == [False] * 4
    assert IncidentFilter(grades=("single source", "claimed")).describe() == "verification: single source, claimed"
