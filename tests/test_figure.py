"""The published figure (views.figure): what a reader of the PNG, SVG, PDF and brief finds on it."""

import io
import struct
import xml.etree.ElementTree as ET
from datetime import date

import arabic_reshaper
import numpy as np
import pypdf
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo.catalog import DISTRICTS_CREDIT, LAYER_ORDER
from geo.filters import IncidentFilter, apply_filter
from views import figure
from views.figure_fonts import arabic_font_available, font_rc, text_family

SHOWN = (*LAYER_ORDER, "districts")
HOSTILE = "<b>Raid</b> $x^2$ %s {0} **bold** [link](http://evil.example)"


@pytest.fixture(scope="module")
def drawn(layers):
    """The reference layers as the figure reads them."""
    return figure.Layers({k: v for k, v in layers.items() if k != "incidents"})


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped caption lines compare as one."""
    return " ".join(text.split())


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_is_at_least_2000_px_wide(layers, drawn):
    data = figure.render_map(layers["incidents"], SHOWN, "no filters", "2026-11-28", layers=drawn)
    width, height = png_size(data)
    assert width >= 2000 and width == 2400
    assert height > 1000


def test_too_narrow_or_unknown_format_is_refused_in_one_line(layers, drawn):
    with pytest.raises(ValueError, match="at least 2000 px"):
        figure.render_map(layers["incidents"], SHOWN, "", "", width_px=800, layers=drawn)
    with pytest.raises(ValueError, match="unknown figure format 'gif'"):
        figure.render_map(layers["incidents"], SHOWN, "", "", fmt="gif", layers=drawn)


def test_pdf_carries_title_filter_line_data_date_and_attribution(layers, drawn):
    flt = IncidentFilter(date_from=date(2023, 1, 1), categories=("attack",), keyword="police")
    shown = apply_filter(layers["incidents"], flt)
    assert len(shown) > 0
    data = figure.render_map(shown, SHOWN, flt.describe(), "2026-11-28", fmt="pdf", title="Police", layers=drawn)
    text = flat(pdf_text(data))
    assert "Police" in text
    assert flat(flt.describe()) in text
    assert "Data as of 2026-11-28" in text
    assert "Natural Earth" in text
    assert "© OpenStreetMap contributors, ODbL" in text  # districts are drawn
    assert "data compilation CC BY 4.0" in text  # the shipped curated data's citation
    assert "500 km" in text  # the scale bar


def test_svg_is_xml_with_the_title_as_text(layers, drawn):
    data = figure.render_map(layers["incidents"], SHOWN, "no filters", "2026-11-28", fmt="svg", title="Border 2024")
    root = ET.fromstring(data)
    texts = ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Border 2024" in texts


def test_hostile_title_and_filter_come_out_literally(layers, drawn):
    flt = IncidentFilter(keyword=HOSTILE)
    svg = figure.render_map(layers["incidents"].iloc[:3], SHOWN, flt.describe(), "d", fmt="svg", title=HOSTILE)
    texts = ["".join(el.itertext()) for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE in texts
    assert any(HOSTILE in t for t in texts if t.startswith("Filters:"))
    pdf = figure.render_brief(layers["incidents"].iloc[:3], SHOWN, flt.describe(), "d", title=HOSTILE, layers=drawn)
    assert HOSTILE in pdf_text(pdf)


def test_empty_selection_says_so(layers, drawn):
    empty = layers["incidents"].iloc[:0]
    text = pdf_text(figure.render_map(empty, SHOWN, "keyword “zzz”", "d", fmt="pdf", layers=drawn))
    assert figure.EMPTY_TEXT in text
    brief = pdf_text(figure.render_brief(empty, SHOWN, "keyword “zzz”", "d", layers=drawn))
    assert brief.count(figure.EMPTY_TEXT) >= 3  # the map, the headline, the chart, the list


def test_brief_is_one_page_with_headline_chart_and_the_ten_newest_with_sources(layers, drawn):
    inc = layers["incidents"]
    data = figure.render_brief(inc, SHOWN, "no filters (all incidents)", "2026-11-28", layers=drawn)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    text = flat(pdf_text(data))
    assert f"{len(inc)} events" in text
    assert "Events and fatalities per month" in text
    newest = inc.sort_values(["date_start", "id"], ascending=[False, True]).head(10)
    for title in newest["title"]:
        assert flat(str(title))[:30] in text
    assert text.count("Sources:") == 10
    assert "no filters (all incidents)" in text and "Natural Earth" in text


def test_attribution_follows_the_datasets_shown(layers):
    inc = layers["incidents"].iloc[:4].copy()
    base = figure.figure_attributions(inc, LAYER_ORDER, "2026-11-28")
    assert not any("ACLED" in line or "UCDP" in line or "OpenStreetMap" in line for line in base)
    inc["dataset"] = ["ACLED", "UCDP GED 24.1", "My notes", inc["dataset"].iloc[3]]
    inc["licence"] = ["ACLED terms of use (not for redistribution)", "CC BY 4.0 (UCDP)", "CC0", inc["licence"].iloc[3]]
    lines = figure.figure_attributions(inc, SHOWN, "2026-11-28")
    assert f"Source: {figure.ACLED_CREDIT}" in lines
    assert any(line.startswith("UCDP GED 24.1:") and "CC BY 4.0" in line for line in lines)
    assert "My notes: CC0" in lines
    assert DISTRICTS_CREDIT in lines  # the districts layer's own credit, from the catalogue


def test_incidents_are_drawn_as_the_map_draws_them(layers):
    inc = layers["incidents"]
    marks = figure.incident_marks(inc)
    located = inc[inc.geometry.notna() & ~inc.geometry.is_empty]
    assert len(marks) == len(located)
    from views.map.styles import category_colour, fatality_radius, precision_level

    first = located.iloc[0]
    row = marks[(marks["x"] == first.geometry.x) & (marks["y"] == first.geometry.y)].iloc[0]
    assert row["colour"] == category_colour(first["category"])
    assert row["radius"] == fatality_radius([first["fatalities_best"]])[0]
    assert row["level"] == precision_level(first["location_precision"])


def test_scale_bar_is_geodesic():
    """The bar's ends are km apart on the ellipsoid; a degree of longitude shrinks with latitude."""
    from pyproj import Geod

    for lat in (0, 27, 60):
        degrees = figure.scale_bar_degrees(60, lat, 200)
        assert Geod(ellps="WGS84").line_length([60, 60 + degrees], [lat, lat]) == pytest.approx(200_000, rel=1e-3)
    assert figure.scale_bar_degrees(60, 60, 100) == pytest.approx(2 * figure.scale_bar_degrees(60, 0, 100), rel=0.01)


