"""Sources and data: every layer's provenance (from geo/data/README.md), live validation, downloads, citation."""

from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from geo import provenance
from geo.catalog import LAYERS
from geo.loading import layer_file, read_bytes
from geo.store.base import SHIPPED, StoreError
from geo.store.shipped import UCDP_NAME
from geo.validation import LayerValidationError
from ui import data, datasets
from ui.safe_text import md_escape, safe
from ui.shell import ensure_app_shell
from ui.tables import table_for_any_screen
from views.provenance import field_rows_html, markdown_to_html

ensure_app_shell()

PROVENANCE_CSS = Path(__file__).resolve().parents[1] / "ui" / "css" / "provenance.css"
# README fields written for whoever rebuilds the data (tools, commands): folded away on this page
TECHNICAL = ("Method",)
SHIPPED_SECTIONS = {UCDP_NAME: "ucdp_ged"}  # shipped datasets that are not map layers: their README section
STATUS_COLOUR = {"ok": "green", "notes": "blue", "warnings": "orange", "error": "red"}


def status_md(status: provenance.Status) -> str:
    return f":{STATUS_COLOUR[status.level]}[**{md_escape(status.label)}**]"


def code(text: str) -> str:
    return "`" + str(text).replace("`", "") + "`"


def kept_datasets() -> list | None:
    """The kept datasets (not the shipped one); None, with a warning, when the store cannot be read."""
    try:
        return [info for info in datasets.store().list() if not info.read_only and info.name != SHIPPED]
    except StoreError as exc:  # a team database out of reach: the rest of the page still reads
        st.warning(safe("The kept datasets cannot be listed: {}", exc))
        return None


def kept_rows(infos, shown: set[str]) -> pd.DataFrame:
    """One row per kept dataset: where it came from and under which licence (cells made safe for Markdown)."""
    return pd.DataFrame(
        [
            {
                "Dataset": md_escape(i.name),
                "Rows": f"{i.rows:,}",
                "Source file": md_escape(i.source.file_name),
                "Format": md_escape(i.source.format),
                "Kept (UTC)": md_escape(i.imported_at.replace("T", " ")[:16]),
                "Licence": md_escape(i.source.licence) if i.source.licence.strip() else "_not given_",
                "Attribution": md_escape(i.source.attribution) if i.source.attribution.strip() else "_not given_",
                "Shown": "yes" if i.name in shown else "no",
            }
            for i in infos
        ]
    )


def shipped_datasets() -> list:
    """The shipped incident datasets (read-only), the curated events first; [] when the store cannot be read."""
    try:
        return [info for info in datasets.store().list() if info.read_only]
    except StoreError:  # said once, under "Kept datasets"
        return []


def shipped_rows(infos, shown: set[str]) -> pd.DataFrame:
    """One row per shipped dataset: its file, licence and the attribution it asks for (cells safe for Markdown)."""
    return pd.DataFrame(
        [
            {
                "Shipped dataset": md_escape(datasets.SHIPPED_LABELS.get(i.name, i.name)),
                "Rows": f"{i.rows:,}",
                "File": md_escape(i.source.file_name),
                "Licence": md_escape(i.source.licence),
                "Attribution": md_escape(i.source.attribution),
                "Shown": "yes" if i.name in shown else "no",
            }
            for i in infos
        ]
    )


def readme_field(prov, label: str) -> str:
    text = prov.get(label) if prov else None
    return md_escape(provenance.plain_text(text)) if text else "_not documented_"


st.title("Sources and data")
st.markdown(
    "Every layer of the dashboard, where it comes from, under which licence, how it was made and what it "
    "cannot tell you — read from `geo/data/README.md` and the layer catalogue — with its live validation "
    "status and the file itself to download."
)

loaded = data.load_all()
readme = provenance.read_readme()
statuses = {lid: provenance.validation_status(res.error, res.report) for lid, res in loaded.items()}

rows = []
for lid, layer in LAYERS.items():
    total, unlocated = provenance.feature_counts(loaded[lid].gdf)
    prov = readme.get(lid)
    status = statuses[lid]
    rows.append(
        {
            "Layer": md_escape(layer.title),
            "Id": code(lid),
            "Features": str(total) if loaded[lid].gdf is not None else "–",
            "Not mapped": str(unlocated) if unlocated else "",
            "Validation": status_md(status),
            "Licence": readme_field(prov, "Licence"),
            "Date": readme_field(prov, "Date"),
        }
    )
