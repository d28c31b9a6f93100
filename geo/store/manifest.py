"""The embedded store's manifest checked field by field, and the names of the files the store writes.

A manifest is read from disk, so anything may be in it: a newer format, a list where an object
belongs, a count of 10**400, a file name pointing out of the workspace. ``check_manifest`` accepts
only what this version writes and names the dataset and the field of the first thing it refuses.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from geo.store.base import StoreError, WorkspaceError, check_name

MANIFEST_FORMAT = 1
MAX_COUNT = 2**53  # any count a JSON reader elsewhere can hold exactly
# a dataset version's file, as EmbeddedStore names it: f"{time_ns:x}-{uuid4 hex[:8]}{suffix}"
VERSION = re.compile(r"[0-9a-f]{1,24}-[0-9a-f]{8}")
VERSION_FILE = re.compile(VERSION.pattern + r"\.(parquet|gpkg)")
TMP_FILE = re.compile(r"\.tmp-[a-z0-9_]{8}(\.parquet|\.gpkg)")  # what write_atomic leaves in datasets/ when killed
MANIFEST_TMP = re.compile(r"\.tmp-[a-z0-9_]{8}\.json")  # and beside the manifest
IN_DATASETS = re.compile(f"{VERSION_FILE.pattern}|{TMP_FILE.pattern}")  # every name the store gives in datasets/

TEXTS = ("imported_at", "version")
SOURCE_TEXTS = ("file_name", "file_hash", "format")
SOURCE_OPTIONAL_TEXTS = ("licence", "attribution")
SOURCE_COUNTS = ("rows_read", "rows_accepted", "rows_rejected")


def _count(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _entry_problem(key: str, entry, suffixes: tuple[str, ...]) -> str:
    """The first thing wrong with one dataset entry (naming the field), or ""."""
    if not isinstance(entry, dict):
        return f"is {type(entry).__name__}, expected an object"
    if entry.get("name") != key:
        return f"field 'name' is {_shown(entry.get('name'))}, expected the dataset's own name"
    for name in TEXTS:
        if not isinstance(entry.get(name), str):
            return f"field '{name}' is {_shown(entry.get(name))}, expected text"
    if not _count(entry.get("rows")):
        return f"field 'rows' is {_shown(entry.get('rows'))}, expected a whole number from 0 to {MAX_COUNT}"
    if type(entry.get("read_only", False)) is not bool:
        return f"field 'read_only' is {_shown(entry.get('read_only'))}, expected true or false"
    history = entry.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        return "field 'history' is not a list of objects"
    source = entry.get("source")
    if not isinstance(source, dict):
        return f"field 'source' is {_shown(source)}, expected an object"
    for name in SOURCE_TEXTS + SOURCE_OPTIONAL_TEXTS:
        if not isinstance(source.get(name, "" if name in SOURCE_OPTIONAL_TEXTS else None), str):
            return f"field 'source.{name}' is {_shown(source.get(name))}, expected text"
    for name in SOURCE_COUNTS:
        if not _count(source.get(name)):
            return f"field 'source.{name}' is {_shown(source.get(name))}, expected a whole number from 0 to {MAX_COUNT}"
    return _file_problem(entry, suffixes)


def _file_problem(entry: dict, suffixes: tuple[str, ...]) -> str:
    """Refuse a 'file' the store would not have written: only datasets/<version><suffix> is one of its own."""
    allowed = [f"datasets/{entry['version']}{suffix}" for suffix in suffixes]
    if not VERSION.fullmatch(entry["version"]):
        return f"field 'version' is {_shown(entry['version'])}, not a version this store writes"
    if entry.get("file") not in allowed:
        return (
            f"field 'file' is {_shown(entry.get('file'))}, not a file this store writes "
            f"(expected {' or '.join(allowed)}): refused"
        )
    return ""


def _name_problem(key: str) -> str:
    try:
        kept = check_name(key)
    except StoreError as exc:
        return str(exc)
    return "" if kept == key else "is not a name as the store keeps it (surrounding spaces, or not in NFC form)"


def check_manifest(doc: dict, path: str, suffixes: tuple[str, ...]) -> dict:
    """doc, when it is a manifest this version of the store wrote; else WorkspaceError naming the problem."""
    fmt = doc.get("format", MANIFEST_FORMAT)
    if type(fmt) is int and fmt > MANIFEST_FORMAT:
        raise WorkspaceError(f"{path} was written by a newer version of the app (format {fmt})")
    if type(fmt) is not int or fmt != MANIFEST_FORMAT:
        raise WorkspaceError(f"{path}: field 'format' is {_shown(fmt)}, expected {MANIFEST_FORMAT}")
    datasets = doc.setdefault("datasets", {})
    if not isinstance(datasets, dict):
        raise WorkspaceError(f"{path}: field 'datasets' is {type(datasets).__name__}, expected an object")
    for key, entry in datasets.items():
        problem = _name_problem(key) or _entry_problem(key, entry, suffixes)
        if problem:
            raise WorkspaceError(f"{path}: dataset {key!r}: {problem}")
    return doc


def tidy(folder: Path, names: re.Pattern, keep: set[str]) -> None:
    """Delete the regular files in folder whose whole name matches names (the store's own), except keep.

    Links, folders and every other name stay. The folder is opened once, without following a link,
    and everything is done relative to that handle, so swapping it for a link midway changes nothing.
    """
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    where: Path | int  # the folder's path, or its handle
    if os.unlink not in os.supports_dir_fd or os.scandir not in os.supports_fd:  # not POSIX: by path
        fd, where = None, folder
    else:
        try:
            fd = os.open(folder, flags)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise WorkspaceError(f"{folder} cannot be opened as a folder ({exc.strerror or exc})") from exc
        where = fd
    try:
        for entry in list(os.scandir(where)):
            if entry.name in keep or not names.fullmatch(entry.name):
                continue
            try:
                if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                    os.unlink(entry.name if fd is not None else entry.path, dir_fd=fd)
            except FileNotFoundError:
                continue
    finally:
        if fd is not None:
            os.close(fd)
