"""Reviewers' decisions on candidate duplicates: "same" event or "different" events, who and when.

    book = open_decisions(store)          # the workspace's JSON file, or the team database's table
    book.decide("UCDP-1", "ACLED-PAK9", "same", "ana@example.org")
    book.clear("UCDP-1", "ACLED-PAK9")    # back to undecided
    book.all()                            # {pair_key: Decision}

A decision is keyed by the two source ids (geo.duplicates.pair_key), never by a dataset row, so it
survives a re-import of either dataset (rows are updated by source id) and a restart. Nothing is
merged or deleted: pages read the decisions to count a confirmed pair once when the user asks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from geo.duplicates import pair_key
from geo.store.base import StoreError

DECISIONS = ("same", "different")
FILE = "duplicate_decisions.json"


@dataclass(frozen=True)
class Decision:
    """One reviewed pair."""

    id_a: str
    id_b: str
    decision: str
    decided_by: str
    decided_at: str

    @property
    def key(self) -> str:
        """The pair's key (geo.duplicates.pair_key)."""
        return pair_key(self.id_a, self.id_b)


def _checked(id_a: str, id_b: str, decision: str, by: str) -> None:
    if decision not in DECISIONS:
        raise StoreError(f"a decision is one of {', '.join(DECISIONS)}, not {decision!r}")
    if not str(by or "").strip():
        raise StoreError("a decision needs who made it")
    if str(id_a) == str(id_b):
        raise StoreError("a pair needs two different ids")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class WorkspaceDecisions:
    """Decisions in the workspace folder: one JSON file, changed under the workspace's lock."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / FILE

    def all(self) -> dict[str, Decision]:
        """Every decision, by pair key."""
        from geo.store.workspace import read_json

        try:
            doc = read_json(self.path, {"pairs": {}})
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
        out = {}
        for raw in (doc.get("pairs") or {}).values():
            try:
                found = Decision(**{k: str(raw[k]) for k in Decision.__dataclass_fields__})
            except (KeyError, TypeError):
                continue  # a hand-edited entry missing a field: not a decision
            if found.decision in DECISIONS:
                out[found.key] = found
        return out

    def _change(self, change) -> None:
        from geo.store.workspace import locked, read_json, write_json

        with locked(self.folder):
            try:
                doc = read_json(self.path, {"pairs": {}})
            except ValueError as exc:
                raise StoreError(str(exc)) from exc
            pairs = dict(doc.get("pairs") or {})
            change(pairs)
            write_json(self.path, {"pairs": pairs})

    def decide(self, id_a: str, id_b: str, decision: str, by: str) -> Decision:
        """Record "same" or "different" for the pair, by whom, now (replacing an earlier decision)."""
        _checked(id_a, id_b, decision, by)
        made = Decision(str(id_a), str(id_b), decision, str(by), _now())
        self._change(lambda pairs: pairs.__setitem__(made.key, asdict(made)))
        return made

    def clear(self, id_a: str, id_b: str) -> None:
        """Make the pair undecided again."""
        self._change(lambda pairs: pairs.pop(pair_key(id_a, id_b), None))


class DatabaseDecisions:
    """Decisions in the team database's pkir.duplicate_decisions (migration 0008)."""

    def __init__(self, store):
        self.store = store

    def all(self) -> dict[str, Decision]:
        """Every decision, by pair key."""
        with self.store.connect() as conn:
            rows = conn.execute(
                "SELECT id_a, id_b, decision, decided_by, decided_at FROM pkir.duplicate_decisions"
            ).fetchall()
        return {pair_key(a, b): Decision(a, b, d, by, at.isoformat(timespec="seconds")) for a, b, d, by, at in rows}

    def _write(self, query: str, params: tuple) -> None:
        import psycopg

        try:
            with self.store.connect(write=True) as conn, conn.transaction():
                conn.execute(query, params)
        except psycopg.Error as exc:
            raise self.store._write_error(exc) from exc

    def decide(self, id_a: str, id_b: str, decision: str, by: str) -> Decision:
        """Record "same" or "different" for the pair, by whom, now (replacing an earlier decision)."""
        _checked(id_a, id_b, decision, by)
        made = Decision(str(id_a), str(id_b), decision, str(by), _now())
        self._write(
            "INSERT INTO pkir.duplicate_decisions (pair_key, id_a, id_b, decision, decided_by, decided_at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (pair_key) DO UPDATE SET id_a = EXCLUDED.id_a,"
            " id_b = EXCLUDED.id_b, decision = EXCLUDED.decision, decided_by = EXCLUDED.decided_by,"
            " decided_at = EXCLUDED.decided_at",
            (made.key, made.id_a, made.id_b, decision, made.decided_by, made.decided_at),
        )
        return made

    def clear(self, id_a: str, id_b: str) -> None:
        """Make the pair undecided again."""
        self._write("DELETE FROM pkir.duplicate_decisions WHERE pair_key = %s", (pair_key(id_a, id_b),))


def open_decisions(store):
    """Where this store keeps decisions: the team database when it is one, else its workspace folder."""
    if hasattr(store, "connect"):
        return DatabaseDecisions(store)
    folder = getattr(store, "folder", None)
    if folder is None:
        raise StoreError("this store cannot keep decisions (it has no workspace folder)")
    return WorkspaceDecisions(folder)


def extra_records(decisions: dict[str, Decision], shown: set[str]) -> int:
    """How many of the shown incidents are extra records of an event confirmed "same": the shown ids
    that belong to a confirmed pair, minus the number of events they form (pairs chained by ids)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in decisions.values():
        if d.decision == "same" and d.id_a in shown and d.id_b in shown:
            parent[root(d.id_a)] = root(d.id_b)
    members = list(parent)
    return len(members) - len({root(m) for m in members})
