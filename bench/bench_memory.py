"""Server memory and the cold start with N incidents in the data folder (issue 12).

    python -m bench.bench_memory [--n 100000] [--repo PATH ...] [--out bench/out]

For each app checkout given with --repo (default: this one; give /work/main as well to compare with
another branch) it starts `streamlit run app.py` on a synthetic data folder (bench.synthetic, made
once under --out) with a new, empty workspace, and then:
  1. reads the server's resident memory once it answers (nothing loaded yet);
  2. opens the map in headless Chromium, first session after the start: seconds from navigation to
     the incident layer drawn (the server's load of the incidents included), and the server's
     resident and peak memory after it;
  3. stops it and starts it again on the same workspace (a second start: whatever the first one
     kept on disk, such as the shipped file's cache, is there) and repeats 1 and 2.
Numbers are printed, never asserted; the machine's load average is printed with them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.bench_load import data_dir_for
from bench.bench_scale import ROOT, app_settled, load_average, memory_mb, new_page, say
from bench.chromium import chromium_or_exit
from tests.browser.harness import CHROMIUM_ARGS, AppServer


def one_start(browser, repo: Path, folder: Path, workspace: Path) -> dict:
    """Start the app of repo on folder with workspace, open the map once, stop it."""
    server = AppServer(data_dir=folder, env={"PKIR_WORKSPACE": str(workspace)}, cwd=repo)
    try:
        server.wait_ready()
        idle, _ = memory_mb(server.proc.pid)
        context, page = new_page(browser)
        settled, _frame = app_settled(page, server.url)
        rss, peak = memory_mb(server.proc.pid)
        context.close()
    finally:
        server.stop()
    return {"idle": idle, "settled": settled, "rss": rss, "peak": peak}


def main(argv: list[str] | None = None) -> None:
    """Measure and print one table row per checkout and start."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repo", type=Path, nargs="+", default=[ROOT])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    exe = chromium_or_exit()
    from playwright.sync_api import sync_playwright

    folder = data_dir_for(args.out, args.n).resolve()
    print(f"load average at start: {load_average()}")
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
        for repo in args.repo:
            with tempfile.TemporaryDirectory(prefix="pkir-bench-ws-") as workspace:
                for start in ("first start", "second start"):
                    say(f"{repo}: {start}")
                    t0 = time.perf_counter()
                    row = one_start(browser, repo.resolve(), folder, Path(workspace))
                    row.update(repo=str(repo), start=start, total=time.perf_counter() - t0)
                    rows.append(row)
                    say(f"{row}")
        browser.close()
    print(f"load average at end: {load_average()}")
    print(f"\n{args.n:,} incidents\n")
    print("| checkout | start | server RSS idle MB | map settled s (first session) | RSS after map / peak MB |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['repo']} | {r['start']} | {r['idle']:.0f} | {r['settled']:.1f} | {r['rss']:.0f} / {r['peak']:.0f} |"
        )


if __name__ == "__main__":
    main()
