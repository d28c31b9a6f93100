"""Markets and crossings: the six planned joint markets, the crossings and the Polan–Gabd power line."""

import pandas as pd
import streamlit as st

from geo.records import date_with_precision, present
from ui import data
from ui.assets import ensure_assets
from ui.map_panel import show_map
from ui.record_panel import record_panel
from ui.safe_text import md_escape, md_link, prose
from ui.selection import page_selection, pick_list
from ui.shell import ensure_app_shell
from ui.tables import table_for_any_screen
from views import infrastructure
from views.map import page_maps

ensure_app_shell()

RECORD_KEY = "markets_record"  # the list of sites
SELECTED = "markets_selection"  # the site picked on the map or in the list

st.title("Border markets, crossings and the power line")

loaded = {k: data.load(k) for k in ("markets", "crossings", "power_line")}
data.show_errors(loaded)
markets, crossings, power = (loaded[k].gdf for k in ("markets", "crossings", "power_line"))
# every site whose record can be shown: (layer id, feature id, name)
choices = [
    (layer_id, fid, name)
    for layer_id, frame in (("markets", markets), ("crossings", crossings), ("power_line", power))
    if frame is not None
    for fid, name in zip(frame["id"], frame["name"], strict=True)
]


def _sources_md(sources) -> str:
    if not isinstance(sources, (list, tuple)):
        return ""
    return ", ".join(md_link(s.get("outlet") or "source", s.get("url")) for s in sources if isinstance(s, dict))


