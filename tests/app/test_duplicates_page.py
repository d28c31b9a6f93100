"""AppTest of the Duplicates page (issue 24): pairs across two kept datasets reviewed side by side,
an editor's decision kept and counted once in the explorer and the map, a viewer refused."""

from __future__ import annotations

import pytest

from geo.duplicates import pair_key
from geo.store.decisions import WorkspaceDecisions
from geo.store.workspace import WORKSPACE_ENV
from tests.app_helpers import open_page
from tests.duplicates_data import two_kept_workspace


@pytest.fixture
def two_kept(tmp_path, settings_env):
    """A workspace keeping a UCDP file and a second source's copy of half of it, both shown."""
    return two_kept_workspace(tmp_path, settings_env)


def _events(at) -> int:
    return int(next(m for m in at.metric if m.label == "Events").value.replace(",", ""))


def test_an_editor_decides_and_the_counts_count_the_event_once(two_kept):
    ws, truth = two_kept
    at = open_page("pages/duplicates.py")
    assert "**20 candidate pairs** · 0 confirmed the same event" in at.markdown[0].value
    table = at.dataframe[0].value
    assert set(zip(table["id_a"], table["id_b"], strict=True)) == truth
    assert not at.toggle(key="dups_count_once").value  # nothing confirmed yet: counted as they are
    first = (table["id_a"].iat[0], table["id_b"].iat[0])
    at.button(key="dups_same").click().run()
    assert not at.exception, [e.value for e in at.exception]
    made = WorkspaceDecisions(ws).all()[pair_key(*first)]
    assert made.decision == "same" and made.decided_by.startswith("local:")
    assert "1 confirmed the same event" in at.markdown[0].value
    assert at.toggle(key="dups_count_once").value  # on by default once a pair is confirmed

    at.switch_page("pages/incidents.py").run()
    once = _events(at)
    assert "Confirmed duplicates are counted once: 1 record" in " ".join(c.value for c in at.caption)
    at.toggle(key="dups_count_once").set_value(False).run()
    assert _events(at) == once + 1
    assert "may be counted twice" in " ".join(c.value for c in at.caption)

    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("may be counted twice" in m.value for m in at.markdown)


def test_different_and_undecided(two_kept):
    ws, _ = two_kept
    at = open_page("pages/duplicates.py")
    first = (at.dataframe[0].value["id_a"].iat[0], at.dataframe[0].value["id_b"].iat[0])
    at.button(key="dups_different").click().run()
    assert WorkspaceDecisions(ws).all()[pair_key(*first)].decision == "different"
    at.segmented_control(key="dups_show").set_value("Different events").run()
    assert list(at.dataframe[0].value["id_a"]) == [first[0]]
    assert any("Decided: different events" in c.value for c in at.caption)
    at.button(key="dups_undecided").click().run()
    assert WorkspaceDecisions(ws).all() == {}


def test_a_viewer_cannot_decide(two_kept, settings_env):
    settings_env.setenv("PKIR_EDITORS", "ana@desk.example")  # guarded, and nobody can sign in here
    at = open_page("pages/duplicates.py")
    assert not [b for b in at.button if b.key in ("dups_same", "dups_different", "dups_undecided")]
    assert any(i.value.startswith("Only editors can decide on duplicates.") for i in at.info), [
        i.value for i in at.info
    ]
    assert at.dataframe[0].value.shape[0] == 20  # the pairs are still there to read


def test_one_dataset_shown_says_how_to_find_pairs(tmp_path, settings_env):
    settings_env.setenv(WORKSPACE_ENV, str(tmp_path / "workspace"))
    at = open_page("pages/duplicates.py")
    assert any("Show two datasets or more" in i.value for i in at.info)
    assert not [t for t in at.toggle if t.key == "dups_count_once"]


def test_a_decision_that_cannot_be_kept_says_why(two_kept):
    ws, _ = two_kept
    (ws / "duplicate_decisions.json").mkdir()  # not a file: nothing can be written there
    at = open_page("pages/duplicates.py")
    at.button(key="dups_same").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("The decision was not kept" in e.value and "is a folder" in e.value for e in at.error), [
        e.value for e in at.error
    ]


def test_hiding_probable_duplicates_leaves_them_out_of_every_page(two_kept):
    from geo.duplicates import PROBABLE

    at = open_page("pages/duplicates.py")
    table = at.dataframe[0].value
    probable = int((table["score"] >= PROBABLE).sum())
    assert probable > 0
    at.switch_page("pages/incidents.py").run()
    before = _events(at)
    at.toggle(key="dups_hide_probable").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _events(at) == before - probable
    line = f"Probable duplicates hidden: {probable:,} record"
    assert line in " ".join(c.value for c in at.caption)
    for page in ("pages/map.py", "pages/chronology.py", "pages/trends.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        shown = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
        assert line in shown, page
    at.toggle(key="dups_hide_probable").set_value(False).run()
    at.switch_page("pages/incidents.py").run()
    assert _events(at) == before
