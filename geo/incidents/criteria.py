"""The incident filter's criteria: each defined once, in one table, with every translation of it.

A criterion says which geo.filters.IncidentFilter fields it owns, when it is active, how it
describes itself, the columns it reads, its pandas mask (the reference meaning), its DuckDB SQL
(the embedded engine, geo.store.engine), its PostGIS SQL (on table alias ``i``, geo.store.postgis)
and, optionally, what a file reader can push down (GeoParquet's Arrow filters, GeoPackage's OGR
SQL: a superset of the rows, the store applies the whole filter afterwards). A new criterion is a
field of IncidentFilter, one Criterion in CRITERIA and its test (tests/store check every engine
against the pandas mask).

SQL is written with ? (DuckDB) or %s (psycopg) placeholders; values go as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.countries import country_name
from geo.districts import UnknownDistrict, district_box, district_geometry, district_label, in_district
from geo.incidents.codec import from_flat
from geo.near import box_around, search_box, target_geometry, target_label, within_km
from geo.schema import GRADE, UNGRADED
from geo.validation import NUL

SEARCH_FIELDS = ("title", "description", "place", "perpetrator", "admin1", "admin2")
NOT_WORD = r"[^\pL\pN_]"  # RE2's \w is ASCII only; Python's (the pandas mask) is every letter and digit

Sql = tuple[list[str], list]  # conditions (joined by AND) and their parameters, in order
NOTHING: Sql = ([], [])
Flt = Any  # a geo.filters.IncidentFilter (geo.filters imports this module, so it is not named here)


def search_text(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Lower-case text searched by the keyword filter: title, description, actors, place, ..."""
    text = pd.Series("", index=gdf.index, dtype=object)
    for col in SEARCH_FIELDS:
        if col in gdf.columns:
            text = text + " " + gdf[col].fillna("").astype(str)
    if "actors" in gdf.columns:
        text = text + " " + gdf["actors"].map(lambda a: " ".join(a) if isinstance(a, (list, tuple)) else "")
    return text.str.lower()


def stored_search_text(flat: pd.DataFrame) -> pd.Series:
    """search_text of stored rows (PostGIS keeps it as the column ``search`` the keyword reads): their
    JSON actors decoded first, so a kept import is found by its actors as the pandas filter finds it."""
    wanted = [c for c in (*SEARCH_FIELDS, "actors") if c in flat.columns]
    return search_text(from_flat(pd.DataFrame(flat[wanted]))).set_axis(flat.index)


def duckdb_search_sql() -> str:
    """search_text in DuckDB over the stored columns (actors as JSON text): the keyword's ``search``."""
    parts = [f"coalesce(\"{c}\", '')" for c in SEARCH_FIELDS]
    names = "array_to_string(from_json(actors, '[\"VARCHAR\"]'), ' ')"
    parts.append(f"CASE WHEN json_type(actors) = 'ARRAY' THEN {names} ELSE '' END")
    return "lower(concat_ws(' ', '', " + ", ".join(parts) + "))"


def _contains(text: pd.Series, word: str, whole: bool) -> np.ndarray:
    """Which texts hold word: anywhere, or (whole) not joined to a letter or digit on either side."""
    if not whole:
        return text.str.contains(word, regex=False).to_numpy()
    return text.str.contains(rf"(?<!\w){re.escape(word)}(?!\w)", regex=True).to_numpy()


def whole_word_pattern(word: str) -> str:
    """An RE2 pattern finding word where no letter, digit or _ touches it (the pandas mask's whole words)."""
    return f"(^|{NOT_WORD})" + re.sub(r"([^\w\s])", r"\\\1", word) + f"({NOT_WORD}|$)"


def pg_whole_word(word: str) -> str:
    """A PostgreSQL regular expression matching word only where no word character touches it."""
    return r"(^|\W)" + re.sub(r"([^\w\s])", r"\\\1", word) + r"(\W|$)"


