"""HTTP for the API syncs with the standard library only: one call, one answer, failures as one line.

No URL written into a message carries its query (the host and path only); no header is ever
written into one (tokens travel in headers and form bodies, never in a URL).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

TIMEOUT_S = 60.0
USER_AGENT = "pkir-dashboard-sync/1"


class SyncError(Exception):
    """A sync stopped; the message is one line that says why and that nothing was changed."""


class NetworkDown(SyncError):
    """The API could not be reached, or the connection dropped before an answer was whole."""


class NoAccess(SyncError):
    """The account signs in but may not read the API (HTTP 403)."""


class QuotaReached(SyncError):
    """The API refused for too many requests (HTTP 429)."""


class AuthFailed(SyncError):
    """A sign-in or a token refresh was refused."""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers (lower-case names) and body."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self, what: str):
        """The body as JSON; SyncError naming what when it is not."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SyncError(f"{what} answered something not JSON (HTTP {self.status}); nothing changed") from exc


def where(url: str) -> str:
    """The host and path of a URL, for messages (never its query)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_base(url: str) -> str:
    """An API base URL credentials may be sent to: https, or plain http to this machine only."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url
    raise SyncError(f"{where(url)}: an API URL must be https:// (plain http only to this machine)")


def with_query(url: str, params: Mapping[str, object] | None) -> str:
    """url with params appended (urlencoded)."""
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode({k: str(v) for k, v in params.items()})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: a token header must never go to a host it was not meant for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def call(
    method: str,
    url: str,
    *,
    params: Mapping[str, object] | None = None,
    form: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> Answer:
    """One request; any status comes back as an Answer, an unreachable or dropped connection raises NetworkDown."""
    data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
    request = urllib.request.Request(with_query(url, params), data=data, method=method)
    request.add_header("User-Agent", USER_AGENT)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Answer(response.status, response.read(), {k.lower(): v for k, v in response.headers.items()})
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read()
        except (OSError, http.client.HTTPException):
            body = b""
        return Answer(exc.code, body, {k.lower(): v for k, v in (exc.headers or {}).items()})
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:  # timeouts are OSErrors
        reason = getattr(exc, "reason", None) or exc
        text = " ".join(str(reason).split()) or type(exc).__name__
        raise NetworkDown(f"cannot reach {where(url)} ({text[:160]}); nothing was changed") from exc


def retry_after(answer: Answer) -> float | None:
    """Seconds the API asks to wait (Retry-After in seconds), or None when it does not say."""
    try:
        return max(float(answer.headers.get("retry-after", "")), 0.0)
    except ValueError:
        return None
