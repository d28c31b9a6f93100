"""folium's parts the maps use beyond its documented API, in one place.

A map declares its own scripts and stylesheets: AssetMap sets them on the instance (folium's
JSCSSMixin and st_folium both read `default_js`/`default_css` from the element), so no class is
patched and no CDN default is left. children() reads an element's `_children`, which folium and
branca expose no other way.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element

from geo._compat import pinned

SUPPORTED = ">=0.19,<0.21"  # requirements.txt's pin; read in folium 0.19-0.20
VERSION = pinned("folium", SUPPORTED, "views.map._compat.folium")


class AssetMap(folium.Map):
    """A folium.Map loading the given (name, url) scripts and stylesheets instead of folium's CDN ones."""

    def __init__(self, *, js: list[tuple[str, str]], css: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default_js = list(js)
        self.default_css = list(css)


def children(element: Element) -> list[Element]:
    """The elements added to element (add_to / add_child), in order."""
    return list(element._children.values())
