"""Shims over other libraries' private parts, one module per library (issue 26).

Each shim names the version range it was written for (the same range as its pin in
requirements.txt, tests/test_tooling.py checks both agree) and warns when another version is
installed: the private parts it uses may have changed there.
"""

from __future__ import annotations

import re
import warnings
from importlib import metadata


def _release(version: str) -> tuple[int, ...]:
    """The numeric release of a version string ("1.2.0rc1" -> (1, 2, 0))."""
    found = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(p) for p in found.group(0).split(".")) if found else ()


def in_range(version: str, supported: str) -> bool:
    """Whether version meets every clause of supported (">=a", "<b", comma-separated)."""
    have = _release(version)
    for clause in (c.strip() for c in supported.split(",")):
        if clause.startswith(">="):
            ok = have >= _release(clause[2:])
        elif clause.startswith("<"):
            ok = have < _release(clause[1:])
        else:
            raise ValueError(f"unsupported clause {clause!r} in {supported!r}")
        if not ok:
            return False
    return True


def pinned(distribution: str, supported: str, shim: str) -> str | None:
    """The installed version of distribution (None: not installed); a RuntimeWarning naming shim
    when it lies outside supported."""
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    if not in_range(version, supported):
        warnings.warn(
            f"{distribution} {version} is installed; {shim} was written for {distribution}{supported} "
            "and uses its private parts: run its tests (tests/compat) before trusting it",
            RuntimeWarning,
            stacklevel=2,
        )
    return version
