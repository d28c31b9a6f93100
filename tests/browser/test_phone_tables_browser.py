"""The Markets and crossings and the Sources and data pages on a 390x844 phone (touch): their
tables and the site record read without sideways scrolling, and what the wide tables say is
still on the page (issue 8)."""

from __future__ import annotations

import pytest

from .conftest import DEFAULT_TIMEOUT_MS, app_errors, instrument, sideways_overflow, wait_for_app

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}

# Every visible element of the main area that scrolls sideways, with how far it scrolls
SCROLLS_SIDEWAYS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
  .filter(el => el.getClientRects().length > 0)
  .map(el => ({what: (el.closest('[data-testid]') || el).dataset.testid || el.tagName,
               by: el.scrollWidth - el.clientWidth}))
  .filter(x => x.by > 1)"""

# Facts that the wide tables hold and a phone reader must still find (each visible on the page)
PAGES = {
    "markets": ("Mand", "Gabd – Rimdan", "Polan", "not mapped"),
    "sources": ("Incidents", "CC BY 4.0", "Natural Earth"),
}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    instrument(page)
    yield page
    context.close()


def visible_text(page) -> str:
    return page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').innerText")


@pytest.mark.parametrize("path", sorted(PAGES))
def test_tables_read_without_sideways_scrolling_on_a_phone(phone, app_server, path):
    phone.goto(f"{app_server}/{path}")
    wait_for_app(phone)
    phone.locator('[data-testid="stTable"], [data-testid="stMarkdown"]').first.wait_for()
    phone.wait_for_timeout(500)
    assert phone.evaluate(SCROLLS_SIDEWAYS) == []
    assert sideways_overflow(phone) == 0
    text = visible_text(phone)
    for fact in PAGES[path]:
        assert fact in text, fact
    assert app_errors(phone) == []
