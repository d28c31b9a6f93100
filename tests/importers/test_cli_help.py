"""`python -m scripts.import_events --help` says what the command does in whole sentences."""

import pytest

from scripts.import_events import main


def test_help_states_the_purpose_whole_and_shows_the_examples(capsys):
    with pytest.raises(SystemExit) as ended:
        main(["--help"])
    assert ended.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "into a data folder the dashboard can use: PKIR_DATA_DIR=OUT streamlit run app.py" in text
    assert 'python -m scripts.import_events events.csv --keep "ACLED Pakistan"' in text
