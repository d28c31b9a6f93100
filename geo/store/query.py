"""One query for incidents, shaped like a view: what a page asks the store for.

    IncidentQuery(datasets, filter, bbox, columns, order, limit, offset, ids)
    rows(q)                 the page of rows (the columns asked, id first; "lon"/"lat" for the point)
    table(q)                the same as an Arrow table (a large answer: the map's payload)
    count(q)                how many rows the query matches, ignoring limit and offset
    page(q)                 rows(q) and count(q) together (Page)
    aggregate(q, by, cell, h3_res)  incidents and fatalities per group: by one grouping or a tuple of them
    summary(q)              the headline figures (Summary): as geo.incident_stats.headline computes
    choices(q)              what the filters offer: date range, categories, countries

Meaning (every implementation follows ``ReferenceQueries``, which computes it in pandas):

- each dataset's rows are filtered (geo.filters.filter_mask, Near included), boxed
  (geo.store.base.in_bbox) and, when ``ids`` is given, limited to those ids; the ``hidden`` ids
  are left out (the sidebar's "hide probable duplicates");
  then, when datasets share an id, the row of the one named first wins (as IncidentStore.read);
- ``order`` sorts by (column, descending) pairs, missing values last, texts by code point ("title"
  by its lower case first, str.lower, then as written), and always ends with id ascending, so
  pages never overlap or skip rows;
- fatalities are fatalities_best with a missing value counted as 0;
- groupings (GROUPINGS): "cell" is ``floor(lon / cell_deg), floor(lat / cell_deg)``
  (geo.store.aggregate; rows without a point are left out); "month" is date_start's; "category";
  "country" counts an incident in several countries ("PAK;IRN") once in each; "track" is the row's
  track or, where missing, geo.chronology.track_for_category of its category; "precision" is
  location_precision ("unlocated" when missing); "country_value" the country text as written
  ("unknown" when missing); "grade" the verification grade ("ungraded" when missing: rows kept before
  grades existed); "district" the id of the shipped district holding the point (geo.districts'
  district_index, the District filter's meaning: the first listed on a shared border) and "h3" the
  H3 hexagon holding it at resolution ``h3_res`` (h3.latlng_to_cell, its index as text): rows
  without a point or in no district are left out. Several groupings give one row per combination, keys in the order
  asked, then incidents and fatalities, sorted by the keys.

What a page calls (build the engine once per dataset version, e.g. cached by store.version_key):

    engine = geo.store.open_queries(store, names, frames={"my import": gdf})   # DuckEngine or PostgisQueries
    engine.rows(IncidentQuery(names, flt, bbox=view, columns=MAP_COLUMNS))           # map payload
    engine.page(IncidentQuery(names, flt, columns=(...), order=..., limit=50, offset=k))  # explorer
    engine.summary(IncidentQuery(names, flt))                           # the headline figures
    engine.aggregate(IncidentQuery(names, flt), "month")                # chart; "cell" for the map
    engine.aggregate(IncidentQuery(names, flt), ("month", "track"))     # a chart split by a key
    engine.aggregate(IncidentQuery(names, flt), "country_value")        # figures per country
    engine.aggregate(IncidentQuery(names, flt), "precision")            # location precision counts
    engine.aggregate(IncidentQuery(names, flt), ("month", "grade"))     # a chart split by verification
    engine.aggregate(IncidentQuery(names, flt), ("district", "precision"))  # Trends, per district
    engine.aggregate(IncidentQuery(names, flt), "h3", h3_res=5)          # Trends, per H3 hexagon
    engine.rows(IncidentQuery(names, ids=(incident_id,)))                # a record by id
    engine.choices(IncidentQuery(names))                                # the filters' options

Rows come back typed as geo.incidents.codec.typed types them (texts and None, datetime64[us],
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
import pyarrow as pa

from geo.chronology import track_for_category
from geo.filters import IncidentFilter
from geo.incidents.codec import flat_rows, point_columns, typed
from geo.incidents.schema import POINT
from geo.schema import INCIDENT_CATEGORIES, UNGRADED
from geo.store.aggregate import check_cell
from geo.store.base import COLUMNS, KEY, BBox, DatasetNotFound, StoreError, reference_query

ORDERABLE = ("date_start", "date_end", "fatalities_best", "id", "title", "category", "country", "place")
GROUPINGS = ("cell", "month", "category", "country", "track", "precision", "country_value", "grade", "district", "h3")
H3_RES = 5  # the "h3" grouping's resolution unless one is given (about 250 km² a hexagon)
UNLOCATED = "unlocated"  # the "precision" of a row without one
UNKNOWN_COUNTRY = "unknown"  # the "country_value" of a row without one (as geo.incident_stats.headline)
SECURITY_TRACK = "security"  # Summary.security counts the rows on this track
SIDE_COLUMNS = ("fatalities_security", "fatalities_militants", "fatalities_civilians")
DEFAULT_ORDER = (("date_start", True), (KEY, False))


MAX_LIMIT = 100_000  # a page larger than this is a whole dataset: ask for an aggregate instead
# the map's payload: what it draws, and the dates its time control filters by
MAP_COLUMNS = (
    "id",
    "category",
    "fatalities_best",
    "location_precision",
    "grade",  # the verification ring
    "date_start",
    "date_end",
    "lon",
    "lat",
)


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
    hidden: tuple[str, ...] | None = None  # these incidents left out (probable duplicates hidden)
    tracks: tuple[str, ...] | None = None  # only rows on these tracks (the "track" grouping's value)
    sample: int | None = None  # rows(): at most this many, spread evenly through the order (sample_positions)

    def __post_init__(self):
        names = (self.datasets,) if isinstance(self.datasets, str) else tuple(self.datasets)
        object.__setattr__(self, "datasets", tuple(dict.fromkeys(names)))
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "order", tuple((str(c), bool(d)) for c, d in self.order))
        if self.ids is not None:
            ids = (self.ids,) if isinstance(self.ids, str) else tuple(self.ids)
            object.__setattr__(self, "ids", tuple(str(i) for i in ids))
        if self.hidden is not None:
            object.__setattr__(self, "hidden", tuple(sorted({str(i) for i in self.hidden})) or None)
        if self.tracks is not None:
            tracks = (self.tracks,) if isinstance(self.tracks, str) else tuple(self.tracks)
            object.__setattr__(self, "tracks", tuple(str(t) for t in tracks))
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
    if q.sample is not None and not (1 <= int(q.sample) <= MAX_LIMIT):
        raise StoreError(f"a sample holds 1 to {MAX_LIMIT} rows, not {q.sample}")
    if q.sample is not None and (q.limit is not None or q.offset):
        raise StoreError("a query takes a sample or a page (limit, offset), not both")


def sample_positions(total: int, n: int) -> list[int]:
    """Which of total ordered rows a sample of n keeps: the first row of each of n equal runs (every
    row when there are no more than n), so the rows are spread evenly from the first on."""
    if total <= n:
        return list(range(total))
    return [(k * total + n - 1) // n for k in range(n)]


def sample_sql(n: int, position: str = "rn", total: str = "total") -> str:
    """sample_positions as a condition (standard SQL) on a row's 0-based position and the row count:
    the row opens a new run of the n equal runs."""
    run = f"floor(CAST({{p}} * {int(n)} AS DOUBLE PRECISION) / {total})"
    return f"({total} <= {int(n)} OR {position} = 0 OR {run.format(p=position)} <> {run.format(p=f'({position} - 1)')})"


def tracks_sql(tracks: Sequence[str], track: str = "track", category: str = "category") -> str:
    """The condition "on one of these tracks" (standard SQL; the tracks as literals)."""
    if not tracks:
        return "FALSE"
    return f"{track_sql(track, category)} IN ({', '.join(sql_literal(t) for t in tracks)})"


def groupings(by) -> tuple[str, ...]:
    """One grouping name or several as a tuple of known, distinct names (StoreError naming a wrong one)."""
    keys = (by,) if isinstance(by, str) else tuple(by) if isinstance(by, (tuple, list)) else (by,)
    if not keys:
        raise StoreError("an aggregate needs at least one grouping")
    for key in keys:
        if key not in GROUPINGS:
            raise StoreError(f"cannot aggregate by {key!r}; choose from {', '.join(GROUPINGS)}")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise StoreError(f"an aggregate names {', '.join(twice)} more than once")
    return keys


def check_grouping(by, cell_deg: float, h3_res: int = H3_RES) -> float:
    """Known groupings (one name or a tuple), a usable cell size and H3 resolution (0 to 15)."""
    groupings(by)
    if isinstance(h3_res, bool) or not isinstance(h3_res, (int, np.integer)) or not 0 <= int(h3_res) <= 15:
        raise StoreError(f"an H3 resolution is a whole number from 0 to 15, not {h3_res!r}")
    return check_cell(cell_deg)


def track_cases() -> tuple[dict[str, str | None], str | None]:
    """geo.chronology.track_for_category as a table for SQL: each schema category's track, and the
    track of any other category or of none (None: such a row has no track)."""
    return {c: track_for_category(c) for c in INCIDENT_CATEGORIES}, track_for_category(None)


def sql_literal(value: str | None) -> str:
    """A text as a standard SQL literal (DuckDB and PostgreSQL alike), NULL for None."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def track_sql(track: str = "track", category: str = "category") -> str:
    """The "track" grouping as standard SQL over these columns: the track, else its category's."""
    cases, other = track_cases()
    whens = " ".join(f"WHEN {sql_literal(c)} THEN {sql_literal(t)}" for c, t in cases.items())
    return f"coalesce({track}, CASE {category} {whens} ELSE {sql_literal(other)} END)"


