"""Print the geodesic measures of the shipped layers against the figures the sources report.

Headline measures (province areas, border length, unbuilt Pakistani pipeline), each segment's
reported against measured length, and each market's, crossing's and incident's distance to the
border. Exits with status 1 when a headline measure is out of its tolerance.

    python -m scripts.print_measures [--data-dir geo/data]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from geo import analysis
from geo.catalog import LAYERS, data_dir
from geo.loading import load_layer


def _fmt(value, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:+.1f}%"


def headline(layers: dict) -> tuple[str, bool]:
    table = analysis.measures_table(layers)
    shown = pd.DataFrame(
        {
            "measure": table["measure"],
            "measured": [f"{_fmt(m)} {u}" for m, u in zip(table["measured"], table["unit"], strict=True)],
            "reported": [f"{_fmt(r, 0)} {u}" for r, u in zip(table["reported"], table["unit"], strict=True)],
            "diff": table["diff_pct"].map(_pct),
            "tolerance": table["tolerance_pct"].map(lambda t: f"±{t:g}%"),
            "ok": table["within_tolerance"].map({True: "yes", False: "NO"}),
        }
    )
    return shown.to_string(index=False), bool(table["within_tolerance"].all())


def segments(lines) -> str:
    table = analysis.segment_lengths(lines)
    return pd.DataFrame(
        {
            "id": table["id"],
            "segment": table["name"],
            "status": table["status"],
            "reported km": table["reported_km"].map(lambda v: _fmt(v, 0)),
            "geodesic km": table["measured_km"].map(_fmt),
            "diff": table["diff_pct"].map(_pct),
        }
    ).to_string(index=False)


def border_distances(points, border) -> str:
    km = analysis.distance_to_border_km(points.geometry, border)
    label = points["name"] if "name" in points.columns else points["title"]
    return pd.DataFrame(
        {
            "id": points["id"],
            "name": label.str.slice(0, 60),
            "km to border": ["unlocated" if pd.isna(k) else _fmt(k) for k in km],
        }
    ).to_string(index=False)


def report(folder: Path) -> tuple[str, bool]:
    layers = {layer_id: load_layer(layer_id, folder)[0] for layer_id in LAYERS}
    table, ok = headline(layers)
    parts = [
        f"Geodesic measures (WGS84 ellipsoid) of the layers in {folder}",
        "",
        "Headline measures against reported figures",
        table,
        "",
        "Gas pipeline: reported against geodesic length per segment",
        segments(layers["pipeline"]),
        "",
        "Power line: reported against geodesic length per segment",
        segments(layers["power_line"]),
        "",
    ]
    for layer_id in ("markets", "crossings", "incidents"):
        parts += [
            f"{LAYERS[layer_id].title}: distance to the Pakistan–Iran border",
            border_distances(layers[layer_id], layers["border"]),
            "",
        ]
    parts.append(
        "All headline measures within tolerance."
        if ok
        else "OUT OF TOLERANCE: at least one headline measure (marked NO) is off."
    )
    return "\n".join(parts), ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None, help="folder of layer files (default: geo/data)")
    args = ap.parse_args(argv)
    text, ok = report(args.data_dir or data_dir())
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
