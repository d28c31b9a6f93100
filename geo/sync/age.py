"""How old a kept dataset is, in words for the sidebar: "synced 3 days ago", "kept 2 hours ago"."""

from __future__ import annotations

from datetime import UTC, datetime

API_FORMATS = ("ACLED API", "UCDP API")  # the SourceInfo.format a sync saves with (geo.sync.run)


def last_saved(info) -> datetime | None:
    """When a dataset was last saved, synced or not (its history's last entry, else its import time)."""
    texts = [info.imported_at] + [h.get("at") for h in info.history if isinstance(h, dict)]  # newest last
    for text in reversed([t for t in texts if isinstance(t, str)]):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            continue
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def ago(when: datetime, now: datetime) -> str:
    """'less than a minute ago', '5 minutes ago', '3 hours ago', '1 day ago', '3 days ago'."""
    seconds = max((now - when).total_seconds(), 0)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "less than a minute ago"


def age_text(info, now: datetime | None = None) -> str:
    """'synced 3 days ago' for a dataset from an API, 'kept 3 days ago' for one from a file ("" when unknown)."""
    when = last_saved(info)
    if when is None:
        return ""
    verb = "synced" if info.source.format in API_FORMATS else "kept"
    return f"{verb} {ago(when, now or datetime.now(UTC))}"
