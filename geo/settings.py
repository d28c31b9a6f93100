"""The process's settings, read once from the environment into one object (README names each).

    from geo.settings import settings
    settings().data_dir, settings().team_mode

Every PKIR_ variable is parsed and checked here, and only here; a bad value raises SettingsError
with one line naming the variable. Tests that change the environment call reload() after it
(tests/conftest.py's settings_env fixture does), so the next settings() reads it again.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: secrets.toml is not read for credentials (set the environment variables)
    tomllib = None

DATA_DIR_ENV = "PKIR_DATA_DIR"
WORKSPACE_ENV = "PKIR_WORKSPACE"
DATABASE_ENV = "PKIR_DATABASE_URL"
WRITE_URL_ENV = "PKIR_DATABASE_WRITE_URL"
AUTH_HEADER_ENV = "PKIR_AUTH_HEADER"
EDITORS_ENV = "PKIR_EDITORS"
OFFLINE_ENV = "PKIR_OFFLINE"
MAP_POINT_LIMIT_ENV = "PKIR_MAP_POINT_LIMIT"  # for tests: a lower limit above which the map draws cells
NAMES = (
    DATA_DIR_ENV,
    WORKSPACE_ENV,
    DATABASE_ENV,
    WRITE_URL_ENV,
    AUTH_HEADER_ENV,
    EDITORS_ENV,
    OFFLINE_ENV,
    MAP_POINT_LIMIT_ENV,
)
# the API syncs' credentials (geo.sync): from the environment, else from .streamlit/secrets.toml
ACLED_USERNAME_ENV = "ACLED_USERNAME"
ACLED_PASSWORD_ENV = "ACLED_PASSWORD"
UCDP_TOKEN_ENV = "UCDP_TOKEN"
CREDENTIALS = (ACLED_USERNAME_ENV, ACLED_PASSWORD_ENV, UCDP_TOKEN_ENV)
SECRETS_FILES = (Path(".streamlit") / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml")

SHIPPED_DATA = Path(__file__).resolve().parent / "data"  # the layers in git (geo/data)
APP_NAME = "pkir-dashboard"  # the workspace's folder in the user's data directory
DATABASE_SCHEMES = ("postgresql://", "postgres://", "postgresql+")
SUBJECT = "sub:"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP field name (RFC 9110 token)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class SettingsError(ValueError):
    """A PKIR_ variable holds a value this app cannot use (the message names it, in one line)."""


def canonical(name: str) -> str | None:
    """The form identities are compared in, or None when it must match nobody: not NFKC-stable
    (U+212A KELVIN SIGN would become K), or an e-mail with a non-ASCII domain. ``sub:`` subjects
    are compared exactly."""
    name = name.strip()
    if name.startswith(SUBJECT):
        return name if len(name) > len(SUBJECT) else None
    if not name or not unicodedata.is_normalized("NFKC", name):
        return None
    _, at, domain = name.rpartition("@")
    if at and not domain.isascii():
        return None
    return name.translate(_ASCII_LOWER)


def read_secrets(paths=SECRETS_FILES) -> dict[str, str]:
    """The API credentials written at the top of .streamlit/secrets.toml (this folder's, then the
    user's); a file missing, unreadable or not TOML gives nothing (Streamlit reports a bad one)."""
    found: dict[str, str] = {}
    for path in paths if tomllib is not None else ():
        try:
            doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeError, tomllib.TOMLDecodeError):
            continue
        for name in CREDENTIALS:
            value = doc.get(name)
            if isinstance(value, str) and value.strip() and name not in found:
                found[name] = value.strip()
    return found


