"""The Markets and crossings and the Sources and data pages on a 390x844 phone (touch): their
tables and the site record read without sideways scrolling, and what the wide tables say is
still on the page (issue 8)."""

from __future__ import annotations

import pytest

from .conftest import app_errors, sideways_overflow, wait_for_app

# Every visible element of the main area that scrolls sideways, with how far it scrolls
SCROLLS_SIDEWAYS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
  .filter(el => el.getClientRects().length > 0)
  .map(el => ({what: (el.closest('[data-testid]') || el).dataset.testid || el.tagName,
               by: el.scrollWidth - el.clientWidth}))
  .filter(x => x.by > 1)"""

# Facts only the tables hold, which a phone reader must still find on the page (visible text)
PAGES = {
    "markets": ("Difference: +10.9%", "Quetta-Zahedan railway", "dailythebusiness.com", "Phase: 2"),
    "sources": ("Features: 51", "Not mapped: 10", "Validation: ok"),
}
LAST_WORDS = {"markets": "not a surveyed alignment", "sources": "Software: MIT licence"}  # the page is drawn
TABLES = {"markets": ("openings", "markets", "crossings", "power_line"), "sources": ("layers",)}


def visible_text(page) -> str:
    return page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').innerText")


@pytest.mark.parametrize("path", sorted(PAGES))
def test_tables_read_without_sideways_scrolling_on_a_phone(phone, app_server, path):
    phone.goto(f"{app_server}/{path}")
    wait_for_app(phone)
    phone.get_by_text(LAST_WORDS[path]).wait_for(state="attached")
    phone.wait_for_timeout(500)
    assert phone.evaluate(SCROLLS_SIDEWAYS) == []
    assert sideways_overflow(phone) == 0
    text = visible_text(phone)
    for fact in PAGES[path]:
        assert fact in text, fact
    for key in TABLES[path]:
        assert phone.locator(f".st-key-wide_{key}").is_hidden()
    assert app_errors(phone) == []


@pytest.mark.parametrize("path", sorted(PAGES))
def test_a_laptop_shows_the_full_tables_only(laptop, app_server, path):
    laptop.goto(f"{app_server}/{path}")
    wait_for_app(laptop)
    laptop.get_by_text(LAST_WORDS[path]).wait_for(state="attached")
    for key in TABLES[path]:
        laptop.locator(f".st-key-wide_{key} [data-testid='stTable']").wait_for()
        assert laptop.locator(f".st-key-narrow_{key}").is_hidden()
    assert sideways_overflow(laptop) == 0
    assert app_errors(laptop) == []
