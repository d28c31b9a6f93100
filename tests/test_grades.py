"""Verification grades (geo.grades): the curated events' grades pinned from their own sources, the
rules on made-up records, and the shipped file carrying what the builder derives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import grades
from geo.schema import GRADE_NAMES, INCIDENTS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {
    f["properties"]["id"]: f["properties"]
    for f in json.loads((ROOT / "geo" / "data" / "incidents.geojson").read_text(encoding="utf-8"))["features"]
}


def test_every_curated_incident_is_graded_with_a_reason():
    assert len(SHIPPED) == 51
    for props in SHIPPED.values():
        assert props["grade"] in GRADE_NAMES and props["grade"] != "ungraded"
        assert props["grade_reason"].startswith(props["grade"].capitalize() + ":")
        assert props["independent_sources"] >= 1


def test_the_shipped_grades_are_what_the_rules_derive_from_each_record():
    for props in SHIPPED.values():
        assert grades.curated(props).fields() == {k: props[k] for k in grades.Verdict("x", "").fields()}


def test_zhob_is_confirmed_by_ispr_claimed_by_tjp_and_has_three_sources_ap_counted_once():
    a01 = SHIPPED["PKIR-A01"]
    assert a01["grade"] == "confirmed"  # ISPR's account, and TJP claimed it: nobody disputes
    assert a01["claimed_by"] == "Tehreek-e-Jihad Pakistan"
    assert a01["denied_by"] is None
    assert a01["independent_sources"] == 3  # Dawn, VOA, and Hindustan Times carrying AP
    assert "AP (via Hindustan Times)" in a01["grade_reason"]


@pytest.mark.parametrize(
    ("incident", "grade", "claimed_by", "denied_by", "sources"),
    [
        ("PKIR-C12", "disputed", "Iran (IRGC)", "Pakistan; Jaish al-Adl", 3),  # the January 2024 strikes
        ("PKIR-C13", "disputed", "Pakistan", "Iran", 3),
        ("PKIR-A07", "disputed", "Pakistan", "India", 3),  # India says he was abducted from Iran
        ("PKIR-C04", "disputed", "BLF", "Pakistan", 2),  # BLF claimed 17 soldiers, ISPR's figures differ
        ("PKIR-C17", "claimed", "Jaish al-Adl", None, 3),
        ("PKIR-C16", "claimed", "Jaish al-Adl", None, 1),  # "apparently claimed it"
        ("PKIR-C15", "confirmed", "Jaish al-Adl", None, 3),  # the IRGC's tally; a repost counted as its origin
        ("PKIR-A03", "corroborated", None, None, 2),  # Dawn twice is one source
        ("PKIR-B02", "single source", None, None, 1),  # Trend twice
        ("PKIR-A06", "single source", None, None, 1),
    ],
)
def test_curated_grades_pinned(incident, grade, claimed_by, denied_by, sources):
    props = SHIPPED[incident]
    assert (props["grade"], props["claimed_by"], props["denied_by"], props["independent_sources"]) == (
        grade,
        claimed_by,
        denied_by,
        sources,
    )


def test_a_disputed_reason_says_who_says_what():
    reason = SHIPPED["PKIR-C12"]["grade_reason"]
    assert "Iran said it destroyed two Jaish al-Adl bases" in reason
    assert "Pakistani officials said the missiles hit a family home" in reason


def test_reposts_and_repeats_fold_into_one_source():
    outlets = ["Dawn", "dawn", "Hindustan Times", "x.com (repost of Orinoco Tribune, 5 Apr)", "Orinoco Tribune"]
    got = grades.independent_outlets(outlets, "AP (via Hindustan Times) reports guns")
    assert got == ["Dawn", "AP (via Hindustan Times)", "Orinoco Tribune (repost)"]
    assert grades.independent_outlets(["Hindustan Times", "AP"], "AP (via Hindustan Times)") == [
        "AP (via Hindustan Times)"
    ]


def _record(**fields):
    base = {"sources": [{"outlet": "Dawn"}, {"outlet": "VOA"}], "perpetrator": None, "disputed": None}
    return base | fields


@pytest.mark.parametrize(
    ("fields", "grade"),
    [
        ({}, "corroborated"),
        ({"sources": [{"outlet": "Dawn"}]}, "single source"),
        ({"sources": []}, "ungraded"),
        ({"perpetrator": "BLA (claimed)"}, "claimed"),
        ({"perpetrator": "Unclaimed"}, "corroborated"),
        ({"perpetrator": "BLA (claimed)", "fatalities_note": "ISPR figures"}, "confirmed"),
        ({"fatalities_note": "Iran: 3 killed; Pakistan says 9 militants killed"}, "disputed"),
        ({"disputed": "Dawn says 3, Reuters (via Pakistan Today) says 4"}, "corroborated"),  # outlets, not parties
        ({"disputed": "Daily Pakistan says 3; Pakistan Today says 4"}, "corroborated"),
    ],
)
def test_the_ladder_on_made_up_records(fields, grade):
    assert grades.curated(_record(**fields)).grade == grade


@pytest.mark.parametrize(
    ("source", "scale", "grade", "n"),
    [
        ("Dawn; The News", "National", "corroborated", 2),
        ("Dawn; dawn ", "National", "single source", 1),  # one outlet twice
        ("Dawn", "National-International", "corroborated", 2),  # two scales: two sources at least
        ("Dawn", "", "single source", 1),
        ("", "", "ungraded", None),
        ("", "Local partner", "single source", 1),
    ],
)
def test_acled_rows(source, scale, grade, n):
    verdict = grades.acled(source, scale)
    assert (verdict.grade, verdict.independent_sources, verdict.claimed_by, verdict.denied_by) == (grade, n, None, None)


@pytest.mark.parametrize(
    ("sources", "clarity", "grade", "said"),
    [
        ("3", "1", "corroborated", "clarity high"),
        ("2", "2", "corroborated", "clarity low"),
        ("1", "1", "single source", "clarity high"),
        ("0", "1", "ungraded", "no source information"),
        ("-1", "", "ungraded", "no source information"),
        ("", "2", "ungraded", "no source information"),  # clarity alone counts no source
    ],
)
def test_ucdp_rows(sources, clarity, grade, said):
    verdict = grades.ucdp(sources, clarity)
    assert verdict.grade == grade and said in verdict.reason


def test_a_missing_grade_reads_as_ungraded():
    assert [grades.grade_of(v) for v in (None, float("nan"), "", "bogus", "claimed")] == [
        "ungraded",
        "ungraded",
        "ungraded",
        "ungraded",
        "claimed",
    ]


def test_the_grade_fields_are_optional_so_older_files_still_validate():
    fields = {f.name: f for f in INCIDENTS.fields}
    for name in ("grade", "claimed_by", "denied_by", "independent_sources", "grade_reason"):
        assert not fields[name].required and fields[name].nullable
    assert fields["grade"].choices == GRADE_NAMES
