"""Hostile workspaces (issue 21): what the embedded store finds on disk is checked, never trusted.

Each test builds a real folder (links, planted files, edited manifests) and checks that nothing
outside the workspace is read, written or deleted, and that a refusal is one StoreError naming
the dataset, the field or the file.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import unicodedata
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from shapely.geometry import Point

from geo.store import shipped, workspace
from geo.store.base import LockTimeout, SourceInfo, StoreError, WorkspaceError
from geo.store.embedded import EmbeddedStore
from geo.store.shipped import SHIPPED_NAMES
from ui import shipped_cache as cache


@pytest.fixture
def kept(tmp_path, synthetic) -> EmbeddedStore:
    """A workspace with one kept dataset, "kept", of 300 synthetic incidents."""
    store = EmbeddedStore(tmp_path / "ws")
    store.save("kept", *synthetic)
    return store


def edit_manifest(store: EmbeddedStore, change) -> None:
    """Apply change(doc) to manifest.json as someone editing the file by hand would."""
    path = store.folder / "manifest.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def outside_copy(store: EmbeddedStore, tmp_path: Path, name: str = "x.parquet") -> Path:
    """A copy of the kept dataset's file outside the workspace (a file someone wants read or deleted)."""
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    entry = store._manifest()["datasets"]["kept"]
    shutil.copyfile(store.folder / entry["file"], outside / name)
    return outside / name


def other_source(name: str) -> SourceInfo:
    return SourceInfo(name, name, "GeoJSON", 1, 1, 0)


# ---- item 1: the manifest's file is never a path


@pytest.mark.parametrize("how", ["dotdot", "absolute", "text_file"])
def test_a_manifest_file_outside_datasets_is_refused_and_never_deleted(kept, tmp_path, how):
    target = outside_copy(kept, tmp_path, "notes.txt" if how == "text_file" else "x.parquet")
    file = str(target) if how == "absolute" else os.path.relpath(target, kept.folder)
    edit_manifest(kept, lambda doc: doc["datasets"]["kept"].update(file=file))
    with pytest.raises(StoreError, match=r"dataset 'kept': field 'file' .*not a file this store writes"):
        kept.read("kept")
    with pytest.raises(StoreError, match="field 'file'"):
        kept.remove("kept")
    assert target.exists()


def test_a_file_of_another_version_name_is_refused(kept):
    def other(doc):
        entry = doc["datasets"]["kept"]
        entry["file"] = "datasets/" + "0" * 12 + "-abcdef12.parquet"  # the store's pattern, not this version's

    edit_manifest(kept, other)
    with pytest.raises(StoreError, match="field 'file'"):
        kept.list()


# ---- item 2: no link inside the workspace is followed


def test_a_datasets_folder_that_links_elsewhere_is_refused_and_its_files_stay(tmp_path, synthetic):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me", encoding="utf-8")
    (elsewhere / "0123-abcdef12.parquet").write_bytes(b"not the store's")
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "datasets").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(WorkspaceError, match=r"datasets folder .* is a link"):
        EmbeddedStore(folder).save("kept", *synthetic)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["0123-abcdef12.parquet", "precious.txt"]


def test_a_datasets_folder_swapped_for_a_link_after_opening_is_refused(kept, tmp_path, synthetic):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(kept.folder / "datasets", elsewhere)
    (kept.folder / "datasets").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="is a link"):
        kept.save("other", synthetic[0], other_source("other.geojson"))
    with pytest.raises(WorkspaceError, match="is a link"):
        kept.read("kept")
    assert (elsewhere / "precious.txt").exists()


def test_a_dataset_file_that_links_elsewhere_is_not_read(kept, tmp_path):
    outside = outside_copy(kept, tmp_path)
    path = kept.folder / kept._manifest()["datasets"]["kept"]["file"]
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(WorkspaceError, match="is a link"):
        kept.read("kept")
    kept.remove("kept")  # the link is left alone (the store did not write it), and its target too
    assert outside.exists() and path.is_symlink()


def test_a_lock_that_links_elsewhere_creates_nothing(tmp_path, synthetic):
    store = EmbeddedStore(tmp_path / "ws")
    victim = tmp_path / "victim"
    (store.folder / ".lock").symlink_to(victim)
    with pytest.raises(WorkspaceError, match=r"\.lock is a link"):
        store.save("kept", *synthetic)
    assert not victim.exists() and not os.path.lexists(tmp_path / "ws" / "manifest.json")


