"""Rows converted one by one are collected column-wise, then dated, located and validated at once."""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from itertools import chain, compress

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._compat.glibc import give_back_free_pages
from geo.importers.dates import decide_order, parse_date
from geo.importers.result import ImportFormatError, ImportResult
from geo.importers.values import place_points
from geo.incidents.codec import repeated
from geo.incidents.compact import combine, compact
from geo.schema import INCIDENTS
from geo.validation import LayerValidationError, validate

FIELDS = [f.name for f in INCIDENTS.fields]
FIELD_SET = frozenset(FIELDS)
URL_IN_TEXT = re.compile(r"https?://\S+", re.IGNORECASE)
Progress = Callable[[float, str], None]
PART_ROWS = 8192  # rows validated and made compact at a time when the date order is known before
FILE_ROW = "__file_row__"  # carries each row's file row through validation


def dataset_source(text: str | None, file_name: str) -> dict | None:
    """A dataset-level source from 'URL' or 'citation with a URL'; a source without a URL is refused."""
    s = " ".join((text or "").split())
    if not s:
        return None
    m = URL_IN_TEXT.search(s)
    if not m:
        raise ImportFormatError(
            f"{file_name}: the dataset-level source {s[:80]!r} has no http(s) URL; every source needs one "
            "(give 'Citation text https://…' or just the URL)"
        )
    citation = (s[: m.start()] + s[m.end() :]).strip(" ;,-—") or None
    return {
        "outlet": f"dataset-level source given at import: {citation or m.group(0)}",
        "url": m.group(0),
        "date": None,
    }


def value_key(value) -> tuple:
    """A hashable key equal for equal lists and dicts of texts and numbers (1, 1.0 and True kept apart).

    Raises TypeError for a value holding anything unhashable.
    """
    out: list = []
    _walk(value, out)
    return tuple(out)


def _walk(value, out: list) -> None:
    kind = type(value)
    if kind is str or value is None:
        out.append(value)
    elif kind is list:
        out.append(list)
        for item in value:
            _walk(item, out)
        out.append(tuple)  # closes the list or dict
    elif kind is dict:
        out.append(dict)
        for k, item in value.items():
            _walk(k, out)
            _walk(item, out)
        out.append(tuple)
    else:
        out.append((kind, value))


def _row_named(unit: str, message: str) -> int:
    """The file row a rejection names ('row 12' after as_row has rewritten it)."""
    found = re.search(unit + r" (\d+)", message)
    assert found is not None  # as_row writes the unit and the row into every rejection
    return int(found.group(1))


class SharedTexts:
    """Equal texts of one column, and equal lists and dicts (texts inside them too), as one object.

    A column whose values prove mostly distinct (ids, descriptions, a URL a row) stops being
    looked up, so the memo never costs more than the copies it saves. Shared lists and dicts
    must never be changed in place; nothing after the collector does.
    """

    SAMPLE = 4096  # values seen before the first check; checked again at each doubling

    def __init__(self) -> None:
        self.memo: dict | None = {}
        self.seen = 0
        self.parts: dict = {}

    def settle(self, seen: int) -> None:
        """Stop looking values up when more than half of the `seen` ones were distinct."""
        if self.memo is not None and len(self.memo) > seen // 2:
            self.memo = None

    def forget(self) -> None:
        """Drop the values seen (a new part of the file begins); a column found distinct stays unlooked-up."""
        if self.memo is not None:
            self.memo.clear()
        for part in self.parts.values():
            part.forget()

    def _count(self) -> None:
        self.seen += 1
        if self.seen >= self.SAMPLE and not self.seen & (self.seen - 1):
            self.settle(self.seen)

    def __call__(self, value):
        """value, or the equal one seen first (a new list or dict has its texts shared in place)."""
        kind = type(value)
        if kind is str:
            memo = self.memo
            if memo is None:
                return value
            self._count()
            return memo.setdefault(value, value)
        if kind is not list and kind is not dict:
            return value
        key, memo = None, self.memo
        if memo is not None:
            try:
                key = value_key(value)
            except TypeError:
                memo = None
            else:
                found = memo.get(key)
                if found is not None:
                    self._count()
                    return found
        if kind is list:
            part = self._part(None)
            for i, item in enumerate(value):
                value[i] = part(item)
        else:
            for k, item in value.items():
                value[k] = self._part(k)(item)
        if memo is not None:
            memo[key] = value
            self._count()
        return value

    def _part(self, key) -> SharedTexts:
        part = self.parts.get(key)
        if part is None:
            part = self.parts[key] = SharedTexts()
        return part


