"""How long finding duplicate candidates takes for two datasets of 100,000 rows each (issue 24: ≤ 10 s),
and how well it finds planted duplicates (recall, precision).

    python -m bench.bench_duplicates [--rows 100000]

``planted(n)`` builds the test data: a UCDP-like set of n events at real Balochistan and Sistan
places, a second dataset holding a copy of every other one (ids changed, points moved within the
stated precision, dates within a day, place names respelled as another transliteration) and
distinct events close to the originals that are not the same (outside the window, another kind,
or another place and other parties close by). tests/test_duplicates.py pins the measures.
"""

from __future__ import annotations

import argparse
import math
import random
import time

import pandas as pd

from geo.duplicates import candidate_pairs, pair_key

# (spelling, another transliteration, lon, lat)
PLACES = (
    ("Quetta", "Kwetta", 66.99, 30.18), ("Turbat", "Torbat", 63.05, 26.0), ("Panjgur", "Panjgoor", 64.1, 26.97),
    ("Gwadar", "Gawadar", 62.33, 25.13), ("Zahedan", "Zahidan", 60.86, 29.5), ("Saravan", "Sarawan", 62.33, 27.37),
    ("Chabahar", "Chahbahar", 60.64, 25.29), ("Mashkel", "Mashkil", 62.9, 27.9), ("Khash", "Khaash", 61.2, 28.2),
    ("Rask", "Raask", 61.4, 26.23), ("Mand", "Mund", 61.97, 26.08), ("Taftan", "Taftaan", 61.6, 28.97),
    ("Nok Kundi", "Nokkundi", 62.75, 28.82), ("Dalbandin", "Dalbandeen", 64.4, 28.89),
    ("Kharan", "Kharaan", 65.42, 28.58), ("Khuzdar", "Quzdar", 66.61, 27.8), ("Mastung", "Mastang", 66.84, 29.8),
    ("Kalat", "Qalat", 66.59, 29.02), ("Sibi", "Seebi", 67.88, 29.54), ("Dera Bugti", "Dera Bughti", 69.15, 29.03),
    ("Kohlu", "Kohloo", 69.25, 29.9), ("Awaran", "Awaraan", 65.23, 26.45), ("Hoshab", "Hooshab", 63.93, 26.03),
    ("Pasni", "Pasny", 63.47, 25.26), ("Ormara", "Urmara", 64.63, 25.21), ("Jiwani", "Jivani", 61.75, 25.05),
    ("Iranshahr", "Iranshehr", 60.68, 27.2), ("Nikshahr", "Nikshehr", 60.21, 26.23),
    ("Sarbaz", "Sarbaaz", 61.25, 26.63), ("Pishin", "Pisheen", 67.0, 30.58), ("Chaman", "Chamaan", 66.45, 30.92),
    ("Zhob", "Zhobe", 69.45, 31.34), ("Loralai", "Loralay", 68.6, 30.37), ("Washuk", "Vashuk", 64.8, 27.75),
    ("Tump", "Tomp", 62.37, 26.12), ("Buleda", "Bulaida", 62.75, 26.3),
)  # fmt: skip
ACTORS = (
    ("Military Forces of Pakistan", "BLA: Baloch Liberation Army"),
    ("Government of Pakistan", "BLF: Baloch Liberation Front"),
    ("Police Forces of Pakistan", "Unidentified Armed Group (Pakistan)"),
    ("Government of Iran", "Jaish al-Adl"),
    ("IRGC: Islamic Revolutionary Guard Corps", "Jaish al-Adl"),
    ("Military Forces of Pakistan", "TTP: Tehreek-i-Taliban Pakistan"),
    ("Frontier Corps", "BRAS: Baloch Raji Aajoi Sangar"),
    ("Iranian Border Guards", "Ansar al-Furqan"),
    ("Levies", "Lashkar-e-Jhangvi"),
)
VIOLENT = ("attack", "armed clash", "bombing/IED")
OTHER_KIND = ("protest", "arrest", "diplomatic")
PRECISION_KM = {"exact": 1.0, "near": 20.0}  # how far a copy may be moved: within the stated precision


def _moved(rnd: random.Random, lon: float, lat: float, km: float) -> tuple[float, float]:
    """A point up to km away in a random direction."""
    r, t = km * math.sqrt(rnd.random()), rnd.uniform(0, 2 * math.pi)
    return lon + r * math.cos(t) / (111.2 * math.cos(math.radians(lat))), lat + r * math.sin(t) / 111.2


