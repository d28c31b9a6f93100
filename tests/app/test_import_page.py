"""AppTest of the import page and of the session override it installs."""

from streamlit.testing.v1 import AppTest

from geo.importers import import_file
from tests.app_helpers import ROOT, open_page

APP = str(ROOT / "app.py")


def start(page: str = "pages/import_data.py") -> AppTest:
    return open_page(page)


def test_import_page_loads_and_offers_every_format():
    at = start()
    assert not at.exception
    assert at.title[0].value == "Import incidents"
    options = at.selectbox(key="import_format").options
    assert "ACLED export (CSV)" in options and "UCDP GED (CSV)" in options


def test_session_import_replaces_incidents_on_other_pages():
    imported = import_file(ROOT / "tests" / "data" / "import" / "acled_new.csv").incidents
    at = start()
    at.session_state["session_incidents"] = __import__("ui.data", fromlist=["Loaded"]).Loaded(
        "incidents", imported, None, None
    )
    at.session_state["session_incidents_label"] = "acled_new.csv"
    at.run()
    assert any(r"acled\_new\.csv" in i.value for i in at.info)
    # the shared sidebar filters now offer the imported data's categories only
    cats = at.multiselect(key="filter_categories").options
    assert "air/drone strike" in cats and "inauguration" not in cats
    at.button(key="import_reset").click().run()
    assert "session_incidents" not in at.session_state
    cats = at.multiselect(key="filter_categories").options
    assert "inauguration" in cats
