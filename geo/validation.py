"""Checks a GeoDataFrame against its declared schema.

Every problem is reported with the file, the feature (index and id) and what is wrong,
so a user can find and fix it; tests pin these messages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.validation import explain_validity

from geo.features import has_point
from geo.schema import Field, LayerSchema
from geo.values import is_missing

# Copy-on-write (always on from pandas 3): a shallow copy is as safe as a deep one and copies no data.
COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or bool(pd.get_option("mode.copy_on_write"))
MAX_LISTED = 20  # problems listed in one error message before "... and N more"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class LayerValidationError(ValueError):
    """A layer that cannot be used as it is; str() lists the problems found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = len(problems) - len(shown)
        text = "\n".join(f"- {p}" for p in shown)
        if more:
            text += f"\n- ... and {more} more problems"
        super().__init__(f"{source}: {len(problems)} problem(s) found:\n{text}")


@dataclass
class ValidationReport:
    """What validation changed or noticed without refusing the layer."""

    source: str
    notes: list[str] = field(default_factory=list)  # repairs, reprojection
    warnings: list[str] = field(default_factory=list)  # suspicious but accepted
    rejected: list[str] = field(default_factory=list)  # features dropped (on_error="drop")


def feature_label(gdf: gpd.GeoDataFrame, pos: int, id_field: str) -> str:
    """How a message names a feature: its position and, when present, its id."""
    fid = gdf[id_field].iloc[pos] if id_field in gdf.columns else None
    if is_missing(fid):
        return f"feature {pos}"
    return f"feature {pos} (id '{fid}')"


def check_crs(gdf: gpd.GeoDataFrame, source: str, report: ValidationReport) -> gpd.GeoDataFrame:
    """Refuse data with no CRS; reproject any known CRS other than WGS84 lon/lat."""
    if gdf.crs is None:
        raise LayerValidationError(
            source,
            [
                "no CRS: the file does not say which coordinate system its coordinates are in; "
                "save it with one (GeoJSON is WGS84 longitude/latitude, EPSG:4326)"
            ],
        )
    if gdf.crs.to_epsg() == 4326 and not gdf.crs.is_projected:
        return gdf
    try:
        name = gdf.crs.to_string()
        out = gdf.to_crs("EPSG:4326")
    except Exception as exc:  # pyproj cannot transform it
        raise LayerValidationError(source, [f"CRS {gdf.crs!s} cannot be converted to EPSG:4326: {exc}"]) from exc
    kind = "projected" if gdf.crs.is_projected else "geographic"
    report.notes.append(f"{source}: reprojected from {kind} CRS {name} to EPSG:4326")
    return out


def _type_problem(value, f: Field) -> str | None:
    """Why value does not fit field f, or None when it does."""
    kind = f.kind
    if kind == "str":
        if not isinstance(value, str):
            return f"expected text, got {type(value).__name__} {value!r}"
        if f.choices and value not in f.choices:
            return f"{value!r} is not one of: {', '.join(f.choices)}"
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return f"expected a whole number, got {type(value).__name__} {value!r}"
        if not math.isfinite(value) or float(value) != int(value):
            return f"expected a whole number, got {value!r}"
        if value < 0:
            return f"expected a count of zero or more, got {value!r}"
        return None
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return f"expected a number, got {type(value).__name__} {value!r}"
        if not math.isfinite(value):
            return f"expected a finite number, got {value!r}"
        return None
    if kind == "bool":
        return None if isinstance(value, (bool, np.bool_)) else f"expected true/false, got {value!r}"
    if kind == "date":
        if isinstance(value, (pd.Timestamp, date)):
            return None
        if not isinstance(value, str):
            return f"expected a date (YYYY-MM-DD), got {type(value).__name__} {value!r}"
        # fromisoformat alone would also take 20230712 and 2023-W28-3, which pandas then drops
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not a date (expected YYYY-MM-DD)"
        return None
    if kind == "str_list":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return f"expected a list of text, got {value!r}"
        return None
    if kind == "sources":
        return _sources_problem(value)
    raise ValueError(f"unknown field kind {kind!r}")


HTTP_SCHEME = re.compile(r"https?:", re.IGNORECASE)  # the URL's scheme is http or https


