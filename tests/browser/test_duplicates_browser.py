"""The Duplicates page in a browser (issue 24) at 1366x768 and on a 390 px phone: both records side by
side (stacked on a phone), a decision made with a click, kept in the workspace, no sideways scroll."""

from __future__ import annotations

import json

import pytest

from geo.store.base import SHIPPED
from geo.store.decisions import WorkspaceDecisions
from tests.duplicates_data import keep, ucdp_and_copy
from ui.datasets import CHOICE_FILE

from .conftest import app_errors, run_and_wait, sideways_overflow, wait_for_app


@pytest.fixture
def two_kept(tmp_path):
    """A workspace keeping a UCDP file and a copy of half of it, both shown."""
    ucdp, copy, _ = ucdp_and_copy(tmp_path, 40)
    ws = tmp_path / "workspace"
    keep(ws, "UCDP GED", ucdp, tmp_path / "a.txt")
    keep(ws, "Other source", copy, tmp_path / "b.txt")
    (ws / CHOICE_FILE).write_text(json.dumps({"shown": [SHIPPED, "UCDP GED", "Other source"]}), encoding="utf-8")
    return ws


@pytest.mark.parametrize("device", ["laptop", "phone"])
def test_review_a_pair_and_decide(request, start_app, two_kept, device):
    page = request.getfixturevalue(device)
    app = start_app(env={"PKIR_WORKSPACE": str(two_kept)})
    page.goto(f"{app.url}/duplicates")
    wait_for_app(page)
    page.get_by_text("20 candidate pairs").wait_for()
    review = page.locator(".st-key-dups_review")
    records = review.locator(".pkir-record")
    records.first.wait_for()
    assert records.count() == 2  # both records of the pair, with their sources
    boxes = [records.nth(i).bounding_box() for i in range(2)]
    if device == "laptop":
        assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 1  # side by side
    else:
        assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"] + 1  # one above the other
        assert page.locator(".st-key-wide_dups").is_hidden()  # the phone's table: score and the two ids
    assert page.locator(f".st-key-{'narrow' if device == 'laptop' else 'wide'}_dups").is_hidden()
    assert sideways_overflow(page) == 0
    button = review.get_by_role("button", name="Same event")
    button.scroll_into_view_if_needed()
    run_and_wait(page, lambda: button.click())
    page.get_by_text("1 confirmed the same event").wait_for()
    assert [d.decision for d in WorkspaceDecisions(two_kept).all().values()] == ["same"]
    assert app_errors(page) == []
    app.stop()
