"""CSV and GeoJSON exports of exactly the filtered incidents, each with its attribution.

CSV: a plain comma-separated table, header first, so any spreadsheet opens it cleanly. Its
attribution travels beside it: to_csv_zip packs the CSV with CITATION.txt. Text cells are
always quoted; lists are flattened to '; '-joined text. Text that begins with = + - @ (or a tab
or carriage return) gets a leading ' so spreadsheets show it instead of running it; the
citation text is guarded the same way wherever a spreadsheet could split it into cells.

NUL characters (U+0000) are left out of both, so an export always imports back.

GeoJSON: an RFC 7946 FeatureCollection with a top-level "attribution" member; lists and
source records are kept as JSON arrays and objects.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime

import geopandas as gpd
import pandas as pd

from geo.filters import IncidentFilter
from geo.geojson_io import feature, json_value, round_coords
from geo.grades import grade_of
from geo.near import distance_columns
from geo.schema import UNGRADED
from geo.values import is_missing

DASHBOARD = "Pakistan–Iran border dashboard"
# The preferred column order of an export; other columns follow in the data's order.
CSV_ORDER = (
    "id",
    "title",
    "category",
    "track",
    "date_start",
    "date_end",
    "date_precision",
    "date_note",
    "country",
    "admin1",
    "admin2",
    "place",
    "latitude",
    "longitude",
    "km_to_border",
    "km_to_target",
    "location_precision",
    "coord_confidence",
    "location_note",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "fatalities_security",
    "fatalities_militants",
    "fatalities_civilians",
    "fatalities_unknown",
    "fatalities_note",
    "injured",
    "injured_note",
    "actors",
    "perpetrator",
    "description",
    "disputed",
    "grade",
    "claimed_by",
    "denied_by",
    "independent_sources",
    "grade_reason",
    "alt_place",
    "alt_lat",
    "alt_lon",
    "in_source_article",
    "source_outlets",
    "source_urls",
    "source_dates",
    "dataset",
    "licence",
    "updated_at",
)
LIST_SEP = "; "
NUL = "\x00"  # never written: no store keeps one (geo.validation.nul_problem), so an export imports back
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")  # a \u0000 escape (not an escaped backslash)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _present(values) -> list[str]:
    return sorted({str(v) for v in values if not is_missing(v)})


def _sources(value) -> list[dict]:
    return [s for s in value if isinstance(s, dict)] if isinstance(value, (list, tuple)) else []


def attribution(gdf: gpd.GeoDataFrame, f: IncidentFilter, duplicates: str = "") -> dict:
    """What an exported file must carry: who says so, under which terms, as of when, which filter,
    and (with several datasets) how duplicates across them were treated."""
    dates = _present(gdf["updated_at"].map(_iso)) if "updated_at" in gdf.columns else []
    outlets = _present(s.get("outlet") for srcs in gdf["sources"] for s in _sources(srcs))
    datasets = _present(gdf["dataset"]) if "dataset" in gdf.columns else []
    data_date = dates[-1] if dates else "unknown"
    return {
        "dashboard": DASHBOARD,
        "citation": (
            f"{DASHBOARD}: incidents and events export, data as of {data_date}"
            f" ({', '.join(datasets) or 'dataset not stated'}); filters: {f.describe()}."
            f"{' ' + duplicates if duplicates else ''} Cite the original sources listed for each record."
        ),
        "records": len(gdf),
        "filters": f.describe(),
        **({"duplicates": duplicates} if duplicates else {}),
        "data_date": data_date,
        "datasets": datasets,
        "licences": _present(gdf["licence"]) if "licence" in gdf.columns else [],
        "source_outlets": outlets,
    }


def _iso(value) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _ordered(columns) -> list[str]:
    known = [c for c in CSV_ORDER if c in columns]
    return known + [c for c in columns if c not in known]


def with_distances(gdf: gpd.GeoDataFrame, f: IncidentFilter | None) -> gpd.GeoDataFrame:
    """The records with km_to_border and, under a Near filter, km_to_target (geodesic, geo.near), and
    their verification grade ("ungraded" where a row kept before grades has none)."""
    grade = gdf["grade"].map(grade_of) if "grade" in gdf.columns else UNGRADED
    return gdf.assign(grade=grade, **distance_columns(gdf.geometry, f.near if f is not None else ""))


def export_frame(gdf: gpd.GeoDataFrame, f: IncidentFilter | None = None) -> pd.DataFrame:
    """The records as a flat table: plain values, lists '; '-joined, coordinates as latitude/longitude,
    then the distances of with_distances."""
    props = with_distances(gdf, f).drop(columns=gdf.geometry.name)
    flat = {}
    for col in props.columns:
        if col == "sources":
            srcs = props[col].map(_sources)
            flat["source_outlets"] = srcs.map(lambda s: LIST_SEP.join(str(x.get("outlet") or "") for x in s))
            flat["source_urls"] = srcs.map(lambda s: LIST_SEP.join(str(x.get("url") or "") for x in s))
            flat["source_dates"] = srcs.map(lambda s: LIST_SEP.join(_iso(x.get("date")) or "" for x in s))
        elif col == "actors":
            flat[col] = props[col].map(lambda a: LIST_SEP.join(map(str, a)) if isinstance(a, (list, tuple)) else a)
        else:
            flat[col] = pd.Series([json_value(v) for v in props[col]], index=props.index, dtype=object)
    geoms = gdf.geometry
    flat["latitude"] = [None if g is None or g.is_empty else round_coords(g.y) for g in geoms]
    flat["longitude"] = [None if g is None or g.is_empty else round_coords(g.x) for g in geoms]
    frame = pd.DataFrame(flat, index=gdf.index)
    return frame[_ordered(list(frame.columns))]


def _csv_cell(value) -> str:
    value = json_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value).replace(NUL, "")
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


_CELL_START = re.compile(r"(^|[,;\t|])(\s*)(?=[=+\-@])")


def guard_text(text: str) -> str:
    """One line of attribution that a spreadsheet may split at , ; tab or |: every piece that
    would start a formula gets a leading ', and line breaks of any kind become spaces."""
    return _CELL_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'", " ".join(str(text).replace(NUL, "").split()))


