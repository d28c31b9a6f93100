"""Writing a file so that a reader never sees half of it: the one atomic write of the project."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP_PREFIX = ".tmp-"  # a temporary file's name: .tmp-XXXXXXXX + the target's suffix (geo.store.manifest cleans them)


def write_atomic(
    path: str | Path, data: str | bytes | Callable[[Path], object], mode: int = 0o644, suffix: str = ""
) -> None:
    """Write data to a temporary file beside path, fsync it, rename it over path, fsync the folder.

    data: text (written as UTF-8), bytes, or a function that writes the temporary file given its
    path (a Parquet or GeoPackage writer). Whatever happens before the rename, path keeps its
    previous content and no temporary file is left (a crash leaves at most one, which the store's
    next writer removes); a symlink at path is replaced by a plain file.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        if callable(data):
            data(tmp)
        else:
            tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside folder durable (POSIX; Windows cannot open a folder for this)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
