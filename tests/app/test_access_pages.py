"""AppTest of who may change data on a shared embedded server: PKIR_EDITORS guards it as team mode does."""

from __future__ import annotations

import pytest

from geo.store.workspace import WORKSPACE_ENV
from tests.app_helpers import ROOT, open_page

ACLED = ROOT / "tests" / "data" / "import" / "acled_new.csv"


@pytest.fixture
def shared_workspace(tmp_path, settings_env):
    """An embedded workspace whose server names its editors, with no sign-in configured."""
    settings_env.setenv(WORKSPACE_ENV, str(tmp_path / "workspace"))
    settings_env.delenv("PKIR_DATABASE_URL", raising=False)
    settings_env.delenv("PKIR_AUTH_HEADER", raising=False)
    settings_env.setenv("PKIR_EDITORS", "ana@desk.example")
    return tmp_path / "workspace"


def test_editors_set_on_an_embedded_server_keep_an_anonymous_visitor_from_keeping(shared_workspace):
    at = open_page("pages/import_data.py")
    at.file_uploader(key="import_file").set_value((ACLED.name, ACLED.read_bytes(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [b for b in at.button if b.key == "keep_button"]
    assert any(
        "PKIR_EDITORS is set" in i.value.replace("\\", "") and "nobody can sign in" in i.value for i in at.info
    ), [i.value for i in at.info]
    assert not (shared_workspace / "manifest.json").exists()