def test_only_the_stores_own_files_are_deleted(kept, tmp_path, synthetic):
    datasets = kept.folder / "datasets"
    planted = {
        "notes.txt": "text",
        "abc.parquet": "not the store's name",
        ".tmp-notmine.json": "not a temporary file of the store",
    }
    for name, text in planted.items():
        (datasets / name).write_text(text, encoding="utf-8")
    (tmp_path / "target.parquet").write_bytes(b"outside")
    (datasets / "0123-abcdef12.parquet").symlink_to(tmp_path / "target.parquet")  # the store's name, but a link
    kept.save("kept", synthetic[0].iloc[:10], other_source("v2.geojson"))
    left = {p.name for p in datasets.iterdir()}
    assert set(planted) | {"0123-abcdef12.parquet"} <= left
    assert (tmp_path / "target.parquet").read_bytes() == b"outside"
    assert len(left) == len(planted) + 2  # and the new version (the old one, the store's own, is gone)


# ---- item 5: a workspace that cannot be used says so in one StoreError


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda ws: (ws / "manifest.json").mkdir(), "is a folder"),
        (lambda ws: (ws / "manifest.json").write_bytes(b"\xff\xfe"), "cannot be read"),
    ],
    ids=["folder", "not-utf8"],
)
def test_a_broken_manifest_is_one_workspace_error(tmp_path, damage, message):
    store = EmbeddedStore(tmp_path / "ws")
    damage(store.folder)
    with pytest.raises(WorkspaceError, match=message) as raised:
        store.list()
    assert str(store.folder) in str(raised.value)


def test_a_workspace_that_is_a_file_is_one_workspace_error(tmp_path):
    (tmp_path / "ws").write_text("a file", encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"workspace .*ws is not a folder"):
        EmbeddedStore(tmp_path / "ws")


def test_a_workspace_without_permissions_is_one_workspace_error(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir(mode=0o000)
    if os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        pytest.skip("this user (root) may open any folder: a mode-000 workspace cannot be simulated honestly")
    with pytest.raises(WorkspaceError, match=str(folder)):
        EmbeddedStore(folder).list()


# ---- item 6: the manifest and each file are validated, naming the dataset and the field


def _set(path: str, value):
    def change(doc):
        target = doc
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[key]
        if value is KeyError:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_set("format", "1"), "field 'format' is '1', expected 1"),
        (_set("datasets", []), "field 'datasets' is list, expected an object"),
        (_set("datasets.kept", "a string"), "dataset 'kept': is str, expected an object"),
        (_set("datasets.kept.source", KeyError), "dataset 'kept': field 'source' is None"),
        (_set("datasets.kept.rows", "many"), "dataset 'kept': field 'rows' is 'many'"),
        (_set("datasets.kept.rows", 10**400), "dataset 'kept': field 'rows' is 1000"),
        (_set("datasets.kept.source.rows_read", -1), "field 'source.rows_read' is -1"),
        (_set("datasets.kept.source.file_hash", None), "field 'source.file_hash' is None, expected text"),
        (_set("datasets.kept.history", "x"), "field 'history' is not a list"),
        (_set("datasets.kept.name", "other"), "field 'name' is 'other'"),
        (lambda doc: doc["datasets"].update(shipped=doc["datasets"].pop("kept")), "dataset 'shipped'"),
    ],
    ids=[
        "format-text",
        "datasets-list",
        "entry-string",
        "no-source",
        "rows-text",
        "rows-huge",
        "negative-count",
        "hash-none",
        "history-text",
        "name-mismatch",
        "named-shipped",
    ],
)
def test_a_manifest_entry_of_the_wrong_shape_is_refused_naming_the_field(kept, change, message):
    edit_manifest(kept, change)
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(".", r"\.")):
        kept.list()
    with pytest.raises(StoreError):
        kept.save("new", gpd.GeoDataFrame(), other_source("new"))  # nothing is written over a manifest not understood


def _rewrite_file(store: EmbeddedStore, column: str, values) -> None:
    """Rewrite one column of the kept dataset's Parquet file (None: drop it), its GeoParquet metadata kept."""
    path = store.folder / store._manifest()["datasets"]["kept"]["file"]
    table = pq.read_table(path)
    at = table.schema.get_field_index(column)
    table = table.remove_column(at) if values is None else table.set_column(at, column, pa.array([values] * len(table)))
    pq.write_table(table.replace_schema_metadata(pq.read_schema(path).metadata), path)


