"""Build geo/data/districts.geojson: Balochistan's districts and Sistan and Baluchestan's counties.

Inputs are files fetched from public repositories (never committed here; give their paths):

- ``--iran``: Sistan and Baluchestan's counties from OpenStreetMap (ODbL), as the file
  ``data/counties/IR-11/IR-11.all.geojson`` of hosseinhabibi2004/iran-geojson (an Overpass
  export: one feature per OSM relation, its tags under ``properties.tags``).
- ``--pakistan`` and ``--pakistan-counts`` (optional): Pakistan's 2023-census districts,
  ``data/processed/districts_2023.geojson`` and ``data/processed/district_counts.csv`` of
  shehroz-iqbal/pakistan-district-data (geometry ODbL via geoBoundaries; populations, column
  ``pop_total``, from the Pakistan Bureau of Statistics; that repository's ``districts.csv`` lists
  the districts but carries no population). Balochistan's features (``province_code`` BA) are kept.

Each side's polygons are simplified as one coverage (shared borders stay shared, no gaps or
overlaps appear), snapped to a 1e-4 degree grid, checked and written in EPSG:4326:

    python -m scripts.build_districts --iran IR-11.all.geojson [--pakistan districts_2023.geojson
        --pakistan-counts district_counts.csv] [--out geo/data/districts.geojson]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, shape

from geo.files import write_atomic
from geo.geojson_io import geometry_to_json

OUT = Path(__file__).resolve().parents[1] / "geo" / "data" / "districts.geojson"
# lon/lat box of the study area (both provinces with a margin): anything beyond it is cut off
STUDY_AREA = (56.0, 23.5, 71.5, 32.5)
TOLERANCE = 0.002  # degrees (about 200 m): the simplification's largest shift of a border
GRID = 1e-4  # degrees (about 10 m): coordinates are snapped to this grid

ODBL = "ODbL 1.0 (Open Database License)"


@dataclass(frozen=True)
class Source:
    """A fetched repository: where it lives, the commit read and what it says of itself."""

    repo: str
    commit: str
    date: str
    path: str

    @property
    def url(self) -> str:
        """The file's address at that commit."""
        return f"https://github.com/{self.repo}/blob/{self.commit}/{self.path}"


IRAN = Source(
    "hosseinhabibi2004/iran-geojson",
    "890ff6c107c54d852328bbf7f9472d146c151ebf",
    "2025-10-19",
    "data/counties/IR-11/IR-11.all.geojson",
)
PAKISTAN = Source(
    "shehroz-iqbal/pakistan-district-data",
    "08a12aa1f57882c76a445544329ec7e2be879fbf",
    "2026-09-26",  # the date its sources were pinned (its data/processed/QA.md)
    "data/processed/districts_2023.geojson",
)
GEOBOUNDARIES_CREDIT = "Boundaries: geoBoundaries (ODbL), rebuilt to 2023 census districts"
PBS_CREDIT = "Source: Pakistan Bureau of Statistics, Census 2023"


class BuildError(ValueError):
    """An input that cannot be used: the message names the file, the feature and the fault."""


