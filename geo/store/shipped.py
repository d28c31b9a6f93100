"""The shipped datasets (files in git): the curated incidents, the read-only dataset "shipped", and
the others of SHIPPED_SETS (UCDP GED events for Pakistan and Iran, built by scripts/build_ucdp_shipped.py).

A reader parses and validates its file when first asked and again when the file changes. It keeps
nothing on disk itself: the edge may hand it a Keeper (ui.shipped_cache keeps parses in the
workspace so the next server start need not parse again).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import threading
from pathlib import Path
from typing import Protocol

import geopandas as gpd

from geo._compat.glibc import give_back_free_pages
from geo.catalog import LAYERS, data_dir
from geo.loading import GZ_SUFFIX, file_digest, gunzip_capped, load_file, read_bytes
from geo.schema import INCIDENTS
from geo.store.base import (
    SHIPPED,
    DatasetInfo,
    DatasetNotFound,
    IncidentStore,
    SaveReport,
    SourceInfo,
    StoreError,
)
from geo.validation import ValidationReport

LICENCE = "CC BY 4.0 (this project's compilation; facts cite their sources)"
ATTRIBUTION = "Pakistan–Iran border dashboard, curated events; each event cites its sources"


@dataclasses.dataclass(frozen=True)
class ShippedSet:
    """One read-only dataset shipped in the data folder: its name in the store, file and terms."""

    name: str
    file: str
    label: str  # how the sidebar names it
    format: str
    licence: str
    attribution: str


UCDP_NAME = "UCDP GED (shipped)"
UCDP_FILE = "ucdp_ged.geojson.gz"
UCDP_VERSION = "UCDP GED 22.1"
UCDP_CITATION = (
    "Sundberg, Ralph & Erik Melander (2013), Introducing the UCDP Georeferenced Event Dataset, Journal of Peace "
    "Research 50(4); Davies, Shawn, Therese Pettersson & Magnus Öberg (2022), Organized violence 1989–2021 and "
    "drone warfare, Journal of Peace Research 59(4)"
)
# The catalogue of shipped datasets: the curated events first (the store's "shipped"), then the others.
SHIPPED_SETS = (
    ShippedSet(SHIPPED, LAYERS["incidents"].file, "Curated events", "GeoJSON (shipped)", LICENCE, ATTRIBUTION),
    ShippedSet(
        UCDP_NAME,
        UCDP_FILE,
        f"{UCDP_VERSION} events",
        "UCDP GED, gzipped GeoJSON (shipped)",
        "CC BY 4.0 (UCDP)",
        f"{UCDP_VERSION}, Uppsala Conflict Data Program (HDX copy); cite {UCDP_CITATION}",
    ),
)
SHIPPED_NAMES = tuple(s.name for s in SHIPPED_SETS)


Parsed = tuple[gpd.GeoDataFrame, ValidationReport] | Exception  # a validated layer and its report, or why not


def stamp(path: Path) -> str | None:
    """The file's modification time and size, or None when there is no file."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_mtime_ns:x}-{st.st_size:x}"


