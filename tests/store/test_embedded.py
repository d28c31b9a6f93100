"""What only the embedded store has: a workspace folder, files replaced atomically, kill points."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.filters import IncidentFilter
from geo.incidents.codec import to_flat
from geo.store import formats, open_store
from geo.store.base import DatasetNotFound, StoreError, WorkspaceError
from geo.store.embedded import EmbeddedStore
from geo.store.workspace import APP_NAME, WORKSPACE_ENV, default_workspace
from tests.store.test_store_processes import finish, writer
from tests.store.writer import STAGES


def files_named_by_manifest(store: EmbeddedStore) -> set[str]:
    return {entry["file"].split("/")[-1] for entry in store._manifest()["datasets"].values()}


@pytest.mark.parametrize("stage", STAGES)
def test_a_writer_killed_mid_save_leaves_a_whole_state(tmp_path, stage):
    location = str(tmp_path / "ws")
    code, output = finish(writer(location, "kept", "--n", "120", "--seed", "1"))
    assert code == 0, output
    before = open_store(location)
    old_rows, old_info = before.read("kept"), before.info("kept")

    code, output = finish(writer(location, "kept", "--n", "200", "--seed", "2", "--die-at", stage))
    assert code == -9, f"the writer was to be killed at {stage}: {output}"

    after = open_store(location)  # a fresh process would see this
    rows = after.read("kept")
    if stage == "after-manifest":  # the new version was published whole before the kill
        assert len(rows) == 200 and after.info("kept").version != old_info.version
    else:
        assert after.info("kept") == old_info
        assert rows.equals(old_rows)
    # the next save tidies what the killed writer left behind
    finish(writer(location, "other", "--n", "10", "--seed", "3"))
    on_disk = {p.name for p in (Path(location) / "datasets").iterdir()}
    assert on_disk == files_named_by_manifest(after)
    assert not [p for p in Path(location).iterdir() if p.name.startswith(".tmp-")]


def test_the_workspace_setting_and_the_default(tmp_path, settings_env):
    settings_env.setenv(WORKSPACE_ENV, str(tmp_path / "chosen"))
    assert default_workspace() == tmp_path / "chosen"
    assert EmbeddedStore().folder == (tmp_path / "chosen").resolve()
    settings_env.delenv(WORKSPACE_ENV)
    settings_env.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_workspace() == tmp_path / "xdg" / APP_NAME


def test_a_workspace_inside_the_shipped_package_is_refused_and_kept_files_are_git_ignored(tmp_path):
    with pytest.raises(WorkspaceError, match="inside the shipped data package"):
        EmbeddedStore(Path(__file__).resolve().parents[2] / "geo" / "data" / "kept")
    store = EmbeddedStore(tmp_path / "ws")
    assert (store.folder / ".gitignore").read_text().splitlines()[-1] == "*"


def test_geopackage_files_hold_the_same_rows(tmp_path, synthetic):
    from tests.store.test_store_interface import same_rows

    gdf, source = synthetic
    store = EmbeddedStore(tmp_path / "ws", file_format="gpkg")
    store.save("kept", gdf, source)
    assert files_named_by_manifest(store).pop().endswith(".gpkg")
    same_rows(store.read("kept"), gdf)


def test_a_damaged_manifest_is_reported_not_guessed(tmp_path):
    store = EmbeddedStore(tmp_path / "ws")
    (store.folder / "manifest.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(StoreError, match=r"manifest\.json: not valid JSON"):
        store.list()
    assert (store.folder / "manifest.json").read_text(encoding="utf-8") == "{ not json"  # left for a person to see


def test_a_writer_waits_for_the_lock_a_bounded_time(tmp_path):
    import fcntl

    from geo.store.workspace import locked

    store = EmbeddedStore(tmp_path / "ws")
    with open(store.folder / ".lock", "a+b") as other:  # another writer holds the lock
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(TimeoutError, match="another writer"), locked(store.folder, timeout=0.2):
            pass
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    with locked(store.folder, timeout=0.2):
        pass


def test_a_version_written_in_chunks_reads_back_as_one_written_at_once(tmp_path, monkeypatch, synthetic):
    incidents = synthetic[0].copy()
    incidents["perpetrator"] = None
    incidents.loc[250:, "perpetrator"] = "TTP"  # text only after the first chunks: the type comes from every row
    flat = to_flat(incidents)
    chunked, whole = tmp_path / "chunked.parquet", tmp_path / "whole.parquet"
    monkeypatch.setattr(formats, "PARQUET_CHUNK", 64)
    formats._write_parquet(flat, chunked)
    flat.to_parquet(whole, index=False, compression="zstd", write_covering_bbox=True)
    assert pq.ParquetFile(chunked).metadata.num_row_groups == 5
    assert json.loads(pq.read_schema(chunked).metadata[b"geo"]) == json.loads(pq.read_schema(whole).metadata[b"geo"])
    recent = IncidentFilter(date_from=date(2022, 1, 1), categories=("attack", "armed clash"))
    for columns, flt, bbox in [(None, None, None), (["id", "perpetrator"], recent, (60.0, 25.0, 66.0, 30.0))]:
        got = formats._read_parquet(chunked, columns, flt, bbox)
        assert len(got) > 0
        assert_geodataframe_equal(got, formats._read_parquet(whole, columns, flt, bbox))


def test_file_of_names_the_current_version_and_refuses_an_unknown_name(tmp_path, synthetic):
    store = EmbeddedStore(tmp_path / "ws")
    gdf, source = synthetic
    store.save("kept", gdf, source)
    first = store.file_of("kept")
    assert first.parent == store.folder / "datasets" and first.is_file()
    assert first.name in files_named_by_manifest(store)
    store.save("kept", gdf.iloc[:10], replace(source, file_hash="f" * 64))
    second = store.file_of("kept")
    assert second != first and second.is_file() and not first.exists()
    assert pq.read_metadata(second).num_rows == 10
    with pytest.raises(DatasetNotFound, match="no dataset named 'nope'"):
        store.file_of("nope")