def _site_rows(frame, table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Markdown cells for st.table: escaped text, source links, the unlocated statement in bold."""
    sources = dict(zip(frame["id"], frame["sources"], strict=True))
    rows = []
    for r in table.to_dict("records"):
        row = {}
        for col, label in columns.items():
            value = r.get(col)
            if col == "opened":
                text = md_escape(date_with_precision(value, r.get("date_precision"))) or (
                    "not opened" if r.get("status") == "planned" else "no date in the sources"
                )
            elif col == "location":
                text = md_escape(value) if r["located"] else f"**{md_escape(value)}**"
            else:
                text = md_escape(value)
            row[label] = text
        row["Sources"] = _sources_md(sources.get(r["id"]))
        rows.append(row)
    return pd.DataFrame(rows)


if markets is not None:
    summary = infrastructure.market_summary(markets)
    by_status = summary["by_status"]
    lead = infrastructure.market_lead(summary)
    st.markdown(prose(lead))
    cols = st.columns(4)
    cols[0].metric("Markets planned", summary["total"])
    cols[1].metric("Operating (fully or partly)", by_status.get("operating", 0) + by_status.get("partly operating", 0))
    cols[2].metric("Only planned", by_status.get("planned", 0))
    cols[3].metric("Named and mapped", f"{summary['located']} of {summary['total']}")

with st.container():
    layers = {k: data.load(k).gdf for k in page_maps.MARKET_LAYERS}
    built = page_maps.markets_map(layers, asset_base=ensure_assets())
    first_visit = SELECTED not in st.session_state
    selection = page_selection(SELECTED)
    if first_visit and choices:  # the page opens on the first site's record
        selection.select(*choices[0][:2])
    clicked = show_map(built, selected=selection.feature, key="markets_map", height=built.summary["height"])
    unmapped = [
        fid for frame in (markets, crossings) if frame is not None for fid in infrastructure.unlocated_ids(frame)
    ]
    st.caption(
        f"Click a market, crossing or line for its full record. Not on the map (no location in the "
        f"sources): {md_escape(', '.join(unmapped)) or 'none'}."
    )
open_col, record_col = st.columns([2, 3], gap="medium")
with open_col:
    st.markdown("**What is open, and since when**")
    if markets is not None and crossings is not None:
        opened = infrastructure.openings(markets, crossings)
        table_for_any_screen(
            pd.DataFrame(
                {
                    "Opened": [
                        md_escape(date_with_precision(d, p))
                        for d, p in zip(opened["date"], opened["date_precision"], strict=True)
                    ],
                    "Site": [md_escape(f"{n} ({t})") for n, t in zip(opened["name"], opened["type"], strict=True)],
                    "Status": opened["status"].map(md_escape),
                }
            ),
            key="openings",
            title=["Site"],
        )
        undated = [n for n, d in zip(crossings["name"], crossings["opened"], strict=True) if not present(d)]
        st.caption("No opening date in the sources for the crossings " + md_escape(", ".join(undated)) + ".")
with record_col:
    st.markdown("**Full record of a site**")
    if choices:
        names = {(layer_id, fid): name for layer_id, fid, name in choices}
        if clicked in names:
            selection.select(*clicked)
        pick_list(
            "Site",
            list(names),
            selection,
            RECORD_KEY,
            describe=lambda p: f"{p[1]} — {names[p]}",
            label_visibility="collapsed",
        )
        record_panel(
            selection.feature,
            key="markets_record_panel",
            map_link_shown=False,
            distance=False,
            scroll=False,
            height=420,
        )

if markets is not None:
    st.subheader("The six planned joint markets")
    table = infrastructure.site_table(markets)
    table_for_any_screen(
        _site_rows(
            markets,
            table,
            {
                "id": "Id",
                "phase": "Phase",
                "name": "Market",
                "pakistan_side": "Pakistani side",
                "iran_side": "Iranian side",
                "status": "Status",
                "opened": "Opened",
                "location": "Location",
            },
        ),
        key="markets",
        title=["Id", "Market"],
    )

if crossings is not None:
    st.subheader("Border crossings")
    table = infrastructure.site_table(crossings)
    table_for_any_screen(
        _site_rows(
            crossings,
            table,
            {
                "id": "Id",
                "name": "Crossing",
                "kind": "Kind",
                "pakistan_side": "Pakistani side",
                "iran_side": "Iranian side",
                "status_note": "Status",
                "opened": "Opened",
                "location": "Location",
            },
        ),
        key="crossings",
        title=["Id", "Crossing"],
    )
    unlocated = table.loc[~table["located"], "id"].tolist()
    note = md_escape(", ".join(unlocated)) + " cannot be placed from the sources found and is not mapped. "
    note = note if unlocated else ""
    st.caption(
        note + "Locations marked approximate are placed from reported distances and may be "
        "10–40 km off; treat them as schematic."
    )

if power is not None:
    st.subheader("Polan–Gabd electricity line")
    seg = infrastructure.segment_table(power)
    mw = sorted({float(v) for v in seg["capacity_mw"] if pd.notna(v)})
    kv = sorted({float(v) for v in seg["voltage_kv"] if pd.notna(v)})
    dates = sorted({d for d in seg["date"] if d is not None})
    p1, p2, p3 = st.columns(3)
    p1.metric("Capacity added by the line", " / ".join(f"{v:g} MW" for v in mw) or "not reported")
    p2.metric("Voltage (Pakistani side)", " / ".join(f"{v:g} kV" for v in kv) or "not reported")
    p3.metric("Inaugurated", dates[-1].isoformat() if dates else "not reported")
    notes = sorted({n for n in seg["capacity_note"] if n})
    if notes:
        st.markdown("**Capacity, as reported:** " + md_escape("; ".join(notes)))
    table_for_any_screen(
        pd.DataFrame(
            {
                "Segment": seg["segment"].map(md_escape),
                "Section": seg["section"].map(md_escape),
                "Status": seg["status"].map(md_escape),
                "Reported km": [f"{v:g}" if pd.notna(v) else "–" for v in seg["reported_km"]],
                "Measured km": seg["measured_km"].map("{:,.1f}".format),
                "Difference": [f"{d:+.1f}%" if pd.notna(d) else "–" for d in seg["diff_pct"]],
                "Voltage": [f"{v:g} kV" if pd.notna(v) else "not reported" for v in seg["voltage_kv"]],
                "Date": [md_escape(d.isoformat()) if d else "–" for d in seg["date"]],
            }
        ),
        key="power_line",
        title=["Segment"],
    )
    st.caption("The route is a straight line between approximate end points, not a surveyed alignment.")
