"""A throwaway PostgreSQL + PostGIS cluster for the tests and benchmarks of team mode.

    with ThrowawayCluster.start() as cluster:   # initdb in a temp folder, a free loopback port
        url = cluster.create_database()         # a fresh database (from a PostGIS template)

PKIR_TEST_DATABASE_URL (a superuser URL to a server you run) is used instead when set. Nothing is
written outside the temp folder, which is deleted on stop. initdb refuses to run as root, so as
root the cluster runs as the `postgres` user the Debian packages create.

shared_cluster() starts one cluster per process and stops it at exit (fixtures in several
conftest files share it); ``unavailable_reason()`` says why none can be started.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TEST_URL_ENV = "PKIR_TEST_DATABASE_URL"
REQUIRE_ENV = "PKIR_REQUIRE_POSTGIS"
TEMPLATE = "pkir_template"
SERVER_SETTINGS = {  # a test server: fast, nothing durable, loopback only
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "shared_buffers": "128MB",
}


def required() -> bool:
    """True when a test must fail rather than skip without PostGIS (CI sets PKIR_REQUIRE_POSTGIS=1)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def bin_dir() -> Path | None:
    """The newest PostgreSQL server bin folder (Debian keeps initdb out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, dbname: str) -> str:
    """The same server URL naming another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


class ThrowawayCluster:
    """A server reachable at ``admin_url`` (superuser), with a template database holding PostGIS and pg_trgm."""

    def __init__(self, admin_url: str, folder: Path | None = None, run_as: str | None = None):
        self.admin_url = admin_url
        self.folder = folder
        self.run_as = run_as
        self.databases: list[str] = []

    # ---- start and stop

    @classmethod
    def start(cls) -> ThrowawayCluster:
        """The server of PKIR_TEST_DATABASE_URL, or a new cluster in a temp folder."""
        external = os.environ.get(TEST_URL_ENV, "").strip()
        cluster = cls(external) if external else cls._initdb()
        try:
            cluster._make_template()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    @classmethod
    def _initdb(cls) -> ThrowawayCluster:
        bins = bin_dir()
        if bins is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql postgresql-15-postgis-3)")
        run_as = "postgres" if os.geteuid() == 0 else None
        folder = Path(tempfile.mkdtemp(prefix="pkir-pg-"))
        if run_as:
            pw = pwd.getpwnam(run_as)
            os.chown(folder, pw.pw_uid, pw.pw_gid)
        cluster = cls("", folder, run_as)
        try:
            cluster._run(
                str(bins / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            )
            port = _free_port()
            opts = f"-p {port} -k {folder} " + " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())
            cluster._run(
                str(bins / "pg_ctl"), "-D", str(folder / "data"), "-o", opts, "-l", str(folder / "log"), "-w", "start"
            )
        except BaseException:
            cluster.stop()
            raise
        cluster.admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return cluster

    def _run(self, *cmd: str) -> None:
        done = subprocess.run(
            cmd, user=self.run_as, capture_output=True, text=True, timeout=120, cwd=self.folder, check=False
        )
        if done.returncode != 0:
            log = ""
            if self.folder and (self.folder / "log").exists():
                log = (self.folder / "log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{Path(cmd[0]).name} failed ({done.returncode}): {done.stderr.strip()}\n{log}")

    def stop(self) -> None:
        """Drop the databases made here (external server) or stop the cluster and delete its folder."""
        if self.folder is None:
            with contextlib.suppress(Exception):
                for name in self.databases:
                    self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.databases.clear()
            return
        bins = bin_dir()
        if (self.folder / "data" / "postmaster.pid").exists() and bins is not None:
            with contextlib.suppress(Exception):
                self._run(str(bins / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> ThrowawayCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- databases

    def execute(self, sql: str, dbname: str | None = None) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        url = self.admin_url if dbname is None else with_database(self.admin_url, dbname)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql)

    def _make_template(self) -> None:
        name = TEMPLATE if self.folder is not None else f"{TEMPLATE}_{uuid.uuid4().hex[:8]}"
        self.execute(f'DROP DATABASE IF EXISTS "{name}"')
        self.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        self.execute("CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm", name)
        self.template = name

    def create_database(self, prefix: str = "pkir_test", migrated: bool = False) -> str:
        """A new database with PostGIS and pg_trgm installed (and the store's tables when migrated); its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        template = self._migrated_template() if migrated else self.template
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.databases.append(name)
        return with_database(self.admin_url, name)

    def _migrated_template(self) -> str:
        if getattr(self, "migrated_template", None) is None:
            import psycopg

            from geo.store import migrations

            url = self.create_database("pkir_migrated")
            with psycopg.connect(url) as conn:
                migrations.migrate(conn)
            self.migrated_template = urlsplit(url).path.lstrip("/")
        return self.migrated_template

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database (sessions still on it are ended)."""
        name = urlsplit(url).path.lstrip("/")
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.databases:
            self.databases.remove(name)


_SHARED: list[ThrowawayCluster | Exception] = []


def shared_cluster() -> ThrowawayCluster:
    """One cluster per process, started on first use and stopped at exit; raises RuntimeError if it cannot start."""
    if not _SHARED:
        try:
            _SHARED.append(ThrowawayCluster.start())
            atexit.register(stop_shared)
        except Exception as exc:
            _SHARED.append(exc)
    found = _SHARED[0]
    if isinstance(found, Exception):
        raise RuntimeError(f"no PostgreSQL server for the team-mode tests: {found}")
    return found


def stop_shared() -> None:
    """Stop the shared cluster (idempotent)."""
    if _SHARED and isinstance(_SHARED[0], ThrowawayCluster):
        _SHARED[0].stop()
