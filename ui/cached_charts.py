"""The pages' charts, built once per data they draw (a rerun for a click does not build them again).

Keyed by the small frames a chart draws (a store's aggregate, the chart's few thousand events),
so every session asking the same figures shares one chart; Streamlit does not change a chart it draws.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views import charts


@st.cache_resource(show_spinner=False, max_entries=16)
def monthly_chart(months: pd.DataFrame, country_names: dict[str, str]):
    """views.charts.monthly_chart."""
    return charts.monthly_chart(months, country_names)


@st.cache_resource(show_spinner=False, max_entries=16)
def chronology_chart(drawn: pd.DataFrame, density: pd.DataFrame | None):
    """views.charts.chronology_chart of the events drawn, selectable by event."""
    return charts.chronology_chart(drawn, selection_name="event", density=density)
