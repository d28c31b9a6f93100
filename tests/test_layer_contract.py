"""A layer is four pieces: its data file, its schema, one catalogue entry and its README section.

layer_problems() names every missing piece; the shipped catalogue has none. A fake line layer
("roads"), added with only a data file, a schema, a catalogue entry and a README section (in a
throwaway data folder, PKIR_DATA_DIR), is drawn on the border map and the figure, listed in the
legend and the sidebar's toggles, and opens its declared record, with no other file edited.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

import geo.schema as s
from geo.catalog import DATA_DIR, LAYERS, LEGEND_GROUPS, Layer, border_map_layers, legend_layers
from geo.catalog import Drawing as LayerDrawing
from geo.loading import load_layer
from geo.records import LAYOUTS, build_record

KINDS = {"polygon": s.POLYGONS, "line": s.LINES, "point": ("Point",)}
SYMBOLS = ("square", "diamond", "dot")


def readme_title(layer: Layer) -> str:
    """How geo/data/README.md titles a layer's section."""
    return f"## {layer.id} — {layer.title}"


def _declared_schema(schema) -> bool:
    return any(value is schema for value in vars(s).values())


def missing_pieces(layer: Layer, folder: Path, readme: set[str]) -> list[str]:
    """The pieces one layer lacks (see layer_problems)."""
    miss = []
    if not layer.title.strip() or not layer.description.strip():
        miss.append("no title or description in its catalogue entry")
    if layer.kind not in KINDS:
        miss.append(f"kind {layer.kind!r} is not one of {', '.join(KINDS)}")
    if not (folder / layer.file).is_file():
        miss.append(f"no data file {layer.file} in {folder.name}/")
    if not isinstance(layer.schema, s.LayerSchema) or not _declared_schema(layer.schema):
        miss.append("its schema is not declared in geo/schema.py")
    elif layer.kind in KINDS and not set(layer.schema.geometry_types) <= set(KINDS[layer.kind]):
        miss.append(f"its schema's geometry types {layer.schema.geometry_types} do not fit kind {layer.kind!r}")
    if readme_title(layer) not in readme:
        miss.append(f"no section titled {readme_title(layer)!r} in the data README")
    if not isinstance(layer.z, int) or isinstance(layer.z, bool):
        miss.append("no drawing order (z) in its catalogue entry")
    if layer.record and layer.record not in LAYOUTS:
        miss.append(f"record layout {layer.record!r} is not one of geo.records.LAYOUTS")
    if layer.legend_group is not None and layer.legend_group not in LEGEND_GROUPS:
        miss.append(f"legend group {layer.legend_group!r} is not one of {', '.join(LEGEND_GROUPS)}")
    if layer.legend_group is not None and not layer.on_border_map:
        miss.append("a legend group but not on the border map (the legend would not list it)")
    if not layer.on_border_map or layer.incidents:
        return miss
    if layer.drawing.interactive and not layer.record:
        miss.append("drawn and clickable but no record layout in its catalogue entry")
    if layer.kind in ("line", "point") and (layer.legend_group is None or not layer.drawing.legend):
        miss.append("drawn but no legend group or legend text in its catalogue entry")
    if layer.kind == "point" and layer.drawing.symbol not in SYMBOLS:
        miss.append(f"a drawn point layer needs a symbol ({', '.join(SYMBOLS)})")
    return miss


def layer_problems(layers: Mapping[str, Layer], folder: Path) -> list[str]:
    """Every piece a catalogue's layers lack, one line each naming the layer and the piece;
    folder holds the data files and the README.md describing them."""
    readme_path = folder / "README.md"
    readme = set(readme_path.read_text(encoding="utf-8").splitlines()) if readme_path.is_file() else set()
    problems: list[str] = []
    zs: dict[int, str] = {}
    for key, layer in layers.items():
        pieces = missing_pieces(layer, folder, readme)
        if layer.id != key:
            pieces.append(f"catalogue key differs from its id {layer.id!r}")
        if layer.on_border_map and layer.z in zs:
            pieces.append(f"drawing order z={layer.z} is also {zs[layer.z]}'s")
        elif layer.on_border_map:
            zs[layer.z] = key
        problems += [f"{key}: {piece}" for piece in pieces]
    frames = [key for key, layer in layers.items() if layer.frame]
    if len(frames) != 1:
        problems.append(f"catalogue: {len(frames)} layers frame the maps ({', '.join(frames) or 'none'}); one must")
    return problems


