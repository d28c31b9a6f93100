"""Bring a kept dataset up to date from the ACLED or UCDP API (README, "Keeping data current").

    python -m scripts.sync acled --keep NAME --country Pakistan --country Iran [--since DATE] [--api-url URL]
    python -m scripts.sync ucdp --keep NAME --country Pakistan --country Iran [--version 25.1] [--candidate]

Credentials: ACLED_USERNAME / ACLED_PASSWORD and UCDP_TOKEN, from the environment or
.streamlit/secrets.toml. The rows are kept in the workspace (PKIR_WORKSPACE) or, in team mode, the
database (PKIR_DATABASE_URL): never in a file anyone else is served. Exit status: 0 synced,
1 the sync stopped (one line on stderr says why; the kept dataset is as it was), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import re
import sys

from geo.settings import SettingsError, settings
from geo.store import open_store
from geo.store.base import StoreError, problem_line
from geo.sync import run
from geo.sync.http import SyncError, check_base

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _args(argv):
    ap = argparse.ArgumentParser(
        prog="python -m scripts.sync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="api", required=True)
    for name, what in (("acled", "ACLED events"), ("ucdp", "UCDP GED events")):
        p = sub.add_parser(name, help=f"sync {what}")
        p.add_argument("--keep", metavar="NAME", required=True, help="the kept dataset to create or update")
        p.add_argument("--country", action="append", required=True, help="a country (repeat for several)")
        p.add_argument("--api-url", metavar="URL", help="the API's base URL (default: the real API)")
        if name == "acled":
            p.add_argument("--since", metavar="DATE", help="first sync only: events on or after DATE (YYYY-MM-DD)")
        else:
            p.add_argument("--version", default="25.1", help="GED version (25.1) or Candidate release (25.0.11)")
            p.add_argument("--candidate", action="store_true", help="the version is a monthly Candidate release")
    return ap.parse_args(argv)


def _progress(share: float, text: str) -> None:
    print(f"[{share:4.0%}] {text}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if getattr(args, "since", None) and not DATE.fullmatch(args.since):
        print(f"--since must be a date written YYYY-MM-DD, not {args.since!r}", file=sys.stderr)
        return 2
    if args.api_url:
        try:
            check_base(args.api_url)
        except SyncError as exc:
            print(f"--api-url {exc}", file=sys.stderr)
            return 2
    try:
        conf = settings()
        store = open_store()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (StoreError, OSError) as exc:
        print(f"not synced: {problem_line(conf.store_location, exc)}", file=sys.stderr)
        return 1
    try:
        if args.api == "acled":
            sync, own = run.sync_acled, {"username": conf.acled_username, "password": conf.acled_password}
            own["since"] = args.since
        else:
            sync, own = run.sync_ucdp, {"token": conf.ucdp_token, "version": args.version, "candidate": args.candidate}
        report = sync(store, args.keep, args.country, api_url=args.api_url, progress=_progress, **own)
    except SyncError as exc:
        print(f"not synced: {exc}", file=sys.stderr)
        return 1
    except (StoreError, OSError) as exc:
        print(f"not synced: {problem_line(store.location, exc)}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
