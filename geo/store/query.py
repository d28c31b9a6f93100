"""One query for incidents, shaped like a view: what a page asks the store for.

    IncidentQuery(datasets, filter, bbox, columns, order, limit, offset)
    rows(q)             the page of rows (the columns asked, id first; "lon"/"lat" for the point)
    count(q)            how many rows the query matches, ignoring limit and offset
    aggregate(q, by)    incidents and known fatalities per cell / month / category / country
    choices(q)          what the filters offer: date range, categories, countries

Meaning (every implementation follows ``ReferenceQueries``, which computes it in pandas):

- each dataset's rows are filtered (geo.filters.filter_mask), boxed (geo.store.base.in_bbox) and,
  when ``ids`` is given, limited to those ids;
  then, when datasets share an id, the row of the one named first wins (as IncidentStore.read);
- ``order`` sorts by (column, descending) pairs, missing values last, texts by code point, and
  always ends with id ascending, so pages never overlap or skip rows;
- fatalities are fatalities_best with a missing value counted as 0; a cell is
  ``floor(lon / cell_deg), floor(lat / cell_deg)`` (geo.store.aggregate), rows without a point
  are left out of cells; a month is date_start's; an incident in several countries
  ("PAK;IRN") counts once in each.

What a page calls (build the engine once per dataset version, e.g. cached by store.version_key):

    engine = open_queries(store, names, frames={"my import": gdf})   # DuckEngine or PostgisQueries
    engine.rows(IncidentQuery(names, flt, bbox=view, columns=MAP_COLUMNS))           # map payload
    engine.page(IncidentQuery(names, flt, columns=(...), order=..., limit=50, offset=k))  # explorer
    engine.aggregate(IncidentQuery(names, flt), "month")                # chart; "cell" for the map
    engine.rows(IncidentQuery(names, ids=(incident_id,)))                # a record by id
    engine.choices(IncidentQuery(names))                                # the filters' options

Rows come back typed as geo.store.columns.from_flat types them (texts and None, datetime64[us],
Int64, float64, lists for actors and sources), lon/lat as float64 with NaN when unlocated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.filters import IncidentFilter
from geo.schema import INCIDENT_CATEGORIES
from geo.store.aggregate import cell_frame, check_cell
from geo.store.base import COLUMNS, KEY, BBox, DatasetNotFound, StoreError, reference_query
from geo.store.columns import (
    BOOL_COLUMNS,
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    JSON_COLUMNS,
    decode_json_column,
    to_flat,
)

POINT = ("lon", "lat")  # the point as two columns: what a map draws, no geometry object
ORDERABLE = ("date_start", "date_end", "fatalities_best", "id", "title", "category", "country", "place")
GROUPINGS = ("cell", "month", "category", "country")
DEFAULT_ORDER = (("date_start", True), (KEY, False))


def column_kind(name: str) -> str:
    """How a stored column (or lon/lat) is typed in SQL: 'float', 'date', 'int', 'bool' or 'text'."""
    if name in POINT or name in FLOAT_COLUMNS:
        return "float"
    if name in DATE_COLUMNS:
        return "date"
    if name in INT_COLUMNS:
        return "int"
    if name in BOOL_COLUMNS:
        return "bool"
    return "text"


MAX_LIMIT = 100_000  # a page larger than this is a whole dataset: ask for an aggregate instead
MAP_COLUMNS = ("id", "category", "fatalities_best", "location_precision", "lon", "lat")  # the map's payload


@dataclass(frozen=True)
class IncidentQuery:
    """Which datasets, which rows (filter, box), which columns, in which order, which page."""

    datasets: tuple[str, ...]
    filter: IncidentFilter = field(default_factory=IncidentFilter)
    bbox: BBox | None = None
    columns: tuple[str, ...] | None = None  # None: every schema column and lon, lat
    order: tuple[tuple[str, bool], ...] = DEFAULT_ORDER  # (column, descending)
    limit: int | None = None
    offset: int = 0
    ids: tuple[str, ...] | None = None  # only these incidents (a record, a chooser's few); None: all

    def __post_init__(self):
        names = (self.datasets,) if isinstance(self.datasets, str) else tuple(self.datasets)
        object.__setattr__(self, "datasets", tuple(dict.fromkeys(names)))
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "order", tuple((str(c), bool(d)) for c, d in self.order))
        if self.ids is not None:
            ids = (self.ids,) if isinstance(self.ids, str) else tuple(self.ids)
            object.__setattr__(self, "ids", tuple(str(i) for i in ids))
        check_query(self)

    def output_columns(self) -> list[str]:
        """The columns rows() returns, in order: id, the schema columns asked, then lon, lat."""
        wanted = set(COLUMNS + POINT) if self.columns is None else {*self.columns, KEY}
        return [c for c in (*COLUMNS, *POINT) if c in wanted]

    def full_order(self) -> list[tuple[str, bool]]:
        """The order with id ascending added last (when not already there): a total order."""
        order = list(self.order)
        return order if any(c == KEY for c, _ in order) else [*order, (KEY, False)]


def check_query(q: IncidentQuery) -> None:
    """Refuse what no implementation can answer, naming the field and the value."""
    if not q.datasets:
        raise StoreError("a query needs at least one dataset")
    if q.columns is not None:
        unknown = [c for c in q.columns if c not in COLUMNS and c not in POINT]
        if unknown:
            raise StoreError(f"unknown incident column(s): {', '.join(map(str, unknown))}")
    bad = [c for c, _ in q.order if c not in ORDERABLE]
    if bad:
        raise StoreError(f"cannot order by {', '.join(bad)}; choose from {', '.join(ORDERABLE)}")
    if q.limit is not None and not (0 <= int(q.limit) <= MAX_LIMIT):
        raise StoreError(f"a page holds 0 to {MAX_LIMIT} rows, not {q.limit}")
    if int(q.offset) < 0:
        raise StoreError(f"a page cannot start before the first row (offset {q.offset})")
    if q.bbox is not None and (len(q.bbox) != 4 or not all(math.isfinite(float(v)) for v in q.bbox)):
        raise StoreError(f"a box is four finite numbers (min lon, min lat, max lon, max lat), not {q.bbox}")


def check_grouping(by: str, cell_deg: float) -> float:
    """A known grouping and, for cells, a usable cell size."""
    if by not in GROUPINGS:
        raise StoreError(f"cannot aggregate by {by!r}; choose from {', '.join(GROUPINGS)}")
    return check_cell(cell_deg)


@dataclass(frozen=True)
class Page:
    """One page of rows and how many rows the query matches in all."""

    rows: pd.DataFrame
    total: int


@dataclass(frozen=True)
class Choices:
    """What the filters offer over some datasets: first and last date, categories, country codes."""

    date_from: date | None
    date_to: date | None
    categories: tuple[str, ...]
    countries: tuple[str, ...]


def typed(flat: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Stored values (Arrow, SQL or to_flat's frame) -> the types rows() promises, these columns in order."""
    out = {}
    for name in columns:
        col = flat[name] if name in flat.columns else pd.Series([None] * len(flat), index=flat.index, dtype=object)
        if name in POINT or name in FLOAT_COLUMNS:
            out[name] = pd.to_numeric(col, errors="coerce").astype("float64")
        elif name in JSON_COLUMNS:
            texts = pd.Series(col.to_numpy(dtype=object, na_value=None), index=flat.index, dtype=object)
            out[name] = decode_json_column(texts)
        elif name in DATE_COLUMNS:
            out[name] = pd.to_datetime(col).astype("datetime64[us]")
        elif name in INT_COLUMNS:
            out[name] = pd.to_numeric(col).astype("Int64")
        elif name in BOOL_COLUMNS:
            values = col.astype("boolean").to_numpy(dtype=object, na_value=None)
            out[name] = pd.Series(values, index=flat.index, dtype=object)
        else:
            out[name] = pd.Series(col.to_numpy(dtype=object, na_value=None), index=flat.index, dtype=object)
    return pd.DataFrame(out, index=flat.index).reset_index(drop=True)


