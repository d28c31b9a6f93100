"""A writer process for the PostGIS transaction tests: save a GeoJSON file into a store.

    python -m tests.store._pg_writer URL NAME FILE [--hang-after-copy]

With --hang-after-copy it prints "copied" once the rows are in the open transaction, then waits
to be killed (the test kills it there).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from geo.store import open_store, postgis
from tests.store.conftest import load_incidents


def main(argv: list[str]) -> int:
    url, name, path = argv[:3]
    if "--hang-after-copy" in argv:
        copy = postgis.PostgisStore._copy

        def copy_then_hang(self, *args):
            copy(self, *args)
            print("copied", flush=True)
            time.sleep(300)

        postgis.PostgisStore._copy = copy_then_hang
    gdf, source = load_incidents(Path(path))
    print(open_store(url).save(name, gdf, source).summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
