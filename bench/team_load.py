"""Many sessions at once over the replicas (issue 22): p95 per interaction and errors, printed.

    run(bases, name, record_id, sessions=20, seconds=60) -> {interaction: [seconds...]}, [errors]

Each session is a headless Chromium context (one browser, Playwright's async API), given a replica
in turn, that repeats until the time is up: the map's first view, a filter (one category, in the
address), the explorer, the chronology, and a record (the map with ?incident=ID, as a record link
or a click leaves it). Each interaction is timed from the address to an idle app (the idle test of
tests/browser/harness.py); a Streamlit exception on the page, a time-out or a dropped page is an
error. An interaction started before the end is finished and counted.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import quote

from tests.browser.harness import CHROMIUM_ARGS, IDLE_FOR_JS

TIMEOUT_MS = 120_000
SETTLE_MS = 300
VIEWPORT = {"width": 1280, "height": 800}


def interactions(name: str, record_id: str) -> list[tuple[str, str]]:
    """(interaction, path and query) in the order a session repeats them."""
    chosen = f"datasets={quote(name)}"
    return [
        ("map", f"/?{chosen}"),
        ("filter", f"/?{chosen}&cat=attack"),
        ("explorer", f"/incidents?{chosen}"),
        ("chronology", f"/chronology?{chosen}"),
        ("record", f"/?{chosen}&incident={quote(record_id)}"),
    ]


async def _idle(page) -> None:
    await page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    await page.evaluate("window.__pkirIdleSince = null")
    await page.wait_for_function(IDLE_FOR_JS, arg=SETTLE_MS, polling=100, timeout=TIMEOUT_MS)


async def _session(browser, base: str, steps, stop_at: float, times: dict, errors: list) -> None:
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    try:
        while time.monotonic() < stop_at:
            for what, path in steps:
                if time.monotonic() >= stop_at:
                    break
                t0 = time.perf_counter()
                try:
                    await page.goto(base + path, timeout=TIMEOUT_MS)
                    await _idle(page)
                    seconds = time.perf_counter() - t0 - SETTLE_MS / 1000
                    shown = await page.locator('[data-testid="stException"]').all_inner_texts()
                    if shown:
                        errors.append(f"{what} on {base}: {' '.join(shown[0].split())[:200]}")
                    else:
                        times.setdefault(what, []).append(seconds)
                except Exception as exc:  # a time-out, a dropped page: counted, the session goes on
                    errors.append(f"{what} on {base}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def _run(exe: str, bases: list[str], name: str, record_id: str, sessions: int, seconds: float):
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {}
    errors: list[str] = []
    steps = interactions(name, record_id)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS), headless=True)
        stop_at = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _session(
                    browser,
                    bases[i % len(bases)],
                    steps[i % len(steps) :] + steps[: i % len(steps)],
                    stop_at,
                    times,
                    errors,
                )
                for i in range(sessions)
            )
        )
        await browser.close()
    return times, errors


def run(exe: str, bases: list[str], name: str, record_id: str, sessions: int = 20, seconds: float = 60):
    """({interaction: [seconds]}, [errors]) of sessions running for seconds over the replicas at bases
    (each session starts at a different interaction, so all five run from the first second)."""
    return asyncio.run(_run(exe, bases, name, record_id, sessions, seconds))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def report(times: dict[str, list[float]], errors: list[str]) -> list[str]:
    """Lines to print: per interaction the count, median and p95, then all together, then errors."""
    lines = []
    everything = [v for vs in times.values() for v in vs]
    for what, values in [*sorted(times.items()), ("all", everything)]:
        lines.append(
            f"  {what:<10} n={len(values):>4}  median {percentile(values, 50):6.2f} s"
            f"  p95 {percentile(values, 95):6.2f} s  max {max(values, default=float('nan')):6.2f} s"
        )
    lines.append(f"  errors: {len(errors)}")
    lines += [f"    {e}" for e in errors[:10]]
    return lines
