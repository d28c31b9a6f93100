"""The ACLED API client: OAuth sign-in, paged reads of events changed since a time, deleted events.

What it relies on (ACLED's "API documentation: Getting started", acleddata.com, 2025–2026):

- Token endpoint ``POST {base}/oauth/token``, form-encoded: ``grant_type=password``, ``username``,
  ``password``, ``client_id=acled``, ``scope=authenticated``; or ``grant_type=refresh_token``,
  ``refresh_token``, ``client_id=acled``. The answer is JSON with ``access_token`` (valid 24 h,
  ``expires_in`` 86400), ``refresh_token`` (valid 14 days) and ``token_type`` Bearer.
- Reads send ``Authorization: Bearer <access token>``; an expired token answers 401. An account
  that signs in but has no API access answers 403.
- Events: ``GET {base}/api/acled/read?_format=json`` with ``country=A:OR:country=B``, ``limit``
  (5,000 a page here) and ``page`` (from 1); ``timestamp=T&timestamp_where=>=`` keeps the rows
  added or changed at or after T (ACLED's ``timestamp`` is a row's last change, in Unix seconds);
  ``event_date=D1|D2&event_date_where=BETWEEN`` limits by event date. The answer is
  ``{"status": 200, "success": true, "count": n, "data": [row, ...]}`` whose rows carry the
  export's columns (event_id_cnty, event_date, ..., timestamp). A page shorter than the limit is the last.
- Deleted events: ``GET {base}/api/deleted/read?_format=json`` with
  ``deleted_timestamp=T&deleted_timestamp_where=>=``, paged the same way; rows are
  ``{"event_id_cnty": ..., "deleted_timestamp": ...}``.
- Quota or overload: 429, with Retry-After when the server gives one.

Tokens go in headers and form bodies only, never in a URL, and never into a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from geo.sync import http
from geo.sync.http import AuthFailed, NoAccess, QuotaReached, SyncError

BASE = "https://acleddata.com"
TOKEN_PATH = "/oauth/token"
READ_PATH = "/api/acled/read"
DELETED_PATH = "/api/deleted/read"
CLIENT_ID = "acled"
PAGE = 5000
WAIT_AT_MOST_S = 60.0  # a 429 asking to wait longer stops the sync instead
NO_ACCESS = (
    "this ACLED account has no API access: ask ACLED (myACLED, access requests) to enable API access "
    "for it; nothing was changed"
)


class AcledClient:
    """Signs in, refreshes the access token when it expires, and reads pages."""

    def __init__(
        self,
        base: str = BASE,
        username: str = "",
        password: str = "",
        refresh_token: str = "",
        on_refresh_token: Callable[[str], None] | None = None,
        call=http.call,
        sleep=time.sleep,
    ):
        self.base = base.rstrip("/")
        self._username, self._password = username, password
        self._refresh, self._access = refresh_token, ""
        self._on_refresh = on_refresh_token or (lambda token: None)
        self._call, self._sleep = call, sleep
        self.requests = 0  # how many requests this client made (tokens included)

    # ---- tokens

    def _grant(self, form: dict) -> None:
        self.requests += 1
        answer = self._call("POST", self.base + TOKEN_PATH, form={**form, "client_id": CLIENT_ID})
        if answer.status == 403:
            raise NoAccess(NO_ACCESS)
        if answer.status == 429:
            raise QuotaReached("ACLED refused the sign-in for too many requests (HTTP 429); nothing was changed")
        if answer.status != 200:
            kind = "token refresh" if form["grant_type"] == "refresh_token" else "sign-in"
            raise AuthFailed(f"ACLED refused the {kind} (HTTP {answer.status}); nothing was changed")
        doc = answer.json("ACLED's token endpoint")
        access = doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(access, str) or not access:
            raise AuthFailed("ACLED's token endpoint gave no access token; nothing was changed")
        self._access = access
        refresh = doc.get("refresh_token")
        if isinstance(refresh, str) and refresh and refresh != self._refresh:
            self._refresh = refresh
            self._on_refresh(refresh)

    def sign_in(self) -> None:
        """An access token: from the kept refresh token when it still works, else from the password."""
        if self._refresh:
            try:
                self._grant({"grant_type": "refresh_token", "refresh_token": self._refresh})
                return
            except AuthFailed:
                self._refresh = ""  # expired (14 days) or revoked: sign in again below
        if not (self._username and self._password):
            raise AuthFailed(
                "ACLED_USERNAME and ACLED_PASSWORD are not set (environment or .streamlit/secrets.toml); "
                "nothing was changed"
            )
        self._grant(
            {"grant_type": "password", "username": self._username, "password": self._password, "scope": "authenticated"}
        )

    def _refresh_now(self) -> None:
        """The access token expired during the sync: refresh it, or stop."""
        if not self._refresh:
            raise AuthFailed("the ACLED token expired during the sync and no refresh token is kept; nothing changed")
        try:
            self._grant({"grant_type": "refresh_token", "refresh_token": self._refresh})
        except AuthFailed as exc:
            raise AuthFailed(
                "the ACLED token expired during the sync and could not be refreshed; nothing was changed"
            ) from exc

    # ---- reads

    def _get(self, path: str, params: dict) -> dict:
        if not self._access:
            self.sign_in()
        refreshed = waited = False
        while True:
            self.requests += 1
            answer = self._call(
                "GET", self.base + path, params=params, headers={"Authorization": f"Bearer {self._access}"}
            )
            if answer.status == 401 and not refreshed:
                self._refresh_now()
                refreshed = True
                continue
            if answer.status == 429:
                wait = http.retry_after(answer)
                if not waited and wait is not None and wait <= WAIT_AT_MOST_S:
                    self._sleep(wait)
                    waited = True
                    continue
                raise QuotaReached(
                    "ACLED refused for too many requests (HTTP 429); nothing was changed, try again later"
                )
            break
        if answer.status == 403:
            raise NoAccess(NO_ACCESS)
        if answer.status == 401:
            raise AuthFailed("ACLED refused the refreshed token (HTTP 401); nothing was changed")
        if answer.status != 200:
            raise SyncError(f"ACLED answered HTTP {answer.status} for {http.where(self.base + path)}; nothing changed")
        doc = answer.json("ACLED")
        if isinstance(doc, dict) and doc.get("status") in (403, "403"):  # an error told in a 200 answer
            raise NoAccess(NO_ACCESS)
        if not isinstance(doc, dict) or doc.get("success") is False or not isinstance(doc.get("data"), list):
            raise SyncError(f"ACLED's answer for {http.where(self.base + path)} holds no data list; nothing changed")
        return doc

    def _pages(self, path: str, params: dict) -> Iterator[list[dict]]:
        page = 1
        while True:
            rows = self._get(path, {"_format": "json", **params, "limit": PAGE, "page": page})["data"]
            yield [r for r in rows if isinstance(r, dict)]
            if len(rows) < PAGE:
                return
            page += 1

    def events(self, countries: list[str], since_timestamp: int | None, since_date: str | None) -> Iterator[list[dict]]:
        """Pages of event rows of these countries changed at or after since_timestamp (all when None),
        of events on or after since_date (YYYY-MM-DD) when given."""
        params: dict = {"country": ":OR:country=".join(countries)}
        if since_timestamp is not None:
            params |= {"timestamp": int(since_timestamp), "timestamp_where": ">="}
        if since_date:
            until = time.strftime("%Y-%m-%d", time.gmtime())
            params |= {"event_date": f"{since_date}|{until}", "event_date_where": "BETWEEN"}
        return self._pages(READ_PATH, params)

    def deleted(self, since_timestamp: int) -> Iterator[list[dict]]:
        """Pages of deleted events (event_id_cnty, deleted_timestamp) deleted at or after since_timestamp."""
        return self._pages(DELETED_PATH, {"deleted_timestamp": int(since_timestamp), "deleted_timestamp_where": ">="})
