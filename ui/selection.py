"""Every page's one pick idiom: a `Selection` kept in session_state, which every way of picking
writes (a map click, a table row, a chart point, a list, a link) and the one record panel
(ui.record_panel) shows; and `pick_list`, the list that shows and sets it.

A page's selection outlives its widgets (a visit to another page and back finds it open). A
linked selection (the border map, the explorer) also keeps ?incident=ID naming the incident it
shows, and follows a new one: a shared link opens it, Back to the plain address closes it. A click
selects without moving the map; a link or a pick from a list also asks the map to centre (each
request has a new sequence number, so the browser draws it once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import visits
from ui.url_codec import INCIDENT_PARAM

Pick = tuple[str, str]  # (layer id, feature id)
INCIDENTS = "incidents"  # the incident layer's id: only an incident has a link of its own


@dataclass
class Selection:
    """The selected (layer id, feature id), and the latest request to centre on a feature."""

    feature: Pick | None = None
    focus: Pick | None = None
    focus_seq: int = 0
    linked: bool = False  # ?incident= names the selected incident
    link_seen: str | None = None  # the last ?incident= value acted on or written

    def select(self, layer_id: str, feature_id: str, *, centre: bool = False) -> None:
        """Select a feature (a click), or select and centre on it (a link, a list); keep the URL in step."""
        self.feature = (layer_id, str(feature_id))
        if centre:
            self.focus = self.feature
            self.focus_seq += 1
        self._write_link(self.feature[1] if layer_id == INCIDENTS else None)

    def clear(self) -> None:
        """Nothing selected (the record is closed); the URL no longer names an incident."""
        self.feature = None
        self._write_link(None)

    def follow_link(self) -> None:
        """Act on a new ?incident= value (a shared link or another page's link): select and centre.

        An incident the URL named that it no longer names (Back to the plain address) is closed:
        the URL and the open record say the same. Coming back from another page (which clears the
        address) keeps it open; `shown` names it again.
        """
        value, feature = st.query_params.get(INCIDENT_PARAM), self.feature
        linked = feature is not None and feature[0] == INCIDENTS and self.link_seen == feature[1]
        if value and value != self.link_seen:
            self.link_seen = value
            self.select(INCIDENTS, value, centre=True)
        elif not value and linked and not visits.arrived():
            self.link_seen = None
            self.clear()

    def shown(self, found: bool) -> None:
        """Whether the panel found the selected record: a linked page names only a record it shows
        (one the filters hide stays selected, and comes back with them, but is not shared)."""
        feature = self.feature
        self._write_link(feature[1] if found and feature and feature[0] == INCIDENTS else None)

    def _write_link(self, incident_id: str | None) -> None:
        if not self.linked:
            return
        self.link_seen = incident_id
        if incident_id is None:
            if INCIDENT_PARAM in st.query_params:
                del st.query_params[INCIDENT_PARAM]
        elif st.query_params.get(INCIDENT_PARAM) != incident_id:
            st.query_params[INCIDENT_PARAM] = incident_id


def page_selection(key: str, *, linked: bool = False) -> Selection:
    """This session's selection on one page, kept in session_state under key."""
    if key not in st.session_state:
        st.session_state[key] = Selection(linked=linked)
    return st.session_state[key]


def map_selection() -> Selection:
    """The border map's selection (its map, its URL state and its record panel share it)."""
    return page_selection("map_selection", linked=True)


def pick_list(
    label: str,
    options: Sequence[Pick],
    selection: Selection,
    key: str,
    *,
    describe: Callable[[Pick], str],
    centre: bool = False,
    **selectbox,
) -> None:
    """A list of features that shows the selection when it is one of them (nothing otherwise) and
    selects what is chosen in it (centre: and asks the map to centre on it); emptying it closes the
    record. Two options described
    alike are told apart by their ids: the list keeps its choice by its text."""
    texts = dict(zip(options, _distinct([describe(p) for p in options], options), strict=True))
    st.session_state[key] = selection.feature if selection.feature in texts else None
    st.selectbox(
        label,
        list(options),
        index=None,
        key=key,
        format_func=texts.__getitem__,
        on_change=_chosen,
        args=(selection, key, centre),
        **selectbox,
    )


def _chosen(selection: Selection, key: str, centre: bool) -> None:
    picked = st.session_state.get(key)
    if picked is None:
        selection.clear()  # the list was emptied: the record closes
    else:
        selection.select(*picked, centre=centre)


def _distinct(texts: list[str], options: Sequence[Pick]) -> list[str]:
    seen = Counter(texts)
    return [f"{t} ({p[1]})" if seen[t] > 1 else t for t, p in zip(texts, options, strict=True)]
