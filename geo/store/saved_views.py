"""Named saved views: a name and a view's URL parameters, kept in the workspace (views.json).

The parameters are kept as given (name -> list of values); they are checked again by the codec
(ui.url_codec) when a view is opened, so a view saved before a dataset was removed still opens,
with a note about what it no longer finds. Writes hold the workspace lock (one writer at a time).
"""

from __future__ import annotations

from pathlib import Path

from geo.store.workspace import locked, prepare, read_json, write_json

FILE = "views.json"
MAX_NAME = 80
MAX_VIEWS = 200


class SavedViewError(ValueError):
    """A name or a view that cannot be saved (the message says why, in one line)."""


def _path(folder: Path) -> Path:
    return Path(folder) / FILE


def _clean(params: dict) -> dict[str, list[str]]:
    out = {}
    for name, values in params.items():
        items = [values] if isinstance(values, str) else list(values)
        out[str(name)] = [str(v) for v in items]
    return out


def list_views(folder: Path) -> dict[str, dict[str, list[str]]]:
    """Every saved view, name -> parameters, sorted by name (an unreadable file: ValueError; a link: StoreError)."""
    doc = read_json(_path(folder), {})
    views = doc.get("views", {})
    if not isinstance(views, dict):
        raise ValueError(f"{_path(folder)}: 'views' is not an object")
    return {str(n): _clean(p) for n, p in sorted(views.items()) if isinstance(p, dict)}


def check_name(name: str) -> str:
    """The name stripped; SavedViewError when it is empty, too long or holds control characters."""
    name = (name or "").strip()
    if not name:
        raise SavedViewError("Give the view a name.")
    if len(name) > MAX_NAME:
        raise SavedViewError(f"A view's name is at most {MAX_NAME} characters.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise SavedViewError("A view's name cannot hold control characters.")
    return name


def save_view(folder: Path, name: str, params: dict) -> str:
    """Keep params under name (replacing a view of that name); returns the name as kept."""
    name = check_name(name)
    folder = prepare(Path(folder))
    with locked(folder):
        doc = read_json(_path(folder), {})
        views = doc.get("views") if isinstance(doc.get("views"), dict) else {}
        if name not in views and len(views) >= MAX_VIEWS:
            raise SavedViewError(f"At most {MAX_VIEWS} views are kept: delete one first.")
        views[name] = _clean(params)
        write_json(_path(folder), {**doc, "views": views})
    return name


def delete_view(folder: Path, name: str) -> bool:
    """Forget the view of that name; False when there was none."""
    folder = prepare(Path(folder))
    with locked(folder):
        doc = read_json(_path(folder), {})
        views = doc.get("views") if isinstance(doc.get("views"), dict) else {}
        if name not in views:
            return False
        del views[name]
        write_json(_path(folder), {**doc, "views": views})
    return True
