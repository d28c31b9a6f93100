"""Duplicates across datasets (issue 24, section 2): planted pairs found, close-but-different events
left out, the grid missing nothing all-pairs finds, decisions kept by source ids, the CLI's report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.bench_duplicates import measure, planted
from geo.duplicates import (
    PAIR_COLUMNS,
    _gap_days,
    _haversine,
    candidate_pairs,
    compatible,
    fold,
    hidden_records,
    pair_key,
    read_rows,
)
from geo.store import open_queries, open_store
from geo.store.base import StoreError
from geo.store.decisions import Decision, WorkspaceDecisions, extra_records, open_decisions
from scripts import find_duplicates
from tests.duplicates_data import keep, ucdp_and_copy


def test_planted_pairs_recall_and_precision_above_0_9():
    original, other, truth = planted(3000)
    pairs = candidate_pairs({"UCDP": original, "ACLED": other})
    recall, precision = measure(pairs, truth)
    print(f"planted: {len(truth)} duplicates, {len(pairs)} pairs found, recall {recall:.3f}, precision {precision:.3f}")
    assert recall > 0.9 and precision > 0.9
    found = {pair_key(a, b) for a, b in zip(pairs["id_a"], pairs["id_b"], strict=True)}
    # the distinct events planted beside every odd original: days later, 30-60 km off, another kind
    for i in range(1, 3000, 2):
        if i % 4 != 1 and i % 3 in (0, 1, 2):
            assert pair_key(f"UCDP-{i}", f"NEAR-{i}") not in found


def test_a_real_ucdp_file_and_a_moved_copy(tmp_path):
    ucdp, copy, truth = ucdp_and_copy(tmp_path, 300)
    cols = ["id", "date_start", "date_end", "category", "place", "admin1", "admin2", "actors"]
    frames = {n: f[cols].assign(lon=f.geometry.x, lat=f.geometry.y) for n, f in (("UCDP", ucdp), ("copy", copy))}
    pairs = candidate_pairs(frames)
    recall, precision = measure(pairs, {pair_key(a, b) for a, b in truth})
    print(f"UCDP and a copy: recall {recall:.3f}, precision {precision:.3f}")
    assert recall > 0.9 and precision > 0.9
    assert list(pairs.columns) == list(PAIR_COLUMNS)
    assert (pairs["dataset_a"] == "UCDP").all() and (pairs["km"] <= 2.01).all() and (pairs["days"] <= 1).all()


def test_the_grid_finds_what_comparing_every_pair_finds():
    rnd = np.random.default_rng(3)
    n = 300

    def frame(prefix):
        return pd.DataFrame(
            {
                "id": [f"{prefix}{i}" for i in range(n)],
                "date_start": pd.Timestamp("2020-01-01") + pd.to_timedelta(rnd.integers(0, 40, n), unit="D"),
                "lon": rnd.uniform(61, 63, n),
                "lat": rnd.uniform(27, 29, n),
                "category": rnd.choice(["attack", "armed clash", "protest"], n),
                "place": "Saravan",
                "actors": [["Jaish al-Adl"]] * n,
            }
        ).assign(date_end=lambda f: f["date_start"] + pd.to_timedelta(rnd.integers(0, 3, n), unit="D"))

    a, b = frame("a"), frame("b")
    pairs = candidate_pairs({"A": a, "B": b}, km=25, days=1, min_score=0)
    i, j = (v.ravel() for v in np.meshgrid(range(n), range(n), indexing="ij"))  # every pair
    ra, rb = a.iloc[i].reset_index(drop=True), b.iloc[j].reset_index(drop=True)
    km, gap = _haversine(ra.lon, ra.lat, rb.lon, rb.lat), _gap_days(ra, rb)
    kinds = np.array([compatible(x, y) for x, y in zip(ra.category, rb.category, strict=True)])
    ok = (km <= 25) & (gap <= 1) & kinds
    expected = set(zip(ra.id[ok], rb.id[ok], strict=True))
    assert expected and set(zip(pairs["id_a"], pairs["id_b"], strict=True)) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [("Zahedan", "Zahidan"), ("Turbat", "Torbat"), ("Saravan", "Sarawan"), ("Panjgur", "Panjgoor"),
     ("Khuzdar district", "Khuzdar"), ("Mashkél", "Mashkel")],
)  # fmt: skip
def test_transliterations_fold_to_one_spelling(one, other):
    assert fold(one) == fold(other)


def test_other_places_stay_apart():
    assert fold("Quetta") != fold("Turbat") and fold("زاهدان") == "زاهدان"


def test_kinds_that_cannot_be_one_event_are_not_paired():
    assert compatible("attack", "bombing/IED") and compatible("arrest", "arrest")
    assert not compatible("attack", "protest") and not compatible("diplomatic", "armed clash")


def test_pairs_only_across_datasets_and_never_the_same_id():
    row = {"date_start": "2020-01-01", "date_end": "2020-01-01", "lon": 62.0, "lat": 27.0, "category": "attack"}
    a = pd.DataFrame([{**row, "id": "X-1", "place": "Rask", "actors": []}, {**row, "id": "X-2", "place": "Rask"}])
    b = pd.DataFrame([{**row, "id": "X-1", "place": "Rask", "actors": []}])
    pairs = candidate_pairs({"A": a, "B": b}, min_score=0)
    assert list(pairs["id_a"]) == ["X-2"] and list(pairs["id_b"]) == ["X-1"]
    assert pairs["reasons"].iat[0].startswith("0.0 km apart; same days; both attack; place 100% alike")


def test_decisions_survive_a_restart_and_a_reimport(tmp_path):
    ucdp, copy, _ = ucdp_and_copy(tmp_path, 40)
    ws = tmp_path / "ws"
    keep(ws, "UCDP", ucdp, tmp_path / "a.txt")
    keep(ws, "copy", copy, tmp_path / "b.txt")
    book = open_decisions(open_store(str(ws)))
    book.decide("UCDP-1", "COPY-1", "same", "ana@example.org")
    book.decide("COPY-3", "UCDP-3", "different", "ana@example.org")
    keep(ws, "UCDP", ucdp.iloc[::-1], tmp_path / "a2.txt")  # imported again: the rows are replaced
    again = open_decisions(open_store(str(ws)))  # a new process would open it the same way
    found = again.all()
    assert found[pair_key("COPY-1", "UCDP-1")].decision == "same"
    assert found[pair_key("UCDP-3", "COPY-3")].decided_by == "ana@example.org"
    again.clear("COPY-3", "UCDP-3")
    assert set(WorkspaceDecisions(ws).all()) == {pair_key("UCDP-1", "COPY-1")}


def test_a_decision_needs_a_kind_a_person_and_two_ids(tmp_path):
    book = WorkspaceDecisions(tmp_path)
    for args in (("a", "b", "maybe", "x"), ("a", "b", "same", " "), ("a", "a", "same", "x")):
        with pytest.raises(StoreError):
            book.decide(*args)
    assert book.all() == {}


def test_a_confirmed_event_counts_once_only_when_its_records_are_shown(tmp_path):
    book = WorkspaceDecisions(tmp_path)
    book.decide("a", "b", "same", "x")
    book.decide("b", "c", "same", "x")
    book.decide("d", "e", "different", "x")
    decided = book.all()
    assert extra_records(decided, {"a", "b", "c", "d", "e"}) == 2  # a, b, c are one event
    assert extra_records(decided, {"a", "c", "d", "e"}) == 0  # b not shown: nothing links a and c
    assert extra_records(decided, {"a", "b"}) == 1


def test_read_rows_asks_only_the_columns_it_needs(tmp_path):
    ucdp, _copy, _ = ucdp_and_copy(tmp_path, 20)
    keep(tmp_path / "ws", "UCDP", ucdp, tmp_path / "a.txt")
    store = open_store(str(tmp_path / "ws"))
    frames = read_rows(open_queries(store, ("UCDP", "shipped")), ("UCDP", "shipped"))
    assert len(frames["UCDP"]) == 20 and "description" not in frames["UCDP"].columns


def test_the_command_lists_pairs_and_writes_the_report(tmp_path, monkeypatch, capsys):
    ucdp, copy, truth = ucdp_and_copy(tmp_path, 60)
    ws = tmp_path / "ws"
    keep(ws, "UCDP GED", ucdp, tmp_path / "a.txt")
    keep(ws, "Other", copy, tmp_path / "b.txt")
    open_decisions(open_store(str(ws))).decide("UCDP-1", "COPY-1", "same", "ana")
    monkeypatch.setenv("PKIR_WORKSPACE", str(ws))
    report = tmp_path / "pairs.csv"
    assert find_duplicates.main(["UCDP GED", "Other", "shipped", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("30 candidate pairs within 25 km and 1 day(s)")
    found = pd.read_csv(report, keep_default_na=False)
    assert list(found.columns) == [*PAIR_COLUMNS, "decision"]
    assert set(zip(found["id_a"], found["id_b"], strict=True)) == truth
    assert found.set_index("id_a").at["UCDP-1", "decision"] == "same"
    assert find_duplicates.main(["UCDP GED", "Nope"]) == 2
    assert "no dataset named 'Nope'" in capsys.readouterr().err
    assert find_duplicates.main(["UCDP GED"]) == 2


def _pair(ds_a, id_a, ds_b, id_b, score):
    return {"dataset_a": ds_a, "id_a": id_a, "dataset_b": ds_b, "id_b": id_b, "km": 1.0, "days": 0, "score": score}


def test_hiding_probable_duplicates_keeps_the_first_named_datasets_record():
    pairs = pd.DataFrame(
        [
            _pair("ucdp", "U1", "shipped", "S1", 0.9),  # probable: the shipped record stays
            _pair("ucdp", "U1", "acled", "A1", 0.85),  # chained to the same event
            _pair("ucdp", "U2", "acled", "A2", 0.7),  # only a candidate
            _pair("ucdp", "U3", "acled", "A3", 0.7),  # a candidate reviewers confirmed
            _pair("ucdp", "U4", "acled", "A4", 0.95),  # probable, but reviewers said different
        ]
    )
    decided = {
        pair_key("U3", "A3"): Decision("U3", "A3", "same", "editor", "2026-12-06"),
        pair_key("A4", "U4"): Decision("A4", "U4", "different", "editor", "2026-12-06"),
    }
    names = ("shipped", "ucdp", "acled")
    assert hidden_records(pairs, decided, names) == {"U1", "A1", "A3"}
    assert hidden_records(pairs, decided, ("acled", "ucdp", "shipped")) == {"U1", "S1", "U3"}
    assert hidden_records(pairs.iloc[:0], decided, names) == set()
