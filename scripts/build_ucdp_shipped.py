"""Build the shipped UCDP GED dataset (geo/data/ucdp_ged.geojson.gz) from a UCDP GED CSV.

    python -m scripts.build_ucdp_shipped conflict_data_pak.csv [more.csv ...] [--out geo/data]
        [--version "UCDP GED 22.1"] [--source-note "HDX copy, via GitHub Danishshh/…"]

Offline and idempotent: the same files give the same bytes. Each file goes through the app's own
UCDP importer (geo.importers, which skips HDX's HXL row and reports it); only Pakistan and Iran
rows are kept; every row cites the UCDP version and its journal citation; the result is written
as gzipped GeoJSON and read back through the loader, which validates it. geo/data/README.md says
where the file came from. Exits 1 when a file cannot be read or nothing is left, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.catalog import DATA_DIR
from geo.files import write_atomic
from geo.geojson_io import gdf_to_features
from geo.importers import ImportFormatError, import_file
from geo.loading import gunzip_capped, load_file, read_bytes
from geo.schema import INCIDENTS
from geo.store.shipped import UCDP_CITATION, UCDP_FILE, UCDP_VERSION

COUNTRIES = ("PAK", "IRN")
SHORT_CITATION = "Sundberg & Melander 2013; Davies, Pettersson & Öberg 2022"
DEFAULT_NOTE = "HDX copy"
REQUIRED = {f.name for f in INCIDENTS.fields if f.required}  # written even when null: the loader wants them


def _args(argv):
    ap = argparse.ArgumentParser(
        prog="python -m scripts.build_ucdp_shipped",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("files", nargs="+", type=Path, help="UCDP GED CSV files, .csv or .csv.gz (GED or its HDX copy)")
    ap.add_argument("--out", type=Path, default=DATA_DIR, help="the data folder written to (default geo/data)")
    ap.add_argument("--version", default=UCDP_VERSION, help=f"the UCDP version the rows cite ({UCDP_VERSION})")
    ap.add_argument("--source-note", default=DEFAULT_NOTE, help="where the file came from, cited beside the version")
    return ap.parse_args(argv)


def cite(frame: gpd.GeoDataFrame, version: str, note: str) -> gpd.GeoDataFrame:
    """The rows with `dataset` set to the version and each source naming the version, citation and licence."""
    frame = frame.copy()
    label = f"{version} ({note})" if note else version

    def sources(value):
        out = []
        for s in value or []:
            outlet = str(s.get("outlet") or "")
            said = outlet.split("; source: ", 1)[1] if "; source: " in outlet else "not stated"
            out.append({**s, "outlet": f"{label}, CC BY 4.0 ({SHORT_CITATION}); source: {said}"})
        return out

    frame["sources"] = [sources(v) for v in frame["sources"]]
    frame["dataset"] = label
    return frame


def pakistan_and_iran(results) -> tuple[gpd.GeoDataFrame, int]:
    """The rows of all results in Pakistan or Iran (first file wins a repeated id), and how many were left out."""
    frames = [r.incidents for r in results]
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    both = gpd.GeoDataFrame(both, geometry=both.geometry.name, crs="EPSG:4326")
    keep = both["country"].isin(COUNTRIES)
    kept = both[keep]
    kept = kept[~kept["id"].duplicated()]
    order = kept.assign(_n=kept["id"].str.removeprefix("UCDP-").astype(int)).sort_values(["date_start", "_n"])
    return order.drop(columns="_n").reset_index(drop=True), int((~keep).sum())


def geojson_gz(frame: gpd.GeoDataFrame) -> bytes:
    """Compact GeoJSON, one feature a line, optional nulls left out, gzipped without name or time (same bytes)."""
    lines = []
    for feat in gdf_to_features(frame, ndigits=5):
        feat["properties"] = {k: v for k, v in feat["properties"].items() if v is not None or k in REQUIRED}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    text = '{"type":"FeatureCollection","name":"ucdp_ged","features":[\n' + ",\n".join(lines) + "\n]}\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def unpacked(path: Path, folder: Path) -> Path:
    """The CSV itself: a .csv.gz is unpacked into folder under its own name (capped as the loader caps files)."""
    if not path.name.lower().endswith(".gz"):
        return path
    target = folder / path.name[:-3]
    target.write_bytes(gunzip_capped(read_bytes(path), path.name))
    return target


def print_report(result, name: str) -> None:
    """The importer's report: how the file was read, rejected rows and notes by reason, the count."""
    print(result.reading)
    for group in result.rejected_groups():
        print("rejected:", group.line())
    for group in result.note_groups():
        print("note:", group.line())
    print(f"{result.count} of {result.rows_read} rows imported from {name}")


def build(files: list[Path], out: Path, version: str = UCDP_VERSION, note: str = DEFAULT_NOTE) -> gpd.GeoDataFrame:
    """Import, keep Pakistan and Iran, cite, write out/ucdp_ged.geojson.gz and return it as loaded (validated)."""
    results = []
    for given in files:
        with tempfile.TemporaryDirectory(prefix="pkir-ucdp-") as tmp:
            path = unpacked(given, Path(tmp))
            result = import_file(path, "ucdp")
        print_report(result, given.name)
        if result.count:
            results.append(result)
    if not results:
        raise ImportFormatError("no row could be imported")
    rows, left_out = pakistan_and_iran(results)
    print(f"{len(rows)} rows in Pakistan or Iran kept; {left_out} rows elsewhere left out")
    if rows.empty:
        raise ImportFormatError("no row lies in Pakistan or Iran")
    target = out / UCDP_FILE
    write_atomic(target, geojson_gz(cite(rows, version, note)))
    loaded, report = load_file(target, INCIDENTS, folder=out)  # raises LayerValidationError if it does not validate
    print(f"wrote {target} ({target.stat().st_size:,} bytes, {len(loaded)} rows, validated; cite {UCDP_CITATION})")
    for line in report.warnings[:5]:
        print("warning:", line)
    return loaded


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if not args.out.is_dir():
        print(f"{args.out}: --out must be an existing folder", file=sys.stderr)
        return 2
    try:
        build(args.files, args.out, args.version, args.source_note)
    except ImportFormatError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
