"""The PostGIS store (team mode): kept datasets in one database that every replica of the app shares.

    PKIR_DATABASE_URL=postgresql://reader@host/db          what the app reads with (may be read-only)
    PKIR_DATABASE_WRITE_URL=postgresql://writer@host/db    optional: what saves and removals use

Tables come from geo.store.migrations, in the schema pkir (applied on open when the role may, else a
clear error); every query names them with that schema.
Every filter of geo.store.base is pushed down to SQL in the form its docstring gives; only the
columns asked come back. A save is one transaction under an advisory lock: killed mid-way it leaves
nothing, and two saves at once both land whole, one after the other; the lock is waited for at most
WRITE_LOCK_WAIT_S. Its rows go by COPY (CSV written by Arrow, in C) into an unindexed temporary
table, then set-based SQL brings the kept rows to them by id, comparing the values themselves
(bench/README.md, "PostGIS imports at COPY speed"), and the dataset's pre-aggregated counts
(geo.store.rollup) are rebuilt in the same transaction. No text holding NUL is stored (PostgreSQL
cannot): a filter value holding one matches nothing, and a frame holding one is refused naming the
row and field.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter
from psycopg.types.json import Jsonb

from geo.filters import IncidentFilter
from geo.incidents import criteria
from geo.incidents.codec import from_flat, is_arrow_text, to_flat
from geo.incidents.criteria import stored_search_text, without_nul
from geo.incidents.schema import FIELDS, GEOMETRY, JSON_COLUMNS
from geo.settings import WRITE_URL_ENV as WRITE_URL_ENV
from geo.settings import settings
from geo.store import migrations, rollup
from geo.store.aggregate import cell_frame, check_cell
from geo.store.base import (
    KEY,
    SHIPPED,
    BBox,
    DatasetInfo,
    DatasetNotFound,
    IncidentStore,
    InvalidDataset,
    SaveReport,
    SourceInfo,
    StoreError,
    already_kept,
)
from geo.store.shipped import ShippedIncidents
from geo.validation import NUL

WRITE_LOCK = 7_064_626_902  # pg_advisory_xact_lock key held by every save and removal
WRITE_LOCK_WAIT_S = 120  # how long a save or removal waits for the write lock (another save holds it)
CONNECT_TIMEOUT_S = 10
HISTORY_KEPT = 50
LOAD_COLUMNS = ("dataset_id", *FIELDS, GEOMETRY, "search")  # staged by COPY; row_hash is computed in SQL
COPY_BATCH = 50_000  # rows turned into CSV text at a time (bounds the memory of a 1M-row save)
MERGE_WORK_MEM = "256MB"  # per sort / hash of the merge by id


def masked_url(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_version() -> str:
    return f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"


_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")  # a \u0000 escape, not an escaped backslash


def _containing(col: pd.Series, needle: str) -> np.ndarray:
    """Positions of the texts holding needle (one pass in C for the common case of none)."""
    if is_arrow_text(col):
        found = pc.match_substring(pa.array(col), needle).fill_null(False)
        return np.flatnonzero(found.to_numpy(zero_copy_only=False)) if pc.any(found).as_py() else np.empty(0, int)
    texts = [v if isinstance(v, str) else "" for v in col.tolist()]
    if needle not in "".join(texts):
        return np.empty(0, int)
    return np.flatnonzero([needle in t for t in texts])


def nul_cell(flat: pd.DataFrame) -> tuple[str, str] | None:
    """(id, field) of the first stored text holding NUL (JSON columns: a \\u0000 escape), or None."""
    for name in flat.columns:
        col = flat[name]
        if name == GEOMETRY or not (is_arrow_text(col) or col.dtype == object):
            continue
        if name in JSON_COLUMNS:
            at = [p for p in _containing(col, "\\u0000") if _JSON_NUL.search(str(col.iloc[p]))]
        else:
            at = list(_containing(col, NUL))
        if at:
            return str(flat[KEY].iloc[int(at[0])]), name
    return None


def where_clause(flt: IncidentFilter | None, bbox: BBox | None) -> tuple[sql.Composable, list]:
    """The SQL condition on table alias ``i`` for a filter (geo.incidents.criteria's PostGIS
    translations) and a box, and its parameters."""
    conditions, params = criteria.postgis_where(flt)
    parts: list[sql.Composable] = [sql.SQL(c) for c in conditions]
    if bbox is not None:
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        parts.append(
            sql.SQL(
                "i.geometry && ST_MakeEnvelope(%s, %s, %s, %s, 4326) AND NOT ST_IsEmpty(i.geometry)"
                " AND ST_X(i.geometry) BETWEEN %s AND %s AND ST_Y(i.geometry) BETWEEN %s AND %s"
            )
        )
        params += [minx, miny, maxx, maxy, minx, maxx, miny, maxy]
    return (sql.SQL(" AND ").join(parts) if parts else sql.SQL("TRUE")), params


def _select_list(columns: list[str]) -> sql.Composable:
    items: list[sql.Composable] = []
    for col in columns:
        ident = sql.Identifier("i", col)
        items.append(sql.SQL("{}::text").format(ident) if col in JSON_COLUMNS else ident)
    items.append(sql.SQL("ST_AsBinary(i.geometry)"))
    return sql.SQL(", ").join(items)


def read_query(
    dataset_id: int, flt: IncidentFilter | None, bbox: BBox | None, columns: list[str]
) -> tuple[sql.Composed, list]:
    """The SELECT of one dataset's rows passing flt and bbox, those columns and the geometry as WKB."""
    where, params = where_clause(flt, bbox)
    query = sql.SQL("SELECT {} FROM pkir.incidents i WHERE i.dataset_id = %s AND {} ORDER BY i.id").format(
        _select_list(columns), where
    )
    return query, [dataset_id, *params]