def _sources_problem(value) -> str | None:
    if not isinstance(value, (list, tuple)) or not value:
        return "expected a non-empty list of sources ({outlet, url, date})"
    for n, src in enumerate(value):
        if not isinstance(src, dict) or not isinstance(src.get("url"), str):
            return f"source {n} has no url"
        if not HTTP_SCHEME.match(src["url"].strip()):
            return f"source {n} url {src['url']!r} is not an http(s) URL"
        if src.get("outlet") is not None and not isinstance(src["outlet"], str):
            return f"source {n} outlet is not text"
    return None


_PLAIN_TYPES: dict[str, set[type]] = {"str": {str}, "int": {int}, "float": {int, float}}
NUL = "\x00"


def nul_problem(value) -> str | None:
    """The one NUL rule: a text holding U+0000 (anywhere in a list or source too) is refused, since
    PostgreSQL cannot store it and every store keeps the same rows."""
    if isinstance(value, str):
        return "holds a NUL character (U+0000)" if NUL in value else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return next((p for p in map(nul_problem, value) if p), None)
    return None


def _plainly_valid(values: list, f: Field) -> bool:
    """A quick whole-column check for the common cases (text, counts, finite numbers);
    False means 'look value by value', not that something is wrong."""
    if f.kind not in _PLAIN_TYPES:
        return False
    allowed = _PLAIN_TYPES[f.kind] | ({type(None)} if f.nullable else set())
    if not {type(v) for v in values} <= allowed:
        return False
    present = [v for v in values if v is not None]
    if f.kind == "str":
        return (not f.choices or set(present) <= set(f.choices)) and NUL not in "".join(present)
    if f.kind == "int":
        return min(present, default=0) >= 0
    return bool(np.isfinite(np.asarray(present, dtype=float)).all())


def check_properties(gdf, schema: LayerSchema, source: str, errors: dict[int, list[str]]) -> None:
    """Record type and presence errors of every property against the schema."""
    missing = [f.name for f in schema.fields if f.required and f.name not in gdf.columns and len(gdf)]
    if missing:
        raise LayerValidationError(source, [f"missing required property '{m}'" for m in missing])
    for f in schema.fields:
        if f.name not in gdf.columns:
            continue
        values = gdf[f.name].tolist()
        if _plainly_valid(values, f):
            continue
        for pos, value in enumerate(values):
            if is_missing(value):
                if not f.nullable:
                    errors.setdefault(pos, []).append(f"property '{f.name}' is empty but required")
                continue
            problem = _type_problem(value, f) or nul_problem(value)
            if problem:
                errors.setdefault(pos, []).append(f"property '{f.name}': {problem}")


def check_ids(gdf, schema: LayerSchema, errors: dict[int, list[str]]) -> None:
    """Record missing and duplicate ids."""
    first: dict[str | tuple[str, str], int] = {}
    for pos, value in enumerate(gdf[schema.id_field].tolist()):
        if is_missing(value):
            continue
        # ids of the wrong type (lists, numbers) are reported elsewhere; don't crash here
        key = value if type(value) is str else (type(value).__name__, repr(value))
        if key in first:
            errors.setdefault(pos, []).append(f"duplicate id '{value}' (also used by feature {first[key]})")
        else:
            first[key] = pos


def to_dates(col: pd.Series) -> pd.Series:
    """pd.to_datetime(col, format="ISO8601", errors="coerce"), each distinct text parsed once
    (pandas' own cache of distinct dates holds several objects a row while it maps them back)."""
    try:
        codes, distinct = pd.factorize(col) if col.dtype == object else (None, None)
    except TypeError:  # something unhashable, which validation reports
        codes = None
    if codes is None:
        return pd.to_datetime(col, format="ISO8601", errors="coerce")
    parsed = pd.to_datetime(pd.Series(distinct, dtype=object), format="ISO8601", errors="coerce")
    return pd.Series(parsed.array.take(codes, allow_fill=True), index=col.index, name=col.name, copy=False)


