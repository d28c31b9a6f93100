"""How features look: category colours, fatality sizes, precision rings, and each layer's style
as declared in the catalogue (geo.catalog.Drawing). Also the two escaping helpers every
element uses."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo.catalog import LAYERS
from geo.grades import grade_of
from geo.schema import CATEGORY, GRADE, GRADES, OTHER_CATEGORY

# location_precision -> drawing level: 0 solid (exact), 1 ring with light fill (town, near,
# approximate), 2 dashed ring, nearly empty (district or coarser: the point is a centroid).
PRECISION_LEVEL = {"exact": 0, "town": 1, "near": 1, "approximate": 1, "indicative": 1}
COARSE_LEVEL = 2
LEVEL_TEXT = (
    "exact site (solid)",
    "town, nearby or approximate (ring)",
    "district, province or border area: a centroid (dashed ring)",
)
HIGHLIGHT_COLOUR = "#00b7ff"
# A verification grade drawn with an outer dark ring (geo.schema.Grade.ring): added to the precision
# level in the payload's precision byte (incidents.js reads level = byte & 3, ringed = byte & 4).
GRADE_RING = 4
RING_GRADES = tuple(g.name for g in GRADES if g.ring)


def category_colour(name) -> str:
    """The map colour of an incident category (geo.schema.CATEGORIES); unknown ones get 'other'."""
    return CATEGORY.get(str(name), OTHER_CATEGORY).colour


def esc(value) -> str:
    """html.escape plus the backtick, so the text is inert in HTML and in JS template strings."""
    return html.escape("" if value is None else str(value), quote=True).replace("`", "&#96;")


def js_json(obj) -> str:
    """JSON safe to place inside <script>: no <, >, &, ' characters survive unescaped."""
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def fatality_radius(fatalities) -> np.ndarray:
    """Circle radius in pixels: 5 for none or unknown, growing with the square root, at most 22."""
    f = np.asarray(pd.to_numeric(pd.Series(fatalities, dtype="object"), errors="coerce"), dtype=float)
    f = np.where(np.isfinite(f) & (f > 0), f, 0.0)
    return np.minimum(5.0 + 2.2 * np.sqrt(f), 22.0).round().astype(int)


def precision_level(precision) -> int:
    """0 exact, 1 approximate, 2 a centroid of a district or larger (see PRECISION_LEVEL)."""
    return PRECISION_LEVEL.get(str(precision), COARSE_LEVEL)


def grade_ring(grade) -> int:
    """GRADE_RING for a grade drawn with the outer ring (single source, claimed, disputed), else 0."""
    return GRADE_RING if GRADE[grade_of(grade)].ring else 0


def leaflet_style(style: Mapping) -> dict:
    """Catalogue style (snake_case) -> Leaflet path options (camelCase)."""
    names = {"fill_color": "fillColor", "fill_opacity": "fillOpacity", "dash_array": "dashArray", "line_cap": "lineCap"}
    return {names.get(k, k): v for k, v in style.items()}


def _styled(layer_id: str, props: Mapping):
    """The layer's style entry for this feature: picked by its style_by property, if declared."""
    layer = LAYERS[layer_id]
    by = layer.drawing.style_by
    if by is None:
        return layer.style
    fallback = layer.drawing.fallback
    return layer.style.get(str(props.get(by)), layer.style.get(fallback, fallback))


def path_style(layer_id: str, props: Mapping, basemap: str) -> dict:
    """Leaflet style of a line or area; areas fade over tiles, the land is opaque without them."""
    layer = LAYERS[layer_id]
    out = leaflet_style(_styled(layer_id, props))
    if layer.kind != "polygon":
        return out
    if basemap == "offline":
        if layer.drawing.land:  # land stands out from the sea-blue ground
            out["fillOpacity"] = max(out.get("fillOpacity", 0.0), 0.95)
    else:  # let the tiles show through
        out["fillOpacity"] = 0.0 if layer.drawing.land else min(out.get("fillOpacity", 0.2), 0.15)
    return out


def point_symbol(layer_id: str, props: Mapping) -> dict:
    """How a market, crossing or town is drawn: shape, colour, size (all from the catalogue)."""
    drawing = LAYERS[layer_id].drawing
    colour = _styled(layer_id, props)
    if isinstance(colour, Mapping):
        colour = colour.get("color", "#333333")
    return {"shape": drawing.symbol, "color": colour, "size": drawing.size}
