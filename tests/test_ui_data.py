"""ui.data.per_session: work done once per (data, key), never served for other data; work on a
session's own import stays in that session, work on shared frames is kept once for all."""

import streamlit as st

import ui.data
from ui.data import Loaded, per_session, use_session_incidents


def own_frame():
    """A frame this session imported (the only kind whose work stays in the session)."""
    frame = object()
    use_session_incidents(frame)
    return frame


def test_computes_once_per_key_and_keeps_the_last_few():
    st.session_state.clear()
    calls = []
    frame = own_frame()

    def work(key):
        return lambda: calls.append(key) or f"result {key}"

    assert per_session("t", frame, "a", work("a")) == "result a"
    assert per_session("t", frame, "a", work("a")) == "result a"
    assert per_session("t", frame, "b", work("b"), keep=2) == "result b"
    assert per_session("t", frame, "c", work("c"), keep=2) == "result c"  # drops "a"
    assert per_session("t", frame, "a", work("a"), keep=2) == "result a"
    assert calls == ["a", "b", "c", "a"]


def test_another_object_with_a_reused_id_is_not_served_old_results(monkeypatch):
    st.session_state.clear()
    monkeypatch.setattr(ui.data, "id", lambda obj: 42, raising=False)  # as if the old frame's id were reused
    old, new = object(), object()
    assert per_session("t", old, "k", lambda: "from old") == "from old"
    assert per_session("t", new, "k", lambda: "from new") == "from new"
    st.session_state.clear()
    old, new = own_frame(), object()
    assert per_session("t", old, "k", lambda: "from old") == "from old"
    use_session_incidents(new)
    assert per_session("t", new, "k", lambda: "from new") == "from new"


def test_work_on_a_shared_frame_is_done_once_for_every_session():
    shared, calls = object(), []
    for _session in range(3):
        st.session_state.clear()
        assert per_session("shared", shared, "k", lambda: calls.append(1) or "done") == "done"
    assert calls == [1]


def test_work_on_a_sessions_import_is_not_seen_by_another_session():
    st.session_state.clear()
    mine = own_frame()
    assert per_session("mine", mine, "k", lambda: "mine") == "mine"
    assert isinstance(st.session_state[ui.data.SESSION_INCIDENTS], Loaded)
    st.session_state.clear()  # another session: it does not hold the frame, and its memo is empty
    assert per_session("mine", object(), "k", lambda: "other") == "other"
    _lock, shared = ui.data._shared_memo()
    assert not any(entry[0] is mine for entry in shared.values())
