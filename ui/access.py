"""Who may change data: everyone on a personal (embedded) store; in team mode, signed-in users only.

Team mode (PKIR_DATABASE_URL set) knows a user in one of two ways (README, "Team mode"):

- Streamlit's own sign-in: an ``[auth]`` section in .streamlit/secrets.toml naming an OIDC
  provider; the sidebar offers "Sign in" (st.login) and st.user says who is signed in.
- A reverse proxy in front of every replica that signs users in (oauth2-proxy, an SSO gateway)
  and passes the user in a header: PKIR_AUTH_HEADER names it (e.g. X-Forwarded-Email). Only set
  this when the app cannot be reached except through that proxy: the header is trusted as sent.

PKIR_EDITORS (optional, comma-separated e-mails or user names) narrows changing data to those
users; without it every signed-in user may import and remove datasets. Viewers browse everything.
"""

from __future__ import annotations

import os

import streamlit as st

from geo.store import DATABASE_ENV
from ui.safe_text import safe

AUTH_HEADER_ENV = "PKIR_AUTH_HEADER"
EDITORS_ENV = "PKIR_EDITORS"
KEYS = {"sign_in": "access_sign_in", "sign_out": "access_sign_out"}


def team_mode() -> bool:
    """True when the app runs on a shared database (PKIR_DATABASE_URL)."""
    return bool(os.environ.get(DATABASE_ENV, "").strip())


def _header_name() -> str:
    return os.environ.get(AUTH_HEADER_ENV, "").strip()


def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or one that does not parse: no sign-in
        return False


def _header(name: str) -> str:
    return (st.context.headers or {}).get(name, "") or ""


def _oidc_user() -> str | None:
    if not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or st.user.get("name") or st.user.get("sub") or "signed-in user")


def current_user() -> str | None:
    """The signed-in user (proxy header or st.user), None for an anonymous viewer."""
    header = _header_name()
    if header:
        return _header(header).strip() or None
    return _oidc_user() if oidc_configured() else None


def editors() -> set[str]:
    """The users PKIR_EDITORS allows to change data (casefolded); empty means every signed-in user."""
    raw = os.environ.get(EDITORS_ENV, "")
    return {part.strip().casefold() for part in raw.split(",") if part.strip()}


def can_change_data() -> bool:
    """May this session import, keep or remove datasets?"""
    if not team_mode():
        return True
    user = current_user()
    if user is None:
        return False
    allowed = editors()
    return not allowed or user.casefold() in allowed


def refusal() -> str:
    """Why this session may not change data, as a one-line message safe for Markdown."""
    user = current_user()
    if user is not None:
        return safe("Signed in as {}, who may view but not change the team's datasets.", user)
    if _header_name() or oidc_configured():
        return "Viewers can browse every dataset; sign in to import or remove datasets."
    return (
        "This dashboard is shared in team mode and nobody can sign in yet, so datasets can only be "
        "viewed here; importing into the shared database is done with the import command (README, Team mode)."
    )


def sign_in_box() -> None:
    """In team mode, the sidebar's sign-in line: who is signed in, or a button to sign in (OIDC)."""
    if not team_mode():
        return
    user = current_user()
    with st.sidebar:
        if user is not None:
            st.caption(safe("Signed in as {}", user))
            if not _header_name() and st.button("Sign out", key=KEYS["sign_out"]):
                st.logout()
        elif oidc_configured() and not _header_name():
            if st.button("Sign in to change data", key=KEYS["sign_in"]):
                st.login()
        else:
            st.caption("Viewing the team's datasets (read-only).")