def month_frame(months, incidents, fatalities) -> pd.DataFrame:
    """The monthly aggregate from per-month arrays, sorted by month (its first day, datetime64[us])."""
    out = pd.DataFrame(
        {
            "month": pd.to_datetime(pd.Series(months, dtype=object)).astype("datetime64[us]"),
            "incidents": np.asarray(incidents, dtype="int64"),
            "fatalities": np.asarray(fatalities, dtype="int64"),
        }
    )
    return out.sort_values("month").reset_index(drop=True)


def key_frame(key: str, values, incidents, fatalities) -> pd.DataFrame:
    """The aggregate by a text key (category, country), sorted by it."""
    out = pd.DataFrame(
        {
            key: pd.Series(list(values), dtype=object),
            "incidents": np.asarray(incidents, dtype="int64"),
            "fatalities": np.asarray(fatalities, dtype="int64"),
        }
    )
    return out.sort_values(key).reset_index(drop=True)


def grouped_frame(by: str, keys: list[tuple], cell_deg: float) -> pd.DataFrame:
    """An aggregate from (key..., incidents, fatalities) tuples as an engine returns them."""
    cols = [list(c) for c in zip(*keys, strict=True)] if keys else None
    if by == "cell":
        cx, cy, n, fatal = cols or ([], [], [], [])
        return cell_frame(cx, cy, n, fatal, cell_deg)
    values, n, fatal = cols or ([], [], [])
    if by == "month":
        return month_frame(values, n, fatal)
    return key_frame(by, values, n, fatal)


def choices_of(date_from, date_to, categories, countries) -> Choices:
    """Choices from an engine's raw answers: categories in the schema's order, countries sorted."""
    seen = set(categories)

    def day(value):
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    return Choices(
        day(date_from),
        day(date_to),
        tuple(c for c in INCIDENT_CATEGORIES if c in seen),
        tuple(sorted({c for c in countries if c})),
    )


