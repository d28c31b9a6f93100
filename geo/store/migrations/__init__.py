"""Versioned schema of the PostGIS store: numbered SQL files applied in order, recorded in a table.

    NNNN_what_it_does.sql   one migration; NNNN is its version (never renumber or edit a released one)
    pkir.schema_migrations  version, name, applied_at: what this database has

Everything lives in the schema ``pkir``, which the migrating role creates and owns, so no table,
trigger or rule another role made is ever used (a role with CREATE on ``public`` could otherwise
plant a ``schema_migrations`` whose trigger runs as the owner). Before applying anything the
migration refuses, in one line naming the object and its owner, a schema ``pkir`` or an object in
it that is not the migrating role's, a trigger or rule on its tables, a table of an earlier
version in ``public`` that is not its own, and a role ``pkir_reader`` / ``pkir_writer`` that can
log in, has an attribute or belongs to another role. Databases set up before the schema existed
(tables in ``public``) have their three tables moved into it once checked.

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
MIGRATION_LOCK_WAIT_S = 300  # how long a migration waits for another one (a replica starting) before giving up
SCHEMA = "pkir"
TABLES = ("schema_migrations", "datasets", "incidents")  # what an earlier version kept in public
GROUP_ROLES = ("pkir_reader", "pkir_writer")
EXTENSIONS = ("postgis", "pg_trgm")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_ROLE_ATTRIBUTES = {
    "rolcanlogin": "can log in (LOGIN)",
    "rolsuper": "is a superuser",
    "rolcreaterole": "may create roles (CREATEROLE)",
    "rolcreatedb": "may create databases (CREATEDB)",
    "rolreplication": "may replicate (REPLICATION)",
    "rolbypassrls": "bypasses row security (BYPASSRLS)",
}

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS pkir.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


class MigrationRefused(Exception):
    """The database holds something the migration will not use; the message says what, in one line."""


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


def _relation(conn, schema: str, name: str):
    """(owner, kind) of a table or view schema.name, or None; read from the catalog (any role may)."""
    return conn.execute(
        "SELECT pg_catalog.pg_get_userbyid(c.relowner), c.relkind FROM pg_catalog.pg_class c"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
        (schema, name),
    ).fetchone()


def current(conn) -> int:
    """The version a database is at (0 when no migration ran, or its tables are still in public); reads only."""
    if _relation(conn, SCHEMA, "schema_migrations") is None:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM pkir.schema_migrations").fetchone()[0]


def _not_mine(conn, me: str) -> str | None:
    """Why the schema pkir (or anything in it) is not the migrating role's, or None when it all is."""
    row = conn.execute(
        "SELECT pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace WHERE nspname = %s", (SCHEMA,)
    ).fetchone()
    if row is None:
        return None
    if row[0] != me:
        return f"the schema {SCHEMA} is owned by {row[0]}, not {me}"
    rows = conn.execute(
        "SELECT c.relname, pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c"
        " WHERE c.relnamespace = %s::regnamespace AND pg_catalog.pg_get_userbyid(c.relowner) <> %s"
        " UNION ALL SELECT p.proname, pg_catalog.pg_get_userbyid(p.proowner) FROM pg_catalog.pg_proc p"
        " WHERE p.pronamespace = %s::regnamespace AND pg_catalog.pg_get_userbyid(p.proowner) <> %s",
        (SCHEMA, me, SCHEMA, me),
    ).fetchall()
    if rows:
        return f"{SCHEMA}.{rows[0][0]} is owned by {rows[0][1]}, not {me}"
    return _hooks(conn, SCHEMA)


def _hooks(conn, schema: str, tables: tuple[str, ...] | None = None) -> str | None:
    """A trigger, rule or row security on the schema's tables (the migrations create none), or None."""
    names = list(tables) if tables is not None else None
    row = conn.execute(
        "SELECT c.relname, t.what, t.name FROM pg_catalog.pg_class c"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " JOIN LATERAL (SELECT 'trigger' AS what, tgname::text AS name FROM pg_catalog.pg_trigger"
        "   WHERE tgrelid = c.oid AND NOT tgisinternal"
        "   UNION ALL SELECT 'rule', rulename::text FROM pg_catalog.pg_rewrite"
        "   WHERE ev_class = c.oid AND rulename <> '_RETURN'"
        "   UNION ALL SELECT 'row security', 'enabled' WHERE c.relrowsecurity) t ON TRUE"
        " WHERE n.nspname = %s AND (%s::text[] IS NULL OR c.relname = ANY(%s::text[])) LIMIT 1",
        (schema, names, names),
    ).fetchone()
    if row is None:
        return None
    return f"{schema}.{row[0]} has a {row[1]} ({row[2]}) that the migrations did not make"


