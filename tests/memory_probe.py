"""The server's memory after visiting every page, for the memory test (issue 22), in a process of its own.

python -m tests.memory_probe build WORKSPACE N   keep N incidents (the curated events copied) there, chosen
python -m tests.memory_probe visit WORKSPACE     run every page once (AppTest) and print
                                                 {"rss_mb": ..., "peak_mb": ...} as JSON
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def build(folder: Path, n: int) -> None:
    """Keep n incidents in the workspace at folder and choose them."""
    from bench.bench_million import million
    from geo.loading import load_layer
    from geo.store import open_store
    from geo.store.base import SourceInfo

    frame = million(load_layer("incidents")[0], n, seed=22)
    open_store(str(folder)).save("kept", frame, SourceInfo("kept.geojson", "synthetic", "test", n, n, 0))
    (folder / "choice.json").write_text(json.dumps({"shown": ["kept"]}))


def visit(folder: Path) -> dict:
    """Every page once, as a reader going through them one after the other; the process's memory
    after (and at its peak)."""
    os.environ["PKIR_WORKSPACE"] = str(folder)
    os.environ.pop("PKIR_DATABASE_URL", None)
    from geo import settings

    settings.reload()
    from tests.app_helpers import PAGES, open_page

    at = open_page(PAGES[0], timeout=300)
    for page in PAGES[1:]:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
    del at
    gc.collect()
    return {"rss_mb": round(_status_mb("VmRSS"), 1), "peak_mb": round(_status_mb("VmHWM"), 1)}


if __name__ == "__main__":
    command, where = sys.argv[1], Path(sys.argv[2])
    if command == "build":
        build(where, int(sys.argv[3]))
    else:
        print(json.dumps(visit(where)))
