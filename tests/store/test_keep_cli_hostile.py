"""`python -m scripts.import_events FILE --keep NAME` into a broken or unsafe workspace: one line, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from geo.catalog import DATA_DIR
from geo.store.embedded import EmbeddedStore
from geo.store.workspace import WORKSPACE_ENV
from scripts.import_events import main
from tests.app_helpers import ROOT

ACLED = ROOT / "tests" / "data" / "import" / "acled_new.csv"


def _entry_rows(ws, value):
    path = ws / "manifest.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["datasets"]["kept"]["rows"] = value
    path.write_text(json.dumps(doc), encoding="utf-8")


DAMAGES = {
    "manifest-folder": (lambda ws: ((ws / "manifest.json").unlink(), (ws / "manifest.json").mkdir()), "is a folder"),
    "workspace-a-file": (lambda ws: (shutil.rmtree(ws), ws.write_text("x")), "is not a folder"),
    "workspace-in-geo": (
        lambda ws: (shutil.rmtree(ws), ws.symlink_to(DATA_DIR, target_is_directory=True)),
        "shipped data package",
    ),
    "rows-huge": (lambda ws: _entry_rows(ws, 10**400), "field 'rows'"),
    "lock-link": (
        lambda ws: ((ws / ".lock").unlink(), (ws / ".lock").symlink_to(ws.parent / "victim")),
        ".lock is a link",
    ),
}


@pytest.fixture
def workspace(tmp_path, settings_env):
    """A workspace holding one kept dataset ("kept"), set as PKIR_WORKSPACE."""
    from tests.app.test_kept_datasets import kept_synthetic

    folder = tmp_path / "ws"
    settings_env.setenv(WORKSPACE_ENV, str(folder))
    kept_synthetic(folder)
    other = tmp_path / "other.csv"
    shutil.copyfile(ACLED, other)
    with open(other, "a", encoding="utf-8") as fh:  # other bytes: not the file kept already
        fh.write("\n")
    return folder, other


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_keep_into_a_broken_workspace_is_one_line(workspace, damage, capsys):
    folder, csv = workspace
    harm, problem = DAMAGES[damage]
    harm(folder)
    assert main([str(csv), "--keep", "new"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("not kept: ") and problem in err[0], err
    assert str(folder.resolve()) in err[0] or str(folder) in err[0], err
    assert not (folder.parent / "victim").exists()


def test_the_command_prints_no_traceback_for_a_manifest_that_is_a_folder(workspace):
    folder, csv = workspace
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").mkdir()
    env = {**os.environ, WORKSPACE_ENV: str(folder)}
    env.pop("PKIR_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "scripts.import_events", str(csv), "--keep", "new"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("not kept: ")] == [
        f"not kept: {folder / 'manifest.json'} is a folder, not a file"
    ]


def test_a_keep_into_a_world_writable_workspace_warns(workspace, capsys):
    folder, csv = workspace
    os.chmod(folder, 0o777)
    assert main([str(csv), "--keep", "new"]) == 0
    err = capsys.readouterr().err
    assert "warning: workspace" in err and "every user" in err
    assert "new" in EmbeddedStore(folder).names()
