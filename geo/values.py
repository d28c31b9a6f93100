"""What counts as a missing value, written once for every reader of the layers."""

from __future__ import annotations

import math
from typing import TypeGuard, TypeVar

import pandas as pd

_T = TypeVar("_T")


def is_missing(value) -> bool:
    """True for None, NaN, NaT and pd.NA (a scalar that stands for "no value")."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def present(value: _T | None) -> TypeGuard[_T]:
    """False for missing values (is_missing, numpy NaT/NaN too), empty or blank strings and empty collections."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, set, dict)):
        return bool(value)
    if is_missing(value):
        return False
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return True
    return not (isinstance(missing, bool) and missing)