class ReferenceQueries:
    """Every query computed in pandas over loaded incident frames: the meaning the engines follow."""

    def __init__(self, frames: Mapping[str, gpd.GeoDataFrame]):
        self.frames = dict(frames)

    def _matched(self, q: IncidentQuery) -> pd.DataFrame:
        """The flat rows the query matches (every column, lon, lat), first named dataset winning an id."""
        parts = []
        for name in q.datasets:
            if name not in self.frames:
                raise DatasetNotFound(f"no dataset named '{name}'")
            part = reference_query(self.frames[name], q.filter, q.bbox)
            parts.append(_flat_with_point(part))
        rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        rows = rows[~rows[KEY].duplicated()]
        if q.ids is not None:
            rows = rows[rows[KEY].isin(q.ids)]
        return rows.reset_index(drop=True)

    def count(self, q: IncidentQuery) -> int:
        """How many rows the query matches."""
        return len(self._matched(q))

    def rows(self, q: IncidentQuery) -> pd.DataFrame:
        """The ordered page of rows."""
        rows = self._matched(q)
        order = q.full_order()
        keys = [_sort_key(rows[c]) for c, _ in order]
        frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
        frame = frame.sort_values(
            list(frame.columns), ascending=[not d for _, d in order], na_position="last", kind="stable"
        )
        at = frame.index.to_numpy()
        stop = None if q.limit is None else q.offset + q.limit
        return typed(rows.iloc[at[q.offset : stop]], q.output_columns())

    def page(self, q: IncidentQuery) -> Page:
        """rows() and count() together."""
        return Page(self.rows(q), self.count(q))

    def aggregate(self, q: IncidentQuery, by: str, cell_deg: float = 0.5) -> pd.DataFrame:
        """Incidents and fatalities per group of the matched rows."""
        cell = check_grouping(by, cell_deg)
        rows = self._matched(q)
        fatal = pd.to_numeric(rows["fatalities_best"]).fillna(0).astype("int64")
        frame = pd.DataFrame({"fatalities": fatal})
        if by == "cell":
            located = rows["lon"].notna() & rows["lat"].notna()
            frame = frame[located]
            frame["cx"] = np.floor(rows.loc[located, "lon"] / cell).astype("int64")
            frame["cy"] = np.floor(rows.loc[located, "lat"] / cell).astype("int64")
            keys = ["cx", "cy"]
        elif by == "month":
            frame["key"] = pd.to_datetime(rows["date_start"]).dt.to_period("M").dt.to_timestamp()
            keys = ["key"]
        elif by == "country":
            frame["key"] = rows["country"].map(lambda c: sorted(set(str(c).split(";"))) if isinstance(c, str) else [])
            frame = frame.explode("key").dropna(subset=["key"])
            frame = frame[frame["key"] != ""]
            keys = ["key"]
        else:
            frame["key"] = rows["category"]
            frame = frame.dropna(subset=["key"])
            keys = ["key"]
        grouped = frame.groupby(keys, sort=True)["fatalities"].agg(["size", "sum"]).reset_index()
        return grouped_frame(by, list(grouped.itertuples(index=False, name=None)), cell)

    def choices(self, q: IncidentQuery) -> Choices:
        """Date range, categories and countries of the matched rows."""
        rows = self._matched(q)
        countries = {c for v in rows["country"].dropna() for c in str(v).split(";")}
        return choices_of(rows["date_start"].min(), rows["date_end"].max(), set(rows["category"].dropna()), countries)


def point_columns(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of every row's point, NaN where a row has none or an empty one."""
    geom = gdf.geometry
    located = (geom.notna() & ~geom.is_empty).to_numpy()
    lon, lat = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    lon[located], lat[located] = geom[located].x.to_numpy(), geom[located].y.to_numpy()
    return lon, lat


def flat_rows(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """A loaded frame as stored values (geo.store.columns.to_flat), numbered from 0, without geometry."""
    return pd.DataFrame(to_flat(gdf).drop(columns=gdf.geometry.name)).reset_index(drop=True)


def _flat_with_point(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """flat_rows with lon/lat for each row's point."""
    flat = flat_rows(gdf)
    flat["lon"], flat["lat"] = point_columns(gdf)
    return flat


def _sort_key(col: pd.Series) -> pd.Series:
    """A column as pandas sorts it the way SQL does here: texts by code point, missing values as NaN/NaT."""
    if col.dtype == object:
        return col.map(lambda v: v if isinstance(v, str) else None).astype(object)
    return col


def open_queries(store, names, frames: Mapping[str, gpd.GeoDataFrame] | None = None):
    """What a page asks: the store's query engine over these datasets (SQL in PostGIS, DuckDB over the
    embedded files), with frames held in memory by name (a session's own import) joining them."""
    from geo.store.postgis import PostgisStore  # local: the engines import this module
    from geo.store.postgis_query import PostgisQueries

    if isinstance(store, PostgisStore):
        return PostgisQueries(store, frames)
    from geo.store.engine import engine_for

    return engine_for(store, names, frames)
