"""geo.settings: every PKIR_ variable parsed and checked in one place, read once per process."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from geo import settings as configured
from geo.catalog import DATA_DIR, data_dir
from geo.settings import (
    AUTH_HEADER_ENV,
    DATA_DIR_ENV,
    DATABASE_ENV,
    EDITORS_ENV,
    NAMES,
    OFFLINE_ENV,
    WORKSPACE_ENV,
    WRITE_URL_ENV,
    Settings,
    SettingsError,
    settings,
    user_workspace,
)

ROOT = Path(__file__).resolve().parents[1]
URL = "postgresql://reader:read-pw@db.example/pkir"
WRITE_URL = "postgresql://writer:write-pw@db.example/pkir"


def test_nothing_set_is_the_personal_default():
    got = Settings.from_env({})
    assert got == Settings(DATA_DIR, user_workspace())
    assert got.data_dir == DATA_DIR and got.workspace == user_workspace()
    assert got.database_url is None and got.database_write_url is None and not got.team_mode
    assert got.auth_header == "" and got.editors is None and got.offline is False
    assert got.store_location == str(user_workspace())


def test_every_variable_is_read_and_trimmed(tmp_path):
    env = {
        DATA_DIR_ENV: f" {tmp_path / 'data'} ",
        WORKSPACE_ENV: "~/desk-workspace ",
        DATABASE_ENV: f" {URL}\n",
        WRITE_URL_ENV: WRITE_URL,
        AUTH_HEADER_ENV: " X-Forwarded-Email ",
        EDITORS_ENV: "Ana@Desk.Example, sub:entra-77",
        OFFLINE_ENV: " Yes ",
    }
    got = Settings.from_env(env)
    assert got.data_dir == tmp_path / "data"
    assert got.workspace == Path.home() / "desk-workspace"
    assert got.database_url == URL and got.database_write_url == WRITE_URL
    assert got.team_mode and got.store_location == URL
    assert got.auth_header == "X-Forwarded-Email"
    assert got.editors == frozenset({"ana@desk.example", "sub:entra-77"})
    assert got.offline is True


def test_empty_values_count_as_unset():
    got = Settings.from_env(dict.fromkeys(NAMES, "  "))
    assert got == Settings.from_env({})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("   ", None),
        (" , ", frozenset()),  # set but naming nobody: nobody may change data
        ("ana@desk.example,, BO@desk.example ", frozenset({"ana@desk.example", "bo@desk.example"})),
        ("sub:ENTRA-77", frozenset({"sub:ENTRA-77"})),  # subjects are kept exactly
        ("\u212aate@desk.example", frozenset()),  # KELVIN SIGN: NFKC changes it, so it matches nobody
        ("ana@bücher.example, bo@desk.example", frozenset({"bo@desk.example"})),  # a non-ASCII domain
        ("sub:", frozenset()),
    ],
)
def test_editors_are_parsed_as_access_compares_them(raw, expected):
    assert Settings.from_env({EDITORS_ENV: raw}).editors == expected


@pytest.mark.parametrize(("raw", "offline"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)])
def test_offline_values(raw, offline):
    assert Settings.from_env({OFFLINE_ENV: raw}).offline is offline


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({OFFLINE_ENV: "maybe"}, OFFLINE_ENV),
        ({DATABASE_ENV: "mysql://reader:read-pw@db.example/pkir"}, DATABASE_ENV),
        ({DATABASE_ENV: "/srv/folder"}, DATABASE_ENV),
        ({DATABASE_ENV: URL, WRITE_URL_ENV: "http://writer:write-pw@db.example"}, WRITE_URL_ENV),
        ({WRITE_URL_ENV: WRITE_URL}, WRITE_URL_ENV),  # a write URL with nothing to read from
        ({AUTH_HEADER_ENV: "X-Forwarded-Email, X-User"}, AUTH_HEADER_ENV),
        ({AUTH_HEADER_ENV: "X Forwarded Email"}, AUTH_HEADER_ENV),
    ],
)
def test_a_bad_value_is_named_in_one_line_without_its_password(env, named):
    with pytest.raises(SettingsError, match=named) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert "\n" not in message and "pw" not in message


def test_every_bad_variable_is_named_at_once():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({OFFLINE_ENV: "maybe", AUTH_HEADER_ENV: "a b", DATABASE_ENV: "sqlite://x"})
    message = str(raised.value)
    assert all(name in message for name in (OFFLINE_ENV, AUTH_HEADER_ENV, DATABASE_ENV)) and "\n" not in message


def test_the_settings_are_read_once_until_reload(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "first"))
    configured.reload()
    first = settings()
    assert settings() is first and data_dir() == tmp_path / "first"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "second"))  # without a reload: not seen
    assert settings() is first and data_dir() == tmp_path / "first"
    configured.reload()
    assert data_dir() == tmp_path / "second"


def test_the_settings_env_fixture_reads_them_again(settings_env):
    settings_env.setenv(DATABASE_ENV, URL)
    assert settings().team_mode
    settings_env.delenv(DATABASE_ENV)
    assert not settings().team_mode


def test_a_bad_environment_raises_when_the_settings_are_asked_for(monkeypatch):
    monkeypatch.setenv(OFFLINE_ENV, "maybe")
    configured.reload()
    with pytest.raises(SettingsError, match=OFFLINE_ENV):
        settings()
    monkeypatch.setenv(OFFLINE_ENV, "1")
    configured.reload()
    assert settings().offline


# ---------------------------------------------------------------- nobody else reads the environment

SOURCES = ("app.py", "geo", "ui", "pages", "views", "scripts")
ALLOWED = {("ui/shipped_cache.py", "_parse_in_child")}  # passes the environment on to its child process
READERS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(source: str) -> list[tuple[int, str]]:
    """(line, enclosing function) of every use of os.environ / os.getenv (or `from os import` of them)."""
    tree = ast.parse(source)
    found = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if isinstance(child, ast.Attribute) and child.attr in READERS:
                found.append((child.lineno, where))
            elif isinstance(child, ast.ImportFrom) and child.module == "os":
                found.extend((child.lineno, where) for alias in child.names if alias.name in READERS)
            visit(child, inner)

    visit(tree, "")
    return found


def test_the_scan_finds_every_way_of_reading_the_environment():
    assert environment_reads("import os\nx = os.environ.get('PKIR_WORKSPACE')") == [(2, "")]
    assert environment_reads("import os\ndef f():\n    return os.getenv('PKIR_OFFLINE')") == [(3, "f")]
    assert environment_reads("from os import environ\n") == [(1, "")]
    assert environment_reads("import os\nos.path.join('a')\nsettings().offline") == []


def test_only_geo_settings_reads_the_environment():
    files = [ROOT / "app.py"] + [p for top in SOURCES[1:] for p in sorted((ROOT / top).rglob("*.py"))]
    assert len(files) > 50
    reads = []
    for path in files:
        name = path.relative_to(ROOT).as_posix()
        if name == "geo/settings.py":
            continue
        reads += [(name, line, where) for line, where in environment_reads(path.read_text(encoding="utf-8"))]
    assert [r for r in reads if (r[0], r[2]) not in ALLOWED] == []


# ---------------------------------------------------------------- a bad setting at each entry point


@pytest.mark.parametrize("command", ["scripts.import_events", "scripts.export_map", "geo.store.migrations"])
def test_the_commands_refuse_a_bad_setting_in_one_line(command, settings_env, tmp_path, capsys):
    import importlib

    settings_env.setenv(DATABASE_ENV, "mysql://reader:read-pw@db.example/pkir")
    argv = {
        "scripts.import_events": [str(ROOT / "tests" / "data" / "import" / "acled_new.csv"), "--keep", "x"],
        "scripts.export_map": ["--out", str(tmp_path / "map.svg")],
        "geo.store.migrations": [],
    }[command]
    assert importlib.import_module(command).main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert DATABASE_ENV in err and "\n" not in err and "pw" not in err
    assert not (tmp_path / "map.svg").exists()


def test_the_server_does_not_start_with_a_bad_setting(settings_env, monkeypatch):
    import ui.serve

    settings_env.setenv(OFFLINE_ENV, "maybe")
    monkeypatch.setattr(ui.serve, "warm", lambda: pytest.fail("warmed up with a bad setting"))
    with pytest.raises(SystemExit, match=OFFLINE_ENV):
        ui.serve.main([])
