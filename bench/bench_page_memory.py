"""Server memory as every page is visited at 100k, step by step (issue 12).

    python -m bench.bench_page_memory [--n 100000] [--out bench/out]

Starts `python -m ui.serve` on the synthetic folder (bench.synthetic, made once under --out) with a new
workspace, then in headless Chromium, each step in a new session unless said: the map cold, the map
warm and a category picked there, then twice over the explorer and the chronology, each opened
unfiltered and then given one category and a second one (the shared views of every filter are kept,
so the second round shows whether memory still grows). Prints the server's resident and peak
memory after each step, and the load average. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.bench_load import data_dir_for
from bench.bench_scale import ROOT, TIMEOUT_MS, app_settled, load_average, memory_mb, new_page, pick_category
from bench.chromium import chromium_or_exit
from tests.browser.harness import CHROMIUM_ARGS, AppServer, wait_for_app

CHANGED_JS = "(k) => PKIR.layers.incidents && PKIR.layers.incidents.key !== k && PKIR.layers.incidents.drawnCount > 0"


def visit_pages(browser, server: AppServer, report) -> None:
    """The steps above, calling report(label) after each."""
    context, page = new_page(browser)
    app_settled(page, server.url)
    context.close()
    report("map, cold")
    context, page = new_page(browser)
    _, frame = app_settled(page, server.url)
    wait_for_app(page, timeout=TIMEOUT_MS)
    report("map, warm")
    key = frame.evaluate("() => PKIR.layers.incidents.key")
    pick_category(page, "attack")
    frame.wait_for_function(CHANGED_JS, arg=key, polling=50, timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    context.close()
    report("map, + attack")
    for round_ in (1, 2):
        for name, path in (("explorer", "incidents"), ("chronology", "chronology")):
            context, page = new_page(browser)
            page.goto(f"{server.url}/{path}", timeout=TIMEOUT_MS)
            wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=300)
            report(f"{name}, all (round {round_})")
            for category in ("attack", "bombing/IED"):
                pick_category(page, category)
                wait_for_app(page, timeout=TIMEOUT_MS, settle_ms=300)
                report(f"{name}, + {category} (round {round_})")
            context.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    exe = chromium_or_exit()
    from playwright.sync_api import sync_playwright

    folder = data_dir_for(args.out, args.n).resolve()
    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="pkir-bench-ws-") as workspace:
        server = AppServer(data_dir=folder, env={"PKIR_WORKSPACE": workspace}, preload=True)
        try:
            server.wait_ready(300)

            def report(label: str) -> None:
                rss, peak = memory_mb(server.proc.pid)
                print(f"  {time.strftime('%H:%M:%S')} {label:38s} RSS {rss:5.0f} MB, peak {peak:5.0f} MB", flush=True)

            report("ready (data loaded)")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
                visit_pages(browser, server, report)
                browser.close()
        finally:
            server.stop()
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
