"""Versioned schema of the PostGIS store: numbered SQL files applied in order, recorded in a table.

    NNNN_what_it_does.sql   one migration; NNNN is its version (never renumber or edit a released one)
    schema_migrations       version, name, applied_at: what this database has

Migrations run in one transaction under an advisory lock, so two replicas starting at once do not
both apply them: the second waits, then finds nothing left to do. Run them as the database owner:

    python -m geo.store.migrations postgresql://owner@host/db
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
MIGRATION_LOCK = 7_064_626_901  # pg_advisory_xact_lock key: "pkir" migrations
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    path: Path

    def sql(self) -> str:
        """The file's statements."""
        return self.path.read_text(encoding="utf-8")


def available() -> list[Migration]:
    """Every migration shipped with the app, by version; refuses gaps and repeated numbers."""
    found = []
    for path in FOLDER.glob("*.sql"):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"{path.name}: a migration is named NNNN_words.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise ValueError("migrations must be numbered 0001, 0002, ... without gaps")
    return found


def latest() -> int:
    """The schema version this app needs."""
    return available()[-1].version


def current(conn) -> int:
    """The version a database is at (0 when no migration ran); reads only."""
    found = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]
    if not found:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(conn, upto: int | None = None) -> list[int]:
    """Apply the migrations this database lacks (up to ``upto``), in one transaction; the versions applied.

    ``conn`` is a psycopg connection that may run DDL (the database owner).
    """
    target = latest() if upto is None else upto
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(TABLE_SQL)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for migration in available():
            if migration.version in done or migration.version > target:
                continue
            conn.execute(migration.sql())
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (migration.version, migration.name)
            )
            applied.append(migration.version)
    return applied


def main(argv: list[str] | None = None) -> int:
    """Command line: migrate the database at the URL given (or PKIR_DATABASE_URL)."""
    import os

    import psycopg

    args = sys.argv[1:] if argv is None else argv
    url = args[0] if args else os.environ.get("PKIR_DATABASE_URL", "")
    if not url:
        print("usage: python -m geo.store.migrations postgresql://owner@host/db", file=sys.stderr)
        return 2
    with psycopg.connect(url) as conn:
        applied = migrate(conn)
        print(f"schema at version {current(conn)}; applied now: {', '.join(map(str, applied)) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
