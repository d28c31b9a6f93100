"""The embedded store's file format, measured: GeoParquet against GeoPackage on N synthetic incidents.

    python -m bench.bench_store [--n 100000] [--repeat 3] [--out bench/out]

For each format, through geo.store.embedded.EmbeddedStore in a fresh workspace: save (to_flat,
write, fsync, rename, manifest), a full read, a filtered read (2015–2024, three violent
categories, at least 1 fatality), a keyword read ("quetta"), a bbox read (a 1°×1° box round
Turbat), a column-subset read (the map's columns) and the file size. Best of --repeat runs, in
wall seconds with that run's CPU seconds in brackets (the machine is shared), [rows returned];
each format in its own process, with its peak memory. The incidents are made once
(bench.synthetic, kept under --out like bench.bench_load's) and validated like an import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.bench_load import data_dir_for
from geo.catalog import LAYERS
from geo.filters import IncidentFilter
from geo.loading import load_file
from geo.schema import INCIDENTS
from geo.store.base import SourceInfo
from geo.store.embedded import EmbeddedStore
from geo.store.formats import BACKENDS

FILTER = IncidentFilter(
    date_from=date(2015, 1, 1),
    date_to=date(2024, 12, 31),
    categories=("attack", "bombing/IED", "armed clash"),
    min_fatalities=1,
)
KEYWORD = IncidentFilter(keyword="quetta")
BBOX = (62.5, 25.5, 63.5, 26.5)
MAP_COLUMNS = ["category", "date_start", "date_end", "fatalities_best", "location_precision", "title"]


class Timing(float):
    """Wall seconds of the fastest run, printed with that run's CPU seconds (the machine is shared)."""

    cpu: float = 0.0

    def __str__(self) -> str:
        return f"{float(self):.2f} ({self.cpu:.2f})"


def best(fn, repeat: int) -> tuple[Timing, object]:
    runs, out = [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(runs)
    timing = Timing(wall)
    timing.cpu = cpu
    return timing, out


def measure(fmt: str, gdf, source: SourceInfo, root: Path, repeat: int) -> dict:
    row: dict = {"format": BACKENDS[fmt].name}
    counter = iter(range(1000))

    def save():
        store = EmbeddedStore(root / f"{fmt}-{next(counter)}", file_format=fmt)
        store.save("bench", gdf, source)
        return store

    row["save s"], store = best(save, repeat)
    entry = store._manifest()["datasets"]["bench"]
    row["file MB"] = round((store.folder / entry["file"]).stat().st_size / 1e6, 1)
    row["full read s"], full = best(lambda: store.read("bench"), repeat)
    for label, kwargs in (("filtered", {"flt": FILTER}), ("keyword", {"flt": KEYWORD}), ("bbox", {"bbox": BBOX})):
        timing, part = best(lambda kw=kwargs: store.read("bench", **kw), repeat)
        row[f"{label} s (rows)"] = f"{timing} [{len(part):,}]"
    row["map columns s"], _ = best(lambda: store.read("bench", columns=MAP_COLUMNS), repeat)
    row["map columns + filter s"], _ = best(lambda: store.read("bench", FILTER, columns=MAP_COLUMNS), repeat)
    raw = store.folder / entry["file"]
    row["raw read s"], _ = best(lambda: BACKENDS[fmt].read(raw, None, None, None), repeat)
    assert len(full) == len(gdf)
    return row


def child(fmt: str, folder: Path, repeat: int) -> dict:
    """One format, measured in this process (so its peak memory is its own)."""
    gdf, _ = load_file(folder / LAYERS["incidents"].file, INCIDENTS)
    path = folder / LAYERS["incidents"].file
    source = SourceInfo.from_file(path, "GeoJSON", len(gdf), len(gdf))
    with tempfile.TemporaryDirectory(prefix="pkir-bench-store-") as tmp:
        row = measure(fmt, gdf, source, Path(tmp), repeat)
    row["peak RSS MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return {k: str(v) if isinstance(v, Timing) else v for k, v in row.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("bench/out"))
    ap.add_argument("--child", choices=list(BACKENDS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    folder = data_dir_for(args.out, args.n)
    if args.child:
        print(json.dumps(child(args.child, folder, args.repeat)))
        return
    size = (folder / LAYERS["incidents"].file).stat().st_size / 1e6
    print(f"{args.n:,} synthetic incidents in {folder} (GeoJSON {size:.1f} MB); load average {os.getloadavg()[0]:.1f}")
    rows = []
    for fmt in BACKENDS:
        cmd = [sys.executable, "-m", "bench.bench_store", "--n", str(args.n), "--repeat", str(args.repeat)]
        out = subprocess.run([*cmd, "--out", str(args.out), "--child", fmt], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
