"""Migrations against a database someone else has been in: hostile objects and roles are refused in one line.

Each case is a real throwaway cluster (tests/pg_cluster.py) with a role doing what the issue's
review did: planting a schema_migrations with a trigger in public, pre-creating the group roles as
LOGIN, leaving a stray table, or migrating a second database of the server at the same moment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

import psycopg
import pytest

from geo.filters import IncidentFilter
from geo.store import migrations, open_store
from geo.store.base import StoreError
from geo.store.postgis import PostgisStore
from geo.store.shipped import SHIPPED_NAMES
from tests.pg_cluster import ROOT, TEST_URL_ENV, ThrowawayCluster, with_database

TRIGGER = """
CREATE TABLE public.schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
                                       applied_at timestamptz NOT NULL DEFAULT now());
CREATE FUNCTION public.join_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pkir_writer') THEN
        EXECUTE format('GRANT pkir_writer TO %I', '{attacker}');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER join_writer BEFORE INSERT ON public.schema_migrations
    FOR EACH ROW EXECUTE FUNCTION public.join_writer();
GRANT ALL ON public.schema_migrations TO PUBLIC;
"""


def _cli(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo.store.migrations", url], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _refused_in_one_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


class Owner:
    """A database owned by a non-superuser role with CREATEROLE (the README's recipe), PostGIS installed."""

    def __init__(self, cluster: ThrowawayCluster):
        self.cluster = cluster
        self.name = f"pkir_own_{uuid.uuid4().hex[:8]}"
        cluster.execute(f"CREATE ROLE {self.name} LOGIN CREATEROLE PASSWORD 'pw'")
        cluster.execute(f"CREATE DATABASE {self.name} OWNER {self.name}")
        cluster.execute("CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm", self.name)
        self.url = with_database(cluster.admin_url, self.name).replace("postgres@", f"{self.name}:pw@")
        self.others: list[str] = []

    def login(self, prefix: str) -> tuple[str, str]:
        """Another login role of the server and its URL to this database."""
        role = f"{prefix}_{uuid.uuid4().hex[:6]}"
        self.cluster.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'")
        self.others.append(role)
        return role, self.url.replace(f"{self.name}:pw@", f"{role}:pw@")

    def run(self, statements: str, url: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(statements)

    def drop(self) -> None:
        self.cluster.execute(f"DROP DATABASE {self.name} WITH (FORCE)")
        self.cluster.execute(f"DROP OWNED BY {self.name} CASCADE")
        for role in [*self.others, self.name]:
            self.cluster.execute(f"DROP ROLE {role}")


@pytest.fixture
def owner(pg_cluster):
    """A database of the README's shape, on the shared cluster."""
    made = Owner(pg_cluster)
    yield made
    made.drop()


def _is_member(url: str, role: str, group: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
            " JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = %s AND r.rolname = %s)",
            (group, role),
        ).fetchone()[0]


def test_a_planted_schema_migrations_with_a_trigger_is_refused_naming_it_and_its_owner(owner):
    owner.cluster.execute("GRANT CREATE ON SCHEMA public TO PUBLIC", owner.name)  # the default before PostgreSQL 15
    attacker, attacker_url = owner.login("mallory")
    owner.run(TRIGGER.format(attacker=attacker), attacker_url)
    done = _cli(owner.url)
    _refused_in_one_line(done, "public.schema_migrations", f"owned by {attacker}", f"not {owner.name}")
    assert not _is_member(owner.url, attacker, "pkir_writer")
    with pytest.raises(StoreError, match=f"public.schema_migrations is owned by {attacker}") as err:
        open_store(owner.url)
    assert "\n" not in str(err.value)
    assert not _is_member(owner.url, attacker, "pkir_writer")


def test_an_operator_planted_in_public_is_refused_before_any_migration_runs(owner):
    """CVE-2018-1058's shape: an operator on the search path that a better type match would pick."""
    owner.cluster.execute("GRANT CREATE ON SCHEMA public TO PUBLIC", owner.name)
    attacker, attacker_url = owner.login("mallory")
    owner.run(
        "CREATE FUNCTION public.cat(text, varchar) RETURNS text LANGUAGE sql AS 'SELECT $1';"
        " CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = varchar, FUNCTION = public.cat)",
        attacker_url,
    )
    _refused_in_one_line(_cli(owner.url), "public.", f"is owned by {attacker}", "search path")
    with psycopg.connect(owner.url) as conn:
        assert migrations.current(conn) == 0


def test_a_schema_pkir_made_by_another_role_is_refused(owner):
    attacker, attacker_url = owner.login("mallory")
    owner.cluster.execute(f"GRANT CREATE ON DATABASE {owner.name} TO {attacker}")
    owner.run("CREATE SCHEMA pkir", attacker_url)
    _refused_in_one_line(_cli(owner.url), f"schema pkir is owned by {attacker}")


def test_a_trigger_the_owner_finds_on_its_own_table_is_refused(owner, synthetic):
    assert _cli(owner.url).returncode == 0
    owner.run(
        "CREATE FUNCTION pkir.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
        " CREATE TRIGGER noop BEFORE INSERT ON pkir.datasets FOR EACH ROW EXECUTE FUNCTION pkir.noop();"
        " DELETE FROM pkir.schema_migrations WHERE version = (SELECT max(version) FROM pkir.schema_migrations)",
        owner.url,
    )
    _refused_in_one_line(_cli(owner.url), "pkir.datasets has a trigger (noop)")


def test_a_table_named_datasets_in_public_is_left_alone(owner):
    owner.run("CREATE TABLE public.datasets (x int); INSERT INTO public.datasets VALUES (42)", owner.url)
    done = _cli(owner.url)
    assert done.returncode == 0, done.stderr
    with psycopg.connect(owner.url) as conn:
        assert conn.execute("SELECT x FROM public.datasets").fetchall() == [(42,)]
    assert open_store(owner.url).names() == [*SHIPPED_NAMES]


def test_a_stray_datasets_table_in_the_schema_is_a_one_line_refusal(owner):
    owner.run("CREATE SCHEMA pkir; CREATE TABLE pkir.datasets (x int)", owner.url)
    _refused_in_one_line(_cli(owner.url), "migration 0001_datasets_and_incidents failed", '"datasets" already exists')
    with psycopg.connect(owner.url) as conn:
        assert migrations.current(conn) == 0


def test_a_database_of_the_earlier_layout_moves_into_the_schema_and_its_actors_become_searchable(owner, synthetic):
    """Tables in public at version 3, rows kept with a keyword text lacking actors (as before issue 21).

    This code saves only into the latest table, so the rows are saved at the latest version and the
    database taken back to version 3: the later tables and columns dropped, the migrations unrecorded."""
    gdf, source = synthetic
    with psycopg.connect(owner.url) as conn:
        migrations.migrate(conn)
    PostgisStore(owner.url, migrate=False).save("kept", gdf, source)
    later = [m for m in migrations.available() if m.version > 3]
    assert [m.name for m in later][-1] == "incident_rollup"  # a new migration: take it back here too
    owner.run(
        "DROP TABLE IF EXISTS pkir.saved_views, pkir.duplicate_decisions, pkir.sync_state, pkir.rollup_state,"
        " pkir.incident_rollup, pkir.incident_cell_rollup; DROP INDEX pkir.incidents_page_order;"
        " ALTER TABLE pkir.incidents DROP COLUMN grade, DROP COLUMN claimed_by, DROP COLUMN denied_by,"
        " DROP COLUMN independent_sources, DROP COLUMN grade_reason;"
        " DELETE FROM pkir.schema_migrations WHERE version > 3;"
        " UPDATE pkir.incidents SET search = lower(coalesce(title, ''));"
        " ALTER TABLE pkir.schema_migrations SET SCHEMA public; ALTER TABLE pkir.datasets SET SCHEMA public;"
        " ALTER TABLE pkir.incidents SET SCHEMA public; DROP SCHEMA pkir",
        owner.url,
    )
    actor = next(a for actors in gdf["actors"] for a in actors)
    store = open_store(owner.url)
    with psycopg.connect(owner.url) as conn:
        assert migrations.current(conn) == migrations.latest()
        assert conn.execute("SELECT to_regclass('public.incidents')").fetchone()[0] is None
    assert len(store.read("kept")) == len(gdf)
    want = gdf["actors"].map(lambda a: any(actor.lower() in x.lower() for x in a)).sum()
    assert len(store.read("kept", IncidentFilter(keyword=actor))) == want > 0


# ---- the group roles: a fresh cluster, since roles belong to the whole server


@pytest.fixture(scope="module")
def fresh_cluster():
    """A cluster of its own, where pkir_reader and pkir_writer do not exist yet."""
    if os.environ.get(TEST_URL_ENV, "").strip():
        pytest.skip("needs a cluster of its own (roles are server-wide), not PKIR_TEST_DATABASE_URL")
    try:
        cluster = ThrowawayCluster.start()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield cluster
    cluster.stop()


def test_a_group_role_created_before_as_login_is_refused_and_nothing_granted(fresh_cluster):
    owner = Owner(fresh_cluster)
    try:
        fresh_cluster.execute("CREATE ROLE pkir_writer LOGIN PASSWORD 'known-to-someone'")
        _refused_in_one_line(_cli(owner.url), "the role pkir_writer exists and can log in (LOGIN)")
        with psycopg.connect(owner.url) as conn:
            assert migrations.current(conn) == 0
            granted = conn.execute(
                "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'pkir_writer'"
            ).fetchone()[0]
        assert granted == 0
    finally:
        owner.drop()
        fresh_cluster.execute("DROP ROLE IF EXISTS pkir_writer")
        fresh_cluster.execute("DROP ROLE IF EXISTS pkir_reader")


def test_a_group_role_that_belongs_to_another_role_is_refused(fresh_cluster):
    owner = Owner(fresh_cluster)
    try:
        fresh_cluster.execute("CREATE ROLE pkir_reader NOLOGIN IN ROLE pg_write_all_data")
        _refused_in_one_line(_cli(owner.url), "the role pkir_reader exists and is a member of pg_write_all_data")
    finally:
        owner.drop()
        fresh_cluster.execute("DROP ROLE IF EXISTS pkir_writer")
        fresh_cluster.execute("DROP ROLE IF EXISTS pkir_reader")


def test_two_databases_of_one_server_migrating_at_once_both_succeed(fresh_cluster):
    """One migration creates the roles in a transaction still open; the other waits for it, then uses them."""
    first, second = fresh_cluster.create_database(), fresh_cluster.create_database()
    holder = psycopg.connect(first)
    try:
        holder.execute("BEGIN")
        holder.execute("CREATE ROLE pkir_reader NOLOGIN")
        holder.execute("CREATE ROLE pkir_writer NOLOGIN")
        outcome: list = []

        def run():
            try:
                with psycopg.connect(second) as conn:
                    outcome.append(migrations.migrate(conn))
            except Exception as exc:  # reported by the assertion below
                outcome.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        with psycopg.connect(first, autocommit=True) as watch:  # readiness poll: the worker waits on the role
            for _ in range(600):
                waiting = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    (second.rsplit("/", 1)[1],),
                ).fetchone()[0]
                if waiting or not worker.is_alive():
                    break
                threading.Event().wait(0.05)
        holder.execute("COMMIT")
        worker.join(timeout=300)
        assert outcome and outcome[0] == list(range(1, migrations.latest() + 1)), outcome
    finally:
        holder.close()
        fresh_cluster.drop_database(first)
        fresh_cluster.drop_database(second)


def test_a_session_holding_the_migration_lock_makes_a_migration_give_up_with_a_message(owner, monkeypatch):
    """The worker's join only bounds a hang (before the lock wait had a timeout, the migration waited forever)."""
    monkeypatch.setattr(migrations, "MIGRATION_LOCK_WAIT_S", 1, raising=False)
    _, other_url = owner.login("holder")
    outcome: list = []

    def run():
        try:
            with psycopg.connect(owner.url) as conn:
                outcome.append(migrations.migrate(conn))
        except Exception as exc:  # read below
            outcome.append(exc)

    with psycopg.connect(other_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (migrations.MIGRATION_LOCK,))
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(timeout=120)
        assert not worker.is_alive(), "the migration is still waiting for the lock"
    assert isinstance(outcome[0], migrations.MigrationRefused), outcome
    assert "held the migration lock" in str(outcome[0])
    with psycopg.connect(owner.url) as conn:
        assert migrations.current(conn) == 0
        assert migrations.migrate(conn) == list(range(1, migrations.latest() + 1))
