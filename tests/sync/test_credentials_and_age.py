"""The API credentials in geo.settings (environment first, then secrets.toml; never in a repr), the
sidebar's age words, and the command's help."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geo.settings import Settings, read_secrets
from geo.store.base import DatasetInfo, SourceInfo
from geo.sync.age import age_text, ago
from scripts import sync as cli


def test_the_environment_wins_over_secrets_toml_and_no_secret_is_in_the_repr(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('ACLED_USERNAME = "file@x.org"\nACLED_PASSWORD = "file-pw"\nUCDP_TOKEN = "file-tok"\n[auth]\n')
    found = read_secrets([secrets, tmp_path / "missing.toml"])
    conf = Settings.from_env({"ACLED_PASSWORD": "env-pw-42"}, found)
    assert (conf.acled_username, conf.acled_password, conf.ucdp_token) == ("file@x.org", "env-pw-42", "file-tok")
    assert not any(s in repr(conf) for s in ("env-pw-42", "file-tok", "file@x.org"))


def test_a_secrets_file_that_is_not_toml_gives_nothing(tmp_path):
    bad = tmp_path / "secrets.toml"
    bad.write_text("ACLED_PASSWORD = = broken")
    assert read_secrets([bad]) == {}


def _info(fmt: str, at: str) -> DatasetInfo:
    return DatasetInfo(
        "d", SourceInfo("f", "h", fmt, 1, 1, 0), "2026-01-01T00:00:00+00:00", 1, "v", history=({"at": at},)
    )


def test_the_age_says_synced_for_an_api_dataset_and_kept_for_a_file():
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    three_days = (now - timedelta(days=3, hours=2)).isoformat()
    assert age_text(_info("ACLED API", three_days), now) == "synced 3 days ago"
    assert age_text(_info("ACLED", three_days), now) == "kept 3 days ago"
    assert ago(now - timedelta(hours=1), now) == "1 hour ago" and ago(now, now) == "less than a minute ago"
    assert ago(now - timedelta(minutes=5), now) == "5 minutes ago"


def test_the_help_names_both_commands(capsys):
    with pytest.raises(SystemExit) as ended:
        cli.main(["--help"])
    assert ended.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "python -m scripts.sync acled --keep NAME --country Pakistan --country Iran" in text
    assert "{acled,ucdp}" in text
