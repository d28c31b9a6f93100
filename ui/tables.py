"""Tables that read on any screen, and the one paged table of the pages that page rows.

A table of six or eight columns scrolls sideways at 390 px, so every table is drawn twice: in a
container keyed "wide_<key>" with every column and in one keyed "narrow_<key>" with the few that
fit a phone (ui/css/narrow_screens.css shows each only where it fits). `table_for_any_screen`
does it for an st.table (a phone gets each row as one list item; the cells are Markdown the
caller has already made safe: md_escape, md_link), `grid_pair` for st.dataframe grids, whose
row pick `picked_row` reads; `pager` is the page number of a long table, one page of rows asked
of the store at a time.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ui.sidebar import NARROW_SCREENS_CSS
from views.incident_table import PAGE_SIZE, page_count


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


def grid_pair(frame: pd.DataFrame, key: str, wide: dict[str, Any], narrow: dict[str, Any], **common) -> tuple:
    """frame as two st.dataframe grids, every column in "wide_<key>" and a phone's in "narrow_<key>";
    wide and narrow: each grid's own arguments (its widget key, column_order, column_config), common:
    both's. Returns both grids' values (their row selections when on_select is given)."""
    st.html(NARROW_SCREENS_CSS)
    with st.container(key=f"wide_{key}"):
        wide_grid = st.dataframe(frame, **wide, **common)
    with st.container(key=f"narrow_{key}"):
        narrow_grid = st.dataframe(frame, **narrow, **common)
    return wide_grid, narrow_grid


def picked_row(grids: Sequence, ids: Sequence[str], current: str | None) -> tuple[bool, str | None]:
    """(changed, id) of the row picked in a grid pair drawn with `current` selected: the grid whose
    selection differs from it is the one the user just clicked; (True, None) when they cleared it."""
    shown = [list(ids).index(current)] if current is not None and current in ids else []
    for grid in grids:
        rows = grid.selection.rows
        if rows != shown:
            return True, (ids[rows[0]] if rows and rows[0] < len(ids) else None)
    return False, current


@dataclass(frozen=True)
class Paging:
    """Which page of a table of `total` rows is shown (1-based), `size` rows a page."""

    number: int
    pages: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.number - 1) * self.size

    def span(self, shown: int) -> tuple[int, int]:
        """(first, last) row numbers of a page showing `shown` rows (first is 0 when it shows none)."""
        return (self.offset + 1 if shown else 0), self.offset + shown


def pager(total: int, key: str, of: Hashable, where: Any = st, size: int = PAGE_SIZE) -> Paging:
    """The page number input of a table of `total` rows (in `where`, e.g. a column); page 1 again
    when `of` (the filter, the order: what the rows are) changes or the page no longer exists."""
    pages = page_count(total, size)
    of_key = f"_{key}_of"
    if st.session_state.get(of_key) != of or not 1 <= st.session_state.get(key, 1) <= pages:
        st.session_state[of_key] = of
        st.session_state[key] = 1
    number = where.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    return Paging(int(number), pages, total, size)
