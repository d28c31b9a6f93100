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
from geo.schema import CATEGORIES

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
    "english.10mehr.com": "english.10mehr.com (repost of Orinoco Tribune, 5 Apr 2024)",
    "presstv.ir": "Press TV",
    "tehrantimes.com": "Tehran Times",
    "ifpnews.com": "IFP News",
    "aljazeera.com": "Al Jazeera",
    "voa.pangea-cms.com": "VOA",
    "voanews.com": "VOA",
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
    "trtworld.com": "TRT World",
    "anews.com.tr": "A News",
    "thequint.com": "The Quint",
    "arabicradio.ir": "IRIB Arabic radio (arabicradio.ir)",
    "masirahtv.net": "Al-Masirah TV (video report)",
}

# Source links corrected (issue 14); None drops a link. Each is listed in geo/data/README.md.
URL_FIXES = {
    # A01: a non-public CMS preview address; the public article at the same id
    "https://voa.pangea-cms.com/preview/en-US/a/pakistan-army-base-comes-under-deadly-militant-attack/7177403.html": (
        "https://www.voanews.com/a/pakistan-army-base-comes-under-deadly-militant-attack/7177403.html"
    ),
    # crawler leftovers in the path or host (A05, C01, C12, D03)
    "https://www.dawn.com/news/1746392/i.dawn.com": "https://www.dawn.com/news/1746392",
    "https://tribune.com.pk/story/1909753/3/": "https://tribune.com.pk/story/1909753",
    "https://tribune.com.pk/story/2453630/tribune.com.pk": "https://tribune.com.pk/story/2453630",
    "https://www.trtworld.com:443/article/16739515": "https://www.trtworld.com/article/16739515",
    # C01: the mobile mirror of the same Wikipedia article
    "https://en.m.wikipedia.org/wiki/2019_Khash%E2%80%93Zahedan_suicide_bombing": (
        "https://en.wikipedia.org/wiki/2019_Khash%E2%80%93Zahedan_suicide_bombing"
    ),
    # C02: a forum thread; Dawn and The Nation report the event first-hand
    "https://defence.pk/pdf/threads/"
    "pakistan-to-fence-border-demands-iran-to-take-action-against-terrorist-groups-of-ormara-killings.614621/": None,
    # X1: a wiki mirror; The News and IRNA report the crossing
    "https://friendlywiki.com/article/index.php?title=Taftan%2C_Balochistan": None,
}
# Links dropped from one event only, because they report another event.
URL_DROPS = {
    # C09 (Khash-Taftan road, 23 July 2023): WION's page is about the Rask attack of December 2023 (C10)
    "C09": {
        "https://www.wionews.com/world/at-least-11-iranian-officers-killed-in-jihadist-terror-attack-on-police-station-669913"
    },
    # C16 (Sib and Suran, April 2024): A News' page is about the Goharkuh ambush of October 2024 (C17)
    "C16": {
        "https://www.anews.com.tr/middle-east/2024/10/26/at-least-10-police-officers-killed-in-southeastern-iran-ambush"
    },
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
# categories on the security track, read from the one vocabulary (geo.schema.CATEGORIES)
SECURITY = {c.name for c in CATEGORIES if c.track == "security"}
COUNTRY = {"Pakistan": "PAK", "Iran": "IRN", "Pakistan/Iran": "PAK;IRN", "United States (re Pakistan/Iran)": "USA"}

# Corrections and additions to the fact sheet; each is described in geo/data/README.md.
# `disputed` is kept for sources that disagree; other remarks the fact sheet filed there move to
# the note they belong to (date_note, location_note, fatalities_note) or to the description.
CORRECTIONS = {
    "A01": {
        "disputed": (
            "Weapons: AP (via Hindustan Times) reports guns, hand grenades and rockets; "
            "Reuters (via Pakistan Today) mentions guns and hand grenades."
        ),
        "location_note": (
            "town centroid (garrison compound inside town not separately geolocated); Wikipedia infobox "
            "31°20'30\"N 69°26'55\"E. Zhob is on the Afghan side of Balochistan, far from the Iran border."
        ),
    },
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
    "A05": {
        "disputed": (
            "Where and when: ISPR announced the arrest without a place; an exiled Baloch journalist "
            "(via Indian Narrative) says he was seized in Turkey in April 2022."
        ),
        "location_note": "unknown; ISPR gave no location",
        "description": (
            "The military said an intelligence operation run over months and several locations had captured "
            "Gulzar Imam, founder of the banned BNA (formed in 2022 by merging the Baloch Republican Army and "
            "United Baloch Army). ISPR said he had been Brahamdagh Bugti's deputy in the BRA until 2018 and "
            "blamed the BNA for attacks in Panjgur and Noshki. The sources spell the group both 'Baloch "
            "National Army' and 'Baloch Nationalist Army'."
        ),
    },
    "A06": {"disputed": None, "date_note": "day derived from 'Tuesday' in a report of 24 May 2023"},
    "A07": {
        "disputed": (
            "Year: the source article dates the arrest to 2017 (the year of his death sentence, 10 April 2017); "
            "Pakistani officials and the other sources give 3 March 2016, and Jadhav's 'confession' video says "
            "2 March (India Today). Location: Mashkel (ISPR claims reported by esakal/expresspakistan); the IG "
            "FC said he entered from 'Sarawan' (Saravan); Dawn (2 Apr 2016) mentioned a raid in Chaman; India "
            "says he was abducted from Iran. The announcement is dated 24-26 March 2016 in different sources."
        ),
    },
    "A09": {
        "disputed": None,
        "date_note": "day (21 April) from dailythebusiness; the other sources say only 'April 2021'",
    },
    "A10": {
        "disputed": None,
        "date_note": (
            "inferred: Tehran Times (26 Jun 2023) says the meeting was 'on Sunday' (25 Jun 2023); "
            "the parade date itself is not given"
        ),
    },
    "A11": {
        "location_note": (
            "city centroid (ceremony venue not geolocated); it.wikipedia gives Chabahar 25°17'N 60°38'E "
            "(to the minute), 1.4 km from the point"
        ),
    },
    "B02": {
        # the fact sheet checked Iranshahr only against an unnamed list
        "location_note": (
            "segment end point (ceremony venue not reported); de.wikipedia gives Iranshahr 27°12'N 60°42'E "
            "(to the minute), about 1.5 km from the point"
        ),
    },
    "B06": {
        "disputed": None,
        "date_note": (
            "day inferred from a Daily Times 'Wednesday (today)' article that followed a report of "
            "17 April 2021; IRNA says only 'April 2021'"
        ),
    },
    "B07": {
        "disputed": None,
        "date_note": (
            "date of Dawn's report; the opening day is not stated. Not described as a jointly inaugurated MoU market"
        ),
    },
    "B10": {
        "disputed": None,
        "location_note": (
            "unknown; multiple points. 'Katagar' is transliterated from Arabic and its location is not "
            "identified. Low confidence: the only source is an Al-Masirah video report citing IRNA"
        ),
    },
    "C04": {
        "disputed": (
            "Date: Dawn (13 Jul 2023) refers to it as February 2022; ISPR dates it to the night of 25-26 January 2022."
        ),
        "location_note": (
            "district HQ used as proxy (post not identified; the exact post location was not given, and "
            "the raid is not described as cross-border)"
        ),
    },
    "C08": {"disputed": None, "fatalities_note": "casualties not reported in the report found"},
    "C11": {
        "disputed": None,
        "description": (
            "Another raid on a Rask station killed one officer, a week before Iran's strike in Pakistan. "
            "Only a brief mention was found (AFP via Dawn)."
        ),
    },
    "C12": {
        "disputed": (
            "What was hit: Iran said it destroyed two Jaish al-Adl bases; Pakistani officials said the "
            "missiles hit a family home and a mosque and killed two children; Jaish al-Adl said houses of "
            "fighters' families were hit."
        ),
        "location_note": (
            "approximate; village not geolocated. A Panjgur official (Daily Abb) put Sabz Koh about 90 km "
            "from Panjgur town, near the border; the point lies 64 km from Panjgur in a straight line and "
            "18 km from the border (Panjgur itself is 78 km from the border), so the 90 km is probably by "
            "road. The point was not moved: no source gives the village's position"
        ),
    },
    "C14": {
        "location_note": (
            "approximate (Sirkan town); the fact sheet marks this point unverified. Sirkan, seat of Bam Posht "
            "district in Saravan county, lies near the Pakistan border between the Mashkel and Nahang rivers "
            "(Persian Wikipedia); the point fits that but was not checked against a gazetteer"
        ),
    },
    "C15": {
        "location_note": (
            "city centroid (multi-site; Rask 26.2364, 61.3990 also affected); it.wikipedia gives Chabahar "
            "25°17'N 60°38'E (to the minute), 1.4 km from the point"
        ),
    },
    "C16": {
        "disputed": None,
        "date_note": (
            "inferred: the source says 'Tuesday', less than a week after the attacks of 3-4 April 2024, "
            "which gives 9 April 2024; no dated source was found. Low confidence: one source (IRIB's "
            "Arabic radio)"
        ),
    },
}

# X5: Jaleq's county. English Wikipedia (via a stored Kiwix copy, 2023-10) says Jaleq District left
# Saravan County in 2019 to form Golshan County; the Cabinet decree creating the county (published by
# qavanin.org and dotic.ir) is dated 17 Dey 1399 (6 January 2021), on a proposal of December 2019.
JALEQ = (
    "Jaleq/Jalq (Golshan County; part of Saravan County until Jaleq District became Golshan County "
    "- 2019 per English Wikipedia, Cabinet decree of 6 January 2021)"
)
GABD_NOTE = (
    "approximate crossing point (low confidence). Business Recorder (19 Dec 2020) puts the crossing about "
    "70 km from Gwadar and 120 km from Chabahar; the point is 72.7 km and 99.4 km from their town points in "
    "a straight line, 9.9 km from the coast and 12.6 km from where the border meets the sea. A report that "
    "places it about 22 km north of the coast could not be found in the stored copies; if it is right, the "
    "crossing lies some 10 km further north along the border"
)
SITE_CORRECTIONS = {
    "X2": {"location_note": GABD_NOTE},
    "X5": {
        "iran_side": JALEQ,
        "location_note": (
            "Jaleq town (approx.); Wikipedia infobox 27°36'02\"N 62°42'42\"E (from OpenStreetMap), "
            "1.6 km from the point"
        ),
    },
    "X6": {
        "status_note": (
            "reopened for trade 2020-07-05 (per IRNA via Al-Masirah). Low confidence: the only source "
            "found is a video report"
        ),
    },
    "M2": {"location_note": GABD_NOTE},
}


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
        props.update(SITE_CORRECTIONS.get(m["id"], {}))
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


WIKI = "https://en.wikipedia.org/wiki/"
# Each town's source: the page its coordinates can be checked on (disambiguated titles), and what
# was checked there (replacing the fact sheet's checks against unnamed "GitHub lists").
TOWN_SOURCES = {
    "Quetta": ("Wikipedia (coordinates)", WIKI + "Quetta", "Wikipedia-type value 30.18N 67.00E"),
    "Zhob": ("Wikipedia (coordinates)", WIKI + "Zhob", "Wikipedia infobox 31°20'30\"N 69°26'55\"E"),
    "Gwadar": (
        "Wikipedia (coordinates)",
        WIKI + "Gwadar",
        "Wikipedia infobox 25°07'35\"N 62°19'21\"E (25.1264, 62.3225)",
    ),
    "Turbat": (
        "Wikipedia (coordinates)",
        WIKI + "Turbat",
        "Wikipedia infobox 26°0'15\"N 63°3'38\"E (26.0042, 63.0606), 0.6 km from the point",
    ),
    "Panjgur": (
        "Wikipedia (coordinates)",
        WIKI + "Panjgur",
        "Wikipedia infobox 26°58'N 64°06'E (to the minute; 2015 copy), 0.8 km from the point",
    ),
    "Mashkel": (
        "Dawn (distance to the border)",
        "https://www.dawn.com/news/803372/quake-struck-balochistan-town-waiting-for-relief",
        "NOT verified: placed ~20 km E of the border S of Hamun-i-Mashkel (Dawn, 17 Apr 2013: the border "
        "is almost 20 km from Mashkel). Verify against a gazetteer.",
    ),
    "Taftan": (
        "Wikipedia (coordinates)",
        WIKI + "Taftan,_Balochistan",
        "a mirror of the English Wikipedia infobox (friendlywiki) 28.948, 61.5844; de.wikipedia 28°57'N 61°35'E",
    ),
    "Chaman": (
        "Wikipedia (coordinates)",
        WIKI + "Chaman",
        "Wikipedia infobox 30°55'20\"N 66°26'41\"E (2020 copy), 1.5 km from the point",
    ),
    "Zahedan": ("Wikipedia (coordinates)", WIKI + "Zahedan", "Wikipedia province page 29.4924, 60.8669"),
    "Chabahar": (
        "Wikipedia (coordinates)",
        WIKI + "Chabahar",
        "it.wikipedia 25°17'N 60°38'E (to the minute), 1.4 km from the point",
    ),
    "Saravan": (
        "Wikipedia (coordinates)",
        WIKI + "Saravan,_Iran",
        "Wikipedia infobox 27°22'15\"N 62°20'03\"E (27.3708, 62.3342)",
    ),
    "Rask": (
        "Wikipedia (coordinates)",
        WIKI + "Rask,_Iran",
        "Wikipedia infobox 26°14'08\"N 61°24'05\"E (from OpenStreetMap), 0.3 km from the point",
    ),
    "Mirjaveh": ("Wikipedia (coordinates)", WIKI + "Mirjaveh", "Wikipedia mirror 29°00'53\"N 61°27'00\"E"),
    "Iranshahr": (
        "German Wikipedia (coordinates)",
        "https://de.wikipedia.org/wiki/Ir%C4%81nschahr",
        "de.wikipedia 27°12'N 60°42'E (to the minute)",
    ),
    "Khash": (
        "Wikipedia (coordinates)",
        WIKI + "Khash,_Iran",
        "Wikipedia infobox 28°13'16\"N 61°12'57\"E (28.2211, 61.2158); a later revision gives 28°13'12\"N 61°12'41\"E",
    ),
    "Konarak": (
        "Wikipedia (coordinates)",
        WIKI + "Konarak,_Iran",
        "Wikipedia infobox 25°21'37\"N 60°23'58\"E (25.3603, 60.3994); a later revision gives 25°21'32\"N 60°23'57\"E",
    ),
}


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