def summary_sql() -> str:
    """The select list of summary() over the matched rows (standard SQL: both engines), in summary_of's order."""
    sides = " + ".join(f"coalesce({c}, 0)" for c in SIDE_COLUMNS)
    return ", ".join(
        [
            "count(*)",
            "sum(coalesce(fatalities_best, 0))",
            "count(fatalities_best)",
            *(f"sum(coalesce({c}, 0))" for c in SIDE_COLUMNS),
            f"sum(CASE WHEN fatalities_best IS NULL THEN 0 ELSE greatest(fatalities_best - ({sides}), 0) END)",
            f"count(*) FILTER (WHERE {track_sql()} = {sql_literal(SECURITY_TRACK)})",
            "count(*) FILTER (WHERE lon IS NOT NULL AND lat IS NOT NULL)",
        ]
    )


def key_sql(name: str, cell_deg: float) -> list[str]:
    """A grouping's key as standard SQL over the matched rows (a cell's is two expressions); None
    where a row has none. "country" has no such form (each engine unnests its codes its own way)."""
    if name == "cell":  # the size is a checked float, written as a literal
        size = f"CAST({float(cell_deg)!r} AS DOUBLE PRECISION)"
        return [f"CAST(floor(lon / {size}) AS BIGINT)", f"CAST(floor(lat / {size}) AS BIGINT)"]
    exprs = {
        "month": "date_trunc('month', date_start)",
        "category": "category",
        "track": track_sql(),
        "precision": f"coalesce(location_precision, {sql_literal(UNLOCATED)})",
        "country_value": f"coalesce(country, {sql_literal(UNKNOWN_COUNTRY)})",
        "grade": f"coalesce(grade, {sql_literal(UNGRADED)})",
    }
    return [exprs[name]]


