"""Synthetic incidents for benchmarks and scale tests, valid under geo.schema.INCIDENTS.

Points fall inside the shipped Balochistan and Sistan and Baluchestan polygons; categories,
dates, fatalities, actors, sources and precision are random but plausible. Nothing here is a
real event: every record says so in its title, dataset and description.

    python -m bench.synthetic OUT_DIR --n 100000 [--seed 0]
    PKIR_DATA_DIR=OUT_DIR streamlit run app.py
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.catalog import DATA_DIR, LAYERS
from geo.geojson_io import write_feature_collection
from geo.schema import CATEGORIES, INCIDENT_CATEGORIES, LOCATION_PRECISION

SECURITY = {c.name for c in CATEGORIES if c.track == "security"}
DIPLOMACY = {c.name for c in CATEGORIES if c.track == "diplomacy"}
VIOLENT = {c.name for c in CATEGORIES if c.violent}
# Security events dominate real data; categories not named here get weight 1.
WEIGHTS = {
    "attack": 30,
    "bombing/IED": 15,
    "armed clash": 12,
    "cross-border attack": 5,
    "cross-border strike": 4,
    "arrest": 8,
    "security (other)": 6,
    "diplomatic": 4,
    "other": 3,
}
PLACES = {
    "PAK": ["Quetta", "Zhob", "Gwadar", "Turbat", "Panjgur", "Mashkel", "Taftan", "Chaman", "Kech", "Kharan"],
    "IRN": ["Zahedan", "Chabahar", "Saravan", "Rask", "Mirjaveh", "Iranshahr", "Khash", "Konarak", "Sarbaz"],
}
ACTORS = [
    "Security forces",
    "Frontier Corps",
    "Border guards",
    "IRGC",
    "Police",
    "Militant group A",
    "Militant group B",
    "Separatist group C",
    "Unidentified gunmen",
    "Civilians",
    "Smugglers",
]
OUTLETS = ["Outlet One", "Outlet Two", "Wire Service", "Regional Daily", "Broadcaster"]
PRECISIONS = [p for p in LOCATION_PRECISION if p != "unlocated"]
DATE_PRECISIONS = ["day", "day (approx.)", "days", "week", "month"]
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2025, 12, 31)
UNLOCATED_SHARE = 0.01
DATASET = "synthetic benchmark data (bench.synthetic)"
PROVINCE_ADMIN1 = {"PAK": "Balochistan", "IRN": "Sistan and Baluchestan"}


def _provinces(data_dir: Path = DATA_DIR) -> dict[str, object]:
    """Province polygon per country code, from the shipped provinces layer."""
    doc = json.loads((data_dir / LAYERS["provinces"].file).read_text(encoding="utf-8"))
    return {f["properties"]["country"]: shape(f["geometry"]) for f in doc["features"]}


def _points_in(polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """n random (lon, lat) rows uniformly inside polygon (rejection sampling over its bounds)."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    out = np.empty((0, 2))
    while len(out) < n:
        m = max(2 * (n - len(out)), 64)
        cand = np.column_stack([rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)])
        out = np.vstack([out, cand[shapely.contains_xy(polygon, cand[:, 0], cand[:, 1])]])
    return np.round(out[:n], 5)


def _track(category: str) -> str | None:
    if category in SECURITY:
        return "security"
    if category in DIPLOMACY:
        return "diplomacy"
    return None if category == "other" else "infrastructure & trade"


def _split(total: int, rng: np.random.Generator) -> tuple[int, int, int]:
    """Split a death toll into security / militants / civilians."""
    a, b = sorted(rng.integers(0, total + 1, 2).tolist())
    return a, b - a, total - b


