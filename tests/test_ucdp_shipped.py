"""The shipped UCDP GED dataset: its build from a slice of the real file, the file in git, the store."""

from __future__ import annotations

import csv
import gzip
import shutil

import pytest

from geo.catalog import DATA_DIR, LAYERS
from geo.filters import IncidentFilter
from geo.loading import gunzip_capped, load_file
from geo.schema import INCIDENTS
from geo.store import open_queries
from geo.store.base import SHIPPED, ReadOnlyDataset
from geo.store.embedded import EmbeddedStore
from geo.store.query import IncidentQuery
from geo.store.shipped import UCDP_FILE, UCDP_NAME, ShippedIncidents
from geo.validation import LayerValidationError
from scripts import build_ucdp_shipped as builder
from tests.conftest import TEST_DATA

SLICE = TEST_DATA / "ucdp" / "conflict_data_pak_slice.csv"
SOURCE = DATA_DIR / "sources" / "conflict_data_pak.csv.gz"
SHIPPED_FILE = DATA_DIR / UCDP_FILE
CITED = "UCDP GED 22.1 (HDX copy)"


def slice_ids() -> list[str]:
    with SLICE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[1:]  # the HXL row is no event
    return [r["id"] for r in rows]


def with_countries(tmp_path, changes: dict[str, tuple[str, str]]):
    """A copy of the slice with the country (name, iso3) of some events changed."""
    with SLICE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    at_country, at_iso = head.index("country"), head.index("iso3")
    for row in rows[2:]:
        if row[0] in changes:
            row[at_country], row[at_iso] = changes[row[0]]
    out = tmp_path / "changed.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return out


def test_the_build_of_a_slice_gives_its_rows_cited_and_reports_the_hxl_row(tmp_path, capsys):
    got = builder.build([SLICE], tmp_path)
    printed = capsys.readouterr().out
    assert "row 2 is an HXL hashtag row (#date+year, #group+name+first" in printed and "skipped" in printed
    ids = slice_ids()
    assert len(ids) == 35 and sorted(got["id"]) == sorted(f"UCDP-{i}" for i in ids)
    assert got["date_start"].is_monotonic_increasing
    assert set(got["dataset"]) == {CITED} and set(got["licence"]) == {"CC BY 4.0 (UCDP)"}
    outlets = [s["outlet"] for srcs in got["sources"] for s in srcs]
    assert all(o.startswith(CITED) and "Sundberg & Melander 2013" in o and "Öberg 2022" in o for o in outlets)
    row = got.set_index("id").loc["UCDP-323260"]  # the Buzi Top killings, 18 April 2019
    assert (row["fatalities_best"], row["admin2"], str(row["date_start"].date())) == (
        14,
        "Gwadar district",
        "2019-04-18",
    )
    assert "source: " in row["sources"][0]["outlet"]  # UCDP's own source stays named


def test_only_pakistan_and_iran_rows_are_kept(tmp_path, capsys):
    changed = with_countries(tmp_path, {"59553": ("Afghanistan", "AFG"), "53325": ("Iran", "IRN")})
    got = builder.build([changed], tmp_path)
    assert "34 rows in Pakistan or Iran kept; 1 rows elsewhere left out" in capsys.readouterr().out
    assert "UCDP-59553" not in set(got["id"])
    assert got.set_index("id").loc["UCDP-53325", "country"] == "IRN"
    assert set(got["country"]) == {"PAK", "IRN"}


def test_the_build_is_idempotent_and_reads_a_gzipped_csv_alike(tmp_path):
    builder.build([SLICE], tmp_path)
    first = (tmp_path / UCDP_FILE).read_bytes()
    packed = tmp_path / "in" / "conflict_data_pak_slice.csv.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(SLICE.read_bytes()))
    builder.build([packed], tmp_path)
    assert (tmp_path / UCDP_FILE).read_bytes() == first
    assert builder.main([str(SLICE), "--out", str(tmp_path)]) == 0
    assert (tmp_path / UCDP_FILE).read_bytes() == first


def test_a_file_with_no_pakistan_or_iran_row_builds_nothing(tmp_path, capsys):
    changed = with_countries(tmp_path, dict.fromkeys(slice_ids(), ("Afghanistan", "AFG")))
    assert builder.main([str(changed), "--out", str(tmp_path)]) == 1
    assert "no row lies in Pakistan or Iran" in capsys.readouterr().err
    assert not (tmp_path / UCDP_FILE).exists()


