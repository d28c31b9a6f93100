"""AppTest: a bad PKIR_ variable is said on the page in one line, instead of a traceback."""

from streamlit.testing.v1 import AppTest

from geo.settings import AUTH_HEADER_ENV, OFFLINE_ENV
from tests.app_helpers import APP


def test_a_bad_setting_is_named_on_the_page(settings_env):
    settings_env.setenv(OFFLINE_ENV, "maybe")
    settings_env.setenv(AUTH_HEADER_ENV, "X-Email <b>")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [error] = [e.value for e in at.error]
    assert "not configured correctly" in error and OFFLINE_ENV in error.replace("\\", "")
    assert AUTH_HEADER_ENV in error.replace("\\", "") and "<b>" not in error  # the value is escaped
    assert not at.selectbox  # no page ran