def _row(i, prefix, day, place, lon, lat, category, actors, precision) -> dict:
    return {
        "id": f"{prefix}-{i}",
        "date_start": day,
        "date_end": day,
        "lon": lon,
        "lat": lat,
        "category": category,
        "place": place,
        "admin1": "Balochistan",
        "admin2": None,
        "actors": list(actors),
        "location_precision": precision,
    }


def planted(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """(original, other, truth): n original events, a second dataset with a copy of every other one
    and as many close-but-different events, and the pair keys of the true duplicates."""
    rnd = random.Random(seed)
    first = pd.Timestamp("2010-01-01")
    original, other, truth = [], [], set()
    for i in range(n):
        name, variant, plon, plat = rnd.choice(PLACES)
        precision = rnd.choice(("exact", "near"))
        lon, lat = _moved(rnd, plon, plat, 1.0 if precision == "exact" else 10.0)
        day = first + pd.Timedelta(days=rnd.randrange(15 * 365))
        category, actors = rnd.choice(VIOLENT), rnd.choice(ACTORS)
        original.append(_row(i, "UCDP", day, name, lon, lat, category, actors, precision))
        if i % 2 == 0:  # a duplicate, as the other source records it
            clon, clat = _moved(rnd, lon, lat, PRECISION_KM[precision])
            cday = day + pd.Timedelta(days=rnd.choice((-1, 0, 0, 1)))
            ccat = category if rnd.random() < 0.7 else rnd.choice(VIOLENT)
            cplace = variant if rnd.random() < 0.5 else name
            cactors = actors[::-1] if rnd.random() < 0.5 else actors
            other.append(_row(i, "ACLED", cday, cplace, clon, clat, ccat, cactors, precision))
            truth.add(pair_key(f"UCDP-{i}", f"ACLED-{i}"))
        else:  # a distinct event close to it
            other.append(_distinct(rnd, i, day, name, lon, lat, category, actors))
    return pd.DataFrame(original), pd.DataFrame(other), truth


def _distinct(rnd, i, day, name, lon, lat, category, actors) -> dict:
    """An event close to the original that is not it."""
    kind = i % 3 if i % 4 != 1 else 3
    if kind == 0:  # the same place and parties, days later
        return _row(i, "NEAR", day + pd.Timedelta(days=rnd.randint(3, 20)), name, lon, lat, category, actors, "exact")
    if kind == 1:  # the same day and kind, 30 to 60 km away
        mlon, mlat = _moved(rnd, lon, lat, 60.0)
        while math.hypot((mlon - lon) * 111.2 * math.cos(math.radians(lat)), (mlat - lat) * 111.2) < 30:
            mlon, mlat = _moved(rnd, lon, lat, 60.0)
        return _row(i, "NEAR", day, name, mlon, mlat, category, actors, "exact")
    if kind == 2:  # the same place and day, another kind of event
        mlon, mlat = _moved(rnd, lon, lat, 3.0)
        return _row(i, "NEAR", day, name, mlon, mlat, rnd.choice(OTHER_KIND), actors, "exact")
    # close by, the same day: another village, other parties
    mlon, mlat = _moved(rnd, lon, lat, 10.0)
    others = [a for a in ACTORS if a != actors and a[1] != actors[1]]
    place = rnd.choice([p[0] for p in PLACES if p[0] != name]) + " village"
    return _row(i, "NEAR", day, place, mlon, mlat, rnd.choice(VIOLENT), rnd.choice(others), "exact")


def measure(pairs: pd.DataFrame, truth: set[str]) -> tuple[float, float]:
    """(recall, precision) of the pairs found against the true pair keys."""
    found = {pair_key(a, b) for a, b in zip(pairs["id_a"], pairs["id_b"], strict=True)}
    hits = len(found & truth)
    return hits / max(1, len(truth)), hits / max(1, len(found))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    original, other, truth = planted(args.rows)
    start = time.perf_counter()
    pairs = candidate_pairs({"UCDP": original, "ACLED": other})
    took = time.perf_counter() - start
    recall, precision = measure(pairs, truth)
    print(
        f"{len(original):,} + {len(other):,} rows: {len(pairs):,} candidate pairs in {took:.2f} s; "
        f"recall {recall:.3f}, precision {precision:.3f} ({len(truth):,} planted duplicates)"
    )


if __name__ == "__main__":
    main()