def test_the_shipped_file_validates_holds_pakistan_and_iran_only_and_cites_its_version():
    gdf, report = load_file(SHIPPED_FILE, INCIDENTS, folder=DATA_DIR)
    assert len(gdf) == 6416 and gdf["id"].is_unique and gdf["id"].str.startswith("UCDP-").all()
    assert set(gdf["country"]) <= {"PAK", "IRN"}
    assert set(gdf["dataset"]) == {CITED}
    assert all(s["outlet"].startswith(CITED) for srcs in gdf["sources"] for s in srcs)
    assert str(gdf["date_start"].min().date()) == "1989-01-25" and str(gdf["date_end"].max().date()) == "2021-12-31"
    assert SHIPPED_FILE.stat().st_size < 1_000_000  # small enough for git
    assert len(report.warnings) == 200  # low/best/high deaths out of order, as UCDP has them


def test_the_shipped_file_is_rebuilt_byte_for_byte_from_its_source(tmp_path):
    builder.build([SOURCE], tmp_path)
    assert (tmp_path / UCDP_FILE).read_bytes() == SHIPPED_FILE.read_bytes()


@pytest.fixture
def store(tmp_path):
    return EmbeddedStore(tmp_path / "workspace")


def test_the_store_lists_and_reads_the_ucdp_dataset_read_only(store):
    infos = {i.name: i for i in store.list()}
    assert list(infos)[:2] == [SHIPPED, UCDP_NAME]
    ucdp = infos[UCDP_NAME]
    assert ucdp.read_only and ucdp.rows == 6416 and ucdp.source.file_name == UCDP_FILE
    assert ucdp.source.licence == "CC BY 4.0 (UCDP)" and "Sundberg" in ucdp.source.attribution
    both = store.read([SHIPPED, UCDP_NAME], columns=["dataset"])
    assert len(both) == infos[SHIPPED].rows + 6416
    balochistan = store.read(UCDP_NAME, IncidentFilter(countries=("PAK",), date_from="2019-01-01"))
    assert len(balochistan) == 433
    engine = open_queries(store, (UCDP_NAME,))
    assert engine.count(IncidentQuery((UCDP_NAME,), IncidentFilter(date_from="2019-01-01"))) == 433
    with pytest.raises(ReadOnlyDataset, match="cannot be removed"):
        store.remove(UCDP_NAME)
    with pytest.raises(ReadOnlyDataset, match="name of a shipped dataset"):
        store.save("ucdp ged (shipped)", store.read(UCDP_NAME), ucdp.source)


def test_a_data_folder_without_the_file_lists_the_curated_events_only(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA_DIR / LAYERS["incidents"].file, folder)
    store = EmbeddedStore(tmp_path / "workspace", shipped=ShippedIncidents(folder))
    assert store.names() == [SHIPPED]


def test_gzip_is_unpacked_within_a_cap_and_damage_is_refused():
    assert gunzip_capped(gzip.compress(b"x" * 1000), "a.gz", cap=1000) == b"x" * 1000
    with pytest.raises(LayerValidationError, match="unpacks to more than"):
        gunzip_capped(gzip.compress(b"\0" * 5000), "bomb.gz", cap=1000)
    with pytest.raises(LayerValidationError, match="cut short"):
        gunzip_capped(gzip.compress(b"x" * 1000)[:-12], "cut.gz", cap=5000)
    with pytest.raises(LayerValidationError, match="not readable gzip"):
        gunzip_capped(b"plain text", "plain.gz")


def test_listing_counts_the_ucdp_file_without_holding_it_and_a_broken_one_lists_empty(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA_DIR / LAYERS["incidents"].file, folder)
    shutil.copy(SHIPPED_FILE, folder)
    store = EmbeddedStore(tmp_path / "workspace", shipped=ShippedIncidents(folder))
    assert store.info(UCDP_NAME).rows == 6416
    reader = store.also_shipped[UCDP_NAME]
    assert not reader._held()  # listed, not parsed: a server that never shows it never holds it
    assert len(store.read(UCDP_NAME, columns=["country"])) == 6416
    assert reader._held()
    cut = gzip.decompress(SHIPPED_FILE.read_bytes())[:100_000]  # a file cut short
    (folder / UCDP_FILE).write_bytes(gzip.compress(cut))
    assert store.info(UCDP_NAME).rows == 0
    with pytest.raises(LayerValidationError, match="not valid JSON"):
        store.read(UCDP_NAME)


def test_an_export_of_ucdp_rows_carries_the_version_licence_and_citation():
    from geo.export import attribution

    gdf, _ = load_file(SHIPPED_FILE, INCIDENTS, folder=DATA_DIR)
    attr = attribution(gdf.iloc[:50], IncidentFilter())
    assert attr["datasets"] == [CITED] and attr["licences"] == ["CC BY 4.0 (UCDP)"]
    assert all(
        "Sundberg & Melander 2013" in o and "Davies, Pettersson & Öberg 2022" in o for o in attr["source_outlets"]
    )
    assert CITED in attr["citation"]


def test_the_names_kept_datasets_may_not_take_are_those_of_the_shipped_ones():
    from geo.store.base import RESERVED
    from geo.store.shipped import SHIPPED_NAMES

    assert {n.casefold() for n in SHIPPED_NAMES[1:]} == RESERVED
