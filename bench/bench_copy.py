"""Import speed into PostGIS (issue 22 item 5): one code tree against another, in one run, on one server.

    python -m bench.bench_copy [--roots /tmp/main-base .] [--sizes 100000 1000000] [--workspace]

For each code tree (a checkout of this repository; the first is the baseline) a worker process,
importing `geo` from that tree only, saves into its own fresh database of one throwaway cluster
(tests/pg_cluster.py: fsync off, so a test server's times): N synthetic incidents as a new dataset
(one save, replace mode) for each size, then the 100k rows again with 10 % retitled (an update by
id). The rows are one validated 100k chunk of bench.synthetic (made once, kept under bench/out/),
repeated with new ids and points moved up to 0.05° (bench.bench_postgis.variant). Where the tree
has them, the save's phases are timed too (frame to stored columns, staging COPY, merge by id).
Then two keyword reads of the largest dataset (a common word and one in no row).
--workspace also times keeping the largest size in an embedded workspace (GeoParquet).
Numbers are printed, never asserted; the machine's load is printed before and after.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHUNK = ROOT / "bench" / "out" / "copy_chunk_100000.pkl"
KEYWORDS = ("quetta", "xylophone")  # a common word (about 6 % of rows) and one in no row


def uptime() -> str:
    """The machine's load, as `uptime` prints it."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "uptime unavailable"


def make_chunk() -> Path:
    """The validated 100k synthetic chunk, pickled once under bench/out/ (both trees read the same rows)."""
    if not CHUNK.exists():
        from bench.bench_postgis import base_chunk

        CHUNK.parent.mkdir(parents=True, exist_ok=True)
        base_chunk(100_000).to_pickle(CHUNK)
    return CHUNK


def frame_of(base, n: int):
    """n rows: base repeated with new ids and moved points (bench.bench_postgis.variant)."""
    import pandas as pd

    from bench.bench_postgis import variant

    parts = [variant(base, k) for k in range(-(-n // len(base)))]
    out = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return out.iloc[:n].reset_index(drop=True)


def _timed(phases: dict, label: str, fn):
    """fn, adding its wall time to phases[label] at each call."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            phases[label] = phases.get(label, 0.0) + time.perf_counter() - t0

    return run


def _instrument(postgis, phases: dict) -> None:
    """Time the save's phases that this tree has (the module's own names; absent ones are skipped)."""
    for label, name in (("to stored columns", "to_flat"), ("NUL check", "nul_cell"), ("row hashes", "row_hashes")):
        if hasattr(postgis, name):
            setattr(postgis, name, _timed(phases, label, getattr(postgis, name)))
    if hasattr(postgis, "_merge_rows"):
        postgis._merge_rows = _timed(phases, "merge by id (SQL, index upkeep)", postgis._merge_rows)
    copy = postgis.PostgisStore._copy
    postgis.PostgisStore._copy = _timed(phases, "COPY (rows built and sent)", copy)


def worker(root: str, url: str, sizes: list[int], workspace: bool) -> None:
    """Run in a process whose `geo` is root's: save each size, print one JSON line per measure."""
    sys.path.insert(0, root)
    import pandas as pd

    from geo.filters import IncidentFilter
    from geo.store import open_store, postgis
    from geo.store.base import SourceInfo

    base = pd.read_pickle(CHUNK)
    store = postgis.PostgisStore(url)

    def emit(**row) -> None:
        print(json.dumps(row), flush=True)

    phases: dict = {}
    _instrument(postgis, phases)
    for n in sizes:
        frame = frame_of(base, n)
        phases.clear()
        source = SourceInfo(f"bench-{n}.geojson", f"{n:064x}", "GeoJSON", n, n, 0)
        t0 = time.perf_counter()
        report = store.save(f"new-{n}", frame, source)
        emit(
            what=f"{n:,} rows, new dataset",
            seconds=time.perf_counter() - t0,
            report=report.summary(),
            phases=dict(phases),
        )
        if n == sizes[0]:
            edited = frame.copy()
            edited.loc[edited.index[::10], "title"] = edited["title"].iloc[::10] + " (revised)"
            t0 = time.perf_counter()
            report = store.save(f"new-{n}", edited, replace(source, file_hash="e" * 64))
            emit(what=f"{n:,} rows again, 10 % retitled", seconds=time.perf_counter() - t0, report=report.summary())
        del frame
    for word in KEYWORDS:
        flt, name = IncidentFilter(keyword=word), f"new-{max(sizes)}"
        best, got = float("inf"), None
        for _ in range(2):
            t0 = time.perf_counter()
            got = store.read(name, flt, columns=["title"])
            best = min(best, time.perf_counter() - t0)
        emit(what=f"keyword '{word}' in {max(sizes):,} rows (best of 2)", seconds=best, report=f"{len(got):,} rows")
    if workspace:
        frame = frame_of(base, max(sizes))
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            report = open_store(str(Path(tmp) / "ws")).save("kept", frame, SourceInfo("w.geojson", "w", "x", 1, 1, 0))
            emit(
                what=f"{len(frame):,} rows kept in a workspace",
                seconds=time.perf_counter() - t0,
                report=report.summary(),
            )


def run_tree(root: Path, url: str, sizes: list[int], workspace: bool) -> list[dict]:
    """The worker's measures for one tree (its output streamed as it comes)."""
    cmd = [sys.executable, __file__, "--worker", str(root), url, "--sizes", *map(str, sizes)]
    cmd += ["--workspace"] if workspace else []
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{ROOT}"}
    rows = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=root) as proc:
        for line in proc.stdout:
            row = json.loads(line)
            rows.append(row)
            phases = ", ".join(f"{k} {v:.1f}" for k, v in row.get("phases", {}).items())
            print(f"  {row['what']}: {row['seconds']:.1f} s ({row['report']}){'; ' + phases if phases else ''}")
    if proc.returncode:
        raise SystemExit(f"the worker for {root} failed ({proc.returncode})")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--worker":
        ap = argparse.ArgumentParser()
        ap.add_argument("root")
        ap.add_argument("url")
        ap.add_argument("--sizes", type=int, nargs="+")
        ap.add_argument("--workspace", action="store_true")
        opts = ap.parse_args(args[1:])
        worker(opts.root, opts.url, opts.sizes, opts.workspace)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--roots", type=Path, nargs="+", default=[ROOT])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workspace", action="store_true", help="also keep the largest size in a workspace (last tree)")
    opts = ap.parse_args(args)
    sys.path.insert(0, str(ROOT))
    from tests.pg_cluster import ThrowawayCluster

    make_chunk()
    print(f"{os.cpu_count()} cores; load before: {uptime()}", flush=True)
    with ThrowawayCluster.start() as cluster:
        for i, root in enumerate(opts.roots):
            print(f"{root.resolve()}:", flush=True)
            url = cluster.create_database("pkir_bench")
            run_tree(root.resolve(), url, opts.sizes, opts.workspace and i == len(opts.roots) - 1)
            cluster.drop_database(url)
    print(f"load after: {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
