"""Text payloads that would do harm if a page parsed them as Markdown or HTML.

Every payload names HOST (or a javascript: URL), so a test can tell an escaped payload
(`evil\\.example` in Markdown, `&lt;img` in HTML) from one that reached the page alive.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HOST = "evil.example"

PAYLOADS: dict[str, str] = {
    "md_image": f"![x](http://{HOST}/q.png)",
    "md_link": f"[Verify your account](https://{HOST}/login)",
    "blank_line_link": f"fine\n\n[click](javascript:alert('{HOST}'))",
    "blank_line_image": f"fine\n\n![](http://{HOST}/blank.png)",
    "html_img": f"<img src=http://{HOST}/i.png onerror=alert(1)>",
    "html_script": f"<script>alert('{HOST}')</script>",
    "end_of_block": f"</dd></dl></div>\n\n<iframe src=http://{HOST}/frame></iframe>",
    "backticks": f"```\n</div>![y](http://{HOST}/fence.png)\n```",
    "autolinks": f"<http://{HOST}/auto> www.{HOST} mail@{HOST}",
    "directives": f":red[{HOST}] :material/warning: $\\frac{{{HOST}}}{{1}}$ **bold**",
    "javascript_url": f"javascript:alert('{HOST}')",
    "rtl_zero_width": f"\u202e{HOST}\u200b\u200d\u2066x\u2069\ufeff",
    "line_separators": f"a\u2028\u2028![z](http://{HOST}/ls.png)\u0085\u2029[l](http://{HOST}/ls)",
    "long": f"{HOST} " * 3000,
}

# Escaped for Markdown, every punctuation mark carries a backslash: `evil\\.example`,
# `javascript\\:`. These substrings survive only where a value was not escaped.
_ALIVE_IN_MARKDOWN = (HOST, "javascript:")
# our own relative links carry a value only percent-encoded (no Markdown can survive that)
_OUR_LINKS = re.compile(r"\]\(\./\?[A-Za-z0-9_.~%+=&-]*\)")
# the tags our record and provenance HTML use; anything else came from a value
_OUR_TAGS = {"style", "div", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "ul", "ol", "li", "a", "span", "p"}
_OUR_TAGS |= {"code", "em", "strong", "br"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _OUR_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("src", "srcset", "style", "formaction"):
                self.problems.append(f"{tag} {name}={value!r}")
            if name == "href" and not re.match(r"^https?://", value or "", re.IGNORECASE):
                self.problems.append(f"{tag} href={value!r}")
            if name == "href" and HOST in (value or ""):
                self.problems.append(f"{tag} href={value!r}")


def alive_in_markdown(source: str) -> list[str]:
    """The payload fragments in a Markdown source that were not escaped (empty when safe)."""
    source = _OUR_LINKS.sub("", source or "")
    return [frag for frag in _ALIVE_IN_MARKDOWN if frag in source]


def alive_in_html(source: str) -> list[str]:
    """Tags or attributes from a payload that an HTML fragment carries unescaped (empty when safe)."""
    parser = _Tags()
    parser.feed(source or "")
    parser.close()
    return parser.problems


def rotate(i: int) -> str:
    """The i-th payload, cycling through all of them."""
    values = list(PAYLOADS.values())
    return values[i % len(values)]
