"""Bring the event data analysts already have into the incident schema.

Supported: ACLED CSV exports (current and old), UCDP GED (the CSV, its HDX copy and the web
explorer's download), a plain CSV with latitude/longitude, this dashboard's own CSV export, and
spatial files (GeoJSON, GeoPackage, KML). One shared CSV reader finds the encoding, separator
and header; dates are read with a day/month order decided per file; every row that cannot be
used is reported with its file row and reason, grouped for reading (ImportResult). Rows are
validated a part at a time and held compactly until used (geo.incidents.compact).
ACLED's terms do not allow redistribution: imported ACLED rows are for the user's own use.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from geo.importers import acled, dashboard, spatial, ucdp
from geo.importers.build import Collector, Progress, dataset_source, id_label
from geo.importers.csvfile import CsvTable, Row, open_csv
from geo.importers.dates import decide_order, parse_date
from geo.importers.heap import large_blocks_on_their_own_pages
from geo.importers.latlon import LatLon
from geo.importers.result import DateOrderUndecided, ImportFormatError, ImportResult, ReasonGroup, group_reasons
from geo.importers.values import country_name

__all__ = [
    "DateOrderUndecided",
    "ImportFormatError",
    "ImportResult",
    "ReasonGroup",
    "country_name",
    "group_reasons",
    "import_file",
    "parse_date",
    "sniff_format",
]
FORMATS = ("dashboard", "acled", "ucdp", "csv", "spatial")
FORMAT_NAMES = {"dashboard": "dashboard CSV", "acled": "ACLED", "ucdp": "UCDP GED", "csv": "CSV lat/lon"}
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def _sniff_table(table: CsvTable) -> str:
    cols = table.columns
    if {"id", "date_start", "latitude", "longitude", "source_urls"} <= cols:
        return "dashboard"
    if {"event_id_cnty", "event_date"} <= cols:
        return "acled"
    if {"date_start", "best"} <= cols or {"date_start", "best_est"} <= cols or {"relid", "best"} <= cols:
        return "ucdp"
    return "csv"


def sniff_format(path: str | Path) -> str:
    """'dashboard', 'acled', 'ucdp', 'csv' or 'spatial', from the extension and the CSV header."""
    path = Path(path)
    if path.suffix.lower() not in CSV_SUFFIXES:
        return "spatial"
    return _sniff_table(open_csv(path))


def _convert_csv(table: CsvTable, collector: Collector, label, convert, progress: Progress | None) -> None:
    names = table.header
    size = max(table.path.stat().st_size, 1)
    step, count = 5000, 0
    for count, (n, cells) in enumerate(table.rows(), start=1):
        row = Row(names, cells)
        try:
            rec, lat, lon = convert(row, n)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            collector.reject(n, label(row, n), str(exc))
        else:
            collector.add(n, label(row, n), rec, lat, lon)
        if progress and count % step == 0:
            progress(min(0.7 * count * 200 / size, 0.69), f"{count:,} rows read")
    collector.rows_read = count
    collector.notes[:0] = table.notes


def _date_texts(table: CsvTable, columns: tuple[str, ...]) -> set[str]:
    """The distinct dates written in these columns: the day/month order is decided from all of them
    before any row is converted, so rows can be validated and stored a part at a time."""
    last = {name: i for i, name in enumerate(table.header)}  # a repeated column: the row reads its last
    at = [last[c] for c in dict.fromkeys(columns) if c in last]
    seen: set[str] = set()
    for _, cells in table.rows():
        for i in at:
            if i < len(cells) and cells[i].strip():
                seen.add(cells[i].strip())
    return seen


def _import_csv(path: Path, fmt: str | None, dayfirst, source, progress) -> ImportResult:
    table = open_csv(path)
    fmt = fmt or _sniff_table(table)
    convert: Callable[[Row, int], tuple[dict, float | None, float | None]]  # a row and its number -> record, lat, lon
    date_columns: tuple[str, ...] = ("date_start", "date_end")
    default, label_of = None, id_label
    if fmt == "acled":
        acled.check(table)
        name, label, convert, default = (
            "ACLED",
            lambda r, n: acled.label(r),
            lambda r, n: acled.convert(r),
            acled.DAY_FIRST,
        )
        label_of, date_columns = acled.label_of, ("event_date",)
    elif fmt == "ucdp":
        name = ucdp.check(table)
        by_row = ucdp.make_convert("UCDP GED")
        label, convert = lambda r, n: ucdp.label(r), lambda r, n: by_row(r)
        default = ucdp.MONTH_FIRST if name == "UCDP web download" else None
        label_of = ucdp.label_of
    elif fmt == "dashboard":
        dashboard.check(table)
        name, label, convert = "dashboard CSV", lambda r, n: dashboard.label(r), lambda r, n: dashboard.convert(r)
    elif fmt == "csv":
        reader = LatLon(table)
        name, label, convert = "CSV lat/lon", reader.label, reader.convert
        date_columns = (reader.cols["date"], "date_end")
    else:
        raise ImportFormatError(f"{path.name}: format {fmt!r} is not a CSV format")
    named = "/".join(c for c in dict.fromkeys(date_columns) if c in table.header) or date_columns[0]
    order = decide_order(_date_texts(table, date_columns), path.name, named, dayfirst, default)
    collector = Collector(path.name, name, source=dataset_source(source, path.name), label_of=label_of, order=order)
    _convert_csv(table, collector, label, convert, progress)
    if collector.rows_read == 0:
        raise ImportFormatError(f"{path.name}: the file has a header but no data rows ({table.describe()})")
    reading = f"{path.name}: read as {name} ({table.describe()})"
    return collector.finish(reading, dayfirst=dayfirst, default_order=default, progress=progress)


def _import_spatial(path: Path, dayfirst, source, layer, progress) -> ImportResult:
    gdf, layers, chosen = spatial.read(path, layer)
    collector = Collector(
        path.name,
        "spatial",
        source=dataset_source(source, path.name),
        unit="feature",
        date_fields=("date_start", "date_end"),  # the properties as the README names them, whatever the file's
    )
    spatial.to_collector(gdf, path.name, collector)
    if len(layers) > 1:
        collector.notes.insert(
            0,
            f"{path.name}: the file holds {len(layers)} layers ({', '.join(layers)}); read {chosen!r} — choose another",
        )
    kind = path.suffix.lstrip(".").upper() or "spatial"
    reading = f"{path.name}: read as a spatial file ({kind}" + (f", layer {chosen!r})" if chosen else ")")
    result = collector.finish(reading, dayfirst=dayfirst, progress=progress)
    result.layers, result.layer = layers, chosen
    return result


def import_file(
    path: str | Path,
    fmt: str | None = None,
    *,
    dayfirst: bool | None = None,
    source: str | None = None,
    layer: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import any supported file; fmt is sniffed when not given.

    dayfirst: the order of numeric dates when the file does not settle it; source: a URL (or a
    citation with one) for rows without a source; layer: which layer of a multi-layer file.
    Every failure is an ImportFormatError whose text is one line naming the file.
    """
    large_blocks_on_their_own_pages()
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    try:
        if fmt == "spatial" or (fmt is None and path.suffix.lower() not in CSV_SUFFIXES):
            return _import_spatial(path, dayfirst, source, layer, progress)
        return _import_csv(path, fmt, dayfirst, source, progress)
    except ImportFormatError:
        raise
    except (OSError, UnicodeError, csv.Error, ValueError, OverflowError, RecursionError) as exc:
        raise ImportFormatError(
            f"{path.name}: cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        ) from exc
