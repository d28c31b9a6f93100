"""Named saved views: a name and a view's URL parameters, in the workspace (views.json) or, in
team mode, in the database's table saved_views (migration 0007), shared by every replica.

The parameters are kept as given (name -> list of values); they are checked again by the codec
(ui.url_codec) when a view is opened, so a view saved before a dataset was removed still opens,
with a note about what it no longer finds. Workspace writes hold the workspace lock.
"""

from __future__ import annotations

from pathlib import Path

from geo.store.base import StoreError
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
        found = doc.get("views")
        views: dict = found if isinstance(found, dict) else {}
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
        found = doc.get("views")
        views: dict = found if isinstance(found, dict) else {}
        if name not in views:
            return False
        del views[name]
        write_json(_path(folder), {**doc, "views": views})
    return True


class WorkspaceViews:
    """The saved views of a workspace folder."""

    shared = False

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def list(self) -> dict[str, dict[str, list[str]]]:
        """Every saved view, name -> parameters, sorted by name."""
        return list_views(self.folder)

    def save(self, name: str, params: dict, user: str | None = None) -> str:
        """Keep params under name (replacing a view of that name); the name as kept."""
        return save_view(self.folder, name, params)

    def delete(self, name: str) -> bool:
        """Forget the view of that name; False when there was none."""
        return delete_view(self.folder, name)


class DatabaseViews:
    """The saved views of a PostGIS store (geo.store.postgis.PostgisStore), shared by the team."""

    shared = True

    def __init__(self, store):
        self.store = store

    def _run(self, write: bool, query: str, args: tuple = ()):
        import psycopg

        try:
            with self.store.connect(write=write) as conn:
                cursor = conn.execute(query, args)
                return cursor.rowcount if write else cursor.fetchall()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError("this database role may not change saved views") from exc
        except psycopg.Error as exc:
            raise StoreError(f"the database refused: {exc.diag.message_primary or exc}") from exc

    def list(self) -> dict[str, dict[str, list[str]]]:
        """Every saved view, name -> parameters, sorted by name."""
        rows = self._run(False, "SELECT name, params FROM pkir.saved_views ORDER BY name")
        return {str(name): _clean(params) for name, params in rows if isinstance(params, dict)}

    def save(self, name: str, params: dict, user: str | None = None) -> str:
        """Keep params under name (replacing a view of that name), with who saved it."""
        from psycopg.types.json import Jsonb

        name = check_name(name)
        count = self._run(False, "SELECT count(*) FROM pkir.saved_views WHERE name <> %s", (name,))[0][0]
        if count >= MAX_VIEWS:
            raise SavedViewError(f"At most {MAX_VIEWS} views are kept: delete one first.")
        self._run(
            True,
            "INSERT INTO pkir.saved_views (name, params, saved_by) VALUES (%s, %s, %s) "
            "ON CONFLICT (name) DO UPDATE SET params = EXCLUDED.params, saved_by = EXCLUDED.saved_by, saved_at = now()",
            (name, Jsonb(_clean(params)), user),
        )
        return name

    def delete(self, name: str) -> bool:
        """Forget the view of that name; False when there was none."""
        return bool(self._run(True, "DELETE FROM pkir.saved_views WHERE name = %s", (name,)))


def views_of(store, workspace: Path):
    """Where this server keeps saved views: the team database when its store is one, else the workspace."""
    try:
        from geo.store.postgis import PostgisStore
    except ImportError:  # no database driver: no team database either
        return WorkspaceViews(workspace)
    if isinstance(store, PostgisStore):
        return DatabaseViews(store)
    return WorkspaceViews(workspace)
