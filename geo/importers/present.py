"""What the Import page shows of a result, as plain tables and text (no Streamlit here)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geo.importers.compact import expand
from geo.importers.result import ImportResult, ReasonGroup

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


def groups_table(groups: list[ReasonGroup]) -> pd.DataFrame:
    """Grouped reasons as a table: rows, reason, example rows."""
    return pd.DataFrame(
        {
            "rows": [g.count for g in groups],
            "reason": [g.reason for g in groups],
            "for example": [", ".join(g.examples) for g in groups],
        }
    )


def full_report(result: ImportResult) -> str:
    """Every line of the report, for download."""
    return "\n".join([result.reading, *[f"rejected: {r}" for r in result.rejected], *result.notes]) + "\n"
