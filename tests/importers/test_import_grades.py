"""Imported rows are graded from their format's own fields (geo.grades), never guessed."""

from pathlib import Path

import pandas as pd

from geo.importers import import_file
from geo.schema import GRADE_NAMES
from tests.importers import layouts

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def graded(path) -> pd.DataFrame:
    inc = import_file(path).incidents.set_index("id")
    return inc[["grade", "independent_sources", "claimed_by", "denied_by", "grade_reason"]]


def test_acled_grades_from_source_and_source_scale():
    got = graded(DATA / "acled_new.csv")
    assert got.loc["PAK90001", "grade"] == "single source"  # Dawn, National
    assert got.loc["PAK90001", "independent_sources"] == 1
    assert got.loc["PAK90002", "grade"] == "corroborated"  # "Dawn; VOA", National-International
    assert got.loc["PAK90002", "independent_sources"] == 2
    assert "source_scale National-International" in got.loc["PAK90002", "grade_reason"]
    assert got["claimed_by"].isna().all() and got["denied_by"].isna().all()  # ACLED does not say


def test_ucdp_grades_from_number_of_sources_and_clarity():
    got = graded(DATA / "ucdp_ged.csv")
    assert got.loc["UCDP-990001", "grade"] == "corroborated" and got.loc["UCDP-990001", "independent_sources"] == 2
    assert got.loc["UCDP-990002", "grade"] == "single source"
    assert "clarity high" in got.loc["UCDP-990001", "grade_reason"]


def test_a_file_without_source_fields_is_ungraded(tmp_path):
    """Old ACLED exports carry no source_scale; a UCDP copy without number_of_sources says nothing."""
    path = tmp_path / "ucdp.csv"
    frame = pd.read_csv(DATA / "ucdp_ged.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=["number_of_sources", "event_clarity"]).to_csv(path, index=False)
    got = graded(path)
    assert set(got["grade"]) == {"ungraded"} and got["independent_sources"].isna().all()
    assert got["grade_reason"].str.contains("gives no source information").all()


def test_every_layout_imports_with_a_grade_of_the_vocabulary(tmp_path):
    for write in (layouts.ucdp_ged, layouts.ucdp_web, layouts.acled_current, layouts.acled_old):
        got = graded(write(tmp_path))
        assert set(got["grade"]) <= set(GRADE_NAMES), write.__name__