SUMMARY_COLUMNS = frozenset({"fatalities_best", *SIDE_COLUMNS, "track", "category", *POINT})
GROUPING_COLUMNS = {
    "cell": frozenset(POINT),
    "month": frozenset({"date_start"}),
    "category": frozenset({"category"}),
    "country": frozenset({"country"}),
    "track": frozenset({"track", "category"}),
    "precision": frozenset({"location_precision"}),
    "country_value": frozenset({"country"}),
    "grade": frozenset({"grade"}),
    "district": frozenset(POINT),
    "h3": frozenset(POINT),
}  # the columns each grouping reads


def key_columns(by) -> list[str]:
    """The key columns an aggregate by these groupings starts with (a cell gives four)."""
    out = []
    for key in groupings(by):
        out += ["cell_x", "cell_y", "lon", "lat"] if key == "cell" else [key]
    return out


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


@dataclass(frozen=True)
class Summary:
    """The headline figures of the matched rows (geo.incident_stats.headline's, computed by the engine)."""

    incidents: int
    fatalities: int  # sum of fatalities_best, a missing one as 0
    with_fatality_figure: int  # rows whose fatalities_best is known
    sides: dict[str, int]  # SIDE_COLUMNS -> their sums, missing as 0
    unattributed: int  # sum over rows with a known best of max(best - the sides, 0)
    security: int  # rows on the security track ("track" grouping)
    located: int  # rows with a point


