#!/usr/bin/env bash
# Install what the tests need, then run every test. This is the README's test command;
# CI (.ci/run) runs exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the browser tests, Noto Sans Arabic for the figures (views.figure_fonts) and
# pdftoppm come from Debian's packages
# (Playwright cannot download its own browsers here).
if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core poppler-utils >/dev/null
fi

# PostgreSQL 15 and PostGIS 3 for the team-mode tests, also from Debian's packages. The tests start
# their own throwaway cluster on a free loopback port (tests/pg_cluster.py) and delete it after;
# the package's default cluster is not used.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql postgresql-15-postgis-3 >/dev/null
fi

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Formatting and lint are part of the test: a file ruff would change or flag fails the run.
python -m ruff format --check --quiet . || { echo "ruff format: run 'ruff format .'" >&2; exit 1; }
python -m ruff check --quiet .
# Types too: mypy checks geo/, views/ and ui/ as pyproject.toml's [tool.mypy] says; a finding fails the run.
python -m mypy

# Chromium is installed above, so a browser test that cannot start it fails rather than skips.
export PKIR_REQUIRE_BROWSER=1
# PostgreSQL and PostGIS too: a team-mode test that finds no server fails rather than skips.
export PKIR_REQUIRE_POSTGIS=1
# pytest exits 5 when it collects no tests, so an empty run fails here too.
python -m pytest "$@"