def aggregate_query(
    names: list[str], flt: IncidentFilter | None, bbox: BBox | None, cell: float
) -> tuple[sql.Composed, list]:
    """Per-cell counts and fatalities of these datasets' rows (an id in several counted once, first named wins)."""
    where, params = where_clause(flt, bbox)
    picked = sql.SQL(
        "SELECT DISTINCT ON (i.id) i.geometry, i.fatalities_best FROM pkir.incidents i"
        " JOIN unnest(%s::text[]) WITH ORDINALITY AS d(name, pos) ON TRUE"
        " JOIN pkir.datasets s ON s.name = d.name AND s.dataset_id = i.dataset_id"
        " WHERE {} ORDER BY i.id, d.pos"
    ).format(where)
    if len(names) == 1:  # ids are unique within a dataset: no DISTINCT ON pass
        picked = sql.SQL(
            "SELECT i.geometry, i.fatalities_best FROM pkir.incidents i"
            " JOIN pkir.datasets s ON s.dataset_id = i.dataset_id AND s.name = ANY(%s::text[]) WHERE {}"
        ).format(where)
    query = sql.SQL(
        "SELECT floor(ST_X(p.geometry) / %s)::bigint AS cx, floor(ST_Y(p.geometry) / %s)::bigint AS cy,"
        " count(*), sum(coalesce(p.fatalities_best, 0))::bigint FROM ({}) p"
        " WHERE p.geometry IS NOT NULL AND NOT ST_IsEmpty(p.geometry) GROUP BY 1, 2"
    ).format(picked)
    return query, [cell, cell, names, *params]


def copy_batch(flat: gpd.GeoDataFrame, dataset_id: int) -> pa.Table:
    """Stored rows as an Arrow table in LOAD_COLUMNS order: typed columns, the geometry as hex EWKB
    (PostGIS reads it as text), the keyword text built as the pandas filter builds it."""
    columns: dict[str, pa.Array] = {"dataset_id": pa.array(np.full(len(flat), dataset_id, dtype=np.int64))}
    for name in FIELDS:
        col = flat[name]
        if is_arrow_text(col):
            columns[name] = pa.array(col.array)
        elif col.dtype == object:
            columns[name] = pa.array(col.to_numpy(), type=pa.string(), from_pandas=True)
        else:
            columns[name] = pa.array(col, from_pandas=True)
    geoms = shapely.set_srid(np.asarray(flat.geometry.values), 4326)
    columns[GEOMETRY] = pa.array(shapely.to_wkb(geoms, hex=True, include_srid=True), type=pa.string())
    columns["search"] = pa.array(stored_search_text(flat).to_numpy(), type=pa.string())
    return pa.table(columns)


def csv_bytes(table: pa.Table) -> bytes:
    """COPY ... (FORMAT csv) input: every text quoted (so an empty text is not NULL), NULL left empty."""
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue().to_pybytes()


