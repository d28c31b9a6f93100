"""ui.shell: every page runs inside app.py, also when Streamlit's legacy pages/ mode ran it alone."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app_helpers import ROOT


def test_a_page_reached_in_the_legacy_mode_runs_inside_app_py():
    # AppTest starts each run in the legacy pages/ mode (as a server does for its first visitor),
    # so after switch_page Streamlit runs pages/chronology.py alone, and ui.shell hands over to app.py.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/chronology.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Chronology"]  # drawn once, inside the app
    assert at.multiselect(key="filter_countries") is not None  # app.py's shared sidebar is there


def test_a_click_on_a_page_reached_in_the_legacy_mode_is_not_lost():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/incidents.py").run()
    before = {m.label: m.value for m in at.metric}["Events"]
    at.multiselect(key="filter_countries").set_value(["IRN"]).run()
    assert {m.label: m.value for m in at.metric}["Events"] != before
    at.button(key="filter_reset").click().run()  # a button's click lives for one run only
    assert {m.label: m.value for m in at.metric}["Events"] == before
