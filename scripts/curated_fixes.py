"""What the curated build changes in or adds to the fact sheet: outlet names, corrected and dropped
source links, vocabularies, corrections per record, and each town's source. Every entry is
explained in geo/data/README.md (issue 14 lists the latest ones).
"""

from __future__ import annotations

from geo.schema import CATEGORIES

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


CROSSING_KIND = {"X1": "official", "X2": "official", "X3": "official", "X4": "trade", "X5": "local", "X6": "trade"}
CROSSING_OPENED = {
    "X2": ("2020-12-19", "day", "Mehr gives 20 December 2020"),
    "X3": ("2021-04-21", "day (approx.)", "day inferred; IRNA says April 2021"),
}
