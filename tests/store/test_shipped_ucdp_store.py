"""The shipped UCDP GED events in every store implementation: listed, read, queried, counted, read-only."""

from __future__ import annotations

import pytest

from geo.filters import IncidentFilter
from geo.store import open_queries
from geo.store.base import SHIPPED, ReadOnlyDataset
from geo.store.query import IncidentQuery
from geo.store.shipped import UCDP_NAME

SINCE_2019 = IncidentFilter(date_from="2019-01-01")  # 99 + 145 + 189 events in 2019-2021


def test_every_store_offers_the_ucdp_events_read_only_and_answers_for_them(store):
    infos = {i.name: i for i in store.list()}
    assert list(infos)[:2] == [SHIPPED, UCDP_NAME] and infos[UCDP_NAME].read_only
    assert infos[UCDP_NAME].rows == 6416
    assert len(store.read(UCDP_NAME, SINCE_2019, columns=["date_start"])) == 433
    queries = open_queries(store, (SHIPPED, UCDP_NAME))
    assert queries.count(IncidentQuery((UCDP_NAME,), SINCE_2019)) == 433
    both = queries.count(IncidentQuery((SHIPPED, UCDP_NAME), IncidentFilter()))
    assert both == infos[SHIPPED].rows + 6416
    cells = store.aggregate(UCDP_NAME, SINCE_2019, cell_deg=1.0)
    assert int(cells["incidents"].sum()) == 433
    with pytest.raises(ReadOnlyDataset):
        store.remove(UCDP_NAME)
    with pytest.raises(ReadOnlyDataset, match="shipped dataset"):
        store.save(UCDP_NAME, store.read(UCDP_NAME), infos[UCDP_NAME].source)
