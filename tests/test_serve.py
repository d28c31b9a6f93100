"""ui.serve: the launcher reads the shipped layers before Streamlit starts, into the very cache the
pages read from (the incidents are asked of the store by each page)."""

import subprocess
import sys

import ui.data
import ui.serve
from tests.app_helpers import ROOT


def test_warm_fills_the_caches_the_pages_read(monkeypatch):
    ui.data._load.clear()
    assert ui.serve.warm() > 0

    def no_second_read(*args, **kwargs):
        raise AssertionError("read again after the warm-up")

    monkeypatch.setattr(ui.data, "load_layer", no_second_read)
    assert len(ui.data.load("incidents").gdf) > 0
    assert ui.data.load("markets").gdf is not None


def test_warm_does_not_declare_the_map_component_before_streamlit_runs():
    """A component declared before Streamlit's runtime exists is answered 404 in the browser (in
    a fresh process: other tests here import streamlit_folium)."""
    code = "import sys, ui.serve; ui.serve.warm(); print('streamlit_folium' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
