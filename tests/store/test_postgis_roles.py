"""Access in the database: a role in pkir_reader reads but cannot change data; pkir_writer can."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace

import psycopg
import pytest

from geo.store import open_store
from geo.store.base import StoreError
from geo.store.postgis import PostgisStore, masked_url
from geo.store.shipped import SHIPPED_NAMES


@pytest.fixture
def pg_url(pg_cluster):
    """An empty, migrated database (superuser URL)."""
    url = pg_cluster.create_database(migrated=True)
    yield url
    pg_cluster.drop_database(url)


def login_role(pg_cluster, group: str) -> str:
    """A new login role in a group role; its name."""
    name = f"pkir_test_{group.split('_')[1]}_{uuid.uuid4().hex[:6]}"
    pg_cluster.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'secret-pw' IN ROLE {group}")
    return name


def as_role(url: str, role: str) -> str:
    return url.replace("postgres@", f"{role}:secret-pw@")


def test_the_reader_role_reads_and_is_refused_a_write(pg_cluster, pg_url, synthetic):
    gdf, source = synthetic
    open_store(pg_url).save("kept", gdf, source)
    reader_url = as_role(pg_url, login_role(pg_cluster, "pkir_reader"))
    reader = open_store(reader_url)
    assert reader.names() == [*SHIPPED_NAMES, "kept"] and len(reader.read("kept")) == len(gdf)
    assert reader.aggregate("kept")["incidents"].sum() == gdf.geometry.notna().sum()
    with pytest.raises(StoreError, match="may not change kept datasets") as refused:
        reader.save("other", gdf.iloc[:5], replace(source, file_hash="9" * 64))
    assert "secret-pw" not in str(refused.value)
    with pytest.raises(StoreError, match="may not change kept datasets"):
        reader.remove("kept")
    with (
        psycopg.connect(reader_url) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("DELETE FROM pkir.incidents")
    assert open_store(pg_url).info("kept").rows == len(gdf)


def test_the_app_reads_as_reader_and_writes_through_the_writer_url(pg_cluster, pg_url, synthetic, settings_env):
    gdf, source = synthetic
    reader_url = as_role(pg_url, login_role(pg_cluster, "pkir_reader"))
    writer_url = as_role(pg_url, login_role(pg_cluster, "pkir_writer"))
    settings_env.setenv("PKIR_DATABASE_URL", reader_url)
    settings_env.setenv("PKIR_DATABASE_WRITE_URL", writer_url)
    store = open_store()
    assert isinstance(store, PostgisStore) and store.url == reader_url and store.write_url == writer_url
    assert store.save("kept", gdf, source).added == len(gdf)
    store.remove("kept")
    assert store.names() == [*SHIPPED_NAMES]


def test_messages_never_show_the_password():
    assert masked_url("postgresql://dash:secret-pw@db.example:5433/pkir") == "postgresql://dash@db.example:5433/pkir"
    with pytest.raises(StoreError, match=re.escape("cannot reach the database postgresql://dash@127.0.0.1:9/x")) as err:
        PostgisStore("postgresql://dash:secret-pw@127.0.0.1:9/x")
    assert "secret-pw" not in str(err.value)


def test_a_writer_stages_its_rows_even_when_public_may_not_create_temporary_tables(pg_cluster, synthetic):
    """A save stages its rows in a temporary table: migration 0006 grants TEMPORARY to pkir_writer, so a
    database whose admin revoked it from PUBLIC still takes saves; a role without it is told what is missing."""
    gdf, source = synthetic
    pg_url = pg_cluster.create_database()  # migrated in place below: a database's grants are not in its template
    open_store(pg_url)
    dbname = pg_url.rsplit("/", 1)[1]
    pg_cluster.execute(f'REVOKE TEMPORARY ON DATABASE "{dbname}" FROM PUBLIC')
    writer = open_store(as_role(pg_url, login_role(pg_cluster, "pkir_writer")))
    assert writer.save("kept", gdf, source).added == len(gdf)
    pg_cluster.execute(f'REVOKE TEMPORARY ON DATABASE "{dbname}" FROM pkir_writer')
    with pytest.raises(StoreError, match="may not create temporary tables") as refused:
        writer.save("other", gdf.iloc[:5], replace(source, file_hash="8" * 64))
    assert "\n" not in str(refused.value) and "secret-pw" not in str(refused.value)
    assert open_store(pg_url).names() == [*SHIPPED_NAMES, "kept"]
    pg_cluster.drop_database(pg_url)
