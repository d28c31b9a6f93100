"""The workspace folder and the file habits that keep it whole: atomic replace, fsync, one lock.

PKIR_WORKSPACE names the folder; without it, the user's data directory (platformdirs:
~/.local/share/pkir-dashboard on Linux, or under XDG_DATA_HOME when that is set).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs

try:
    import fcntl
except ImportError:  # Windows: byte-range locks instead (not exercised by the tests, which run on Linux)
    fcntl = None
    import msvcrt

WORKSPACE_ENV = "PKIR_WORKSPACE"
APP_NAME = "pkir-dashboard"
REPO_GEO = Path(__file__).resolve().parents[1]  # the shipped package (geo/): never a workspace
TMP_PREFIX = ".tmp-"


def default_workspace() -> Path:
    """PKIR_WORKSPACE when set, else this app's folder in the user's data directory."""
    configured = os.environ.get(WORKSPACE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def prepare(folder: Path) -> Path:
    """Create the workspace; refuse a folder inside the shipped geo/ package (kept rows are never shipped).

    A ``.gitignore`` of ``*`` keeps its files out of any git repository it happens to sit in.
    """
    folder = folder.expanduser().resolve()
    if folder == REPO_GEO or REPO_GEO in folder.parents:
        raise ValueError(f"workspace {folder} is inside the shipped data package; choose a folder outside it")
    (folder / "datasets").mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        write_atomic(ignore, lambda p: p.write_text("# kept datasets are the user's own: never commit them\n*\n"))
    return folder


def fsync_dir(folder: Path) -> None:
    """Make a rename inside folder durable (POSIX; Windows cannot open a folder for this)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(target: Path, write: Callable[[Path], object], suffix: str = "") -> None:
    """write(tmp) into a temporary file beside target, fsync it, rename it over target, fsync the folder.

    Whatever happens before the rename, target keeps its previous content; a crash leaves at most
    a ``.tmp-*`` file, which the next writer removes.
    """
    fd, name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=suffix or target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def write_json(target: Path, doc: dict) -> None:
    """A JSON document, written atomically."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(target, lambda p: p.write_text(text, encoding="utf-8"))


def read_json(path: Path, default: dict) -> dict:
    """A JSON document, or default when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return doc


LOCK_TIMEOUT_S = 300.0


def _try_lock(fh) -> bool:
    """Take the lock without waiting; False when another writer holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fh) -> None:
    if fcntl is not None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    else:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


@contextlib.contextmanager
def locked(folder: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the workspace's exclusive write lock (.lock); the system releases it if the process dies.

    Waits for another writer at most timeout seconds, then raises TimeoutError.
    """
    with open(folder / ".lock", "a+b") as fh:
        deadline = time.monotonic() + timeout
        while not _try_lock(fh):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{folder}: another writer has held the workspace lock for {timeout:.0f} s")
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fh)
