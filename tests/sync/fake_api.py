"""A local HTTP server answering as ACLED's and UCDP's APIs are documented to (geo/sync/acled.py and
ucdp.py say what that is), with switches for each failure a sync must survive.

    api = FakeApi(); api.start() ... api.url ... api.stop()
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER, PASSWORD = "analyst@example.org", "pw-Secret-7f3a"


def acled_row(n: int, timestamp: int, country: str = "Pakistan", **changes) -> dict:
    """One ACLED API row (the export's columns, values as the API writes them)."""
    iso, lat, lon = (586, 27.0 + n / 100, 63.0 + n / 100) if country == "Pakistan" else (364, 29.5, 60.8 + n / 100)
    row = {
        "event_id_cnty": f"{'PAK' if country == 'Pakistan' else 'IRN'}{9000 + n}",
        "event_date": f"2025-0{1 + n % 9}-1{n % 10}",
        "year": "2025",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Pakistan (2022-)",
        "assoc_actor_1": "",
        "inter1": "1",
        "actor2": "BLA: Balochistan Liberation Army",
        "assoc_actor_2": "",
        "inter2": "2",
        "interaction": "12",
        "civilian_targeting": "",
        "iso": str(iso),
        "region": "Caucasus and Central Asia",
        "country": country,
        "admin1": "Balochistan" if country == "Pakistan" else "Sistan and Baluchestan",
        "admin2": "Kech",
        "admin3": "",
        "location": f"Place {n}",
        "latitude": str(lat),
        "longitude": str(lon),
        "geo_precision": "1",
        "source": "Dawn",
        "source_scale": "National",
        "notes": f"Synthetic API row {n}.",
        "fatalities": "2",
        "tags": "",
        "timestamp": str(timestamp),
    }
    return row | changes


def ucdp_row(n: int, country_id: int = 770, **changes) -> dict:
    """One UCDP GED API row (GED's columns; numbers as JSON numbers, dates with a time)."""
    row = {
        "id": 880000 + n,
        "relid": f"PAK-2024-1-{n}",
        "year": 2024,
        "active_year": True,
        "code_status": "Clear",
        "type_of_violence": 1,
        "conflict_name": "Pakistan: Balochistan",
        "dyad_name": "Government of Pakistan - BLA",
        "side_a": "Government of Pakistan",
        "side_b": "BLA",
        "number_of_sources": 1,
        "source_article": "Synthetic",
        "source_date": "2024-03-02",
        "where_prec": 1,
        "where_coordinates": f"Place {n}",
        "where_description": f"Place {n} town",
        "adm_1": "Balochistan province",
        "adm_2": "Kech district",
        "latitude": 26.0 + n / 100,
        "longitude": 63.0 + n / 100,
        "country": "Pakistan" if country_id == 770 else "Iran",
        "country_id": country_id,
        "region": "Asia",
        "event_clarity": 1,
        "date_prec": 1,
        "date_start": f"2024-03-{1 + n % 27:02d}T00:00:00",
        "date_end": f"2024-03-{1 + n % 27:02d}T00:00:00",
        "deaths_a": 1,
        "deaths_b": 2,
        "deaths_civilians": 0,
        "deaths_unknown": 0,
        "best": 3,
        "high": 4,
        "low": 3,
        "gwnoa": "770",
        "gwnob": None,
    }
    return row | changes


@dataclass
class FakeApi:
    """The switches a test turns; every request is logged (method, path, query, headers, body)."""

    acled_rows: list[dict] = field(default_factory=list)
    acled_deleted: list[dict] = field(default_factory=list)
    ucdp_rows: dict[str, list[dict]] = field(default_factory=dict)  # by version
    ucdp_token: str = "ucdp-Token-5c1e"
    no_access: bool = False  # ACLED: tokens are issued, reads answer 403
    quota: int = 0  # how many reads are answered 429 (negative: every one)
    retry_after: str = "3600"
    reads_before_expiry: int | None = None  # the access token expires after this many reads
    refresh_works: bool = True
    drop_on_page: int | None = None  # the connection drops in the middle of this page's body
    log: list[dict] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)  # every token handed out (to look for them in output)

    def __post_init__(self):
        self._valid_access: set[str] = set()
        self._valid_refresh: set[str] = set()
        self._reads = 0
        self._n = 0
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # ---- lifecycle

    def start(self) -> FakeApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                api._handle(self, "GET")

            def do_POST(self):
                api._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # ---- answers

    def _send(self, h, status: int, doc=None, headers=None) -> None:
        body = json.dumps(doc if doc is not None else {}).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _token(self, form: dict) -> tuple[int, dict]:
        with self._lock:
            grant = form.get("grant_type")
            if form.get("client_id") != "acled":
                return 400, {"error": "invalid_client"}
            if grant == "password":
                if form.get("username") != USER or form.get("password") != PASSWORD:
                    return 400, {"error": "invalid_grant"}
            elif grant == "refresh_token":
                if not self.refresh_works or form.get("refresh_token") not in self._valid_refresh:
                    return 400, {"error": "invalid_grant"}
                self._valid_refresh.discard(form["refresh_token"])  # refresh tokens rotate
            else:
                return 400, {"error": "unsupported_grant_type"}
            self._n += 1
            access, refresh = f"acc-{self._n}-9d8e7f", f"ref-{self._n}-6a5b4c"
            self._valid_access.add(access)
            self._valid_refresh.add(refresh)
            self.issued += [access, refresh]
            self._reads = 0
            return 200, {"token_type": "Bearer", "expires_in": 86400, "access_token": access, "refresh_token": refresh}

    def _acled_read(self, h, path: str, q: dict) -> None:
        token = h.headers.get("Authorization", "").removeprefix("Bearer ")
        with self._lock:
            if token not in self._valid_access:
                return self._send(h, 401, {"message": "Unauthorized"})
            self._reads += 1
            if self.reads_before_expiry is not None and self._reads > self.reads_before_expiry:
                self._valid_access.discard(token)
                return self._send(h, 401, {"message": "Token expired"})
        if self.no_access:
            return self._send(h, 403, {"message": "Access denied"})
        if self._over_quota():
            return self._send(h, 429, {"message": "Too many requests"}, {"Retry-After": self.retry_after})
        if path == "/api/acled/read":
            countries = q.get("country", "").split(":OR:country=")
            since = int(q["timestamp"]) if "timestamp" in q else None
            rows = [
                r
                for r in self.acled_rows
                if r["country"] in countries and (since is None or int(r["timestamp"]) >= since)
            ]
        else:
            since = int(q.get("deleted_timestamp", 0))
            rows = [r for r in self.acled_deleted if int(r["deleted_timestamp"]) >= since]
        limit, page = int(q.get("limit", 500)), int(q.get("page", 1))
        chunk = rows[(page - 1) * limit : page * limit]
        doc = {"status": 200, "success": True, "count": len(chunk), "data": chunk}
        if self.drop_on_page == page and path == "/api/acled/read":
            return self._drop(h, doc)
        self._send(h, 200, doc)

    def _over_quota(self) -> bool:
        with self._lock:
            if self.quota == 0:
                return False
            self.quota -= 1 if self.quota > 0 else 0
            return True

    def _drop(self, h, doc) -> None:
        body = json.dumps(doc).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(2)

    def _ucdp(self, h, version: str, q: dict) -> None:
        if h.headers.get("x-ucdp-access-token") != self.ucdp_token:
            return self._send(h, 401, {"message": "A valid access token is required"})
        if self._over_quota():
            return self._send(h, 429, {"message": "Daily quota exceeded"}, {"Retry-After": self.retry_after})
        if version not in self.ucdp_rows:
            return self._send(h, 404, {"message": "No such version"})
        codes = {int(c) for c in q.get("Country", "").split(",") if c}
        rows = [r for r in self.ucdp_rows[version] if not codes or r["country_id"] in codes]
        size, page = int(q.get("pagesize", 100)), int(q.get("page", 0))
        pages = max((len(rows) + size - 1) // size, 1)
        nxt = (
            f"https://ucdpapi.pcr.uu.se/api/gedevents/{version}?pagesize={size}&page={page + 1}"
            if page + 1 < pages
            else ""
        )
        doc = {
            "TotalCount": len(rows),
            "TotalPages": pages,
            "PreviousPageUrl": "",
            "NextPageUrl": nxt,
            "Result": rows[page * size : (page + 1) * size],
        }
        self._send(h, 200, doc)

    def _handle(self, h, method: str) -> None:
        parts = urllib.parse.urlsplit(h.path)
        q = dict(urllib.parse.parse_qsl(parts.query))
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0)).decode() if method == "POST" else ""
        form = dict(urllib.parse.parse_qsl(body))
        self.log.append(
            {
                "method": method,
                "path": parts.path,
                "query": parts.query,
                "q": q,
                "form": form,
                "headers": {k.lower(): v for k, v in h.headers.items()},
            }
        )
        if method == "POST" and parts.path == "/oauth/token":
            status, doc = self._token(form)
            return self._send(h, status, doc)
        if method == "GET" and parts.path in ("/api/acled/read", "/api/deleted/read"):
            return self._acled_read(h, parts.path, q)
        if method == "GET" and parts.path.startswith("/api/gedevents/"):
            return self._ucdp(h, parts.path.rsplit("/", 1)[1], q)
        self._send(h, 404, {"message": "not found"})

    def requests(self, path: str) -> list[dict]:
        """The logged requests to this path."""
        return [r for r in self.log if r["path"] == path]
