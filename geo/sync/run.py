"""One sync: fetch what changed, pass it through the file importer, save it in one all-or-nothing save.

The API's rows carry the export's columns, so they are written to a private temporary CSV and read
by geo.importers exactly as a downloaded file is (validation and the grouped report included).
Rows are added or updated by source id; ACLED's deletions are applied by id. Until the one save at
the end, nothing in the store changes: a failure anywhere before it leaves the kept dataset as it
was, and the state (state.py) is written only after the save.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.importers import ImportFormatError, import_file
from geo.importers.formats import BY_NAME, Format
from geo.incidents.compact import stored
from geo.incidents.schema import KEY
from geo.store.base import DatasetNotFound, SaveReport, SourceInfo, StoreError, check_name, empty_incidents
from geo.store.imports import most_common
from geo.sync import acled, http, ucdp
from geo.sync.http import SyncError
from geo.sync.state import open_book

Progress = Callable[[float, str], object]  # share done, what is happening; what it returns is not used
SOURCES = {"acled": "ACLED API", "ucdp": "UCDP API"}
FORMATS = {source: BY_NAME[source] for source in SOURCES}  # the import format each API's rows are read as


@dataclass
class SyncReport:
    """What a sync did: rows fetched, imported, rejected, deletions applied, requests made, the save."""

    dataset: str
    source: str
    fetched: int = 0
    imported: int = 0
    rejected: list[str] = field(default_factory=list)
    deleted: int = 0
    requests: int = 0
    reading: str = ""
    save: SaveReport | None = None
    skipped: str = ""

    def lines(self) -> list[str]:
        """The report in plain lines (escape before Markdown)."""
        if self.skipped:
            return [f"{self.dataset}: nothing to fetch ({self.skipped})"]
        out = [
            f"{self.dataset}: {self.fetched} row(s) from the {SOURCES[self.source]} in {self.requests} request(s); "
            f"{self.imported} imported, {len(self.rejected)} rejected, {self.deleted} deletion(s) applied"
        ]
        out += [f"rejected: {line}" for line in self.rejected[:20]]
        if self.save is not None:
            out.append("saved: " + self.save.summary())
        return out


def _now() -> datetime:
    return datetime.now(UTC)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_csv(rows: list[dict], path: Path) -> None:
    """The API rows as the export's CSV (columns in the order they first appear)."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def import_rows(rows: list[dict], fmt: Format, label: str):
    """The rows through geo.importers as a file of this format would go (an ImportResult)."""
    with tempfile.TemporaryDirectory(prefix="pkir-sync-") as tmp:  # 0700: this user's alone
        path = Path(tmp) / f"{label}{fmt.suffixes[0]}"
        write_csv(rows, path)
        try:
            return import_file(path, fmt.name)
        except ImportFormatError as exc:
            raise SyncError(f"the API's rows could not be imported: {' '.join(str(exc).split())}") from exc


def _source(kind: str, name: str, fetched: int, result, attribution: str) -> SourceInfo:
    """The manifest's source part for a sync (a hash of its own, so no sync is taken for a kept file)."""
    stamp = hashlib.sha256(f"{kind}|{name}|{time.time_ns()}|{uuid.uuid4()}".encode()).hexdigest()
    flat = result.flat if result is not None else None
    return SourceInfo(
        f"{SOURCES[kind]} sync",
        stamp,
        SOURCES[kind],
        fetched,
        result.count if result is not None else 0,
        len(result.rejected) if result is not None else 0,
        most_common(flat, "licence") if flat is not None else "",
        attribution,
    )


def _kept_ids(store, name: str) -> set[str] | None:
    try:
        return set(store.read(name, columns=[KEY])[KEY].astype(str))
    except DatasetNotFound:
        return None


