"""Publishable figures drawn on the server, offline: the border map as PNG, SVG or PDF, and a
one-page PDF brief (figure, headline numbers, monthly chart, the ten newest incidents).

Drawn with geopandas + matplotlib from the shipped layers (geo.loading), styled as the web map
(views.map.styles, geo.catalog), never from tiles. No streamlit here: a page calls render_map or
render_brief and offers the bytes for download; scripts/export_map.py does the same from a shell.
Every text from data goes to matplotlib with math parsing off, so "$", "%" and "<b>" stay literal.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import matplotlib
import matplotlib.colors
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import Geod

from geo.catalog import LAYERS, NATURAL_EARTH_CREDIT, by_z, frame_layer, incident_layer, legend_layers
from geo.features import has_point
from geo.incident_stats import headline, monthly
from geo.provenance import citation, project_version
from geo.schema import CATEGORIES
from views.figure_fonts import font_rc, text_family
from views.incident_table import first_source_url, outlets
from views.map.styles import LEVEL_TEXT, category_colour, fatality_radius, precision_level

FORMATS = ("png", "svg", "pdf")
MIN_PNG_WIDTH = 2000
MAP_WIDTH_IN, MAP_HEIGHT_IN = 12.0, 9.0
BRIEF_SIZE_IN = (8.27, 11.69)  # A4 portrait
SEA = "#dce9f2"
CURATED = "PKIR curated"
ACLED_CREDIT = "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"
EMPTY_TEXT = "No incidents match these filters"
_GEOD = Geod(ellps="WGS84")
_PX = 0.75  # one CSS pixel of the web map in typographic points


@dataclass(frozen=True)
class Layers:
    """The shipped layers a figure may draw, by catalogue id (geo.loading.load_layer results)."""

    frames: Mapping[str, gpd.GeoDataFrame]

    def get(self, layer_id: str) -> gpd.GeoDataFrame | None:
        """The layer's frame, or None when it is not loaded."""
        return self.frames.get(layer_id)


def load_layers(layer_ids: Iterable[str] | None = None, folder=None) -> Layers:
    """Read the reference layers (not incidents; default: every other catalogue layer) from the
    data folder; a broken one is left out."""
    from geo.loading import load_layer
    from geo.validation import LayerValidationError

    frames = {}
    for layer_id in LAYERS if layer_ids is None else layer_ids:
        if LAYERS[layer_id].incidents:
            continue
        try:
            frames[layer_id] = load_layer(layer_id, folder)[0]
        except (LayerValidationError, OSError):
            continue
    return Layers(frames)


# --- attribution -------------------------------------------------------------------------


def _values(frame: pd.DataFrame, column: str) -> list[str]:
    if frame is None or column not in frame.columns:
        return []
    return sorted({str(v) for v in frame[column].dropna().unique()})


def figure_attributions(
    incidents: pd.DataFrame, layers_shown: Sequence[str], data_date: str | None = None
) -> list[str]:
    """The credit every dataset shown requires, one line each: the project's citation, Natural
    Earth (the base every figure draws), each layer shown's own attribution (the catalogue's),
    ACLED's credit and UCDP's version when their rows are shown, and any other kept dataset's own
    licence."""
    today = date.today().isoformat()
    lines = [citation(project_version(), data_date, today)[0], NATURAL_EARTH_CREDIT]
    for layer_id in layers_shown:
        credit = LAYERS[layer_id].drawing.attribution if layer_id in LAYERS else None
        if credit and credit not in lines:
            lines.append(credit)
    datasets = _values(incidents, "dataset")
    licences = {}
    if incidents is not None and {"dataset", "licence"} <= set(incidents.columns):
        pairs = incidents[["dataset", "licence"]].dropna(subset=["dataset"]).drop_duplicates("dataset")
        licences = {str(d): ("" if pd.isna(lic) else str(lic)) for d, lic in pairs.itertuples(index=False)}
    ucdp = [d for d in datasets if d.upper().startswith("UCDP") or "UCDP" in licences.get(d, "")]
    acled = [d for d in datasets if "ACLED" in d.upper() or licences.get(d, "").upper().startswith("ACLED")]
    if acled:
        lines.append(f"Source: {ACLED_CREDIT}")
    if ucdp:
        lines.append(
            f"{', '.join(ucdp)}: Uppsala Conflict Data Program Georeferenced Event Dataset, CC BY 4.0 "
            "(Sundberg and Melander 2013; Davies, Pettersson and Öberg 2024)"
        )
    for name in datasets:
        if name in ucdp or name in acled or name.startswith(CURATED):
            continue
        lines.append(f"{name}: {licences.get(name) or 'licence not stated'}")
    return lines


