"""Layer provenance parsed from the data README, rendered safely; validation status; citation."""

from pathlib import Path

import pytest

from geo import provenance
from geo.catalog import LAYERS
from geo.validation import ValidationReport
from views.provenance import field_rows_html, markdown_to_html

FIXTURE = Path(__file__).parent / "data" / "provenance" / "README.md"


@pytest.fixture(scope="module")
def parsed():
    return provenance.read_readme(FIXTURE)


def test_layer_sections_are_found_and_other_sections_skipped(parsed):
    assert list(parsed) == ["markets", "border"]
    assert parsed["markets"].title == "Border markets"
    assert parsed["border"].title == "Pakistan–Iran border"


def test_fields_golden(parsed):
    assert parsed["markets"].fields == {
        "Source": "the project's fact sheet; see [Business Recorder](https://www.brecorder.com/news/40096901) "
        "and https://en.irna.ir/news/84732377.",
        "Licence": "CC BY 4.0 (this project's compilation)",
        "Date": "2026-11-28",
        "Method": "sites placed at the crossing point named in the sources (a lazy continuation line).",
        "Known limits": "three of the six markets are not named; they are listed, not mapped.",
        "Extra": "a further labelled bullet inside a sub-heading.",
    }


def test_get_ignores_case_and_licence_spelling_and_reports_missing(parsed):
    border = parsed["border"]
    assert border.get("licence") == "public domain"  # written "License"
    assert border.get("DATE") == "`2.0.2`"
    assert border.missing() == ["Known limits"]
    assert parsed["markets"].missing() == []


def test_absent_readme_gives_nothing(tmp_path):
    assert provenance.read_readme(tmp_path / "nope.md") == {}


def test_markdown_to_html_links_and_formatting(parsed):
    out = markdown_to_html(parsed["markets"].fields["Source"])
    assert out == (
        "the project&#x27;s fact sheet; see "
        '<a href="https://www.brecorder.com/news/40096901" target="_blank" rel="noopener noreferrer">'
        "Business Recorder</a> and "
        '<a href="https://en.irna.ir/news/84732377" target="_blank" rel="noopener noreferrer">'
        "https://en.irna.ir/news/84732377</a>."
    )
    assert markdown_to_html("shared **admin-0** `v2`") == "shared <strong>admin-0</strong> <code>v2</code>"


def test_markdown_to_html_is_inert(parsed):
    out = markdown_to_html(parsed["border"].fields["Source"])
    assert "<script" not in out and "&lt;script&gt;" in out
    assert "<a " not in out  # the javascript: link is not turned into an anchor
    assert "npm" in out  # the link text survives, as plain text
    tricky = markdown_to_html('[x](https://a.b/"onmouseover="alert(1)) `<b>` "q" ` `')
    assert '"onmouseover' not in tricky and "<b>" not in tricky


def test_validation_status_levels():
    ok = ValidationReport("a.geojson")
    assert provenance.validation_status(None, ok) == provenance.Status("ok")
    noted = ValidationReport("a.geojson", notes=["reprojected"])
    assert provenance.validation_status(None, noted).level == "notes"
    warned = ValidationReport("a.geojson", notes=["n"], warnings=["w1", "w2"])
    status = provenance.validation_status(None, warned)
    assert status.level == "warnings" and status.messages == ("w1", "w2") and status.label == "2 warning(s)"
    err = provenance.validation_status("a.geojson: 1 problem(s) found", None)
    assert err.level == "error" and err.label == "error: not loaded"


def test_citation_golden():
    text, bib = provenance.citation("0.1.0", "2026-11-28", "2026-12-01")
    assert text == (
        "Pakistan–Iran border dashboard contributors (2026). Pakistan–Iran border dashboard (version 0.1.0; "
        "data of 2026-11-28) [open-source software, MIT; data compilation CC BY 4.0; boundaries from "
        "Natural Earth, public domain]. Accessed 2026-12-01."
    )
    assert bib.startswith(
        "@software{pkir_border_dashboard_2026,\n  author = {Pakistan–Iran border dashboard contributors},"
    )
    assert "  version = {0.1.0}," in bib and bib.endswith("}")
    assert bib.count("{") == bib.count("}")
    _, with_url = provenance.citation("0.1.0", None, "2026-12-01", url="https://example.org/dash")
    assert "  url = {https://example.org/dash}," in with_url and "unknown date" in with_url


def test_shipped_readme_documents_every_layer():
    """The real data README, once written, covers every catalogue layer with all five fields."""
    if not provenance.README.exists():
        pytest.skip("geo/data/README.md is not written yet")
    parsed = provenance.read_readme()
    assert set(LAYERS) <= set(parsed), f"layers without a section: {sorted(set(LAYERS) - set(parsed))}"
    for layer_id in LAYERS:
        assert parsed[layer_id].missing() == [], layer_id


def test_field_rows_html(parsed):
    out = field_rows_html(parsed["border"])
    assert out.startswith('<dl class="pkir-prov"><dt>Source</dt>')
    assert out.index("<dt>Licence</dt>") < out.index("<dt>Date</dt>") < out.index("<dt>Method</dt>")
    assert '<dt>Known limits</dt><dd class="pkir-prov-missing">not documented</dd>' in out
    assert "<script" not in out
    assert "<dt>Extra</dt>" in field_rows_html(parsed["markets"])
    assert "no section in geo/data/README.md" in field_rows_html(None)


def test_counts_dates_version_and_files(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame(
        {"updated_at": ["2026-11-28", None, "2025-01-02"]},
        geometry=[Point(61, 25), None, Point(62, 26)],
        crs="EPSG:4326",
    )
    assert provenance.feature_counts(gdf) == (3, 1)
    assert provenance.feature_counts(None) == (0, 0)
    assert provenance.newest_update([gdf, None]) == "2026-11-28"
    assert provenance.newest_update([]) is None
    (tmp_path / "pyproject.toml").write_text('[tool.x]\nversion = "9"\n[project]\nname = "a"\nversion = "1.2.3"\n')
    assert provenance.project_version(tmp_path / "pyproject.toml") == "1.2.3"
    assert provenance.project_version(tmp_path / "missing.toml") == "unknown"
    assert provenance.layer_file("markets").name == "markets.geojson"


def test_other_sections_are_the_non_layer_ones():
    text = FIXTURE.read_text(encoding="utf-8") + "\n## Costs\n\nUS$1 m and US$3 m\n"
    assert provenance.other_sections(text) == [
        ("How to rebuild", "- **Source:** not a layer: this section must be skipped."),
        ("Costs", "US\\$1 m and US\\$3 m"),
    ]