class Keeper(Protocol):
    """Where parsed shipped files may be kept between server starts: the edge's choice
    (ui.shipped_cache.DiskKeeper); geo keeps none itself."""

    def get(self, digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
        """The parse kept for the file with this SHA-256, or None."""

    def put(self, digest: str, result: tuple[gpd.GeoDataFrame, ValidationReport]) -> None:
        """Keep a parse of the file with this SHA-256."""

    def parse_apart(self, path: Path, digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
        """Parse the file elsewhere (a child process) and return what was kept, or None to parse here."""


def _release_free_memory() -> None:
    """Hand memory freed after a parse back to the system (Arrow's pool and glibc keep it otherwise)."""
    with contextlib.suppress(ImportError, AttributeError):
        import pyarrow  # its allocator keeps freed pages for the next read otherwise

        pyarrow.default_memory_pool().release_unused()
    give_back_free_pages()


def parse_shipped(path: Path, stamp_now: str, keeper: Keeper | None = None) -> tuple[str, Parsed]:
    """(sha256, (frame, report)) of the file: from the keeper when it holds these bytes, else parsed
    (and handed to the keeper when the file did not change while it was parsed)."""
    # through the loader's checks: a link out of the folder, a pipe or an oversize file is refused, never read
    digest = file_digest(path, path.parent)
    kept = keeper.get(digest) if keeper is not None else None
    if kept is None and keeper is not None:
        kept = keeper.parse_apart(path, digest)
    if kept is not None:
        return digest, kept
    result = load_file(path, INCIDENTS, folder=path.parent)  # a broken file raises its errors here, in this process
    if keeper is not None and stamp(path) == stamp_now:  # unchanged while parsed: these bytes are the ones hashed
        keeper.put(digest, result)
    return digest, result


_FEATURE = b'{"type":"Feature"'  # how a feature line of a built shipped file starts


def _count(path: Path) -> tuple[str, object]:
    """(sha256, feature count or the error met) of a built shipped file, without parsing it."""
    try:
        raw = read_bytes(path, path.parent)
        digest = hashlib.sha256(raw).hexdigest()
        text = gunzip_capped(raw, path.name) if path.name.lower().endswith(GZ_SUFFIX) else raw
        if not (text.startswith(b'{"type":"FeatureCollection"') and text.rstrip().endswith(b"]}")):
            raise ValueError("not a whole feature collection as the build script writes it")  # cut short, say
        rows = sum(1 for line in text.splitlines() if line.startswith(_FEATURE))
    except Exception as exc:  # a broken or refused file: listed with 0 rows, read() raises its errors
        return "", exc
    return digest, rows


class ShippedIncidents:
    """Reads one shipped dataset of the data folder (PKIR_DATA_DIR or geo/data), again when the file changes.

    By default the curated incidents layer; ``kind`` picks another entry of SHIPPED_SETS. A file
    that does not validate raises geo.validation.LayerValidationError from read(); info() still
    describes it (0 rows).
    """

    def __init__(
        self, folder: str | Path | None = None, kind: ShippedSet = SHIPPED_SETS[0], keeper: Keeper | None = None
    ):
        self._folder = Path(folder) if folder is not None else None
        self.kind = kind
        self._keeper = keeper  # where parses are kept between server starts (the edge's choice), or nowhere
        # the file as last read and as last counted: (mtime and size, sha256, (frame, report) / rows / the
        # error met). Held by this reader, which its store holds (the pages' store is cached at the edge).
        self._read: tuple[str, str, Parsed] | None = None
        self._rows: tuple[str, str, object] | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> tuple[str, Parsed] | None:
        """(sha256, (frame, report) or the exception met) for the file as it is now; None when there is none."""
        path, now = self.path, stamp(self.path)
        if now is None:
            return None
        with self._lock:
            if self._read is None or self._read[0] != now:
                try:
                    digest, result = parse_shipped(path, now, self._keeper)
                except Exception as exc:  # a broken or refused shipped file: reported by read(), listed with 0 rows
                    digest, result = "", exc
                _release_free_memory()
                self._read = (now, digest, result)
            return self._read[1], self._read[2]

    def _counted(self) -> tuple[str, object] | None:
        """(sha256, feature count or the error met), without parsing the file; None when there is none."""
        now = stamp(self.path)
        if now is None:
            return None
        with self._lock:
            if self._rows is None or self._rows[0] != now:
                self._rows = (now, *_count(self.path))
            return self._rows[1], self._rows[2]

    @property
    def name(self) -> str:
        """The dataset's name in the store."""
        return self.kind.name

    @property
    def path(self) -> Path:
        """The file read."""
        return (self._folder or data_dir()) / self.kind.file

    def sibling(self, kind: ShippedSet) -> ShippedIncidents:
        """The reader of another shipped dataset of the same data folder."""
        return ShippedIncidents(self._folder, kind, self._keeper)

    def siblings(self) -> dict[str, ShippedIncidents]:
        """The readers of the other shipped datasets of SHIPPED_SETS, by name."""
        return {k.name: self.sibling(k) for k in SHIPPED_SETS if k.name != self.kind.name}

    def info(self) -> DatasetInfo | None:
        """The manifest entry of the shipped file (None when there is no file).

        The curated file is loaded for it; another shipped file is only counted (its features, one a
        line as scripts/build_ucdp_shipped.py writes them), so a server that never shows it never holds it.
        """
        loaded: tuple[str, object] | None = (
            self._loaded() if self.kind.name == SHIPPED or self._held() else self._counted()
        )
        if loaded is None:
            return None
        digest, result = loaded
        rows = result if isinstance(result, int) else len(result[0]) if isinstance(result, tuple) else 0
        k = self.kind
        source = SourceInfo(self.path.name, digest, k.format, rows, rows, 0, k.licence, k.attribution)
        prefix = "shipped-" if k.name == SHIPPED else f"shipped-{k.file.split('.')[0]}-"
        version = prefix + (digest[:16] or "unreadable")
        return DatasetInfo(k.name, source, "", rows, version, read_only=True)

    def _held(self) -> bool:
        """Is this file, as it is now, loaded by this reader already?"""
        return self._read is not None and self._read[0] == stamp(self.path)

    def read(self) -> gpd.GeoDataFrame:
        """The validated shipped incidents (shared between callers: copy before changing)."""
        loaded = self._loaded()
        if loaded is None:
            load_file(self.path, INCIDENTS, folder=self.path.parent)  # raises the loader's "file not found" error
        assert loaded is not None
        _digest, result = loaded
        if isinstance(result, Exception):
            raise result
        return result[0]

    def report(self) -> ValidationReport | None:
        """The shipped file's validation report (notes and warnings), None when it did not load."""
        loaded = self._loaded()
        if loaded is None or isinstance(loaded[1], Exception):
            return None
        return loaded[1][1]


class ShippedOnly(IncidentStore):
    """The shipped dataset alone, standing in for a store that cannot be used: saving and removing say why.

    problem is the one line naming the store's location and what is wrong with it.
    """

    def __init__(self, location: str, problem: str, shipped: ShippedIncidents | None = None):
        super().__init__(shipped if shipped is not None else ShippedIncidents())
        self._location, self.problem = location, problem

    @property
    def location(self) -> str:
        """Where the store that could not be used lives."""
        return self._location

    def _kept_infos(self) -> list[DatasetInfo]:
        return []

    def _read_kept(self, name, flt, bbox, columns) -> gpd.GeoDataFrame:
        raise DatasetNotFound(f"no dataset named '{name}'")

    def _save_kept(self, name, incidents, source, mode) -> SaveReport:
        raise StoreError(self.problem)

    def _remove_kept(self, name) -> None:
        raise StoreError(self.problem)