def pg_like(word: str) -> str:
    """A LIKE pattern finding word anywhere (its own %, _ and \\ taken literally)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def without_nul(values) -> list[str]:
    """Filter values a text may equal: one holding NUL matches no kept text, and PostgreSQL refuses it."""
    return [v for v in values if NUL not in v]


def point_test_sql(name: str, box: Sequence[float], args: Sequence) -> tuple[str, list]:
    """The DuckDB condition "the point lies in box and passes the SQL function `name`" (geo.store.point_tests
    registers it), with its parameters; the function is called for the rows inside the box only."""
    minx, miny, maxx, maxy = (float(v) for v in box)
    inside = "lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
    corners = [minx, maxx, miny, maxy]
    holes = "".join(", ?" for _ in args)
    condition = f"({inside} AND CASE WHEN {inside} THEN {name}(lon, lat{holes}) ELSE FALSE END)"
    return condition, [*corners, *corners, *args]


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _when(value) -> object:
    """A filter date as the SQL engines take it (a Python datetime at midnight)."""
    return pd.Timestamp(value).to_pydatetime()


@dataclass(frozen=True)
class Criterion:
    """One criterion of the incident filter and every translation of it (flt: a geo.filters.IncidentFilter)."""

    name: str  # how IncidentFilter.parts names it
    fields: tuple[str, ...]  # the IncidentFilter fields it owns (IncidentFilter.only keeps these)
    active: Callable[[Flt], bool]
    describe: Callable[[Flt], str]  # one phrase for a reader
    reads: tuple[str, ...]  # the stored columns it looks at ("geometry": the point, lon/lat in a query)
    mask: Callable[[gpd.GeoDataFrame, Flt], np.ndarray]  # which rows pass: the reference meaning
    duckdb: Callable[[Flt], Sql]  # over the engine's columns (lon/lat for the point, "search" for keywords)
    postgis: Callable[[Flt], Sql]  # over pkir.incidents aliased i
    arrow: Callable[[Flt], list[tuple]] | None = None  # GeoParquet read filters (a superset)
    gpkg: Callable[[Flt], list[str]] | None = None  # GeoPackage OGR SQL (a superset)


def _dates_mask(gdf, f) -> np.ndarray:
    keep = np.ones(len(gdf), dtype=bool)
    if f.date_from is not None:
        keep &= (gdf["date_end"] >= pd.Timestamp(f.date_from)).to_numpy()
    if f.date_to is not None:
        keep &= (gdf["date_start"] <= pd.Timestamp(f.date_to)).to_numpy()
    return keep


def _dates_sql(placeholder: str, alias: str) -> Callable[[object], Sql]:
    def sql(f) -> Sql:
        parts, params = [], []
        if f.date_from is not None:
            parts.append(f"{alias}date_end >= {placeholder}")
            params.append(_when(f.date_from))
        if f.date_to is not None:
            parts.append(f"{alias}date_start <= {placeholder}")
            params.append(_when(f.date_to))
        return parts, params

    return sql


def _dates_arrow(f) -> list[tuple]:
    out = [("date_end", ">=", pd.Timestamp(f.date_from))] if f.date_from is not None else []
    return out + ([("date_start", "<=", pd.Timestamp(f.date_to))] if f.date_to is not None else [])


def _dates_gpkg(f) -> list[str]:
    out = [f"date_end >= '{f.date_from.isoformat()}'"] if f.date_from is not None else []
    if f.date_to is not None:
        out.append(f"date_start < '{(pd.Timestamp(f.date_to) + pd.Timedelta(days=1)).date().isoformat()}'")
    return out


def _countries_mask(gdf, f) -> np.ndarray:
    wanted = set(f.countries)
    return np.fromiter((bool(wanted & set(str(c).split(";"))) for c in gdf["country"]), dtype=bool, count=len(gdf))


def _keyword_mask(gdf, f) -> np.ndarray:
    keep, text = np.ones(len(gdf), dtype=bool), search_text(gdf)
    for word in f.keyword.strip().lower().split():
        keep &= _contains(text, word, f.whole_words)
    return keep


def _keyword_duckdb(f) -> Sql:
    parts, params = [], []
    for word in f.keyword.strip().lower().split():
        parts.append("regexp_matches(search, ?)" if f.whole_words else "contains(search, ?)")
        params.append(whole_word_pattern(word) if f.whole_words else word)
    return parts, params


def _keyword_postgis(f) -> Sql:
    parts, params = [], []
    for word in f.keyword.strip().lower().split():
        if NUL in word:  # no kept text holds one (geo.validation.nul_problem): it matches nothing
            parts.append("FALSE")
        elif f.whole_words:
            parts.append("i.search ~ %s")
            params.append(pg_whole_word(word))
        else:
            parts.append("i.search LIKE %s")
            params.append(pg_like(word))
    return parts, params


def _near_duckdb(f) -> Sql:
    """geo.near.within_km itself, called from SQL on the points inside the target's search box; an
    unknown target raises geo.near.UnknownTarget here, before any SQL."""
    condition, params = point_test_sql("pkir_near", search_box(f.near, f.near_km), (f.near, float(f.near_km)))
    return [condition], params


def _near_postgis(f) -> Sql:
    """On the spheroid, as geo.near measures on the WGS84 ellipsoid; a row without a point never matches."""
    condition = (
        "i.geometry && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"  # the index narrows, the distance decides
        " AND ST_DWithin(i.geometry::geography, ST_GeomFromWKB(%s, 4326)::geography, %s)"
    )
    geometry = target_geometry(f.near)
    params = [*box_around(geometry, f.near_km), shapely.to_wkb(geometry), float(f.near_km) * 1000.0]
    return [condition], params


def _district_duckdb(f) -> Sql:
    """geo.districts.in_district itself on the points inside the district's box; a stale id keeps nothing."""
    box = district_box(f.district)
    if box is None:
        return ["FALSE"], []
    condition, params = point_test_sql("pkir_district", box, (f.district,))
    return [condition], params


