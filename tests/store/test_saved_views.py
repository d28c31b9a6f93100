"""Saved views (geo.store.saved_views): in the workspace, or in team mode in the database; save,
list, replace, delete, refusals."""

from __future__ import annotations

import os

import pytest

from geo.store import open_store
from geo.store.base import StoreError
from geo.store.saved_views import (
    MAX_NAME,
    DatabaseViews,
    SavedViewError,
    WorkspaceViews,
    delete_view,
    list_views,
    save_view,
    views_of,
)


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


@pytest.fixture
def pg_url(pg_cluster):
    url = pg_cluster.create_database(migrated=True)
    yield url
    pg_cluster.drop_database(url)


def test_in_team_mode_views_are_kept_in_the_database_and_shared(pg_cluster, pg_url, tmp_path):
    from tests.store.test_postgis_roles import as_role, login_role

    shelf = views_of(open_store(pg_url), tmp_path)
    assert isinstance(shelf, DatabaseViews) and shelf.shared
    shelf.save("Attacks", {"cat": ["attack"], "c": "27.5,62.5", "z": ["8"]}, user="ana@example.org")
    shelf.save("Attacks", {"cat": ["attack", "armed clash"]}, user="ben@example.org")  # replaced
    # another replica (another store on the same database) sees them; nothing lands on a disk
    other = views_of(open_store(pg_url), tmp_path / "elsewhere")
    assert other.list() == {"Attacks": {"cat": ["attack", "armed clash"]}}
    assert not (tmp_path / "views.json").exists()
    # a reader lists and opens, and is refused a change in one line
    reader = views_of(open_store(as_role(pg_url, login_role(pg_cluster, "pkir_reader"))), tmp_path)
    assert list(reader.list()) == ["Attacks"]
    with pytest.raises(StoreError, match=r"^this database role may not change saved views$"):
        reader.save("Mine", {})
    with pytest.raises(SavedViewError):
        shelf.save("", {})
    assert shelf.delete("Attacks") is True and shelf.delete("Attacks") is False
    assert other.list() == {}


def test_without_a_database_views_are_kept_in_the_workspace(tmp_path):
    shelf = views_of(open_store(str(tmp_path / "ws")), tmp_path / "ws")
    assert isinstance(shelf, WorkspaceViews) and not shelf.shared
    shelf.save("x", {"fat": "1"})
    assert list_views(tmp_path / "ws") == {"x": {"fat": ["1"]}}
