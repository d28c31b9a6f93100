"""Candidate duplicates across datasets: the same event recorded by two sources (UCDP and ACLED,
a kept file and the curated events), found by place, time, kind, place name and actors.

    pairs = candidate_pairs({"UCDP": ucdp_rows, "ACLED": acled_rows})   # one row per pair, best first

Defaults, from the sources' own location and date precisions:

- ``DEFAULT_KM`` = 25 km. UCDP GED's where_prec 2 and ACLED's geo_precision 2 both mean "near a
  known place", which UCDP states as within 25 km; where_prec 1 / geo_precision 1 put the point
  at the town or site itself. Two records of one event placed at the site and at a town nearby
  are therefore at most about 25 km apart. District- or province-precision records are put at the
  district's or province's centre by both sources, so they meet within that radius too.
- ``DEFAULT_DAYS`` = 1 day. UCDP date_prec 1 and ACLED time_precision 1 give the day, but a night
  attack is often dated by the next morning's reports, and the outlets behind each source differ.
  The gap is between date ranges: events spanning days are compared by their nearest days.

Only pairs from two different datasets are candidates (rows sharing an id are already shown once);
rows spanning more than ``MAX_SPAN_DAYS`` (a month or year precision) are too vague to pair.
Finding candidates never compares all pairs: rows are keyed by a grid cell of DEFAULT_KM and a day,
and only the 3 x 3 cells around a row within its day window are looked at (a hash join).

Each candidate gets a score in 0..1 and its reasons: nearness (0.2), days apart (0.15), category
(0.15: the same, or both violent), place name (0.3) and actors (0.2), the last two by rapidfuzz's
token-set ratio after folding Latin transliterations of Urdu and Persian names (Zahedan / Zahidan,
Turbat / Torbat, Saravan / Sarawan, Panjgur / Panjgoor fold to one spelling). Pairs scoring below
``MIN_SCORE`` are dropped.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from geo.schema import CATEGORY

DEFAULT_KM = 25.0
DEFAULT_DAYS = 1
MIN_SCORE = 0.6
PROBABLE = 0.8  # a pair scoring at least this is a "probable duplicate"
MAX_SPAN_DAYS = 31
READ_COLUMNS = (
    "id",
    "date_start",
    "date_end",
    "lon",
    "lat",
    "category",
    "place",
    "admin1",
    "admin2",
    "actors",
    "location_precision",
)
PAIR_COLUMNS = ("dataset_a", "id_a", "dataset_b", "id_b", "km", "days", "score", "reasons")
WEIGHTS = {"near": 0.2, "days": 0.15, "category": 0.15, "place": 0.3, "actors": 0.2}
EARTH_KM = 6371.0088
KM_PER_DEG = math.pi * EARTH_KM / 180.0
# words that say nothing about which place or which party: dropped before comparing names
_NOISE = {
    "the", "of", "and", "in", "near", "area", "district", "city", "town", "village", "tehsil", "county",
    "province", "region", "division", "government", "forces", "force", "military", "state", "security",
    "unidentified", "armed", "group", "militia", "personnel", "sub", "bazaar", "bazar",
}  # fmt: skip
# Latin spellings of one Urdu or Persian sound, folded to one letter (order matters: digraphs first)
_FOLDS = (
    ("kh", "x"), ("gh", "g"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("w", "v"), ("ee", "i"),
    ("oo", "u"), ("ou", "u"), ("aa", "a"), ("e", "i"), ("o", "u"), ("y", "i"),
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_YEARS = re.compile(r"\(\s*\d{4}\s*-?\s*\d{0,4}\s*\)")


def fold(text) -> str:
    """A name reduced to what its transliterations share: accents, case, noise words and spelling
    variants gone, repeated letters collapsed. Non-Latin script is kept (only case-folded)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    if isinstance(text, (list, tuple, np.ndarray)):
        text = " ".join(str(t) for t in text if t)
    return _fold_text(str(text))


