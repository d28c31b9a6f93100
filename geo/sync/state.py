"""What a sync keeps for next time, beside the kept datasets (never in the manifest, never logged).

    book = open_book(store)       # WORKSPACE/sync/state.json, or pkir.sync_state in team mode
    with book.running():          # one sync at a time on this store; a second one stops at once
        book.dataset("ACLED PAK") # {"source": "acled", "countries": [...], "last_sync_at": ..., ...}

Per kept dataset: the API (acled / ucdp), its countries and options, the last sync's time and,
for ACLED, the newest row ``timestamp`` seen. Per store: the ACLED refresh token with the user it
belongs to (a secret: the file is this user's alone, mode 0600 in a 0700 folder; in team mode a
table only writers may read) and the UCDP requests used today.
"""

from __future__ import annotations

import contextlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from geo.store.base import LockTimeout, StoreError
from geo.sync.http import SyncError

FOLDER = "sync"
FILE = "state.json"
TOKEN_KEY, QUOTA_KEY, DATASET_PREFIX = "acled-token", "ucdp-quota", "dataset:"
SYNC_LOCK = 7_064_626_903  # pg_try_advisory_lock key: one sync at a time on a team database
RUNNING = "another sync is running on this store; nothing was changed (try again when it ends)"


def today() -> str:
    """The UTC day the UCDP quota counts in."""
    return datetime.now(UTC).date().isoformat()


class _Book(ABC):
    """The operations both places share, over _get(key) / _put(key, doc) / _all()."""

    @abstractmethod
    def _all(self) -> dict: ...

    @abstractmethod
    def _get(self, key: str) -> dict | None: ...

    @abstractmethod
    def _put(self, key: str, doc: dict) -> None: ...

    @abstractmethod
    def running(self) -> contextlib.AbstractContextManager[None]:
        """Hold the sync lock for one sync; SyncError at once when another sync holds it."""

    def dataset(self, name: str) -> dict | None:
        """The sync state of a kept dataset, or None when it was never synced."""
        return self._get(DATASET_PREFIX + name)

    def datasets(self) -> dict[str, dict]:
        """Every synced dataset's state, by dataset name."""
        return {k.removeprefix(DATASET_PREFIX): v for k, v in self._all().items() if k.startswith(DATASET_PREFIX)}

    def put_dataset(self, name: str, doc: dict) -> None:
        """Record a dataset's sync state (after its rows were saved)."""
        self._put(DATASET_PREFIX + name, doc)

    def refresh_token(self, username: str) -> str:
        """The kept ACLED refresh token of this user ("" when none)."""
        doc = self._get(TOKEN_KEY) or {}
        return str(doc.get("refresh_token") or "") if doc.get("username") == username else ""

    def put_refresh_token(self, username: str, token: str) -> None:
        """Keep the ACLED refresh token the token endpoint gave (replacing the older one)."""
        self._put(TOKEN_KEY, {"username": username, "refresh_token": token, "at": datetime.now(UTC).isoformat()})

    def ucdp_used(self) -> int:
        """UCDP requests made today by syncs of this store."""
        doc = self._get(QUOTA_KEY) or {}
        return int(doc.get("count") or 0) if doc.get("day") == today() else 0

    def add_ucdp(self, requests: int) -> None:
        """Count requests made today against UCDP's daily quota."""
        self._put(QUOTA_KEY, {"day": today(), "count": self.ucdp_used() + requests})


class WorkspaceBook(_Book):
    """The state in WORKSPACE/sync/state.json, written atomically; the lock is WORKSPACE/sync/.lock."""

    def __init__(self, workspace: str | Path):
        from geo.store.workspace import real_folder

        self.folder = Path(workspace) / FOLDER
        real_folder(self.folder, "the workspace's sync folder")
        self.path = self.folder / FILE

    def _folder(self) -> Path:
        """The sync folder, made on first write (this user's alone)."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        return self.folder

    def _all(self) -> dict:
        from geo.store.workspace import read_json

        try:
            doc = read_json(self.path, {})
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
        return {k: v for k, v in doc.items() if isinstance(v, dict)}

    def _get(self, key: str) -> dict | None:
        return self._all().get(key)

    def _put(self, key: str, doc: dict) -> None:
        from geo.files import write_atomic

        everything = self._all() | {key: doc}
        text = json.dumps(everything, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomic(self._folder() / FILE, text, mode=0o600)  # a refresh token: this user's eyes only

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Hold this workspace's sync lock; SyncError at once when another sync holds it."""
        from geo.store.workspace import locked

        try:
            with locked(self._folder(), timeout=0):
                yield
        except LockTimeout as exc:
            raise SyncError(RUNNING) from exc


class DatabaseBook(_Book):
    """The state in the team database's pkir.sync_state (migration NNNN_sync_state.sql), by the writer's URL."""

    def __init__(self, store):
        self.store = store

    def _select(self, query: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        try:
            with self.store.connect(write=True) as conn:
                return conn.execute(query, params).fetchall()
        except psycopg.Error as exc:  # e.g. a reader's role, which may not see the table
            raise StoreError(f"the sync state cannot be read ({type(exc).__name__})") from exc

    def _all(self) -> dict:
        rows = self._select("SELECT key, doc FROM pkir.sync_state")
        return {k: v for k, v in rows if isinstance(v, dict)}

    def _get(self, key: str) -> dict | None:
        rows = self._select("SELECT doc FROM pkir.sync_state WHERE key = %s", (key,))
        return rows[0][0] if rows and isinstance(rows[0][0], dict) else None

    def _put(self, key: str, doc: dict) -> None:
        import psycopg
        from psycopg.types.json import Jsonb

        try:
            with self.store.connect(write=True) as conn, conn.transaction():
                conn.execute(
                    "INSERT INTO pkir.sync_state (key, doc, updated_at) VALUES (%s, %s, now())"
                    " ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, updated_at = now()",
                    (key, Jsonb(doc)),
                )
        except psycopg.Error as exc:
            raise self.store._write_error(exc) from exc

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Hold the database's sync lock (a session advisory lock); SyncError at once when another holds it."""
        with self.store.connect(write=True) as conn:
            conn.autocommit = True
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (SYNC_LOCK,)).fetchone()[0]:
                raise SyncError(RUNNING)
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (SYNC_LOCK,))


def open_book(store) -> _Book:
    """Where this store keeps sync state: the team database when it is one, else its workspace folder."""
    if hasattr(store, "connect"):
        return DatabaseBook(store)
    folder = getattr(store, "folder", None)
    if folder is None:
        raise StoreError("this store cannot keep sync state (it has no workspace folder)")
    return WorkspaceBook(folder)
