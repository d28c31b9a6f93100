"""The view in the address bar: read once when a session starts, written back after every run.

restore() (app.py, before the sidebar is drawn) reads the URL through ui.url_codec, sets the
widgets' session_state keys (datasets, filters), the map's layers, basemap, centre and zoom and the
selected incident, and keeps a one-line note naming any value it dropped. write_back() (after the
page ran) puts the view the session shows into st.query_params. Centre and zoom are written by the
map itself as it moves (views/map/static/view_url.js), without a rerun; the server learns them when
a view is opened or saved. open_view() applies a saved view's parameters on the next run.
"""

from __future__ import annotations

import streamlit as st

from geo.catalog import LAYERS, border_map_layers
from geo.filters import IncidentFilter
from geo.settings import settings
from geo.store.base import SHIPPED
from ui import data, datasets, queries
from ui.filters import KEYS, NEAR_KM, current_filter
from ui.safe_text import safe
from ui.selection import map_selection
from ui.url_codec import NAMES, Choices, ViewState, decode, encode
from views.map.basemaps import BASEMAPS, default_basemap

_STARTED = "_url_state_started"
_MAP = "_url_state_map"  # {"layers", "basemap", "center", "zoom", "seq"}: the map's view, kept across pages
_NOTE = "_url_state_note"  # (page, text) of the last URL read
_PENDING = "_url_state_pending"  # parameters to apply at the start of the next run (a saved view opened)
_RAW = "_url_state_raw"  # the URL's parameters the codec does not own, left for a page to claim (page_param)
_CLAIMED = "_url_state_claimed"  # name -> (widget key, format): the page's own parameters this run
_MAP_SHOWN = "_url_state_map_shown"  # the border map was drawn this run: its centre and zoom belong in the address
MAX_PAGE_PARAMS, MAX_PAGE_VALUE = 20, 200
LAYER_KEY, BASEMAP_KEY = "map_layer_{}", "map_basemap"  # the border map's widget keys (pages/map.py)
PAGE_OWNED = ("incident",)  # written by the pages themselves (ui.selection, the explorer)


def choices(with_data: bool = False) -> Choices:
    """What a URL may name now: with_data, the chosen datasets' dates, categories, countries (asked
    of the store); the kept datasets, ..."""
    lo = hi = None
    present: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    offered = queries.choices() if with_data and queries.problem() is None else None
    if offered is not None and offered.date_from is not None:
        lo, hi, present, codes = offered.date_from, offered.date_to, offered.categories, offered.countries
    try:
        kept = tuple(datasets.store().names())
    except datasets.STORE_PROBLEMS:
        kept = ()
    return Choices(
        date_lo=lo,
        date_hi=hi,
        categories=tuple(present),
        countries=tuple(codes),
        near_targets=tuple(t for t, _ in data.near_choices()),
        districts=tuple(d for d, _ in data.districts_offered()),
        datasets=kept,
        default_datasets=(SHIPPED,),
        layers=border_map_layers(),
        default_layers=tuple(i for i in border_map_layers() if LAYERS[i].default_on),
        basemaps=tuple(BASEMAPS),
        default_basemap=default_basemap(settings().offline),
    )


def url_params() -> dict[str, list[str]]:
    """The codec's parameters in the address as the server has it (repeated ones kept)."""
    return {name: st.query_params.get_all(name) for name in NAMES if name in st.query_params}


def _map_state() -> dict:
    return st.session_state.setdefault(_MAP, {"layers": None, "basemap": None, "center": None, "zoom": None, "seq": 0})


