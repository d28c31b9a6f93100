"""The shared CSV reader: encoding, separator, a preamble above the header, upper-case headers,
an HXL hashtag row, huge cells. Rows are streamed, never all held as text at once."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geo.importers.result import ImportFormatError

csv.field_size_limit(1 << 30)  # a cell of this dashboard's own export may hold a 128 KB+ description
SEPARATORS = ",;\t|"
SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
SAMPLE = 64 * 1024
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a zip archive",
    b"\xff\xd8\xff": "a JPEG",
}


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM), utf-16 (BOM or NUL pattern), else cp1252 or latin-1.

    Refuses binary files. The whole file is checked for UTF-8, in chunks.
    """
    with path.open("rb") as fh:
        head = fh.read(SAMPLE)
    for sig, what in BINARY_SIGNATURES.items():
        if head.startswith(sig):
            raise ImportFormatError(f"{path.name}: not a text file: it is {what}")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise ImportFormatError(f"{path.name}: not a text file: it holds binary data (NUL bytes)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                chunk.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _separator(lines: list[str]) -> str:
    """The separator of the header line (and the lines after it), by csv.Sniffer; counting as fallback."""
    try:
        return csv.Sniffer().sniff("\n".join(lines[:5]), delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {s: lines[0].count(s) for s in SEPARATORS}
        return max(counts, key=counts.__getitem__)


def _is_preamble(line: str) -> bool:
    """A line above the header: blank, a '#' comment (this dashboard's old exports), a title line."""
    s = line.strip().strip('"')
    return not s or s.startswith("#") or not any(sep in s for sep in SEPARATORS)


@dataclass
class CsvTable:
    """A CSV file opened for streaming: normalised header, where it starts, how it was read."""

    path: Path
    encoding: str
    separator: str
    header: list[str]  # lower-case, stripped; '' for an empty trailing column
    first_row: int  # the spreadsheet row of the first data row (the header is the row before)
    notes: list[str] = field(default_factory=list)
    _skip: int = 0  # physical lines before the header

    @property
    def columns(self) -> set[str]:
        """The named columns."""
        return {h for h in self.header if h}

    def describe(self) -> str:
        """'separator ',', encoding utf-8' for the report's first line."""
        return f"separator {SEPARATOR_NAMES.get(self.separator, repr(self.separator))}, encoding {self.encoding}"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(spreadsheet row number, cells) for every data row; an HXL hashtag row is skipped."""
        with self.path.open(encoding=self.encoding, newline="") as fh:
            for _ in range(self._skip):
                fh.readline()
            reader = csv.reader(fh, delimiter=self.separator)
            n = self.first_row - 1
            try:
                next(reader, None)
                for n, cells in enumerate(reader, start=self.first_row):
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue
                    if n == self.first_row and _is_hashtag_row(cells):
                        tags = ", ".join(c.strip() for c in cells if c.strip())[:60]
                        note = f"{self.path.name}: row {n} is an HXL hashtag row ({tags} …), not data: skipped"
                        if note not in self.notes:  # the rows are read twice: dates first
                            self.notes.append(note)
                        continue
                    yield n, cells
            except csv.Error as exc:
                raise ImportFormatError(f"{self.path.name}: row {n + 1}: {exc}") from exc


def _is_hashtag_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def open_csv(path: str | Path) -> CsvTable:
    """Open a CSV: detect encoding, skip a preamble, find the separator, normalise the header."""
    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"{path.name}: no such file" if not path.exists() else f"{path.name}: not a file")
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        head = [fh.readline() for _ in range(40)]
    head = [line for line in head if line]
    skip = 0
    while skip < len(head) and _is_preamble(head[skip]):
        skip += 1
    if skip == len(head):
        raise ImportFormatError(f"{path.name}: no header row with separated columns (is it empty or not a CSV?)")
    lines = [line.rstrip("\r\n") for line in head[skip:]]
    sep = _separator(lines)
    header_cells = next(csv.reader(io.StringIO(head[skip]), delimiter=sep), [])
    header = [h.strip().strip("\ufeff").lower() for h in header_cells]
    table = CsvTable(path, encoding, sep, header, first_row=skip + 2, _skip=skip)
    if skip:
        table.notes.append(f"{path.name}: {skip} line(s) above the header skipped; the header is row {skip + 1}")
    return table


class Row(dict):
    """One data row: row[name] is the stripped cell ('' for a missing column or cell); raw() as written;
    n its spreadsheet row."""

    __slots__ = ("cells", "n", "names")

    def __init__(self, names: list[str], cells: list[str], n: int = 0):
        super().__init__(zip(names, (c.strip() for c in cells), strict=False))  # short rows: missing cells are ""
        self.cells, self.names, self.n = cells, names, n

    def __missing__(self, name: str) -> str:
        return ""

    def raw(self, name: str) -> str:
        """The cell as written (not stripped)."""
        try:
            return self.cells[self.names.index(name)]
        except (ValueError, IndexError):
            return ""


def require(table: CsvTable, needs: Mapping[str, Sequence[str]], fmt: str) -> dict[str, str]:
    """For each needed field, the first of its accepted column names present; refuses naming the missing."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for key, names in needs.items():
        name = next((n for n in names if n in table.columns), None)
        if name is None:
            missing.append(" or ".join(names))
        else:
            found[key] = name
    if missing:
        raise ImportFormatError(
            f"{table.path.name}: not {fmt} file: missing column(s) {', '.join(missing)} "
            f"(read with {table.describe()}; columns found: {', '.join(sorted(table.columns))[:300]})"
        )
    return found
