"""ui.access: who may change data in each mode."""

from __future__ import annotations

import pytest

from ui import access


@pytest.fixture
def team(monkeypatch):
    """Team mode with no sign-in configured; tests add what they need."""
    monkeypatch.setenv("PKIR_DATABASE_URL", "postgresql://dash@db/pkir")
    for name in (access.AUTH_HEADER_ENV, access.EDITORS_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(access, "oidc_configured", lambda: False)
    monkeypatch.setattr(access, "_header", lambda name: "")
    monkeypatch.setattr(access, "_oidc_user", lambda: None)
    return monkeypatch


def test_a_personal_store_lets_its_user_change_data(monkeypatch):
    monkeypatch.delenv("PKIR_DATABASE_URL", raising=False)
    assert access.can_change_data()


def test_in_team_mode_an_anonymous_viewer_may_not_change_data(team):
    assert access.team_mode() and not access.can_change_data()
    assert "import command" in access.refusal()


def test_a_user_named_by_the_proxy_header_may_change_data(team):
    team.setenv(access.AUTH_HEADER_ENV, "X-Forwarded-Email")
    assert not access.can_change_data()
    assert "sign in" in access.refusal()
    team.setattr(access, "_header", lambda name: "ana@desk.example" if name == "X-Forwarded-Email" else "")
    assert access.current_user() == "ana@desk.example" and access.can_change_data()


def test_an_oidc_user_may_change_data_and_editors_narrow_it(team):
    team.setattr(access, "oidc_configured", lambda: True)
    assert not access.can_change_data()
    team.setattr(access, "_oidc_user", lambda: "Bo@Desk.example")
    assert access.can_change_data()
    team.setenv(access.EDITORS_ENV, "ana@desk.example, bo@desk.example")
    assert access.can_change_data()
    team.setenv(access.EDITORS_ENV, "ana@desk.example")
    assert not access.can_change_data()
    shown = access.refusal().replace("\u2060", "")  # md_escape breaks autolinks with a word joiner
    assert r"Bo\@Desk\.example" in shown and "view but not change" in shown


def test_the_refusal_escapes_a_user_name_for_markdown(team):
    team.setattr(access, "oidc_configured", lambda: True)
    team.setattr(access, "_oidc_user", lambda: "[x](http://evil.example)")
    team.setenv(access.EDITORS_ENV, "someone.else")
    assert "](http" not in access.refusal()