def save_changes(store, name: str, result, deleted: set[str], source: SourceInfo) -> SaveReport:
    """One save: the fetched rows added or updated by id, the deleted ids removed (only then is the
    kept dataset read and saved whole); a sync that fetched nothing still records itself."""
    try:
        if deleted:
            old = store.read(name)
            parts = [old[~old[KEY].astype(str).isin(deleted)]]
            if result is not None and result.count:
                new = result.incidents
                parts = [parts[0][~parts[0][KEY].isin(new[KEY])], new]
            merged = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")
            return store.save(name, merged, source, mode="replace")
        rows = stored(result.flat) if result is not None and result.count else empty_incidents()
        return store.save(name, rows, source, mode="merge")
    except StoreError as exc:
        raise SyncError(f"not saved, nothing was changed: {' '.join(str(exc).split())}") from exc


def _check_source(state: dict | None, name: str, kind: str) -> None:
    if state is not None and state.get("source") != kind:
        other = SOURCES.get(str(state.get("source")), "another source")
        raise SyncError(f"'{name}' is kept from the {other}; choose another name")


def _quiet(progress: Progress | None) -> Progress:
    return progress or (lambda share, text: None)


def _last_sync(book, store, name: str, source: str) -> dict | None:
    """What the last sync of this dataset recorded; None for a first sync (never synced, or the
    dataset was removed since: nothing of it is kept)."""
    state = book.dataset(name)
    _check_source(state, name, source)
    return None if state is not None and _kept_ids(store, name) is None else state


def sync_acled(
    store,
    name: str,
    countries: list[str],
    *,
    username: str,
    password: str,
    since: str | None = None,
    api_url: str | None = None,
    progress: Progress | None = None,
    call=http.call,
    sleep=time.sleep,
) -> SyncReport:
    """Bring a kept dataset up to date with ACLED: rows changed since the last sync, then deletions."""
    name, progress = check_name(name), _quiet(progress)
    if not countries:
        raise SyncError("give at least one --country (e.g. --country Pakistan --country Iran)")
    book = open_book(store)
    with book.running():
        state = _last_sync(book, store, name, "acled")
        base = http.check_base(api_url or (state or {}).get("api_url") or acled.BASE)
        client = acled.AcledClient(
            base,
            username,
            password,
            refresh_token=book.refresh_token(username),
            on_refresh_token=lambda token: book.put_refresh_token(username, token),
            call=call,
            sleep=sleep,
        )
        started = _now()
        since_ts = (state or {}).get("acled_timestamp")
        rows: list[dict] = []
        progress(0.02, "Signing in to ACLED")
        for page in client.events(countries, since_ts, since if state is None else None):
            rows += page
            progress(min(0.05 + len(rows) / 200_000, 0.6), f"{len(rows):,} rows received")
        gone: set[str] = set()
        if state is not None and state.get("last_sync_unix"):
            for page in client.deleted(int(state["last_sync_unix"])):
                gone |= {str(r.get("event_id_cnty")) for r in page if r.get("event_id_cnty")}
        report = SyncReport(name, "acled", fetched=len(rows), requests=client.requests)
        progress(0.65, "Importing the rows")
        result = import_rows(rows, FORMATS["acled"], "acled-api") if rows else None
        kept = _kept_ids(store, name)
        deleted = (gone & kept) - {str(r.get("event_id_cnty")) for r in rows} if kept else set()
        if result is not None:
            report.imported, report.rejected, report.reading = result.count, list(result.rejected), result.reading
        report.deleted = len(deleted)
        progress(0.8, "Saving")
        report.save = save_changes(store, name, result, deleted, _source("acled", name, len(rows), result, "ACLED"))
        stamps = [int(float(r["timestamp"])) for r in rows if str(r.get("timestamp") or "").replace(".", "").isdigit()]
        newest = max([*stamps, *([since_ts] if since_ts else [])], default=None)
        book.put_dataset(
            name,
            {
                "source": "acled",
                "countries": list(countries),
                "since": (state or {}).get("since", since),
                "api_url": base,
                "last_sync_at": started.isoformat(timespec="seconds"),
                "last_sync_unix": int(started.timestamp()),
                "acled_timestamp": newest,
            },
        )
        progress(1.0, "Done")
        return report


