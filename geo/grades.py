"""Verification grades (issue 24): how well an incident is established, derived from its own sources.

Grades (geo.schema.GRADES) are decided in this order, the first that applies winning:

    disputed        two or more parties to it give conflicting accounts (who says what: the reason)
    confirmed       an official account (ISPR, a prosecutor, a commissioner, the Foreign Office, an
                    IRGC tally, "officials") that no other party disputes
    claimed         a party to it claimed it and no official account confirms it: what is known of who
                    did it rests on the claim, however many outlets repeat it
    corroborated    two or more independent outlets
    single source   one outlet
    ungraded        no source information: never guessed

Independent sources: distinct outlets, the same outlet twice counted once, and a repost counted as
the outlet it reposts ("AP (via Hindustan Times)" in a record's notes makes its Hindustan Times
source AP's; a source named "... (repost of Orinoco Tribune, ...)" is the Orinoco Tribune).

Imported rows are graded from what their format gives, never from their free text:

    format  fields                                  grade
    ACLED   source (split on ";"), source_scale     n = max(distinct sources named, scales in the
            ("National-International": 2 scales)    composite source_scale); n >= 2 corroborated,
                                                    n = 1 single source, n = 0 ungraded
    UCDP    number_of_sources, event_clarity        n = number_of_sources (missing, 0 or negative:
            (1 high clarity, 2 low)                 unknown); n >= 2 corroborated, n = 1 single
                                                    source, unknown ungraded; low clarity is said
                                                    in the reason (the sources describe an aggregate)

Neither format says who claims or denies, or whether an account is official: an imported row is
never confirmed, claimed or disputed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from geo.schema import GRADE_NAMES, UNGRADED

# Parties to the border's incidents, as the records name them giving an account ("X said", "X:"):
# groups first, so "Tehreek-e-Jihad Pakistan" is the group, not the state.
PARTIES = (
    ("Tehreek-e-Jihad Pakistan", r"Tehreek-e-Jihad Pakistan|\bTJP\b"),
    ("Jaish al-Adl", r"Jaish al-Adl|Jaish al-Zolm"),
    ("BLF", r"\bBLF\b"),
    ("BLA", r"\bBLA\b"),
    ("BRAS", r"\bBRAS\b"),
    ("Pakistan", r"\bISPR\b|\bIG FC\b|(?<!Daily )\bPakistan(?:i officials)?\b(?! Today)|\bthe FO\b"),
    ("Iran", r"\bIRGC\b|\bIran(?:ian officials)?\b"),
    ("India", r"\bIndia(?:n officials)?\b(?! Today)"),
)
# An account: the party's name, then a verb of saying or a colon ("ISPR dates it", "Iran: 3 women").
VERBS = "says|said|claims?|claimed|dates|places|reports?|reported|denies|denied|accused"
SAYS = rf"(?:'s\s+\w+(?:\s+\w+)?\s+)?(?::|\s+(?:{VERBS}))"
ALONE = re.compile(r"^\s*ISPR\s*$")  # "ISPR" as a whole clause of a fatalities note: its figures
OFFICIAL = re.compile(
    r"\bISPR\b|IRGC(?: tally|:)|\bprosecutor\b|\bcommissioner\b|\(DC |\bFO\b|Foreign Office|\bofficials?\b", re.I
)
CLAIM = re.compile(r"^(?:.*?;\s*)?(?P<who>[^;]*?)\s*\(?(?:apparently\s+)?\bclaimed\b")
STATES = {"Iran": "Iran", "Pakistan": "Pakistan"}  # a state striking across the border announces it
VIA = re.compile(r"\b(?P<orig>[A-Z][A-Za-z]+)\s*\(?via (?P<via>[^);,.]+)")
REPOST = re.compile(r"\(repost of (?P<orig>[^,)]+)")


@dataclass(frozen=True)
class Verdict:
    """A grade with what it rests on: the schema's grade fields of one incident."""

    grade: str
    reason: str
    independent_sources: int | None = None
    claimed_by: str | None = None
    denied_by: str | None = None

    def fields(self) -> dict:
        """The incident fields (geo.schema.INCIDENTS) this verdict fills."""
        return {
            "grade": self.grade,
            "claimed_by": self.claimed_by,
            "denied_by": self.denied_by,
            "independent_sources": self.independent_sources,
            "grade_reason": self.reason,
        }

    def imported(self) -> dict:
        """The fields an imported row fills: its format names no claimant or denier, so those are left
        to the importer's shared null columns (no per-row None to hold)."""
        return {"grade": self.grade, "independent_sources": self.independent_sources, "grade_reason": self.reason}


def grade_of(value) -> str:
    """A stored grade as shown and filtered: missing (a row kept before grades) is "ungraded"."""
    return value if isinstance(value, str) and value in GRADE_NAMES else UNGRADED


def ladder(sources: int, *, official: bool = False, claimed_by: str | None = None, conflict: bool = False) -> str:
    """The grade from what is known, in the order of this module's table."""
    if conflict:
        return "disputed"
    if official:
        return "confirmed"
    if claimed_by:
        return "claimed"
    if sources >= 2:
        return "corroborated"
    return "single source" if sources == 1 else UNGRADED


# ---- the curated incidents


