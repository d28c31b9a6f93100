"""Decisions on duplicate pairs in each store (issue 24): kept by source ids with who and when,
through a restart and a re-import; in the team database a reader role cannot decide."""

from __future__ import annotations

import pytest

from geo.duplicates import pair_key
from geo.store import open_store
from geo.store.base import StoreError
from geo.store.decisions import open_decisions
from tests.store.test_postgis_roles import as_role, login_role


def test_decisions_survive_a_restart_and_a_reimport(store_location, synthetic):
    gdf, source = synthetic
    store = open_store(store_location)
    store.save("kept", gdf, source)
    a, b = str(gdf["id"].iat[0]), str(gdf["id"].iat[1])
    open_decisions(store).decide(a, b, "same", "ana@desk.example")
    open_decisions(store).decide(b, "UCDP-9", "different", "ana@desk.example")
    store.save("kept", gdf.iloc[::-1], source, mode="replace")  # imported again
    found = open_decisions(open_store(store_location)).all()  # a restart opens it anew
    assert found[pair_key(b, a)].decision == "same" and found[pair_key(a, b)].decided_by == "ana@desk.example"
    assert found[pair_key("UCDP-9", b)].decision == "different" and found[pair_key(a, b)].decided_at
    open_decisions(store).decide(a, b, "different", "bo@desk.example")  # changed: one decision per pair
    open_decisions(store).clear(b, "UCDP-9")
    again = open_decisions(open_store(store_location)).all()
    assert set(again) == {pair_key(a, b)} and again[pair_key(a, b)].decided_by == "bo@desk.example"


def test_a_reader_role_cannot_decide(pg_cluster):
    url = pg_cluster.create_database(migrated=True)
    try:
        reader = open_store(as_role(url, login_role(pg_cluster, "pkir_reader")))
        with pytest.raises(StoreError, match="may not change"):
            open_decisions(reader).decide("UCDP-1", "ACLED-2", "same", "eve")
        assert open_decisions(reader).all() == {}
        writer = open_store(as_role(url, login_role(pg_cluster, "pkir_writer")))
        open_decisions(writer).decide("UCDP-1", "ACLED-2", "same", "ana")
        assert set(open_decisions(reader).all()) == {pair_key("UCDP-1", "ACLED-2")}
    finally:
        pg_cluster.drop_database(url)