def _load_rows(conn, dataset_id: int, flat: gpd.GeoDataFrame) -> int:
    """COPY the rows into the transaction's unindexed staging table pg_temp.pkir_load, in batches of
    COPY_BATCH rows built and written in C (Arrow's CSV writer), one batch sent by a driver thread
    while the next is built; the rows loaded."""
    conn.execute(
        sql.SQL("CREATE TEMP TABLE pkir_load ON COMMIT DROP AS SELECT {} FROM pkir.incidents WITH NO DATA").format(
            _names(LOAD_COLUMNS)
        )
    )
    stmt = sql.SQL("COPY pg_temp.pkir_load ({}) FROM STDIN (FORMAT csv)").format(_names(LOAD_COLUMNS))
    cursor = conn.cursor()
    with cursor.copy(stmt, writer=QueuedLibpqWriter(cursor)) as copy:  # sends while the next batch is built
        for start in range(0, len(flat), COPY_BATCH):
            copy.write(csv_bytes(copy_batch(flat.iloc[start : start + COPY_BATCH], dataset_id)))
    conn.execute("ANALYZE pg_temp.pkir_load")
    return len(flat)


def _names(columns, alias: str | None = None) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(*((alias,) if alias else ()), c) for c in columns)


def _same_row() -> sql.Composable:
    """Kept row k holds exactly staged row l's values (two missing values are the same)."""
    data = (*FIELDS, GEOMETRY)
    return sql.SQL("({}) IS NOT DISTINCT FROM ({})").format(_names(data, "k"), _names(data, "l"))


def _merge_rows(conn, dataset_id: int, loaded: int, mode: str) -> tuple[int, int, int, int]:
    """Bring the dataset's kept rows to the staged ones by id, in set-based SQL; (added, changed,
    removed, unchanged). Replace mode also drops the kept ids not staged."""
    removed = changed = 0
    if conn.execute("SELECT EXISTS (SELECT 1 FROM pkir.incidents WHERE dataset_id = %s)", (dataset_id,)).fetchone()[0]:
        if mode == "replace":
            removed = conn.execute(
                "DELETE FROM pkir.incidents k WHERE k.dataset_id = %s"
                " AND NOT EXISTS (SELECT 1 FROM pg_temp.pkir_load l WHERE l.id = k.id)",
                (dataset_id,),
            ).rowcount
        changed = conn.execute(
            sql.SQL(
                "DELETE FROM pkir.incidents k USING pg_temp.pkir_load l"
                " WHERE k.dataset_id = %s AND k.id = l.id AND NOT {}"
            ).format(_same_row()),
            (dataset_id,),
        ).rowcount
        new_only = sql.SQL(" WHERE NOT EXISTS (SELECT 1 FROM pkir.incidents k WHERE k.dataset_id = %s AND k.id = l.id)")
        params: tuple = (dataset_id,)
    else:
        new_only, params = sql.SQL(""), ()
    data = (*FIELDS, GEOMETRY)
    written = conn.execute(
        sql.SQL(
            "INSERT INTO pkir.incidents ({}, row_hash) SELECT {}, hashtextextended(ROW({})::text, 0)"
            " FROM pg_temp.pkir_load l{} ORDER BY l.id"
        ).format(_names(LOAD_COLUMNS), _names(LOAD_COLUMNS, "l"), _names(data, "l"), new_only),
        params,
    ).rowcount
    return written - changed, changed, removed, loaded - written


