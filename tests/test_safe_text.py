"""Data text reaches Markdown only as literal text."""

import re

import pytest

from ui.safe_text import md_escape, safe

HOSTILE = [
    "![x](http://evil.example/q.png)",
    "[Verify your account](https://evil.example/login)",
    "a\n\n[click](javascript:alert(1))",
    "```\nfenced\n```",
    "<img src=x onerror=alert(1)>",
    ":red[alarm] :material/warning: $x^2$",
    "line\u2028two\u0085three",
    "**bold** _it_ ~~gone~~ # heading",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_every_punctuation_mark_is_escaped_and_lines_are_joined(value):
    out = md_escape(value)
    assert "\n" not in out and "\u2028" not in out and "\u0085" not in out
    assert re.sub(r"\\(.)", r"\1", out).replace("\u2060", "") == re.sub(r"[\n\u2028\u0085]+", " ", value)
    assert not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\.", "", out))  # no bare punctuation left


def test_no_markdown_syntax_survives():
    out = md_escape("![x](http://h/q.png) [a](b) `c` <d> $e$ :f:")
    for ch in "![]()`<>$:":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch)


def test_safe_escapes_values_not_template():
    assert safe("**{}** of {}", "*x*", None) == "**\\*x\\*** of "


@pytest.mark.parametrize(
    "value",
    ["http://evil.example/q.png", "HTTPS://evil.example", "www.evil.example", "mail@evil.example", "xmpp:a@b.c"],
)
def test_no_autolink_pattern_survives(value):
    # GFM links these in plain text even when every character is escaped
    out = md_escape(value).replace("\\", "")
    assert not re.search(r"(?i)https?://|www\.|[\w.+-]@[\w-]", out), out


def test_md_link_only_for_http_urls():
    from ui.safe_text import md_link

    assert md_link("Dawn", "https://www.dawn.com/news/1?x=(1)") == "[Dawn](<https://www.dawn.com/news/1?x=(1)>)"
    assert md_link("x*", "javascript:alert(1)") == r"x\*"
    assert md_link("x", "https://a.b/<script>") == "x"
    assert md_link("x", "https://a.b/c\\") == "x"  # a backslash would escape the closing bracket
    assert md_link("x", "https://a.b/ c") == "x" and md_link("x", None) == "x"
    assert md_link("[a](b)", "https://a.b/") == r"[\[a\]\(b\)](<https://a.b/>)"
