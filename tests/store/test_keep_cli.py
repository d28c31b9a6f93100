"""`python -m scripts.import_events FILE --keep NAME`: an ACLED export kept, then a newer export of it."""

from __future__ import annotations

import csv

from geo.store.embedded import EmbeddedStore
from geo.store.shipped import SHIPPED_NAMES
from geo.store.workspace import WORKSPACE_ENV
from scripts.import_events import main
from tests.app_helpers import ROOT

ACLED = ROOT / "tests" / "data" / "import" / "acled_new.csv"


def newer_export(path, out):
    """The next export: one event's toll revised, one event withdrawn, one new event."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    rows[0]["fatalities"] = str(int(rows[0]["fatalities"]) + 2)
    withdrawn = rows.pop(1)["event_id_cnty"]
    rows.append(dict(rows[0], event_id_cnty="PAK99999", notes="A new event."))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)
    return withdrawn


def test_keep_saves_updates_by_event_id_and_skips_the_same_file(tmp_path, settings_env, capsys):
    settings_env.setenv(WORKSPACE_ENV, str(tmp_path / "ws"))
    assert main([str(ACLED), "--keep", "ACLED PAK"]) == 0
    assert "kept: ACLED PAK: 3 added, 0 changed, 0 removed" in capsys.readouterr().out
    store = EmbeddedStore(tmp_path / "ws")
    info = store.info("ACLED PAK")
    assert (info.source.file_name, info.source.format, info.rows) == (ACLED.name, "ACLED", 3)
    assert (info.source.rows_read, info.source.rows_rejected) == (6, 3)
    assert "not for redistribution" in info.source.licence

    assert main([str(ACLED), "--keep", "ACLED PAK"]) == 0
    assert "nothing changed" in capsys.readouterr().out

    newer = tmp_path / "acled_newer.csv"
    withdrawn = newer_export(ACLED, newer)
    assert main([str(newer), "--keep", "ACLED PAK"]) == 0
    assert "kept: ACLED PAK: 1 added, 1 changed, 1 removed, 1 unchanged" in capsys.readouterr().out
    ids = set(store.read("ACLED PAK")["id"])
    assert "PAK99999" in ids and withdrawn not in ids
    assert store.names() == [*SHIPPED_NAMES, "ACLED PAK"]
    assert not (tmp_path / "ws" / "incidents.geojson").exists()  # --keep alone writes no data folder
