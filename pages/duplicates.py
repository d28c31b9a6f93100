"""Duplicates: the same event in two shown datasets, found by place, time, kind, place name and
actors (geo.duplicates), reviewed side by side; editors decide "same event" or "different events"."""

import streamlit as st

from geo.duplicates import DEFAULT_DAYS, DEFAULT_KM, MIN_SCORE, PROBABLE
from ui import access, duplicates, queries
from ui.record_panel import record_panel
from ui.safe_text import safe
from ui.shell import ensure_app_shell
from ui.tables import grid_pair

ensure_app_shell()

SHOW_KEY, TABLE_KEY = "dups_show", "dups_table"
SELECTED = "dups_selected"  # the pair key reviewed, kept across reruns
SHOW = {"Undecided": None, "Same event": "same", "Different events": "different", "All": "all"}
BUTTONS = {"dups_same": ("Same event", "same"), "dups_different": ("Different events", "different")}
LIMIT = 500  # pairs listed at once, best first

st.title("Duplicates across datasets")
queries.ready_or_stop()
st.caption(
    f"Pairs of records in two different shown datasets within {DEFAULT_KM:g} km and {DEFAULT_DAYS} day of each "
    f"other, of compatible kinds, scored 0–1 by nearness, days apart, kind, place name and actors (listed from "
    f"{MIN_SCORE:g}; {PROBABLE:g} or more is a probable duplicate). Nothing is merged or deleted: a decision only "
    "lets the counts count a confirmed event once (sidebar). Pairs are looked for over every row of the shown "
    "datasets: the sidebar's filters do not narrow them."
)
pairs = duplicates.pairs()
if pairs is None:
    st.info("Show two datasets or more (sidebar, Datasets) to look for the same event recorded twice.")
    st.stop()

decided = duplicates.decisions()
state = [duplicates.status(decided, a, b) for a, b in zip(pairs["id_a"], pairs["id_b"], strict=True)]
pairs = pairs.assign(decision=[d.decision if d else "" for d in state])
same, different = int((pairs["decision"] == "same").sum()), int((pairs["decision"] == "different").sum())
st.markdown(
    f"**{len(pairs):,} candidate pairs** · {same:,} confirmed the same event · {different:,} different events · "
    f"{len(pairs) - same - different:,} undecided"
)
show = SHOW[st.segmented_control("Show", list(SHOW), default="Undecided", key=SHOW_KEY) or "All"]
listed = pairs if show == "all" else pairs[pairs["decision"] == (show or "")]
listed = listed.head(LIMIT).reset_index(drop=True)
if listed.empty:
    st.info("No pair to show here.")
    st.stop()

common = {"on_select": "rerun", "selection_mode": "single-row", "hide_index": True, "width": "stretch", "height": 260}
wide, narrow = grid_pair(
    listed.assign(pair=listed["id_a"] + " · " + listed["id_b"]),
    "dups",
    wide={
        "key": f"{TABLE_KEY}_{show}",
        "column_order": ["score", "dataset_a", "id_a", "dataset_b", "id_b", "reasons", "decision"],
        "column_config": {
            "score": st.column_config.NumberColumn("Score", format="%.2f", width=60),
            "dataset_a": "Dataset",
            "id_a": "Record",
            "dataset_b": "Other dataset",
            "id_b": "Other record",
            "reasons": st.column_config.TextColumn("Why", width="large"),
            "decision": "Decision",
        },
    },
    narrow={  # a phone: the score and the two ids only
        "key": f"{TABLE_KEY}_narrow_{show}",
        "column_order": ["score", "pair", "decision"],
        "column_config": {
            "score": st.column_config.NumberColumn("Score", format="%.2f", width=50),
            "pair": st.column_config.TextColumn("Records", width=160),
            "decision": st.column_config.TextColumn("Decision", width=70),
        },
    },
    **common,
)
keys = [f"{a}\x1f{b}" for a, b in zip(listed["id_a"], listed["id_b"], strict=True)]
picked = [keys[t.selection.rows[0]] for t in (wide, narrow) if t.selection.rows and t.selection.rows[0] < len(keys)]
moved = [k for k in picked if k != st.session_state.get(SELECTED)]  # the table the user just clicked
if moved:
    st.session_state[SELECTED] = moved[0]
chosen = st.session_state.get(SELECTED)
position = keys.index(chosen) if chosen in keys else 0
pair = listed.iloc[position]

with st.container(border=True, key="dups_review"):
    st.markdown(safe("**Score {}** · {}", f"{pair['score']:.2f}", pair["reasons"]))
    made = duplicates.status(decided, pair["id_a"], pair["id_b"])
    if made is not None:
        label = "the same event" if made.decision == "same" else "different events"
        st.caption(safe("Decided: {} — by {} at {}.", label, made.decided_by, made.decided_at))
    clicked = ()
    if access.can_change_data():
        with st.container(horizontal=True, key="dups_buttons"):
            for key, (text, decision) in BUTTONS.items():
                if st.button(text, key=key, type="primary" if made and made.decision == decision else "secondary"):
                    clicked = (decision,)
            if st.button("Undecided", key="dups_undecided", disabled=made is None):
                clicked = (None,)
        if clicked:
            failed = duplicates.record_decision(pair["id_a"], pair["id_b"], clicked[0])
            if failed:
                st.error(safe("The decision was not kept: {}", failed))
            else:
                st.session_state[SELECTED] = keys[position]
                st.rerun()
    else:
        st.info("Only editors can decide on duplicates. " + access.refusal())
    left, right = st.columns(2)
    for col, side, dataset, incident_id in (
        (left, "a", pair["dataset_a"], pair["id_a"]),
        (right, "b", pair["dataset_b"], pair["id_b"]),
    ):
        with col:
            st.markdown(safe("**{}**", dataset))
            record_panel(
                ("incidents", incident_id),
                key=f"dups_record_{side}",
                map_link_shown=False,
                distance=False,
                scroll=False,
                border=False,
                missing="This record is no longer in the shown datasets.",
            )