def sync_ucdp(
    store,
    name: str,
    countries: list[str],
    *,
    token: str,
    version: str = "25.1",
    candidate: bool = False,
    api_url: str | None = None,
    progress: Progress | None = None,
    call=http.call,
    sleep=time.sleep,
) -> SyncReport:
    """Bring a kept dataset up to date with a UCDP GED (or Candidate) version: its rows added or updated by id."""
    name, progress = check_name(name), _quiet(progress)
    version = ucdp.check_version(version, candidate)
    codes = ucdp.country_codes(countries)
    if not codes:
        raise SyncError("give at least one --country (e.g. --country Pakistan --country Iran)")
    book = open_book(store)
    with book.running():
        state = _last_sync(book, store, name, "ucdp")
        done = (state or {}).get("complete", [])
        same_scope = state is not None and sorted(state.get("codes", [])) == sorted(codes)
        if same_scope and version in done and not candidate:
            return SyncReport(name, "ucdp", skipped=f"GED {version} of these countries is kept whole; no request made")
        base = http.check_base(api_url or (state or {}).get("api_url") or ucdp.BASE)
        client = ucdp.UcdpClient(token, base, used_today=book.ucdp_used(), call=call, sleep=sleep)
        started = _now()
        rows: list[dict] = []
        try:
            progress(0.02, "Asking UCDP")
            for page in client.events(version, codes):
                rows += page
                progress(min(0.05 + len(rows) / 50_000, 0.6), f"{len(rows):,} rows received")
        finally:
            book.add_ucdp(client.requests)
        report = SyncReport(name, "ucdp", fetched=len(rows), requests=client.requests)
        progress(0.65, "Importing the rows")
        result = import_rows(rows, FORMATS["ucdp"], f"ucdp-api-{version}") if rows else None
        if result is not None:
            report.imported, report.rejected, report.reading = result.count, list(result.rejected), result.reading
        progress(0.8, "Saving")
        kind = "Candidate" if candidate else "GED"
        source = _source("ucdp", name, len(rows), result, f"UCDP {kind} {version} (CC BY 4.0)")
        report.save = save_changes(store, name, result, set(), source)
        book.put_dataset(
            name,
            {
                "source": "ucdp",
                "countries": list(countries),
                "codes": codes,
                "version": version,
                "candidate": candidate,
                "complete": sorted(set(done if same_scope else []) | ({version} if not candidate else set())),
                "api_url": base,
                "last_sync_at": started.isoformat(timespec="seconds"),
                "last_sync_unix": int(started.timestamp()),
            },
        )
        progress(1.0, "Done")
        return report


def synced(store) -> dict[str, dict]:
    """The kept datasets that came from an API, with their sync state (for the Import page)."""
    return open_book(store).datasets()


def update(store, name: str, credentials, progress: Progress | None = None, **kw) -> SyncReport:
    """Sync a kept dataset again with the options of its last sync (the Import page's "Update now").

    credentials: geo.settings.Settings (acled_username, acled_password, ucdp_token)."""
    state = open_book(store).dataset(name)
    if state is None:
        raise SyncError(f"'{name}' was not kept from an API; import its file again instead")
    if state.get("source") == "acled":
        return sync_acled(
            store,
            name,
            list(state.get("countries") or []),
            username=credentials.acled_username,
            password=credentials.acled_password,
            api_url=state.get("api_url"),
            progress=progress,
            **kw,
        )
    return sync_ucdp(
        store,
        name,
        list(state.get("countries") or []),
        token=credentials.ucdp_token,
        version=str(state.get("version") or "25.1"),
        candidate=bool(state.get("candidate")),
        api_url=state.get("api_url"),
        progress=progress,
        **kw,
    )