def slug(text: str) -> str:
    """A lower-case ASCII id part: 'Sib and Suran' -> 'sib_and_suran'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def read_json(path: Path) -> dict:
    """A GeoJSON FeatureCollection from path, or BuildError naming the file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BuildError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BuildError(f"{path}: not a readable JSON file ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise BuildError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    return doc


def polygon_of(feat: dict, path: Path, label: str):
    """The feature's (multi)polygon made valid, or None for points and lines."""
    raw = feat.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    try:
        geom = shapely.make_valid(shape(raw))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BuildError(f"{path}: {label}: unreadable geometry ({exc})") from exc
    return shapely.unary_union([g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")])


def _local_name(tags: dict) -> str | None:
    """The Persian name without the word for county (شهرستان)."""
    name = tags.get("name:fa") or tags.get("name")
    return re.sub(r"^\s*شهرستان\s+", "", name).strip() if isinstance(name, str) and name.strip() else None


def iran_counties(path: Path, source: Source = IRAN) -> list[dict]:
    """Sistan and Baluchestan's counties (OSM admin_level 5 relations) as normalised records."""
    out = []
    for pos, feat in enumerate(read_json(path)["features"]):
        props = feat.get("properties") if isinstance(feat, dict) else None
        tags = props.get("tags") if isinstance(props, dict) else None
        if not isinstance(tags, dict) or tags.get("boundary") != "administrative" or tags.get("admin_level") != "5":
            continue  # admin centres, labels and other members of the export
        label = f"feature {pos} (OSM {props.get('type')} {props.get('id')})"
        geom = polygon_of(feat, path, label)
        if geom is None:
            continue
        english = tags.get("name:en")
        if not isinstance(english, str) or not english.strip():
            raise BuildError(f"{path}: {label}: no English name (tag name:en)")
        name = re.sub(r"\s+County$", "", english.strip())
        osm = f"{props.get('type', 'relation')}/{props.get('id')}"
        out.append(
            {
                "id": f"IRN.SB.{slug(name)}",
                "name": name,
                "name_local": _local_name(tags),
                "country": "IRN",
                "province": "Sistan and Baluchestan",
                "population": None,
                "population_year": None,
                "source_id": f"osm:{osm}",
                "wikidata": tags.get("wikidata"),
                "sources": [
                    {
                        "outlet": "OpenStreetMap contributors",
                        "url": f"https://www.openstreetmap.org/{osm}",
                        "date": None,
                    },
                    {"outlet": f"{source.repo} (Overpass export)", "url": source.url, "date": source.date},
                ],
                "dataset": f"OpenStreetMap county boundaries via {source.repo}@{source.commit[:7]}",
                "licence": f"{ODBL}; © OpenStreetMap contributors",
                "updated_at": source.date,
                "geometry": geom,
            }
        )
    if not out:
        raise BuildError(f"{path}: no county boundaries found (OSM relations with admin_level 5)")
    return out


def census_populations(path: Path) -> dict[str, int]:
    """district_id -> 2023 census population (pop_total) from district_counts.csv."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError as exc:
        raise BuildError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BuildError(f"{path}: not a readable CSV file ({exc})") from exc
    out = {}
    for line, row in enumerate(rows, start=2):
        if "district_id" not in row or "pop_total" not in row:
            raise BuildError(f"{path}: missing column district_id or pop_total")
        try:
            value = float(row["pop_total"])
        except (TypeError, ValueError) as exc:
            raise BuildError(f"{path}: row {line}: pop_total {row['pop_total']!r} is not a number") from exc
        if not np.isfinite(value) or value < 0 or value != int(value):
            raise BuildError(f"{path}: row {line}: pop_total {row['pop_total']!r} is not a count")
        out[row["district_id"]] = int(value)
    return out


def pakistan_districts(path: Path, counts: Path | None, source: Source = PAKISTAN) -> list[dict]:
    """Balochistan's 2023-census districts (province_code BA) with their census populations."""
    populations = census_populations(counts) if counts else {}
    out = []
    for pos, feat in enumerate(read_json(path)["features"]):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict) or props.get("province_code") != "BA":
            continue
        label = f"feature {pos} ({props.get('map_unit_id')})"
        geom = polygon_of(feat, path, label)
        name, unit = props.get("name"), props.get("map_unit_id")
        if geom is None or not isinstance(name, str) or not isinstance(unit, str):
            raise BuildError(f"{path}: {label}: needs a polygon, a name and a map_unit_id")
        ids = props.get("district_ids") or [unit]
        missing = [i for i in ids if i not in populations]
        population = None if missing or not populations else sum(populations[i] for i in ids)
        out.append(
            {
                "id": f"PAK.BA.{slug(unit.removeprefix('ba_'))}",
                "name": name,
                "name_local": None,
                "country": "PAK",
                "province": "Balochistan",
                "population": population,
                "population_year": 2023 if population is not None else None,
                "source_id": unit,
                "wikidata": None,
                "sources": [
                    {"outlet": f"{source.repo} (2023 districts)", "url": source.url, "date": source.date},
                    {"outlet": "geoBoundaries gbOpen PAK ADM3", "url": "https://www.geoboundaries.org/", "date": None},
                    {
                        "outlet": "Pakistan Bureau of Statistics, Census 2023",
                        "url": "https://www.pbs.gov.pk/",
                        "date": None,
                    },
                ],
                "dataset": f"2023 census districts via {source.repo}@{source.commit[:7]} (geoBoundaries PAK ADM3)",
                "licence": f"{ODBL}; {GEOBOUNDARIES_CREDIT}; populations: {PBS_CREDIT}",
                "updated_at": source.date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.date) else None,
                "geometry": geom,
            }
        )
    if not out:
        raise BuildError(f"{path}: no Balochistan districts found (features with province_code BA)")
    return out


def unshaped_census_districts(path: Path, counts: Path | None) -> list[str]:
    """Balochistan's census districts (``ba_`` ids of the counts file) that no shape covers."""
    if counts is None:
        return []
    covered = set()
    for feat in read_json(path)["features"]:
        props = feat.get("properties") if isinstance(feat, dict) else None
        if isinstance(props, dict) and props.get("province_code") == "BA":
            covered.update(props.get("district_ids") or [props.get("map_unit_id")])
    return sorted(i for i in census_populations(counts) if i.startswith("ba_") and i not in covered)


def simplify_coverage(records: list[dict], tolerance: float = TOLERANCE, grid: float = GRID) -> None:
    """Clip to the study area, simplify the records' polygons as one coverage and snap them to grid (in place)."""
    area = box(*STUDY_AREA)
    geoms = np.array([shapely.intersection(r["geometry"], area) for r in records], dtype=object)
    if tolerance > 0:
        geoms = shapely.coverage_simplify(geoms, tolerance)
    geoms = shapely.set_precision(geoms, grid)
    for rec, geom in zip(records, geoms, strict=True):
        if geom.is_empty or not geom.is_valid:
            raise BuildError(f"{rec['id']}: lies outside the study area or collapsed when simplified")
        rec["geometry"] = geom


def cut_along_border(records: list[dict], first: list[dict], grid: float = GRID) -> None:
    """Take the other side's polygons out of records (in place): along the international border the
    two sources' lines differ by a few hundred metres, and there the first side's line (OpenStreetMap's) is kept."""
    other = shapely.union_all([r["geometry"] for r in first])
    for rec in records:
        geom = shapely.difference(rec["geometry"], other, grid_size=grid)  # stays on the grid, exactly
        geom = shapely.unary_union([g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"])
        if geom.is_empty or not geom.is_valid:
            raise BuildError(f"{rec['id']}: nothing valid is left once the other side's polygons are cut out")
        rec["geometry"] = geom


def check(records: list[dict]) -> None:
    """Refuse duplicate ids and polygons overlapping each other (within a side or across the border)."""
    ids = [r["id"] for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BuildError(f"duplicate district ids: {', '.join(dupes)}")
    geoms = np.array([r["geometry"] for r in records], dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="overlaps")
    for a, b in zip(left, right, strict=True):
        if a < b and shapely.area(shapely.intersection(geoms[a], geoms[b])) > 1e-6:
            raise BuildError(f"{ids[a]} and {ids[b]} overlap after simplification")


def to_feature(rec: dict) -> dict:
    """A record as a GeoJSON Feature (coordinates already on the grid)."""
    props = {k: v for k, v in rec.items() if k != "geometry"}
    props["location_precision"] = "generalised"
    props["location_note"] = f"boundary simplified (up to ~{TOLERANCE * 1e5:.0f} m); not a legal boundary"
    return {"type": "Feature", "properties": props, "geometry": geometry_to_json(rec["geometry"], ndigits=4)}


def write(path: Path, records: list[dict]) -> int:
    """Write the layer atomically, one feature per line; returns its size in bytes."""
    feats = [json.dumps(to_feature(r), ensure_ascii=False, separators=(",", ":")) for r in records]
    text = '{"type":"FeatureCollection","name":"districts","features":[\n' + ",\n".join(feats) + "\n]}\n"
    write_atomic(path, text)
    return len(text.encode("utf-8"))


def build(iran: Path | None, pakistan: Path | None, counts: Path | None, tolerance: float = TOLERANCE) -> list[dict]:
    """Read, normalise and simplify both sides (each side as its own coverage), sorted by id."""
    if iran is None and pakistan is None:
        raise BuildError("give --iran and/or --pakistan: nothing to build")
    records = []
    for side in (iran_counties(iran) if iran else [], pakistan_districts(pakistan, counts) if pakistan else []):
        if side:
            simplify_coverage(side, tolerance)
            if records:
                cut_along_border(side, records)
            records += side
    check(records)
    return sorted(records, key=lambda r: r["id"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iran", type=Path, help="IR-11.all.geojson (Sistan and Baluchestan's counties, OSM)")
    ap.add_argument("--pakistan", type=Path, help="districts_2023.geojson (Pakistan's 2023-census districts)")
    ap.add_argument("--pakistan-counts", type=Path, help="district_counts.csv (2023 census populations, pop_total)")
    ap.add_argument("--tolerance", type=float, default=TOLERANCE, help="simplification tolerance in degrees")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    try:
        records = build(args.iran, args.pakistan, args.pakistan_counts, args.tolerance)
        size = write(args.out, records)
    except BuildError as exc:
        print(f"not built: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"not built: {args.out}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return 2
    if args.pakistan is not None:
        missing = unshaped_census_districts(args.pakistan, args.pakistan_counts)
        print(f"census districts of Balochistan without a shape: {', '.join(missing) or 'none'}")
    by_country = {c: sum(r["country"] == c for r in records) for c in ("PAK", "IRN")}
    points = int(shapely.get_num_coordinates(np.array([r["geometry"] for r in records], dtype=object)).sum())
    print(
        f"wrote {args.out}: {len(records)} districts (PAK {by_country['PAK']}, IRN {by_country['IRN']}), "
        f"{points:,} vertices, {size / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