def data_date_of(incidents: pd.DataFrame, layers: Layers | None = None) -> str:
    """The newest updated_at of the incidents and reference layers shown, as YYYY-MM-DD."""
    frames = [incidents] + ([] if layers is None else list(layers.frames.values()))
    stamps = []
    for frame in frames:
        if frame is not None and "updated_at" in frame.columns and len(frame):
            stamp = pd.to_datetime(frame["updated_at"], errors="coerce", utc=True).max()
            if pd.notna(stamp):
                stamps.append(stamp)
    return max(stamps).strftime("%Y-%m-%d") if stamps else "unknown"


# --- drawing the map ---------------------------------------------------------------------


def _dashes(dash_array: str | None, weight: float):
    """A Leaflet dashArray ("8 4") as a matplotlib dash pattern in line widths."""
    if not dash_array:
        return "-"
    parts = [float(p) / max(weight, 1.0) for p in re.split(r"[ ,]+", str(dash_array).strip()) if p]
    return (0, tuple(parts)) if parts else "-"


def _line_style(layer_id: str, props: Mapping) -> dict:
    """Colour, width and dashes of one line feature, from the catalogue's style."""
    layer = LAYERS[layer_id]
    style = layer.style
    if layer.drawing.style_by:
        style = style.get(str(props.get(layer.drawing.style_by)), style.get(layer.drawing.fallback, {}))
    weight = float(style.get("weight", 2))
    return {
        "color": style.get("color", "#333333"),
        "linewidth": weight * _PX,
        "linestyle": _dashes(style.get("dash_array"), weight),
    }


def _extent(layers: Layers) -> tuple[float, float, float, float]:
    """The study area (the catalogue's frame layer: the two provinces), with a margin (fixed, so
    figures are comparable)."""
    area = layers.get(frame_layer() or "")
    if area is None or area.empty:
        return (56.0, 23.5, 71.5, 32.5)
    minx, miny, maxx, maxy = area.total_bounds
    return (minx - 0.6, miny - 0.6, maxx + 0.6, maxy + 0.6)


def _of_kind(kind: str) -> list[str]:
    """The catalogue's layers of one kind (not the incidents), in drawing order."""
    return by_z(i for i, layer in LAYERS.items() if layer.kind == kind and not layer.incidents)


def _draw_polygons(ax, layers: Layers, layers_shown: Sequence[str]) -> None:
    """The land (always) and the area layers asked for, as the offline basemap draws them."""
    for layer_id in _of_kind("polygon"):
        frame, layer = layers.get(layer_id), LAYERS[layer_id]
        style = layer.style
        if frame is None or not (layer.drawing.land or layer_id in layers_shown):
            continue
        if layer.drawing.land:
            frame.plot(ax=ax, color=style["fill_color"], edgecolor=style["color"], linewidth=0.6, zorder=layer.z)
            continue
        frame.plot(
            ax=ax,
            facecolor=matplotlib.colors.to_rgba(style["fill_color"], style.get("fill_opacity", 0.3)),
            edgecolor=style["color"],
            linewidth=float(style.get("weight", 1)) * _PX,
            zorder=layer.z,
        )


def _draw_area_labels(ax, layers: Layers, layers_shown: Sequence[str], scale: float) -> None:
    """The name of each area of a labelled area layer shown (Drawing.labels: the districts), with its
    local (Persian or Urdu) name under it."""
    for layer_id in _of_kind("polygon"):
        frame = layers.get(layer_id)
        if frame is None or layer_id not in layers_shown or not LAYERS[layer_id].drawing.labels:
            continue
        for _, row in frame.iterrows():
            point = row.geometry.representative_point()
            name = str(row.get("name", ""))
            ax.text(point.x, point.y, name, fontsize=4.5 * scale, ha="center", va="bottom", zorder=4)
            local = row.get("name_local")
            if isinstance(local, str) and local.strip():
                ax.text(
                    point.x,
                    point.y,
                    local,
                    fontsize=4.5 * scale,
                    family=text_family(local),
                    ha="center",
                    va="top",
                    zorder=4,
                )


