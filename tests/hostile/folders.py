"""Data folders for PKIR_DATA_DIR: the shipped layers with payloads in every text field, and attacks."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from geo.catalog import DATA_DIR, LAYERS
from tests.hostile.payloads import rotate


def _free_text_fields(layer) -> set[str]:
    """Fields validation takes as they are (no vocabulary, no parsing): the layer still loads."""
    return {f.name for f in layer.schema.fields if f.kind in ("str", "str_list") and not f.choices}


def _hostile_value(value, i: int):
    if isinstance(value, str):
        return f"{value} {rotate(i)}"
    if isinstance(value, list):
        return [*value, rotate(i)]
    return value


def hostile_data_dir(path: str | Path) -> Path:
    """The shipped layers with a payload appended to every free-text value (ids and sources too)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS.values():
        doc = json.loads((DATA_DIR / layer.file).read_text(encoding="utf-8"))
        fields = _free_text_fields(layer)
        for n, feat in enumerate(doc["features"]):
            props = feat["properties"]
            for k, key in enumerate(sorted(fields & set(props))):
                if props[key] is not None:
                    props[key] = _hostile_value(props[key], n + k)
            for s, source in enumerate(props.get("sources") or []):
                source["outlet"] = f"{source.get('outlet')} {rotate(n + s)}"  # URLs: validation checks them
        (path / layer.file).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def shipped_copy(path: str | Path) -> Path:
    """A plain copy of the shipped layers, to be attacked one file at a time."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS.values():
        shutil.copyfile(DATA_DIR / layer.file, path / layer.file)
    return path


def attack(folder: Path, layer_id: str, kind: str, outside: Path | None = None) -> Path:
    """Replace one layer file of folder by an attack; kind: link_out, passwd, fifo, folder, oversize."""
    target = folder / LAYERS[layer_id].file
    target.unlink()
    if kind == "link_out":
        outside = outside or folder.parent / "outside.geojson"
        shutil.copyfile(DATA_DIR / LAYERS[layer_id].file, outside)
        target.symlink_to(outside)
    elif kind == "passwd":
        target.symlink_to("/etc/passwd")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "oversize":  # sparse: large on paper, no disk used
        with open(target, "wb") as fh:
            fh.truncate(300 * 2**20)
    else:
        raise ValueError(kind)
    return target


ATTACKS = ("link_out", "passwd", "fifo", "folder", "oversize")
