"""Other libraries' private parts are used only in their shims (issue 26): a `_compat` module per
library (geo/_compat, views/map/_compat) and, in the browser, views/map/static/bridge.js.

Python is read as syntax: a private name imported from another library (`from geopandas.io.arrow
import _x`, `import folium._y`), a folium element's asset list assigned (`m.default_js = ...`), and
the private members of these libraries known to have been used (`._children`, `getattr(f,
"_geometry_column_name")`). Every other file (JavaScript, and Python, whose strings carry the
map's JavaScript glue) is read as text for st_folium's globals and message, Leaflet's private
members and reads of the page around the map's frame. Two folium idioms stay allowed: a
MacroElement's `_template` and `this._parent` in it (how folium's documentation writes an element).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("geo", "views", "ui", "pages", "scripts", "app.py")
OWN_PACKAGES = {"geo", "views", "ui", "pages", "scripts", "app", "tests", "bench"}
BRIDGE = Path("views/map/static/bridge.js")
ASSET_LISTS = {"default_js", "default_css"}
# private members of folium, branca, geopandas and Leaflet the code once used outside a shim
PRIVATE_MEMBERS = {
    "_children",
    "_geometry_column_name",
    "_animatingZoom",
    "_onMouseDown",
    "_controlCorners",
    "_targets",
}
JS_TOKENS = re.compile(
    r"__GLOBAL_DATA__|streamlit:setComponentValue|_animatingZoom|_onMouseDown|_controlCorners|\b_targets\b"
    r"|window\.parent|parent\.document|frameElement|contentWindow|contentDocument|window\.top\b"
    r"|\bCDLL\b|\bmallopt\b|\bmalloc_trim\b"  # glibc: geo/_compat/glibc.py alone
)


def _files(root: Path) -> list[Path]:
    out = []
    for name in SCANNED:
        path = root / name
        out += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".py", ".js"))
    return [p for p in out if "__pycache__" not in p.parts]


def _is_shim(relative: Path) -> bool:
    return "_compat" in relative.parts or relative == BRIDGE


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _reflects(node: ast.AST) -> bool:
    """getattr/setattr(x, "<a private member>")."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "setattr", "hasattr")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in PRIVATE_MEMBERS
    )


def _python_findings(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] not in OWN_PACKAGES and parts[0] != "__future__":
                names = [*parts, *(a.name for a in node.names)]
                found += [(node.lineno, f"imports private {n} from {node.module}") for n in names if _private(n)]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] not in OWN_PACKAGES and any(_private(p) for p in parts):
                    found.append((node.lineno, f"imports private module {alias.name}"))
        elif isinstance(node, ast.Attribute):
            if node.attr in ASSET_LISTS and isinstance(node.ctx, ast.Store):
                found.append((node.lineno, f"assigns .{node.attr} (a map names its assets: AssetMap)"))
            elif node.attr in PRIVATE_MEMBERS:
                found.append((node.lineno, f"reads .{node.attr}"))
        elif _reflects(node):
            found.append((node.lineno, f"{node.func.id}(..., {node.args[1].value!r})"))
    return found


def violations(root: Path) -> list[str]:
    """'file:line: what' for every use of another library's private part outside its shim."""
    out = []
    for path in _files(root):
        relative = path.relative_to(root)
        if _is_shim(relative):
            continue
        text = path.read_text(encoding="utf-8")
        found = _python_findings(ast.parse(text)) if path.suffix == ".py" else []
        for number, line in enumerate(text.splitlines(), 1):
            found += [(number, f"names {m.group(0)}") for m in JS_TOKENS.finditer(line)]
        out += [f"{relative}:{number}: {what}" for number, what in sorted(set(found))]
    return out


def test_no_private_part_of_another_library_outside_its_shim():
    assert violations(ROOT) == []


def test_the_shims_exist_where_the_scan_allows_them():
    assert (ROOT / BRIDGE).is_file()
    assert (ROOT / "geo/_compat/geopandas.py").is_file() and (ROOT / "views/map/_compat/folium.py").is_file()
    assert (ROOT / "geo/_compat/glibc.py").is_file()


PLANTED = {
    "geo/bad.py": (
        "from geopandas.io.arrow import _encode_metadata\n"
        "import folium._private\n"
        "from geopandas.io._internal import read\n"
        "def f(frame):\n"
        "    return getattr(frame, '_geometry_column_name', None)\n"
    ),
    "views/map/bad.py": "import folium\nm = folium.Map()\nm.default_js = []\nkids = m._children\n",
    "ui/bad.py": "import folium\nfolium.Map.default_css = []\n",
    "pages/bad.py": "GLUE = 'window.parent.document.title'\n",
    "views/map/static/bad.js": "var g = window.__GLOBAL_DATA__;\nif (map._animatingZoom) {}\n",
    "ui/js/bad.js": "frame.contentWindow.PKIR;\n",
    "geo/store/bad.py": "import ctypes\nctypes.CDLL('libc.so.6').malloc_trim(0)\n",
}


def test_a_planted_violation_is_found(tmp_path):
    for name, text in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = violations(tmp_path)
    expected = [
        "geo/bad.py:1: imports private _encode_metadata from geopandas.io.arrow",
        "geo/bad.py:2: imports private module folium._private",
        "geo/bad.py:3: imports private _internal from geopandas.io._internal",
        "geo/bad.py:5: getattr(..., '_geometry_column_name')",
        "geo/store/bad.py:2: names CDLL",
        "geo/store/bad.py:2: names malloc_trim",
        "pages/bad.py:1: names window.parent",
        "ui/bad.py:2: assigns .default_css (a map names its assets: AssetMap)",
        "ui/js/bad.js:1: names contentWindow",
        "views/map/bad.py:3: assigns .default_js (a map names its assets: AssetMap)",
        "views/map/bad.py:4: reads ._children",
        "views/map/static/bad.js:1: names __GLOBAL_DATA__",
        "views/map/static/bad.js:2: names _animatingZoom",
    ]
    assert sorted(found) == sorted(expected)


def test_the_same_code_in_a_shim_is_allowed(tmp_path):
    for name in ("geo/_compat/geopandas.py", "views/map/_compat/folium.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(PLANTED["geo/bad.py"] + PLANTED["views/map/bad.py"], encoding="utf-8")
    (tmp_path / BRIDGE).parent.mkdir(parents=True)
    (tmp_path / BRIDGE).write_text(PLANTED["views/map/static/bad.js"], encoding="utf-8")
    assert violations(tmp_path) == []