def _draw_lines(ax, layers: Layers, layers_shown: Sequence[str]) -> None:
    """The line layers asked for (border, power line, pipeline), each feature in its catalogue style."""
    for layer_id in _of_kind("line"):
        frame = layers.get(layer_id)
        if frame is None or layer_id not in layers_shown:
            continue
        for _, row in frame.iterrows():
            gpd.GeoSeries([row.geometry]).plot(ax=ax, zorder=LAYERS[layer_id].z, **_line_style(layer_id, row))


_MARKERS: dict[str | None, str] = {"square": "s", "diamond": "D", "dot": "o"}


def _draw_points(ax, layers: Layers, layers_shown: Sequence[str], scale: float) -> None:
    """The point layers asked for (towns, markets, crossings) with the web map's symbols and
    colours; those the catalogue labels (towns) labelled."""
    for layer_id in _of_kind("point"):
        z = LAYERS[layer_id].z
        frame = layers.get(layer_id)
        if frame is None or layer_id not in layers_shown:
            continue
        frame = frame[has_point(frame.geometry)]
        drawing = LAYERS[layer_id].drawing
        colours = [_point_colour(layer_id, row) for _, row in frame.iterrows()]
        size = (drawing.size * _PX * scale) ** 2
        ax.scatter(
            frame.geometry.x,
            frame.geometry.y,
            s=size * (0.5 if drawing.symbol == "diamond" else 0.6),
            marker=_MARKERS.get(drawing.symbol, "o"),
            c=colours,
            edgecolors="white",
            linewidths=0.6 * scale,
            zorder=z,
        )
        if drawing.labels:
            for _, row in frame.iterrows():
                name = str(row.get("name", ""))
                ax.annotate(
                    name,
                    (row.geometry.x, row.geometry.y),
                    xytext=(3 * scale, 2 * scale),
                    textcoords="offset points",
                    fontsize=5.5 * scale,
                    family=text_family(name),
                    color="#222222",
                    zorder=z,
                )


def _point_colour(layer_id: str, props: Mapping) -> str:
    """A point feature's colour, picked by its style_by value like the web map."""
    layer = LAYERS[layer_id]
    if layer.drawing.style_by is None:
        return layer.style.get("color", "#333333")
    colour = layer.style.get(str(props.get(layer.drawing.style_by)), layer.drawing.fallback)
    return colour if isinstance(colour, str) else "#333333"


def incident_marks(incidents: pd.DataFrame) -> pd.DataFrame:
    """Where and how each located incident is drawn: x, y, colour, radius (web-map pixels) and
    precision level (0 solid, 1 ring with light fill, 2 dashed ring), largest first."""
    if incidents is None or len(incidents) == 0:
        return pd.DataFrame(columns=["x", "y", "colour", "radius", "level"])
    geoms = incidents.geometry
    located = has_point(geoms)
    rows = incidents[located]
    fatalities = rows["fatalities_best"] if "fatalities_best" in rows.columns else [None] * len(rows)
    precision = rows["location_precision"] if "location_precision" in rows.columns else ["exact"] * len(rows)
    category = rows["category"].astype(str) if "category" in rows.columns else pd.Series("other", index=rows.index)
    colour_of = {c: category_colour(c) for c in category.unique()}
    marks = pd.DataFrame(
        {
            "x": rows.geometry.x.to_numpy(),
            "y": rows.geometry.y.to_numpy(),
            "colour": category.map(colour_of).to_numpy(),
            "radius": fatality_radius(list(fatalities)),
            "level": pd.Series(list(precision)).map(precision_level).to_numpy(),
        }
    )
    return marks.sort_values("radius", ascending=False, kind="stable").reset_index(drop=True)


