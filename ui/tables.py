"""Tables that read on any screen: the full st.table where it fits, the same rows stacked on a phone.

A table of six or eight columns scrolls sideways at 390 px. On narrow screens each row is shown
instead as one list item: its title in bold, then every other column as "Label: value" (the CSS
in ui/css/narrow_screens.css shows each form only where it fits). The cells are Markdown that
the caller has already made safe (md_escape, md_link), as for st.table.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.sidebar import NARROW_SCREENS_CSS


def stacked_markdown(frame: pd.DataFrame, title: list[str]) -> str:
    """The rows as a Markdown list: the title columns in bold, then each non-empty other column."""
    items = []
    for row in frame.to_dict("records"):
        head = " · ".join(str(row[c]) for c in title if str(row[c]).strip())
        lines = [f"**{head}**"] if head else []
        lines += [
            f":gray[{label}:] {value}" for label, value in row.items() if label not in title and str(value).strip()
        ]
        items.append("- " + "  \n  ".join(lines))
    return "\n".join(items)


def table_for_any_screen(frame: pd.DataFrame, key: str, title: list[str]) -> None:
    """frame as an st.table on wide screens and as stacked rows on a phone (keys wide_/narrow_+key)."""
    st.html(NARROW_SCREENS_CSS)
    with st.container(key=f"wide_{key}"):
        st.table(frame, hide_index=True)
    with st.container(key=f"narrow_{key}"):
        st.markdown(stacked_markdown(frame, title))
