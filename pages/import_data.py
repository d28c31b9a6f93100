"""Import the event data analysts already have (the formats of geo.importers.formats)."""

import hashlib
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.geojson_io import gdf_to_features
from geo.importers import FORMATS as IMPORT_FORMATS
from geo.importers import DateOrderUndecided, ImportFormatError, import_file
from geo.importers.formats import SUFFIXES
from geo.importers.present import full_report, groups_table, headline, preview, safe_upload_name
from ui import data, datasets, sync_panel
from ui.safe_text import safe
from ui.shell import ensure_app_shell

ensure_app_shell()

FORMATS = {"Detect from the file": None} | {f.label: f.name for f in IMPORT_FORMATS}
ORDERS = {"Decide from the file": None, "Day first (07/02/2016 is 7 February)": True, "Month first (2 July)": False}
TOGETHER, INSTEAD = "together with the shipped incidents", "instead of them"
LIMIT_MB = st.get_option("server.maxUploadSize")
RESULT = "_import_result"

st.title("Import incidents")
st.caption(
    safe(
        "Bring your own event data into this session: every page then shows it. Files up to {} MB. Nothing is "
        "saved unless you keep it (below, in your workspace), and the shipped data is never changed. ACLED's "
        "and GTD's terms forbid redistribution: imported ACLED and GTD rows are for your own use.",
        LIMIT_MB,
    )
)

current = data.session_incidents_label()
if current:
    st.info(safe("This session is using {}.", current))
    if st.button("Go back to the shipped incidents", key="import_reset"):
        data.use_session_incidents(None)
        st.rerun()

sync_panel.update_section()  # kept datasets from an API: "Update now" (editors)

upload = st.file_uploader("Event file", type=[s.lstrip(".") for s in SUFFIXES], key="import_file")
fmt_label = st.selectbox("Format", list(FORMATS), key="import_format")
order_label = st.selectbox("Numeric dates such as 07/02/2016", list(ORDERS), key="import_dayfirst")
source = st.text_input(
    "Source for rows without one (URL, or a citation with a URL)", key="import_source", max_chars=500
).strip()
mode = st.radio("Use the imported events", [TOGETHER, INSTEAD], key="import_mode", horizontal=True)

if upload is None:
    st.session_state.pop(RESULT, None)  # the file was removed: so is its result
    st.stop()

content = upload.getvalue()
digest = hashlib.sha256(content).hexdigest()
cached = st.session_state.get(RESULT)
layer = st.session_state.get("import_layer") if cached and cached[0][0] == digest else None  # another file: its first
key = (digest, FORMATS[fmt_label], ORDERS[order_label], source, layer)
if cached is None or cached[0] != key:  # a rerun (a click on "Use") does not import the file again
    bar = st.progress(0.0, text="Reading the file")
    name = safe_upload_name(upload.name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            outcome = import_file(
                path,
                FORMATS[fmt_label],
                dayfirst=ORDERS[order_label],
                source=source or None,
                layer=layer,
                progress=lambda share, what: bar.progress(min(max(share, 0.0), 1.0), text=what),
            )
        except ImportFormatError as exc:
            outcome = exc
        except Exception as exc:  # the page must answer every file in one line, whatever it holds
            outcome = ImportFormatError(
                f"{name}: cannot be imported ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
            )
    bar.empty()
    st.session_state[RESULT] = (key, outcome)
outcome = st.session_state[RESULT][1]
if isinstance(outcome, ImportFormatError):
    st.error(safe("The file could not be imported: {}", " ".join(str(outcome).split())))
    if isinstance(outcome, DateOrderUndecided):
        st.info("Choose how to read numeric dates above (day first or month first).")
    st.stop()

result = outcome
ok = result.count
lacks = headline(result)
if lacks:
    st.warning(safe("{}", lacks), icon=":material/link_off:")
st.caption(safe("{}", result.reading))
if len(result.layers) > 1:
    st.selectbox("Layer to read", result.layers, index=result.layers.index(result.layer), key="import_layer")
st.metric("Rows imported", f"{ok} of {result.rows_read}")
if result.rejected:
    groups = result.rejected_groups()
    st.warning(
        safe(
            "{} row(s) rejected, for {} reason(s); each names the row and the field.", len(result.rejected), len(groups)
        )
    )
    st.dataframe(groups_table(groups), hide_index=True, width="stretch", key="import_rejected")
if result.notes:
    st.dataframe(
        groups_table(result.note_groups()).rename(columns={"reason": "note"}),
        hide_index=True,
        width="stretch",
        key="import_notes",
    )
if result.rejected or result.notes:
    st.download_button(
        "Download the full report",
        data=full_report(result),
        file_name=Path(safe_upload_name(upload.name)).stem + ".import-report.txt",
        mime="text/plain",
        key="import_report",
        on_click="ignore",
    )
if ok:
    st.dataframe(preview(result), hide_index=True, width="stretch", key="import_preview")
    if st.button(f"Use these {ok} incidents in this session", key="import_use", type="primary"):
        incidents = result.incidents
        together = mode == TOGETHER and data.session_incidents_label() is None
        if together:
            shipped = data.load("incidents")
            if shipped.gdf is not None:
                clash = set(shipped.gdf["id"]) & set(incidents["id"])
                if clash:
                    st.error(safe("Ids already used by the shipped incidents: {}", ", ".join(sorted(clash)[:10])))
                    st.stop()
                incidents = gpd.GeoDataFrame(pd.concat([shipped.gdf, incidents], ignore_index=True), crs="EPSG:4326")
        how = "together with the shipped incidents" if together else "instead of the shipped incidents"
        data.use_session_incidents(incidents, f"{upload.name} ({result.format}, {ok} rows) {how}")
        st.success("Done: the map, explorer and chronology now use these incidents.")
    st.download_button(
        "Download as incident-schema GeoJSON",
        data=lambda: json.dumps(
            {"type": "FeatureCollection", "features": gdf_to_features(result.incidents)}, ensure_ascii=False
        ),
        on_click="ignore",
        file_name=Path(safe_upload_name(upload.name)).stem + ".incidents.geojson",
        mime="application/geo+json",
        key="import_download",
    )

datasets.keep_section(upload, result)