def _draw_incidents(ax, marks: pd.DataFrame, scale: float, z: int = 10) -> None:
    """One scatter per (precision level, radius, colour), largest first: a uniform group takes
    Agg's fast marker path (about 2x faster at 100k incidents than per-point sizes). Level 0 is
    solid, 1 a ring with light fill, 2 a dashed, nearly empty ring."""
    looks = ((0.85, "-"), (0.25, "-"), (0.05, "--"))
    groups = marks.groupby(["radius", "level", "colour"], sort=True)
    for (radius, level, colour), part in sorted(groups, key=lambda g: (-g[0][0], g[0][1], g[0][2])):
        face_alpha, line = looks[int(level)]
        ax.scatter(
            part["x"].to_numpy(),
            part["y"].to_numpy(),
            s=(2 * float(radius) * _PX * scale * 0.55) ** 2,
            facecolors=[matplotlib.colors.to_rgba(colour, face_alpha)],
            edgecolors="white" if level == 0 else colour,
            linewidths=(0.5 if level == 0 else 1.0) * scale,
            linestyles=line,
            zorder=z,
            rasterized=len(part) > 5000,
        )


def _nice_km(span_km: float) -> int:
    """A round scale-bar length near a fifth of the map's width."""
    target = span_km / 5
    for step in (10, 20, 25, 50, 100, 150, 200, 250, 500):
        if step >= target:
            return step
    return 1000


def scale_bar_degrees(lon: float, lat: float, km: float) -> float:
    """How many degrees of longitude along the parallel at lat are km kilometres on the WGS84
    ellipsoid (the bar is drawn along that parallel)."""
    step = 0.01
    _, _, metres = _GEOD.inv(lon, lat, lon + step, lat)
    return float(km * 1000.0 * step / metres)


def _draw_scale_and_north(ax, extent, scale: float) -> None:
    """A geodesic scale bar (km) at the lower left and a north arrow at the upper right."""
    minx, miny, maxx, maxy = extent
    lat = miny + (maxy - miny) * 0.06
    lon = minx + (maxx - minx) * 0.04
    span_km = _GEOD.line_length([minx, maxx], [lat, lat]) / 1000.0
    km = _nice_km(span_km)
    width = scale_bar_degrees(lon, lat, km)
    ax.plot([lon, lon + width], [lat, lat], color="#111111", linewidth=2.2 * scale, solid_capstyle="butt", zorder=20)
    for x in (lon, lon + width):
        ax.plot([x, x], [lat - 0.08, lat + 0.08], color="#111111", linewidth=1 * scale, zorder=20)
    ax.text(lon + width / 2, lat + 0.12, f"{km} km", ha="center", va="bottom", fontsize=7 * scale, zorder=20)
    nx, ny = maxx - (maxx - minx) * 0.04, maxy - (maxy - miny) * 0.14
    ax.annotate(
        "N",
        xy=(nx, ny + (maxy - miny) * 0.08),
        xytext=(nx, ny),
        ha="center",
        va="top",
        fontsize=9 * scale,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#111111", "lw": 1.2 * scale},
        zorder=20,
    )