def _fold_text(text: str) -> str:
    raw = unicodedata.normalize("NFKD", _YEARS.sub(" ", text))
    raw = "".join(c for c in raw if not unicodedata.combining(c)).casefold()
    words = []
    for word in _WORD.findall(raw):
        if word in _NOISE:
            continue
        if word.isascii():
            for a, b in _FOLDS:
                word = word.replace(a, b)
            word = re.sub(r"(.)\1+", r"\1", word)
        words.append(word)
    return " ".join(words)


def similarity(a: list[str], b: list[str]) -> np.ndarray:
    """Name similarity 0..1 of folded names, element by element: the better of the token-set ratio
    and the ratio of the names without spaces ("Gohar Kuh" ~ "Goharkuh")."""
    if not len(a):
        return np.zeros(0)
    words = cpdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.float32)
    joined = cpdist([s.replace(" ", "") for s in a], [s.replace(" ", "") for s in b], scorer=fuzz.ratio)
    return np.maximum(words, joined).astype(float) / 100.0


def evidence(sim: np.ndarray) -> np.ndarray:
    """A name similarity as evidence 0..1: unrelated short names are still 30 to 50 % alike by
    edit distance, so 50 % or less counts as nothing and 90 % or more as a full match."""
    return np.clip((sim - 0.5) / 0.4, 0.0, 1.0)


def _violent(category) -> bool:
    found = CATEGORY.get(category)
    return bool(found and found.violent)


def compatible(a, b) -> bool:
    """Categories that may name one event: the same, or both violent (UCDP's "armed clash" is
    ACLED's "bombing/IED" often enough), or either "other" (an import's catch-all)."""
    return a == b or (_violent(a) and _violent(b)) or "other" in (a, b)


def _compatible(a: pd.Series, b: pd.Series) -> np.ndarray:
    """compatible() element by element."""
    kinds = pd.unique(pd.concat([a, b], ignore_index=True))
    violent = {k: _violent(k) for k in kinds}
    va, vb = a.map(violent).to_numpy(bool), b.map(violent).to_numpy(bool)
    ca, cb = a.to_numpy(object), b.to_numpy(object)
    return (ca == cb) | (va & vb) | (ca == "other") | (cb == "other")