def check_date_order(gdf, schema: LayerSchema, errors: dict[int, list[str]]) -> None:
    """Record features whose end date comes before their start date."""
    if not {"date_start", "date_end"} <= set(gdf.columns):
        return
    start = to_dates(gdf["date_start"])
    end = to_dates(gdf["date_end"])
    for pos in np.flatnonzero((end < start).to_numpy()):
        errors.setdefault(int(pos), []).append(
            f"date_end {gdf['date_end'].iloc[pos]} is before date_start {gdf['date_start'].iloc[pos]}"
        )


def check_fatalities(gdf, source: str, report: ValidationReport) -> None:
    """low <= best <= high where all are given; UCDP breaks this at times, so only warn."""
    cols = ["fatalities_low", "fatalities_best", "fatalities_high"]
    if not set(cols) <= set(gdf.columns):
        return
    f = gdf[cols].apply(pd.to_numeric, errors="coerce").astype("float64")  # Int64 NA would make NA booleans
    bad = (f["fatalities_low"] > f["fatalities_best"]) | (f["fatalities_best"] > f["fatalities_high"])
    for pos in np.flatnonzero(bad.to_numpy()):
        shown = "/".join("–" if pd.isna(v) else f"{v:g}" for v in f.iloc[pos])
        report.warnings.append(
            f"{source}: {feature_label(gdf, int(pos), 'id')}: fatalities low/best/high "
            f"{shown} are not in order low <= best <= high"
        )


def _swapped_inside(bounds: np.ndarray, region) -> np.ndarray:
    minx, miny, maxx, maxy = region
    # swapped: x holds latitudes and y longitudes
    return (bounds[:, 1] >= minx) & (bounds[:, 3] <= maxx) & (bounds[:, 0] >= miny) & (bounds[:, 2] <= maxy)