def _legend_handles(marks: pd.DataFrame, incidents: pd.DataFrame, layers_shown: Sequence[str]):
    """Legend entries: the categories shown, the precision levels, and each drawn layer."""
    handles: list[Artist] = []
    shown = set(incidents["category"].astype(str)) if incidents is not None and "category" in incidents else set()
    for cat in CATEGORIES:
        if cat.name in shown:
            handles.append(Line2D([], [], marker="o", linestyle="", color=cat.colour, markersize=7, label=cat.name))
    for level, text in enumerate(LEVEL_TEXT):
        if len(marks) and (marks["level"] == level).any():
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markersize=7,
                    markerfacecolor=("#777777", "#dddddd", "white")[level],
                    markeredgecolor="#555555",
                    label=textwrap.fill(text, 34),
                )
            )
    if len(marks):
        handles.append(Line2D([], [], linestyle="", label="circle size: fatalities (square root)"))
    for layer_id in by_z(legend_layers("line")):
        if layer_id not in layers_shown:
            continue
        layer = LAYERS[layer_id]
        if layer.drawing.style_by:
            for value in layer.style:
                style = _line_style(layer_id, {layer.drawing.style_by: value})
                handles.append(Line2D([], [], label=layer.drawing.legend.format(value), **style))
        else:
            handles.append(Line2D([], [], label=layer.drawing.legend, **_line_style(layer_id, {})))
    for layer_id in legend_layers("place"):
        if layer_id not in layers_shown:
            continue
        layer = LAYERS[layer_id]
        marker = _MARKERS.get(layer.drawing.symbol, "o")
        if layer.drawing.style_by:
            for value, colour in layer.style.items():
                handles.append(
                    Line2D([], [], marker=marker, linestyle="", color=colour, label=layer.drawing.legend.format(value))
                )
        else:
            handles.append(
                Line2D([], [], marker=marker, linestyle="", color=layer.style.get("color"), label=layer.drawing.legend)
            )
    for layer_id in _of_kind("polygon"):
        layer = LAYERS[layer_id]
        if layer_id in layers_shown and layer.drawing.legend:
            style = layer.style
            handles.append(Patch(facecolor=style["fill_color"], edgecolor=style["color"], label=layer.drawing.legend))
    return handles