def id_label(rec_id) -> str:
    """How a report names a row by its record id (most formats; the collector keeps no label it can rebuild)."""
    return f"id '{rec_id}'"


class Collector:
    """Accepted rows as columns, rejected rows as report lines, each named by its file row.

    Only the columns converters fill are kept (the others become null columns at the end);
    points and file rows sit in typed arrays; a row's label is kept only when label_of(its id)
    does not give it back; equal texts, lists and dicts of a column are one object (SharedTexts).
    When the date order is known before the rows come (`order`), every PART_ROWS rows are dated,
    located, validated and kept compact (geo.incidents.compact), so the rows of Python objects
    never outnumber one part.
    """

    def __init__(
        self,
        file_name: str,
        fmt: str,
        *,
        source: dict | None = None,
        unit: str = "row",
        label_of: Callable[[object], str] = id_label,
        order: tuple[bool | None, str | None] | None = None,
        date_fields: tuple[str, str] | None = None,
    ):
        self.file_name, self.fmt, self.source, self.unit = file_name, fmt, source, unit
        self.date_fields = date_fields  # names a date rejection gives its field by (None: the message alone)
        self.order = order  # the date order, decided before the rows came (then rows go in parts)
        self.parts: list[pd.DataFrame] = []  # validated rows, compact (geo.incidents.compact)
        self.part_rows: list[np.ndarray] = []  # the file row of each of them
        self.derived = self.given = 0  # rows whose country was derived, that took the dataset-level source
        self.checks: list[str] = []  # validation's notes and warnings
        self.geoms: list | None = None  # set by spatial imports (any geometry); else points from lats/lons
        self.columns: dict[str, list] = {}
        self._shared: dict[str, SharedTexts] = {}
        self.lats, self.lons, self.rows = array("d"), array("d"), array("q")
        self.label_of = label_of
        self.labels: dict[int, str] = {}  # position -> label, where label_of(id) differs
        self.rejected: list[tuple[int, str]] = []
        self.notes: list[str] = [order[1]] if order is not None and order[1] else []
        self.rows_read = 0

    def add(self, n: int, label: str, rec: dict, lat: float | None, lon: float | None) -> None:
        """Keep one converted row (dates still as written; lat/lon None for an unlocated row)."""
        pos, filled = len(self.rows), 0
        columns, shared = self.columns, self._shared
        for name, value in rec.items():
            values = columns.get(name)
            if values is None:
                if name not in FIELD_SET:
                    continue
                values = columns[name] = [None] * pos
                if name not in shared:
                    shared[name] = SharedTexts()
            kind = type(value)
            if kind is str:  # SharedTexts' own work, inline: this runs for every cell
                memo = shared[name].memo
                if memo is not None:
                    value = memo.setdefault(value, value)
            elif kind is list or kind is dict:
                value = shared[name](value)
            values.append(value)
            filled += 1
        if filled != len(columns):
            for values in columns.values():
                if len(values) == pos:
                    values.append(None)
        if pos >= SharedTexts.SAMPLE and not pos & (pos - 1):
            for texts in shared.values():
                texts.settle(pos)
        if label != self.label_of(rec.get("id")):
            self.labels[pos] = label
        self.lats.append(np.nan if lat is None else lat)
        self.lons.append(np.nan if lon is None else lon)
        self.rows.append(n)
        if self.order is not None and len(self.rows) >= PART_ROWS:
            self._close_part()

    def column(self, name: str) -> list:
        """The values of one field by position (all None for a field no row filled)."""
        if name not in self.columns:
            self.columns[name] = [None] * len(self.rows)
        return self.columns[name]

    def label(self, pos: int) -> str:
        """How a report names the row at this position."""
        if pos in self.labels:
            return self.labels[pos]
        ids = self.columns.get("id")
        return self.label_of(ids[pos] if ids is not None else None)

    def reject(self, n: int, label: str, reason: str) -> None:
        """Refuse one row with the reason."""
        self.rejected.append((n, f"{self.file_name}: {self.unit} {n} ({label}): {reason}"))

    def _reject_at(self, pos: int, reason: str) -> None:
        self.reject(self.rows[pos], self.label(pos), reason)

    def _drop(self, keep: np.ndarray) -> None:
        flags = keep.tolist()
        for name, values in self.columns.items():
            self.columns[name] = list(compress(values, flags))
        self.lats, self.lons = array("d", compress(self.lats, flags)), array("d", compress(self.lons, flags))
        self.rows = array("q", compress(self.rows, flags))
        if self.geoms is not None:
            self.geoms = list(compress(self.geoms, flags))
        new_pos = np.cumsum(keep) - 1
        self.labels = {int(new_pos[pos]): label for pos, label in self.labels.items() if flags[pos]}

    def _dates(self, dayfirst: bool | None, default: tuple[bool, str] | None) -> None:
        start, end = self.column("date_start"), self.column("date_end")
        if self.order is None:
            named = "/".join(self.date_fields or ("date_start", "date_end"))
            self.order = decide_order((v for v in chain(start, end) if v), self.file_name, named, dayfirst, default)
            if self.order[1]:
                self.notes.append(self.order[1])
        order = self.order[0]
        cache: dict[str, str] = {}
        keep = np.ones(len(start), dtype=bool)
        for i, (s, e) in enumerate(zip(start, end, strict=True)):
            at = 0  # which date is being read: 0 start, 1 end
            try:
                if not s:
                    raise ValueError("no date")
                for n, (values, text) in enumerate(((start, s), (end, e or s))):
                    at = n
                    if text not in cache:
                        cache[text] = parse_date(text, order).isoformat()
                    values[i] = cache[text]
            except ValueError as exc:
                self._reject_at(i, self._date_problem(at, exc))
                keep[i] = False
        if not keep.all():
            self._drop(keep)

    def _date_problem(self, at: int, exc: ValueError) -> str:
        """A date rejection, naming the field at fault (0 start, 1 end) when the format gives their names."""
        return str(exc) if self.date_fields is None else f"{self.date_fields[at]}: {exc}"

    def _places(self) -> None:
        country = self.column("country")
        missing = [i for i, c in enumerate(country) if not c and not np.isnan(self.lats[i])]
        if not missing:
            return
        codes, provinces, covered = place_points(
            np.array([self.lons[i] for i in missing]), np.array([self.lats[i] for i in missing])
        )
        admin1 = self.column("admin1")
        keep = np.ones(len(self.rows), dtype=bool)
        for i, code, province in zip(missing, codes, provinces, strict=True):
            if code is None:
                self._reject_at(
                    i, f"no country given and the point lies outside the shipped country outlines ({covered})"
                )
                keep[i] = False
                continue
            self.derived += 1
            country[i] = code
            if province and not admin1[i]:
                admin1[i] = province
        if not keep.all():
            self._drop(keep)

    def _sources(self) -> None:
        sources = self.column("sources")
        empty = [i for i, s in enumerate(sources) if not s]
        if empty and self.source:
            given = [dict(self.source)]  # one list for all of them, like any repeated sources
            for i in empty:
                sources[i] = given
            self.given += len(empty)
        elif empty:
            keep = np.ones(len(self.rows), dtype=bool)
            for i in empty:
                self._reject_at(
                    i, "no source_url: every incident needs a source (one per row, or a dataset-level source)"
                )
                keep[i] = False
            self._drop(keep)

    def _frame(self) -> gpd.GeoDataFrame:
        """The kept rows as a GeoDataFrame of object columns; the collector's lists are freed as it goes."""
        n = len(self.rows)
        if self.geoms is not None:
            geoms = np.array([*self.geoms, None], dtype=object)[:-1]  # never a 2-D array of parts
            self.geoms = None
        else:
            lats, lons = np.frombuffer(self.lats, dtype=float), np.frombuffer(self.lons, dtype=float)
            geoms = shapely.points(lons, lats)
            geoms[np.isnan(lats)] = None
            del lats, lons
        self.lats, self.lons = array("d"), array("d")
        nulls = np.full(n, None, dtype=object)  # one array shared by every column no row filled
        series = {}
        for name in FIELDS:
            values = self.columns.pop(name, None)
            series[name] = pd.Series(nulls if values is None else values, dtype=object, copy=False)
            del values  # the list goes once its column exists
        frame = pd.DataFrame(series, copy=False)
        del series
        self.columns = {}
        for texts in self._shared.values():
            texts.forget()
        geometry = gpd.GeoSeries(geoms, crs="EPSG:4326")
        return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326", copy=False)  # no consolidating copy

    def _close_part(self, dayfirst: bool | None = None, default: tuple[bool, str] | None = None) -> None:
        """Date, locate and validate the rows collected since the last part, and keep them compact."""
        self._dates(dayfirst, default)
        self._places()
        self._sources()
        if not self.rows and self.parts:
            return
        rows = self.rows
        gdf = self._frame()
        gdf[FILE_ROW] = np.asarray(rows, dtype=np.int64)
        try:
            gdf, report = validate(gdf, INCIDENTS, self.file_name, on_error="drop")
        except LayerValidationError as exc:
            raise ImportFormatError(" ".join(str(exc).split())) from exc
        unit = self.unit

        def as_row(message: str) -> str:  # validation counts features; the user counts file rows
            message = re.sub(
                r"^(.*?): feature (\d+)", lambda m: f"{m.group(1)}: {unit} {rows[int(m.group(2))]}", message
            )
            return re.sub(
                r"\(also used by feature (\d+)\)$", lambda m: f"(also used by {unit} {rows[int(m.group(1))]})", message
            )

        self.rejected += [(_row_named(unit, r), r) for r in map(as_row, report.rejected)]
        # an empty part is "a layer with no features" to validation; here it means every row was refused
        checks = [n for n in report.notes + report.warnings if not (len(gdf) == 0 and n.endswith("has no features"))]
        self.checks += [as_row(n) for n in checks]
        self.part_rows.append(gdf.pop(FILE_ROW).to_numpy(dtype=np.int64))
        self.parts.append(compact(gdf))
        self.rows, self.labels = array("q"), {}

    def _drop_repeated_ids(self, frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
        """Rows whose id an earlier part holds are refused, as validation refuses them within one part."""
        ids = frame["id"]
        again = repeated(ids)
        if not again.any():
            return frame
        firsts = ids[ids.isin(set(ids[again])) & ~again]
        first_row = dict(zip(firsts, rows[firsts.index], strict=True))
        for rec_id, row in zip(ids[again], rows[again], strict=True):
            self.rejected.append(
                (
                    int(row),
                    f"{self.file_name}: {self.unit} {row} (id '{rec_id}'): duplicate id '{rec_id}' "
                    f"(also used by {self.unit} {first_row[rec_id]})",
                )
            )
        return frame[~again].reset_index(drop=True)

    def _summary(self) -> list[str]:
        """The notes that count rows over the whole file."""
        notes = []
        if self.derived:
            notes.append(
                f"{self.file_name}: country (and province) derived from the point for {self.derived} row(s) "
                "with the shipped outlines"
            )
        if self.given:
            assert self.source is not None  # rows take the dataset-level source only when there is one
            notes.append(
                f"{self.file_name}: {self.given} row(s) without a source take the dataset-level source "
                f"({self.source['url']})"
            )
        return notes

    def finish(
        self,
        reading: str,
        *,
        dayfirst: bool | None = None,
        default_order: tuple[bool, str] | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Dates, country, sources, then schema validation; rows named by their file row throughout."""
        if progress:
            progress(0.8, "dates, places and the schema")
        self._close_part(dayfirst, default_order)
        several = len(self.parts) > 1  # one part was checked for repeated ids by validation
        rows = np.concatenate(self.part_rows)
        frame = combine(self.parts)
        if several:
            frame = self._drop_repeated_ids(frame, rows)
        self.rejected.sort(key=lambda item: item[0])
        give_back_free_pages()  # the parts' columns, joined, leave free pages between what stays
        if progress:
            progress(1.0, "done")
        return ImportResult(
            self.file_name,
            self.fmt,
            frame,
            [line for _, line in self.rejected],
            self.notes + self._summary() + self.checks,
            self.rows_read,
            reading=reading,
        )
