"""Build the curated layers (incidents, markets, crossings, pipeline, power line, towns)
from the project's sourced fact sheet (a copy of shared/research/facts.json ships as
geo/data/sources/facts.json, so a clone can rebuild them).

Every value comes from the fact sheet; the mapping below only renames fields, normalises
vocabularies (category, precision, country codes) and applies the corrections kept in
scripts/curated_fixes.py, each explained in geo/data/README.md.

    python -m scripts.build_curated_layers [--facts geo/data/sources/facts.json]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from urllib.parse import urlparse

from shapely.geometry import LineString, Point

from geo.geojson_io import feature, write_feature_collection
from geo.grades import curated
from scripts.curated_fixes import (
    CATEGORY,
    CORRECTIONS,
    COUNTRY,
    CROSSING_KIND,
    CROSSING_OPENED,
    MARKET_OPENED,
    MARKET_STATUS,
    OUTLETS,
    SECURITY,
    SITE_CORRECTIONS,
    TOWN_SOURCES,
    URL_DROPS,
    URL_FIXES,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "geo" / "data"
DEFAULT_FACTS = DATA / "sources" / "facts.json"
BUILT = "2026-11-28"
DATASET = "PKIR curated (this project)"
LICENCE = "CC BY 4.0 (this project's compilation; facts cite their sources)"


def without_unnamed_lists(text: str | None) -> str:
    """The fact sheet's coordinate cross-check without the unnamed 'GitHub lists' it cites."""
    parts = [p for p in (text or "").split("; ") if p and "GitHub" not in p]
    return "; ".join(parts) or "the fact sheet's value, not re-checked against a named gazetteer"


def sources(urls: list[str], date: str | None = None) -> list[dict]:
    out = []
    for url in urls:
        url = URL_FIXES.get(url, url)
        if url is None:
            continue
        host = urlparse(url).netloc.lower().removeprefix("www.")
        out.append({"outlet": OUTLETS.get(host, host), "url": url, "date": date})
    return out


def iso_dates(date: str | None, end: str | None, precision_text: str) -> tuple[str, str, str, str | None]:
    """(date_start, date_end, date_precision, date_note) from the fact sheet's date fields."""
    text = (precision_text or "").lower()
    if re.fullmatch(r"\d{4}", date):
        return f"{date}-01-01", f"{date}-12-31", "year", None
    if re.fullmatch(r"\d{4}-\d{2}", date):
        y, m = map(int, date.split("-"))
        last = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return f"{date}-01", f"{date}-{last:02d}", "month", None
    note = None
    if "(" in text:
        note = precision_text[precision_text.index("(") + 1 :].replace(")", "")
    if end:
        return date, end, "days", note
    if "inferred" in text or "report date" in text:
        return date, date, "day (approx.)", note
    return date, date, "day", note


def location_precision(lat, text: str, confidence: str) -> str:
    text, confidence = (text or "").lower(), (confidence or "").lower()
    if lat is None:
        return "unlocated"
    if "proxy" in text or "county level" in text or ("district" in text and "hq" in text):
        return "district"
    if "centroid" in text or "segment end point" in text:
        return "town" if not confidence.startswith("low") else "approximate"
    if confidence.startswith(("high", "medium")) and "approx" not in text:
        return "town"
    return "approximate"


def first_int(text) -> int | None:
    if text is None:
        return None
    m = re.match(r"\s*(\d+)", str(text))
    return int(m.group(1)) if m else None


def with_grade(props: dict) -> dict:
    """The incident with its verification grade (geo.grades.curated) placed after `disputed`."""
    graded = curated(props).fields()
    out = {}
    for key, value in props.items():
        out[key] = value
        if key == "disputed":
            out.update(graded)
    return out


