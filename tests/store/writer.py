"""A store writer in its own process, for the kill and concurrency tests.

    python -m tests.store.writer LOCATION NAME --n 300 [--seed 0] [--prefix A] [--mode replace]
        [--go FILE] [--die-at STAGE]

--go waits (bounded) until FILE exists, so several writers start together. --die-at kills this
process with SIGKILL at a stage of an embedded save (see STAGES), the way a power cut or the OOM
killer would.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd

from bench.synthetic import make_incidents
from geo.loading import read_geojson
from geo.schema import INCIDENTS
from geo.store import open_store
from geo.store.base import SourceInfo
from geo.validation import validate

STAGES = ("data-partial", "data-before-rename", "manifest-partial", "manifest-before-rename", "after-manifest")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def frame(n: int, seed: int, prefix: str) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.geojson"
        path.write_text(json.dumps(make_incidents(n, seed)), encoding="utf-8")
        gdf, _ = validate(read_geojson(path), INCIDENTS, path.name)
    if prefix:
        gdf["id"] = prefix + "-" + gdf["id"]
    return gdf


def arm(stage: str, store) -> None:
    """Patch the embedded store so that this process dies at stage."""
    real_replace, real_write_text, real_unlink = os.replace, Path.write_text, Path.unlink
    if stage == "data-partial":
        backend = store.backend

        def write(flat, path):
            backend.write(flat, path)
            with open(path, "r+b") as fh:
                fh.truncate(path.stat().st_size // 2)
            die()

        store.backend = replace(backend, write=write)
    elif stage in ("data-before-rename", "manifest-before-rename"):
        target = "manifest.json" if stage.startswith("manifest") else store.backend.suffix

        def replace_file(src, dst, *a, **kw):
            if str(dst).endswith(target):
                die()
            return real_replace(src, dst, *a, **kw)

        os.replace = replace_file
    elif stage == "manifest-partial":

        def write_text(self, text, *a, **kw):
            if '"datasets"' in text:
                real_write_text(self, text[: len(text) // 2], *a, **kw)
                die()
            return real_write_text(self, text, *a, **kw)

        Path.write_text = write_text
    elif stage == "after-manifest":  # the first deletion is the old version's, after the manifest
        real_os_unlink = os.unlink

        def unlink(self, *a, **kw):
            die()
            return real_unlink(self, *a, **kw)

        def os_unlink(path, *a, **kw):  # the store deletes relative to the folder's handle
            die()
            return real_os_unlink(path, *a, **kw)

        Path.unlink = unlink
        os.unlink = os_unlink


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("location")
    ap.add_argument("name")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--mode", default="replace")
    ap.add_argument("--go", type=Path)
    ap.add_argument("--die-at", choices=STAGES)
    args = ap.parse_args(argv)
    gdf = frame(args.n, args.seed, args.prefix)
    source = SourceInfo(
        f"{args.name}-{args.seed}-{args.prefix}.geojson",
        f"{args.seed}-{args.prefix}-{args.n}",
        "GeoJSON",
        len(gdf),
        len(gdf),
        0,
    )
    store = open_store(args.location)
    if args.die_at:
        arm(args.die_at, store)
    if args.go is not None:
        deadline = time.monotonic() + 60
        while not args.go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    report = store.save(args.name, gdf, source, mode=args.mode)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
