"""The layer registry: one entry per layer, naming its file, schema, style and legend.

Adding a layer means adding one Layer here (and its schema in geo.schema).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from geo import schema as s

DATA_DIR = Path(__file__).resolve().parent / "data"
# Another folder of layer files (same names) can be used instead, e.g. for tests and benchmarks.
DATA_DIR_ENV = "PKIR_DATA_DIR"


def data_dir() -> Path:
    """The folder the layers are read from: PKIR_DATA_DIR when set, else geo/data."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


@dataclass(frozen=True)
class Layer:
    """One shipped layer: its file, schema, title and how it is drawn."""

    id: str
    file: str
    title: str
    schema: s.LayerSchema
    kind: str  # "polygon", "line", "point"
    description: str
    style: dict = field(default_factory=dict)
    # drawn by default on the map; toggled from the sidebar
    default_on: bool = True


LAYERS: dict[str, Layer] = {
    layer.id: layer
    for layer in (
        Layer(
            "countries",
            "countries.geojson",
            "Country outlines",
            s.COUNTRIES,
            "polygon",
            "Pakistan, Iran and Afghanistan (Natural Earth 1:10m)",
            {"color": "#6b6b6b", "weight": 1, "fill_color": "#f4f1ea", "fill_opacity": 0.6},
        ),
        Layer(
            "provinces",
            "provinces.geojson",
            "Provinces",
            s.PROVINCES,
            "polygon",
            "Balochistan (Pakistan) and Sistan and Baluchestan (Iran)",
            {"color": "#8c6d46", "weight": 1.5, "fill_color": "#e9d8b4", "fill_opacity": 0.35},
        ),
        Layer(
            "border",
            "border.geojson",
            "Pakistan–Iran border",
            s.BORDER,
            "line",
            "The international border, derived from Natural Earth 1:10m",
            {"color": "#b2182b", "weight": 3, "dash_array": "8 4"},
        ),
        Layer(
            "pipeline",
            "pipeline.geojson",
            "Gas pipeline",
            s.PIPELINE,
            "line",
            "Iran–Pakistan gas pipeline: built and unbuilt sections (indicative route)",
            {
                "built": {"color": "#1b7837", "weight": 4},
                "claimed built": {"color": "#1b7837", "weight": 4, "dash_array": "2 6"},
                "not built": {"color": "#762a83", "weight": 4, "dash_array": "10 8"},
            },
        ),
        Layer(
            "power_line",
            "power_line.geojson",
            "Power line",
            s.POWER_LINE,
            "line",
            "Polan–Gabd electricity line to Jiwani and Gwadar (indicative route)",
            {"color": "#f1a340", "weight": 3},
        ),
        Layer(
            "markets",
            "markets.geojson",
            "Border markets",
            s.MARKETS,
            "point",
            "Joint border markets under the April 2021 MoU",
            {"operating": "#2166ac", "partly operating": "#67a9cf", "planned": "#bdbdbd", "closed": "#525252"},
        ),
        Layer(
            "crossings",
            "crossings.geojson",
            "Border crossings",
            s.CROSSINGS,
            "point",
            "Official, trade and local border crossings",
            {"official": "#000000", "trade": "#4d4d4d", "local": "#878787"},
        ),
        Layer("towns", "towns.geojson", "Towns", s.TOWNS, "point", "Context towns and cities", {"color": "#333333"}),
        Layer(
            "incidents",
            "incidents.geojson",
            "Incidents and events",
            s.INCIDENTS,
            "point",
            "Security incidents, diplomacy and infrastructure milestones with sources",
            {},
        ),
    )
}