def _district_postgis(f) -> Sql:
    """The shipped polygon as a parameter; an unknown id matches nothing, as the pandas mask."""
    try:
        polygon = district_geometry(f.district)
    except UnknownDistrict:
        return ["FALSE"], []
    return ["ST_Intersects(i.geometry, ST_GeomFromWKB(%s, 4326))"], [shapely.to_wkb(polygon)]


def _grades_mask(gdf, f) -> np.ndarray:
    """A missing grade (a row kept before grades, or a frame without the column) is "ungraded"."""
    if "grade" not in gdf.columns:
        return np.full(len(gdf), UNGRADED in f.grades, dtype=bool)
    grade = gdf["grade"].map(lambda v: v if isinstance(v, str) else UNGRADED)
    return grade.isin(f.grades).to_numpy(dtype=bool)


def _grades_label(f) -> str:
    return ", ".join(GRADE[g].name if g in GRADE else g for g in f.grades)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "dates",
        ("date_from", "date_to"),
        active=lambda f: f.date_from is not None or f.date_to is not None,
        describe=lambda f: f"dates {f.date_from or '…'} to {f.date_to or '…'}",
        reads=("date_start", "date_end"),  # events overlapping the range
        mask=_dates_mask,
        duckdb=_dates_sql("?", ""),
        postgis=_dates_sql("%s", "i."),
        arrow=_dates_arrow,
        gpkg=_dates_gpkg,
    ),
    Criterion(
        "categories",
        ("categories",),
        active=lambda f: bool(f.categories),
        describe=lambda f: "categories: " + ", ".join(f.categories),
        reads=("category",),
        mask=lambda gdf, f: gdf["category"].isin(f.categories).to_numpy(),
        duckdb=lambda f: (["list_contains(?::VARCHAR[], category)"], [list(f.categories)]),
        postgis=lambda f: (["i.category = ANY(%s)"], [without_nul(f.categories)]),
        arrow=lambda f: [("category", "in", list(f.categories))],
        gpkg=lambda f: [f"category IN ({', '.join(_sql_text(c) for c in f.categories)})"],
    ),
    Criterion(
        "grades",
        ("grades",),
        active=lambda f: bool(f.grades),
        describe=lambda f: "verification: " + _grades_label(f),
        reads=("grade",),  # geo.grades' verification grade; missing is "ungraded"
        mask=_grades_mask,
        duckdb=lambda f: ([f"list_contains(?::VARCHAR[], coalesce(grade, '{UNGRADED}'))"], [list(f.grades)]),
        postgis=lambda f: ([f"coalesce(i.grade, '{UNGRADED}') = ANY(%s)"], [without_nul(f.grades)]),
    ),
    Criterion(
        "countries",
        ("countries",),
        active=lambda f: bool(f.countries),
        describe=lambda f: "countries: " + ", ".join(country_name(c) for c in f.countries),
        reads=("country",),  # semicolon-separated ISO3 codes: any one wanted matches
        mask=_countries_mask,
        duckdb=lambda f: (
            ["coalesce(list_has_any(string_split(country, ';'), ?::VARCHAR[]), FALSE)"],
            [list(f.countries)],
        ),
        postgis=lambda f: (["string_to_array(i.country, ';') && %s::text[]"], [without_nul(f.countries)]),
    ),
    Criterion(
        "min_fatalities",
        ("min_fatalities",),
        active=lambda f: f.min_fatalities > 0,
        describe=lambda f: f"at least {f.min_fatalities} fatalities",
        reads=("fatalities_best",),
        mask=lambda gdf, f: (gdf["fatalities_best"].fillna(0) >= f.min_fatalities).to_numpy(dtype=bool),
        duckdb=lambda f: (["coalesce(fatalities_best, 0) >= ?"], [int(f.min_fatalities)]),
        postgis=lambda f: (["coalesce(i.fatalities_best, 0) >= %s"], [int(f.min_fatalities)]),
        arrow=lambda f: [("fatalities_best", ">=", int(f.min_fatalities))],
        gpkg=lambda f: [f"fatalities_best >= {int(f.min_fatalities)}"],
    ),
    Criterion(
        "keyword",
        ("keyword", "whole_words"),
        active=lambda f: bool(f.keyword.strip()),
        describe=lambda f: f"keyword “{f.keyword.strip()}”" + (" (whole words)" if f.whole_words else ""),
        reads=(*SEARCH_FIELDS, "actors"),  # every word, lower case, in search_text
        mask=_keyword_mask,
        duckdb=_keyword_duckdb,
        postgis=_keyword_postgis,
    ),
    Criterion(
        "near",
        ("near", "near_km"),
        active=lambda f: bool(f.near),
        describe=lambda f: f"within {f.near_km:g} km of {target_label(f.near)}",
        reads=("geometry",),
        mask=lambda gdf, f: within_km(gdf.geometry, f.near, f.near_km),
        duckdb=_near_duckdb,
        postgis=_near_postgis,
    ),
    Criterion(
        "district",
        ("district",),
        active=lambda f: bool(f.district),
        describe=lambda f: f"district {district_label(f.district)}",
        reads=("geometry",),  # the point lies in the shipped district's polygon
        mask=lambda gdf, f: in_district(gdf.geometry, f.district),
        duckdb=_district_duckdb,
        postgis=_district_postgis,
    ),
)
BY_NAME = {c.name: c for c in CRITERIA}


