"""What an import gives back: the accepted incidents, the rejected rows, notes, grouped for reading."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.incidents.compact import expand


class ImportFormatError(ValueError):
    """The file cannot be read as the format asked for; str() is one line naming file and problem."""


class DateOrderUndecided(ImportFormatError):
    """Dates such as 07/02/2016 read either way and no value in the file settles the order."""


@dataclass
class ImportResult:
    """What an import gave: the accepted incidents, the rejected rows with reasons, notes.

    `flat` holds the accepted rows compactly (geo.incidents.compact); `incidents` gives them as the
    usual frame, built anew at each use. `reading` says first how the file was read (format,
    separator, encoding); `layers` lists the layers of a multi-layer file (the one read is `layer`).
    """

    source: str
    format: str
    flat: pd.DataFrame
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    reading: str = ""
    layers: list[str] = field(default_factory=list)
    layer: str | None = None

    @property
    def incidents(self) -> gpd.GeoDataFrame:
        """The accepted rows as an incident frame (lists, dicts and Python strings)."""
        return expand(self.flat)

    @property
    def count(self) -> int:
        """How many rows were accepted."""
        return len(self.flat)

    def rejected_groups(self, examples: int = 3) -> list[ReasonGroup]:
        """The rejections with the same reason once each, with a count and example rows."""
        return group_reasons(self.rejected, examples)

    def note_groups(self, examples: int = 3) -> list[ReasonGroup]:
        """The notes grouped like the rejections."""
        return group_reasons(self.notes, examples)


@dataclass
class ReasonGroup:
    """One reason and the rows it applies to."""

    reason: str
    count: int
    examples: list[str]
    source: str = ""

    def line(self) -> str:
        """'file: N rows: reason (e.g. row 3, row 7)' in one line."""
        where = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        unit = self.examples[0].split(" ")[0] if self.examples else "row"
        what = f"1 {unit}" if self.count == 1 else f"{self.count} {unit}s"
        text = f"{what}: {self.reason}{where}" if self.examples else self.reason
        return f"{self.source}: {text}" if self.source else text


_WHERE = re.compile(r"^(?:(?P<source>[^:]*?): )?(?P<where>(?:row|feature) \d+(?: \([^)]*\))?): (?P<reason>.*)$", re.S)
_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?")


def group_reasons(lines: list[str], examples: int = 3) -> list[ReasonGroup]:
    """Lines grouped by reason: quoted values and numbers do not split a group."""
    groups: OrderedDict[str, ReasonGroup] = OrderedDict()
    for line in lines:
        m = _WHERE.match(line)
        where, reason = (m.group("where"), m.group("reason")) if m else ("", line)
        key = _VARYING.sub("…", reason)
        group = groups.get(key)
        if group is None:
            source = (m.group("source") or "") if m else ""
            groups[key] = ReasonGroup(reason if m else line, 1, [where.split(" (")[0]] if where else [], source)
            continue
        group.count += 1
        if where and len(group.examples) < examples:
            group.examples.append(where.split(" (")[0])
        if group.reason != reason:
            group.reason = key
    return list(groups.values())
