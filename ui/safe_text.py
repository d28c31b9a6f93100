"""The one way data text reaches Streamlit's Markdown: every value escaped to literal text.

st.markdown, st.caption, st.info/st.warning/st.error/st.success, st.write and help= all parse
Markdown. A value from the data, a file name or the URL must never be parsed: it could carry a
link, an image (a request to another host), an emoji or colour directive, or end an HTML block.
Build messages as `safe("No feature with id “{}”", value)`: the template is ours, the values
are escaped. HTML built from data goes through st.html (no Markdown), never
st.markdown with raw HTML allowed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from geo.records import safe_url

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then renders
# as itself; escaping all of them leaves no Markdown, LaTeX ($), directive (:) or HTML (<) alive.
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
# Line breaks would start new blocks (a blank line ends an HTML block, "---" makes a rule).
_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")
# GitHub-flavoured Markdown turns "http://...", "www.x.y" and "a@b.c" in plain text into links
# even when every character is escaped; an invisible word joiner (U+2060) inside the pattern
# ("http:⁠//", "www⁠.", "a@⁠b") keeps them text.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=/)|(?<=@)|(?<=www)(?=\.)", re.IGNORECASE)


def md_escape(value) -> str:
    """value as Markdown that renders as exactly this text, on one line, with no link made of it."""
    text = "" if value is None else str(value)
    text = _AUTOLINK.sub(_JOINER, _BREAKS.sub(" ", text))
    return _PUNCT.sub(r"\\\1", text)


def md_link(text, url) -> str:
    """A Markdown link for an absolute http(s) URL (geo.records.safe_url), else the escaped text alone."""
    label, good = md_escape(text), safe_url(url)
    if good is None or any(c in good for c in "<>\\"):  # <...> holds the link: nothing that could end it
        return label
    return f"[{label}](<{good}>)"


def safe(template: str, *values) -> str:
    """template.format(*values) with every value escaped by md_escape (the template is trusted)."""
    return template.format(*(md_escape(v) for v in values))


def prose(text) -> str:
    """Sourced prose (views.infrastructure.Prose: our template, its data text, its sources' URLs) as
    Markdown: the text with its values escaped, then a line naming each source by its site, linked."""
    body = safe(text.template, *text.values)
    sites = [md_link(urlsplit(url).hostname or url, url) for url in text.sources]
    return body + ("  \n:gray[Sources: " + ", ".join(sites) + "]" if sites else "")
