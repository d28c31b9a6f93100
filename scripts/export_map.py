"""Publish the border map (or a one-page brief) from the command line, reproducibly.

    python -m scripts.export_map --out figure.png
    python -m scripts.export_map --out figure.svg --from 2023-01-01 --category attack --country PAK
    python -m scripts.export_map --out brief.pdf --brief --dataset shipped --dataset "ACLED Pakistan"

The filters are the sidebar's; --dataset picks kept datasets by name from the workspace
(PKIR_WORKSPACE) or --database, as scripts.import_events keeps them (default: the shipped
curated events). Bad options get one line on stderr and exit status 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from geo.catalog import LAYERS, border_map_layers
from geo.files import write_atomic
from geo.filters import IncidentFilter
from geo.near import target_choices
from geo.schema import INCIDENT_CATEGORIES
from geo.settings import SettingsError, settings
from geo.store import open_store
from geo.store.base import SHIPPED, StoreError, problem_line


class OptionError(ValueError):
    """A bad option, said in one line."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option in one line (no usage block) with exit status 2."""

    def error(self, message):
        raise OptionError(message)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: give YYYY-MM-DD") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _args(argv):
    drawn = ",".join(border_map_layers())  # the border map's layers, as the catalogue has them now
    ap = _Parser(prog="python -m scripts.export_map", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="the figure file: .png, .svg or .pdf")
    ap.add_argument("--brief", action="store_true", help="a one-page PDF brief instead of the map alone")
    ap.add_argument("--title", help="the figure's title")
    ap.add_argument("--width", type=_count, default=2400, help="PNG width in pixels (at least 2000)")
    ap.add_argument("--layers", default=drawn, help=f"comma-separated layers to draw (default {drawn})")
    ap.add_argument("--from", dest="date_from", type=_day, help="first day, YYYY-MM-DD")
    ap.add_argument("--to", dest="date_to", type=_day, help="last day, YYYY-MM-DD")
    ap.add_argument("--category", action="append", default=[], help="an incident category (repeatable)")
    ap.add_argument("--country", action="append", default=[], help="an ISO 3166 alpha-3 code, e.g. PAK (repeatable)")
    ap.add_argument("--min-fatalities", type=_count, default=0, help="at least this many fatalities")
    ap.add_argument("--keyword", default="", help="a word in the title, description, place, perpetrator or area")
    ap.add_argument("--whole-words", action="store_true", help="match the keyword's words only whole")
    ap.add_argument(
        "--near",
        default="",
        metavar="TARGET",
        help="only incidents near: border, pipeline:built, pipeline:claimed built, pipeline:not built, "
        "power_line, crossings, markets, crossing:ID or market:ID",
    )
    ap.add_argument("--near-km", type=float, default=25.0, help="how near, in km (1 to 200; default 25)")
    ap.add_argument("--dataset", action="append", default=[], metavar="NAME", help="a dataset to show (repeatable)")
    ap.add_argument("--database", metavar="URL", help="read kept datasets from this PostGIS database")
    return ap.parse_args(argv)


def _filter(args) -> IncidentFilter:
    """The IncidentFilter the options describe; OptionError for a value no incident can have."""
    unknown = [c for c in args.category if c not in INCIDENT_CATEGORIES]
    if unknown:
        raise OptionError(f"unknown category '{unknown[0]}': use one of {', '.join(INCIDENT_CATEGORIES)}")
    countries = tuple(c.strip().upper() for c in args.country)
    bad = [c for c in countries if len(c) != 3 or not c.isalpha()]
    if bad:
        raise OptionError(f"--country '{bad[0]}' is not an ISO 3166 alpha-3 code (e.g. PAK, IRN)")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise OptionError(f"--from {args.date_from} is after --to {args.date_to}")
    if args.near and args.near not in dict(target_choices()):
        raise OptionError(f"--near '{args.near}' is not a target here: use one of {', '.join(dict(target_choices()))}")
    if not 1 <= args.near_km <= 200:
        raise OptionError(f"--near-km {args.near_km:g} is outside 1 to 200")
    return IncidentFilter(
        near=args.near,
        near_km=args.near_km,
        date_from=args.date_from,
        date_to=args.date_to,
        categories=tuple(args.category),
        countries=countries,
        min_fatalities=args.min_fatalities,
        keyword=args.keyword,
        whole_words=args.whole_words,
    )


def _layers(text: str) -> list[str]:
    """The layer ids to draw; OptionError names an unknown one."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in LAYERS]
    if unknown:
        raise OptionError(f"unknown layer '{unknown[0]}' in --layers: use {', '.join(LAYERS)}")
    return names


def _format(args) -> str:
    """The figure format from --out's suffix; a brief is always a PDF."""
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise OptionError(f"--out {args.out.name}: the file must end in .png, .svg or .pdf")
    if args.brief and fmt != "pdf":
        raise OptionError(f"--out {args.out.name}: a brief is a PDF, so the file must end in .pdf")
    if not args.out.parent.is_dir():
        raise OptionError(f"--out {args.out}: the folder {args.out.parent} does not exist")
    return fmt


def render(args, flt: IncidentFilter, fmt: str, layers_shown: list[str]) -> bytes:
    """Read the chosen datasets through the filter and draw the figure."""
    from views import figure

    store = open_store(args.database)
    incidents = store.read(args.dataset or [SHIPPED], flt)
    layers = figure.load_layers()
    data_date = figure.data_date_of(incidents, layers)
    common = {"layers": layers}
    if args.title:
        common["title"] = args.title
    if args.brief:
        return figure.render_brief(incidents, layers_shown, flt.describe(), data_date, **common)
    return figure.render_map(incidents, layers_shown, flt.describe(), data_date, fmt=fmt, width_px=args.width, **common)


def main(argv: list[str] | None = None) -> int:
    """Write the figure; 0 on success, 2 for a bad option, 1 when the data cannot be read."""
    try:
        args = _args(argv)
        settings()  # a bad PKIR_ variable: one line, before anything is read
        flt, fmt, layers_shown = _filter(args), _format(args), _layers(args.layers)
        if fmt == "png" and args.width < 2000:
            raise OptionError(f"--width {args.width}: a published PNG is at least 2000 px wide")
    except (OptionError, SettingsError) as exc:
        print(f"export_map: {exc}", file=sys.stderr)
        return 2
    try:
        data = render(args, flt, fmt, layers_shown)
    except (StoreError, OSError) as exc:
        where = args.database or "the workspace"
        print(f"export_map: not drawn: {problem_line(where, exc)}", file=sys.stderr)
        return 1
    try:
        write_atomic(args.out, data)
    except OSError as exc:
        print(f"export_map: {args.out}: cannot write the figure ({exc.strerror})", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(data):,} bytes; filters: {flt.describe()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
