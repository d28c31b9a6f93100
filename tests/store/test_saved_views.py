"""Saved views in the workspace (geo.store.saved_views): save, list, replace, delete, refusals."""

from __future__ import annotations

import os

import pytest

from geo.store.base import StoreError
from geo.store.saved_views import MAX_NAME, SavedViewError, delete_view, list_views, save_view


def test_save_list_replace_and_delete(tmp_path):
    assert list_views(tmp_path) == {}
    save_view(tmp_path, "  Attacks near Saravan ", {"cat": ["attack"], "c": "27.5,62.5", "z": ["8"]})
    save_view(tmp_path, "All", {})
    assert list_views(tmp_path) == {
        "All": {},
        "Attacks near Saravan": {"cat": ["attack"], "c": ["27.5,62.5"], "z": ["8"]},
    }
    save_view(tmp_path, "All", {"fat": "2"})  # the same name replaces the view
    assert list_views(tmp_path)["All"] == {"fat": ["2"]}
    assert delete_view(tmp_path, "All") is True
    assert delete_view(tmp_path, "All") is False
    assert list(list_views(tmp_path)) == ["Attacks near Saravan"]


@pytest.mark.parametrize("name", ["", "   ", "x" * (MAX_NAME + 1), "two\nlines"])
def test_a_bad_name_is_refused_in_one_line(tmp_path, name):
    with pytest.raises(SavedViewError, match=r"^[^\n]+$"):
        save_view(tmp_path, name, {})
    assert list_views(tmp_path) == {}


def test_a_views_file_that_is_a_link_is_refused(tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text('{"views": {}}')
    os.symlink(target, tmp_path / "views.json")
    with pytest.raises(StoreError, match="link"):
        list_views(tmp_path)
    with pytest.raises(StoreError, match="link"):
        save_view(tmp_path, "x", {})
    assert target.read_text() == '{"views": {}}'
