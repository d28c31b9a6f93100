"""The layer registry: one entry per layer, naming its file, schema, style and how it is drawn.

A layer is its data file (geo/data), its schema (geo.schema), one Layer here and its section in
geo/data/README.md (tests/test_layer_contract.py fails when a piece is missing). The entry declares
its drawing order (z), whether the border map draws it, its legend group and position, its record
layout (a name geo.records resolves) and what one feature is called; the border map's order, its
legend and sidebar toggles and the figure's z-orders are derived from it. The views tell the
incident layer apart by its symbol ("incident"); a page's own map names the layers it shows, and
the frame (the provinces) and the districts' figure labels are still named by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo import schema as s
from geo.settings import DATA_DIR_ENV as DATA_DIR_ENV
from geo.settings import SHIPPED_DATA, settings

DATA_DIR = SHIPPED_DATA
# Another folder of layer files (same names) can be used instead (PKIR_DATA_DIR), e.g. for tests and benchmarks.


def data_dir() -> Path:
    """The folder the layers are read from: PKIR_DATA_DIR when set, else geo/data."""
    return settings().data_dir


@dataclass(frozen=True)
class Drawing:
    """How a layer is drawn on the map, declared as data (views.map reads it).

    symbol: a point layer's marker: "square", "diamond", "dot", or "incident" (clustered circles
    sized by fatalities, coloured by category); None for lines and areas.
    style_by: the property whose value picks the colour (points) or the style (lines) from the
    layer's style mapping; fallback is used for a value the mapping lacks.
    tooltip: one line of context under the name, formatted with the feature's properties.
    legend: how the legend names the layer ("{}" is the style_by value, one row per style).
    land: the ground of the offline map (opaque without tiles, transparent over them).
    """

    symbol: str | None = None
    size: int = 0
    style_by: str | None = None
    fallback: object = None
    tooltip: str = ""
    legend: str = ""
    interactive: bool = True
    labels: bool = False  # each feature's name always shown: beside a point; at an area's centre in the figure
    land: bool = False
    attribution: str | None = None


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
    drawing: Drawing = field(default_factory=Drawing)
    # drawing order, bottom to top: the border map's order and the figure's matplotlib zorder
    z: int = 0
    on_border_map: bool = True  # drawn on the border map, with a toggle in its sidebar
    legend_group: str | None = None  # "line" or "place": the legend section listing it; None: none
    legend_rank: int = 0  # its position in that section
    record: str = ""  # its record layout, a name in geo.records.LAYOUTS ("" = the generic one)
    one: str = ""  # what one feature is called ("Town"); "" = the title
    frame: bool = False  # the study area: the border map and the figure open on this layer's bounds

    @property
    def incidents(self) -> bool:
        """The incident layer: drawn from the store, as clustered circles."""
        return self.drawing.symbol == "incident"


NATURAL_EARTH_CREDIT = "Boundaries: Natural Earth 1:10m (public domain)"
DISTRICTS_CREDIT = (  # both sources of the districts layer (geo/data/README.md)
    "Counties: © OpenStreetMap contributors, ODbL 1.0; Balochistan's districts: Boundaries: geoBoundaries (ODbL), "
    "rebuilt to 2023 census districts; Source: Pakistan Bureau of Statistics, Census 2023"
)

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
            drawing=Drawing(tooltip="country", interactive=False, land=True, attribution=NATURAL_EARTH_CREDIT),
            z=1,
            record="country",
        ),
        Layer(
            "provinces",
            "provinces.geojson",
            "Provinces",
            s.PROVINCES,
            "polygon",
            "Balochistan (Pakistan) and Sistan and Baluchestan (Iran)",
            {"color": "#8c6d46", "weight": 1.5, "fill_color": "#e9d8b4", "fill_opacity": 0.35},
            drawing=Drawing(tooltip="province · {country}"),
            z=2,
            record="province",
            frame=True,
        ),
        Layer(
            "districts",
            "districts.geojson",
            "Districts and counties",
            s.DISTRICTS,
            "polygon",
            "Balochistan's 2023-census districts (geoBoundaries, PBS) and Sistan and Baluchestan's counties "
            "(OpenStreetMap); the units incidents are counted in",
            {"color": "#8c6d46", "weight": 0.8, "fill_color": "#e9d8b4", "fill_opacity": 0.1},
            default_on=False,  # not in LAYER_ORDER: the Trends page draws it, the border map does not
            drawing=Drawing(
                tooltip="{province} · {country}",
                legend="district / county",
                interactive=False,
                labels=True,
                attribution=DISTRICTS_CREDIT,
            ),
            z=3,
            on_border_map=False,
        ),
        Layer(
            "border",
            "border.geojson",
            "Pakistan–Iran border",
            s.BORDER,
            "line",
            "The international border, derived from Natural Earth 1:10m",
            {"color": "#b2182b", "weight": 3, "dash_array": "8 4"},
            drawing=Drawing(tooltip="international border", legend="Pakistan–Iran border"),
            z=6,
            legend_group="line",
            legend_rank=3,
            record="border",
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
            drawing=Drawing(
                style_by="status", fallback="not built", tooltip="gas pipeline · {status}", legend="gas pipeline: {}"
            ),
            z=8,
            legend_group="line",
            legend_rank=1,
            record="pipeline",
        ),
        Layer(
            "power_line",
            "power_line.geojson",
            "Power line",
            s.POWER_LINE,
            "line",
            "Polan–Gabd electricity line to Jiwani and Gwadar (indicative route)",
            {"color": "#f1a340", "weight": 3},
            drawing=Drawing(tooltip="power line · {status}", legend="Polan–Gabd power line"),
            z=7,
            legend_group="line",
            legend_rank=2,
            record="power line",
        ),
        Layer(
            "markets",
            "markets.geojson",
            "Border markets",
            s.MARKETS,
            "point",
            "Joint border markets under the April 2021 MoU",
            {"operating": "#2166ac", "partly operating": "#67a9cf", "planned": "#bdbdbd", "closed": "#525252"},
            drawing=Drawing("square", 14, "status", "#999999", "border market · {status}", "market: {}"),
            z=12,
            legend_group="place",
            legend_rank=1,
            record="market",
            one="Border market",
        ),
        Layer(
            "crossings",
            "crossings.geojson",
            "Border crossings",
            s.CROSSINGS,
            "point",
            "Official, trade and local border crossings",
            {"official": "#000000", "trade": "#4d4d4d", "local": "#878787"},
            drawing=Drawing("diamond", 13, "kind", "#000000", "{kind} crossing", "{} crossing"),
            z=13,
            legend_group="place",
            legend_rank=2,
            record="crossing",
            one="Border crossing",
        ),
        Layer(
            "towns",
            "towns.geojson",
            "Towns",
            s.TOWNS,
            "point",
            "Context towns and cities",
            {"color": "#333333"},
            drawing=Drawing("dot", 7, legend="town", labels=True),
            z=9,
            legend_group="place",
            legend_rank=3,
            record="town",
            one="Town",
        ),
        Layer(
            "incidents",
            "incidents.geojson",
            "Incidents and events",
            s.INCIDENTS,
            "point",
            "Security incidents, diplomacy and infrastructure milestones with sources",
            {},
            drawing=Drawing("incident"),
            z=10,
            record="incident",
        ),
    )
}


def border_map_layers() -> tuple[str, ...]:
    """The border map's layers, bottom to top; its sidebar offers a toggle for each."""
    drawn = [layer for layer in LAYERS.values() if layer.on_border_map]
    return tuple(layer.id for layer in sorted(drawn, key=lambda layer: layer.z))


def by_z(layer_ids: Iterable[str]) -> list[str]:
    """The given layer ids in drawing order (bottom to top)."""
    return sorted(layer_ids, key=lambda i: LAYERS[i].z)


LEGEND_GROUPS = ("line", "place")


def legend_layers(group: str) -> tuple[str, ...]:
    """The border map's layers in one legend section, in their declared legend order."""
    listed = [layer for layer in LAYERS.values() if layer.legend_group == group and layer.on_border_map]
    return tuple(layer.id for layer in sorted(listed, key=lambda layer: layer.legend_rank))


def incident_layer() -> str | None:
    """The id of the incident layer (its symbol is "incident"), or None."""
    return next((layer.id for layer in LAYERS.values() if layer.incidents), None)


def frame_layer() -> str | None:
    """The id of the layer whose bounds are the study area (the maps' and the figure's frame), or None."""
    return next((layer.id for layer in LAYERS.values() if layer.frame), None)


LAYER_ORDER = border_map_layers()  # as the catalogue is shipped; code that may see more layers calls the function
