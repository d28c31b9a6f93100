"""The UCDP API client: GED (or Candidate) events of some countries, in pages, within the daily quota.

What it relies on (UCDP API documentation, ucdp.uu.se/apidocs, and its sample answers, 2026):

- ``GET {base}/gedevents/{version}?pagesize=N&page=P`` (P from 0; at most 1,000 a page), with the
  filter ``Country=770,630`` (Gleditsch–Ward codes). Versions are named like ``25.1`` (the yearly
  GED) and ``25.0.11`` (a monthly Candidate release).
- Since February 2026 every request needs a token, sent in the header ``x-ucdp-access-token``;
  a missing or wrong token answers 401 (403 for a token without access); the quota is 5,000
  requests a day, beyond which the API answers 429.
- The answer is ``{"TotalCount": n, "TotalPages": p, "PreviousPageUrl": ..., "NextPageUrl": ...,
  "Result": [row, ...]}`` whose rows carry GED's CSV columns (id, date_start, latitude, best, ...).

A sync reads page 0, learns TotalPages, checks the pages still needed fit in what is left of the
day's quota, then reads the others (it builds their URLs itself from the configured base: the
token never goes to the host a NextPageUrl might name). A 429 asking for a short wait is waited
for once; otherwise the sync stops, with nothing changed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

from geo.sync import http
from geo.sync.http import AuthFailed, NoAccess, QuotaReached, SyncError

BASE = "https://ucdpapi.pcr.uu.se/api"
PAGE = 1000
DAILY_QUOTA = 5000
WAIT_AT_MOST_S = 60.0
TOKEN_HEADER = "x-ucdp-access-token"
VERSION = re.compile(r"^\d{1,2}\.\d{1,2}(\.\d{1,2})?$")
# Gleditsch–Ward codes of the countries this dashboard is about and their neighbours
GW_CODES = {"pakistan": 770, "iran": 630, "afghanistan": 700, "india": 750, "iraq": 645, "turkey": 640}


def country_codes(countries: list[str]) -> list[int]:
    """Gleditsch–Ward codes from names (Pakistan, Iran, ...) or codes given as numbers."""
    codes = []
    for country in countries:
        text = country.strip()
        if text.isdigit():
            codes.append(int(text))
        elif text.casefold() in GW_CODES:
            codes.append(GW_CODES[text.casefold()])
        else:
            raise SyncError(
                f"UCDP names countries by Gleditsch–Ward code: give {text!r} as its number (e.g. 770 for Pakistan)"
            )
    return codes


def check_version(version: str, candidate: bool) -> str:
    """A UCDP version such as 25.1 (GED) or 25.0.11 (Candidate); SyncError otherwise."""
    if not VERSION.fullmatch(version or ""):
        raise SyncError(f"{version!r} is not a UCDP version (25.1 for GED, 25.0.11 for a Candidate release)")
    if candidate and version.count(".") != 2:
        raise SyncError(f"a Candidate release is named like 25.0.11 (year, 0, month), not {version!r}")
    return version


class UcdpClient:
    """Reads GED events page by page, counting requests against the day's quota."""

    def __init__(
        self,
        token: str,
        base: str = BASE,
        used_today: int = 0,
        quota: int = DAILY_QUOTA,
        call=http.call,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not token:
            raise AuthFailed("UCDP_TOKEN is not set (environment or .streamlit/secrets.toml); nothing was changed")
        self.base = base.rstrip("/")
        self._token, self._call, self._sleep = token, call, sleep
        self.used_today, self.quota = used_today, quota
        self.requests = 0

    def _page(self, version: str, codes: list[int], page: int) -> dict:
        url = f"{self.base}/gedevents/{version}"
        params = {"pagesize": PAGE, "page": page, "Country": ",".join(map(str, codes))}
        waited = False
        while True:
            if self.used_today + self.requests >= self.quota:
                raise QuotaReached(
                    f"this sync would pass UCDP's quota of {self.quota:,} requests a day; nothing was changed, "
                    "try again tomorrow"
                )
            self.requests += 1
            answer = self._call("GET", url, params=params, headers={TOKEN_HEADER: self._token})
            if answer.status != 429:
                break
            wait = http.retry_after(answer)
            if waited or wait is None or wait > WAIT_AT_MOST_S:
                raise QuotaReached(
                    "UCDP's daily quota of requests is used up (HTTP 429); nothing was changed, try again tomorrow"
                )
            self._sleep(wait)
            waited = True
        if answer.status == 401:
            raise AuthFailed("UCDP refused the token (HTTP 401): check UCDP_TOKEN; nothing was changed")
        if answer.status == 403:
            raise NoAccess("this UCDP token has no access to the API (HTTP 403); nothing was changed")
        if answer.status == 404:
            raise SyncError(f"UCDP has no version {version} (HTTP 404); nothing was changed")
        if answer.status != 200:
            raise SyncError(f"UCDP answered HTTP {answer.status} for {http.where(url)}; nothing was changed")
        doc = answer.json("UCDP")
        if not isinstance(doc, dict) or not isinstance(doc.get("Result"), list):
            raise SyncError(f"UCDP's answer for {http.where(url)} holds no Result list; nothing was changed")
        return doc

    def events(self, version: str, codes: list[int]) -> Iterator[list[dict]]:
        """Pages of event rows of this version and these countries (only the pages there are)."""
        first = self._page(version, codes, 0)
        yield [r for r in first["Result"] if isinstance(r, dict)]
        try:
            total = int(first.get("TotalPages") or 1)
        except (TypeError, ValueError):
            total = 1
        left = self.quota - self.used_today - self.requests
        if total - 1 > left:
            raise QuotaReached(
                f"UCDP has {total} pages of these events and {left} requests are left of today's quota; "
                "nothing was changed, try again tomorrow"
            )
        for page in range(1, total):
            doc = self._page(version, codes, page)
            yield [r for r in doc["Result"] if isinstance(r, dict)]
            if not doc["Result"]:
                return