def active(flt) -> list[Criterion]:
    """The criteria this filter uses (none for None)."""
    return [] if flt is None else [c for c in CRITERIA if c.active(flt)]


def reads(flt) -> set[str]:
    """The columns a filter looks at (a column-subset read must fetch them too)."""
    return {col for c in active(flt) for col in c.reads}


def mask(gdf: gpd.GeoDataFrame, flt) -> np.ndarray:
    """Which rows pass every active criterion (the pandas reference)."""
    keep = np.ones(len(gdf), dtype=bool)
    for c in active(flt):
        keep &= c.mask(gdf, flt)
    return keep


def _joined(flt, translation: str) -> Sql:
    parts, params = [], []
    for c in active(flt):
        more_parts, more_params = getattr(c, translation)(flt)
        parts += more_parts
        params += more_params
    return parts, params


def duckdb_where(flt) -> Sql:
    """Every active criterion's DuckDB conditions and parameters."""
    return _joined(flt, "duckdb")


def postgis_where(flt) -> Sql:
    """Every active criterion's PostGIS conditions (alias i) and parameters."""
    return _joined(flt, "postgis")


def arrow_pushdown(flt) -> list[tuple] | None:
    """GeoParquet read filters for the criteria that have them (None when there are none)."""
    out = [term for c in active(flt) if c.arrow is not None for term in c.arrow(flt)]
    return out or None


def gpkg_pushdown(flt) -> str | None:
    """A GeoPackage WHERE for the criteria that have one (None when there is none)."""
    out = [term for c in active(flt) if c.gpkg is not None for term in c.gpkg(flt)]
    return " AND ".join(out) or None