def draw_map(ax, incidents, layers: Layers, layers_shown: Sequence[str], scale: float = 1.0, legend_ax=None):
    """Draw the map into ax (and its legend into legend_ax, or onto ax). Returns the marks drawn."""
    extent = _extent(layers)
    ax.set_facecolor(SEA)
    _draw_polygons(ax, layers, layers_shown)
    _draw_lines(ax, layers, layers_shown)
    _draw_points(ax, layers, layers_shown, scale)
    _draw_area_labels(ax, layers, layers_shown, scale)
    incident_id = incident_layer()
    marks = incident_marks(incidents) if incident_id in layers_shown else incident_marks(None)
    _draw_incidents(ax, marks, scale, LAYERS[incident_id].z if incident_id else 10)
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1.0 / np.cos(np.radians((miny + maxy) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _draw_scale_and_north(ax, extent, scale)
    if incident_id in layers_shown and (incidents is None or len(incidents) == 0):
        ax.text(
            0.5,
            0.5,
            EMPTY_TEXT,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=14 * scale,
            bbox={"facecolor": "white", "edgecolor": "#999999", "alpha": 0.9},
            zorder=30,
        )
    handles = _legend_handles(marks, incidents, layers_shown)
    target = legend_ax if legend_ax is not None else ax
    if legend_ax is not None:
        legend_ax.axis("off")
    if handles:
        target.legend(
            handles=handles,
            loc="upper left" if legend_ax is not None else "lower right",
            fontsize=6.5 * scale,
            frameon=legend_ax is None,
            title="Legend",
            title_fontsize=7.5 * scale,
            borderaxespad=0,
        )
    return marks


def unlocated_note(incidents: pd.DataFrame) -> str:
    """'N of M incidents have no point and are not drawn', or '' when all are drawn."""
    if incidents is None or len(incidents) == 0:
        return ""
    geoms = incidents.geometry
    missing = int((~has_point(geoms)).sum())
    return f"{missing:,} of {len(incidents):,} incidents have no point and are not drawn." if missing else ""


def _wrap(lines: Iterable[str], width: int) -> str:
    """Lines wrapped for a caption."""
    out = []
    for line in lines:
        out.extend(textwrap.wrap(str(line), width) or [""])
    return "\n".join(out)


def _caption(fig: Figure, top: float, filter_line: str, data_date: str, attributions, note: str, width: int, size):
    """Filter line, data date and attribution as plain text, from top (figure fraction) down."""
    lines = [f"Filters: {filter_line}", f"Data as of {data_date}."]
    if note:
        lines.append(note)
    lines.extend(attributions)
    fig.text(0.03, top, _wrap(lines, width), ha="left", va="top", fontsize=size, color="#333333", wrap=False)


def _save(fig: Figure, fmt: str, dpi: float) -> bytes:
    """The figure's bytes in fmt (text stays text in SVG and PDF)."""
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    with matplotlib.rc_context(font_rc()):
        fig.savefig(out, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return out.getvalue()


def _metadata(fmt: str) -> dict:
    return {"Creator": "Pakistan–Iran border dashboard"} if fmt in ("pdf", "svg") else {}


def check_format(fmt: str, width_px: int) -> str:
    """fmt in FORMATS, width at least MIN_PNG_WIDTH; else ValueError with one clear line."""
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format '{fmt}': use one of {', '.join(FORMATS)}")
    if int(width_px) < MIN_PNG_WIDTH:
        raise ValueError(f"width {width_px} px is too small: a published figure is at least {MIN_PNG_WIDTH} px wide")
    return fmt


def render_map(
    incidents_frame: gpd.GeoDataFrame,
    layers_shown: Sequence[str],
    filter_line: str,
    data_date: str,
    attributions: Sequence[str] | None = None,
    fmt: str = "png",
    width_px: int = 2400,
    title: str = "Pakistan–Iran border: incidents",
    layers: Layers | None = None,
) -> bytes:
    """The map as a publishable figure (PNG width_px wide, or SVG / PDF with text as text):
    the layers shown, the incidents as the web map draws them, legend, geodesic scale bar, north
    arrow, title, filter line, data date and every dataset's required attribution."""
    fmt = check_format(fmt, width_px)
    layers = layers or load_layers()
    if attributions is None:
        attributions = figure_attributions(incidents_frame, layers_shown, data_date)
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=(MAP_WIDTH_IN, MAP_HEIGHT_IN))
        fig.text(0.03, 0.965, str(title), fontsize=16, fontweight="bold", va="top", family=text_family(title))
        ax = fig.add_axes((0.03, 0.2, 0.72, 0.72))
        legend_ax = fig.add_axes((0.77, 0.2, 0.21, 0.72))
        draw_map(ax, incidents_frame, layers, layers_shown, scale=1.3, legend_ax=legend_ax)
        _caption(fig, 0.18, filter_line, data_date, attributions, unlocated_note(incidents_frame), 190, 7.5)
    return _save(fig, fmt, dpi=width_px / MAP_WIDTH_IN)


# --- the brief ---------------------------------------------------------------------------


def _headline_lines(incidents: pd.DataFrame) -> list[str]:
    """The explorer's headline figures in a few lines."""
    if incidents is None or len(incidents) == 0:
        return [EMPTY_TEXT + "."]
    h = headline(incidents)
    sides = ", ".join(f"{k} {v:,}" for k, v in h.by_side.items() if v)
    countries = ", ".join(f"{c.country} {c.events:,}" for c in h.by_country[:4])
    lines = [
        f"{h.events:,} events, {h.security_incidents:,} security incidents",
        f"{h.fatalities:,} fatalities reported ({h.with_fatality_figure:,} events give a figure)"
        + (f": {sides}" if sides else ""),
        f"by country: {countries}",
    ]
    if h.approximate:
        lines.append(f"{h.approximate:,} located only approximately, {h.unlocated:,} without a point")
    return lines


def _draw_monthly(ax, incidents: pd.DataFrame) -> None:
    """Events per month (bars) and fatalities per month (line), all countries together."""
    ax.set_title("Events and fatalities per month", fontsize=8, loc="left")
    table = monthly(incidents) if incidents is not None else monthly(incidents_frame_empty())
    if table.empty:
        ax.text(0.5, 0.5, EMPTY_TEXT, transform=ax.transAxes, ha="center", va="center", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    per_month = table.groupby("month")[["events", "fatalities"]].sum()
    months = pd.date_range(per_month.index.min(), per_month.index.max(), freq="MS")
    per_month = per_month.reindex(months, fill_value=0)
    ax.bar(per_month.index, per_month["events"], width=25, color="#4575b4", label="events")
    ax.set_ylabel("events", fontsize=7)
    ax.tick_params(labelsize=6)
    twin = ax.twinx()
    twin.plot(per_month.index, per_month["fatalities"], color="#d73027", linewidth=0.7, label="fatalities")
    twin.set_ylabel("fatalities", fontsize=7, color="#d73027")
    twin.tick_params(labelsize=6)


def incidents_frame_empty() -> gpd.GeoDataFrame:
    """An empty incident frame with the columns the brief reads."""
    return gpd.GeoDataFrame(
        {"date_start": pd.Series(dtype="datetime64[ns]"), "country": [], "fatalities_best": []},
        geometry=[],
        crs="EPSG:4326",
    )


def recent_rows(incidents: pd.DataFrame, n: int = 10) -> list[tuple[str, str, str]]:
    """The n newest incidents as (date and place, title with fatalities, sources) texts."""
    if incidents is None or len(incidents) == 0:
        return []
    order = incidents.sort_values(["date_start", "id"], ascending=[False, True], kind="stable").head(n)
    rows = []
    for _, row in order.iterrows():
        when = row["date_start"].strftime("%Y-%m-%d") if pd.notna(row["date_start"]) else "date unknown"
        place = row.get("place") if isinstance(row.get("place"), str) else (row.get("admin1") or "")
        deaths = row.get("fatalities_best")
        dead = f" ({int(deaths)} killed)" if pd.notna(deaths) and deaths else ""
        srcs = row.get("sources")
        source = "; ".join(x for x in (outlets(srcs), first_source_url(srcs) or "") if x) or "source not given"
        rows.append((f"{when} {place}".strip(), f"{row.get('title', '')}{dead}", source))
    return rows


def _draw_recent(fig: Figure, top: float, incidents: pd.DataFrame) -> float:
    """The ten newest incidents with their sources; returns where the block ends."""
    fig.text(0.05, top, "The ten most recent incidents", fontsize=8.5, fontweight="bold", va="top")
    y = top - 0.018
    rows = recent_rows(incidents)
    if not rows:
        fig.text(0.05, y, EMPTY_TEXT + ".", fontsize=6.5, va="top")
        return y - 0.014
    for when, what, source in rows:
        fig.text(0.05, y, textwrap.shorten(when, 38), fontsize=6, va="top", family=text_family(when))
        fig.text(0.27, y, textwrap.shorten(what, 105), fontsize=6, va="top", family=text_family(what))
        fig.text(0.27, y - 0.0105, textwrap.shorten("Sources: " + source, 120), fontsize=5, va="top", color="#555555")
        y -= 0.024
    return y


def render_brief(
    incidents_frame: gpd.GeoDataFrame,
    layers_shown: Sequence[str],
    filter_line: str,
    data_date: str,
    attributions: Sequence[str] | None = None,
    title: str = "Pakistan–Iran border: incidents brief",
    layers: Layers | None = None,
) -> bytes:
    """A one-page A4 PDF: the map, the headline numbers, the monthly chart, the ten most recent
    incidents with their sources, and the filter line, data date and attribution."""
    layers = layers or load_layers()
    if attributions is None:
        attributions = figure_attributions(incidents_frame, layers_shown, data_date)
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=BRIEF_SIZE_IN)
        fig.text(0.05, 0.975, str(title), fontsize=13, fontweight="bold", va="top", family=text_family(title))
        fig.text(0.05, 0.952, _wrap([f"Filters: {filter_line}", f"Data as of {data_date}."], 120), fontsize=6.5,
                 va="top")  # fmt: skip
        ax = fig.add_axes((0.05, 0.56, 0.62, 0.37))
        legend_ax = fig.add_axes((0.69, 0.56, 0.28, 0.37))
        draw_map(ax, incidents_frame, layers, layers_shown, scale=0.75, legend_ax=legend_ax)
        fig.text(0.05, 0.545, "Headline", fontsize=8.5, fontweight="bold", va="top")
        fig.text(0.05, 0.527, _wrap(_headline_lines(incidents_frame), 78), fontsize=6.5, va="top", linespacing=1.4)
        chart = fig.add_axes((0.55, 0.43, 0.38, 0.1))
        _draw_monthly(chart, incidents_frame)
        end = _draw_recent(fig, 0.39, incidents_frame)
        note = unlocated_note(incidents_frame)
        fig.text(0.05, min(end, 0.15), _wrap(([note] if note else []) + list(attributions), 150), fontsize=5.2,
                 va="top", color="#333333")  # fmt: skip
    return _save(fig, "pdf", dpi=200)
