"""A bounded load test: N browser sessions on loopback changing the sidebar filters for S seconds.

    python -m bench.bench_sessions [--sessions 10] [--seconds 60] [--n 0] [--pages map,incidents,chronology]

Starts `streamlit run app.py` (PKIR_OFFLINE=1; with --n a synthetic data folder of n incidents,
else the shipped data), opens one Chromium context (so one Streamlit session) per simulated
user, spread over the pages, and lets every session change a filter (keyword, minimum
fatalities), wait for the rerun to finish, and change the next, concurrently, until the time is
up. Prints:
  - reruns done, errors (exception boxes, page errors, reruns that never finished);
  - rerun time, action to Streamlit idle: p50, p95, max;
  - the server's resident memory sampled every second: after warm-up, at the middle, at the
    end, the highest, and the growth over the second half (a leak keeps climbing there);
  - the machine's load average before and after (the numbers depend on it).
Numbers are printed, never asserted. Needs chromium on PATH (Debian's package).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time
from pathlib import Path

from tests.browser.harness import CHROMIUM_ARGS, IDLE_FOR_JS, VIEWPORT, chromium_path, launch_app

PAGES = {"map": "", "incidents": "incidents", "chronology": "chronology"}
KEYWORDS = ["attack", "quetta", "", "border", "iran", "zahedan", "", "militants", "pipeline", ""]
SETTLE_MS = 300
RERUN_TIMEOUT_MS = 120_000


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler(threading.Thread):
    """Samples a process's RSS once a second until stopped: (seconds since start, MB)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self._halt = pid, [], threading.Event()
        self.t0 = time.monotonic()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            self.samples.append((time.monotonic() - self.t0, rss_mb(self.pid)))

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


async def wait_idle(page, timeout_ms: float = RERUN_TIMEOUT_MS) -> None:
    """Streamlit idle and the page drawn, for SETTLE_MS without a break."""
    await page.evaluate("window.__pkirIdleSince = null")
    await page.wait_for_function(
        IDLE_FOR_JS,
        arg=SETTLE_MS,
        polling=50,
        timeout=timeout_ms,
    )


class Session:
    """One browser context on one page; changes filters and times the reruns."""

    def __init__(self, number: int, page_key: str):
        self.number, self.page_key = number, page_key
        self.times: list[float] = []
        self.errors: list[str] = []
        self.messages = 0

    async def open(self, browser, base_url: str) -> None:
        self.context = await browser.new_context(viewport=VIEWPORT)
        self.page = await self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._received))
        await self.page.goto(f"{base_url}/{PAGES[self.page_key]}", timeout=RERUN_TIMEOUT_MS)
        await wait_idle(self.page)

    def _received(self, _payload) -> None:
        self.messages += 1

    async def change_filter(self, step: int) -> None:
        """One filter change and the rerun it causes; the time goes to self.times."""
        page = self.page
        before = self.messages
        t0 = time.perf_counter()
        if step % 3 == 2:
            box = page.locator('input[aria-label="Minimum fatalities"]')
            await box.fill(str(1 + (step // 3) % 3))  # never the value it had: every change reruns
            await box.press("Enter")
        else:
            box = page.locator('input[aria-label="Keyword"]')
            await box.fill(KEYWORDS[(step + self.number) % len(KEYWORDS)] + ("" if step % 2 else " "))
            await box.press("Enter")
        deadline = time.monotonic() + 15
        while self.messages == before and time.monotonic() < deadline:
            await page.wait_for_timeout(50)
        if self.messages == before:
            self.errors.append("no rerun started within 15 s of a filter change")
            return
        await wait_idle(page)
        self.times.append(time.perf_counter() - t0 - SETTLE_MS / 1000)
        boxes = await page.locator('[data-testid="stException"]').all_inner_texts()
        self.errors.extend(f"exception box: {b.strip()[:200]}" for b in boxes)

    async def run(self, until: float) -> None:
        step = 0
        while time.monotonic() < until:
            try:
                await self.change_filter(step)
            except Exception as exc:  # a rerun that never finished, a closed page
                self.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            step += 1

    async def close(self) -> None:
        await self.context.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def drive(base_url: str, sessions: int, seconds: float, pages: list[str]) -> tuple[list[Session], float]:
    """Open the sessions, run them together for seconds; (sessions, monotonic time they were all open)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        users = [Session(i, pages[i % len(pages)]) for i in range(sessions)]
        for user in users:  # one after the other: the first visit of each is not what is measured
            await user.open(browser, base_url)
        opened = time.monotonic()
        until = opened + seconds
        await asyncio.gather(*(user.run(until) for user in users))
        for user in users:
            await user.close()
        await browser.close()
    return users, opened


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--n", type=int, default=0, help="synthetic incidents (0: the shipped data)")
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--pages", default="map,incidents,chronology")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        raise SystemExit("chromium not found on PATH")
    folder = None
    if args.n:
        from bench.bench_load import data_dir_for

        folder = data_dir_for(args.out, args.n)
    load_before = os.getloadavg()
    server = launch_app(data_dir=folder, timeout=120)
    sampler = MemorySampler(server.proc.pid)
    try:
        rss_start = rss_mb(server.proc.pid)
        sampler.start()
        t0 = time.monotonic()
        users, opened = asyncio.run(drive(server.url, args.sessions, args.seconds, args.pages.split(",")))
        wall = time.monotonic() - t0
    finally:
        sampler.stop()
        server.stop()
    load_after = os.getloadavg()

    times = [t for u in users for t in u.times]
    errors = [e for u in users for e in u.errors]
    mem = [mb for t, mb in sampler.samples if t >= opened - sampler.t0] or [0.0]
    half = len(mem) // 2
    print(
        f"sessions {args.sessions} on {args.pages}, {args.seconds:g} s of filter changes, data: {args.n or 'shipped'}"
    )
    print(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f}"
    )
    print(f"wall time (with opening the sessions) {wall:.0f} s; reruns {len(times)}; errors {len(errors)}")
    for err in errors[:10]:
        print("  ", err)
    if times:
        print(
            f"rerun s: p50 {statistics.median(times):.2f}  p95 {percentile(times, 0.95):.2f}  "
            f"max {max(times):.2f}  mean {statistics.fmean(times):.2f}"
        )
    for user in users:
        shown = f"{statistics.median(user.times):.2f}" if user.times else "-"
        print(f"   session {user.number} ({user.page_key}): {len(user.times)} reruns, p50 {shown} s")
    if mem:
        print(
            f"server RSS MB: before {rss_start:.0f}, after opening {mem[0]:.0f}, middle {mem[half]:.0f}, "
            f"end {mem[-1]:.0f}, highest {max(mem):.0f}; growth over the second half {mem[-1] - mem[half]:+.0f}"
        )


if __name__ == "__main__":
    main()
