"""The details panel: one feature's full record, rendered from geo.records (escaped HTML only)."""

from __future__ import annotations

import streamlit as st

from geo.records import build_record, present
from views.records import record_html

_CSS = """<style>
.pkir-record h3 { margin: 0 0 .4rem 0; font-size: 1.15rem; }
.pkir-record dl { margin: 0; }
.pkir-record dt { font-weight: 600; font-size: .82rem; color: #555; margin-top: .45rem; }
.pkir-record dd { margin: 0 0 0 0; white-space: pre-line; }
.pkir-record ul.pkir-sources { margin: 0; padding-left: 1.1rem; }
.pkir-inert-url { color: #888; font-size: .8rem; }
</style>"""


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
    st.markdown(_CSS + record_html(rec), unsafe_allow_html=True)
