"""The workspace folder and the file habits that keep it whole: atomic replace, fsync, one lock.

PKIR_WORKSPACE names the folder; without it, the user's data directory (platformdirs:
~/.local/share/pkir-dashboard on Linux, or under XDG_DATA_HOME when that is set).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from geo.files import write_atomic
from geo.settings import APP_NAME as APP_NAME
from geo.settings import WORKSPACE_ENV as WORKSPACE_ENV
from geo.settings import settings
from geo.store.base import LockTimeout, WorkspaceError

if sys.platform != "win32":
    import fcntl
else:  # Windows: byte-range locks instead (not exercised by the tests, which run on Linux)
    import msvcrt

REPO_GEO = Path(__file__).resolve().parents[1]  # the shipped package (geo/): never a workspace
STATIC = REPO_GEO.parent / "static"  # served to anyone at /app/static/: never a workspace or a cache
NOT_A_WORKSPACE = {REPO_GEO: "the shipped data package", STATIC: "the folder the server serves to anyone (static/)"}
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def forbidden_place(folder: Path) -> str:
    """What folder (resolved) lies inside that must never hold kept or cached rows, or ""."""
    for top, what in NOT_A_WORKSPACE.items():
        if folder == top or top in folder.parents:
            return what
    return ""


def real_folder(path: Path, label: str) -> None:
    """Refuse path unless it is a folder itself (not a link to one), naming it; a missing path passes."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WorkspaceError(f"{label} {path} cannot be read ({exc.strerror or exc})") from exc
    if stat.S_ISLNK(info.st_mode):
        raise WorkspaceError(f"{label} {path} is a link; the workspace holds no links")
    if not stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(f"{label} {path} is not a folder")


def default_workspace() -> Path:
    """PKIR_WORKSPACE when set, else this app's folder in the user's data directory."""
    return settings().workspace


def prepare(folder: Path) -> Path:
    """Create the workspace and its datasets/ folder; WorkspaceError when it cannot be one.

    Refused: a folder inside the shipped geo/ package (kept rows are never shipped) or inside
    static/ (served to anyone), a workspace that is not a folder, a datasets/ that is a link.
    A ``.gitignore`` of ``*`` keeps its files out of any git repository it happens to sit in.
    """
    folder = folder.expanduser().resolve()
    place = forbidden_place(folder)
    if place:
        raise WorkspaceError(f"workspace {folder} is inside {place}; choose a folder outside it")
    real_folder(folder, "workspace")
    if folder.exists() and not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise WorkspaceError(f"workspace {folder} cannot be read and written by this user (check its permissions)")
    real_folder(folder / "datasets", "the workspace's datasets folder")
    try:
        (folder / "datasets").mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not os.path.lexists(ignore):
            write_atomic(ignore, lambda p: p.write_text("# kept datasets are the user's own: never commit them\n*\n"))
    except OSError as exc:
        raise WorkspaceError(f"workspace {folder} cannot be used ({exc.strerror or exc})") from exc
    return folder


def open_beside(path: Path, flags: int = os.O_RDONLY, create: bool = False) -> int:
    """A descriptor of the regular file at path, never through a link; WorkspaceError otherwise.

    FileNotFoundError passes through (a missing file is for the caller to decide about).
    """
    flags |= NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o644)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if os.path.islink(path):
            raise WorkspaceError(f"{path} is a link; the workspace holds no links") from exc
        if os.path.isdir(path):
            raise WorkspaceError(f"{path} is a folder, not a file") from exc
        raise WorkspaceError(f"{path} cannot be opened ({exc.strerror or exc})") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise WorkspaceError(f"{path} is {'a folder, not a file' if stat.S_ISDIR(mode) else 'not a regular file'}")
    return fd


def world_writable(folder: Path) -> str:
    """A warning when others may write into the workspace (they could plant or replace its files), else ""."""
    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return ""
    if mode & stat.S_IWOTH:
        return f"workspace {folder} can be written by every user of this computer: anyone could change its datasets"
    return ""


def write_json(target: Path, doc: dict) -> None:
    """A JSON document, written atomically."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(target, lambda p: p.write_text(text, encoding="utf-8"))


def read_json(path: Path, default: dict) -> dict:
    """A JSON document, or default when there is none yet; a link, a folder or a device is refused."""
    try:
        fd = open_beside(path)
    except FileNotFoundError:
        return default
    try:
        with os.fdopen(fd, "rb") as fh:
            text = fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from exc
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return doc


LOCK_TIMEOUT_S = 20.0


def _try_lock(fh) -> bool:
    """Take the lock without waiting; False when another writer holds it."""
    try:
        if sys.platform != "win32":
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _only_mine(fd: int) -> None:
    """Make a file of this user's readable and writable by this user alone (POSIX; elsewhere a no-op)."""
    if hasattr(os, "fchmod") and hasattr(os, "geteuid") and os.fstat(fd).st_uid == os.geteuid():
        os.fchmod(fd, 0o600)


def _unlock(fh) -> None:
    if sys.platform != "win32":
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    else:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


@contextlib.contextmanager
def locked(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace's exclusive write lock (.lock); the system releases it if the process dies.

    Waits for another writer at most timeout seconds (LOCK_TIMEOUT_S), then raises LockTimeout.
    A .lock that is a link or not a regular file is refused (WorkspaceError), never followed.
    """
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    with os.fdopen(open_beside(folder / ".lock", os.O_RDWR, create=True), "r+b") as fh:
        _only_mine(fh.fileno())  # another user who can open the lock file can hold every writer off
        deadline = time.monotonic() + timeout
        while not _try_lock(fh):
            if time.monotonic() > deadline:
                raise LockTimeout(
                    f"workspace {folder}: another writer has held the workspace lock for {timeout:.0f} s; "
                    "nothing was changed, try again later"
                )
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fh)
