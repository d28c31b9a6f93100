"""The Sources page's HTML: a layer's README fields as an escaped definition list.

The README's inline Markdown (links, bare URLs, **bold**, `code`) becomes HTML; everything else
is escaped, and only http(s) links become anchors.
"""

from __future__ import annotations

import html
import re

from geo.provenance import MD_BOLD, MD_CODE, MD_LINK, LayerProvenance
from geo.records import safe_url

_URL = re.compile(r"https?://[^\s<>()\"'`]+[^\s<>()\"'`.,;:!?]")


def markdown_to_html(text: str) -> str:
    """Inline markdown of the README (links, bare URLs, **bold**, `code`) as escaped HTML.

    Everything is escaped; only http(s) links become anchors, any other link keeps its text only.
    """
    pieces: list[str] = []
    pos = 0
    for m in re.finditer(f"{MD_LINK.pattern}|(?P<bare>{_URL.pattern})", text):
        pieces.append(_inline(text[pos : m.start()]))
        if m["bare"]:
            url = m["bare"]
            pieces.append(_anchor(url, url))
        else:
            url = safe_url(m["url"])
            pieces.append(_anchor(url, m["text"]) if url else _inline(m["text"]))
        pos = m.end()
    pieces.append(_inline(text[pos:]))
    return "".join(pieces)


def _anchor(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{_inline(label)}</a>'


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    out = MD_BOLD.sub(r"<strong>\1</strong>", out)
    return MD_CODE.sub(r"<code>\1</code>", out)


def field_rows_html(prov: LayerProvenance | None, leave_out: tuple[str, ...] = ()) -> str:
    """A layer's README fields as an escaped HTML definition list (the five standard ones first),
    without the fields named in leave_out (shown elsewhere)."""
    if prov is None:
        return (
            '<p class="pkir-prov-missing">This layer has no section in geo/data/README.md yet: '
            "its source, licence, date and method are not documented.</p>"
        )
    items = [
        f"<dt>{html.escape(label)}</dt><dd>{markdown_to_html(text)}</dd>"
        for label, text in prov.documented()
        if label not in leave_out
    ]
    items += [
        f'<dt>{html.escape(label)}</dt><dd class="pkir-prov-missing">not documented</dd>'
        for label in prov.missing()
        if label not in leave_out
    ]
    return f'<dl class="pkir-prov">{"".join(items)}</dl>'