def user_workspace() -> Path:
    """The workspace without PKIR_WORKSPACE: this app's folder in the user's data directory."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def parse_editors(raw: str) -> frozenset[str] | None:
    """PKIR_EDITORS: None when unset or empty (every signed-in user may change data), else the
    canonical names it lists (comma-separated; one that matches nobody is dropped, so " , " is
    the empty set: nobody may)."""
    if not raw.strip():
        return None
    return frozenset(c for part in raw.split(",") if (c := canonical(part)) is not None)


@dataclass(frozen=True)
class Settings:
    """What the environment configures: where data lives, team mode, who may change data, offline."""

    data_dir: Path = SHIPPED_DATA  # the layer files (PKIR_DATA_DIR)
    workspace: Path = field(default_factory=user_workspace)  # kept datasets (PKIR_WORKSPACE)
    database_url: str | None = None  # team mode's PostGIS (PKIR_DATABASE_URL)
    database_write_url: str | None = None  # keeps and removals go here when set (PKIR_DATABASE_WRITE_URL)
    auth_header: str = ""  # the sign-in proxy's header (PKIR_AUTH_HEADER)
    editors: frozenset[str] | None = None  # who may change data (PKIR_EDITORS), None: every signed-in user
    offline: bool = False  # the offline drawing is the default basemap (PKIR_OFFLINE)
    # the API syncs' credentials (ACLED_USERNAME, ACLED_PASSWORD, UCDP_TOKEN): never shown in a repr
    acled_username: str = field(default="", repr=False)
    acled_password: str = field(default="", repr=False)
    ucdp_token: str = field(default="", repr=False)
    map_point_limit: int | None = None  # None: ui.queries.MAP_POINT_LIMIT (PKIR_MAP_POINT_LIMIT, for tests)

    @property
    def team_mode(self) -> bool:
        """True when the app runs on a shared database (a database URL is set)."""
        return bool(self.database_url)

    @property
    def store_location(self) -> str:
        """Where kept datasets are: the database URL in team mode, else the workspace folder."""
        return self.database_url or str(self.workspace)

    @classmethod
    def from_env(cls, env: Mapping[str, str], secrets: Mapping[str, str] | None = None) -> Settings:
        """Parse and check every variable; SettingsError names each bad one, on one line.

        secrets: credentials from secrets.toml, used for those the environment does not set.
        """
        problems: list[str] = []
        secrets = secrets or {}

        def text(name: str) -> str:
            return str(env.get(name) or "").strip()

        def url(name: str) -> str | None:
            value = text(name)
            if value and not value.startswith(DATABASE_SCHEMES):
                # the value is not repeated: a URL may hold a password
                problems.append(f"{name} must be a postgresql:// URL (unset it to keep datasets in the workspace)")
            return value or None

        database_url, write_url = url(DATABASE_ENV), url(WRITE_URL_ENV)
        if write_url and not text(DATABASE_ENV):
            problems.append(f"{WRITE_URL_ENV} is set but {DATABASE_ENV} is not: set both (team mode) or neither")
        header = text(AUTH_HEADER_ENV)
        if header and not _HEADER_NAME.fullmatch(header):
            problems.append(f"{AUTH_HEADER_ENV} must be one HTTP header name such as X-Forwarded-Email, not {header!r}")
        offline = text(OFFLINE_ENV).lower()
        if offline not in _TRUE + _FALSE:
            problems.append(f"{OFFLINE_ENV} must be 1 or 0 (true/false, yes/no, on/off), not {offline!r}")
        limit = text(MAP_POINT_LIMIT_ENV)
        if limit and not (limit.isascii() and limit.isdigit() and int(limit) > 0):
            problems.append(f"{MAP_POINT_LIMIT_ENV} must be a whole number above 0, not {limit!r}")
        if problems:
            raise SettingsError("; ".join(problems))
        workspace = text(WORKSPACE_ENV)
        return cls(
            data_dir=Path(text(DATA_DIR_ENV)) if text(DATA_DIR_ENV) else SHIPPED_DATA,
            workspace=Path(workspace).expanduser() if workspace else user_workspace(),
            database_url=database_url,
            database_write_url=write_url,
            auth_header=header,
            editors=parse_editors(str(env.get(EDITORS_ENV) or "")),
            offline=offline in _TRUE,
            acled_username=text(ACLED_USERNAME_ENV) or secrets.get(ACLED_USERNAME_ENV, ""),
            acled_password=str(env.get(ACLED_PASSWORD_ENV) or "") or secrets.get(ACLED_PASSWORD_ENV, ""),
            ucdp_token=text(UCDP_TOKEN_ENV) or secrets.get(UCDP_TOKEN_ENV, ""),
            map_point_limit=int(limit) if limit else None,
        )


_current: Settings | None = None
_LOCK = threading.Lock()


def settings() -> Settings:
    """This process's settings, read from the environment the first time they are asked for."""
    global _current
    current = _current
    if current is not None:
        return current
    with _LOCK:
        if _current is None:
            _current = Settings.from_env(os.environ, read_secrets())
        return _current


def reload() -> None:
    """Forget the settings read: the next settings() reads the environment again (for tests)."""
    global _current
    with _LOCK:
        _current = None
