"""geo._compat.pinned: the version check every shim makes on import."""

from __future__ import annotations

import warnings

import pytest

import geo._compat as compat


@pytest.mark.parametrize(
    ("version", "supported", "inside"),
    [
        ("1.2.0", ">=1.0,<2", True),
        ("1.0", ">=1.0,<2", True),
        ("0.9.9", ">=1.0,<2", False),
        ("2.0.0", ">=1.0,<2", False),
        ("2.0.0rc1", ">=1.0,<2", False),  # a pre-release of the next major is already outside
        ("0.20.0", ">=0.19,<0.21", True),
        ("0.21.0", ">=0.19,<0.21", False),
        ("0.27.4", ">=0.25,<0.28", True),
    ],
)
def test_in_range_compares_release_numbers(version, supported, inside):
    assert compat.in_range(version, supported) is inside


def test_in_range_refuses_a_clause_it_cannot_read():
    with pytest.raises(ValueError, match=r"unsupported clause '~=1\.0'"):
        compat.in_range("1.0", "~=1.0")


def test_another_version_warns_naming_the_shim(monkeypatch):
    monkeypatch.setattr(compat.metadata, "version", lambda name: "2.1.0")
    with pytest.warns(RuntimeWarning, match=r"geopandas 2\.1\.0 is installed; geo\._compat\.geopandas was written"):
        assert compat.pinned("geopandas", ">=1.0,<2", "geo._compat.geopandas") == "2.1.0"


def test_a_version_inside_says_nothing(monkeypatch):
    monkeypatch.setattr(compat.metadata, "version", lambda name: "1.2.0")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compat.pinned("geopandas", ">=1.0,<2", "geo._compat.geopandas") == "1.2.0"


def test_a_package_not_installed_is_none():
    assert compat.pinned("no-such-package-pkir", ">=1,<2", "nothing") is None
