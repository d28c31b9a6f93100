"""ui.data.per_session: work done once per (data, key) in a session, never served for other data."""

import streamlit as st

import ui.data
from ui.data import per_session


def test_computes_once_per_key_and_keeps_the_last_few():
    st.session_state.clear()
    calls = []
    frame = object()

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
