"""CSV exports: a header row and one row per record for each export, spreadsheet formulas
neutralized, filters applied, and rows streamed from the database (not loaded as a list)."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy.orm import Session

from emr_jobs.market import export
from emr_jobs.market.export import export_market, safe_cell
from emr_jobs.market.queries import Filters
from emr_jobs.market.snapshot import take_snapshot
from tests.conftest import run_cli
from tests.market_data import SEEN, add_posting, market_engine

HOSTILE_TITLES = ["=HYPERLINK(\"http://evil\")", "+1-800-RECORDS", "-2+3", "@SUM(A1:A2)", "\tTabbed"]


@pytest.fixture
def engine(sqlite_url):
    engine = market_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        for number, title in enumerate(HOSTILE_TITLES):
            add_posting(session, f"h{number}", title=title, hourly=(20 + number, 22 + number),
                        certs=(("RHIT", "required"),))
        add_posting(session, "tx", state="TX", title="Coder", role="coding", annual=(60000, 70000))
    take_snapshot(engine, date(2026, 11, 1), SEEN)
    yield engine
    engine.dispose()


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+A1", "'+A1"), ("-A1", "'-A1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Medical Records Clerk", "Medical Records Clerk"), (-5.5, -5.5), (None, ""), (date(2026, 1, 2), "2026-01-02"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(("what", "filters", "first_column", "rows"), [
    ("postings", Filters(), "id", 6),
    ("postings", Filters(state="TX"), "id", 1),
    ("summary", Filters(), "snapshot_date", None),
    ("certifications", Filters(), "code", 1),
    ("employers", Filters(), "slug", 1),
    ("trend", Filters(), "snapshot_date", 1),
    ("trend", Filters(state="TX"), "snapshot_date", 1),
])
def test_each_export_has_a_header_and_one_row_per_record(engine, tmp_path, what, filters, first_column, rows):
    path = tmp_path / f"{what}.csv"
    count = export_market(engine, what, path, filters)
    table = read(path)
    assert table[0][0] == first_column and len(table) == count + 1
    if rows is not None:
        assert count == rows
    else:
        assert count > 50


def test_posting_titles_that_look_like_formulas_are_neutralized(engine, tmp_path):
    path = tmp_path / "postings.csv"
    export_market(engine, "postings", path)
    table = read(path)
    titles = [row[table[0].index("title")] for row in table[1:]]
    assert titles[:len(HOSTILE_TITLES)] == ["'" + title for title in HOSTILE_TITLES]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in table[1:] for cell in row)


def test_postings_are_streamed_in_batches(engine, tmp_path, monkeypatch):
    seen_batch_sizes = []
    original = export.stream_rows

    def spy(engine_, query, batch_size=1000):
        seen_batch_sizes.append(batch_size)
        rows = original(engine_, query, batch_size)
        assert not isinstance(rows, list)  # a generator: rows are written as they arrive
        return rows

    monkeypatch.setattr(export, "stream_rows", spy)
    assert export_market(engine, "postings", tmp_path / "p.csv") == 6
    assert seen_batch_sizes == [1000]


def test_cli_export_writes_the_file(engine, sqlite_url, tmp_path):
    out = tmp_path / "certs.csv"
    result = run_cli("--db", sqlite_url, "export", "certifications", "-o", str(out), "--state", "OH")
    assert result.returncode == 0, result.stderr
    assert read(out)[1][:3] == ["RHIT", "Registered Health Information Technician", "5"]
    missing = run_cli("--db", sqlite_url, "export", "postings", "-o", str(tmp_path / "nope" / "x.csv"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
