"""How the server gives freed memory back: glibc's heap, and Arrow's buffers through it.

glibc puts a block of 128 kB or more on pages of its own, given back when it is freed, but raises
that threshold (up to 32 MB) each time such a block is freed. In a server that filters 100k
incidents, every column of a frame is such a block (800 kB); once the threshold has risen, they
come from the heap, and the heap, fragmented by what stays alive between them, keeps the pages:
about 100 MB after one pass over every page at 100k (bench/README.md, server memory).
Arrow's default pool (mimalloc) keeps freed pages for reuse as well: the load's GeoParquet read and
Streamlit's Arrow messages left about 30 MB more in the server, and 140 MB more at its peak.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools

M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
MMAP_THRESHOLD = 256 * 1024  # blocks of this size or more live on their own pages, whatever was freed before


@functools.cache
def give_back_large_blocks() -> bool:
    """Fix glibc's threshold at MMAP_THRESHOLD and let Arrow allocate through it (once a process);
    False where there is no glibc (Arrow's pool is then left as it is)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        fixed = bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        return False
    if fixed:
        with contextlib.suppress(ImportError):
            import pyarrow

            pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return fixed
