"""The published figure at scale: time to draw the map as a PNG (and a PDF) from N synthetic
incidents (bench/synthetic.py), printed, never asserted.

    python -m bench.bench_figure [--n 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time

from bench.synthetic import make_data_dir
from geo.catalog import LAYER_ORDER
from geo.loading import load_layer
from views import figure


def timed(repeat: int, fn) -> tuple[float, bytes]:
    """The shortest wall time of repeat calls, and the last result."""
    best, result = float("inf"), b""
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    """Print the PNG and PDF times at --n incidents."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pkir-bench-figure-") as tmp:
        folder = make_data_dir(tmp, args.n)
        incidents, _ = load_layer("incidents", folder)
    layers = figure.load_layers()
    print(f"incidents: {len(incidents):,} ({len(figure.incident_marks(incidents)):,} with a point)")
    for fmt in ("png", "pdf"):
        seconds, data = timed(
            args.repeat,
            lambda fmt=fmt: figure.render_map(incidents, LAYER_ORDER, "no filters", "bench", fmt=fmt, layers=layers),
        )
        print(f"render_map {fmt}: {seconds:.2f} s (best of {args.repeat}), {len(data) / 1e6:.1f} MB")
    seconds, data = timed(1, lambda: figure.render_brief(incidents, LAYER_ORDER, "no filters", "bench", layers=layers))
    print(f"render_brief pdf: {seconds:.2f} s, {len(data) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
