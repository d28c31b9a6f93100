"""The tooling the test command stands on: the type check fails on a type error, ignores missing
types only for the libraries listed as untyped, and the dependencies are declared once."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11 on (the checks read pyproject.toml)
ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MYPY = PYPROJECT["tool"]["mypy"]


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    """mypy with the project's configuration on one module written to tmp_path."""
    module = tmp_path / "probe.py"
    module.write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(module)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )


def _names(requirements: Path) -> set[str]:
    """The distribution names a requirements file asks for (its own lines, not those it includes)."""
    names = set()
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[<>=!~; ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_the_type_check_fails_on_a_type_error_and_passes_without_one(tmp_path):
    pytest.importorskip("mypy")
    bad = _mypy(tmp_path, 'def half(n: int) -> int:\n    return n // 2\n\n\nhalf("ten")\n')
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert 'Argument 1 to "half" has incompatible type "str"' in bad.stdout
    good = _mypy(tmp_path, "def half(n: int) -> int:\n    return n // 2\n\n\nhalf(10)\n")
    assert good.returncode == 0, good.stdout + good.stderr


def test_missing_types_are_ignored_only_for_the_untyped_libraries_listed(tmp_path):
    pytest.importorskip("mypy")
    assert "ignore_missing_imports" not in MYPY and "ignore_errors" not in MYPY
    assert not any("ignore_errors" in o for o in MYPY["overrides"])
    # a library not on the list that has no types is reported, not silently taken as Any
    unlisted = _mypy(tmp_path, "import xstatic_jquery_not_installed_here\n")
    assert unlisted.returncode == 1
    assert "import-not-found" in unlisted.stdout


@pytest.mark.parametrize(
    "module",
    sorted(m.removesuffix(".*") for o in MYPY["overrides"] if o.get("ignore_missing_imports") for m in o["module"]),
)
def test_each_library_listed_as_untyped_still_ships_no_types(module):
    """When a listed library starts shipping py.typed, it comes off the list (and gets checked)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{module} is listed as untyped but not installed"
    folders = spec.submodule_search_locations or [str(Path(spec.origin).parent)]
    assert not any((Path(f) / "py.typed").exists() for f in folders), f"{module} now ships types: unlist it"


def test_the_type_check_covers_the_library_code():
    assert MYPY["files"] == ["geo", "views", "ui"]
    assert MYPY["python_version"] == "3.11"


def test_the_test_command_runs_the_type_check_after_lint_and_before_the_tests():
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "set -euo pipefail" in lines  # a failing mypy ends the run
    at = {
        cmd: next(i for i, line in enumerate(lines) if line.startswith(cmd))
        for cmd in ("python -m ruff check", "python -m mypy", "python -m pytest")
    }
    assert at["python -m ruff check"] < at["python -m mypy"] < at["python -m pytest"]
    assert lines[at["python -m mypy"]] == "python -m mypy"  # as configured in pyproject.toml, nothing waived


def test_runtime_dependencies_are_declared_once_in_requirements_txt():
    project = PYPROJECT["project"]
    assert "dependencies" not in project and "dependencies" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}
    dev = ROOT / "requirements-dev.txt"
    assert dev.read_text(encoding="utf-8").splitlines()[0] == "-r requirements.txt"
    runtime, tools = _names(ROOT / "requirements.txt"), _names(dev)
    assert "mypy" in tools and {"streamlit", "geopandas", "duckdb"} <= runtime
    assert runtime.isdisjoint(tools), "a package pinned in both files"


def test_the_metadata_reads_the_requirements_file():
    config = pytest.importorskip("setuptools.config.pyprojecttoml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # older setuptools call [tool.setuptools] beta
        expanded = config.read_configuration(ROOT / "pyproject.toml")
    deps = expanded["project"]["dependencies"]
    names = {re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0].lower() for d in deps}
    assert names == _names(ROOT / "requirements.txt")


def _shim_notes() -> dict[str, str]:
    """requirements.txt's pinned requirement -> its "shim:" note."""
    notes = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") and "# shim:" in line:
            requirement, note = line.split("# shim:", 1)
            notes[requirement.strip()] = note
    return notes


def test_each_pin_a_shim_needs_names_the_code_and_the_private_parts_it_uses():
    """requirements.txt's "shim:" notes stay true: the files exist and use each private name given."""
    notes = _shim_notes()
    assert {re.split(r"[<>=]", r, maxsplit=1)[0] for r in notes} >= {
        "geopandas",
        "folium",
        "streamlit-folium",
        "xstatic-leaflet",
    }
    for requirement, note in notes.items():
        assert "<" in requirement, f"{requirement}: a shim needs an upper bound"
        files = re.findall(r"[\w.]+/[\w./]+\.(?:py|js)", note)
        privates = re.findall(r"(?<![\w/])_{1,2}[A-Za-z]\w*", note)
        assert files and privates, requirement
        texts = [(ROOT / f).read_text(encoding="utf-8") for f in files]
        for name in privates:
            assert any(name in text for text in texts), f"{requirement}: {name} is no longer used where it says"


def test_each_shim_pin_is_the_range_its_compat_module_checks():
    """The range a shim pin holds is the one its _compat module (named in the note) warns outside of."""
    for requirement, note in _shim_notes().items():
        name, spec = re.match(r"([\w.-]+)(.*)", requirement).groups()  # type: ignore[union-attr]
        modules = [f for f in re.findall(r"[\w./]+\.py", note) if "/_compat/" in f]
        assert modules, f"{requirement}: the note names no _compat module"
        supported = []
        for path in modules:
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            ranges = module.SUPPORTED if isinstance(module.SUPPORTED, dict) else {name: module.SUPPORTED}
            supported.append(ranges.get(name))
        assert spec in supported, f"{requirement}: {modules} check {supported}"
