"""Team mode at scale (issue 22): N incidents in PostGIS, two replicas, every page with the whole set chosen.

    python -m bench.bench_team [--n 1000000] [--database URL]

Keeps N incidents (bench_million's rows: the curated events copied with new ids and points moved)
as one dataset of a throwaway PostGIS cluster (tests/pg_cluster.py; or --database, a PostGIS
database its owner may write), starts two replicas of the app on it (`python -m ui.serve`, as the
README's team mode), and in headless Chromium opens, on each replica, every page with the whole
set chosen through the address (`?datasets=NAME`): the map's first view until its incidents are
drawn (or counted, above the map's limit), a filter until the map settles again, the explorer,
the chronology, then each replica's resident memory and its peak. Numbers are printed, never
asserted; the machine's load average is printed with them.
"""

from __future__ import annotations

import argparse
import re
import time
from urllib.parse import quote

from bench.bench_million import million
from bench.bench_scale import load_average, memory_mb, new_page, say
from bench.chromium import chromium_or_exit
from geo.loading import load_layer
from geo.settings import DATABASE_ENV
from geo.store import open_store
from geo.store.base import SourceInfo
from tests.browser.harness import CHROMIUM_ARGS, launch_app, wait_for_app

NAME = "team-bench"
TIMEOUT_MS = 600_000
PAGES = (("map", ""), ("explorer", "incidents"), ("chronology", "chronology"), ("trends", "trends"))


def keep(url: str, n: int) -> float:
    """Keep n incidents as NAME in the database at url; seconds taken."""
    frame = million(load_layer("incidents")[0], n, seed=9)
    t0 = time.perf_counter()
    open_store(url).save(NAME, frame, SourceInfo(f"{NAME}.geojson", f"{n:064x}", "synthetic", n, n, 0))
    return time.perf_counter() - t0


COUNT_LINE = re.compile(r"incidents (shown|match)")


def visit(browser, base: str, path: str, said: list | None = None) -> float:
    """Seconds until the page at path, with the whole set chosen, is idle (said: the map's count line)."""
    context, page = new_page(browser)
    t0 = time.perf_counter()
    page.goto(f"{base}/{path}?datasets={quote(NAME)}", timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=300)
    seconds = time.perf_counter() - t0 - 0.3
    if said is not None:
        said.append(page.get_by_text(COUNT_LINE).first.inner_text())
    context.close()
    return seconds


def filtered(browser, base: str) -> float:
    """Seconds from a filter given in the address (one category) to an idle map."""
    context, page = new_page(browser)
    t0 = time.perf_counter()
    page.goto(f"{base}/?datasets={quote(NAME)}&cat=attack", timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=300)
    seconds = time.perf_counter() - t0 - 0.3
    context.close()
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--database", help="a PostGIS database URL (its owner); default: a throwaway cluster")
    args = parser.parse_args(argv)
    exe = chromium_or_exit()
    from playwright.sync_api import sync_playwright

    cluster = None
    url = args.database
    if url is None:
        from tests.pg_cluster import ThrowawayCluster

        cluster = ThrowawayCluster.start()
        url = cluster.create_database("pkir_team_bench", migrated=True)
    try:
        print(f"load average at start: {load_average()}", flush=True)
        say(f"keeping {args.n:,} incidents in PostGIS")
        print(f"kept {args.n:,} incidents in {keep(url, args.n):.0f} s", flush=True)
        replicas = [launch_app(env={DATABASE_ENV: url}, timeout=300, preload=True) for _ in range(2)]
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
                for number, server in enumerate(replicas, start=1):
                    said: list[str] = []
                    times = {name: visit(browser, server.url, path, said if not path else None) for name, path in PAGES}
                    times["filter"] = filtered(browser, server.url)
                    times["map again"] = visit(browser, server.url, "")
                    rss, peak = memory_mb(server.proc.pid)
                    shown = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
                    print(f"replica {number}: {shown}; RSS {rss:.0f} MB, peak {peak:.0f} MB", flush=True)
                    print(f"  the map said: {' '.join(said[0].split())}", flush=True)
                browser.close()
        finally:
            for server in replicas:
                server.stop()
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