def _legacy_problem(conn, me: str) -> str | None:
    """Why the tables an earlier version kept in public cannot be moved into pkir, or None."""
    for name in TABLES:
        found = _relation(conn, "public", name)
        if found is None:
            continue
        owner, kind = found
        if owner != me:
            return f"public.{name} is owned by {owner}, not {me}"
        if kind != "r":
            return f"public.{name} is not a plain table"
    return _hooks(conn, "public", TABLES)


def _take_schema(conn, me: str) -> None:
    """Create the schema pkir (or check it is wholly the migrating role's) and move an earlier version's
    tables into it; MigrationRefused naming what is not this role's."""
    problem = _not_mine(conn, me)
    if problem:
        raise MigrationRefused(problem + "; the migration uses nothing another role made")
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    if _relation(conn, SCHEMA, "schema_migrations") is not None:
        return
    if _relation(conn, "public", "schema_migrations") is None:
        return
    problem = _legacy_problem(conn, me)
    if problem:
        raise MigrationRefused(
            f"{problem}: this database looks set up by an earlier version, whose tables are only moved"
            f" into the schema {SCHEMA} when {me} owns them and nothing else is attached"
        )
    for name in TABLES:
        if _relation(conn, "public", name) is not None:
            conn.execute(f"ALTER TABLE public.{name} SET SCHEMA {SCHEMA}")


def _search_path(conn) -> list[str]:
    """pkir, then the schemas holding the extensions (installed into public when missing and allowed)."""
    for ext in EXTENSIONS:
        if conn.execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = %s", (ext,)).fetchone():
            continue
        try:
            with conn.transaction():
                conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext} SCHEMA public")
        except Exception as exc:  # psycopg.Error: no privilege, or the extension is not on the server
            raise MigrationRefused(
                f"the extension {ext} is not installed and {_one_line(exc)}; the database's admin runs"
                f" CREATE EXTENSION {ext}"
            ) from exc
    rows = conn.execute(
        "SELECT DISTINCT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n"
        " ON n.oid = e.extnamespace WHERE e.extname = ANY(%s) ORDER BY 1",
        (list(EXTENSIONS),),
    ).fetchall()
    return [SCHEMA, *(r[0] for r in rows)]


def _planted_routine(conn, schemas: list[str]) -> str | None:
    """A function or operator in a schema on the migration's search path that neither an extension,
    a superuser nor the migrating role made (one could be picked over the built-in one), or None."""
    row = conn.execute(
        "SELECT n.nspname, o.name, o.kind, pg_catalog.pg_get_userbyid(o.owner) FROM ("
        "  SELECT p.oid, p.proname::text AS name, 'function' AS kind, p.proowner AS owner, p.pronamespace AS ns,"
        "         'pg_catalog.pg_proc'::regclass AS cls FROM pg_catalog.pg_proc p"
        "  UNION ALL SELECT o.oid, o.oprname::text, 'operator', o.oprowner, o.oprnamespace,"
        "         'pg_catalog.pg_operator'::regclass FROM pg_catalog.pg_operator o) o"
        " JOIN pg_catalog.pg_namespace n ON n.oid = o.ns JOIN pg_catalog.pg_roles r ON r.oid = o.owner"
        " WHERE n.nspname = ANY(%s) AND r.rolname <> current_user AND NOT r.rolsuper"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
        "                 WHERE d.classid = o.cls AND d.objid = o.oid AND d.deptype = 'e')"
        " ORDER BY 1, 2 LIMIT 1",
        (schemas,),
    ).fetchone()
    if row is None:
        return None
    return f"the {row[2]} {row[0]}.{row[1]} is owned by {row[3]}, on the migration's search path"