def check_geometry(
    gdf, schema: LayerSchema, source: str, errors: dict[int, list[str]], report: ValidationReport
) -> gpd.GeoDataFrame:
    """Presence, type, coordinate range, swapped axes, region and validity of each geometry."""
    geoms = gdf.geometry.to_numpy()
    missing = ~has_point(geoms)
    unlocated = np.zeros(len(gdf), dtype=bool)
    if "location_precision" in gdf.columns:
        unlocated = (gdf["location_precision"] == "unlocated").to_numpy()
    for pos in np.flatnonzero(missing):
        if schema.allow_unlocated and unlocated[pos]:
            continue
        what = "no geometry" if shapely.is_missing(geoms[pos]) else "an empty geometry"
        hint = " (set location_precision to 'unlocated' if it cannot be placed)" if schema.allow_unlocated else ""
        errors.setdefault(int(pos), []).append(f"has {what}{hint}")
    for pos in np.flatnonzero(~missing & unlocated):
        errors.setdefault(int(pos), []).append("is marked 'unlocated' but has a geometry")

    present = ~missing
    types = shapely.get_type_id(geoms)
    names = np.array(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ]
    )
    for pos in np.flatnonzero(present):
        gtype = names[types[pos]]
        if gtype not in schema.geometry_types:
            errors.setdefault(int(pos), []).append(
                f"geometry type {gtype} is not allowed here (expected {' or '.join(schema.geometry_types)})"
            )

    bounds = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        out_of_range = present & (
            (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
        )
        minx, miny, maxx, maxy = schema.region
        inside = (bounds[:, 0] >= minx) & (bounds[:, 2] <= maxx) & (bounds[:, 1] >= miny) & (bounds[:, 3] <= maxy)
        swapped = present & ~inside & _swapped_inside(bounds, schema.region)
    for pos in np.flatnonzero(swapped):
        x, y = bounds[pos, 0], bounds[pos, 1]
        errors.setdefault(int(pos), []).append(
            f"coordinates look swapped: ({x:.4f}, {y:.4f}) is read as longitude {x:.4f}, latitude "
            f"{y:.4f}; GeoJSON order is [longitude, latitude]"
        )
    for pos in np.flatnonzero(present & ~inside & ~swapped & ~out_of_range):
        report.warnings.append(
            f"{source}: {feature_label(gdf, int(pos), schema.id_field)}: lies outside the region this layer "
            f"covers (longitude {minx:g}..{maxx:g}, latitude {miny:g}..{maxy:g})"
        )
    for pos in np.flatnonzero(out_of_range & ~swapped):
        x, y = bounds[pos, 0], bounds[pos, 1]
        errors.setdefault(int(pos), []).append(
            f"coordinates out of range: longitude must be within -180..180 and latitude within "
            f"-90..90 (first corner is {x:.4f}, {y:.4f}); is the file in a projected CRS without saying so?"
        )

    invalid = present & ~shapely.is_valid(geoms) & ~out_of_range
    if invalid.any():
        geoms = geoms.copy()
        for pos in np.flatnonzero(invalid):
            reason = explain_validity(geoms[pos])
            fixed = shapely.make_valid(geoms[pos])
            family = schema.geometry_types
            if fixed.geom_type == "GeometryCollection":
                parts = [g for g in fixed.geoms if g.geom_type in family or "Multi" + g.geom_type in family]
                fixed = shapely.unary_union(parts) if parts else fixed
            if fixed.is_empty or fixed.geom_type not in family:
                errors.setdefault(int(pos), []).append(f"invalid geometry ({reason}) that cannot be repaired safely")
                continue
            geoms[pos] = fixed
            report.notes.append(
                f"{source}: {feature_label(gdf, int(pos), schema.id_field)}: invalid geometry "
                f"({reason}) repaired with make_valid"
            )
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return gdf


def validate(
    gdf: gpd.GeoDataFrame, schema: LayerSchema, source: str, on_error: str = "raise"
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Check gdf against schema and return it in EPSG:4326 with dates parsed.

    on_error="raise" refuses the whole layer on any feature problem; "drop" keeps the good
    features and lists the rejected ones in the report. Structural problems (no CRS,
    missing columns) always raise.
    """
    report = ValidationReport(source)
    gdf = check_crs(gdf, source, report)
    if gdf.empty:
        report.warnings.append(f"{source}: the layer has no features")
        gdf = gdf.copy()
        for f in schema.fields:
            if f.name not in gdf.columns:
                gdf[f.name] = pd.Series(dtype=object)
    errors: dict[int, list[str]] = {}
    check_properties(gdf, schema, source, errors)
    check_ids(gdf, schema, errors)
    check_date_order(gdf, schema, errors)
    gdf = check_geometry(gdf, schema, source, errors, report)
    check_fatalities(gdf, source, report)
    problems = [f"{feature_label(gdf, pos, schema.id_field)}: {msg}" for pos in sorted(errors) for msg in errors[pos]]
    if problems and on_error == "raise":
        raise LayerValidationError(source, problems)
    if problems:
        report.rejected.extend(f"{source}: {p}" for p in problems)
        keep = np.ones(len(gdf), dtype=bool)
        keep[sorted(errors)] = False
        gdf = gdf[keep]
    typed = typed_columns(gdf, schema)
    frame = pd.DataFrame(
        {c: pd.Series(typed[c], index=gdf.index, copy=False) if c in typed else gdf[c] for c in gdf.columns},
        copy=not COPY_ON_WRITE,
    )  # setting the columns one by one would copy each array
    gdf = gpd.GeoDataFrame(frame, geometry=gdf.geometry.name, crs=gdf.crs, copy=False)
    return gdf.reset_index(drop=True), report


def typed_columns(gdf: gpd.GeoDataFrame, schema: LayerSchema) -> dict:
    """The int, float and date columns as Int64, float64 and datetime64 arrays; the int (float)
    columns with no value at all share one array, which copy-on-write keeps from being written."""
    out, empty = {}, {}
    for f in schema.fields:
        if f.kind not in ("int", "float") or f.name not in gdf.columns:
            continue
        col = gdf[f.name]
        if COPY_ON_WRITE and col.isna().all():
            if f.kind not in empty:
                nan = np.full(len(col), np.nan)
                empty[f.kind] = pd.array(nan, dtype="Int64") if f.kind == "int" else nan
            out[f.name] = empty[f.kind]
        elif f.kind == "int":
            out[f.name] = pd.array(pd.to_numeric(col, errors="coerce"), dtype="Int64")
        else:
            out[f.name] = pd.to_numeric(col, errors="coerce").astype("float64").to_numpy()
    for name in schema.date_fields:
        if name in gdf.columns:
            out[name] = to_dates(gdf[name]).array
    return out