def make_incidents(n: int, seed: int = 0, data_dir: Path = DATA_DIR) -> dict:
    """A GeoJSON FeatureCollection of n synthetic incidents (ids SYN-0000001, ...)."""
    rng = np.random.default_rng(seed)
    polys = _provinces(data_dir)
    countries = rng.choice(["PAK", "IRN"], size=n, p=[0.6, 0.4])
    coords = np.empty((n, 2))
    for code in ("PAK", "IRN"):
        where = countries == code
        coords[where] = _points_in(polys[code], int(where.sum()), rng)
    unlocated = rng.random(n) < UNLOCATED_SHARE
    weights = np.array([WEIGHTS.get(c, 1) for c in INCIDENT_CATEGORIES], dtype=float)
    categories = rng.choice(INCIDENT_CATEGORIES, size=n, p=weights / weights.sum())
    span = (LAST_DAY - FIRST_DAY).days
    starts = rng.integers(0, span + 1, n)
    lengths = np.where(rng.random(n) < 0.85, 0, rng.integers(1, 8, n))
    tolls = np.where(rng.random(n) < 0.35, 0, rng.geometric(0.15, n))
    precisions = rng.choice(PRECISIONS, size=n)
    features = []
    for i in range(n):
        country, category = str(countries[i]), str(categories[i])
        place = str(rng.choice(PLACES[country]))
        start = FIRST_DAY + timedelta(days=int(starts[i]))
        end = min(start + timedelta(days=int(lengths[i])), LAST_DAY)
        violent = category in VIOLENT
        best = int(tolls[i]) if violent else 0
        sec, mil, civ = _split(best, rng)
        actors = sorted({str(a) for a in rng.choice(ACTORS, size=int(rng.integers(1, 4)))})
        props = {
            "id": f"SYN-{i + 1:07d}",
            "title": f"Synthetic {category} near {place} #{i + 1}",
            "category": category,
            "track": _track(category),
            "date_start": start.isoformat(),
            "date_end": end.isoformat(),
            "date_precision": "days" if end > start else str(rng.choice(DATE_PRECISIONS)),
            "date_note": None,
            "country": country,
            "admin1": PROVINCE_ADMIN1[country],
            "admin2": None,
            "place": place,
            "location_precision": "unlocated" if unlocated[i] else str(precisions[i]),
            "coord_confidence": str(rng.choice(["high", "medium", "low"])),
            "location_note": None,
            "fatalities_best": best if violent else None,
            "fatalities_low": max(best - int(rng.integers(0, 3)), 0) if violent else None,
            "fatalities_high": best + int(rng.integers(0, 5)) if violent else None,
            "fatalities_security": sec if violent else None,
            "fatalities_militants": mil if violent else None,
            "fatalities_civilians": civ if violent else None,
            "injured": int(rng.integers(0, 30)) if violent else None,
            "actors": actors,
            "perpetrator": f"{actors[-1]} (alleged)" if violent else None,
            "description": f"Synthetic record for benchmarks, not a real event: {category} reported near "
            f"{place}, {PROVINCE_ADMIN1[country]}, involving {', '.join(actors)}.",
            "disputed": None,
            "sources": [
                {
                    "outlet": str(rng.choice(OUTLETS)),
                    "url": f"https://example.org/synthetic/{i + 1}/{k}",
                    "date": start.isoformat(),
                }
                for k in range(int(rng.integers(1, 4)))
            ],
            "in_source_article": bool(rng.random() < 0.5),
            "dataset": DATASET,
            "licence": "CC0 1.0 (synthetic)",
            "updated_at": LAST_DAY.isoformat(),
        }
        geom = None if unlocated[i] else {"type": "Point", "coordinates": [float(coords[i, 0]), float(coords[i, 1])]}
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "name": "incidents", "features": features}


def make_data_dir(path: str | Path, n: int, seed: int = 0) -> Path:
    """A folder usable as PKIR_DATA_DIR: the shipped layers plus n synthetic incidents."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS.values():
        if layer.id != "incidents":
            shutil.copyfile(DATA_DIR / layer.file, path / layer.file)
    doc = make_incidents(n, seed)
    write_feature_collection(path / LAYERS["incidents"].file, doc["features"], name=doc["name"])
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=100_000, help="number of incidents (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = make_data_dir(args.out_dir, args.n, args.seed)
    size = (out / LAYERS["incidents"].file).stat().st_size / 1e6
    print(
        f"wrote {args.n} synthetic incidents to {out / LAYERS['incidents'].file} ({size:.1f} MB); "
        f"use it with PKIR_DATA_DIR={out}"
    )


if __name__ == "__main__":
    main()
