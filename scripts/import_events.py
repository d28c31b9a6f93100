"""Import an event file (ACLED, UCDP GED, lat/lon CSV, GeoJSON/GPKG/KML) into a data folder the
dashboard can use: PKIR_DATA_DIR=OUT streamlit run app.py

    python -m scripts.import_events events.csv --out mydata [--format acled] [--with-shipped]
    python -m scripts.import_events events.csv --keep "ACLED Pakistan"   # into the workspace (PKIR_WORKSPACE)
    python -m scripts.import_events events.csv --database postgresql://writer@host/db   # team mode

The other layers are copied from geo/data. Rejected rows are listed with the reason; the
command exits 1 when no row could be imported. An existing incidents.geojson in OUT is only
replaced with --force, and the write is atomic.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.catalog import DATA_DIR, LAYERS
from geo.geojson_io import gdf_to_features, write_feature_collection
from geo.importers import ImportFormatError, import_file
from geo.loading import load_layer
from geo.store import DATABASE_ENV, open_store
from geo.store.base import StoreError
from geo.store.imports import keep_import


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--keep", metavar="NAME", help="keep in the workspace as NAME (rows updated by source id)")
    ap.add_argument("--database", metavar="URL", help="keep in this PostGIS database (NAME: --keep, else the file's)")
    ap.add_argument("--format", choices=["acled", "ucdp", "csv", "spatial"])
    ap.add_argument("--with-shipped", action="store_true", help="keep the shipped incidents too")
    ap.add_argument("--force", action="store_true", help="replace an existing incidents.geojson")
    args = ap.parse_args(argv)
    if args.keep is None and (args.database or (args.out is None and os.environ.get(DATABASE_ENV))):
        args.keep = args.file.stem  # team mode: into the database under the file's name
    if args.out is None and args.keep is None:
        ap.error("give --out DIR, --keep NAME, or both")
    target = args.out / LAYERS["incidents"].file if args.out else None
    if target is not None and target.exists() and not args.force:
        print(f"{target} exists; use --force to replace it", file=sys.stderr)
        return 2
    try:
        result = import_file(args.file, args.format)
    except ImportFormatError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in result.rejected:
        print("rejected:", line)
    for line in result.notes:
        print("note:", line)
    print(f"{len(result.incidents)} of {result.rows_read} rows imported from {args.file.name} ({result.format})")
    if result.incidents.empty:
        return 1
    if args.keep:
        try:
            print("kept:", keep_import(open_store(args.database), args.keep, args.file, result).summary())
        except StoreError as exc:
            print(f"not kept: {exc}", file=sys.stderr)
            return 1
    if target is None:
        return 0
    incidents = result.incidents
    if args.with_shipped:
        shipped, _ = load_layer("incidents", DATA_DIR)
        clash = set(shipped["id"]) & set(incidents["id"])
        if clash:
            print(f"ids already used by the shipped incidents: {', '.join(sorted(clash))}", file=sys.stderr)
            return 1
        incidents = gpd.GeoDataFrame(pd.concat([shipped, incidents], ignore_index=True), crs="EPSG:4326")
    args.out.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS.values():
        if layer.id != "incidents" and not (args.out / layer.file).exists():
            shutil.copyfile(DATA_DIR / layer.file, args.out / layer.file)
    write_feature_collection(target, gdf_to_features(incidents), name="incidents")
    print(f"wrote {target}; start the app with PKIR_DATA_DIR={args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
