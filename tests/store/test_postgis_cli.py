"""`python -m scripts.import_events FILE --database URL` (or PKIR_DATABASE_URL): imports into PostGIS."""

from __future__ import annotations

import pytest

from geo.store import open_store
from geo.store.shipped import SHIPPED_NAMES
from scripts.import_events import main
from tests.store.test_keep_cli import ACLED, newer_export


@pytest.fixture
def pg_url(pg_cluster):
    """An empty, migrated database."""
    url = pg_cluster.create_database(migrated=True)
    yield url
    pg_cluster.drop_database(url)


def test_database_option_keeps_validates_and_updates_by_event_id(pg_url, tmp_path, capsys):
    assert main([str(ACLED), "--database", pg_url]) == 0
    out = capsys.readouterr().out
    assert "3 of 6 rows imported" in out and "rejected:" in out
    assert "kept: acled_new: 3 added, 0 changed, 0 removed" in out
    store = open_store(pg_url)
    info = store.info("acled_new")
    assert (info.source.format, info.rows, info.source.rows_rejected) == ("ACLED", 3, 3)

    assert main([str(ACLED), "--database", pg_url, "--keep", "ACLED PAK"]) == 0
    assert "already kept, as 'acled_new'" in capsys.readouterr().out

    newer = tmp_path / "acled_new.csv"
    withdrawn = newer_export(ACLED, newer)
    assert main([str(newer), "--database", pg_url]) == 0
    assert "kept: acled_new: 1 added, 1 changed, 1 removed, 1 unchanged" in capsys.readouterr().out
    ids = set(store.read("acled_new")["id"])
    assert "PAK99999" in ids and withdrawn not in ids
    assert store.names() == [*SHIPPED_NAMES, "acled_new"]


def test_the_database_url_setting_is_used_without_the_option(pg_url, tmp_path, settings_env, capsys):
    settings_env.setenv("PKIR_DATABASE_URL", pg_url)
    assert main([str(ACLED), "--keep", "ACLED PAK"]) == 0
    assert main([str(ACLED.parent / ACLED.name)]) == 0  # the same file again: nothing changes
    assert "nothing changed" in capsys.readouterr().out
    assert open_store(pg_url).names() == [*SHIPPED_NAMES, "ACLED PAK"]


def test_a_file_with_no_usable_row_saves_nothing(pg_url, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id_cnty,event_date\nX1,not a date\n", encoding="utf-8")
    assert main([str(bad), "--database", pg_url]) == 1
    assert open_store(pg_url).names() == [*SHIPPED_NAMES]
