"""Start the dashboard with its data already loaded: `python -m ui.serve [streamlit run options]`.

`streamlit run app.py` imports the libraries and reads the shipped layers when the first reader
arrives. This does both first, in the server's own process,
then starts Streamlit exactly as `streamlit run app.py` would, with the same options: the first
reader then waits no longer than anyone after. The cache filled here is the one the pages use
(ui.data); the incidents are asked for by each page (ui.queries); a layer that cannot be read is
left for the page to report, as always.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import streamlit.logger

from geo.settings import SettingsError, settings

APP = Path(__file__).resolve().parents[1] / "app.py"


def warm() -> float:
    """Import what every page needs and read every shipped layer; seconds taken."""
    t0 = time.perf_counter()
    # no script runs yet: Streamlit's warnings that there is none say nothing here (the
    # command line sets the configured level again when it starts)
    streamlit.logger.set_log_level("ERROR")
    # the libraries the pages import (not streamlit_folium: a component must be declared once
    # Streamlit's runtime exists, or its files answer 404)
    import views.charts
    import views.map.build  # noqa: F401
    from ui import data

    data.load_all()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    """Warm up, then hand over to Streamlit's own command line (`streamlit run app.py ...`)."""
    try:
        settings()
    except SettingsError as exc:  # a bad PKIR_ variable: one line, and no server
        sys.exit(f"not started: {exc}")
    seconds = warm()
    print(f"Data loaded in {seconds:.1f} s; starting Streamlit.", flush=True)
    from streamlit.web import cli

    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
