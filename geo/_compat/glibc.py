"""glibc heap settings (the one place this project calls glibc; no-ops without glibc): for an import's
parse of a large file, and to hand freed pages back after a shipped file is parsed."""

from __future__ import annotations

import contextlib
import ctypes

import pyarrow as pa


def give_back_free_pages() -> None:
    """Ask glibc to return the free pages inside its heap: each part's rows, once compact, leave
    their Python objects' pages free between the parts' Arrow buffers (a no-op without glibc)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
MMAP_THRESHOLD = 256 * 1024  # blocks of this size or more live on their own pages, whatever was freed before


def large_blocks_on_their_own_pages() -> bool:
    """For a parse of a large file (set by each import; setting it again changes nothing): glibc
    raises its mmap threshold each time a large block is freed, after which a part's columns come
    from the heap and stay there; fixing it at MMAP_THRESHOLD and letting Arrow allocate through
    glibc keeps an import's peak near 3x the file (tests/importers/test_import_memory.py). False
    where there is no glibc."""
    try:
        fixed = bool(ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        return False
    if fixed:
        pa.set_memory_pool(pa.system_memory_pool())
    return fixed
