"""The details panel: one feature's full record, rendered from geo.records (escaped HTML, no Markdown)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.records import build_record, present
from views.records import record_html

_CSS = "<style>" + (Path(__file__).parent / "css" / "record.css").read_text(encoding="utf-8") + "</style>"


def _point(record: dict) -> tuple[float | None, float | None]:
    geom = record.get("geometry")
    if geom is None or getattr(geom, "is_empty", True) or getattr(geom, "geom_type", "") != "Point":
        return None, None
    return float(geom.y), float(geom.x)


def show_record(layer_id: str, record: dict, border_km: float | None = None) -> None:
    """Render a feature's record (its properties; a shapely 'geometry' point adds lat/lon)."""
    lat, lon = _point(record)
    props = {k: v for k, v in record.items() if k != "geometry"}
    rec = build_record(layer_id, props, border_km=border_km if present(border_km) else None, lat=lat, lon=lon)
    # st.html parses no Markdown, so no value (a blank line, a link, an image) can end the HTML block
    st.html(_CSS + record_html(rec))