def _prepared(name: str, rows: pd.DataFrame, cell_km: float, lat_scale: float) -> pd.DataFrame:
    """The rows that can be paired, with their grid cell and first/last day numbers."""
    rows = rows.reset_index(drop=True)
    start = pd.to_datetime(rows["date_start"]).to_numpy("datetime64[D]").astype("int64")
    end = pd.to_datetime(rows["date_end"].fillna(rows["date_start"])).to_numpy("datetime64[D]").astype("int64")
    lon, lat = rows["lon"].to_numpy(float), rows["lat"].to_numpy(float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (end - start <= MAX_SPAN_DAYS) & (end >= start)
    out = pd.DataFrame(
        {
            "row": np.arange(len(rows))[ok],
            "cx": np.floor(lon[ok] * KM_PER_DEG * lat_scale / cell_km).astype("int64"),
            "cy": np.floor(lat[ok] * KM_PER_DEG / cell_km).astype("int64"),
            "start": start[ok],
            "end": end[ok],
        }
    )
    out.attrs["name"] = name
    return out


def _expand_days(prep: pd.DataFrame, pad: int) -> pd.DataFrame:
    """One row per day from start - pad to end + pad."""
    length = (prep["end"] - prep["start"] + 1 + 2 * pad).to_numpy()
    rep = prep.loc[prep.index.repeat(length)].copy()
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
    rep["day"] = rep["start"].to_numpy() - pad + offset
    return rep


def _joined(pa: pd.DataFrame, pb: pd.DataFrame, days: int) -> pd.DataFrame:
    """(row_a, row_b) of every pair in neighbouring cells whose date ranges are within days."""
    a = _expand_days(pa, days)[["row", "cx", "cy", "day"]]
    b = _expand_days(pb, 0)[["row", "cx", "cy", "day"]]
    found = []
    for dx, dy in itertools.product((-1, 0, 1), repeat=2):
        shifted = a.assign(cx=a["cx"] + dx, cy=a["cy"] + dy)
        found.append(shifted.merge(b, on=["cx", "cy", "day"], suffixes=("_a", "_b"))[["row_a", "row_b"]])
    return pd.concat(found, ignore_index=True).drop_duplicates()


def _haversine(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, float)) for v in (lon1, lat1, lon2, lat2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _gap_days(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Days between two date ranges (0 when they overlap)."""
    sa, ea = (pd.to_datetime(a[c]).to_numpy("datetime64[D]").astype("int64") for c in ("date_start", "date_end"))
    sb, eb = (pd.to_datetime(b[c]).to_numpy("datetime64[D]").astype("int64") for c in ("date_start", "date_end"))
    return np.maximum(0, np.maximum(sa, sb) - np.minimum(ea, eb))


def _text(values) -> list[str]:
    """The folded names of a column; a name met again is folded once (the memo lives for this call)."""
    memo: dict[str, str] = {}
    out = []
    for v in values:
        if isinstance(v, str):
            folded = memo.get(v)
            if folded is None:
                folded = memo[v] = fold(v)
            out.append(folded)
        else:
            out.append(fold(v))
    return out


def _alike(what: str, sim: float) -> str:
    return f"{what} not given" if math.isnan(sim) else f"{what} {sim:.0%} alike"


def reasons(km, gap, cat_a, cat_b, place, actors) -> list[str]:
    """Each pair's reasons in words: distance, days apart, categories, place and actors alike."""
    return [
        "; ".join(
            (
                f"{k:.1f} km apart",
                "same days" if g == 0 else f"{int(g)} day(s) apart",
                f"both {ca}" if ca == cb else f"{ca} / {cb}",
                _alike("place", p),
                _alike("actors", x),
            )
        )
        for k, g, ca, cb, p, x in zip(
            km.tolist(), gap.tolist(), cat_a, cat_b, place.tolist(), actors.tolist(), strict=True
        )
    ]


def score_pairs(a: pd.DataFrame, b: pd.DataFrame, days: int = DEFAULT_DAYS, km_limit: float = DEFAULT_KM):
    """Score rows a[i] against b[i] (aligned frames): (km, gap, score, place, actors), the last two
    the name similarities (NaN where a name is missing)."""
    km = _haversine(a["lon"], a["lat"], b["lon"], b["lat"])
    gap = _gap_days(a, b)
    same = (a["category"].to_numpy() == b["category"].to_numpy()).astype(float)
    cat = np.where(same == 1, 1.0, 0.5)
    pa, pb = _text(a["place"]), _text(b["place"])
    place = np.where([bool(x and y) for x, y in zip(pa, pb, strict=True)], similarity(pa, pb), np.nan)
    xa, xb = _text(a["actors"]), _text(b["actors"])
    actors = np.where([bool(x and y) for x, y in zip(xa, xb, strict=True)], similarity(xa, xb), np.nan)
    parts = {
        "near": np.clip(1 - km / km_limit, 0, 1),
        "days": 1 - gap / (days + 1),
        "category": cat,
        "place": np.nan_to_num(evidence(place), nan=0.5),  # unknown: neither for nor against
        "actors": np.nan_to_num(evidence(actors), nan=0.5),
    }
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    return km, gap, score, place, actors


def candidate_pairs(
    frames: Mapping[str, pd.DataFrame],
    km: float = DEFAULT_KM,
    days: int = DEFAULT_DAYS,
    min_score: float = MIN_SCORE,
) -> pd.DataFrame:
    """Candidate duplicate pairs across the datasets (name -> rows with READ_COLUMNS), best first:
    PAIR_COLUMNS, dataset_a named before dataset_b in frames' order."""
    if km <= 0 or days < 0:
        raise ValueError(f"the distance must be above 0 km and the window 0 days or more (not {km} km, {days} days)")
    names = [n for n, f in frames.items() if f is not None and len(f)]
    lats = [np.nanmax(np.abs(frames[n]["lat"].to_numpy(float)), initial=0.0) for n in names]
    lat_scale = math.cos(math.radians(min(85.0, max(lats, default=0.0))))  # x never overstates distance
    prepared = {n: _prepared(n, frames[n], km, lat_scale) for n in names}
    found = []
    for na, nb in itertools.combinations(names, 2):
        rows_a, rows_b = frames[na].reset_index(drop=True), frames[nb].reset_index(drop=True)
        hit = _joined(prepared[na], prepared[nb], days)
        if hit.empty:
            continue
        a, b = rows_a.iloc[hit["row_a"].to_numpy()], rows_b.iloc[hit["row_b"].to_numpy()]
        keep = (a["id"].to_numpy() != b["id"].to_numpy()) & _compatible(a["category"], b["category"])
        keep &= _haversine(a["lon"], a["lat"], b["lon"], b["lat"]) <= km
        keep &= _gap_days(a, b) <= days
        a, b = a[keep].reset_index(drop=True), b[keep].reset_index(drop=True)
        dist, gap, score, place, actors = score_pairs(a, b, days, km)
        good = score >= min_score
        a, b = a[good].reset_index(drop=True), b[good].reset_index(drop=True)
        dist, gap, score, place, actors = (v[good] for v in (dist, gap, score, place, actors))
        why = reasons(dist, gap, a["category"].tolist(), b["category"].tolist(), place, actors)
        found.append(
            pd.DataFrame(
                {
                    "dataset_a": na,
                    "id_a": a["id"].astype(str),
                    "dataset_b": nb,
                    "id_b": b["id"].astype(str),
                    "km": np.round(dist, 2),
                    "days": gap.astype("int64"),
                    "score": np.round(score, 3),
                    "reasons": why,
                }
            )
        )
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PAIR_COLUMNS})
    out = pd.concat(found, ignore_index=True)
    return out.sort_values(["score", "id_a", "id_b"], ascending=[False, True, True], ignore_index=True)