def _history_navigation() -> bool:
    """Whether this run follows the browser's Back or Forward button (Streamlit tells the run's
    context since 1.4x; an older one never says so, and Back then leaves the view as it is)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def restore(page_id: str = "") -> None:
    """Apply the URL's view once per session, on Back and Forward (every change of the view is an
    entry in the browser's history), and a saved view asked for by open_view; call before the
    sidebar is drawn. Shows the note about dropped values while the same page is shown."""
    pending = st.session_state.pop(_PENDING, None)
    st.session_state[_CLAIMED] = {}
    st.session_state[_MAP_SHOWN] = False
    if pending is None and st.session_state.get(_STARTED) and _history_navigation():
        pending = {k: st.query_params.get_all(k) for k in st.query_params}
    if pending is None and not st.session_state.get(_STARTED):
        st.session_state[_STARTED] = True
        st.session_state[_RAW] = other_params({k: st.query_params.get_all(k) for k in st.query_params})
        params = url_params()
        if params:
            _apply(params, page_id, whole=False)
    elif pending is not None:
        st.session_state[_RAW] = other_params(pending)
        _apply({k: v for k, v in pending.items() if k in NAMES}, page_id, whole=True)
    note = st.session_state.get(_NOTE)
    if note and note[0] == page_id:
        st.warning(note[1], icon=":material/link_off:")
    elif note:
        st.session_state.pop(_NOTE, None)


def _apply(params: dict, page_id: str, *, whole: bool) -> None:
    """Set the session's state from parameters. whole: a complete view (a saved one): what it
    leaves out goes back to its default; else only what the URL names changes."""
    first, _ = decode({"datasets": params["datasets"]} if "datasets" in params else {}, choices())
    if first.datasets is not None or whole:
        st.session_state[datasets.KEYS["chosen"]] = list(first.datasets or (SHIPPED,))
    allowed = choices(with_data=True)
    state, dropped = decode(params, allowed)
    if allowed.date_lo is not None:
        _set_filters(state.filter, allowed)
    m = _map_state()
    for name in ("layers", "basemap"):
        if getattr(state, name) is not None or whole:
            m[name] = getattr(state, name)
    for layer_id in border_map_layers():  # drawn again from the values kept here (see layer_on)
        st.session_state.pop(LAYER_KEY.format(layer_id), None)
    st.session_state.pop(BASEMAP_KEY, None)
    _set_view(state, whole=whole)
    if dropped:
        text = safe("Some of the link's values were not used: {}.", "; ".join(dropped))
        st.session_state[_NOTE] = (page_id, text)
    else:
        st.session_state.pop(_NOTE, None)


def _set_filters(f: IncidentFilter, allowed: Choices) -> None:
    st.session_state[KEYS["dates"]] = (f.date_from or allowed.date_lo, f.date_to or allowed.date_hi)
    st.session_state[KEYS["categories"]] = list(f.categories)
    st.session_state[KEYS["countries"]] = list(f.countries)
    st.session_state[KEYS["min_fatalities"]] = int(f.min_fatalities)
    st.session_state[KEYS["keyword"]] = f.keyword
    st.session_state[KEYS["whole_words"]] = bool(f.whole_words)
    st.session_state[KEYS["near"]] = f.near
    st.session_state[KEYS["near_km"]] = float(f.near_km if f.near else NEAR_KM[2])
    st.session_state[KEYS["district"]] = f.district
    st.session_state[KEYS["grades"]] = list(f.grades)


def _set_view(state: ViewState, *, whole: bool) -> None:
    """Centre, zoom and the selected incident. With a centre and zoom the map shows exactly that
    view: a selected incident is highlighted there, not centred on (ui.selection would centre)."""
    m, selection = _map_state(), map_selection()
    has_view = state.center is not None and state.zoom is not None
    if has_view or whole:
        m["center"], m["zoom"] = (state.center, state.zoom) if has_view else (None, None)
        m["seq"] += 1
        selection.focus = None
    if has_view and state.incident:
        selection.feature = ("incidents", state.incident)
        selection.link_seen = state.incident  # as if followed: not centred on
    if not whole:
        return  # the URL's ?incident= stays where the pages look for it
    if not state.incident:
        selection.feature = selection.link_seen = None
        if "incident" in st.query_params:
            del st.query_params["incident"]
    elif st.query_params.get("incident") != state.incident:
        if not has_view:
            selection.link_seen = None  # the map page follows it: selects and centres
        st.query_params["incident"] = state.incident


def open_view(params: dict) -> None:
    """Show this saved view from the next run on (call st.rerun() after, or from a callback)."""
    st.session_state[_PENDING] = dict(params)


def other_params(params: dict) -> dict[str, str]:
    """The parameters the codec does not own (a page's own), one value each, a few and short."""
    out: dict[str, str] = {}
    for name, values in params.items():
        items = [values] if isinstance(values, str) else list(values)
        if name not in NAMES and items and len(out) < MAX_PAGE_PARAMS and len(str(items[0])) <= MAX_PAGE_VALUE:
            out[str(name)] = str(items[0])
    return out


def page_param(name: str, key: str, parse, format=str, default=None) -> None:
    """A page's own control in the address (e.g. the Trends page's periods); call before the
    widget with this key is drawn, and give that widget no value= (its value comes from here).

    The first time after a link or a saved view was opened, the URL's text for name is parsed
    (parse: text -> value, None when it cannot be used: then it is dropped, with a one-line
    note) into session_state[key]. After every run the widget's value is written back as
    format(value); the default value (or format giving "" or None) leaves the parameter out.
    """
    raw = st.session_state.get(_RAW) or {}
    if name in raw:
        text = raw.pop(name)
        try:
            value = parse(text)
        except (TypeError, ValueError):
            value = None
        if value is None:
            shown = text if len(text) <= 40 else text[:39] + "…"
            st.warning(safe("The link's {} “{}” was not used.", name, shown), icon=":material/link_off:")
        else:
            st.session_state[key] = value
    st.session_state.setdefault(_CLAIMED, {})[name] = (key, format, default)


def page_params() -> dict[str, str]:
    """The page's own parameters as they stand (what page_param claimed this run), for a saved view."""
    out = {}
    for name, (key, format, default) in (st.session_state.get(_CLAIMED) or {}).items():
        value = st.session_state.get(key)
        text = format(value) if value is not None and value != default else None
        if text:
            out[name] = str(text)
    return out


# ---------------------------------------------------------------- what the map page asks


def layer_on(layer_id: str) -> bool:
    """Whether the map's layer checkbox starts ticked: the URL's or a saved view's layers, else its default."""
    layers = _map_state()["layers"]
    return LAYERS[layer_id].default_on if layers is None else layer_id in layers


def basemap_or(default: str) -> str:
    """The basemap the map's chooser starts on."""
    chosen = _map_state()["basemap"]
    return chosen if chosen in BASEMAPS else default


def map_shown() -> None:
    """The border map is drawn this run (ui.map_panel): the address names its centre and zoom.
    On other pages it does not: the server learns the map's view only from a link or a saved
    view (the map moves without a rerun), so it would name a view the reader has left."""
    st.session_state[_MAP_SHOWN] = True


def map_view() -> tuple[tuple[float, float], float] | None:
    """(centre, zoom) the border map should show, as last set by a URL or a saved view, or None.

    The centre moves by a hair with every new request, so st_folium (which moves the map only
    when the centre it is given changes) applies it again after the reader has panned away.
    """
    m = _map_state()
    if m["center"] is None or m["zoom"] is None:
        return None
    lat, lon = m["center"]
    return (lat + (m["seq"] % 2) * 1e-9, lon), float(m["zoom"])


# ---------------------------------------------------------------- writing the address


def current_state() -> ViewState:
    """The view this session shows now (the map's widgets when the map page ran, else as kept)."""
    m = _map_state()
    if any(LAYER_KEY.format(i) in st.session_state for i in border_map_layers()):
        m["layers"] = tuple(i for i in border_map_layers() if st.session_state.get(LAYER_KEY.format(i)))
    if BASEMAP_KEY in st.session_state:
        m["basemap"] = st.session_state[BASEMAP_KEY]
    try:
        shown = tuple(datasets.chosen())
    except datasets.STORE_PROBLEMS:
        shown = None
    on_map = m["center"] is not None and st.session_state.get(_MAP_SHOWN)
    center, zoom = (m["center"], m["zoom"]) if on_map else (None, None)
    return ViewState(current_filter(), shown, m["layers"], m["basemap"], center, zoom, None)


def view_params(state: ViewState | None = None) -> dict[str, str | list[str]]:
    """The codec's parameters for a view (default: this session's), the selected incident left out."""
    state = state or current_state()
    return encode(state, _encode_choices())


def _encode_choices() -> Choices:
    return Choices(
        default_datasets=(SHIPPED,),
        layers=border_map_layers(),
        default_layers=tuple(i for i in border_map_layers() if LAYERS[i].default_on),
        default_basemap=default_basemap(settings().offline),
    )


def write_back() -> None:
    """Make the address name this session's view (call after the page ran); the page's own
    parameters (the selected incident) and names this codec does not own are kept."""
    if not st.session_state.get(_STARTED):
        return
    try:
        wanted = view_params()
    except Exception:  # a page that failed half-way leaves the address as it was
        return
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    claimed = st.session_state.get(_CLAIMED) or {}
    target = {k: v for k, v in current.items() if (k not in NAMES or k in PAGE_OWNED) and k not in claimed}
    target.update({k: v if isinstance(v, list) else [v] for k, v in wanted.items()})
    target.update({k: [v] for k, v in page_params().items()})
    if target != current:
        st.query_params.from_dict(target)
