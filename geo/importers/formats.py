"""The import formats: one entry each, read by the importer, the Import page and the import command.

A format is its module and one `Format` in FORMATS. A table format's module gives
`reading(table) -> Reading`: it refuses a file without the format's columns and says how each row
becomes an incident record. FORMATS is also the sniffing order: the first table format whose
`sniff` accepts the header's columns reads the file, so the catch-all lat/lon CSV comes last.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from geo.importers import acled, dashboard, gtd, latlon, spatial, ucdp
from geo.importers.reading import DateOrder, Reading

TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml")
KINDS = ("table", "spatial")


def has(*column_sets: Collection[str]) -> Callable[[Collection[str]], bool]:
    """A sniff: true when a header holds every column of one of the sets."""
    wanted = tuple(frozenset(s) for s in column_sets)

    def sniff(columns: Collection[str]) -> bool:
        return any(s <= set(columns) for s in wanted)

    return sniff


def anything(columns: Collection[str]) -> bool:
    """A sniff that takes any header (the catch-all format, and spatial files, chosen by suffix)."""
    return True


@dataclass(frozen=True)
class Format:
    """One import format.

    name: the --format choice and import_file's fmt; label: the Import page's choice; suffixes:
    the file names it is read from (the first is written by geo.sync); sniff: does a header with
    these columns belong to it; convert: for a table, `reading(table) -> Reading`, for spatial
    files, the collector filler; day_first: the date order the format documents (None: the file
    must settle it), used when the file's dates do not.
    """

    name: str
    label: str
    suffixes: tuple[str, ...]
    sniff: Callable[[Collection[str]], bool]
    convert: Callable[..., Any]
    day_first: DateOrder | None = None
    kind: str = field(default="table")

    def __post_init__(self):
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"format name {self.name!r}: a lower-case identifier")
        if not self.label.strip():
            raise ValueError(f"format {self.name!r}: no label for the Import page")
        if not self.suffixes or not all(s.startswith(".") and s == s.lower() for s in self.suffixes):
            raise ValueError(f"format {self.name!r}: suffixes {self.suffixes!r} are not lower-case '.ext' names")
        for piece in ("sniff", "convert"):
            if not callable(getattr(self, piece)):
                raise ValueError(f"format {self.name!r}: {piece} is not a function")
        if self.day_first is not None and not (
            len(self.day_first) == 2 and isinstance(self.day_first[0], bool) and self.day_first[1]
        ):
            raise ValueError(f"format {self.name!r}: day_first is (bool, reason) or None")
        if self.kind not in KINDS:
            raise ValueError(f"format {self.name!r}: kind {self.kind!r} is not one of {KINDS}")


FORMATS: tuple[Format, ...] = (
    Format(
        "dashboard",
        "This dashboard's CSV export",
        TABLE_SUFFIXES,
        has({"id", "date_start", "latitude", "longitude", "source_urls"}),
        dashboard.reading,
    ),
    Format(
        "acled",
        "ACLED export (CSV)",
        TABLE_SUFFIXES,
        has({"event_id_cnty", "event_date"}),
        acled.reading,
        day_first=acled.DAY_FIRST,
    ),
    Format(
        "ucdp",
        "UCDP GED (CSV or web download)",
        TABLE_SUFFIXES,
        has({"date_start", "best"}, {"date_start", "best_est"}, {"relid", "best"}),
        ucdp.reading,
    ),
    Format(
        "gtd",
        "Global Terrorism Database (CSV)",
        TABLE_SUFFIXES,
        has({"eventid", "iyear", "imonth", "iday"}),
        gtd.reading,
    ),
    Format("csv", "CSV with latitude/longitude", TABLE_SUFFIXES, anything, latlon.reading),
    Format("spatial", "GeoJSON / GeoPackage / KML", SPATIAL_SUFFIXES, anything, spatial.to_collector, kind="spatial"),
)
BY_NAME = {f.name: f for f in FORMATS}
NAMES = tuple(BY_NAME)
SPATIAL = next(f for f in FORMATS if f.kind == "spatial")  # also reads a suffix no table format lists
SUFFIXES = tuple(dict.fromkeys(s for f in FORMATS for s in f.suffixes))


def tables(suffix: str) -> Iterator[Format]:
    """The table formats that read files of this suffix, in sniffing order."""
    return (f for f in FORMATS if f.kind == "table" and suffix.lower() in f.suffixes)


def reads_table(suffix: str) -> bool:
    """Whether any table format reads files of this suffix (the others go to the spatial reader)."""
    return next(tables(suffix), None) is not None


def sniff(suffix: str, columns: Collection[str]) -> Format | None:
    """The first table format of this suffix whose sniff takes these columns (None: no table format)."""
    return next((f for f in tables(suffix) if f.sniff(columns)), None)


__all__ = ["BY_NAME", "FORMATS", "NAMES", "SPATIAL", "SUFFIXES", "Format", "Reading", "reads_table", "sniff", "tables"]
