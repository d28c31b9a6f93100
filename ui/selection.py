"""The map's one selection: which feature is selected, whether the map should centre on it, and
its sync with the shareable link (?incident=ID); and `pick_list`, the list a page without the
border map picks a feature from (its own map's clicks pick in it too). What is picked goes to the
one record panel (ui.record_panel).

A click selects without moving the map; a link or a pick from a list selects and asks the map to
centre (each request has a new sequence number, so the browser draws it once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.url_codec import INCIDENT_PARAM


@dataclass
class Selection:
    """The selected (layer id, feature id), and the latest request to centre on a feature."""

    feature: tuple[str, str] | None = None
    focus: tuple[str, str] | None = None
    focus_seq: int = 0
    link_seen: str | None = None  # the last ?incident= value acted on

    def select(self, layer_id: str, feature_id: str, *, centre: bool = False) -> None:
        """Select a feature (a click), or select and centre on it (a link, a list); keep the URL in step."""
        self.feature = (layer_id, str(feature_id))
        if centre:
            self.focus = self.feature
            self.focus_seq += 1
        self._write_link()

    def clear(self) -> None:
        """Nothing selected (the record is closed); the URL no longer names an incident."""
        self.feature = None
        self._write_link()

    def follow_link(self) -> None:
        """Act on a new ?incident= value (a shared link or another page's link): select and centre.

        An incident selected from the link that the URL no longer names (Back to the map's
        plain address) is closed: the URL and the open record say the same.
        """
        value = st.query_params.get(INCIDENT_PARAM)
        if value and value != self.link_seen:
            self.link_seen = value
            self.select("incidents", value, centre=True)
        elif not value and self.feature and self.feature[0] == "incidents" and self.link_seen == self.feature[1]:
            self.link_seen = None
            self.clear()

    def _write_link(self) -> None:
        if self.feature and self.feature[0] == "incidents":
            self.link_seen = self.feature[1]
            if st.query_params.get(INCIDENT_PARAM) != self.feature[1]:
                st.query_params[INCIDENT_PARAM] = self.feature[1]
        elif INCIDENT_PARAM in st.query_params:
            del st.query_params[INCIDENT_PARAM]


def map_selection(key: str = "map_selection") -> Selection:
    """This session's selection on the border map, kept in session_state."""
    if key not in st.session_state:
        st.session_state[key] = Selection()
    return st.session_state[key]


def pick_list(
    label: str,
    options: Sequence[tuple[str, str]],
    key: str,
    *,
    clicked: tuple[str, str] | None,
    describe: Callable[[tuple[str, str]], str],
    **selectbox,
) -> tuple[str, str] | None:
    """A list of features to pick one from (a selectbox of their indexes, kept under key); a map
    click on one of them picks it in the list before the list is drawn. Returns the picked
    (layer id, feature id), or None while nothing is picked."""
    if clicked is not None and clicked in options:
        st.session_state[key] = list(options).index(clicked)
    choice = st.selectbox(label, range(len(options)), key=key, format_func=lambda i: describe(options[i]), **selectbox)
    return options[choice] if choice is not None else None