def _pixels(text: str) -> np.ndarray:
    """The text drawn alone, as the figure's fonts draw it: one grey channel."""
    import matplotlib

    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=(3, 1), dpi=100)
        fig.text(0.05, 0.4, text, family=text_family(text), size=20)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., 0].astype(int)


@pytest.mark.parametrize("name", ["زاهدان", "سیب و سوران", "کوئٹہ"])
def test_urdu_and_persian_are_shaped_and_right_to_left(name):
    """Drawn as given, a name looks like its joined letter forms (arabic_reshaper, logical
    order) and unlike its letters kept apart (ZWNJ) or in reversed order."""
    assert arabic_font_available(), "Noto Sans Arabic (Debian fonts-noto-core) is not installed"
    drawn = _pixels(name)
    joined = _pixels(arabic_reshaper.reshape(name))
    apart = _pixels("\u200c".join(name))
    reversed_ = _pixels(name[::-1])
    close = np.abs(drawn - joined).sum()
    assert close < np.abs(drawn - apart).sum() / 3
    assert close < np.abs(drawn - reversed_).sum() / 3


def test_district_local_names_reach_the_svg_as_text(layers):
    svg = figure.render_map(layers["incidents"].iloc[:0], SHOWN, "", "", fmt="svg")
    texts = {"".join(el.itertext()) for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert "زاهدان" in texts and "Zahedan" in texts


def test_the_figure_caption_names_a_near_filter(layers, drawn):
    flt = IncidentFilter(near="crossing:X2", near_km=150)
    shown = apply_filter(layers["incidents"], flt)
    assert 0 < len(shown) < len(layers["incidents"])
    data = figure.render_map(shown, SHOWN, flt.describe(), "2026-11-28", fmt="pdf", layers=drawn)
    assert flat("within 150 km of crossing Gabd – Rimdan") in flat(pdf_text(data))
