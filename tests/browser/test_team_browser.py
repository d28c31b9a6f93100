"""Team mode: two replicas of the app on one PostGIS database, an editor and a viewer.

An import kept through one replica shows in the other after a refresh; the viewer (no signed-in
user) browses but is offered no way to keep or remove a dataset. Sign-in comes from a reverse
proxy's header here (PKIR_AUTH_HEADER); the test's browser sends it for the editor only.
"""

from __future__ import annotations

import re

import pytest

from tests.pg_cluster import REQUIRE_ENV, required, shared_cluster

from .appending_proxy import AppendingProxy
from .conftest import DEFAULT_TIMEOUT_MS, ROOT, VIEWPORT, app_errors, goto_page, instrument, run_and_wait, wait_for_app

ACLED = ROOT / "tests" / "data" / "import" / "acled_new.csv"
USER_HEADER = "X-Pkir-User"


@pytest.fixture
def team_database():
    """An empty, migrated database on the shared throwaway cluster."""
    try:
        cluster = shared_cluster()
    except RuntimeError as exc:
        if required():
            pytest.fail(f"{exc} ({REQUIRE_ENV} is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(str(exc))
    url = cluster.create_database(migrated=True)
    yield url
    cluster.drop_database(url)


@pytest.fixture
def editor_page(browser):
    """A page whose requests carry the proxy's user header (a signed-in analyst)."""
    context = browser.new_context(viewport=VIEWPORT, extra_http_headers={USER_HEADER: "ana@desk.example"})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    instrument(page)
    yield page
    context.close()


UCDP = "UCDP GED 22.1 events (shipped, 6,416)"  # the other shipped dataset, offered to everyone


def chooser_options(page) -> list[str]:
    """Every dataset the sidebar chooser offers (open its list, read it, close it)."""
    chooser = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Datasets shown")
    chooser.wait_for(state="visible")
    chosen = chooser.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    names = [chosen.nth(i).get_attribute("aria-label") for i in range(chosen.count()) if chosen.nth(i).is_visible()]
    field = chooser.locator("input")
    field.scroll_into_view_if_needed()
    field.click()
    options = page.locator('[role="listbox"] [role="option"]')
    for attempt in range(100):  # the list opens only when something is left to choose; a loaded machine is slow
        if options.count():
            break
        if attempt % 20 == 19:
            field.press("ArrowDown")
        page.wait_for_timeout(100)
    names += [t.strip() for t in options.all_inner_texts() if t.strip() not in ("No results", "Select all")]
    page.keyboard.press("Escape")
    return names


def test_two_replicas_share_the_datasets_and_only_a_signed_in_user_changes_them(
    editor_page, page, start_app, team_database, tmp_path
):
    env = {"PKIR_DATABASE_URL": team_database, "PKIR_AUTH_HEADER": USER_HEADER}
    replica_a = start_app(env={**env, "PKIR_WORKSPACE": str(tmp_path / "disk-a")})
    replica_b = start_app(env={**env, "PKIR_WORKSPACE": str(tmp_path / "disk-b")})

    # the viewer on B sees the shipped dataset only, and no remove control
    page.goto(replica_b.url)
    wait_for_app(page)
    assert app_errors(page) == []
    assert chooser_options(page) == ["Curated events (shipped, 51)", UCDP]

    # the editor keeps an import through A
    goto_page(editor_page, replica_a.url, "Import incidents")
    assert editor_page.get_by_text(re.compile("Signed in as ana@\u2060?desk\\.example")).count() == 1
    upload = editor_page.locator('[data-testid="stFileUploader"] input[type="file"]')
    run_and_wait(editor_page, lambda: upload.set_input_files(str(ACLED)))
    name = editor_page.get_by_label("Dataset name")
    run_and_wait(editor_page, lambda: (name.fill("Team ACLED"), name.press("Enter")))
    run_and_wait(editor_page, lambda: editor_page.get_by_role("button", name="Keep this dataset").click())
    assert app_errors(editor_page) == []
    assert editor_page.get_by_text("3 added").count() >= 1
    assert editor_page.get_by_text("Remove a kept dataset").count() == 1

    # after a refresh, B shows it too; the viewer still cannot keep or remove anything
    page.reload()
    wait_for_app(page)
    assert app_errors(page) == []
    assert sorted(chooser_options(page)) == ["Curated events (shipped, 51)", "Team ACLED (3)", UCDP]
    assert page.get_by_text("Remove a kept dataset").count() == 0
    goto_page(page, replica_b.url, "Import incidents")
    viewer_upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    run_and_wait(page, lambda: viewer_upload.set_input_files(str(ACLED)))
    assert page.get_by_text("Viewers can browse every dataset; sign in to import or remove datasets.").count() >= 1
    assert page.get_by_role("button", name="Keep this dataset").count() == 0

    # nothing of the sessions was written to either replica's disk
    for disk in ("disk-a", "disk-b"):
        folder = tmp_path / disk
        assert not folder.exists() or not any(p.is_file() and p.name != ".gitignore" for p in folder.rglob("*"))


def test_a_sign_in_header_the_proxy_appends_to_the_clients_own_is_not_trusted(browser, start_app, team_database):
    """Behind a proxy that appends its header, a client's own header comes first: the request is refused."""
    server = start_app(
        env={"PKIR_DATABASE_URL": team_database, "PKIR_AUTH_HEADER": USER_HEADER, "PKIR_EDITORS": "boss@desk.example"}
    )
    with AppendingProxy(server.port, USER_HEADER, "mallory@desk.example") as proxy:
        for own, shown in ((None, "Signed in as mallory"), ("boss@desk.example", "Signed in, not trusted")):
            context = browser.new_context(viewport=VIEWPORT, extra_http_headers={USER_HEADER: own} if own else {})
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            visitor = context.new_page()
            instrument(visitor)
            try:
                goto_page(visitor, proxy.url, "Import incidents")
                upload = visitor.locator('[data-testid="stFileUploader"] input[type="file"]')
                run_and_wait(visitor, lambda u=upload: u.set_input_files(str(ACLED)))
                assert app_errors(visitor) == []
                assert visitor.get_by_text(shown).count() >= 1, own
                assert visitor.get_by_text(re.compile("Signed in as boss")).count() == 0
                assert visitor.get_by_role("button", name="Keep this dataset").count() == 0
            finally:
                context.close()