def test_the_shipped_layers_have_every_piece():
    assert layer_problems(LAYERS, DATA_DIR) == []


def test_derived_lists_follow_the_catalogue():
    assert border_map_layers() == (
        "countries",
        "provinces",
        "border",
        "power_line",
        "pipeline",
        "towns",
        "incidents",
        "markets",
        "crossings",
    )
    assert legend_layers("line") == ("pipeline", "power_line", "border")
    assert legend_layers("place") == ("markets", "crossings", "towns")


def test_one_layer_frames_the_maps():
    assert layer_problems(_broken("provinces", frame=False), DATA_DIR) == [
        "catalogue: 0 layers frame the maps (none); one must"
    ]
    assert layer_problems(_broken("countries", frame=True), DATA_DIR) == [
        "catalogue: 2 layers frame the maps (countries, provinces); one must"
    ]


def _broken(layer_id: str, **changes) -> dict[str, Layer]:
    return {**LAYERS, layer_id: dataclasses.replace(LAYERS[layer_id], **changes)}


UNDECLARED = s.LayerSchema(s.TOWNS.fields, s.TOWNS.geometry_types)  # equal to TOWNS, but not declared there


@pytest.mark.parametrize(
    ("layers", "named"),
    [
        (_broken("towns", schema=UNDECLARED), "towns: its schema is not declared in geo/schema.py"),
        (_broken("towns", schema=s.PIPELINE), "towns: its schema's geometry types"),
        (_broken("towns", file="villages.geojson"), "towns: no data file villages.geojson"),
        (_broken("towns", title="Towns and villages"), "towns: no section titled '## towns — Towns and villages'"),
        (_broken("pipeline", legend_group=None), "pipeline: drawn but no legend group"),
        (_broken("markets", record=""), "markets: drawn and clickable but no record layout"),
        (_broken("markets", record="bazaar"), "markets: record layout 'bazaar'"),
        (_broken("crossings", z=LAYERS["markets"].z), "crossings: drawing order z=12 is also markets's"),
        (_broken("districts", legend_group="place"), "districts: a legend group but not on the border map"),
        (_broken("towns", drawing=LayerDrawing(None, legend="town")), "towns: a drawn point layer needs a symbol"),
        (_broken("border", description=" "), "border: no title or description"),
    ],
)
def test_a_missing_piece_is_named(layers, named):
    problems = layer_problems(layers, DATA_DIR)
    assert any(p.startswith(named) for p in problems), problems


def test_a_missing_readme_section_is_named(tmp_path):
    for path in DATA_DIR.glob("*.geojson"):
        (tmp_path / path.name).symlink_to(path)
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(text.replace(readme_title(LAYERS["power_line"]), "## power line"), "utf-8")
    assert layer_problems(LAYERS, tmp_path) == [
        "power_line: no section titled '## power_line — Power line' in the data README"
    ]


# --- a fake line layer, "roads", in the four pieces only ------------------------------------

ROADS_FILE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "id": "R1",
                "name": "Makran Coastal Highway",
                "surface": "paved",
                "location_precision": "indicative",
                "location_note": None,
                "sources": [{"outlet": "Example", "url": "https://example.org/roads/r1", "date": None}],
            },
            "geometry": {"type": "LineString", "coordinates": [[62.33, 25.13], [63.47, 25.27], [64.65, 25.35]]},
        }
    ],
}
ROADS_README = """
## roads — Roads

- **Source:** a test fixture.
"""


