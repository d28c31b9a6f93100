"""The explorer and the chronology in a real browser on a realistic imported set (UCDP GED + ACLED
shaped files over 1989–2024, with one violent year far outside the default period)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import incident_stats
from tests.real_data import realistic_data_dir, realistic_incidents

from .harness import app_errors, goto_page, launch_app, run_and_wait, wait_for_app

SPIKE_MONTH = "2012-06-15"  # a month with many events, outside the default period (2020–2024)
Y_LABELS = """(n) => {
  const views = [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')];
  if (!views.length) return null;
  const axes = [...views[0].querySelectorAll('g.role-axis')].filter(
    a => a.getAttribute('aria-label') && a.getAttribute('aria-label').startsWith('Y-axis'));
  if (axes.length < n) return null;
  return axes.slice(0, n).map(a => [...a.querySelectorAll('g.role-axis-label text')].map(t => t.textContent));
}"""


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    gdf = realistic_incidents(tmp_path_factory.mktemp("real"))
    spike = gdf.index[gdf["id"].str.startswith("UCDP-")][:400]  # a violent month, as real series have
    gdf.loc[spike, ["date_start", "date_end"]] = pd.Timestamp(SPIKE_MONTH)
    return gdf


@pytest.fixture(scope="module")
def real_server(real, tmp_path_factory):
    server = launch_app(data_dir=realistic_data_dir(tmp_path_factory.mktemp("data"), real))
    yield server.url
    server.stop()


def _number(label: str) -> float:
    return float(label.replace(",", "").replace("\u2009", ""))


def test_the_explorer_charts_y_axes_follow_the_years_shown(page, real_server, real):
    page.set_viewport_size({"width": 1366, "height": 768})
    goto_page(page, real_server, "Incidents explorer")
    months = incident_stats.monthly(real)
    per_month = months.groupby("month")[["events", "fatalities"]].sum()
    shown = per_month[per_month.index >= "2019-12-01"]  # the default window: the last five years
    assert per_month["events"].max() > 4 * shown["events"].max()  # the spike is far above the period's bars
    page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
    labels = page.wait_for_function(Y_LABELS, arg=2).json_value()
    for measure, ticks in zip(("events", "fatalities"), labels, strict=True):
        top = max(_number(t) for t in ticks)
        peak = shown[measure].max()
        assert peak / 2 <= top <= 2 * peak, f"{measure}: the y axis reaches {top}, the highest month shown {peak}"
    assert app_errors(page) == []


def test_reset_filters_logs_no_session_state_warning(page, start_app):
    """Issue 20 item 11: every "Reset filters" printed a Session State warning with a stack trace."""
    server = start_app()
    goto_page(page, server.url, "Incidents explorer")
    box = page.get_by_role("textbox", name="Keyword")
    box.fill("Quetta")
    run_and_wait(page, lambda: box.press("Enter"))
    reset = page.get_by_role("button", name="Reset filters")
    run_and_wait(page, reset.click)
    box.wait_for()
    page.wait_for_function("() => !document.querySelector('input[aria-label=Keyword]').value")
    assert reset.is_disabled()  # everything is back to "all"
    log = server.output()
    assert "Session State" not in log and "Stack (most recent call last)" not in log, log[-2000:]
    assert app_errors(page) == []


CHART_TEXT = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const svg = charts.length && charts[0].querySelector('svg');
  if (!svg || !svg.querySelector('g.role-legend')) return null;
  const width = document.documentElement.clientWidth;
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, width};
  });
}"""


@pytest.mark.parametrize("path", ["chronology", "incidents"])
def test_on_a_phone_no_chart_text_is_cut_or_runs_off_the_screen(phone, app_server, path):
    """Issue 20 item 11: the phone chronology clipped its track labels, strip title and legend."""
    phone.goto(f"{app_server}/{path}")
    wait_for_app(phone)
    texts = phone.wait_for_function(CHART_TEXT).json_value()
    assert len(texts) > 10
    cut = [t["text"] for t in texts if t["text"].endswith("…") or t["left"] < 0 or t["right"] > t["width"]]
    assert cut == [], cut
    if path == "chronology":
        assert "Hover" not in phone.locator('[data-testid="stMain"]').inner_text()  # a phone cannot hover
