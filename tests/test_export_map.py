"""python -m scripts.export_map: the figure from the command line, and one line for a bad option."""

import io
import struct

import pypdf
import pytest

from scripts import export_map


def run(argv, capsys):
    """(exit status, stdout, stderr) of one call."""
    code = export_map.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_png_with_the_sidebar_filters(tmp_path, capsys):
    out = tmp_path / "fig.png"
    code, stdout, err = run(["--out", out, "--from", "2023-01-01", "--category", "attack", "--country", "irn"], capsys)
    assert code == 0, err
    data = out.read_bytes()
    assert struct.unpack(">II", data[16:24])[0] == 2400
    assert "dates 2023-01-01 to …; categories: attack; countries: Iran" in stdout


def test_brief_pdf_names_filter_and_attribution(tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    code, _, err = run(
        ["--out", out, "--brief", "--keyword", "Jaish", "--whole-words", "--title", "$Jaish$ %s"], capsys
    )
    assert code == 0, err
    text = " ".join(pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "$Jaish$ %s" in text
    assert "keyword “Jaish” (whole words)" in text
    assert "Natural Earth" in text and "data compilation CC BY 4.0" in text


def test_near_option_names_the_target_in_the_figure(tmp_path, capsys):
    out = tmp_path / "near.pdf"
    code, stdout, err = run(["--out", out, "--near", "crossings", "--near-km", "50"], capsys)
    assert code == 0, err
    assert "within 50 km of any crossing" in stdout
    text = " ".join(pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "within 50 km of any crossing" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "x.gif"], "--out x.gif: the file must end in .png, .svg or .pdf"),
        (["--out", "x.png", "--brief"], "a brief is a PDF"),
        (["--out", "x.png", "--from", "2024-13-01"], "'2024-13-01' is not a date: give YYYY-MM-DD"),
        (["--out", "x.png", "--from", "2024-02-01", "--to", "2024-01-01"], "--from 2024-02-01 is after --to"),
        (["--out", "x.png", "--category", "picnic"], "unknown category 'picnic'"),
        (["--out", "x.png", "--country", "Pakistan"], "--country 'PAKISTAN' is not an ISO 3166 alpha-3 code"),
        (["--out", "x.png", "--min-fatalities", "-3"], "-3 is negative"),
        (["--out", "x.png", "--layers", "towns,roads"], "unknown layer 'roads'"),
        (["--out", "x.png", "--width", "640"], "at least 2000 px wide"),
        (["--out", "x.png", "--dataset", "no such set"], "no dataset named 'no such set'"),
        (["--out", "x.png", "--near", "nowhere"], "--near 'nowhere' is not a target here"),
        (["--out", "x.png", "--near", "border", "--near-km", "500"], "--near-km 500 is outside 1 to 200"),
        ([], "the following arguments are required: --out"),
    ],
)
def test_bad_option_is_one_line_and_nothing_is_written(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run(argv, capsys)
    assert stdout == ""
    assert code in (1, 2)
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_named(tmp_path, capsys):
    code, _, err = run(["--out", tmp_path / "nope" / "f.png"], capsys)
    assert code == 2 and "does not exist" in err
