"""Tables behind the pipeline and the markets-and-crossings pages: segments, sites, openings,
and the markets page's opening sentence with the counts it states (market_lead).

Pure pandas/geopandas; the pages only render what these return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import distance_to_line_km, length_km, pct_diff
from geo.records import present

UNLOCATED_TEXT = "not mapped: the sources found do not locate this site"

# The memorandum of understanding on six joint border markets, signed in Tehran on 21 April 2021: the
# incidents layer's PKIR-A09 ("MoU on six joint border markets signed"; the day from dailythebusiness.com,
# the others say April 2021), whose sources these are; the markets layer's M5 and M6 cite the same.
MEMORANDUM = "The April 2021 memorandum"
MEMORANDUM_SOURCES = (
    "https://dailythebusiness.com/pakistan-iran-open-border-market-power-transmission-line/",
    "https://www.brecorder.com/news/40096901/three-border-markets-to-be-established-on-pak-iran-border-dawood",
    "https://news-avail.com/?p=3571",
)
# the statuses the markets page always counts, in this order (others follow, where there are any)
MARKET_STATUSES = ("operating", "partly operating", "planned")
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _sources_text(sources) -> str:
    if not isinstance(sources, (list, tuple)):
        return ""
    return "; ".join(str(s.get("outlet") or s.get("url") or "") for s in sources if isinstance(s, dict))


def _date(value):
    return pd.Timestamp(value).date() if present(value) else None


def segment_table(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per segment of a line layer, in route order: reported against geodesic length."""
    ordered = lines.sort_values("seq")
    measured = [length_km(g) for g in ordered.geometry]
    reported = [float(v) if present(v) else None for v in ordered["length_reported_km"]]
    out = pd.DataFrame(
        {
            "seq": ordered["seq"].astype("int64").to_numpy(),
            "id": ordered["id"].to_numpy(),
            "segment": ordered["name"].to_numpy(),
            "section": ordered["section"].to_numpy(),
            "status": ordered["status"].to_numpy(),
            "reported_km": pd.array(reported, dtype="Float64"),
            "measured_km": np.round(measured, 1),
        }
    )
    out["diff_pct"] = pd.array(
        [None if d is None else round(d, 1) for d in map(pct_diff, measured, reported)], dtype="Float64"
    )
    for col in ("length_reported_text", "diameter_in", "capacity", "voltage_kv", "capacity_mw", "capacity_note"):
        if col in ordered.columns:
            out[col] = ordered[col].to_numpy()
    out["date"] = [_date(v) for v in ordered["date"]]
    out["date_note"] = ordered["date_note"].to_numpy()
    out["sources"] = [_sources_text(s) for s in ordered["sources"]]
    return _nones(out)


