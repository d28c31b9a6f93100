"""Import -> keep -> restart the server -> the kept dataset is still there and shown."""

from __future__ import annotations

from .conftest import ROOT, app_errors, goto_page, run_and_wait, wait_for_app

ACLED = ROOT / "tests" / "data" / "import" / "acled_new.csv"


def chosen_chips(page) -> list[str]:
    """The datasets the sidebar chooser shows as chosen."""
    chooser = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Datasets shown")
    chooser.wait_for(state="visible")
    tags = chooser.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')  # not the <template> copy
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count()) if tags.nth(i).is_visible()]


def test_a_kept_import_survives_a_server_restart(page, start_app, tmp_path):
    env = {"PKIR_WORKSPACE": str(tmp_path / "workspace")}
    first = start_app(env=env)
    goto_page(page, first.url, "Import incidents")
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    run_and_wait(page, lambda: upload.set_input_files(str(ACLED)))
    name = page.get_by_label("Dataset name")
    run_and_wait(page, lambda: (name.fill("ACLED kept"), name.press("Enter")))
    run_and_wait(page, lambda: page.get_by_role("button", name="Keep this dataset").click())
    assert app_errors(page) == []
    assert "ACLED kept (3)" in chosen_chips(page)
    assert page.get_by_text("3 added").count() >= 1
    first.stop()

    second = start_app(env=env)
    page.goto(second.url)
    wait_for_app(page)
    assert app_errors(page) == []
    assert chosen_chips(page) == ["Curated events (shipped, 51)", "ACLED kept (3)"]