def summary_of(values: Sequence) -> Summary:
    """A Summary from an engine's one row: incidents, fatalities, with a figure, the three sides,
    unattributed, security, located (a missing sum as 0)."""
    n, fatal, known, sec, mil, civ, unattributed, security, located = (int(v or 0) for v in values)
    sides = dict(zip(SIDE_COLUMNS, (sec, mil, civ), strict=True))
    return Summary(n, fatal, known, sides, unattributed, security, located)


def grouped_frame(by, keys: list[tuple], cell_deg: float) -> pd.DataFrame:
    """An aggregate from (key..., incidents, fatalities) tuples as an engine returns them (a cell's key
    is two values, its column and row), typed and sorted by the keys."""
    names = groupings(by)
    width = sum(2 if k == "cell" else 1 for k in names) + 2
    cols = [list(c) for c in zip(*keys, strict=True)] if keys else [[] for _ in range(width)]
    out: dict[str, object] = {}  # column name -> its values (arrays and Series)
    sort: list[str] = []
    at = 0
    for name in names:
        if name == "cell":
            cx, cy = np.asarray(cols[at], dtype="int64"), np.asarray(cols[at + 1], dtype="int64")
            out |= {"cell_x": cx, "cell_y": cy, "lon": (cx + 0.5) * cell_deg, "lat": (cy + 0.5) * cell_deg}
            sort += ["cell_x", "cell_y"]
            at += 2
            continue
        if name == "month":
            out[name] = pd.to_datetime(pd.Series(cols[at], dtype=object)).astype("datetime64[us]")
        else:
            out[name] = pd.Series(cols[at], dtype=object)  # texts as object, as rows() gives them
        sort.append(name)
        at += 1
    out["incidents"] = np.asarray(cols[at], dtype="int64")
    out["fatalities"] = np.asarray(cols[at + 1], dtype="int64")
    return pd.DataFrame(out).sort_values(sort).reset_index(drop=True)


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
        if q.hidden is not None:
            rows = rows[~rows[KEY].isin(q.hidden)]
        if q.tracks is not None:
            rows = rows[reference_keys("track", rows).isin(q.tracks).to_numpy(dtype=bool)]
        return rows.reset_index(drop=True)

    def count(self, q: IncidentQuery) -> int:
        """How many rows the query matches."""
        return len(self._matched(q))

    def table(self, q: IncidentQuery) -> pa.Table:
        """rows(q) as an Arrow table (texts, timestamps, numbers as stored): for answers too large for a
        Python object per value, the map's payload columns first of all."""
        return pa.Table.from_pandas(self.rows(q), preserve_index=False)

    def rows(self, q: IncidentQuery) -> pd.DataFrame:
        """The ordered page of rows."""
        rows = self._matched(q)
        keys, ascending = [], []
        for c, d in q.full_order():
            for key in _sort_keys(c, rows[c]):
                keys.append(key)
                ascending.append(not d)
        frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
        frame = frame.sort_values(list(frame.columns), ascending=ascending, na_position="last", kind="stable")
        at = frame.index.to_numpy()
        if q.sample is not None:
            return typed(rows.iloc[at[sample_positions(len(at), int(q.sample))]], q.output_columns())
        stop = None if q.limit is None else q.offset + q.limit
        return typed(rows.iloc[at[q.offset : stop]], q.output_columns())

    def page(self, q: IncidentQuery) -> Page:
        """rows() and count() together."""
        return Page(self.rows(q), self.count(q))

    def aggregate(self, q: IncidentQuery, by, cell_deg: float = 0.5, h3_res: int = H3_RES) -> pd.DataFrame:
        """Incidents and fatalities per group (one grouping or a tuple of them) of the matched rows."""
        cell = check_grouping(by, cell_deg, h3_res)
        rows = self._matched(q)
        frame = pd.DataFrame({"fatalities": pd.to_numeric(rows["fatalities_best"]).fillna(0).astype("int64")})
        keys = []
        for name in groupings(by):
            if name == "cell":
                frame["cx"] = np.floor(rows["lon"] / cell).astype("Int64")
                frame["cy"] = np.floor(rows["lat"] / cell).astype("Int64")
                keys += ["cx", "cy"]
                continue
            if name in ("district", "h3"):
                frame[name] = reference_places(name, rows, h3_res)
                keys.append(name)
                continue
            frame[name] = reference_keys(name, rows)
            keys.append(name)
        if "country" in keys:
            frame = frame.explode("country")
            frame = frame[frame["country"].notna() & (frame["country"] != "")]
        frame = frame.dropna(subset=keys)
        grouped = frame.groupby(keys, sort=True)["fatalities"].agg(["size", "sum"]).reset_index()
        return grouped_frame(by, list(grouped.itertuples(index=False, name=None)), cell)

    def summary(self, q: IncidentQuery) -> Summary:
        """The headline figures of the matched rows."""
        rows = self._matched(q)
        best = pd.to_numeric(rows["fatalities_best"]).astype("Int64")
        sides = [pd.to_numeric(rows[c]).astype("Int64").fillna(0) for c in SIDE_COLUMNS]
        split = sum(sides, start=pd.Series(0, index=rows.index, dtype="Int64"))
        unattributed = (best - split).clip(lower=0).fillna(0)
        located = rows["lon"].notna() & rows["lat"].notna()
        return summary_of(
            [
                len(rows),
                best.fillna(0).sum(),
                best.notna().sum(),
                *(side.sum() for side in sides),
                unattributed.sum(),
                (reference_keys("track", rows) == SECURITY_TRACK).sum(),
                located.sum(),
            ]
        )

    def choices(self, q: IncidentQuery) -> Choices:
        """Date range, categories and countries of the matched rows."""
        rows = self._matched(q)
        countries = {c for v in rows["country"].dropna() for c in str(v).split(";")}
        return choices_of(rows["date_start"].min(), rows["date_end"].max(), set(rows["category"].dropna()), countries)


