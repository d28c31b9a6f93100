"""geo/incidents is the incident table's one home: geo.importers and geo.store stand on it and never
import each other, and the PostGIS migrations give every schema field a column of its SQL type."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.incidents.schema import FIELDS, table_type

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "geo" / "store" / "migrations"
APART = {"geo.importers": "geo.store", "geo.store": "geo.importers", "geo.incidents": ("geo.store", "geo.importers")}


def imported_modules(source: str, package: str) -> set[str]:
    """Every module a Python source imports, at any depth (inside functions too), relative ones resolved
    against package."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def forbidden_imports(package: str, others) -> list[str]:
    """'file: module' for each import in package's files of a module in any of the other packages."""
    others = (others,) if isinstance(others, str) else others
    folder = ROOT.joinpath(*package.split("."))
    bad = []
    for path in sorted(folder.rglob("*.py")):
        own = ".".join(path.relative_to(ROOT).parent.parts)  # the file's own package, for relative imports
        for module in imported_modules(path.read_text(encoding="utf-8"), own):
            if any(_within(module, other) for other in others):
                bad.append(f"{path.relative_to(ROOT)}: {module}")
    return bad


@pytest.mark.parametrize("package", sorted(APART))
def test_importers_and_store_never_import_each_other(package):
    assert forbidden_imports(package, APART[package]) == []


def test_the_scan_finds_each_way_of_importing():
    sources = [
        "from geo.store.base import KEY",
        "import geo.store.engine",
        "from geo import store",
        "def later():\n    from geo.store import open_store\n",
        "from ..store import base",  # relative, from geo.importers
    ]
    for source in sources:
        assert any(_within(m, "geo.store") for m in imported_modules(source, "geo.importers")), source
    assert not any(_within(m, "geo.store") for m in imported_modules("import geo.storefront", "geo.importers"))


def test_loading_one_side_loads_nothing_of_the_other():
    code = (
        "import sys, geo.importers; print(sorted(m for m in sys.modules if m.startswith('geo.store')))\n"
        "for m in [m for m in sys.modules if m.startswith('geo.')]: del sys.modules[m]\n"
        "import geo.store.embedded, geo.store.engine, geo.store.postgis, geo.store.postgis_query, geo.store.imports\n"
        "print(sorted(m for m in sys.modules if m.startswith('geo.importers')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "[]"]


# ---- the migrations against the schema

ENDS_TYPE = re.compile(r"\s+(NOT|NULL|DEFAULT|REFERENCES|PRIMARY|GENERATED|CHECK|UNIQUE|COLLATE)\b", re.I)
CONSTRAINTS = ("PRIMARY", "UNIQUE", "CONSTRAINT", "FOREIGN", "CHECK", "EXCLUDE")
TABLE = r"(?:pkir\.)?incidents"


def _top_level_items(body: str) -> list[str]:
    items, depth, start = [], 0, 0
    for at, ch in enumerate(body):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(body[start:at])
            start = at + 1
    return [*items, body[start:]]


def _column(definition: str) -> tuple[str, str]:
    """(name, type) of one column definition, the type in lower case with single spaces."""
    name, rest = definition.strip().split(None, 1)
    kind = ENDS_TYPE.split(rest, maxsplit=1)[0]
    return name.strip('"'), " ".join(kind.lower().split())


def migrated_columns(texts: list[str]) -> dict[str, str]:
    """The incidents table's columns and their SQL types after these migrations, in order: its CREATE
    TABLE, then each ALTER TABLE's ADD COLUMN, DROP COLUMN and ALTER COLUMN ... TYPE."""
    columns: dict[str, str] = {}
    for text in texts:
        text = re.sub(r"--[^\n]*", "", text)
        for statement in text.split(";"):
            statement = " ".join(statement.split())
            create = re.match(rf"CREATE TABLE (?:IF NOT EXISTS )?{TABLE} \((.*)\)$", statement, re.I)
            if create:
                items = [i for i in _top_level_items(create.group(1)) if i.split()[0].upper() not in CONSTRAINTS]
                columns = dict(map(_column, items))
            alter = re.match(rf"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?{TABLE} (.*)$", statement, re.I)
            for action in _top_level_items(alter.group(1)) if alter else ():
                action = action.strip()
                added = re.match(r"ADD (?:COLUMN )?(?:IF NOT EXISTS )?(.*)$", action, re.I)
                dropped = re.match(r"DROP (?:COLUMN )?(?:IF EXISTS )?(\S+)", action, re.I)
                retyped = re.match(r"ALTER (?:COLUMN )?(\S+) (?:SET DATA )?TYPE (.*?)(?: USING .*)?$", action, re.I)
                if added and added.group(1).split()[0].upper() not in CONSTRAINTS:
                    name, kind = _column(added.group(1))
                    columns[name] = kind
                elif dropped:
                    columns.pop(dropped.group(1).strip('"'), None)
                elif retyped:
                    columns[retyped.group(1).strip('"')] = " ".join(retyped.group(2).lower().split())
    return columns


def mismatches(columns: dict[str, str], fields) -> list[str]:
    """Each schema field without its column of the right type, said in words."""
    out = []
    for name in fields:
        want = table_type(name)
        if name not in columns:
            out.append(f"{name}: no column (want {want})")
        elif columns[name] != want:
            out.append(f"{name}: column is {columns[name]}, want {want}")
    return out


def _migrations() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(MIGRATIONS.glob("*.sql"))]


def test_every_schema_field_has_a_column_of_its_type_in_the_migrations():
    columns = migrated_columns(_migrations())
    assert {"dataset_id", "geometry", "search", "row_hash"} <= set(columns)  # the parse read the table
    assert columns["geometry"] == "geometry(point, 4326)" and columns["actors"] == "jsonb"
    assert mismatches(columns, FIELDS) == []


def test_a_field_without_a_migration_or_of_another_type_is_named():
    columns = migrated_columns(_migrations())
    assert mismatches(columns, [*FIELDS, "fatalities_children"]) == ["fatalities_children: no column (want text)"]
    retyped = migrated_columns([*_migrations(), "ALTER TABLE pkir.incidents ALTER COLUMN injured TYPE text;"])
    assert mismatches(retyped, FIELDS) == ["injured: column is text, want bigint"]


def test_a_later_migration_adding_or_dropping_a_column_counts():
    later = [
        *_migrations(),
        "-- a new field\nALTER TABLE pkir.incidents ADD COLUMN IF NOT EXISTS fatalities_children bigint;",
        "ALTER TABLE incidents DROP COLUMN alt_place;",
    ]
    columns = migrated_columns(later)
    assert columns["fatalities_children"] == "bigint" and "alt_place" not in columns
    assert mismatches(columns, ["alt_place"]) == ["alt_place: no column (want text)"]
