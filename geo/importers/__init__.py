"""Bring the event data analysts already have into the incident schema.

Supported (one entry each in geo.importers.formats.FORMATS): ACLED CSV exports (current and old),
UCDP GED (the CSV, its HDX copy and the web explorer's download), the Global Terrorism Database's
CSV, a plain CSV with latitude/longitude, this dashboard's own CSV export, and spatial files
(GeoJSON, GeoPackage, KML). One shared CSV reader finds the encoding, separator
and header; dates are read with a day/month order decided per file; every row that cannot be
used is reported with its file row and reason, grouped for reading (ImportResult). Rows are
validated a part at a time and held compactly until used (geo.incidents.compact).
ACLED's and GTD's terms do not allow redistribution: imported rows of theirs are for the user's own use.
"""

from __future__ import annotations

import csv
from pathlib import Path

from geo._compat.glibc import large_blocks_on_their_own_pages
from geo.importers import spatial
from geo.importers.build import Collector, Progress, dataset_source
from geo.importers.csvfile import CsvTable, Row, open_csv
from geo.importers.dates import decide_order, parse_date
from geo.importers.formats import BY_NAME, FORMATS, NAMES, SPATIAL, Format, reads_table, sniff
from geo.importers.reading import Reading
from geo.importers.result import DateOrderUndecided, ImportFormatError, ImportResult, ReasonGroup, group_reasons
from geo.importers.values import country_name

__all__ = [
    "FORMATS",
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


def _sniffed(table: CsvTable) -> Format:
    found = sniff(table.path.suffix, table.columns)
    if found is None:
        raise ImportFormatError(f"{table.path.name}: no import format reads these columns ({table.describe()})")
    return found


def sniff_format(path: str | Path) -> str:
    """The name of the format a file is read as (geo.importers.formats: by suffix, then by the header)."""
    path = Path(path)
    return _sniffed(open_csv(path)).name if reads_table(path.suffix) else SPATIAL.name


def _convert_rows(table: CsvTable, collector: Collector, reading: Reading, progress: Progress | None) -> None:
    names = table.header
    size = max(table.path.stat().st_size, 1)
    step, count = 5000, 0
    convert, label = reading.convert, reading.label
    for count, (n, cells) in enumerate(table.rows(), start=1):
        row = Row(names, cells, n)
        try:
            rec, lat, lon = convert(row)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            collector.reject(n, label(row), str(exc))
        else:
            collector.add(n, label(row), rec, lat, lon)
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


def _import_table(path: Path, fmt: Format | None, dayfirst, source, progress) -> ImportResult:
    table = open_csv(path)
    fmt = fmt or _sniffed(table)
    if fmt.kind != "table":
        raise ImportFormatError(f"{path.name}: format {fmt.name!r} is not a CSV format")
    reading: Reading = fmt.convert(table)
    default = reading.day_first or fmt.day_first
    order: tuple[bool | None, str | None] = (None, None)  # no date columns: the converter writes ISO dates
    if reading.date_columns:
        columns = reading.date_columns
        named = "/".join(c for c in dict.fromkeys(columns) if c in table.header) or columns[0]
        order = decide_order(_date_texts(table, columns), path.name, named, dayfirst, default)
    collector = Collector(
        path.name, reading.title, source=dataset_source(source, path.name), label_of=reading.label_of, order=order
    )
    _convert_rows(table, collector, reading, progress)
    if collector.rows_read == 0:
        raise ImportFormatError(f"{path.name}: the file has a header but no data rows ({table.describe()})")
    reading_line = f"{path.name}: read as {reading.title} ({table.describe()})"
    return collector.finish(reading_line, dayfirst=dayfirst, default_order=default, progress=progress)


def _import_spatial(path: Path, fmt: Format, dayfirst, source, layer, progress) -> ImportResult:
    gdf, layers, chosen = spatial.read(path, layer)
    collector = Collector(
        path.name,
        fmt.name,
        source=dataset_source(source, path.name),
        unit="feature",
        date_fields=("date_start", "date_end"),  # the properties as the README names them, whatever the file's
    )
    fmt.convert(gdf, path.name, collector)
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
    if fmt is not None and fmt not in BY_NAME:
        raise ImportFormatError(f"unknown format {fmt!r} ({', '.join(NAMES)})")
    try:
        chosen = BY_NAME[fmt] if fmt is not None else (None if reads_table(path.suffix) else SPATIAL)
        if chosen is not None and chosen.kind == "spatial":  # also a suffix no table format reads: GDAL may
            return _import_spatial(path, chosen, dayfirst, source, layer, progress)
        return _import_table(path, chosen, dayfirst, source, progress)
    except ImportFormatError:
        raise
    except (OSError, UnicodeError, csv.Error, ValueError, OverflowError, RecursionError) as exc:
        raise ImportFormatError(
            f"{path.name}: cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        ) from exc