def _flat_with_point(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """flat_rows with lon/lat for each row's point."""
    flat = flat_rows(gdf)
    flat["lon"], flat["lat"] = point_columns(gdf)
    return flat


def _sort_keys(name: str, col: pd.Series) -> list[pd.Series]:
    """A column as pandas sorts it the way SQL does here: texts by code point, missing values as NaN/NaT;
    a title by its lower case first, then as written."""
    if col.dtype != object:
        return [col]
    texts = col.map(lambda v: v if isinstance(v, str) else None).astype(object)
    if name == "title":
        return [texts.map(lambda v: v.lower() if isinstance(v, str) else None).astype(object), texts]
    return [texts]


def reference_places(name: str, rows: pd.DataFrame, h3_res: int) -> pd.Series:
    """The "district" or "h3" key of each flat row, by its point (None without one or in no district):
    geo.districts.assign_districts over the shipped layer, h3.latlng_to_cell row by row."""
    import h3

    from geo.districts import UnknownDistrict, assign_districts, shipped_districts

    out = pd.Series(None, index=rows.index, dtype=object)
    located = rows["lon"].notna() & rows["lat"].notna()
    lon, lat = rows.loc[located, "lon"], rows.loc[located, "lat"]
    if name == "h3":
        out[located] = [h3.latlng_to_cell(y, x, int(h3_res)) for x, y in zip(lon, lat, strict=True)]
        return out
    try:
        layer = shipped_districts()
    except UnknownDistrict:  # the layer cannot be read: no point is in a district
        return out
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), index=lon.index, crs="EPSG:4326")
    placed = assign_districts(points, layer)["district_id"]
    out[located] = placed.map(lambda v: None if v is None else str(v)).to_numpy(dtype=object)
    return out


def reference_keys(name: str, rows: pd.DataFrame) -> pd.Series:
    """A grouping's key of each flat row, in pandas (not "cell"): None where a row has none; "country"
    gives each row's list of distinct codes."""
    if name == "month":
        return pd.to_datetime(rows["date_start"]).dt.to_period("M").dt.to_timestamp()
    if name == "country":
        return rows["country"].map(lambda c: sorted(set(c.split(";"))) if isinstance(c, str) else [])
    if name == "track":
        track = rows["track"].map(lambda t: t if isinstance(t, str) else None).astype(object)
        derived = rows["category"].map(lambda c: track_for_category(c if isinstance(c, str) else None))
        return track.where(track.notna(), derived).astype(object)
    if name == "precision":
        return rows["location_precision"].map(lambda v: v if isinstance(v, str) else UNLOCATED).astype(object)
    if name == "country_value":
        return rows["country"].map(lambda v: v if isinstance(v, str) else UNKNOWN_COUNTRY).astype(object)
    if name == "grade":
        return rows["grade"].map(lambda v: v if isinstance(v, str) else UNGRADED).astype(object)
    return rows["category"].map(lambda v: v if isinstance(v, str) else None).astype(object)  # "category"
