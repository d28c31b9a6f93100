"""geo.empty_result: which filters emptied a result."""

from datetime import date

from geo.empty_result import empty_sentence, emptying_parts
from geo.filters import IncidentFilter, filter_mask


def test_names_the_parts_that_alone_would_bring_incidents_back(layers):
    incidents = layers["incidents"]
    f = IncidentFilter(categories=("diplomatic",), min_fatalities=10)
    assert not filter_mask(incidents, f).any()
    parts = dict(emptying_parts(incidents, f))
    assert parts["the categories"] == int((incidents["fatalities_best"].fillna(0) >= 10).sum()) > 0
    assert parts["the minimum fatalities"] == int((incidents["category"] == "diplomatic").sum()) > 0
    sentence = empty_sentence(incidents, f)
    assert sentence.startswith("No incident matches the categories and the minimum fatalities together")


def test_dates_count_as_one_part_and_no_filter_means_no_data(layers):
    incidents = layers["incidents"]
    f = IncidentFilter(date_from=date(1990, 1, 1), date_to=date(1990, 2, 1))
    assert emptying_parts(incidents, f) == [("the date range", len(incidents))]
    assert empty_sentence(incidents.iloc[0:0], IncidentFilter()) == "There are no incidents in the data."
