"""Dates as analysts' files write them, with the day/month order decided once per file.

Forms read: 2023-07-12 (with or without a time), 12 July 2023, 12-Jul-19, and numeric
a/b/year with '-', '/' or '.' and a 2- or 4-digit year, optionally followed by a time
(07/02/2016 14:30:00, 31.12.2019 08:15). Numeric dates are ambiguous until one value has a
part over 12; decide_order looks at the whole column and never guesses.
"""

from __future__ import annotations

import re
from datetime import date

from geo.importers.result import DateOrderUndecided, ImportFormatError

_MONTH_NAMES = "january february march april may june july august september october november december"
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES.split(), start=1)}
MONTHS |= {name[:3]: i for name, i in list(MONTHS.items())} | {"sept": 9}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp][Mm])?)?"
ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})" + _TIME)
NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
NAMED = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4}|\d{2})" + _TIME)
TWO_DIGIT_PIVOT = date.today().year % 100  # 19 -> 2019, 45 -> 1945 (when today is 2026)
FORMS = "YYYY-MM-DD, DD-MM-YYYY, MM/DD/YYYY (the order decided per file), DD.MM.YY or '12 July 2023'"


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    yy = int(text)
    return 2000 + yy if yy <= TWO_DIGIT_PIVOT else 1900 + yy


def parse_date(text: str, dayfirst: bool | None = None) -> date:
    """One date; dayfirst says how to read numeric a/b/year dates (None: only unambiguous ones)."""
    s = (text or "").strip() if isinstance(text, str) else ""
    try:
        m = ISO.fullmatch(s)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = NUMERIC.fullmatch(s)
        if m:
            a, b, year = int(m.group(1)), int(m.group(3)), _year(m.group(4))
            if dayfirst is None:
                if a > 12 >= b:
                    dayfirst = True
                elif b > 12 >= a:
                    dayfirst = False
                elif a != b:
                    raise ValueError(
                        f"the date {text!r} can be read day-first or month-first; the order is not settled"
                    )
                else:
                    dayfirst = True  # 05/05/2020 reads the same either way
            day, month = (a, b) if dayfirst else (b, a)
            return date(year, month, day)
        m = NAMED.fullmatch(s)
        if m and m.group(2).lower() in MONTHS:
            return date(_year(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError as exc:
        if "not settled" in str(exc):
            raise
        raise ValueError(f"{text!r} is not a valid date ({exc})") from exc
    raise ValueError(f"{text!r} is not a date this importer reads ({FORMS})")


def order_evidence(values) -> tuple[str | None, str | None]:
    """The first value that proves day-first order and the first that proves month-first."""
    day = month = None
    for v in values:
        m = NUMERIC.fullmatch(v.strip()) if isinstance(v, str) else None
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 and b <= 12 and day is None:
            day = v.strip()
        elif b > 12 and a <= 12 and month is None:
            month = v.strip()
        if day and month:
            break
    return day, month


def _ambiguous(values) -> str | None:
    for v in values:
        m = NUMERIC.fullmatch(v.strip()) if isinstance(v, str) else None
        if m and m.group(1) != m.group(3) and int(m.group(1)) <= 12 and int(m.group(3)) <= 12:
            return v.strip()
    return None


def decide_order(
    values, source: str, column: str, dayfirst: bool | None = None, default: tuple[bool, str] | None = None
) -> tuple[bool | None, str | None]:
    """The day/month order for a whole column and a note saying how it was decided.

    dayfirst: the user's choice (wins). default: (order, reason) a format documents, used when
    the file itself does not settle it. Raises DateOrderUndecided when nothing settles it and
    ImportFormatError when the column mixes both orders.
    """
    distinct = set(values)
    day, month = order_evidence(distinct)
    if dayfirst is not None:
        return dayfirst, f"{source}: {column}: read {'day' if dayfirst else 'month'}-first, as chosen"
    if day and month:
        raise ImportFormatError(
            f"{source}: column '{column}' mixes day-first ({day}) and month-first ({month}) dates; "
            "write them one way (YYYY-MM-DD is safest)"
        )
    if day or month:
        order, example = (True, day) if day else (False, month)
        return order, f"{source}: {column}: read {'day' if order else 'month'}-first ({example} settles it)"
    example = _ambiguous(distinct)
    if example is None:
        return None, None
    if default is not None:
        return default[0], f"{source}: {column}: read {'day' if default[0] else 'month'}-first ({default[1]})"
    raise DateOrderUndecided(
        f"{source}: column '{column}': dates such as {example} read either day-first or month-first and no "
        "value in the file settles it; choose the order (--dayfirst or --monthfirst)"
    )
