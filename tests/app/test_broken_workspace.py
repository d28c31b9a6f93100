"""A broken, hostile or unsafe workspace under AppTest (issue 21): no traceback on any page, the
curated events still shown, and one line in the sidebar naming the workspace and the problem."""

from __future__ import annotations

import fcntl
import json
import os
import shutil

import pytest
import streamlit as st

from geo.catalog import DATA_DIR, DATA_DIR_ENV, LAYERS
from geo.store import workspace
from geo.store.base import SHIPPED
from geo.store.embedded import EmbeddedStore
from geo.store.workspace import WORKSPACE_ENV
from tests.app.test_kept_datasets import ACLED, CHOSEN, kept_synthetic
from tests.app_helpers import PAGES, open_page

CURATED = "Curated events (shipped, 51)"
UCDP = "UCDP GED 22.1 events (shipped, 6,416)"  # shipped too (geo/data/ucdp_ged.geojson.gz): listed with any store


def restart() -> None:
    """What a server restart forgets: every cached store and read."""
    st.cache_resource.clear()
    st.cache_data.clear()


def _manifest(folder, change) -> None:
    path = folder / "manifest.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _file_outside(folder):
    """A kept dataset whose manifest entry names a file outside the workspace; returns that file."""
    outside = folder.parent / "outside.txt"
    outside.write_text("someone's notes", encoding="utf-8")
    _manifest(folder, lambda doc: doc["datasets"]["kept"].update(file="../outside.txt"))
    return outside


def _link_to_static(folder):
    """PKIR_WORKSPACE is a link into the served static/ folder."""
    shutil.rmtree(folder)
    folder.symlink_to(workspace.STATIC, target_is_directory=True)


DAMAGES = {
    "newer-format": (lambda ws: (ws / "manifest.json").write_text('{"format": 2, "datasets": {}}'), "newer version"),
    "invalid-json": (lambda ws: (ws / "manifest.json").write_text("{ not json"), "not valid JSON"),
    "manifest-folder": (lambda ws: ((ws / "manifest.json").unlink(), (ws / "manifest.json").mkdir()), "is a folder"),
    "workspace-a-file": (lambda ws: (shutil.rmtree(ws), ws.write_text("x")), "is not a folder"),
    "workspace-in-geo": (
        lambda ws: (shutil.rmtree(ws), ws.symlink_to(DATA_DIR, target_is_directory=True)),
        "shipped data package",
    ),
    "workspace-in-static": (_link_to_static, "folder the server serves"),
    "rows-text": (lambda ws: _manifest(ws, lambda d: d["datasets"]["kept"].update(rows="many")), "field 'rows'"),
    "file-outside": (_file_outside, "field 'file'"),
}


@pytest.fixture
def workspace_folder(tmp_path, settings_env):
    folder = tmp_path / "workspace"
    settings_env.setenv(WORKSPACE_ENV, str(folder))
    restart()
    yield folder
    restart()


def sidebar_lines(at) -> list[str]:
    return [e.value for e in at.sidebar.error] + [w.value for w in at.sidebar.warning]


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_broken_workspace_leaves_the_curated_events_and_names_the_problem(workspace_folder, damage):
    kept_synthetic(workspace_folder)
    harm, problem = DAMAGES[damage]
    returned = harm(workspace_folder)
    restart()
    at = open_page("pages/incidents.py")  # fails on any exception
    lines = [line.replace("\\", "") for line in sidebar_lines(at)]  # Markdown escapes taken out
    named = [line for line in lines if "workspace" in line and problem in line]
    assert len(named) == 1, lines
    assert at.multiselect(key=CHOSEN).options == [CURATED, UCDP]
    assert "inauguration" in at.multiselect(key="filter_categories").options  # the curated events are shown
    assert len(at.error) == len(at.sidebar.error), [e.value for e in at.error]  # nothing on the page itself
    if damage == "file-outside":
        assert returned.read_text(encoding="utf-8") == "someone's notes"
    if damage == "workspace-in-static":
        assert sorted(p.name for p in workspace.STATIC.iterdir()) == sorted(["README.md", "vendor"])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_a_workspace_of_a_newer_format(workspace_folder, page):
    kept_synthetic(workspace_folder)
    (workspace_folder / "manifest.json").write_text('{"format": 99, "datasets": {}}', encoding="utf-8")
    restart()
    at = open_page(page)
    assert any("newer version" in line for line in sidebar_lines(at))
    assert at.title, "the page stopped before its title"


