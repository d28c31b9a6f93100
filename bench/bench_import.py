"""Time and peak memory of imports: UCDP GED and ACLED rows and plain lat/lon CSVs of a given size.

    python -m bench.bench_import [--ucdp 50000] [--acled 0] [--csv-mb 4 40] [--csv-rows-per-url 0] [--out bench/out]

Each file is imported in its own process, then kept in a fresh workspace (the CLI's --keep, the
Import page's "Keep this dataset"). The baseline is the process's RSS with every module loaded
and a small file imported and kept once (tables read on first use are not the import's);
"import" and "+ keep" are the peak RSS above it during the import and during the keep (which
still holds the import), from Linux's VmHWM reset before each, and "x file" divides them by the
file's size. "cpu s" is the import's CPU time, which
says more than wall time when other work shares the machine. Files are synthetic, made once
under --out and reused. Numbers are printed, never asserted.
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


def make_latlon(path: Path, megabytes: float, seed: int = 0, *, rows_per_url: int = 0) -> None:
    """A plain lat/lon CSV of about this size (about 120 bytes a row).

    rows_per_url=0: every row cites its own URL; else each run of that many rows cites one article (with
    its outlet), as a file where one report covers several events does.
    """
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,date,latitude,longitude,title,category,country,place,fatalities,description,source_url")
        fh.write(",source\n" if rows_per_url else "\n")
        i = 0
        while fh.tell() < megabytes * 1_000_000:
            i += 1
            fh.write(
                f"R-{i},2023-{rnd.randint(1, 12):02}-{rnd.randint(1, 28):02},{rnd.uniform(25.5, 33.5):.4f},"
                f"{rnd.uniform(62.5, 71.0):.4f},Attack {i},attack,PAK,Place {i % 300},{rnd.randint(0, 9)},"
            )
            if rows_per_url:
                k = i // rows_per_url
                fh.write(f"Synthetic row {i},https://example.org/report/{k},Outlet {k % 7}\n")
            else:
                fh.write(f"Synthetic row {i},https://example.org/r/{i}\n")


ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
)
ACLED_KINDS = [("Violence against civilians", "Attack", "Unidentified Armed Group (Pakistan)", "Civilians (Pakistan)"),
               ("Battles", "Armed clash", "Military Forces of Pakistan (2018-)", "TTP: Tehreek-i-Taliban Pakistan"),
               ("Explosions/Remote violence", "Remote explosive/landmine/IED", "BLA: Balochistan Liberation Army",
                "Police Forces of Pakistan (2018-)"),
               ("Protests", "Peaceful protest", "Protesters (Pakistan)", "")]  # fmt: skip


def make_acled(path: Path, n: int, seed: int = 0) -> None:
    """n synthetic rows in ACLED's current export layout, in Pakistan (ids PAK1..PAKn)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(ACLED_HEADER + "\n")
        for i in range(1, n + 1):
            kind, sub, a1, a2 = rnd.choice(ACLED_KINDS)
            y, m, d = rnd.randint(2010, 2024), rnd.randint(1, 12), rnd.randint(1, 28)
            lat, lon, deaths = rnd.uniform(25.5, 33.5), rnd.uniform(62.5, 71.0), rnd.randint(0, 9)
            fh.write(
                f"PAK{i},{y}-{m:02}-{d:02},{y},1,Political violence,{kind},{sub},{a1},,3,{a2},,7,37,,586,Southern Asia,"
                f"Pakistan,Balochistan,District {i % 40},Tehsil {i % 90},Place {i % 500},{lat:.4f},{lon:.4f},"
                f"{rnd.randint(1, 3)},Dawn; Express Tribune,National,"
                f'"On {d} {m} {y}, in Place {i % 500} (District {i % 40}, Balochistan), {a1} and {a2}: event {i}; '
                f'{deaths} reported killed.",{deaths},,{1600000000 + i}\n'
            )


CHILD = """
import gc, json, sys, tempfile, time
from pathlib import Path
from bench.bench_import import make_latlon
from geo.importers import import_file
from geo.store.embedded import EmbeddedStore
from geo.store.imports import keep_import

def status(field):  # MB, as the file sizes
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
    return int(line.split()[1]) * 1024 / 1e6

def reset_peak():
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM starts again from VmRSS

with tempfile.TemporaryDirectory() as warm:  # tables loaded on first use are not the import's
    make_latlon(Path(warm) / "warm.csv", 0.05)
    keep_import(EmbeddedStore(warm), "warm", Path(warm) / "warm.csv", import_file(Path(warm) / "warm.csv"))
gc.collect()
base = status("VmRSS")
reset_peak()
t, c = time.perf_counter(), time.process_time()
r = import_file(sys.argv[1])
secs, cpu = time.perf_counter() - t, time.process_time() - c
imported = status("VmHWM")
reset_peak()
with tempfile.TemporaryDirectory() as ws:
    t = time.perf_counter()
    keep_import(EmbeddedStore(ws), "bench", sys.argv[1], r)
    keep_secs = time.perf_counter() - t
print(json.dumps({"secs": secs, "cpu": cpu, "keep_secs": keep_secs, "base_mb": base, "import_mb": imported,
                  "keep_mb": status("VmHWM"), "rows": r.rows_read, "ok": r.count, "rejected": len(r.rejected)}))
"""


def measure(path: Path) -> dict:
    """Import path in a fresh process; its time and memory."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ucdp", type=int, nargs="*", default=[50_000])
    ap.add_argument("--acled", type=int, nargs="*", default=[])
    ap.add_argument("--csv-mb", type=float, nargs="*", default=[4, 40])
    ap.add_argument("--csv-rows-per-url", type=int, default=0, help="lat/lon rows citing one article (0: a URL a row)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    files = []
    for kind, sizes, make in (("ucdp", args.ucdp, make_ucdp), ("acled", args.acled, make_acled)):
        for n in sizes:
            path = args.out / f"{kind}_{n}.csv"
            if not path.exists():
                make(path, n)
            files.append(path)
    for mb in args.csv_mb:
        tail = f"_{args.csv_rows_per_url}_per_url" if args.csv_rows_per_url else ""
        path = args.out / f"latlon_{mb:g}mb{tail}.csv"
        if not path.exists():
            make_latlon(path, mb, rows_per_url=args.csv_rows_per_url)
        files.append(path)
    print(
        f"{'file':20} {'MB':>5} {'rows':>8} {'ok':>8} {'secs':>6} {'cpu s':>6} {'keep s':>6} {'base MB':>7} "
        f"{'import MB':>9} {'x file':>6} {'+ keep MB':>9} {'x file':>6}"
    )
    for path in files:
        size = path.stat().st_size / 1e6
        m = measure(path)
        imported, kept = m["import_mb"] - m["base_mb"], m["keep_mb"] - m["base_mb"]
        print(
            f"{path.name:20} {size:5.1f} {m['rows']:8,} {m['ok']:8,} {m['secs']:6.2f} {m['cpu']:6.2f} "
            f"{m['keep_secs']:6.2f} {m['base_mb']:7.0f} {imported:9.0f} {imported / size:5.1f}x {kept:9.0f} "
            f"{kept / size:5.1f}x"
        )


if __name__ == "__main__":
    main()
