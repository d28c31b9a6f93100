"""What the Import page shows of a result, as plain tables and text (no Streamlit here)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geo.importers.result import ImportResult, ReasonGroup
from geo.incidents.compact import expand

PREVIEW_COLUMNS = ["id", "date_start", "title", "category", "country", "fatalities_best", "location_precision"]


def safe_upload_name(name: str) -> str:
    """A file name safe to create in a temporary folder, keeping the extension the format is read by."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    stem = re.sub(r"[^\w\- ]", "_", stem if dot else base).strip(" ._")[:80] or "upload"
    suffix = re.sub(r"[^\w]", "", suffix)[:10] if dot else ""
    return f"{stem}.{suffix}" if suffix else stem


def preview(result: ImportResult, rows: int = 200) -> pd.DataFrame:
    """The first rows of what was accepted; dates shown as dates (no 00:00:00)."""
    frame = pd.DataFrame(expand(result.flat.head(rows))[PREVIEW_COLUMNS])  # only the rows shown
    frame["date_start"] = frame["date_start"].dt.strftime("%Y-%m-%d")
    return frame


_COUNTED = re.compile(r"\b(\d[\d,]*) (?:row|feature)")
NO_SOURCE = "no source_url"  # how a row refused for want of a source is reported (geo.importers.build)


def rows_of(group: ReasonGroup) -> int | None:
    """How many rows a group is about: its count for row-by-row reasons; for a note on the whole file,
    the number of rows it names ("… for 1,705 row(s) …"), or None when it names none."""
    if group.examples:
        return group.count
    found = _COUNTED.search(group.reason)
    return int(found.group(1).replace(",", "")) if found else None


def groups_table(groups: list[ReasonGroup]) -> pd.DataFrame:
    """Grouped reasons as a table: rows, reason, example rows."""
    return pd.DataFrame(
        {
            "rows": pd.array([rows_of(g) for g in groups], dtype="Int64"),
            "reason": [g.reason for g in groups],
            "for example": [", ".join(g.examples) for g in groups],
        }
    )


def headline(result: ImportResult) -> str | None:
    """One line on what the file lacks and what to give, when rows were refused for want of a source
    (the one thing the page can supply); None otherwise."""
    lacking = sum(g.count for g in result.rejected_groups() if g.reason.startswith(NO_SOURCE))
    if not lacking:
        return None
    where = "in “Source for rows without one” above"
    if not result.count:
        return (
            f"This file has no source column (source_url or url): give a dataset-level source {where} to accept "
            f"its {lacking:,} rows."
        )
    return f"{lacking:,} rows of this file have no source: give a dataset-level source {where} to accept them."


def full_report(result: ImportResult) -> str:
    """Every line of the report, for download."""
    return "\n".join([result.reading, *[f"rejected: {r}" for r in result.rejected], *result.notes]) + "\n"