table_for_any_screen(pd.DataFrame(rows), key="layers", title=["Layer", "Id"])
if not readme:
    st.warning("geo/data/README.md was not found: the layers' sources, licences and methods cannot be shown.")

st.html(PROVENANCE_CSS)
for lid, layer in LAYERS.items():
    res, status, prov = loaded[lid], statuses[lid], readme.get(lid)
    total, unlocated = provenance.feature_counts(res.gdf)
    with st.container(border=True, key=f"layer_{lid}"):
        head, button = st.columns([3, 1], vertical_alignment="center")
        head.markdown(f"#### {md_escape(layer.title)} · {code(lid)}")
        try:  # only a regular file inside the data folder is offered (no link out, no pipe)
            path = layer_file(layer)
        except LayerValidationError:
            path = None  # the reason is in the layer's validation messages
        if path is not None:
            button.download_button(
                "GeoJSON",
                data=partial(read_bytes, path),
                help=f"Download {layer.file} as shipped",
                file_name=layer.file,
                mime="application/geo+json",
                key=f"download_{lid}",
                on_click="ignore",
                icon=":material/download:",
            )
        counts = (
            f"{total} features" + (f", {unlocated} not mapped (no location in the sources)" if unlocated else "")
            if res.gdf is not None
            else "not loaded"
        )
        st.markdown(
            f"{md_escape(layer.description)}. **{md_escape(counts)}** · file {code(layer.file)} · "
            f"validation: {status_md(status)}"
        )
        st.html(field_rows_html(prov, leave_out=TECHNICAL))
        method = prov.get("Method") if prov else None
        if method:
            with st.expander("How it was built (technical detail)", key=f"method_{lid}"):
                st.html(markdown_to_html(method))
        if status.messages:
            with st.expander(
                f"Validation messages ({len(status.messages)})",
                expanded=status.level == "error",
                key=f"validation_{lid}",
            ):
                st.code("\n".join(status.messages), language=None, wrap_lines=True)

st.subheader("Shipped datasets")
shipped = shipped_datasets()
if shipped:
    st.markdown(
        "Incident datasets shipped with the dashboard, read-only; choose which are shown in the sidebar. "
        "Cite each as its attribution asks."
    )
    table_for_any_screen(
        shipped_rows(shipped, set(datasets.chosen())), key="shipped_datasets", title=["Shipped dataset"]
    )
    for info in shipped:
        section = SHIPPED_SECTIONS.get(info.name)
        if section and readme.get(section):
            label = datasets.SHIPPED_LABELS.get(info.name, info.name)
            with st.expander(f"{label}: source, licence, citation and limits", key=f"shipped_{section}"):
                st.html(field_rows_html(readme[section], leave_out=TECHNICAL))

st.subheader("Kept datasets")
kept = kept_datasets()
if kept:
    st.markdown(
        "Datasets imported and kept in this workspace (or team database), each with the licence and attribution "
        "given when it was kept. Cite them as their licence asks."
    )
    table_for_any_screen(kept_rows(kept, set(datasets.chosen())), key="kept_datasets", title=["Dataset"])
elif kept is not None:
    st.caption("No imported dataset is kept: the pages show the curated events shipped with the dashboard.")

notes = provenance.other_sections(provenance.README.read_text(encoding="utf-8")) if readme else []
if notes:
    st.subheader("Further notes from the data README")
    for number, (heading, body) in enumerate(notes):
        with st.expander(heading, key=f"readme_note_{number}"):
            st.markdown(body)

st.subheader("How to cite this dashboard")
version = provenance.project_version()
data_date = provenance.newest_update(res.gdf for res in loaded.values())
text, bibtex = provenance.citation(version, data_date, date.today().isoformat())
st.markdown("Cite the dashboard, and the original sources of any fact you use (each feature lists them):")
st.code(text, language=None, wrap_lines=True)
st.code(bibtex, language="bibtex", wrap_lines=True)
st.caption(
    "Boundaries: Natural Earth (public domain). Curated layers: this project's compilation, "
    "CC BY 4.0; every fact links to the outlet that reported it. UCDP GED events (shipped): Uppsala "
    "Conflict Data Program, CC BY 4.0; cite Sundberg & Melander (2013) and Davies, Pettersson & Öberg (2022). "
    "Software: MIT licence."
)
