"""Time and peak memory of imports: UCDP GED rows and plain lat/lon CSVs of a given size.

    python -m bench.bench_import [--ucdp 50000] [--csv-mb 4 40] [--out bench/out]

Each import runs in its own process; the peak RSS printed is that process's, with the memory
of the imported modules (measured before the import) shown apart; "cpu s" is the process's CPU
time, which says more than wall time when other work shares the machine. Files are synthetic,
made once under --out and reused. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_name,dyad_name,side_a,side_b,"
    "number_of_sources,source_article,source_date,where_prec,where_coordinates,where_description,adm_1,adm_2,"
    "latitude,longitude,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
)
SIDES = [("Government of Pakistan", "TTP", "1"), ("Government of India", "Government of Pakistan", "1"),
         ("IS", "Civilians", "3"), ("TTP", "BLA", "2")]  # fmt: skip


def make_ucdp(path: Path, n: int, seed: int = 0) -> None:
    """n synthetic UCDP GED rows in Pakistan (ids 1..n)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(UCDP_HEADER + "\n")
        for i in range(1, n + 1):
            a, b, tv = rnd.choice(SIDES)
            y, m, d = rnd.randint(1989, 2024), rnd.randint(1, 12), rnd.randint(1, 28)
            da, db, dc = rnd.randint(0, 5), rnd.randint(0, 9), rnd.randint(0, 3)
            lat, lon = rnd.uniform(25.5, 33.5), rnd.uniform(62.5, 71.0)
            fh.write(
                f'{i},PAK-{y}-1-{i},{y},1,Clear,{tv},Pakistan: TTP,{a} - {b},{a},{b},2,"Dawn, {y}-{m:02}-{d:02}",'
                f"{y}-{m:02}-{d:02},{rnd.randint(1, 7)},Place {i % 500},near place {i % 500},Balochistan province,"
                f"District {i % 40},{lat:.4f},{lon:.4f},Pakistan,770,Asia,1,1,"
                f"{y}-{m:02}-{d:02} 00:00:00.000,{y}-{m:02}-{d:02} 00:00:00.000,{da},{db},{dc},0,"
                f"{da + db + dc},{da + db + dc + 2},{da + db + dc},770,\n"
            )


def make_latlon(path: Path, megabytes: float, seed: int = 0) -> None:
    """A plain lat/lon CSV of about this size (about 150 bytes a row)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,date,latitude,longitude,title,category,country,place,fatalities,description,source_url\n")
        i = 0
        while fh.tell() < megabytes * 1_000_000:
            i += 1
            fh.write(
                f"R-{i},2023-{rnd.randint(1, 12):02}-{rnd.randint(1, 28):02},{rnd.uniform(25.5, 33.5):.4f},"
                f"{rnd.uniform(62.5, 71.0):.4f},Attack {i},attack,PAK,Place {i % 300},{rnd.randint(0, 9)},"
                f"Synthetic row {i},https://example.org/r/{i}\n"
            )


CHILD = """
import json, resource, sys, time
from geo.importers import import_file
import geo.importers.values as v
v._outlines()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t, c = time.perf_counter(), time.process_time()
r = import_file(sys.argv[1])
secs, cpu = time.perf_counter() - t, time.process_time() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"secs": secs, "cpu": cpu, "base_mb": before / 1024, "peak_mb": peak / 1024,
                  "rows": r.rows_read, "ok": len(r.incidents), "rejected": len(r.rejected)}))
"""


def measure(path: Path) -> dict:
    """Import path in a fresh process; its time and memory."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ucdp", type=int, nargs="*", default=[50_000])
    ap.add_argument("--csv-mb", type=float, nargs="*", default=[4, 40])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    files = []
    for n in args.ucdp:
        path = args.out / f"ucdp_{n}.csv"
        if not path.exists():
            make_ucdp(path, n)
        files.append(path)
    for mb in args.csv_mb:
        path = args.out / f"latlon_{mb:g}mb.csv"
        if not path.exists():
            make_latlon(path, mb)
        files.append(path)
    print(
        f"{'file':24} {'MB':>6} {'rows':>8} {'ok':>8} {'secs':>6} {'cpu s':>6} {'peak MB':>8} "
        f"{'modules MB':>10} {'import/file':>11}"
    )
    for path in files:
        size = path.stat().st_size / 1e6
        m = measure(path)
        ratio = (m["peak_mb"] - m["base_mb"]) / size
        print(
            f"{path.name:24} {size:6.1f} {m['rows']:8,} {m['ok']:8,} {m['secs']:6.2f} {m['cpu']:6.2f} "
            f"{m['peak_mb']:8.0f} "
            f"{m['base_mb']:10.0f} {ratio:10.1f}x"
        )


if __name__ == "__main__":
    main()