@pytest.mark.parametrize(
    "column, values, message",
    [
        ("fatalities_best", "many", "field 'fatalities_best' holds text, expected whole numbers"),
        ("geometry", b"not wkb", "field 'geometry': cannot be read"),
        ("geometry", "POINT (1 2)", "field 'geometry' holds text, expected WKB"),
        ("date_start", "yesterday", "field 'date_start' holds text, expected dates"),
        ("actors", "[not json", "cannot be read"),
        ("id", None, "field 'id' is missing"),
    ],
    ids=["fatalities-text", "geometry-not-wkb", "geometry-text", "date-text", "actors-not-json", "no-id"],
)
def test_a_dataset_file_of_the_wrong_schema_is_refused_naming_the_dataset_and_field(kept, column, values, message):
    _rewrite_file(kept, column, values)
    with pytest.raises(StoreError, match=f"dataset 'kept' .*{message}"):
        kept.read("kept")


# ---- item 7: a folder inside datasets/ does not break a keep that landed


def test_a_folder_inside_datasets_leaves_keeps_working(kept, synthetic):
    (kept.folder / "datasets" / "0123-abcdef12.parquet").mkdir()
    (kept.folder / "datasets" / "sub").mkdir()
    report = kept.save("kept", synthetic[0].iloc[:10], other_source("v2.geojson"))
    assert report.removed == 290
    assert len(kept.read("kept")) == 10
    assert (kept.folder / "datasets" / "sub").is_dir()


# ---- item 8: no workspace where the server serves files


def test_a_workspace_inside_static_is_refused(tmp_path):
    inside = workspace.STATIC / "ws-test-hostile"
    link = tmp_path / "looks-elsewhere"
    link.symlink_to(workspace.STATIC, target_is_directory=True)
    try:
        for folder in (inside, link / "ws"):
            with pytest.raises(WorkspaceError, match="folder the server serves"):
                EmbeddedStore(folder)
        assert not inside.exists()
    finally:
        shutil.rmtree(inside, ignore_errors=True)
        shutil.rmtree(workspace.STATIC / "ws", ignore_errors=True)


# ---- item 15: a held lock ends in a message, not a hang


