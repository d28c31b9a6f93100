"""Time reading, validating, filtering and measuring synthetic incidents at 1k, 10k and 100k.

    python -m bench.bench_load [--sizes 1000 10000 100000] [--out bench/out] [--repeat 3]

Each size runs in its own process so its peak memory (max RSS) is its own. Numbers are
printed, never asserted. Data folders are made once under --out (bench.synthetic) and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.synthetic import make_data_dir
from geo.analysis import distance_to_border_km
from geo.catalog import LAYERS
from geo.filters import IncidentFilter, apply_filter
from geo.loading import load_file, load_layer, read_geojson
from geo.schema import INCIDENTS
from geo.validation import validate

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000)
TYPICAL = IncidentFilter(
    date_from=date(2015, 1, 1),
    date_to=date(2024, 12, 31),
    categories=("attack", "bombing/IED", "armed clash"),
    min_fatalities=1,
)
KEYWORD = IncidentFilter(keyword="quetta")


def data_dir_for(out: Path, n: int, seed: int = 0) -> Path:
    folder = out / f"synthetic_{n}"
    if not (folder / LAYERS["incidents"].file).exists():
        make_data_dir(folder, n, seed)
    return folder


def best_of(fn, repeat: int) -> tuple[float, object]:
    """Fastest wall time of repeat calls (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def measure(folder: Path, repeat: int) -> dict:
    """All timings for one data folder, in this process."""
    path = folder / LAYERS["incidents"].file
    t_read, raw = best_of(lambda: read_geojson(path), repeat)
    t_validate, _ = best_of(lambda: validate(raw, INCIDENTS, path.name), repeat)
    t_load, (gdf, _) = best_of(lambda: load_file(path, INCIDENTS), repeat)
    t_filter, kept = best_of(lambda: apply_filter(gdf, TYPICAL), repeat)
    t_keyword, hits = best_of(lambda: apply_filter(gdf, KEYWORD), repeat)
    border, _ = load_layer("border", folder)
    t_dist, dist = best_of(lambda: distance_to_border_km(gdf.geometry, border), repeat)
    return {
        "n": len(gdf),
        "file_mb": path.stat().st_size / 1e6,
        "read_s": t_read,
        "validate_s": t_validate,
        "load_file_s": t_load,
        "filter_s": t_filter,
        "filter_kept": len(kept),
        "keyword_s": t_keyword,
        "keyword_kept": len(hits),
        "distance_s": t_dist,
        "distance_max_km": float(max(d for d in dist if d == d)),
        # ru_maxrss is in kilobytes on Linux
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(folder: Path, repeat: int) -> dict:
    cmd = [sys.executable, "-m", "bench.bench_load", "--one", str(folder), "--repeat", str(repeat)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(rows: list[dict]) -> None:
    head = (
        "n",
        "file MB",
        "read s",
        "validate s",
        "load_file s",
        "filter s (kept)",
        "keyword s (kept)",
        "distance s",
        "peak RSS MB",
    )
    print(" | ".join(head))
    for r in rows:
        print(
            " | ".join(
                [
                    f"{r['n']:,}",
                    f"{r['file_mb']:.1f}",
                    f"{r['read_s']:.3f}",
                    f"{r['validate_s']:.3f}",
                    f"{r['load_file_s']:.3f}",
                    f"{r['filter_s']:.4f} ({r['filter_kept']:,})",
                    f"{r['keyword_s']:.4f} ({r['keyword_kept']:,})",
                    f"{r['distance_s']:.4f}",
                    f"{r['peak_rss_mb']:.0f}",
                ]
            )
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child mode: measure one folder
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    print(f"typical filter: {TYPICAL.describe()}; keyword filter: {KEYWORD.describe()}")
    print(f"best of {args.repeat} runs; each size in its own process\n")
    rows = []
    for n in args.sizes:
        t0 = time.perf_counter()
        folder = data_dir_for(args.out, n)
        made = time.perf_counter() - t0
        rows.append(run_child(folder, args.repeat))
        print(f"measured n={n:,} (data folder {folder}, ready in {made:.1f} s)", flush=True)
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