class PostgisStore(IncidentStore):
    """Kept datasets in a PostGIS database (geo.store.migrations makes its tables)."""

    def __init__(self, url: str, write_url: str | None = None, migrate: bool = True, shipped=None):
        super().__init__(shipped if shipped is not None else ShippedIncidents())
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        configured = settings()
        if write_url is None and url == configured.database_url:  # the configured pair (PKIR_DATABASE_WRITE_URL)
            write_url = configured.database_write_url
        self.write_url = write_url or self.url
        if migrate:
            self._check_schema()

    @property
    def location(self) -> str:
        """The database URL reads go to, without its password (it is shown on pages)."""
        return masked_url(self.url)

    # ---- connections and schema

    def connect(self, write: bool = False) -> psycopg.Connection:
        """A new connection to the database (the writer's URL when write): the caller closes it;
        StoreError naming the database (without its password) when it cannot be reached."""
        url = self.write_url if write else self.url
        try:
            return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, application_name="pkir-dashboard")
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot reach the database {masked_url(url)}: {reason}") from exc

    def _check_schema(self) -> None:
        """Bring the schema to this app's version, or say who must (a read-only role cannot): once per
        store opened (the pages' store is opened once and cached at the edge, ui.datasets)."""
        with self.connect() as conn:
            version = migrations.current(conn)
        if version < migrations.latest():
            try:
                with self.connect(write=True) as conn:
                    migrations.migrate(conn)
            except migrations.MigrationRefused as exc:
                raise StoreError(f"the database {masked_url(self.url)} cannot be migrated: {exc}") from exc
            except psycopg.Error as exc:
                raise StoreError(
                    f"the database {masked_url(self.url)} is at schema version {version}, this app needs "
                    f"{migrations.latest()}; the database owner runs: python -m geo.store.migrations URL "
                    f"({exc.diag.message_primary or type(exc).__name__})"
                ) from exc
        elif version > migrations.latest():
            raise StoreError(f"the database {masked_url(self.url)} was set up by a newer version of the app")

    def _write_error(self, exc: psycopg.Error) -> StoreError:
        if isinstance(exc, psycopg.errors.LockNotAvailable):
            return StoreError(
                f"the store's write lock in {masked_url(self.write_url)} was held by another session for over"
                f" {WRITE_LOCK_WAIT_S:g} s (a long save, or a session holding it); nothing was changed, try again"
                " later or ask the database admin to end that session (pg_stat_activity)"
            )
        if isinstance(exc, psycopg.errors.InsufficientPrivilege) and "temporary" in str(exc.diag.message_primary):
            return StoreError(
                f"the database role of {masked_url(self.write_url)} may not create temporary tables, where a save"
                " stages its rows; the database owner runs: GRANT TEMPORARY ON DATABASE <name> TO pkir_writer"
            )
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return StoreError(f"the database role of {masked_url(self.write_url)} may not change kept datasets")
        return StoreError(f"the database refused the change: {exc.diag.message_primary or exc}")

    # ---- the four kept-dataset methods

    def _kept_infos(self) -> list[DatasetInfo]:
        with self.connect() as conn:
            rows = conn.execute("SELECT info FROM pkir.datasets").fetchall()
        return [DatasetInfo.from_dict(row[0]) for row in rows]

    def _dataset_id(self, conn, name: str, lock: bool = False) -> int | None:
        query = "SELECT dataset_id FROM pkir.datasets WHERE name = %s" + (" FOR UPDATE" if lock else "")
        row = conn.execute(query, (name,)).fetchone()
        return None if row is None else row[0]

    def _read_kept(
        self, name: str, flt: IncidentFilter | None, bbox: BBox | None, columns: list[str] | None
    ) -> gpd.GeoDataFrame:
        cols = list(FIELDS) if columns is None else columns
        with self.connect() as conn, conn.transaction():
            dataset_id = self._dataset_id(conn, name)
            if dataset_id is None:
                raise DatasetNotFound(f"no dataset named '{name}'")
            rows = conn.execute(*read_query(dataset_id, flt, bbox, cols)).fetchall()
        flat = pd.DataFrame.from_records(rows, columns=[*cols, GEOMETRY], coerce_float=False)
        if not rows:
            flat = pd.DataFrame({c: pd.Series(dtype=object) for c in [*cols, GEOMETRY]})
        flat[GEOMETRY] = shapely.from_wkb(flat[GEOMETRY].to_numpy())
        return from_flat(flat)

    def _save_kept(self, name: str, incidents: gpd.GeoDataFrame, source: SourceInfo, mode: str) -> SaveReport:
        new = to_flat(incidents).reset_index(drop=True)
        found = nul_cell(new)
        if found:
            raise InvalidDataset(
                f"the row with id '{found[0]}': {found[1]} holds a NUL character (U+0000), which the database"
                " cannot store; nothing was saved"
            )
        try:
            with self.connect(write=True) as conn, conn.transaction():
                return self._save_in(conn, name, new, source, mode)
        except psycopg.Error as exc:
            raise self._write_error(exc) from exc

    def _save_in(self, conn, name, new, source, mode) -> SaveReport:
        _write_lock(conn)
        infos = [DatasetInfo.from_dict(r[0]) for r in conn.execute("SELECT info FROM pkir.datasets")]
        entry = next((i for i in infos if i.name == name), None)
        reason = already_kept(infos, name, source)
        if reason:
            return SaveReport(name, unchanged=len(new), skipped=reason, version=entry.version if entry else "")
        dataset_id = self._dataset_id(conn, name, lock=True)
        if dataset_id is None:
            dataset_id = conn.execute(
                "INSERT INTO pkir.datasets (name, version, info) VALUES (%s, '', '{}') RETURNING dataset_id", (name,)
            ).fetchone()[0]
        loaded = self._copy(conn, dataset_id, new)
        conn.execute(sql.SQL("SET LOCAL work_mem = {}").format(sql.Literal(MERGE_WORK_MEM)))
        added, changed, removed, unchanged = _merge_rows(conn, dataset_id, loaded, mode)
        total = conn.execute("SELECT count(*) FROM pkir.incidents WHERE dataset_id = %s", (dataset_id,)).fetchone()[0]
        history = [*(entry.history if entry else ()), _history(source, mode, added, changed, removed)]
        if entry is not None and not (added or changed or removed):
            version, imported_at = entry.version, entry.imported_at
        else:
            version, imported_at = _new_version(), _now()
        info = DatasetInfo(name, source, imported_at, total, version, history=tuple(history[-HISTORY_KEPT:]))
        conn.execute(
            "UPDATE pkir.datasets SET version = %s, info = %s WHERE dataset_id = %s",
            (version, Jsonb(info.to_dict()), dataset_id),
        )
        rollup.follow(conn, dataset_id, version)
        return SaveReport(name, added, changed, removed, unchanged, version=version)

    def _copy(self, conn, dataset_id: int, flat: gpd.GeoDataFrame) -> int:
        """COPY rows into the staging table of the caller's transaction; the rows loaded."""
        return _load_rows(conn, dataset_id, flat)

    def _remove_kept(self, name: str) -> None:
        if NUL in name:  # no kept name holds one (geo.store.base.check_name), and PostgreSQL refuses it
            raise DatasetNotFound(f"no dataset named '{name}'")
        try:
            with self.connect(write=True) as conn, conn.transaction():
                _write_lock(conn)
                if conn.execute("DELETE FROM pkir.datasets WHERE name = %s", (name,)).rowcount == 0:
                    raise DatasetNotFound(f"no dataset named '{name}'")
        except psycopg.Error as exc:
            raise self._write_error(exc) from exc

    # ---- aggregation in SQL

    def aggregate(
        self,
        names: str | Sequence[str],
        flt: IncidentFilter | None = None,
        bbox: BBox | None = None,
        cell_deg: float = 0.5,
    ) -> pd.DataFrame:
        """Per-cell counts computed in the database (the shipped dataset, kept in git, goes through pandas)."""
        names = [names] if isinstance(names, str) else list(dict.fromkeys(names))
        if SHIPPED in names or set(names) & set(self.also_shipped):
            return super().aggregate(names, flt, bbox, cell_deg)
        cell = check_cell(cell_deg)
        with self.connect() as conn, conn.transaction():
            asked = without_nul(names)
            have = {r[0] for r in conn.execute("SELECT name FROM pkir.datasets WHERE name = ANY(%s)", (asked,))}
            missing = [n for n in names if n not in have]
            if missing:
                raise DatasetNotFound(f"no dataset named '{missing[0]}'")
            rows = conn.execute(*aggregate_query(names, flt, bbox, cell)).fetchall()
        cx, cy, n, fatal = (list(col) for col in zip(*rows, strict=True)) if rows else ([], [], [], [])
        return cell_frame(cx, cy, n, fatal, cell)


def _write_lock(conn) -> None:
    """Take the store's write lock for this transaction, waiting at most WRITE_LOCK_WAIT_S
    (psycopg.errors.LockNotAvailable after that): any role may take an advisory lock, a reader too."""
    conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{int(WRITE_LOCK_WAIT_S * 1000)}ms")))
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
    conn.execute("SET LOCAL lock_timeout = 0")


def _history(source: SourceInfo, mode: str, added: int, changed: int, removed: int) -> dict:
    return {
        "at": _now(),
        "file": source.file_name,
        "mode": mode,
        "added": added,
        "changed": changed,
        "removed": removed,
    }
