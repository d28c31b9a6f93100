"""Import the event data analysts already have (ACLED, UCDP GED, CSV, GeoJSON/GPKG/KML)."""

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.geojson_io import gdf_to_features
from geo.importers import ImportFormatError, import_file
from ui import data, datasets
from ui.shell import ensure_app_shell

ensure_app_shell()

FORMATS = {
    "Detect from the file": None,
    "This dashboard's CSV export": "dashboard",
    "ACLED export (CSV)": "acled",
    "UCDP GED (CSV)": "ucdp",
    "CSV with latitude/longitude": "csv",
    "GeoJSON / GeoPackage / KML": "spatial",
}

st.title("Import incidents")
st.caption(
    "Bring your own event data into this session: every page then shows it. Nothing is saved on the "
    "server and the shipped data is never changed. ACLED's terms forbid redistribution, so "
    "imported ACLED rows stay in your session only."
)

current = data.session_incidents_label()
if current:
    st.info(f"This session is using **{current}** instead of the shipped incidents.")
    if st.button("Go back to the shipped incidents", key="import_reset"):
        data.use_session_incidents(None)
        st.rerun()

upload = st.file_uploader("Event file", type=["csv", "geojson", "json", "gpkg", "kml"], key="import_file")
fmt_label = st.selectbox("Format", list(FORMATS), key="import_format")
mode = st.radio(
    "Use the imported events",
    ["together with the shipped incidents", "instead of them"],
    key="import_mode",
    horizontal=True,
)

if upload is not None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            result = import_file(path, FORMATS[fmt_label])
        except ImportFormatError as exc:
            st.error(f"The file could not be imported.\n\n```\n{exc}\n```")
            st.stop()
    ok = len(result.incidents)
    st.metric("Rows imported", f"{ok} of {result.rows_read}", help=f"read as {result.format}")
    if result.rejected:
        st.warning(f"{len(result.rejected)} row(s) rejected; each reason names the row and the field.")
        st.dataframe(
            pd.DataFrame({"rejected row": result.rejected}), hide_index=True, width="stretch", key="import_rejected"
        )
    for note in result.notes:
        st.caption(f"Note: {note}")
    if ok:
        preview = result.incidents[
            ["id", "date_start", "title", "category", "country", "fatalities_best", "location_precision"]
        ]
        st.dataframe(pd.DataFrame(preview), hide_index=True, width="stretch", key="import_preview")
        if st.button(f"Use these {ok} incidents in this session", key="import_use", type="primary"):
            incidents = result.incidents
            shipped = data.load("incidents") if mode.startswith("together") else None
            if shipped is not None and data.session_incidents_label() is None and shipped.gdf is not None:
                clash = set(shipped.gdf["id"]) & set(incidents["id"])
                if clash:
                    st.error(f"Ids already used by the shipped incidents: {', '.join(sorted(clash)[:10])}")
                    st.stop()
                incidents = gpd.GeoDataFrame(pd.concat([shipped.gdf, incidents], ignore_index=True), crs="EPSG:4326")
            data.use_session_incidents(incidents, f"{upload.name} ({result.format}, {ok} rows)")
            st.success("Done: the map, explorer and chronology now use these incidents.")
        features = {"type": "FeatureCollection", "features": gdf_to_features(result.incidents)}
        st.download_button(
            "Download as incident-schema GeoJSON",
            data=json.dumps(features, ensure_ascii=False),
            file_name=Path(upload.name).stem + ".incidents.geojson",
            mime="application/geo+json",
            key="import_download",
        )

datasets.keep_section(upload, result if upload is not None else None)