def build_incidents(facts: dict) -> list[dict]:
    feats = []
    for e in facts["events"]:
        category = CATEGORY[e["type"]]
        start, end, dprec, dnote = iso_dates(e["date"], e["end_date"], e["date_precision"])
        fat = e.get("fatalities") or {}
        track = (
            "security"
            if category in SECURITY
            else "infrastructure & trade"
            if e["id"].startswith("B") or e["id"] in {"A08", "A09", "A11"}
            else "diplomacy"
        )
        props = {
            "id": "PKIR-" + e["id"],
            "title": e["title"],
            "category": category,
            "track": track,
            "date_start": start,
            "date_end": end,
            "date_precision": dprec,
            "date_note": dnote,
            "country": COUNTRY[e["country"]],
            "admin1": e["province"],
            "admin2": e["district"] if e["district"] not in (None, "-") else None,
            "place": e["place"],
            "location_precision": location_precision(e["lat"], e["location_precision"], e["coord_confidence"]),
            "coord_confidence": e["coord_confidence"].split(" ")[0],
            "location_note": f"{e['location_precision']}; {without_unnamed_lists(e['coord_note'])}".strip("; "),
            "fatalities_best": fat.get("total"),
            "fatalities_low": None,
            "fatalities_high": None,
            "fatalities_security": fat.get("security_forces"),
            "fatalities_militants": fat.get("militants_attackers"),
            "fatalities_civilians": fat.get("civilians"),
            "fatalities_unknown": None,
            "fatalities_note": fat.get("note"),
            "injured": first_int(e.get("injured")),
            "injured_note": e.get("injured"),
            "actors": e["actors"],
            "perpetrator": e["perpetrator"],
            "description": e["description"],
            "sources": sources([u for u in e["sources"] if u not in URL_DROPS.get(e["id"], ())]),
            "disputed": e.get("discrepancies"),
            "alt_place": None,
            "alt_lat": None,
            "alt_lon": None,
            "in_source_article": bool(e["in_source_article"]),
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        props.update(CORRECTIONS.get(e["id"], {}))
        props = with_grade(props)
        geom = Point(e["lon"], e["lat"]) if e["lat"] is not None else None
        feats.append(feature(props, geom, 4))
    known = {f["properties"]["date_start"] for f in feats if f["properties"]["track"] == "infrastructure & trade"}
    for n, (date, what, url) in enumerate(facts["gas_pipeline"]["dates"], start=1):
        start, end, dprec, _ = iso_dates(date, None, "")
        if start in known:  # already an event of its own (B01, B02, A11, B03, B04)
            continue
        props = {
            "id": f"PKIR-P{n:02d}",
            "title": "Pipeline: " + what,
            "category": "pipeline milestone",
            "track": "infrastructure & trade",
            "date_start": start,
            "date_end": end,
            "date_precision": dprec,
            "date_note": None,
            "country": "PAK;IRN",
            "admin1": None,
            "admin2": None,
            "place": None,
            "location_precision": "unlocated",
            "coord_confidence": "none",
            "location_note": "not a located event",
            "fatalities_best": None,
            "fatalities_low": None,
            "fatalities_high": None,
            "fatalities_security": None,
            "fatalities_militants": None,
            "fatalities_civilians": None,
            "fatalities_unknown": None,
            "fatalities_note": None,
            "injured": None,
            "injured_note": None,
            "actors": [],
            "perpetrator": None,
            "description": what[0].upper() + what[1:] + ".",
            "sources": sources([url]),
            "disputed": None,
            "alt_place": None,
            "alt_lat": None,
            "alt_lon": None,
            "in_source_article": False,
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        feats.append(feature(with_grade(props), None))
    return feats


def build_markets(facts: dict) -> list[dict]:
    mou = next(e for e in facts["events"] if e["id"] == "A09")["sources"]
    feats = []
    for m in facts["border_markets"]:
        named = m["lat"] is not None
        opened = MARKET_OPENED.get(m["id"])
        urls = m["sources"] or mou
        props = {
            "id": m["id"],
            "name": (
                f"{m['pakistan_side'].split(' (')[0]} – {m['iran_side'].split(' (')[0].split(' /')[0]}"
                if named
                else f"Phase-2 market {m['id']} (site not named in sources)"
            ),
            "phase": m["phase"],
            "pakistan_side": m["pakistan_side"],
            "iran_side": m["iran_side"],
            "status": MARKET_STATUS[m["id"]],
            "status_note": m["status"] + (f"; {m['opened']}" if m["opened"] else ""),
            "opened": opened[0] if opened else None,
            "date_precision": opened[1] if opened else None,
            "date_note": opened[2] if opened else None,
            "location_precision": "approximate" if named else "unlocated",
            "coord_confidence": m["coord_confidence"],
            "location_note": m["location_precision"]
            if named
            else "The sources found do not name or locate this market; it is not mapped.",
            "details": m["details"]
            if m["details"] != "see M4"
            else "One of the three phase-2 markets of the April 2021 MoU; see M4.",
            "sources": sources(urls),
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        props.update(SITE_CORRECTIONS.get(m["id"], {}))
        feats.append(feature(props, Point(m["lon"], m["lat"]) if named else None, 4))
    return feats


def build_crossings(facts: dict) -> list[dict]:
    feats = []
    for x in facts["border_crossings"]:
        located = x["lat"] is not None
        opened = CROSSING_OPENED.get(x["id"])
        props = {
            "id": x["id"],
            "name": x["name"].replace(" - ", " – "),
            "pakistan_side": x["pakistan_side"],
            "iran_side": x["iran_side"],
            "kind": CROSSING_KIND[x["id"]],
            "status_note": x["status"],
            "opened": opened[0] if opened else None,
            "date_precision": opened[1] if opened else None,
            "date_note": opened[2] if opened else x["opened"],
            "location_precision": ("approximate" if located else "unlocated"),
            "coord_confidence": x["coord_confidence"],
            "location_note": x["location_precision"]
            if located
            else "The sources found do not locate this crossing; it is not mapped.",
            "sources": sources(x["sources"]),
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        props.update(SITE_CORRECTIONS.get(x["id"], {}))
        feats.append(feature(props, Point(x["lon"], x["lat"]) if located else None, 4))
    return feats


def build_pipeline(facts: dict) -> list[dict]:
    gp = facts["gas_pipeline"]
    wp = {w["seq"]: (w["lon"], w["lat"]) for w in gp["waypoints"]}
    seg = {s["segment"]: s for s in gp["segments"]}
    capacity = gp["capacity"]["contract"]
    rows = [
        (
            "P1",
            1,
            "Asaluyeh – Iranshahr (IGAT-7)",
            "Iran",
            "built",
            [1, 2, 3, 4],
            seg["Asaluyeh - Iranshahr"],
            902.0,
            56,
            "2010-08-23",
            "day",
            "inaugurated",
            "Via-points Bandar Abbas and Minab are indicative; the exact alignment is not sourced.",
        ),
        (
            "P2",
            2,
            "Iranshahr – border zero point",
            "Iran",
            "claimed built",
            [4, 5],
            seg["Iranshahr - border"],
            290.0,
            56,
            None,
            None,
            None,
            "Iran says its section is complete to the border; not independently verified. "
            "Reported length ~250 km (Pakistan Today), 290 km (Trend), ~400 km (Trend 2010).",
        ),
        (
            "P3",
            3,
            "Border zero point – Gwadar (Pakistan phase 1)",
            "Pakistan",
            "not built",
            [5, 6],
            seg["Border - Gwadar (Pakistan phase 1)"],
            81.0,
            42,
            "2024-02-23",
            "day",
            "construction approved by Pakistan's CCoE",
            "Reported as 80–81 km; US$150.8–158 m; none laid as of the sources.",
        ),
        (
            "P4",
            4,
            "Gwadar – Nawabshah (via Pasni, Ormara)",
            "Pakistan",
            "not built",
            [6, 7, 8, 9],
            seg["Gwadar - Nawabshah"],
            700.0,
            42,
            None,
            None,
            None,
            "Route described only as along the Makran coast; Pasni and Ormara via-points are "
            "indicative and the alignment east of Ormara is not sourced.",
        ),
    ]
    feats = []
    for pid, seq, name, section, status, points, s, km, diam, date, dprec, what, note in rows:
        props = {
            "id": pid,
            "seq": seq,
            "name": name,
            "section": section,
            "status": status,
            "length_reported_km": km,
            "length_reported_text": s["length_km"],
            "diameter_in": diam,
            "capacity": capacity,
            "date": date,
            "date_precision": dprec,
            "date_note": what,
            "status_note": s["status"],
            "note": note,
            "location_precision": "indicative",
            "location_note": "straight lines between the fact sheet's waypoints; not a surveyed route",
            "sources": sources(s["sources"]),
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        feats.append(feature(props, LineString([wp[i] for i in points]), 4))
    return feats


def build_power_line(facts: dict) -> list[dict]:
    ends = [(e["lon"], e["lat"]) for e in facts["power_line"]["endpoints"]]
    fact_urls = [urls for _, urls in facts["power_line"]["facts"]]
    rows = [
        (
            "E1",
            "Polan substation – border (Iranian side)",
            "Iran",
            51.0,
            None,
            "Polan is reported 51 km from the border (The Nation, 14 Mar 2023); built by Sunir.",
            fact_urls[2],
        ),
        (
            "E2",
            "Kalatu (border, near Gabd) – Jiwani grid",
            "Pakistan",
            29.0,
            132,
            "New 29-km double-circuit 132 kV line; circuits tested 5 and 7 Feb 2023.",
            fact_urls[1],
        ),
        (
            "E3",
            "Jiwani – Gwadar grid",
            "Pakistan",
            75.0,
            132,
            "Existing ~75-km double-circuit line that carries the imported power on to Gwadar.",
            fact_urls[1],
        ),
    ]
    feats = []
    for n, (pid, name, section, km, kv, note, urls) in enumerate(rows):
        props = {
            "id": pid,
            "seq": n + 1,
            "name": name,
            "section": section,
            "status": "in service",
            "length_reported_km": km,
            "voltage_kv": kv,
            "capacity_mw": 100,
            "capacity_note": "additional 100 MW from Iran for Gwadar/Makran on top of ~100 MW already "
            "imported; one report says 110 MW, another a 204 MW total",
            "date": "2023-05-18",
            "date_precision": "day",
            "date_note": "joint inauguration at Mand-Pishin (informally energised ~March 2023)",
            "note": note,
            "location_precision": "indicative",
            "location_note": "straight line between approximate end points; not a surveyed route",
            "sources": sources(urls + fact_urls[0]),
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        feats.append(feature(props, LineString([ends[n], ends[n + 1]]), 4))
    return feats


def build_towns(facts: dict) -> list[dict]:
    feats = []
    for t in facts["key_towns"]:
        outlet, url, checked = TOWN_SOURCES[t["name"]]
        confidence = t["coord_confidence"]
        props = {
            "id": "T-" + t["name"].lower().replace(" ", "-"),
            "name": t["name"],
            "country": COUNTRY[t["country"]],
            "admin1": t["province"],
            "admin2": t["district"],
            "relevance": t["relevance"],
            "location_precision": "town" if confidence in ("high", "medium") else "approximate",
            "coord_confidence": confidence,
            "location_note": checked,
            "sources": [{"outlet": outlet, "url": url, "date": None}],
            "dataset": DATASET,
            "licence": LICENCE,
            "updated_at": BUILT,
        }
        feats.append(feature(props, Point(t["lon"], t["lat"]), 4))
    return feats


BUILDERS = {
    "incidents": build_incidents,
    "markets": build_markets,
    "crossings": build_crossings,
    "pipeline": build_pipeline,
    "power_line": build_power_line,
    "towns": build_towns,
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=Path, default=DEFAULT_FACTS)
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    facts = json.loads(args.facts.read_text(encoding="utf-8"))
    for name, build in BUILDERS.items():
        feats = build(facts)
        write_feature_collection(args.out / f"{name}.geojson", feats, name=name)
        print(f"{name}: {len(feats)} features")


if __name__ == "__main__":
    main()