def test_a_held_lock_is_a_store_error_naming_the_workspace(kept, synthetic, monkeypatch):
    monkeypatch.setattr(workspace, "LOCK_TIMEOUT_S", 0.2)
    with open(kept.folder / ".lock", "a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(StoreError, match=f"workspace {kept.folder}: another writer") as raised:
            kept.save("other", synthetic[0], other_source("other.geojson"))
        assert isinstance(raised.value, LockTimeout)
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    assert kept.names() == [*SHIPPED_NAMES, "kept"]


# ---- item 16: one name, one dataset


def test_nfc_and_nfd_forms_of_a_name_are_one_dataset(tmp_path, synthetic):
    store = EmbeddedStore(tmp_path / "ws")
    composed, decomposed = unicodedata.normalize("NFC", "Café Baluch"), unicodedata.normalize("NFD", "Café Baluch")
    assert composed != decomposed
    store.save(composed, synthetic[0].iloc[:5], other_source("a.geojson"))
    report = store.save(decomposed, synthetic[0].iloc[5:8], other_source("b.geojson"), mode="merge")
    assert store.names() == [*SHIPPED_NAMES, composed]
    assert report.dataset == composed and report.added == 3
    store.remove(decomposed)
    assert store.names() == [*SHIPPED_NAMES]


# ---- item 17: a workspace others may write is named; a planted cache is never served


def test_a_world_writable_workspace_is_warned_about(tmp_path):
    store = EmbeddedStore(tmp_path / "ws")
    assert store.warning() == ""
    os.chmod(store.folder, 0o777)
    assert "can be written by every user" in store.warning() and str(store.folder) in store.warning()


@pytest.fixture
def shipped_folder(tmp_path, monkeypatch, settings_env):
    """A data folder with the first shipped incidents, a workspace of its own and no in-memory cache."""
    from geo.catalog import DATA_DIR, LAYERS
    from geo.store import DATABASE_ENV

    folder = tmp_path / "data"
    folder.mkdir()
    doc = json.loads((DATA_DIR / LAYERS["incidents"].file).read_text(encoding="utf-8"))
    doc["features"] = doc["features"][:5]
    (folder / LAYERS["incidents"].file).write_text(json.dumps(doc), encoding="utf-8")
    settings_env.setenv(workspace.WORKSPACE_ENV, str(tmp_path / "workspace"))
    settings_env.delenv(DATABASE_ENV, raising=False)
    return folder


def _fresh(folder: Path) -> gpd.GeoDataFrame:
    return shipped.ShippedIncidents(folder, keeper=cache.DiskKeeper()).read()  # a new reader, as a new server has


def _plant(entry: Path, fix_digest: bool) -> None:
    """Replace a cache entry's Parquet file by one planted row in the same stored form (and, when
    asked, make its report name the planted file's digest)."""
    planted = gpd.read_parquet(entry).iloc[:1].copy()
    planted["title"] = "PLANTED"
    planted["geometry"] = [Point(61.0, 27.0)]
    planted.to_parquet(entry)
    report = entry.with_suffix(".json")
    doc = json.loads(report.read_text(encoding="utf-8"))
    if fix_digest:
        doc["content"] = cache.file_sha256(entry)
    report.write_text(json.dumps(doc), encoding="utf-8")


def test_a_planted_cache_entry_is_parsed_again_not_served(shipped_folder):
    real = _fresh(shipped_folder)
    (entry,) = cache.cache_dir().glob("shipped-*.parquet")
    _plant(entry, fix_digest=False)
    again = _fresh(shipped_folder)
    assert "PLANTED" not in set(again["title"]) and len(again) == len(real)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cache_entry_of_another_user_is_not_served_even_with_a_matching_digest(shipped_folder):
    real = _fresh(shipped_folder)
    (entry,) = cache.cache_dir().glob("shipped-*.parquet")
    _plant(entry, fix_digest=True)
    for path in (entry, entry.with_suffix(".json")):
        os.chown(path, 65534, 65534)  # nobody: another local user planted them
    again = _fresh(shipped_folder)
    assert "PLANTED" not in set(again["title"]) and len(again) == len(real)


def test_a_cache_folder_others_may_write_is_not_used(shipped_folder):
    _fresh(shipped_folder)
    folder = cache.cache_dir()
    os.chmod(folder, 0o777)
    assert cache.cache_dir() is None


def test_the_lock_file_is_the_owners_alone(kept, synthetic):
    lock = kept.folder / ".lock"
    os.chmod(lock, 0o666)  # as an older version left it, or someone widened it
    kept.save("other", synthetic[0].iloc[:3], other_source("other.geojson"))
    assert lock.stat().st_mode & 0o777 == 0o600  # nobody else can open it to hold every writer off


def test_a_dataset_whose_file_is_gone_is_named_on_read_and_on_keep(kept, synthetic):
    (kept.folder / kept._manifest()["datasets"]["kept"]["file"]).unlink()
    with pytest.raises(StoreError, match=r"dataset 'kept': its file datasets/.*\.parquet is missing"):
        kept.read("kept")
    with pytest.raises(StoreError, match="is missing from the workspace"):
        kept.save("kept", synthetic[0].iloc[:3], other_source("v2.geojson"))
    kept.remove("kept")
    assert kept.names() == [*SHIPPED_NAMES]


def test_a_workspace_this_user_may_not_use_is_refused_by_what_the_system_says(tmp_path, monkeypatch):
    """The mode-000 case as the system reports it to a user who is not root (root may open anything,
    so os.access is what is made to answer here, as it would for that user)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    os.chmod(folder, 0o000)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode, **kw: False if Path(path) == folder else real_access(path, mode)
    )
    try:
        with pytest.raises(WorkspaceError, match=rf"workspace {folder} cannot be read and written by this user"):
            EmbeddedStore(folder)
    finally:
        os.chmod(folder, 0o755)


def test_a_geopackage_version_of_the_wrong_schema_is_refused_naming_the_field(tmp_path, synthetic):
    import pyogrio

    store = EmbeddedStore(tmp_path / "ws", file_format="gpkg")
    store.save("kept", synthetic[0].iloc[:20], synthetic[1])
    path = store.folder / store._manifest()["datasets"]["kept"]["file"]
    frame = pyogrio.read_dataframe(path, layer="incidents")
    frame["fatalities_best"] = "many"
    pyogrio.write_dataframe(frame, path, layer="incidents", driver="GPKG")
    with pytest.raises(StoreError, match=r"dataset 'kept' .*'fatalities_best' holds text, expected whole numbers"):
        store.read("kept")
