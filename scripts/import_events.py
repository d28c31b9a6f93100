"""Import an event file (in any format listed under --format below) into a data folder the
dashboard can use: PKIR_DATA_DIR=OUT streamlit run app.py

    python -m scripts.import_events events.csv --out mydata [--format acled] [--with-shipped]
        [--source "Citation https://…"] [--dayfirst | --monthfirst] [--layer NAME] [--report FILE]
    python -m scripts.import_events events.csv --keep "ACLED Pakistan"   # into the workspace (PKIR_WORKSPACE)
    python -m scripts.import_events events.csv --database postgresql://writer@host/db   # team mode

The other layers are copied from geo/data. How the file was read comes first, then the
rejected rows grouped by reason (a count and example rows; --report writes every line). The
command exits 1 when no row could be imported or the file cannot be read, 2 for a bad --out.
An existing incidents.geojson in OUT is only replaced with --force, and the write is atomic.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.catalog import DATA_DIR, LAYERS
from geo.geojson_io import gdf_to_features, write_feature_collection
from geo.importers import FORMATS, ImportFormatError, import_file
from geo.importers.formats import SUFFIXES
from geo.loading import load_layer
from geo.settings import SettingsError, settings
from geo.store import open_store
from geo.store.base import StoreError, problem_line
from geo.store.imports import keep_import


def _args(argv):
    ap = argparse.ArgumentParser(
        prog="python -m scripts.import_events",
        description=__doc__,  # whole: its first sentence runs over two lines, and the examples help
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("file", type=Path, help=f"the event file ({', '.join(SUFFIXES)})")
    ap.add_argument("--out", type=Path, help="write a data folder for PKIR_DATA_DIR")
    ap.add_argument("--keep", metavar="NAME", help="keep in the workspace as NAME (rows updated by source id)")
    ap.add_argument("--database", metavar="URL", help="keep in this PostGIS database (NAME: --keep, else the file's)")
    ap.add_argument(
        "--format",
        choices=[f.name for f in FORMATS],
        help="the file's format (default: found from the file): "
        + "; ".join(f"{f.name}: {f.label}" for f in FORMATS).replace("%", "%%"),
    )
    ap.add_argument("--source", help="URL (or a citation with one) for rows that carry no source of their own")
    order = ap.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, help="read 07/02/2016 as 7 Feb")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False, help="read it as 2 July")
    ap.add_argument("--layer", help="the layer of a multi-layer file (GeoPackage) to read")
    ap.add_argument("--report", type=Path, help="write every rejected row and note to this file")
    ap.add_argument("--with-shipped", action="store_true", help="keep the shipped incidents too")
    ap.add_argument("--force", action="store_true", help="replace an existing incidents.geojson")
    return ap.parse_args(argv)


def _store_location(database: str | None) -> str:
    """Where --keep saves: the database given or configured, else the workspace folder."""
    return database or settings().store_location


def _print_report(result, report: Path | None) -> None:
    print(result.reading)
    for group in result.rejected_groups():
        print("rejected:", group.line())
    for group in result.note_groups():
        print("note:", group.line())
    if report is not None:
        report.write_text("\n".join([result.reading, *result.rejected, *result.notes]) + "\n", encoding="utf-8")
        print(f"every rejected row and note: {report}")
    elif len(result.rejected) > len(result.rejected_groups()):
        print("(repeated reasons shown once; --report FILE lists every row)")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    try:
        team_mode = settings().team_mode
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.keep is None and (args.database or (args.out is None and team_mode)):
        args.keep = args.file.stem  # team mode: into the database under the file's name
    if args.out is None and args.keep is None:
        print("give --out DIR, --keep NAME, or both", file=sys.stderr)
        return 2
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        print(f"{args.out}: --out must be a folder, and this is a file", file=sys.stderr)
        return 2
    target = args.out / LAYERS["incidents"].file if args.out is not None else None
    if target is not None and target.exists() and not args.force:
        print(f"{target} exists; use --force to replace it", file=sys.stderr)
        return 2
    try:
        result = import_file(args.file, args.format, dayfirst=args.dayfirst, source=args.source, layer=args.layer)
    except ImportFormatError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 1
    try:
        _print_report(result, args.report)
    except OSError as exc:
        print(f"{args.report}: cannot write the report ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"{result.count} of {result.rows_read} rows imported from {args.file.name} ({result.format})")
    if not result.count:
        return 1
    if args.keep:
        try:
            store = open_store(args.database)
            warning = getattr(store, "warning", lambda: "")()
            if warning:
                print(f"warning: {warning}", file=sys.stderr)
            print("kept:", keep_import(store, args.keep, args.file, result).summary())
        except (StoreError, OSError) as exc:  # a workspace or database that cannot be used: one line
            print(f"not kept: {problem_line(_store_location(args.database), exc)}", file=sys.stderr)
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
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for layer in LAYERS.values():
            if layer.id != "incidents" and not (args.out / layer.file).exists():
                shutil.copyfile(DATA_DIR / layer.file, args.out / layer.file)
        write_feature_collection(target, gdf_to_features(incidents), name="incidents")
    except OSError as exc:
        print(f"{args.out}: cannot write the data folder ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(f"wrote {target}; start the app with PKIR_DATA_DIR={args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
