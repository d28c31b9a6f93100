"""A record (geo.records.Record) as one escaped HTML fragment.

Every string is html.escape'd here; source links are kept only for http(s) URLs
(geo.records.safe_url), anything else is shown as inert text.
"""

from __future__ import annotations

import html

from geo.records import Record, Row, safe_url
from geo.values import present


def link_html(text: str, url) -> str:
    """An <a> for http(s) URLs; otherwise the text (and the rejected URL) as inert text."""
    good = safe_url(url)
    label = html.escape(text or (good or str(url or "")))
    if good:
        return f'<a href="{html.escape(good, quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'
    if present(url) and str(url) != text:
        return f'{label} <span class="pkir-inert-url">({html.escape(str(url))}, not a web link)</span>'
    return label


def row_html(row: Row) -> str:
    """A row's value as HTML: its sources as a list of links, or its text escaped."""
    if not row.sources:
        return html.escape(row.text)
    items = "".join(
        f"<li>{link_html(s.label, s.url)}{html.escape(f' ({s.date})' if s.date else '')}</li>" for s in row.sources
    )
    return f'<ul class="pkir-sources">{items}</ul>'


def record_html(record: Record, heading_level: int = 3) -> str:
    """The record as one escaped HTML fragment: a heading and a definition list."""
    h = f"h{max(1, min(6, heading_level))}"
    items = "".join(f"<dt>{html.escape(r.label)}</dt><dd>{row_html(r)}</dd>" for r in record.rows)
    return (
        f'<div class="pkir-record" data-layer="{html.escape(record.layer_id, quote=True)}" '
        f'data-id="{html.escape(record.id, quote=True)}"><{h}>{html.escape(record.title)}</{h}>'
        f"<dl>{items}</dl></div>"
    )
