"""The shipped curated incidents (GeoJSON in git) as the read-only dataset "shipped"."""

from __future__ import annotations

import threading
from pathlib import Path

import geopandas as gpd

from geo.catalog import LAYERS, data_dir
from geo.loading import load_layer
from geo.store.base import SHIPPED, DatasetInfo, SourceInfo, file_sha256
from geo.validation import ValidationReport

LICENCE = "CC BY 4.0 (this project's compilation; facts cite their sources)"
ATTRIBUTION = "Pakistan–Iran border dashboard, curated events; each event cites its sources"

_LOCK = threading.Lock()
# path -> (mtime and size, sha256, (frame, report) or the error it raised): one entry per file, shared by every store
_CACHE: dict[str, tuple[str, str, object]] = {}


def _stamp(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_mtime_ns:x}-{st.st_size:x}"


def _loaded(path: Path) -> tuple[str, object] | None:
    """(sha256, frame or exception) for the file as it is now; None when there is no file."""
    stamp = _stamp(path)
    if stamp is None:
        return None
    key = str(path)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1], hit[2]
    digest = file_sha256(path)
    try:
        result: object = load_layer("incidents", path.parent)
    except Exception as exc:  # a broken shipped file: reported by read(), listed with 0 rows
        result = exc
    with _LOCK:
        _CACHE[key] = (stamp, digest, result)
    return digest, result


class ShippedIncidents:
    """Reads the incidents layer of the data folder (PKIR_DATA_DIR or geo/data), again when the file changes.

    A file that does not validate raises geo.validation.LayerValidationError from read(); info()
    still describes it (0 rows).
    """

    def __init__(self, folder: str | Path | None = None):
        self._folder = Path(folder) if folder is not None else None

    @property
    def path(self) -> Path:
        """The GeoJSON file read."""
        return (self._folder or data_dir()) / LAYERS["incidents"].file

    def info(self) -> DatasetInfo | None:
        """The manifest entry of the shipped file (None when there is no file)."""
        loaded = _loaded(self.path)
        if loaded is None:
            return None
        digest, result = loaded
        rows = 0 if isinstance(result, Exception) else len(result[0])
        source = SourceInfo(self.path.name, digest, "GeoJSON (shipped)", rows, rows, 0, LICENCE, ATTRIBUTION)
        return DatasetInfo(SHIPPED, source, "", rows, "shipped-" + digest[:16], read_only=True)

    def read(self) -> gpd.GeoDataFrame:
        """The validated shipped incidents (shared between callers: copy before changing)."""
        loaded = _loaded(self.path)
        if loaded is None:
            load_layer("incidents", self.path.parent)  # raises the loader's "file not found" error
        _digest, result = loaded
        if isinstance(result, Exception):
            raise result
        return result[0]

    def report(self) -> ValidationReport | None:
        """The shipped file's validation report (notes and warnings), None when it did not load."""
        loaded = _loaded(self.path)
        if loaded is None or isinstance(loaded[1], Exception):
            return None
        return loaded[1][1]
