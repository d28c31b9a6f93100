"""AppTest of the sources page: every layer with its count, live validation status, download, citation."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from geo.catalog import DATA_DIR, DATA_DIR_ENV, LAYERS
from geo.loading import load_layer
from tests.app_helpers import ROOT, open_page, without_own_scripts

pytestmark = pytest.mark.app


def start() -> AppTest:
    return open_page("pages/sources.py")


def summary(at: AppTest):
    return at.table[0].value.assign(Id=lambda f: f["Id"].str.strip("`")).set_index("Id")


def test_every_layer_is_listed_with_its_feature_count():
    at = start()
    table = summary(at)
    assert list(table.index) == list(LAYERS)
    for layer_id in LAYERS:
        gdf, _ = load_layer(layer_id)
        assert table.loc[layer_id, "Features"] == str(len(gdf)), layer_id
        assert "ok" in table.loc[layer_id, "Validation"]
    assert table.loc["markets", "Not mapped"] == "3"


def test_download_per_layer_and_citation():
    at = start()
    keys = {b.key for b in at.get("download_button")}
    assert keys == {f"download_{layer_id}" for layer_id in LAYERS}
    codes = [c.value for c in at.code]
    assert any(c.startswith("@software{pkir_border_dashboard_") for c in codes)
    assert any("Pakistan–Iran border dashboard (version " in c for c in codes)


def test_a_broken_layer_shows_as_an_error_and_the_rest_stays_ok(tmp_path, settings_env):
    for layer in LAYERS.values():
        shutil.copy(DATA_DIR / layer.file, tmp_path / layer.file)
    (tmp_path / "markets.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    settings_env.setenv(DATA_DIR_ENV, str(tmp_path))
    at = start()
    table = summary(at)
    assert "error" in table.loc["markets", "Validation"]
    assert table.loc["markets", "Features"] == "–"
    assert all("ok" in table.loc[i, "Validation"] for i in LAYERS if i != "markets")
    messages = " ".join(c.value for c in at.code)
    assert "markets.geojson" in messages and "not valid JSON" in messages


def test_provenance_is_rendered_from_the_readme_and_escaped(monkeypatch):
    from geo import provenance

    monkeypatch.setattr(provenance, "README", ROOT / "tests" / "data" / "provenance" / "README.md")
    at = start()
    table = summary(at)
    assert table.loc["markets", "Licence"] == r"CC BY 4\.0 \(this project\'s compilation\)"
    assert table.loc["towns", "Licence"] == "_not documented_"
    html = " ".join(without_own_scripts(m.value) for m in at.get("html"))
    assert '<a href="https://www.brecorder.com/news/40096901"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "no section in geo/data/README.md" in html  # layers the fixture does not document
    assert [e.label for e in at.expander if e.label == "How to rebuild"] == ["How to rebuild"]


def test_layer_notes_speak_plainly_and_fold_the_technical_method():
    at = start()
    expanders = [e for e in at.expander if e.label == "How it was built (technical detail)"]
    assert len(expanders) == len(LAYERS)
    technical = " ".join(h.value for e in expanders for h in e.get("html"))
    assert "npm pack" in technical and "make_valid" in technical  # kept, one click away
    folded = {h.value for e in at.expander for h in e.get("html")}  # method and further README notes
    shown = " ".join(h.value for h in at.get("html") if h.value not in folded)
    for word in ("<code>npm pack", "GDAL", "make_valid", "build_curated_layers"):
        assert word not in shown, word
    assert "<dt>In plain words</dt>" in shown


def test_a_phone_gets_the_layer_table_as_stacked_rows():
    at = start()
    stacked = [m.value for m in at.markdown if m.value.startswith("- **") and ":gray[" in m.value]
    (items,) = [v.split("\n- ") for v in stacked if " · `" in v]  # the layer table (the shipped datasets' has no id)
    rows = at.table[0].value.to_dict("records")
    assert len(items) == len(rows) == len(LAYERS)
    for item, row in zip(items, rows, strict=True):
        assert item.lstrip("- ").startswith(f"**{row['Layer']} · {row['Id']}**")
        assert all(cell in item for cell in row.values() if cell)
