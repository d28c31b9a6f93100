"""Duplicates across the shown datasets, for the pages: candidate pairs (cached per dataset version),
reviewers' decisions, "count confirmed duplicates once" for the counts pages show, and "hide
probable duplicates" for every query.

    n, note = duplicates.counted(n, flt)    # a page's count, less the extra records of confirmed events
    duplicates.treatment()                  # the line saying how duplicates are treated ("" for one dataset)

Nothing is merged or deleted: a confirmed pair stays two records. "Count once" changes the counts
that call counted() (on by default once a pair is confirmed); "hide" leaves every probable or
confirmed duplicate but one out of every query of the session (ui.queries.HIDDEN): map, tables,
charts, Trends, exports and figures alike, keeping the record of the dataset listed first.
"""

from __future__ import annotations

import getpass

import pandas as pd
import streamlit as st

from geo.duplicates import PROBABLE, candidate_pairs, hidden_records, pair_key, read_rows
from geo.store.decisions import Decision, extra_records, open_decisions
from ui import access, datasets, queries

COUNT_ONCE = "dups_count_once"  # the sidebar toggle's key
HIDE = "dups_hide_probable"  # the sidebar's "Hide probable duplicates"
_TOUCHED = "_dups_count_once_touched"  # the user set the toggle: no longer follows the default
LOCAL_USER = "local:"  # who decides on a personal, unguarded store: this computer's user


def applicable() -> bool:
    """True when two datasets or more are shown (a session's own import is one dataset)."""
    where = queries.scope()
    return not where.own and len(where.names) >= 2


@st.cache_data(show_spinner=False, max_entries=8)
def _pairs(location: str, names: tuple[str, ...], version: str) -> pd.DataFrame:
    engine = queries.engine(queries.Scope(location, names, version, False))
    return candidate_pairs(read_rows(engine, names))


def pairs() -> pd.DataFrame | None:
    """The candidate pairs across the shown datasets (geo.duplicates.PAIR_COLUMNS), None with fewer than two."""
    if not applicable():
        return None
    where = queries.scope()
    return _pairs(where.location, where.names, where.version)


def book():
    """Where decisions are kept: the store's workspace file or team database table."""
    return open_decisions(datasets.store())


def decisions() -> dict[str, Decision]:
    """Every decision made, by pair key ({} when the store cannot be read: the pages say why elsewhere)."""
    try:
        return book().all()
    except datasets.STORE_PROBLEMS:
        return {}


def record_decision(id_a: str, id_b: str, decision: str | None) -> str | None:
    """Keep this session's decision on the pair (None: undecided again); why it failed, or None."""
    try:
        if decision is None:
            book().clear(id_a, id_b)
        else:
            book().decide(id_a, id_b, decision, decider())
    except datasets.STORE_PROBLEMS as exc:
        return str(exc)
    return None


def decider() -> str:
    """Who this session decides as: the signed-in user, or this computer's user on a personal store."""
    return access.current_user() or f"{LOCAL_USER}{getpass.getuser()}"


def _touched() -> None:
    st.session_state[_TOUCHED] = True


def sidebar_toggle() -> None:
    """The sidebar's "Count confirmed duplicates once", when two datasets or more are shown: on by
    default as soon as a pair is confirmed the same event, until the user sets it."""
    if not applicable():
        st.session_state.pop(queries.HIDDEN, None)
        return
    if not st.session_state.get(_TOUCHED):
        st.session_state[COUNT_ONCE] = any(d.decision == "same" for d in decisions().values())
    st.sidebar.toggle(
        "Count confirmed duplicates once",
        key=COUNT_ONCE,
        on_change=_touched,
        help="Records that reviewers confirmed as one event (Duplicates page) are counted once in the "
        "explorer's and the map's counts. Nothing is merged or deleted.",
    )
    st.sidebar.toggle(
        "Hide probable duplicates",
        key=HIDE,
        help=f"Leaves out of every page, count, chart and export each record that pairs with a record of "
        f"an earlier-listed dataset with a score of {PROBABLE:g} or more (or that reviewers confirmed the same), "
        "unless reviewers said they differ. Nothing is deleted; the Duplicates page lists the pairs.",
    )
    st.session_state[queries.HIDDEN] = tuple(sorted(hidden_ids())) if st.session_state.get(HIDE) else None


def hidden_ids() -> set[str]:
    """What "hide probable duplicates" leaves out of the shown datasets (geo.duplicates.hidden_records)."""
    try:
        return hidden_records(pairs(), decisions(), queries.scope().names)
    except datasets.STORE_PROBLEMS:
        return set()


def count_once() -> bool:
    """True when the counts should count a confirmed event once."""
    return applicable() and bool(st.session_state.get(COUNT_ONCE))


def extra(flt, located: bool = False) -> int:
    """How many records matching flt (and located, if asked) repeat an event confirmed the same."""
    decided = decisions()
    ids = sorted({i for d in decided.values() if d.decision == "same" for i in (d.id_a, d.id_b)})
    if not ids:
        return 0
    q = queries.query(flt, columns=("id",), ids=tuple(ids), bbox=queries.WORLD if located else None)
    return extra_records(decided, set(queries.rows(q)["id"].astype(str)))


def counted(n: int, flt, located: bool = False) -> tuple[int, str]:
    """(the count to show, a line saying how duplicates were treated) for n records matching flt;
    the line is "" with a single dataset. It is our text (safe for Markdown)."""
    if not applicable():
        return n, ""
    if queries.hidden() or st.session_state.get(HIDE):
        return n, treatment()
    if not count_once():
        return n, "Every dataset's records are counted: duplicates across datasets may be counted twice."
    repeats = extra(flt, located)
    if not repeats:
        return n, "Confirmed duplicates are counted once (none among these)."
    return n - repeats, (
        f"Confirmed duplicates are counted once: {repeats:,} record{'s' if repeats != 1 else ''} of an event "
        "already counted left out (fatalities are still summed over every record)."
    )


def treatment() -> str:
    """One line saying how the session's answers treat duplicates across datasets ("" with one
    dataset); our text, safe for Markdown."""
    if not applicable():
        return ""
    if st.session_state.get(HIDE):
        n = len(queries.hidden() or ())
        return (
            f"Probable duplicates hidden: {n:,} record{'s' if n != 1 else ''} of an event another dataset "
            "already shows left out of every page, count and export (nothing is deleted)."
        )
    if count_once():
        return "Confirmed duplicates are counted once in the counts."
    return "Every dataset's records are counted: duplicates across datasets may be counted twice."


def status(decided: dict[str, Decision], id_a: str, id_b: str) -> Decision | None:
    """The decision on this pair, or None when undecided."""
    return decided.get(pair_key(id_a, id_b))
