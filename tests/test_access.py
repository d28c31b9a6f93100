"""ui.access: who may change data in each mode."""

from __future__ import annotations

import pytest
from streamlit.runtime.context import StreamlitHeaders

from ui import access

HEADER = "X-Forwarded-Email"


@pytest.fixture
def team(settings_env):
    """Team mode with no sign-in configured; tests add what they need (team.setenv reads the settings again)."""
    settings_env.setenv("PKIR_DATABASE_URL", "postgresql://dash@db/pkir")
    for name in (access.AUTH_HEADER_ENV, access.EDITORS_ENV):
        settings_env.delenv(name, raising=False)
    settings_env.setattr(access, "oidc_configured", lambda: False)
    settings_env.setattr(access, "_request_headers", lambda: StreamlitHeaders([]))
    settings_env.setattr(access, "_claims", lambda: None)
    return settings_env


def headers(team, *pairs: tuple[str, str]) -> None:
    """The session's request carried these headers, in this order (as Streamlit keeps them)."""
    team.setattr(access, "_request_headers", lambda: StreamlitHeaders(pairs))


def signed_in(team, **claims) -> None:
    """An OIDC sign-in (st.user) with these claims."""
    team.setattr(access, "oidc_configured", lambda: True)
    team.setattr(access, "_claims", lambda: dict(claims))


def test_a_personal_store_lets_its_user_change_data(settings_env):
    for name in ("PKIR_DATABASE_URL", access.AUTH_HEADER_ENV, access.EDITORS_ENV):
        settings_env.delenv(name, raising=False)
    assert access.can_change_data()


def test_in_team_mode_an_anonymous_viewer_may_not_change_data(team):
    assert access.team_mode() and not access.can_change_data()
    assert "import command" in access.refusal()


def test_a_user_named_by_the_proxy_header_may_change_data(team):
    team.setenv(access.AUTH_HEADER_ENV, HEADER)
    assert not access.can_change_data()
    assert "sign in" in access.refusal()
    headers(team, (HEADER.lower(), "ana@desk.example"), ("X-Other", "bo@desk.example"))
    assert access.current_user() == "ana@desk.example" and access.can_change_data()


@pytest.mark.parametrize(
    "pairs",
    [
        ((HEADER, "mallory@evil.example"), (HEADER, "ana@desk.example")),  # a proxy that appends
        ((HEADER, "ana@desk.example"), (HEADER.lower(), "ana@desk.example")),
        ((HEADER, "mallory@evil.example, ana@desk.example"),),  # one that joins
    ],
    ids=["two values", "the same value twice", "joined with a comma"],
)
def test_a_repeated_sign_in_header_is_refused(team, pairs):
    team.setenv(access.AUTH_HEADER_ENV, HEADER)
    headers(team, *pairs)
    assert access.current_user() is None and not access.can_change_data()
    assert "not trusted" in access.refusal() and HEADER.replace("-", r"\-") in access.refusal()


def test_an_oidc_user_may_change_data_and_editors_narrow_it(team):
    team.setattr(access, "oidc_configured", lambda: True)
    assert not access.can_change_data()
    signed_in(team, email="Bo@Desk.example", email_verified=True, name="Bo")
    assert access.can_change_data()
    team.setenv(access.EDITORS_ENV, "ana@desk.example, bo@desk.example")
    assert access.can_change_data()
    team.setenv(access.EDITORS_ENV, "ana@desk.example")
    assert not access.can_change_data()
    shown = access.refusal().replace("\u2060", "")  # md_escape breaks autolinks with a word joiner
    assert r"Bo\@Desk\.example" in shown and "view but not change" in shown


def test_the_display_name_is_never_an_identity(team):
    signed_in(team, name="ana@desk.example", sub="google-1234")
    team.setenv(access.EDITORS_ENV, "ana@desk.example")
    assert access.current_user() == "sub:google-1234" and not access.can_change_data()
    signed_in(team, name="ana@desk.example")
    assert access.current_user() is None and not access.can_change_data()
    assert "neither a verified e\\-mail nor a subject" in access.refusal()


@pytest.mark.parametrize("verified", [False, None, "false"])
def test_an_unverified_email_is_not_the_identity(team, verified):
    signed_in(team, email="ana@desk.example", email_verified=verified, sub="entra-77")
    assert access.current_user() == "sub:entra-77"
    assert not access.can_change_data()  # a bare subject changes data only when PKIR_EDITORS names it
    assert "without a verified e-mail" in access.refusal()
    team.setenv(access.EDITORS_ENV, "ana@desk.example")
    assert not access.can_change_data()
    team.setenv(access.EDITORS_ENV, "ana@desk.example, sub:entra-77")
    assert access.can_change_data()
    team.setenv(access.EDITORS_ENV, "sub:ENTRA-77")  # subjects are compared exactly
    assert not access.can_change_data()


@pytest.mark.parametrize("raw", [" , ", ",", " ,, ", "\u212aate@desk.example"])
def test_editors_that_name_nobody_let_nobody_change_data(team, raw):
    signed_in(team, email="kate@desk.example", email_verified=True)
    team.setenv(access.EDITORS_ENV, raw)
    assert access.editors() == set() and not access.can_change_data()


def test_a_kelvin_sign_or_a_fullwidth_letter_does_not_match_an_ascii_editor(team):
    team.setenv(access.EDITORS_ENV, "kate@desk.example")
    for lookalike in ("\u212aate@desk.example", "\uff4bate@desk.example", "kate@desk.e\u0445ample"):
        signed_in(team, email=lookalike, email_verified=True)
        assert not access.can_change_data(), lookalike
    signed_in(team, email="KATE@Desk.Example", email_verified=True)
    assert access.can_change_data()


@pytest.mark.parametrize(
    ("setting", "value"), [(access.EDITORS_ENV, "ana@desk.example"), (access.AUTH_HEADER_ENV, HEADER)]
)
def test_an_embedded_store_honours_the_editors_and_the_header(team, setting, value):
    team.delenv("PKIR_DATABASE_URL")
    team.setenv(setting, value)
    assert access.guarded() and not access.can_change_data()
    assert access.refusal()
    headers(team, (HEADER, "ana@desk.example"))
    signed_in(team, email="ana@desk.example", email_verified=True)
    assert access.can_change_data()


def test_the_refusal_escapes_a_user_name_for_markdown(team):
    signed_in(team, email="[x](http://evil.example)", email_verified=True)
    team.setenv(access.EDITORS_ENV, "someone.else")
    assert "](http" not in access.refusal()
