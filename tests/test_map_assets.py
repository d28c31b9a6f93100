"""Each folium element of the map names the files of views/map/static it calls (issue 26): a map
loads those of the elements it may hold, so an element's script comes with it, not from a list
kept elsewhere."""

from __future__ import annotations

import inspect
import re

import pytest

from views.map import cells, elements
from views.map.assets import OWN_FILES, STATIC_DIR, map_assets
from views.map.build import BORDER_MAP_ELEMENTS
from views.map.elements import RUNTIME, PkirElement
from views.map.page_maps import PAGE_MAP_ELEMENTS

KINDS = sorted(
    {k for module in (elements, cells) for k in vars(module).values() if isinstance(k, type) and k is not PkirElement}
    & set(PkirElement.__subclasses__()),
    key=lambda k: k.__name__,
)
DEFINED = re.compile(r"\bPKIR\.(\w+)\s*=")
CALLED = re.compile(r"window\.PKIR\.(\w+)\(")


def defined_in(files) -> set[str]:
    return {name for f in files for name in DEFINED.findall((STATIC_DIR / f).read_text(encoding="utf-8"))}


def called_by(kind) -> set[str]:
    """The window.PKIR functions the element's glue (its template's script) calls."""
    return set(CALLED.findall(inspect.getsource(kind)))


def test_every_element_kind_is_found():
    names = {k.__name__ for k in KINDS}
    assert {"Runtime", "IncidentLayer", "CellLayer", "ViewFollow", "PlayControl", "ViewInUrl"} <= names


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_an_element_names_the_files_that_define_what_it_calls(kind):
    called = called_by(kind)
    assert called, f"{kind.__name__}'s template calls no window.PKIR function"
    assert called <= defined_in(kind.scripts), f"{kind.__name__} calls {called - defined_in(kind.scripts)}"
    assert kind.scripts[: len(RUNTIME)] == RUNTIME  # the bridge before pkir.js, before the element's own
    assert all((STATIC_DIR / f).is_file() for f in (*kind.scripts, *kind.styles))


def test_a_file_an_element_no_longer_names_is_missed(monkeypatch):
    monkeypatch.setattr(elements.IncidentLayer, "scripts", RUNTIME)
    assert not called_by(elements.IncidentLayer) <= defined_in(elements.IncidentLayer.scripts)


def test_maps_load_what_their_elements_name_and_every_file_is_someones():
    js, css = map_assets(BORDER_MAP_ELEMENTS, "/b")
    loaded = [url.rsplit("/", 1)[1] for _, url in (*js, *css)]
    assert loaded[0] == "leaflet.js" and len(loaded) == len(set(loaded))
    assert set(loaded) - {"leaflet.js", "leaflet.css"} == set(OWN_FILES)  # nothing loaded that no element names
    page_js = [url.rsplit("/", 1)[1] for _, url in map_assets(PAGE_MAP_ELEMENTS, "/b")[0]]
    assert page_js == ["leaflet.js", *RUNTIME]  # a page's own map loads no incident, cell or play code
