"""Build the curated layers (incidents, markets, crossings, pipeline, power line, towns)
from the project's sourced fact sheet (a copy of shared/research/facts.json ships as
geo/data/sources/facts.json, so a clone can rebuild them).

Every value comes from the fact sheet; the mapping below only renames fields, normalises
vocabularies (category, precision, country codes) and applies the corrections listed in
CORRECTIONS, each explained in geo/data/README.md.

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

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "geo" / "data"
DEFAULT_FACTS = DATA / "sources" / "facts.json"
BUILT = "2026-11-28"
DATASET = "PKIR curated (this project)"
LICENCE = "CC BY 4.0 (this project's compilation; facts cite their sources)"

OUTLETS = {
    "dawn.com": "Dawn",
    "brecorder.com": "Business Recorder",
    "thenews.com.pk": "The News",
    "tribune.com.pk": "Express Tribune",
    "arynews.tv": "ARY News",
    "geo.tv": "Geo News",
    "nation.com.pk": "The Nation",
    "pakistantoday.com.pk": "Pakistan Today",
    "archive.pakistantoday.com.pk": "Pakistan Today",
    "profit.pakistantoday.com.pk": "Profit (Pakistan Today)",
    "en.irna.ir": "IRNA",
    "en.mehrnews.com": "Mehr News",
    "english.10mehr.com": "Mehr News",
    "presstv.ir": "Press TV",
    "tehrantimes.com": "Tehran Times",
    "ifpnews.com": "IFP News",
    "aljazeera.com": "Al Jazeera",
    "voa.pangea-cms.com": "VOA",
    "hindustantimes.com": "Hindustan Times",
    "tribuneindia.com": "The Tribune (India)",
    "en.trend.az": "Trend",
    "trend.az": "Trend",
    "propakistani.pk": "ProPakistani",
    "urdupoint.com": "UrduPoint",
    "dailytimes.com.pk": "Daily Times",
    "en.dailypakistan.com.pk": "Daily Pakistan",
    "arabnews.com": "Arab News",
    "wionews.com": "WION",
    "lbcgroup.tv": "LBCI",
    "thedefensepost.com": "The Defense Post",
    "en.wikipedia.org": "Wikipedia",
    "en.m.wikipedia.org": "Wikipedia",
    "longwarjournal.org": "Long War Journal",
    "fdd.org": "FDD",
    "financialtribune.com": "Financial Tribune",
    "deccanherald.com": "Deccan Herald",
    "ssgc.com.pk": "SSGC",
    "siasat.com": "Siasat",
    "shafaq.com": "Shafaq News",
    "trtworld.com:443": "TRT World",
    "anews.com.tr": "A News",
    "thequint.com": "The Quint",
}

CATEGORY = {
    "attack": "attack",
    "attack (suicide bombing)": "bombing/IED",
    "attack (IED)": "bombing/IED",
    "clash": "armed clash",
    "cross-border attack": "cross-border attack",
    "cross-border strike": "cross-border strike",
    "arrest": "arrest",
    "press event": "security (other)",
    "diplomatic visit": "diplomatic",
    "military/diplomatic visit": "diplomatic",
    "diplomatic measure": "diplomatic",
    "agreement": "agreement",
    "agreement (de-escalation)": "agreement",
    "inauguration": "inauguration",
    "inauguration (groundbreaking)": "inauguration",
    "designation": "designation",
    "decision": "policy decision",
    "border policy": "policy decision",
}
SECURITY = {
    "attack",
    "bombing/IED",
    "armed clash",
    "cross-border attack",
    "cross-border strike",
    "arrest",
    "security (other)",
}
COUNTRY = {"Pakistan": "PAK", "Iran": "IRN", "Pakistan/Iran": "PAK;IRN", "United States (re Pakistan/Iran)": "USA"}

# Corrections and additions to the fact sheet; each is described in geo/data/README.md.
CORRECTIONS = {
    "A02": {
        "disputed": (
            "The source article places this second clash of 12 July 2023 in Zhob district with "
            "5 militants killed; ISPR-based reporting (Dawn, VOA, PTI) places it near Sui, Dera "
            "Bugti district, with 2 militants killed (the 5 belong to the Zhob garrison attack). "
            "The point uses the ISPR location (Sui); the article's version is the alternative location."
        ),
        "alt_place": "Zhob district (per the source article)",
        "alt_lat": 31.3417,
        "alt_lon": 69.4486,
        # the fact sheet's note says the value was recalled, not looked up
        "location_note": (
            "town centre (exact site not reported); the fact sheet's point for Sui (about 28°38'N 69°19'E) "
            "fits 'about 40 km south of Dera Bugti' but was not checked against a gazetteer"
        ),
    },
    "C14": {
        "location_note": (
            "approximate (Sirkan town); the fact sheet marks this point unverified. Sirkan, seat of Bam Posht "
            "district in Saravan county, lies near the Pakistan border between the Mashkel and Nahang rivers "
            "(Persian Wikipedia); the point fits that but was not checked against a gazetteer"
        ),
    },
}


def sources(urls: list[str], date: str | None = None) -> list[dict]:
    out = []
    for url in urls:
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
        note = precision_text[precision_text.index("(") + 1 :].rstrip(")")
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
            "location_note": f"{e['location_precision']}; {e['coord_note']}".strip("; "),
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
            "sources": sources(e["sources"]),
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
        feats.append(feature(props, None))
    return feats


MARKET_STATUS = {
    "M1": "operating",
    "M2": "partly operating",
    "M3": "planned",
    "M4": "planned",
    "M5": "planned",
    "M6": "planned",
}
MARKET_OPENED = {
    "M1": ("2023-05-18", "day", "joint inauguration by PM Shehbaz Sharif and President Raisi"),
    "M2": (
        "2023-04-09",
        "day (approx.)",
        "Pakistani-side Gabd business market reported open by Dawn on this date; no joint MoU inauguration found",
    ),
}


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
        feats.append(feature(props, Point(m["lon"], m["lat"]) if named else None, 4))
    return feats


CROSSING_KIND = {"X1": "official", "X2": "official", "X3": "official", "X4": "trade", "X5": "local", "X6": "trade"}
CROSSING_OPENED = {
    "X2": ("2020-12-19", "day", "Mehr gives 20 December 2020"),
    "X3": ("2021-04-21", "day (approx.)", "day inferred; IRNA says April 2021"),
}


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
        slug = t["name"].replace(" ", "_")
        url = f"https://en.wikipedia.org/wiki/{slug}"
        props = {
            "id": "T-" + t["name"].lower().replace(" ", "-"),
            "name": t["name"],
            "country": COUNTRY[t["country"]],
            "admin1": t["province"],
            "admin2": t["district"],
            "relevance": t["relevance"],
            "location_precision": "town" if t["coord_confidence"] in ("high", "medium") else "approximate",
            "coord_confidence": t["coord_confidence"],
            "location_note": t["coord_check"],
            "sources": [{"outlet": "Wikipedia (coordinates)", "url": url, "date": None}],
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
