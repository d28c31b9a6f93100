"""The map page's "Download map" and "Download brief": drawn on the server (views.figure) only
when the reader clicks, from what the page shows: its layers, its filtered incidents, its filter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import geopandas as gpd
import streamlit as st

from geo.filters import IncidentFilter
from ui import duplicates
from views import figure

FORMATS = {"PNG": ("png", "image/png"), "SVG": ("svg", "image/svg+xml"), "PDF": ("pdf", "application/pdf")}
FORMAT_KEY = "map_figure_format"


def _figure_inputs(layers: Mapping[str, gpd.GeoDataFrame | None], shown_layers: Sequence[str]):
    """The reference layers as views.figure takes them, and the ids of those drawn."""
    frames = {k: v for k, v in layers.items() if k != "incidents" and v is not None}
    return figure.Layers(frames), [k for k in shown_layers if k != "incidents" and k in frames]


def figure_downloads(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    shown_layers: Sequence[str],
    incidents: Callable[[], gpd.GeoDataFrame] | None,
    flt: IncidentFilter,
) -> None:
    """A format choice and two download buttons; nothing is drawn (nor are the incidents read)
    until one is clicked.

    The figure is made in Streamlit's download handler, outside the script run, so it is given
    every value it needs here (incidents: a function reading the filtered incidents, bound to
    the store's engine) and reads no session state.
    """
    ref, drawn = _figure_inputs(layers, shown_layers)
    line = " ".join(filter(None, (flt.describe() + ".", duplicates.treatment())))

    def inputs():
        frame = incidents() if incidents is not None and "incidents" in shown_layers else None
        if frame is None:
            frame = gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
        date = figure.data_date_of(frame, ref)
        return frame, date, figure.figure_attributions(frame, drawn, date)

    def draw_map(fmt: str) -> bytes:
        frame, date, credits = inputs()
        return figure.render_map(frame, drawn, line, date, credits, fmt=fmt, layers=ref)

    def draw_brief() -> bytes:
        frame, date, credits = inputs()
        return figure.render_brief(frame, drawn, line, date, credits, layers=ref)

    choice = st.segmented_control("Figure format", list(FORMATS), default="PNG", key=FORMAT_KEY) or "PNG"
    suffix, mime = FORMATS[choice]
    left, right = st.columns(2)
    left.download_button(
        "Download map",
        data=lambda: draw_map(suffix),
        file_name=f"pakistan-iran-border-map.{suffix}",
        mime=mime,
        on_click="ignore",
        icon=":material/download:",
        key="download_map_figure",
    )
    right.download_button(
        "Download brief (PDF)",
        data=draw_brief,
        file_name="pakistan-iran-border-brief.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/description:",
        key="download_map_brief",
    )