def _nones(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text as None (not NaN), so tables show it as empty."""
    for col in frame.columns:
        if pd.api.types.is_object_dtype(frame[col]) or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = pd.Series([v if present(v) else None for v in frame[col]], index=frame.index, dtype=object)
    return frame


def route_nodes(route: gpd.GeoDataFrame) -> pd.DataFrame:
    """The named end points of a route's segments, in order ("Asaluyeh – Iranshahr (IGAT-7)" gives two).

    Names come from the segment names; a node shared by two segments appears once.
    """
    rows: list[dict] = []
    for r in route.sort_values("seq").itertuples():
        names = re.split(r"\s+[–—-]\s+", re.sub(r"\s*\(.*?\)", "", str(r.name)).strip())
        coords = list(r.geometry.coords)
        ends = [(names[0], coords[0]), (names[-1] if len(names) > 1 else "", coords[-1])]
        for name, (lon, lat) in ends:
            if rows and (rows[-1]["lon"], rows[-1]["lat"]) == (lon, lat):
                continue
            rows.append({"name": name[:1].upper() + name[1:], "lon": lon, "lat": lat, "seq": int(r.seq)})
    return pd.DataFrame(rows, columns=["name", "lon", "lat", "seq"])


def section_totals(lines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Reported and measured km by section and status (e.g. Pakistan / not built: 781 reported)."""
    table = segment_table(lines)
    grouped = table.groupby(["section", "status"], sort=False).agg(
        segments=("id", "count"), reported_km=("reported_km", "sum"), measured_km=("measured_km", "sum")
    )
    grouped = grouped.reset_index()
    grouped["measured_km"] = grouped["measured_km"].round(1)
    grouped["diff_pct"] = [
        None if d is None else round(d, 1) for d in map(pct_diff, grouped["measured_km"], grouped["reported_km"])
    ]
    return grouped


def towns_near_route(route: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, within_km: float = 10.0) -> pd.DataFrame:
    """Towns within within_km of the route, ordered along it, with their distance in km."""
    from shapely import line_merge, union_all

    line = line_merge(union_all(route.sort_values("seq").geometry.to_numpy()))
    dist = distance_to_line_km(towns.geometry, line)
    near = towns.assign(distance_km=np.round(dist, 1))[dist <= within_km]
    if near.empty:
        return pd.DataFrame(columns=["id", "name", "country", "distance_km"])
    # order along the route: the route runs west to east, so longitude orders them
    near = near.assign(_x=near.geometry.x).sort_values("_x")
    return pd.DataFrame(near[["id", "name", "country", "distance_km"]]).reset_index(drop=True)


def _location(geom, precision: str | None, note: str | None) -> str:
    if geom is None or geom.is_empty:
        return f"not mapped: {note}" if present(note) else UNLOCATED_TEXT
    return f"{geom.y:.2f}, {geom.x:.2f} ({precision or 'precision not stated'})"


def site_table(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Markets or crossings as a table; an unlocated site gets a plain statement, never a point."""
    out = pd.DataFrame(
        {
            "id": sites["id"].to_numpy(),
            "name": sites["name"].to_numpy(),
            "pakistan_side": sites["pakistan_side"].to_numpy(),
            "iran_side": sites["iran_side"].to_numpy(),
        }
    )
    if "phase" in sites.columns:
        out.insert(1, "phase", sites["phase"].astype("int64").to_numpy())
    if "status" in sites.columns:
        out["status"] = sites["status"].to_numpy()
    if "kind" in sites.columns:
        out["kind"] = sites["kind"].to_numpy()
    out["opened"] = [_date(v) for v in sites["opened"]]
    out["date_precision"] = sites["date_precision"].to_numpy()
    out["status_note"] = sites["status_note"].to_numpy()
    out["located"] = [g is not None and not g.is_empty for g in sites.geometry]
    out["location"] = [
        _location(g, p, n)
        for g, p, n in zip(sites.geometry, sites["location_precision"], sites["location_note"], strict=True)
    ]
    out["location_note"] = sites["location_note"].to_numpy()
    out["sources"] = [_sources_text(s) for s in sites["sources"]]
    return _nones(out)


def unlocated_ids(sites: gpd.GeoDataFrame) -> list[str]:
    """Ids of the features with no location (not drawn on any map)."""
    return [str(i) for i, g in zip(sites["id"], sites.geometry, strict=True) if g is None or g.is_empty]


def market_summary(markets: gpd.GeoDataFrame) -> dict:
    """Counts for the headline: how many markets, by status, how many named and located."""
    located = [g is not None and not g.is_empty for g in markets.geometry]
    return {
        "total": len(markets),
        "by_status": {str(k): int(v) for k, v in markets["status"].value_counts(sort=False).items()},
        "located": int(sum(located)),
        "unlocated": int(len(markets) - sum(located)),
        "unlocated_ids": unlocated_ids(markets),
        "by_phase": {int(k): int(v) for k, v in markets["phase"].value_counts().sort_index().items()},
    }


def openings(markets: gpd.GeoDataFrame, crossings: gpd.GeoDataFrame) -> pd.DataFrame:
    """What opened when: markets and crossings with an opening date, oldest first."""
    rows = []
    for layer, frame in (("market", markets), ("crossing", crossings)):
        for r in frame.itertuples():
            if not present(r.opened):
                continue
            what = r.status if layer == "market" else r.kind
            rows.append(
                {
                    "date": _date(r.opened),
                    "date_precision": r.date_precision,
                    "type": layer,
                    "id": r.id,
                    "name": r.name,
                    "status": what,
                    "note": r.date_note,
                }
            )
    frame = pd.DataFrame(rows, columns=["date", "date_precision", "type", "id", "name", "status", "note"])
    return frame.sort_values(["date", "id"]).reset_index(drop=True)


@dataclass(frozen=True)
class Prose:
    """Editorial text with the data it speaks of: Markdown whose "{}" stand for data text (template,
    ours), that text (values: escape each, as ui.safe_text.safe(template, *values) does) and the
    sources of what it claims (URLs)."""

    template: str
    values: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def _count_words(n: int, one: str, many: str) -> str:
    """'two phases', 'one phase', '12 phases'."""
    return f"{_NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else n} {one if n == 1 else many}"


def market_lead(summary: dict) -> Prose:
    """The markets page's first sentences, from market_summary: how many markets the memorandum
    plans and in how many phases, how many by status, and which are not mapped and why."""
    total, by_status, n = summary["total"], summary["by_status"], summary["unlocated"]
    others = [status for status in by_status if status not in MARKET_STATUSES]  # data text: a value
    counts = [f"{by_status.get(status, 0)} {status}" for status in MARKET_STATUSES]
    counts += [f"{by_status[status]} {{}}" for status in others]
    phases = _count_words(len(summary["by_phase"]), "phase", "phases")
    markets = f"{total} joint border market{'' if total == 1 else 's'}"
    text = f"{MEMORANDUM} plans **{markets}** in {phases}. {', '.join(counts)}."
    if not n:
        return Prose(text, tuple(others), MEMORANDUM_SOURCES)
    it, are = ("it", "is") if n == 1 else ("they", "are")
    text += (
        f" **{n} of the {total} ({{}}) {are} not named in any source found, so {it} {are} listed below but not "
        f"mapped** — no location has been invented for {'it' if n == 1 else 'them'}."
    )
    return Prose(text, (*others, ", ".join(summary["unlocated_ids"])), MEMORANDUM_SOURCES)


INDICATIVE_ROUTE = (  # the project's method (geo/data/README.md, pipeline), not a source's claim
    "The route drawn here is **indicative**: straight lines between the places the sources name, not a "
    "surveyed alignment, so the lengths measured on it come out shorter than those reported."
)


def pipeline_lead(route: pd.DataFrame) -> Prose:
    """The pipeline page's first sentences, from the route's segments: what Iran built and when
    (its dated "built" segment), that it says the rest is complete ("claimed built"), whether
    Pakistan's section is laid; then how the route is drawn; with the sources of those segments."""
    iran = route[route["section"] == "Iran"]
    pakistan = route[route["section"] == "Pakistan"]
    built = iran[iran["status"] == "built"]
    claimed = iran[iran["status"] == "claimed built"]
    said, values, rows = [], [], []
    if len(built):
        first = built.iloc[0]
        when = pd.Timestamp(first["date"]).year if pd.notna(first["date"]) else None
        note = first.get("date_note") if isinstance(first.get("date_note"), str) else "built"
        said.append("Iran built its trunk line {}" + (f" ({{}} {when})" if when else ""))
        values += [str(first["name"])] + ([note] if when else [])
        rows.append(built)
    if len(claimed):
        said.append("says its section is complete to the border" if said else "Iran says its section is complete")
        rows.append(claimed)
    text = " and ".join(said)
    if len(pakistan):
        laid = int((pakistan["status"] != "not built").sum())
        part = (
            "Pakistan's section has not been laid"
            if not laid
            else f"{laid} of Pakistan's {len(pakistan)} segments are laid"
        )
        text = f"{text}; {part}" if text else part
        rows.append(pakistan)
    urls = [
        str(source["url"])
        for frame in rows
        for sources in frame["sources"]
        if isinstance(sources, (list, tuple))
        for source in sources
        if isinstance(source, dict) and source.get("url")
    ]
    lead = f"{text}. {INDICATIVE_ROUTE}" if text else INDICATIVE_ROUTE
    return Prose(lead, tuple(values), tuple(dict.fromkeys(urls)))
