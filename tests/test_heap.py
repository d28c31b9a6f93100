"""ui.heap: large blocks freed by the server go back to the system, whatever was freed before."""

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# 200 blocks of 800 kB (a column of a 100k-row frame) with a small block kept alive after each,
# after one large block was freed (which makes glibc raise its threshold); prints the MB kept.
SCRIPT = """
import sys
from pathlib import Path
import numpy as np
from ui.heap import give_back_large_blocks
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024
if sys.argv[1] == "on":
    assert give_back_large_blocks()
np.ones(1 << 20)
base = rss()
big, pins = [], []
for _ in range(200):
    big.append(np.ones(100_000))
    pins.append(bytes(4000))
del big
print(rss() - base)
"""

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")


def kept_mb(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout)


def test_freed_large_blocks_leave_the_process():
    assert kept_mb("off") > 100  # glibc's own threshold: the freed blocks stay in the heap
    assert kept_mb("on") < 20


def test_arrow_allocates_through_the_same_heap():
    code = (
        "import pyarrow, ui.heap; ui.heap.give_back_large_blocks(); print(pyarrow.default_memory_pool().backend_name)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "system"
