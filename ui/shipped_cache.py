"""The edge's disk cache of parsed shipped files: a large GeoJSON of the data folder is parsed once
and kept as GeoParquet in the workspace (WORKSPACE/cache/shipped-<key>.parquet and .json, the key a
hash of the file's bytes, the cache format and the schema's fields), so the next server start reads
it in a fraction of the time and without the parser's memory peak.

geo/ keeps no cache: geo.store.shipped.ShippedIncidents takes this keeper from the edge (ui.datasets).
A changed file has another hash, so an entry never serves a stale file; team mode keeps nothing on
disk. An entry is read only when its files are this user's own regular files that nobody else may
write, and the Parquet file's bytes have the SHA-256 its report names: anything else (a planted or
damaged entry) is parsed again from the file. A file of CHILD_PARSE_BYTES or more is parsed in a
child process that writes the entry, so the parser's peak is the child's, not the server's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.files import write_atomic
from geo.incidents.codec import decode_json_column
from geo.loading import share_texts_in, shared_texts
from geo.schema import INCIDENTS
from geo.settings import settings
from geo.store import formats
from geo.store.base import StoreError, file_sha256
from geo.store.shipped import Parsed, parse_shipped, stamp
from geo.store.workspace import STATIC as STATIC  # tests name the served folder through this module
from geo.store.workspace import default_workspace, forbidden_place, open_beside, real_folder, write_json
from geo.validation import ValidationReport

CACHE_FORMAT = 2  # 2: the report names the Parquet file's SHA-256
CACHE_FOLDER = "cache"
KEEP_ENTRIES = 6  # data folders used in turn with one workspace (tests, a bench) each keep theirs (two files each)
# a file this large is parsed in a child process that writes the entry: the parser's peak (several
# times the file's size) is then the child's, and the server only ever holds the compact frame
CHILD_PARSE_BYTES = 16 * 2**20
CHILD_TIMEOUT_S = 900
_ROOT = Path(__file__).resolve().parents[1]
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
    """The entry's name: the file's hash with the cache format and the schema's fields."""
    fields = ",".join(f"{f.name}:{f.kind}" for f in INCIDENTS.fields)
    return hashlib.sha256(f"{digest}|{CACHE_FORMAT}|{fields}".encode()).hexdigest()[:32]


def _stored_kind(col: pd.Series) -> str:
    """How a column is kept: "text" (texts and None), "json" (lists, dicts, mixed values) or "typed"."""
    if col.dtype != object:
        return "typed"
    return "text" if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty") else "json"


def _read_entry(digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
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


def _drop_old_entries(folder: Path) -> None:
    """Remove all but the KEEP_ENTRIES most recently written entries."""
    entries = sorted(folder.glob("shipped-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        old.unlink(missing_ok=True)  # the report first: an entry without it is never read
        old.with_suffix(".parquet").unlink(missing_ok=True)


def _write_entry(digest: str, result: tuple[gpd.GeoDataFrame, ValidationReport]) -> None:
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


def _parse_in_child(path: Path) -> None:
    """Parse and keep the file in a child process; any failure there is left to the parse here."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            [sys.executable, "-m", "ui.shipped_cache", str(path)],
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


class DiskKeeper:
    """Keeps parsed shipped files in the workspace's cache folder (geo.store.shipped.Keeper)."""

    def __init__(self, child: bool = True):
        self.child = child  # parse a large file in a child process

    def get(self, digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
        """The entry for this file's hash; None when there is none or it cannot be trusted."""
        try:
            return _read_entry(digest)
        except Exception:  # a damaged entry: parse the file again, which rewrites the entry
            return None

    def put(self, digest: str, result: tuple[gpd.GeoDataFrame, ValidationReport]) -> None:
        """Keep a parse for the next start."""
        _write_entry(digest, result)

    def parse_apart(self, path: Path, digest: str) -> tuple[gpd.GeoDataFrame, ValidationReport] | None:
        """For a large file: parse it in a child process and read what the child kept."""
        if not self.child or _size(path) < CHILD_PARSE_BYTES or cache_dir() is None:
            return None
        _parse_in_child(path)
        return self.get(digest)


def parse_and_keep(path: Path) -> Parsed:
    """Parse a shipped file and keep the result (the child's whole work)."""
    return parse_shipped(path, stamp(path) or "", DiskKeeper(child=False))[1]


if __name__ == "__main__":  # the child of _parse_in_child: python -m ui.shipped_cache FILE
    parse_and_keep(Path(sys.argv[1]))
