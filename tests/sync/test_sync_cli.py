"""python -m scripts.sync from the command line: the report, one line per failure, and no secret
(password, access or refresh token, UCDP token) in its output, any URL, the manifest or a log."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from geo.store.embedded import EmbeddedStore
from scripts import sync as cli
from tests.sync.fake_api import PASSWORD, acled_row, ucdp_row


def secrets_of(api) -> list[str]:
    return [PASSWORD, api.ucdp_token, *api.issued]


def test_an_acled_sync_prints_its_report_and_no_secret_anywhere(workspace, api, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)] + [acled_row(3, 1003, latitude="95")]
    argv = ["acled", "--keep", "ACLED", "--country", "Pakistan", "--country", "Iran", "--api-url", api.url]
    assert cli.main(argv) == 0
    api.acled_rows.append(acled_row(9, 1010))
    assert cli.main(argv) == 0  # the second run refreshes the kept token
    out, err = capsys.readouterr()
    assert "ACLED: 4 row(s) from the ACLED API in 4 request(s); 3 imported, 1 rejected" in out  # sign-in, 3 pages
    assert "rejected: " in out and "PAK9003" in out  # the bad latitude, named by its event_id_cnty
    assert "saved: ACLED: 3 added, 0 changed, 0 removed, 0 unchanged" in out
    assert "ACLED: 2 row(s) from the ACLED API in 4 request(s)" in out  # refresh, 2 pages, deletions (ts >= 1003)
    assert "saved: ACLED: 1 added, 0 changed, 0 removed, 0 unchanged" in out
    assert len(api.issued) == 4  # two sign-ins: two access and two refresh tokens to look for
    where = [out, err, caplog.text, (workspace / "manifest.json").read_text()]
    where += [r["path"] + "?" + r["query"] for r in api.log]
    for secret in secrets_of(api):
        assert not any(secret in text for text in where), secret
    state = workspace / "sync" / "state.json"
    assert api.issued[-1] in state.read_text()  # the refresh token is kept, in a file only this user may read
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state.parent).st_mode) & 0o077 == 0


@pytest.mark.parametrize(
    ("switch", "line"),
    [
        ("no_access", "not synced: this ACLED account has no API access: ask ACLED"),
        ("quota", "not synced: ACLED refused for too many requests (HTTP 429); nothing was changed, try again later"),
        ("down", "not synced: cannot reach http://127.0.0.1:"),
    ],
)
def test_a_failed_sync_exits_1_with_one_line_and_keeps_nothing(workspace, api, capsys, switch, line):
    api.acled_rows = [acled_row(i, 1000 + i) for i in range(3)]
    if switch == "down":
        api.stop()
    else:
        setattr(api, switch, True if switch == "no_access" else -1)
    assert cli.main(["acled", "--keep", "ACLED", "--country", "Pakistan", "--api-url", api.url]) == 1
    out, err = capsys.readouterr()
    problems = [e for e in err.splitlines() if not e.startswith("[")]  # progress lines start with [ n%]
    assert len(problems) == 1 and problems[0].startswith(line), err
    assert PASSWORD not in out + err and "ACLED" not in EmbeddedStore(workspace).names()


def test_a_ucdp_sync_from_the_command_line(workspace, api, capsys, settings_env):
    settings_env.setenv("UCDP_TOKEN", api.ucdp_token)
    api.ucdp_rows["25.1"] = [ucdp_row(i) for i in range(3)]
    argv = ["ucdp", "--keep", "UCDP", "--country", "Pakistan", "--version", "25.1", "--api-url", api.url + "/api"]
    assert cli.main(argv) == 0
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert "UCDP: 3 row(s) from the UCDP API in 2 request(s)" in out
    assert "UCDP: nothing to fetch (GED 25.1 of these countries is kept whole; no request made)" in out
    assert api.ucdp_token not in out + err


def test_credentials_come_from_secrets_toml_when_the_environment_has_none(
    workspace, api, capsys, settings_env, tmp_path, monkeypatch
):
    settings_env.delenv("ACLED_USERNAME")
    settings_env.delenv("ACLED_PASSWORD")
    settings_env.delenv("UCDP_TOKEN", raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f'UCDP_TOKEN = "{api.ucdp_token}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings_env.setenv("PKIR_OFFLINE", "0")  # read the settings again, in this folder
    api.ucdp_rows["25.1"] = [ucdp_row(1)]
    assert cli.main(["ucdp", "--keep", "U", "--country", "770", "--api-url", api.url + "/api"]) == 0
    assert cli.main(["acled", "--keep", "A", "--country", "Pakistan", "--api-url", api.url]) == 1
    assert "ACLED_USERNAME and ACLED_PASSWORD are not set" in capsys.readouterr().err


def test_bad_arguments_exit_2(workspace, capsys):
    assert cli.main(["acled", "--keep", "A", "--country", "Pakistan", "--since", "01/02/2024"]) == 2
    assert cli.main(["acled", "--keep", "A", "--country", "Pakistan", "--api-url", "file:///etc"]) == 2
    assert cli.main(["acled", "--keep", "A", "--country", "Pakistan", "--api-url", "http://example.org"]) == 2
    assert "an API URL must be https://" in capsys.readouterr().err  # no password in clear over a network
    with pytest.raises(SystemExit):
        cli.main(["acled", "--country", "Pakistan"])  # --keep is required
