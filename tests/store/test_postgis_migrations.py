"""The PostGIS schema: numbered migrations on an empty database and on one a version behind."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid

import psycopg
import pytest

from geo.filters import IncidentFilter
from geo.incidents.schema import FIELDS, table_type
from geo.store import migrations, open_store
from geo.store.base import StoreError
from geo.store.postgis import PostgisStore
from geo.store.shipped import SHIPPED_NAMES
from tests.pg_cluster import ROOT, with_database


@pytest.fixture
def empty_db(pg_cluster):
    """A database with PostGIS installed and no table of ours."""
    url = pg_cluster.create_database()
    yield url
    pg_cluster.drop_database(url)


def _versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM pkir.schema_migrations ORDER BY version")]


def _indexes(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'pkir' AND tablename = 'incidents'"
        ).fetchall()
    return dict(rows)


def test_the_migration_files_are_numbered_without_gaps():
    found = migrations.available()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert migrations.latest() >= 3


def test_opening_an_empty_database_applies_every_migration_once(empty_db):
    with psycopg.connect(empty_db) as conn:
        assert migrations.current(conn) == 0
    store = open_store(empty_db)
    assert isinstance(store, PostgisStore) and store.names() == [*SHIPPED_NAMES]
    assert _versions(empty_db) == list(range(1, migrations.latest() + 1))
    defs = " ".join(_indexes(empty_db).values())
    assert "USING gist (geometry)" in defs and "gin_trgm_ops" not in defs  # 0006 drops the trigram index
    assert "(dataset_id, date_start)" in defs and "(dataset_id, category)" in defs
    with psycopg.connect(empty_db) as conn:
        assert migrations.migrate(conn) == []  # nothing left to do


def test_the_incidents_table_holds_every_schema_field_with_its_type(empty_db):
    """A new schema field needs a new migration: this fails until one adds the column, of the SQL type
    geo.incidents.schema.table_type gives (tests/test_incident_home.py checks the files without a database)."""
    with psycopg.connect(empty_db) as conn:
        migrations.migrate(conn)
        got = dict(
            conn.execute(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = 'pkir.incidents'::regclass AND attnum > 0 AND NOT attisdropped"
            ).fetchall()
        )
        want = {name: conn.execute("SELECT %s::regtype::text", (table_type(name),)).fetchone()[0] for name in FIELDS}
    assert {name: got.get(name) for name in FIELDS} == want
    assert want["date_start"] == "timestamp without time zone" and want["actors"] == "jsonb"


GRADE_COLUMNS = ("grade", "claimed_by", "denied_by", "independent_sources", "grade_reason")


def _verification_version() -> int:
    return next(m.version for m in migrations.available() if m.name == "verification_grades")


def test_a_database_one_version_behind_is_upgraded_and_keeps_its_datasets(empty_db, synthetic):
    """Rows kept before the verification migration (its columns added to pkir.incidents) are kept through
    it and read as "ungraded". This code cannot save into the older table, so the rows are saved at the
    latest version and the database taken back: the grade columns dropped, the migration unrecorded."""
    gdf, source = synthetic
    previous = _verification_version() - 1
    with psycopg.connect(empty_db) as conn:
        migrations.migrate(conn)
    PostgisStore(empty_db, migrate=False).save("kept before", gdf, source)
    with psycopg.connect(empty_db) as conn:
        drops = ", ".join(f"DROP COLUMN {c}" for c in GRADE_COLUMNS)
        conn.execute(f"ALTER TABLE pkir.incidents {drops}")
        conn.execute("DELETE FROM pkir.schema_migrations WHERE version > %s", (previous,))
    assert _versions(empty_db)[-1] == previous
    store = open_store(empty_db)
    assert _versions(empty_db)[-1] == migrations.latest()
    assert store.names() == [*SHIPPED_NAMES, "kept before"]
    kept = store.read("kept before")
    assert sorted(kept["id"]) == sorted(gdf["id"]) and kept["grade"].isna().all()
    assert len(store.read("kept before", IncidentFilter(grades=("ungraded",)))) == len(gdf)
    assert len(store.read("kept before", IncidentFilter(grades=("claimed",)))) == 0


def test_two_replicas_starting_at_once_do_not_race(empty_db):
    errors: list[BaseException] = []
    applied: list[list[int]] = []

    def start():
        try:
            with psycopg.connect(empty_db) as conn:
                applied.append(migrations.migrate(conn))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert sorted(map(len, applied)) == [0, 0, migrations.latest()]
    assert _versions(empty_db) == list(range(1, migrations.latest() + 1))


def test_a_role_that_may_not_migrate_gets_a_clear_message(empty_db, pg_cluster):
    pg_cluster.execute(
        "DO $$ BEGIN CREATE ROLE pkir_test_nobody LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    pg_cluster.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC", empty_db.rsplit("/", 1)[1])
    url = empty_db.replace("postgres@", "pkir_test_nobody@")
    with pytest.raises(StoreError, match=r"schema version 0, this app needs \d+; the database owner runs"):
        open_store(url)


def test_the_readme_recipe_an_owner_that_is_not_superuser_migrates_from_the_command_line(pg_cluster):
    name = f"pkir_readme_{uuid.uuid4().hex[:6]}"
    pg_cluster.execute(f"CREATE ROLE {name} LOGIN CREATEROLE PASSWORD 'pw'")
    pg_cluster.execute(f"CREATE DATABASE {name} OWNER {name}")
    try:
        pg_cluster.execute("CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm", name)
        owner_url = with_database(pg_cluster.admin_url, name).replace("postgres@", f"{name}:pw@")
        done = subprocess.run(
            [sys.executable, "-m", "geo.store.migrations", owner_url], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert f"schema at version {migrations.latest()}" in done.stdout
        assert _versions(owner_url) == list(range(1, migrations.latest() + 1))
    finally:
        pg_cluster.execute(f"DROP DATABASE {name} WITH (FORCE)")
        pg_cluster.execute(f"DROP ROLE {name}")
