"""The shipped datasets (files in git): the curated incidents, the read-only dataset "shipped", and
the others of SHIPPED_SETS (UCDP GED events for Pakistan and Iran, built by scripts/build_ucdp_shipped.py).

The first load of a file parses and validates the GeoJSON and keeps the result as GeoParquet in
the workspace (WORKSPACE/cache/shipped-<key>.parquet and .json, the key a hash of the file's bytes
and of the cache format), so the next server start reads it in a fraction of the time and without
the parser's memory peak. A changed file has another hash, so a cache never serves a stale file;
team mode (PKIR_DATABASE_URL) keeps nothing on disk. An entry is read only when its files are
this user's own regular files that nobody else may write, and the Parquet file's bytes have the
SHA-256 its report names: anything else (a planted or damaged entry) is parsed again from the file.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.catalog import LAYERS, data_dir
from geo.files import write_atomic
from geo.incidents.codec import decode_json_column
from geo.loading import GZ_SUFFIX, file_digest, gunzip_capped, load_file, read_bytes, share_texts_in, shared_texts
from geo.schema import INCIDENTS
from geo.settings import settings
from geo.store import formats
from geo.store.base import (
    SHIPPED,
    DatasetInfo,
    DatasetNotFound,
    IncidentStore,
    SaveReport,
    SourceInfo,
    StoreError,
    file_sha256,
)
from geo.store.workspace import STATIC as _STATIC  # noqa: F401 (tests name the served folder through this module)
from geo.store.workspace import default_workspace, forbidden_place, open_beside, real_folder, write_json
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


def _stamp(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_mtime_ns:x}-{st.st_size:x}"


CACHE_FORMAT = 2  # 2: the report names the Parquet file's SHA-256
CACHE_FOLDER = "cache"


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def cache_dir() -> Path | None:
    """Where parsed shipped files are kept: the workspace's cache folder.

    None in team mode, for a workspace under static/ (served to anyone) or geo/ (shipped), and
    when the cache folder is a link or can be written by others.
    """
    if settings().team_mode:
        return None
    workspace = default_workspace().expanduser().resolve()
    folder = workspace / CACHE_FOLDER
    if forbidden_place(folder):
        return None
    try:
        real_folder(folder, "the shipped cache folder")
    except StoreError:
        return None
    return folder if not _others_may_change(folder) else None


def _others_may_change(path: Path) -> bool:
    """Can anyone but this user change path (another owner, or group/other write permission)?"""
    try:
        info = os.lstat(path)
    except OSError:
        return False  # not there yet: it is made by this user
    foreign = hasattr(os, "geteuid") and info.st_uid != os.geteuid()
    return foreign or bool(info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _own_bytes(path: Path) -> bytes:
    """The bytes of a regular file of this user's that nobody else may write (OSError otherwise)."""
    with os.fdopen(open_beside(path), "rb") as fh:
        info = os.fstat(fh.fileno())
        if (hasattr(os, "geteuid") and info.st_uid != os.geteuid()) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise PermissionError(f"{path} may be changed by another user")
        return fh.read()


def cache_key(digest: str) -> str:
    """The cache entry's name: the file's hash with the cache format and the schema's fields."""
    fields = ",".join(f"{f.name}:{f.kind}" for f in INCIDENTS.fields)
    return hashlib.sha256(f"{digest}|{CACHE_FORMAT}|{fields}".encode()).hexdigest()[:32]


def _release_free_memory() -> None:
    """Hand memory freed after a load back to the system (Arrow's pool and glibc keep it otherwise)."""
    with contextlib.suppress(ImportError, AttributeError):
        import pyarrow  # its allocator keeps freed pages for the next read otherwise

        pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _stored_kind(col: pd.Series) -> str:
    """How a column is kept: "text" (texts and None), "json" (lists, dicts, mixed values) or "typed"."""
    if col.dtype != object:
        return "typed"
    return "text" if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty") else "json"