def _role_problem(conn, role: str) -> str | None:
    """Why an existing group role may not be granted to (it logs in, has attributes, belongs elsewhere)."""
    cols = ", ".join(_ROLE_ATTRIBUTES)
    row = conn.execute(f"SELECT {cols}, oid FROM pg_catalog.pg_roles WHERE rolname = %s", (role,)).fetchone()
    if row is None:
        return None
    held = [what for what, on in zip(_ROLE_ATTRIBUTES.values(), row[:-1], strict=True) if on]
    if held:
        return f"the role {role} exists and {held[0]}"
    member_of = conn.execute(
        "SELECT r.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.roleid"
        " WHERE m.member = %s ORDER BY 1 LIMIT 1",
        (row[-1],),
    ).fetchone()
    if member_of:
        return f"the role {role} exists and is a member of {member_of[0]}"
    return None


def _ensure_roles(conn) -> None:
    """Create pkir_reader and pkir_writer (NOLOGIN) or check the existing ones; roles belong to the server,
    so another database migrating at once may create them first (its commit is waited for)."""
    import psycopg

    for role in GROUP_ROLES:
        if not _exists(conn, role):
            try:
                with conn.transaction():
                    conn.execute(f"CREATE ROLE {role} NOLOGIN")
            except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
                pass  # made by another migration meanwhile: checked below like any existing role
        problem = _role_problem(conn, role)
        if problem:
            raise MigrationRefused(
                f"{problem}: the migration grants nothing to a group role it cannot vouch for (make it"
                f" NOLOGIN with no attribute or membership, or drop it, then run the migration again)"
            )


def _exists(conn, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _migration_lock(conn) -> None:
    """Wait for another migration (another replica starting) at most MIGRATION_LOCK_WAIT_S."""
    import psycopg

    conn.execute(f"SET LOCAL lock_timeout = '{int(MIGRATION_LOCK_WAIT_S)}s'")
    try:
        with conn.transaction():
            conn.execute("SELECT pg_catalog.pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
    except psycopg.errors.LockNotAvailable as exc:
        raise MigrationRefused(
            f"another session has held the migration lock for over {int(MIGRATION_LOCK_WAIT_S)} s; nothing was"
            " changed (see pg_stat_activity)"
        ) from exc
    conn.execute("SET LOCAL lock_timeout = 0")


def migrate(conn, upto: int | None = None) -> list[int]:
    """Apply the migrations this database lacks (up to ``upto``), in one transaction; the versions applied.

    ``conn`` is a psycopg connection that may run DDL (the database owner). MigrationRefused, in one
    line, when the database holds an object or role this role did not make (module docstring).
    """
    from psycopg import sql

    target = latest() if upto is None else upto
    applied = []
    with conn.transaction():
        _migration_lock(conn)
        me = conn.execute("SELECT current_user").fetchone()[0]
        _take_schema(conn, me)
        schemas = _search_path(conn)
        planted = _planted_routine(conn, schemas)
        if planted:
            raise MigrationRefused(planted + "; the migration runs no code another role made (drop it, or move it)")
        path = sql.SQL(", ").join(map(sql.Identifier, schemas))
        conn.execute(sql.SQL("SET LOCAL search_path = {}").format(path))
        conn.execute(TABLE_SQL)
        done = {row[0] for row in conn.execute("SELECT version FROM pkir.schema_migrations")}
        pending = [m for m in available() if m.version not in done and m.version <= target]
        if pending:
            _ensure_roles(conn)
        for migration in pending:
            _apply(conn, migration)
            applied.append(migration.version)
    return applied


def _apply(conn, migration: Migration) -> None:
    """Run one migration and record it; a refusal by the database names the migration in one line."""
    import psycopg

    try:
        conn.execute(migration.sql())
    except psycopg.Error as exc:
        raise MigrationRefused(f"migration {migration.version:04d}_{migration.name} failed: {_one_line(exc)}") from exc
    conn.execute(
        "INSERT INTO pkir.schema_migrations (version, name) VALUES (%s, %s)", (migration.version, migration.name)
    )


def _one_line(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    text = (diag.message_primary if diag is not None else None) or str(exc) or type(exc).__name__
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    """Command line: migrate the database at the URL given (or PKIR_DATABASE_URL); one line on failure."""
    import psycopg

    from geo.settings import SettingsError, settings

    args = sys.argv[1:] if argv is None else argv
    try:
        url = args[0] if args else settings().database_url or ""
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not url:
        print("usage: python -m geo.store.migrations postgresql://owner@host/db", file=sys.stderr)
        return 2
    try:
        with psycopg.connect(url) as conn:
            applied = migrate(conn)
            print(f"schema at version {current(conn)}; applied now: {', '.join(map(str, applied)) or 'none'}")
    except MigrationRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"the migration failed: {_one_line(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
