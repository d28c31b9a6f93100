"""Who may change data: everyone on a personal store; signed-in users when access is guarded.

Access is guarded in team mode (PKIR_DATABASE_URL set) and, on an embedded store too, whenever
PKIR_AUTH_HEADER or PKIR_EDITORS is set (a shared embedded server is then guarded the same way).
A user is known in one of two ways (README, "Team mode"):

- Streamlit's own sign-in: an ``[auth]`` section in .streamlit/secrets.toml naming an OIDC
  provider; the sidebar offers "Sign in" (st.login). The identity is the e-mail only when the
  provider says it is verified (``email_verified`` true); else the provider's stable subject,
  ``sub:<subject>``, which may change data only when PKIR_EDITORS names it. A display name is
  never an identity.
- A reverse proxy in front of every replica that signs users in (oauth2-proxy, an SSO gateway)
  and passes the user in a header: PKIR_AUTH_HEADER names it (e.g. X-Forwarded-Email). Only set
  this when the app cannot be reached except through that proxy. A request carrying the header
  more than once, or a value holding a comma (two values joined), is not trusted.

PKIR_EDITORS (optional, comma-separated e-mails, user names or ``sub:<subject>``) narrows changing
data to those users; unset or empty, every signed-in user with a verified e-mail (or a proxy's
user) may. Set but naming nobody (" , ") means nobody. Identities are compared exactly in Unicode
NFKC form (an identity that NFKC changes, such as one with a KELVIN SIGN, matches nobody), ASCII
letters case-insensitively; an e-mail's domain must be ASCII (IDN domains as xn--).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo.settings import AUTH_HEADER_ENV as AUTH_HEADER_ENV
from geo.settings import EDITORS_ENV as EDITORS_ENV
from geo.settings import SUBJECT, settings
from geo.settings import canonical as canonical
from ui.safe_text import safe

KEYS = {"sign_in": "access_sign_in", "sign_out": "access_sign_out"}


@dataclass(frozen=True)
class Identity:
    """Who this session is (``user``), or why a sign-in is not trusted (``problem``), or neither (a viewer)."""

    user: str | None = None
    problem: str | None = None


def team_mode() -> bool:
    """True when the app runs on a shared database (PKIR_DATABASE_URL)."""
    return settings().team_mode


def _header_name() -> str:
    return settings().auth_header


def guarded() -> bool:
    """Does changing data need a signed-in user? In team mode, and wherever PKIR_AUTH_HEADER or PKIR_EDITORS is set."""
    return team_mode() or bool(_header_name()) or editors() is not None


def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or one that does not parse: no sign-in
        return False


def _request_headers():
    """The headers of the request that opened this session (st.context.headers: repeated ones kept)."""
    return st.context.headers


def _header_values(name: str) -> list[str]:
    """Every value the request carried for this header."""
    headers = _request_headers()
    return list(headers.get_all(name)) if headers else []


def _header_identity(name: str) -> Identity:
    values = [v.strip() for v in _header_values(name)]
    if not values or not any(values):
        return Identity()
    if len(values) > 1:
        return Identity(problem=f"the sign-in header {name} came {len(values)} times in this request")
    if "," in values[0]:
        return Identity(problem=f"the sign-in header {name} holds more than one value")
    return Identity(values[0])


def _claims() -> dict | None:
    """The signed-in user's OIDC claims, or None when nobody is signed in."""
    if not st.user.is_logged_in:
        return None
    return st.user.to_dict()


def _verified(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _oidc_identity() -> Identity:
    claims = _claims()
    if claims is None:
        return Identity()
    email = str(claims.get("email") or "").strip()
    if email and _verified(claims.get("email_verified")):
        return Identity(email)
    subject = str(claims.get("sub") or "").strip()
    if subject:
        return Identity(SUBJECT + subject)
    return Identity(problem="the sign-in gave neither a verified e-mail nor a subject")


def identity() -> Identity:
    """This session's identity (proxy header or st.user)."""
    header = _header_name()
    if header:
        return _header_identity(header)
    return _oidc_identity() if oidc_configured() else Identity()


def current_user() -> str | None:
    """The signed-in user, None for an anonymous viewer or an untrusted sign-in."""
    return identity().user


def editors() -> frozenset[str] | None:
    """The identities PKIR_EDITORS allows to change data (canonical); None when it is unset or empty
    (every signed-in user may), an empty set when it is set but names nobody usable (nobody may)."""
    return settings().editors


def can_change_data() -> bool:
    """May this session import, keep or remove datasets?"""
    if not guarded():
        return True
    user = current_user()
    if user is None:
        return False
    allowed = editors()
    if allowed is None:
        return not user.startswith(SUBJECT)  # a bare subject is trusted only when PKIR_EDITORS names it
    return canonical(user) in allowed


def refusal() -> str:
    """Why this session may not change data, as a one-line message safe for Markdown."""
    who = identity()
    if who.problem:
        return safe("This sign-in is not trusted to change data: {}.", who.problem)
    if who.user is not None:
        if who.user.startswith(SUBJECT) and editors() is None:
            return safe(
                "Signed in without a verified e-mail ({}); only a subject PKIR_EDITORS names may change data.", who.user
            )
        if editors() == set():
            return safe("Signed in as {}; PKIR_EDITORS names nobody, so nobody may change the datasets.", who.user)
        return safe("Signed in as {}, who may view but not change the datasets.", who.user)
    if _header_name() or oidc_configured():
        return "Viewers can browse every dataset; sign in to import or remove datasets."
    if not team_mode():
        return "Changing datasets needs a signed-in user here (PKIR_EDITORS is set), and nobody can sign in."
    return (
        "This dashboard is shared in team mode and nobody can sign in yet, so datasets can only be "
        "viewed here; importing into the shared database is done with the import command (README, Team mode)."
    )


def sign_in_box() -> None:
    """Where access is guarded, the sidebar's sign-in line: who is signed in, or a button to sign in (OIDC)."""
    if not guarded():
        return
    who = identity()
    with st.sidebar:
        if who.user is not None or who.problem:
            st.caption(safe("Signed in as {}", who.user) if who.user else "Signed in, not trusted to change data")
            if not _header_name() and st.button("Sign out", key=KEYS["sign_out"]):
                st.logout()
        elif oidc_configured() and not _header_name():
            if st.button("Sign in to change data", key=KEYS["sign_in"]):
                st.login()
        else:
            st.caption("Viewing the datasets (read-only).")
