"""What a table format's module gives the importer for one opened file (geo.importers.formats)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geo.importers.build import id_label
from geo.importers.csvfile import Row

DateOrder = tuple[bool, str]  # (day first?, the reason the report gives)
Converted = tuple[dict, float | None, float | None]  # record (dates as written), latitude, longitude


@dataclass(frozen=True)
class Reading:
    """How the rows of one file become records.

    title: what the report and the kept dataset call the file's layout ('ACLED', 'UCDP web
    download'); convert: a row to a record, or ValueError naming the field; label: how the report
    names a row; label_of: the same from a record id (so the collector keeps no label it can
    rebuild); date_columns: the file's date columns, whose day/month order is decided before any
    row is converted (none when convert writes ISO dates itself); day_first: this layout's own
    order, over its format's.
    """

    title: str
    convert: Callable[[Row], Converted]
    label: Callable[[Row], str]
    label_of: Callable[[object], str] = id_label
    date_columns: tuple[str, ...] = ("date_start", "date_end")
    day_first: DateOrder | None = None