@pytest.fixture
def roads(tmp_path, settings_env, monkeypatch) -> Path:
    """A data folder (PKIR_DATA_DIR) with the shipped files, roads.geojson and a README section,
    a ROADS schema in geo.schema and one catalogue entry: nothing else is changed."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "roads.geojson").write_text(json.dumps(ROADS_FILE), encoding="utf-8")
    with (folder / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(ROADS_README)
    fields = (
        s.Field("id"),
        s.Field("name"),
        s.Field("surface", nullable=True),
        s.Field("location_precision", choices=s.LOCATION_PRECISION),
        s.Field("location_note", nullable=True),
        s.Field("sources", "sources"),
    )
    monkeypatch.setattr(s, "ROADS", s.LayerSchema(fields, s.LINES), raising=False)
    road = Layer(
        "roads",
        "roads.geojson",
        "Roads",
        s.ROADS,  # type: ignore[attr-defined]  # added just above
        "line",
        "Main roads (a test fixture)",
        {"color": "#555555", "weight": 2},
        drawing=LayerDrawing(tooltip="road · {surface}", legend="main road"),
        z=5,  # above the provinces, under the border
        legend_group="line",
        legend_rank=4,
        record="generic",
    )
    monkeypatch.setitem(LAYERS, "roads", road)
    settings_env.setenv("PKIR_DATA_DIR", str(folder))
    return folder


def test_a_new_line_layer_keeps_the_contract_and_is_drawn(roads):
    from matplotlib.figure import Figure

    from views.figure import Layers, draw_map
    from views.map.build import build_map
    from views.map.legend import legend_html

    assert layer_problems(LAYERS, roads) == []
    assert border_map_layers().index("roads") == border_map_layers().index("border") - 1
    gdf = load_layer("roads")[0]
    built = build_map({"provinces": load_layer("provinces")[0], "roads": gdf, "border": load_layer("border")[0]})
    assert built.summary["visible"] == ["provinces", "roads", "border"] and built.summary["layers"]["roads"] == 1
    assert [g.layer_name for g in built.groups][:3] == ["Provinces", "Roads", LAYERS["border"].title]
    lines = re.search(r"<h4>Lines</h4>(.*?)<h4>", legend_html()).group(1)
    assert lines.index("gas pipeline") < lines.index("Pakistan–Iran border") < lines.index("main road")
    ax = Figure().add_subplot()
    draw_map(ax, None, Layers({"border": load_layer("border")[0], "roads": gdf}), ["border", "roads"])
    assert sorted({c.get_zorder() for c in ax.collections}) == [LAYERS["roads"].z, LAYERS["border"].z]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["main road", "Pakistan–Iran border"]


def test_a_new_layers_record_opens_with_its_declared_layout(roads):
    props = {**ROADS_FILE["features"][0]["properties"], "dataset": "test"}
    record = build_record("roads", props)
    assert record.title == "Makran Coastal Highway"
    expected = [row.label for fn in LAYOUTS["generic"] for row in fn({**props, "_border_km": None})]
    assert [row.label for row in record.rows] == expected and "Location precision" in expected


@pytest.mark.app
def test_a_new_layer_is_toggled_drawn_and_opened_on_the_map_page(roads, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app.map_spy import MapSpy
    from tests.app_helpers import ROOT

    spy = MapSpy(monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    toggles = [cb.label for cb in at.sidebar.checkbox if cb.key.startswith("map_layer_")]
    assert toggles == [LAYERS[i].title for i in border_map_layers()] and "Roads" in toggles
    assert "roads" in spy.last["visible"] and spy.last["layers"]["roads"] == 1
    spy.click("roads", "R1", lat=25.27, lng=63.47)
    at.run()
    panel = "\n".join(m.value for m in at.get("html") if "pkir-record" in m.value)
    assert "Makran Coastal Highway" in panel and "Location precision" in panel
    at.checkbox(key="map_layer_roads").uncheck().run()
    assert "roads" not in spy.last["visible"]
