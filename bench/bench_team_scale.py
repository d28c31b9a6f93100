"""Team mode at 10 M incidents (issue 22's last target): two replicas, every page, 20 sessions at once.

    python -m bench.bench_team_scale [--sizes 1000000,10000000] [--sessions 20] [--seconds 60]

In a throwaway PostGIS cluster (tests/pg_cluster.py; or --database, a database its owner may
write) keeps bench_team's rows (the curated events copied with new ids, points moved) at COPY
speed for the first size, then grows the dataset in SQL to each next size (bench/team_data.py).
At each size it prints:

- the store's own answers, timed in this process: count, summary, the monthly and per-country
  aggregates, the filters' choices and the explorer's first page, read from the rollup
  (geo.store.rollup) and by the scan it replaces, for the whole set and for one category;
- two fresh replicas (`python -m ui.serve`): on each, the map's first view, a filter, the
  explorer, the chronology and a record (the map with ?incident=), one after the other, then its
  resident memory and peak;
- `--sessions` headless sessions over both replicas for `--seconds` (bench/team_load.py): per
  interaction the median and p95, the errors, and each replica's peak memory after.

The load average (`uptime`) is printed before and after each part: other work on the machine
shows in the numbers. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from bench import team_load
from bench.bench_scale import memory_mb, say
from bench.bench_team import NAME, filtered, keep, visit
from bench.chromium import chromium_or_exit
from bench.team_data import grow
from geo.filters import IncidentFilter
from geo.settings import DATABASE_ENV
from geo.store import open_store
from geo.store.postgis_query import PostgisQueries
from geo.store.query import IncidentQuery
from tests.browser.harness import CHROMIUM_ARGS, launch_app, wait_for_app

RECORD_ID = "M0000001"
PAGE_COLUMNS = ("id", "date_start", "title", "category", "country", "fatalities_best")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process (and its waited-for children) has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def engine_times(url: str, with_scan: bool = True) -> None:
    """The store's answers with the rollup and by the scan (seconds), for the whole set and a category."""
    store = open_store(url)
    fast = PostgisQueries(store)
    scan = PostgisQueries(store)
    scan._from_rollup = lambda *a, **k: None
    for label, flt in (("whole set", IncidentFilter()), ("one category", IncidentFilter(categories=("attack",)))):
        q = IncidentQuery((NAME,), flt)
        asks = {
            "count": lambda e, q=q: e.count(q),
            "summary": lambda e, q=q: e.summary(q),
            "by month": lambda e, q=q: e.aggregate(q, "month"),
            "by country": lambda e, q=q: e.aggregate(q, "country_value"),
            "choices": lambda e, q=q: e.choices(q),
            "cells 0.5": lambda e, q=q: e.aggregate(q, "cell", 0.5),
        }
        for what, ask in asks.items():
            if with_scan:  # the same answer, or the numbers mean nothing
                assert str(ask(fast)) == str(ask(scan)), what
            fast_s = _timed(ask, fast)
            scan_s = f"   scan {_timed(ask, scan):6.3f} s" if with_scan else ""
            print(f"  {label:<12} {what:<10} rollup {fast_s:6.3f} s{scan_s}")
        page = IncidentQuery((NAME,), flt, columns=PAGE_COLUMNS, limit=50)
        print(f"  {label:<12} page of 50 rows   {_timed(fast.rows, page):6.3f} s", flush=True)


def record(browser, base: str) -> float:
    """Seconds from a record's address (the map with ?incident=) to an idle page."""
    from bench.bench_scale import new_page

    context, page = new_page(browser)
    t0 = time.perf_counter()
    page.goto(f"{base}/?datasets={quote(NAME)}&incident={RECORD_ID}", timeout=team_load.TIMEOUT_MS)
    wait_for_app(page, timeout=team_load.TIMEOUT_MS, settle_ms=300)
    seconds = time.perf_counter() - t0 - 0.3
    context.close()
    return seconds


def replicas_at(url: str, exe: str, sessions: int, seconds: float) -> None:
    """Two fresh replicas: each page on each, then the sessions at once; times and memory printed."""
    from playwright.sync_api import sync_playwright

    servers = [launch_app(env={DATABASE_ENV: url}, timeout=600, preload=True) for _ in range(2)]
    try:
        print(f"  before the pages: {uptime()}", flush=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
            for number, server in enumerate(servers, start=1):
                times = {"map first view": visit(browser, server.url, "")}
                times["filter"] = filtered(browser, server.url)
                times["explorer"] = visit(browser, server.url, "incidents")
                times["chronology"] = visit(browser, server.url, "chronology")
                times["record"] = record(browser, server.url)
                times["map again"] = visit(browser, server.url, "")
                rss, peak = memory_mb(server.proc.pid)
                shown = ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
                print(f"  replica {number}: {shown}; RSS {rss:.0f} MB, peak {peak:.0f} MB", flush=True)
            browser.close()
        print(f"  after the pages: {uptime()}", flush=True)
        say(f"{sessions} sessions over two replicas for {seconds:g} s")
        started, cpu = time.monotonic(), [cpu_seconds(s.proc.pid) for s in servers]
        times, errors = team_load.run(exe, [s.url for s in servers], NAME, RECORD_ID, sessions, seconds)
        ran = time.monotonic() - started
        used = ", ".join(f"{cpu_seconds(s.proc.pid) - c:.0f}" for s, c in zip(servers, cpu, strict=True))
        print(f"  load ran {ran:.0f} s; replicas used {used} CPU s of the 2 cores' {2 * ran:.0f}; after it: {uptime()}")
        for line in team_load.report(times, errors):
            print(line)
        for number, server in enumerate(servers, start=1):
            rss, peak = memory_mb(server.proc.pid)
            print(f"  replica {number} after the sessions: RSS {rss:.0f} MB, peak {peak:.0f} MB", flush=True)
    finally:
        for server in servers:
            server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated dataset sizes, growing")
    parser.add_argument("--database", help="a PostGIS database URL (its owner); default: a throwaway cluster")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--no-browser", action="store_true", help="the store's answers only")
    parser.add_argument("--last-only", action="store_true", help="measure at the last size only")
    parser.add_argument("--no-scan", action="store_true", help="time the rollup's answers, not the scan's")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    exe = None if args.no_browser else chromium_or_exit()
    cluster = None
    url = args.database
    if url is None:
        from tests.pg_cluster import ThrowawayCluster

        cluster = ThrowawayCluster.start()
        url = cluster.create_database("pkir_team_scale", migrated=True)
    try:
        print(f"at start: {uptime()}", flush=True)
        for at, n in enumerate(sizes):
            if at == 0:
                say(f"keeping {n:,} incidents in PostGIS")
                print(f"kept {n:,} incidents in {keep(url, n):.0f} s", flush=True)
            else:
                say(f"growing the dataset to {n:,} incidents in SQL")
                print(f"grew to {n:,} incidents in {grow(url, NAME, n, say=print):.0f} s", flush=True)
            if args.last_only and at < len(sizes) - 1:
                continue
            say(f"the store's answers at {n:,}")
            engine_times(url, with_scan=not args.no_scan)
            if exe is not None:
                say(f"two replicas at {n:,}")
                replicas_at(url, exe, args.sessions, args.seconds)
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"at end: {uptime()}")


if __name__ == "__main__":
    main()