def citation_text(attr: dict) -> str:
    """CITATION.txt: who says so, under which terms, which filter; every value on its own guarded line."""
    lines = [
        f"{DASHBOARD} — incidents export",
        "The CSV beside this file holds exactly the exported records, header first.",
        "Lists in the CSV are '; '-joined. Text starting with = + - @ is prefixed with ' (spreadsheet safety).",
        "",
    ]
    for key, value in attr.items():
        if key == "dashboard":
            continue
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  * {guard_text(v)}" for v in value)  # not "-": a cell starting "-" is a formula
        else:
            lines.append(f"{key}: {guard_text(value)}")
    return "\n".join(lines) + "\n"


def to_csv(gdf: gpd.GeoDataFrame, f: IncidentFilter | None = None) -> str:
    """The CSV text: a header row, then one row per record (attribution: see to_csv_zip)."""
    frame = export_frame(gdf, f)
    lines = [",".join(frame.columns)]
    for row in frame.itertuples(index=False, name=None):
        lines.append(",".join(_csv_cell(v) for v in row))
    return "\n".join(lines) + "\n"


CSV_NAME, CITATION_NAME = "pkir-incidents.csv", "CITATION.txt"


def to_csv_zip(gdf: gpd.GeoDataFrame, f: IncidentFilter, duplicates: str = "") -> bytes:
    """A zip with the CSV (header first) and CITATION.txt, its attribution (duplicates: how
    duplicates across datasets were treated, when several are exported)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(CSV_NAME, to_csv(gdf, f))
        zf.writestr(CITATION_NAME, citation_text(attribution(gdf, f, duplicates)))
    return buf.getvalue()


def to_geojson(gdf: gpd.GeoDataFrame, f: IncidentFilter, duplicates: str = "") -> str:
    """The GeoJSON text: a FeatureCollection with the attribution as a top-level member."""
    props = with_distances(gdf, f).drop(columns=gdf.geometry.name)
    order = _ordered(list(props.columns))
    features = [
        feature({col: json_value(rec[col]) for col in order}, geom)
        for rec, geom in zip(props.to_dict("records"), gdf.geometry, strict=True)
    ]
    doc = {"type": "FeatureCollection", "attribution": attribution(gdf, f, duplicates), "features": features}
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    return _JSON_NUL.sub(r"\1", text) + "\n"
