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


def shorten(value, limit: int):
    """value cut at a word to at most limit characters, with "…" when cut (None and NaN stay as they are).

    A grid cell shows a few wrapped lines and cuts the rest off without a mark; a shortened text
    says it goes on (the full text is in the record)."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    cut = value[: limit - 1].rstrip()
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:(") + "…"


def place_label(place, province) -> str | None:
    """'Sui area · Balochistan': the place, then its province (either alone when the other is missing)."""
    parts = [str(v) for v in (place, province) if isinstance(v, str) and v.strip()]
    return " · ".join(parts) if parts else None


def table_for_any_screen(frame: pd.DataFrame, key: str, title: list[str]) -> None:
    """frame as an st.table on wide screens and as stacked rows on a phone (keys wide_/narrow_+key)."""
    st.html(NARROW_SCREENS_CSS)
    with st.container(key=f"wide_{key}"):
        st.table(frame, hide_index=True)
    with st.container(key=f"narrow_{key}"):
        st.markdown(stacked_markdown(frame, title))