def pair_key(id_a: str, id_b: str) -> str:
    """A pair's key, the same whichever record comes first: the two source ids, sorted."""
    return "\x1f".join(sorted((str(id_a), str(id_b))))


def read_rows(engine, names) -> dict[str, pd.DataFrame]:
    """Each dataset's rows with only READ_COLUMNS, asked of a query engine (geo.store.query)."""
    from geo.store.query import IncidentQuery

    return {n: engine.rows(IncidentQuery((n,), columns=READ_COLUMNS, bbox=WORLD)) for n in names}


WORLD = (-180.0, -90.0, 180.0, 90.0)  # located rows only: an unlocated one cannot be paired by place


def hidden_records(pairs: pd.DataFrame, decided: Mapping, names) -> set[str]:
    """The records "hide probable duplicates" leaves out: in each group of records joined by a pair
    that is probable (score >= PROBABLE) and not decided "different", or decided "same", every record
    but one, the one from the dataset listed first in names (then the smallest id). decided maps
    pair_key -> anything with a .decision ("same" or "different")."""
    rank = {str(n): i for i, n in enumerate(names)}
    parent: dict[str, str] = {}
    dataset_of: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    if pairs is None or pairs.empty:
        return set()
    columns = (pairs[c].astype(str) for c in ("dataset_a", "id_a", "dataset_b", "id_b"))
    for ds_a, id_a, ds_b, id_b, score in zip(*columns, pairs["score"], strict=True):
        made = decided.get(pair_key(id_a, id_b))
        verdict = getattr(made, "decision", None)
        if verdict == "different" or (verdict != "same" and score < PROBABLE):
            continue
        dataset_of.setdefault(id_a, ds_a)
        dataset_of.setdefault(id_b, ds_b)
        parent[root(id_a)] = root(id_b)
    groups: dict[str, list[str]] = {}
    for member in parent:
        groups.setdefault(root(member), []).append(member)
    hidden: set[str] = set()
    for members in groups.values():
        kept = min(members, key=lambda m: (rank.get(dataset_of[m], len(rank)), m))
        hidden.update(m for m in members if m != kept)
    return hidden