def independent_outlets(outlets: Iterable[str], notes: str = "") -> list[str]:
    """Distinct outlets (as named, a repost as 'Orig (via Outlet)'), reposts folded into their origin."""
    via = {m["via"].strip().casefold(): m["orig"] for m in VIA.finditer(notes)}
    seen: dict[str, str] = {}
    for outlet in outlets:
        name = outlet.strip()
        repost = REPOST.search(name)
        if repost:
            origin, shown = repost["orig"].strip(), f"{repost['orig'].strip()} (repost)"
        elif name.casefold() in via:
            origin = via[name.casefold()]
            shown = f"{origin} (via {name})"
        else:
            origin, shown = name, name
        seen.setdefault(origin.casefold(), shown)
    return list(seen.values())


def party_of(name: str | None) -> str | None:
    """Which party (PARTIES) a name is, or None."""
    for party, pattern in PARTIES:
        if name and re.search(pattern, name):
            return party
    return None


def accounts(*texts: str | None) -> dict[str, list[str]]:
    """Each party giving an account in these texts -> the clauses it says them in (text order)."""
    found: dict[str, list[str]] = {}
    for text in texts:
        for clause in re.split(r";\s*|\.\s+", text or ""):
            clause = clause.strip().rstrip(".")
            for party, pattern in PARTIES:
                if (ALONE.match(clause) and party == "Pakistan") or re.search(f"(?:{pattern}){SAYS}", clause):
                    found.setdefault(party, []).append(clause)
    return found


def claimant(props: Mapping) -> str | None:
    """Who claimed the incident, from its perpetrator ("X (claimed)", "X claimed ...") or, for a
    cross-border strike, the state that carried it out (and announced it)."""
    perpetrator = (props.get("perpetrator") or "").strip()
    match = CLAIM.match(perpetrator)
    if match and match["who"].strip(" (,"):
        return match["who"].strip(" (,")
    if "strike" in (props.get("category") or "") and party_of(perpetrator) in STATES:
        return perpetrator
    return None


def _quoted(clauses: list[str]) -> str:
    return "; ".join(f"“{c}”" for c in dict.fromkeys(clauses))


def curated(props: Mapping) -> Verdict:
    """The grade of one curated incident from its own fields (sources, perpetrator, disputed, fatalities note)."""
    notes = " ".join(filter(None, (props.get("disputed"), props.get("fatalities_note"), props.get("perpetrator"))))
    outlets = independent_outlets([s.get("outlet") or "" for s in props.get("sources") or []], notes)
    n = len(outlets)
    claimed_by = claimant(props)
    said = accounts(props.get("disputed"), props.get("fatalities_note"))
    conflict = len(said) >= 2
    official = bool(OFFICIAL.search(notes))
    grade = ladder(n, official=official, claimed_by=claimed_by, conflict=conflict)
    counted = f"{n} independent source{'s' if n != 1 else ''}" + (f" ({', '.join(outlets)})" if outlets else "")
    denied_by = None
    if grade == "disputed":
        mine = party_of(claimed_by)
        claimed_by = claimed_by or next(iter(said))
        mine = mine or party_of(claimed_by)
        denied_by = "; ".join(p for p in said if p != mine) or None
        why = "the accounts conflict: " + " — ".join(f"{p}: {_quoted(c)}" for p, c in said.items())
    elif grade == "confirmed":
        named = OFFICIAL.search(notes)
        assert named is not None  # the grade is confirmed only when an official account is named
        why = f"an official account ({named.group(0)}) that no other party disputes"
    elif grade == "claimed":
        why = f"claimed by {claimed_by}, with no official account"
    elif grade == UNGRADED:
        why = "no source named"
    else:
        why = "reported by " + ("independent outlets" if n > 1 else "one outlet")
    extra = f"; claimed by {claimed_by}" if claimed_by and grade == "confirmed" else ""
    return Verdict(grade, f"{grade.capitalize()}: {why}{extra}; {counted}.", n, claimed_by, denied_by)


# ---- imported rows


def _counted(fmt: str, grade: str, n: int, detail: str) -> Verdict:
    """The Verdict of a count of sources (the importer's collector keeps equal texts as one object)."""
    if grade == UNGRADED:
        return Verdict(grade, f"Ungraded: {fmt} gives no source information{detail}.", None)
    return Verdict(grade, f"{grade.capitalize()}: {n} source{'s' if n != 1 else ''} per {fmt}{detail}.", n)


def acled(source: str, source_scale: str) -> Verdict:
    """An ACLED row's grade from its source (outlets joined by ";") and source_scale."""
    names = {s.strip().casefold() for s in (source or "").split(";") if s.strip()}
    scale = (source_scale or "").strip()
    scales = [s for s in scale.split("-") if s.strip()]
    n = max(len(names), len(scales))
    detail = f" (source_scale {scale})" if scale else ""
    return _counted("ACLED", ladder(n), n, detail)


def ucdp(number_of_sources: str, event_clarity: str) -> Verdict:
    """A UCDP GED row's grade from number_of_sources and event_clarity (1 high, 2 low)."""
    try:
        n = int(float(number_of_sources))
    except (TypeError, ValueError):
        n = 0
    clarity = (event_clarity or "").strip()
    detail = {"1": ", event clarity high", "2": ", event clarity low: the sources describe an aggregate"}
    if n <= 0:
        return _counted("UCDP", UNGRADED, 0, "")
    return _counted("UCDP", ladder(n), n, detail.get(clarity, ""))