def test_a_damaged_dataset_file_is_named_not_a_traceback(workspace_folder):
    store = kept_synthetic(workspace_folder)
    path = store.folder / store._manifest()["datasets"]["kept"]["file"]
    path.write_bytes(b"PAR1 not really")
    restart()
    at = open_page("pages/map.py")
    at.multiselect(key=CHOSEN).set_value([SHIPPED, "kept"]).run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(c.value for c in at.code)
    assert "dataset 'kept'" in text and "cannot be read" in text, text


def keep_on_import_page():
    at = open_page("pages/import_data.py")
    at.file_uploader(key="import_file").set_value((ACLED.name, ACLED.read_bytes(), "text/csv")).run()
    at.text_input(key="keep_name").set_value("ACLED test").run()
    at.button(key="keep_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_keep_beside_a_folder_in_datasets_says_it_landed(workspace_folder):
    EmbeddedStore(workspace_folder)
    (workspace_folder / "datasets" / "a folder").mkdir()
    at = keep_on_import_page()
    assert any("Kept." in s.value and "3 added" in s.value for s in at.success), [s.value for s in at.success]
    assert (workspace_folder / "datasets" / "a folder").is_dir()


def test_a_held_lock_ends_the_keep_with_a_message(workspace_folder, monkeypatch):
    kept_synthetic(workspace_folder)
    monkeypatch.setattr(workspace, "LOCK_TIMEOUT_S", 0.3)
    with open(workspace_folder / ".lock", "a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        at = keep_on_import_page()
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    errors = [e.value.replace("\\", "") for e in at.error]  # Markdown escapes taken out
    assert any("Not kept" in e and "another writer" in e and str(workspace_folder.resolve()) in e for e in errors)


def test_a_world_writable_workspace_is_named_in_the_sidebar(workspace_folder):
    kept_synthetic(workspace_folder)
    os.chmod(workspace_folder, 0o777)
    at = open_page("pages/map.py")
    warnings = [w.value for w in at.sidebar.warning]
    assert any("every user" in w and "workspace" in w for w in warnings), warnings
    assert at.multiselect(key=CHOSEN).options == [CURATED, UCDP, "kept (3)"]  # still used, with the warning


@pytest.mark.parametrize("page", ["pages/map.py", "pages/incidents.py", "pages/chronology.py", "pages/sources.py"])
def test_a_data_folder_without_incidents_names_the_missing_file(workspace_folder, tmp_path, settings_env, page):
    data = tmp_path / "data"
    data.mkdir()
    for layer in LAYERS.values():
        if layer.id != "incidents":
            shutil.copyfile(DATA_DIR / layer.file, data / layer.file)
    settings_env.setenv(DATA_DIR_ENV, str(data))
    at = open_page(page)
    text = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.code)
    assert LAYERS["incidents"].file in text and "file not found" in text, text


def test_the_import_page_says_nothing_can_be_kept_before_the_form(workspace_folder):
    kept_synthetic(workspace_folder)
    (workspace_folder / "manifest.json").unlink()
    (workspace_folder / "manifest.json").mkdir()
    restart()
    at = open_page("pages/import_data.py")
    at.file_uploader(key="import_file").set_value((ACLED.name, ACLED.read_bytes(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value.replace("\\", "") for e in at.main.error]
    assert any("Nothing can be kept now" in e and "manifest.json is a folder" in e for e in errors), errors
    assert not [b for b in at.button if b.key == "keep_button"]