def _from_cache(digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
    """The frame and report kept for this file's hash, or None (no entry, unreadable entry)."""
    folder = cache_dir()
    if folder is None:
        return None
    name = f"shipped-{cache_key(digest)}"
    try:
        doc = json.loads(_own_bytes(folder / f"{name}.json").decode("utf-8"))
        if doc.get("digest") != digest:
            return None
        report = ValidationReport(**doc["report"])
        kinds = dict(doc["columns"])
        content = _own_bytes(folder / f"{name}.parquet")
        if hashlib.sha256(content).hexdigest() != doc.get("content"):
            return None  # not the bytes this entry was written with: planted or damaged
        flat = gpd.read_parquet(io.BytesIO(content))
        del content
        if list(flat.columns) != [*kinds, flat.geometry.name]:
            return None
    except (OSError, ValueError, KeyError, TypeError, StoreError):
        return None
    columns = {}
    for column, kind in kinds.items():  # one column at a time: a small peak
        col = flat[column]
        if kind == "text":  # straight from Arrow, one object per distinct text
            columns[column] = shared_texts(col)
        elif kind == "json":
            values = decode_json_column(col).tolist()
            memo: dict = {}
            columns[column] = pd.Series([share_texts_in(v, memo) for v in values], index=col.index, dtype=object)
        else:
            columns[column] = col
        del flat[column]
    frame = gpd.GeoDataFrame(columns, index=flat.index, geometry=flat.geometry.values, crs=flat.crs)
    if frame.geometry.name != flat.geometry.name:
        frame = frame.rename_geometry(flat.geometry.name)
    return frame, report


KEEP_ENTRIES = 6  # data folders used in turn with one workspace (tests, a bench) each keep theirs (two files each)


def _drop_old_entries(folder: Path) -> None:
    """Remove all but the KEEP_ENTRIES most recently written entries."""
    entries = sorted(folder.glob("shipped-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        old.unlink(missing_ok=True)  # the report first: an entry without it is never read
        old.with_suffix(".parquet").unlink(missing_ok=True)


def _to_cache(digest: str, result: tuple[gpd.GeoDataFrame, ValidationReport]) -> None:
    """Keep a loaded file for the next start; a folder that cannot be written only costs the next start time."""
    folder = cache_dir()
    if folder is None:
        return
    name = f"shipped-{cache_key(digest)}"
    frame, report = result
    geometry = frame.geometry.name
    kinds = {c: _stored_kind(frame[c]) for c in frame.columns if c != geometry}
    try:
        folder.mkdir(mode=0o755, parents=True, exist_ok=True)  # nobody else may write it, whatever the umask
        stored = frame.copy()
        for column, kind in kinds.items():
            if kind == "json":
                stored[column] = pd.Series(
                    [None if v is None else _ENCODE(v) for v in frame[column]], index=frame.index, dtype=object
                )
        write_atomic(folder / f"{name}.parquet", lambda tmp: formats.BACKENDS["parquet"].write(stored, tmp))
        content = file_sha256(folder / f"{name}.parquet")
        doc = {
            "digest": digest,
            "content": content,
            "columns": list(kinds.items()),
            "report": dataclasses.asdict(report),
        }
        write_json(folder / f"{name}.json", doc)
        _drop_old_entries(folder)
    except (OSError, ValueError, TypeError, StoreError):
        pass


# a file this large is parsed in a child process that writes the cache: the parser's peak (several
# times the file's size) is then the child's, and the server only ever holds the compact frame
CHILD_PARSE_BYTES = 16 * 2**20
CHILD_TIMEOUT_S = 900
_ROOT = Path(__file__).resolve().parents[2]


def _cached(digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
    try:
        return _from_cache(digest)
    except Exception:  # a damaged entry: parse the file again, which rewrites the entry
        return None


def _parse_in_child(path: Path) -> None:
    """Parse and cache the file in a child process; any failure there is left to the parse here."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            [sys.executable, "-m", "geo.store.shipped", str(path)],
            cwd=_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _parsed(path: Path, stamp: str, child: bool = True) -> tuple[str, Parsed]:
    """(sha256, (frame, report)) of the file, from the cache when it holds these bytes."""
    # through the loader's checks: a link out of the folder, a pipe or an oversize file is refused, never read
    digest = file_digest(path, path.parent)
    cached = _cached(digest)
    if cached is None and child and _size(path) >= CHILD_PARSE_BYTES and cache_dir() is not None:
        _parse_in_child(path)
        cached = _cached(digest)
    if cached is not None:
        return digest, cached
    result = load_file(path, INCIDENTS, folder=path.parent)  # a broken file raises its errors here, in this process
    if _stamp(path) == stamp:  # unchanged while it was parsed: these bytes are the ones hashed
        _to_cache(digest, result)
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

    def __init__(self, folder: str | Path | None = None, kind: ShippedSet = SHIPPED_SETS[0]):
        self._folder = Path(folder) if folder is not None else None
        self.kind = kind
        # the file as last read and as last counted: (mtime and size, sha256, (frame, report) / rows / the
        # error met). Held by this reader, which its store holds (the pages' store is cached at the edge).
        self._read: tuple[str, str, Parsed] | None = None
        self._rows: tuple[str, str, object] | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> tuple[str, Parsed] | None:
        """(sha256, (frame, report) or the exception met) for the file as it is now; None when there is none."""
        path, stamp = self.path, _stamp(self.path)
        if stamp is None:
            return None
        with self._lock:
            if self._read is None or self._read[0] != stamp:
                try:
                    digest, result = _parsed(path, stamp)
                except Exception as exc:  # a broken or refused shipped file: reported by read(), listed with 0 rows
                    digest, result = "", exc
                _release_free_memory()
                self._read = (stamp, digest, result)
            return self._read[1], self._read[2]

    def _counted(self) -> tuple[str, object] | None:
        """(sha256, feature count or the error met), without parsing the file; None when there is none."""
        stamp = _stamp(self.path)
        if stamp is None:
            return None
        with self._lock:
            if self._rows is None or self._rows[0] != stamp:
                self._rows = (stamp, *_count(self.path))
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
        return ShippedIncidents(self._folder, kind)

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
        return self._read is not None and self._read[0] == _stamp(self.path)

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


if __name__ == "__main__":  # the child of _parse_in_child: python -m geo.store.shipped FILE
    target = Path(sys.argv[1])
    _parsed(target, _stamp(target) or "", child=False)
