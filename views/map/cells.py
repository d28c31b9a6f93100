"""Incidents as grid cells, for a filtered set too large to draw one by one (static/cells.js).

The cell size follows the zoom: 2**(5 - zoom) degrees (0.5° at zoom 6), about 23 to 45 pixels on
screen, so a view holds a few hundred to a few thousand cells. Sizes are powers of two, so cell
edges, boxes and the store's floor(lon / size) are exact in binary on every engine. The box asked
for is the view widened by a quarter on each side and rounded out to blocks of CHUNK cells: small
pans ask the same question again (and hit the cache in ui.queries).

The browser reports where the map is (ViewFollow, while the page follows the view) as st_folium's
last_active_drawing with properties {layer: "view", bounds: [west, south, east, north], zoom}.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from views.map.elements import RUNTIME, PkirElement, glue
from views.map.styles import js_json

VIEW_LAYER = "view"  # the "layer" of a reported view
CELL_BASE = 5  # cell size at zoom z: 2 ** (CELL_BASE - z) degrees
MIN_LEVEL, MAX_LEVEL = 3, 18  # the map's zoom range (views.map.build)
CHUNK = 8  # a box's edges are multiples of this many cells
MARGIN = 0.25  # the box reaches this share of the view beyond each edge
FIRST_ZOOM = 6  # the zoom the region is first shown at on a laptop (a phone's view reports itself)
GUESS_PIXELS = (1400, 800)  # a view's size in pixels, to guess its box from a centre and a zoom
# colour classes, light to dark (ColorBrewer YlOrRd, 5 classes)
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
WORLD = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class ViewBox:
    """The box the map asks about (west, south, east, north, on the cell grid) and the zoom level
    its cells are made for."""

    box: tuple[float, float, float, float]
    level: int

    @property
    def cell(self) -> float:
        """The cell size in degrees at this level."""
        return cell_size(self.level)


def level_of(zoom: float) -> int:
    """The whole zoom level a (fractional) zoom belongs to, within the map's range."""
    return int(min(max(math.floor(zoom), MIN_LEVEL), MAX_LEVEL))


def cell_size(level: int) -> float:
    """The cell size in degrees at a zoom level (a power of two)."""
    return 2.0 ** (CELL_BASE - level)


def view_box(bounds, zoom: float) -> ViewBox:
    """The box to ask for a view (west, south, east, north) at a zoom: widened by MARGIN, rounded
    out to CHUNK cells, kept within the world."""
    level = level_of(zoom)
    chunk = cell_size(level) * CHUNK
    west, south, east, north = (float(v) for v in bounds)
    dx, dy = (east - west) * MARGIN, (north - south) * MARGIN

    def out(value: float, up: bool, lo: float, hi: float) -> float:
        rounded = (math.ceil if up else math.floor)(value / chunk) * chunk
        return float(min(max(rounded, lo), hi))

    box = (
        out(west - dx, False, -180.0, 180.0),
        out(south - dy, False, -90.0, 90.0),
        out(east + dx, True, -180.0, 180.0),
        out(north + dy, True, -90.0, 90.0),
    )
    return ViewBox(box, level)


def guess_view(center: tuple[float, float], zoom: float, pixels: tuple[int, int] = GUESS_PIXELS) -> ViewBox:
    """The box of a view known only by its centre (lat, lon) and zoom, in a window of about this size."""
    lat, lon = float(center[0]), float(center[1])
    per_pixel = 360.0 / (256 * 2.0 ** float(zoom))
    half_x = pixels[0] / 2 * per_pixel
    half_y = pixels[1] / 2 * per_pixel * max(math.cos(math.radians(lat)), 0.05)
    return view_box((lon - half_x, lat - half_y, lon + half_x, lat + half_y), zoom)


def first_view(frame: list[list[float]], url_view: tuple | None) -> ViewBox:
    """The box of the map's first view: the address's centre and zoom, else the region's frame
    [[south, west], [north, east]] at FIRST_ZOOM."""
    if url_view is not None:
        return guess_view(*url_view)
    (south, west), (north, east) = frame
    return view_box((west, south, east, north), FIRST_ZOOM)


