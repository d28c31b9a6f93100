"""The legend's HTML: one row per symbol, built from the catalogue and the category vocabulary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from geo.catalog import LAYERS, legend_layers
from geo.schema import INCIDENT_CATEGORIES
from views.map.styles import HIGHLIGHT_COLOUR, LEVEL_TEXT, RING_GRADES, category_colour, esc, fatality_radius


def swatch_circle(colour: str, level: int = 0, radius: int = 6, fill: bool = True) -> str:
    """A circle as an incident of this precision level (0-2) is drawn."""
    size = 2 * radius + 6
    dash = ' stroke-dasharray="4 3"' if level == 2 else ""
    stroke, width = ("#fff", 1) if level == 0 else (colour, 2.5)
    fill_opacity = (0.85, 0.3, 0.08)[level] if fill else 0
    c = size / 2
    return (
        f'<svg class="sw" width="{size}" height="{size}"><circle cx="{c}" cy="{c}" r="{radius}" '
        f'fill="{esc(colour)}" fill-opacity="{fill_opacity}" stroke="{esc(stroke)}" stroke-width="{width}"{dash}/>'
        f'<circle cx="{c}" cy="{c}" r="{radius + 0.5}" fill="none" stroke="#333" stroke-width="0.4"/></svg>'
    )


def swatch_ringed(colour: str, radius: int = 6) -> str:
    """An incident with the verification ring: a thin dark dashed ring outside the mark."""
    size = 2 * radius + 12
    c = size / 2
    return (
        f'<svg class="sw" width="{size}" height="{size}"><circle cx="{c}" cy="{c}" r="{radius}" '
        f'fill="{esc(colour)}" fill-opacity="0.85" stroke="#fff" stroke-width="1"/>'
        f'<circle cx="{c}" cy="{c}" r="{radius + 3.5}" fill="none" stroke="#222" stroke-width="1.5" '
        'stroke-dasharray="2 2"/></svg>'
    )


def swatch_line(style: Mapping) -> str:
    """A short line in a catalogue line style."""
    dash = f' stroke-dasharray="{esc(style["dash_array"])}"' if style.get("dash_array") else ""
    return (
        f'<svg class="sw" width="30" height="10"><line x1="1" y1="5" x2="29" y2="5" stroke="{esc(style["color"])}" '
        f'stroke-width="{min(float(style.get("weight", 3)), 5)}"{dash}/></svg>'
    )


def swatch_symbol(shape: str, colour: str) -> str:
    """A square or diamond symbol, in a fixed 20 px box so a turned square does not reach its text."""
    turn = "transform:rotate(45deg);" if shape == "diamond" else ""
    return (
        '<span class="sw" style="width:20px;height:20px;display:inline-flex;align-items:center;'
        f'justify-content:center"><span style="{turn}display:inline-block;width:11px;height:11px;'
        f'background:{esc(colour)};border:2px solid #fff;box-shadow:0 0 0 1px #333"></span></span>'
    )


def row(swatch: str, text: str) -> str:
    """One legend row: a swatch and its (escaped) text."""
    return f'<div class="row">{swatch}<span>{esc(text)}</span></div>'


def layer_rows(layer_id: str, name: str | None = None) -> list[str]:
    """The legend rows of a line or place layer, as its catalogue entry declares them; name
    replaces the declared name of a layer drawn in one style."""
    layer = LAYERS[layer_id]
    drawing = layer.drawing
    styles = {"": layer.style} if drawing.style_by is None else layer.style
    rows = []
    for value, style in styles.items():
        text = drawing.legend.format(value) if name is None or drawing.style_by else name
        if layer.kind == "line":
            rows.append(row(swatch_line(style), text))
        elif drawing.symbol == "dot":
            rows.append(row(swatch_circle(style["color"], 0, 3), text))
        else:
            assert drawing.symbol is not None and isinstance(style, str)  # square/diamond: a colour per style_by value
            rows.append(row(swatch_symbol(drawing.symbol, style), text))
    return rows


def legend_html(categories: Iterable[str] | None = None) -> str:
    """The legend for every symbol on the map; categories default to all known ones."""
    cats = list(categories) if categories is not None else list(INCIDENT_CATEGORIES)
    parts = ["<details open><summary>Legend</summary>", "<h4>Incidents: colour = category</h4>"]
    parts += ['<div class="grid">', *[row(swatch_circle(category_colour(c), 0, 5), c) for c in cats], "</div>"]
    parts.append("<h4>Size = fatalities</h4>")
    sizes = "".join(
        f"{swatch_circle('#888888', 0, int(fatality_radius([n])[0]))}<span>{esc(label)}</span>"
        for n, label in ((0, "0 or unknown"), (10, "10"), (50, "50+"))
    )
    parts.append(f'<div class="row">{sizes}</div>')
    parts.append("<h4>Location precision</h4>")
    parts += [row(swatch_circle("#d7191c", level), text) for level, text in enumerate(LEVEL_TEXT)]
    parts.append("<h4>Verification</h4>")
    parts.append(row(swatch_ringed("#d7191c"), ", ".join(RING_GRADES) + " (dark outer ring)"))
    parts.append(row(swatch_circle("#d7191c", 0), "confirmed, corroborated or ungraded (no outer ring)"))
    two = [category_colour(c) for c in (cats * 2)[:2]] if cats else ["#333333", "#333333"]
    parts.append(
        row(
            '<span class="sw pkir-cluster" style="width:20px;height:20px;font-size:10px;'
            f'border-color:{esc(two[0])} {esc(two[0])} {esc(two[1])} {esc(two[1])}">3</span>',
            "several incidents at or near one place, ringed by their categories' colours: click to spread or zoom",
        )
    )
    parts.append("<h4>Lines</h4>")
    parts += [r for layer_id in legend_layers("line") for r in layer_rows(layer_id)]
    parts.append("<h4>Places</h4>")
    places = [r for layer_id in legend_layers("place") for r in layer_rows(layer_id)]
    places.append(row(swatch_circle(HIGHLIGHT_COLOUR, 1, 7, fill=False), "selected"))
    parts += ['<div class="grid">', *places, "</div>"]
    parts.append("</details>")
    return "".join(parts)


def small_legend(layer_ids: Iterable[str], texts: Mapping[str, str] | None = None) -> str:
    """An open legend for a small page map: the rows of the given layers; texts: a page's own
    name for a layer drawn in one style (by layer id)."""
    rows = [r for layer_id in layer_ids for r in layer_rows(layer_id, (texts or {}).get(layer_id))]
    return "<details open><summary>Legend</summary>" + "".join(rows) + "</details>"
