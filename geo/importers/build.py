"""Rows converted one by one are collected column-wise, then dated, located and validated at once."""

from __future__ import annotations

import re
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.importers.dates import decide_order, parse_date
from geo.importers.result import ImportFormatError, ImportResult
from geo.importers.values import place_points
from geo.schema import INCIDENTS
from geo.validation import LayerValidationError, validate

FIELDS = [f.name for f in INCIDENTS.fields]
URL_IN_TEXT = re.compile(r"https?://\S+", re.IGNORECASE)
Progress = Callable[[float, str], None]


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


class Collector:
    """Accepted rows as columns, rejected rows as report lines, each named by its file row."""

    def __init__(self, file_name: str, fmt: str, *, source: dict | None = None, unit: str = "row"):
        self.file_name, self.fmt, self.source, self.unit = file_name, fmt, source, unit
        self.geoms: list | None = None  # set by spatial imports (any geometry); else points from lats/lons
        self.columns: dict[str, list] = {name: [] for name in FIELDS}
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.rows: list[int] = []
        self.labels: list[str] = []
        self.rejected: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self.rows_read = 0

    def add(self, n: int, label: str, rec: dict, lat: float | None, lon: float | None) -> None:
        """Keep one converted row (dates still as written; lat/lon None for an unlocated row)."""
        for name, values in self.columns.items():
            values.append(rec.get(name))
        self.lats.append(np.nan if lat is None else lat)
        self.lons.append(np.nan if lon is None else lon)
        self.rows.append(n)
        self.labels.append(label)

    def reject(self, n: int, label: str, reason: str) -> None:
        """Refuse one row with the reason."""
        self.rejected.append((n, f"{self.file_name}: {self.unit} {n} ({label}): {reason}"))

    def _drop(self, keep: np.ndarray) -> None:
        for name, values in self.columns.items():
            self.columns[name] = [v for v, k in zip(values, keep, strict=True) if k]
        for name in ("lats", "lons", "rows", "labels", "geoms"):
            if getattr(self, name) is not None:
                setattr(self, name, [v for v, k in zip(getattr(self, name), keep, strict=True) if k])

    def _dates(self, dayfirst: bool | None, default: tuple[bool, str] | None) -> None:
        start, end = self.columns["date_start"], self.columns["date_end"]
        order, note = decide_order([v for v in start + end if v], self.file_name, "dates", dayfirst, default)
        if note:
            self.notes.append(note)
        cache: dict[str, str] = {}
        keep = np.ones(len(start), dtype=bool)
        for i, (s, e) in enumerate(zip(start, end, strict=True)):
            try:
                if not s:
                    raise ValueError("no date")
                for col, text in (("date_start", s), ("date_end", e or s)):
                    if text not in cache:
                        cache[text] = parse_date(text, order).isoformat()
                    self.columns[col][i] = cache[text]
            except ValueError as exc:
                self.reject(self.rows[i], self.labels[i], str(exc))
                keep[i] = False
        if not keep.all():
            self._drop(keep)

    def _places(self) -> None:
        missing = [i for i, c in enumerate(self.columns["country"]) if not c and not np.isnan(self.lats[i])]
        if not missing:
            return
        codes, provinces, covered = place_points(
            np.array([self.lons[i] for i in missing]), np.array([self.lats[i] for i in missing])
        )
        keep = np.ones(len(self.rows), dtype=bool)
        derived = 0
        for i, code, province in zip(missing, codes, provinces, strict=True):
            if code is None:
                self.reject(
                    self.rows[i],
                    self.labels[i],
                    f"no country given and the point lies outside the shipped country outlines ({covered})",
                )
                keep[i] = False
                continue
            derived += 1
            self.columns["country"][i] = code
            if province and not self.columns["admin1"][i]:
                self.columns["admin1"][i] = province
        if derived:
            self.notes.append(
                f"{self.file_name}: country (and province) derived from the point for {derived} row(s) "
                "with the shipped outlines"
            )
        if not keep.all():
            self._drop(keep)

    def _sources(self) -> None:
        empty = [i for i, s in enumerate(self.columns["sources"]) if not s]
        if empty and self.source:
            for i in empty:
                self.columns["sources"][i] = [dict(self.source)]
            self.notes.append(
                f"{self.file_name}: {len(empty)} row(s) without a source take the dataset-level source "
                f"({self.source['url']})"
            )
        elif empty:
            keep = np.ones(len(self.rows), dtype=bool)
            for i in empty:
                self.reject(
                    self.rows[i],
                    self.labels[i],
                    "no source_url: every incident needs a source (one per row, or a dataset-level source)",
                )
                keep[i] = False
            self._drop(keep)

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
            progress(0.7, "dates and places")
        self._dates(dayfirst, default_order)
        self._places()
        self._sources()
        if progress:
            progress(0.8, "checking against the schema")
        lats, lons = np.array(self.lats, dtype=float), np.array(self.lons, dtype=float)
        if self.geoms is not None:
            geoms = np.array([*self.geoms, None], dtype=object)[:-1]
        else:
            geoms = shapely.points(lons, lats) if len(lats) else np.array([], dtype=object)
            if len(lats):
                geoms[np.isnan(lats)] = None
        series = {}
        for name in FIELDS:  # one column at a time, each list freed once the frame's copy exists
            series[name] = pd.Series(self.columns.pop(name), dtype=object)
        frame = pd.DataFrame(series, copy=False)
        del series
        self.columns = {name: [] for name in FIELDS}
        gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")
        try:
            gdf, report = validate(gdf, INCIDENTS, self.file_name, on_error="drop")
        except LayerValidationError as exc:
            raise ImportFormatError(" ".join(str(exc).split())) from exc
        rows, unit = self.rows, self.unit

        def as_row(message: str) -> str:  # validation counts features; the user counts file rows
            return re.sub(
                r"^(.*?): feature (\d+)", lambda m: f"{m.group(1)}: {unit} {rows[int(m.group(2))]}", message, count=1
            )

        rejected = self.rejected + [
            (int(re.search(unit + r" (\d+)", r).group(1)), r) for r in map(as_row, report.rejected)
        ]
        rejected.sort(key=lambda item: item[0])
        if progress:
            progress(1.0, "done")
        return ImportResult(
            self.file_name,
            self.fmt,
            gdf,
            [line for _, line in rejected],
            self.notes + [as_row(n) for n in report.notes + report.warnings],
            self.rows_read,
            reading=reading,
        )