def reported_view(props: Mapping | None) -> ViewBox | None:
    """The box of a view the browser reported, or None for anything else or anything malformed
    (the browser's word is checked, not trusted)."""
    if not isinstance(props, Mapping) or props.get("layer") != VIEW_LAYER:
        return None
    bounds, zoom = props.get("bounds"), props.get("zoom")
    try:
        west, south, east, north = (float(v) for v in bounds)  # type: ignore[union-attr]  # None: TypeError, caught
        zoom = float(zoom)  # type: ignore[arg-type]  # None: TypeError, caught
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north, zoom)) or west >= east or south >= north:
        return None
    if not 0 <= zoom <= 30:
        return None
    return view_box((max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)), zoom)


def class_breaks(counts: np.ndarray, classes: int = len(PALETTE)) -> list[int]:
    """Upper bounds of the colour classes: geometric steps from 1 to the largest count (fewer
    classes when the counts are small)."""
    top = int(counts.max()) if len(counts) else 1
    steps = sorted({max(1, math.ceil(round(top ** (k / classes), 6))) for k in range(1, classes + 1)})
    return steps or [1]


def class_of(counts: np.ndarray, breaks: list[int]) -> np.ndarray:
    """Each count's colour class: the first break it does not exceed."""
    return np.searchsorted(np.asarray(breaks), counts, side="left").astype(int)


@dataclass(frozen=True)
class CellSet:
    """Cells to draw: the store's aggregate (cell_x, cell_y, incidents, fatalities), their size and
    the box they were asked for."""

    frame: pd.DataFrame
    view: ViewBox

    @property
    def count(self) -> int:
        return len(self.frame)

    @property
    def incidents(self) -> int:
        return int(self.frame["incidents"].sum()) if len(self.frame) else 0


def cells_data(cells: CellSet) -> dict:
    """What cells.js draws: the cell size, each cell's column, row, count, fatalities and colour
    class, the palette and the class breaks (numbers only)."""
    frame = cells.frame
    counts = frame["incidents"].to_numpy(dtype=np.int64)
    breaks = class_breaks(counts)
    return {
        "cell": cells.view.cell,
        "x": frame["cell_x"].astype(int).tolist(),
        "y": frame["cell_y"].astype(int).tolist(),
        "n": counts.astype(int).tolist(),
        "f": frame["fatalities"].astype(int).tolist(),
        "k": class_of(counts, breaks).tolist(),
        "breaks": breaks,
        "colours": list(PALETTE[len(PALETTE) - len(breaks) :]),
    }


class CellLayer(PkirElement):
    """The matching incidents as coloured grid cells with a count tooltip and a legend line
    (static/cells.js); a click on a cell zooms in on it."""

    scripts = (*RUNTIME, "cells.js")

    _template = glue("window.PKIR.cellLayer({{ this._parent.get_name() }}, {{ this.data_json }});")

    def __init__(self, cells: CellSet):
        super().__init__()
        self._name = "PkirCells"
        self.count = cells.count
        self.data_json = js_json(cells_data(cells))


class ViewFollow(PkirElement):
    """Tells the browser what the drawn incidents cover, sent on every rerun: while the view stays
    inside box and its zoom within [zooms[0], zooms[1]) (None: no upper end) nothing is asked;
    otherwise the view is reported (static/cells.js). None: the page does not follow the view."""

    scripts = (*RUNTIME, "cells.js")

    _template = glue("window.PKIR.followView({{ this.state_json }});")

    def __init__(self, box: tuple[float, float, float, float] | None = None, zooms: tuple | None = None):
        super().__init__()
        self._name = "PkirViewFollow"
        self.state = None if box is None else {"box": list(box), "zooms": list(zooms or (0, None))}
        self.state_json = js_json(self.state)
