"""`emr-jobs import jobspy FILE.csv`: a CSV in JobSpy's real column layout (tests/fixtures/jobspy/jobs.csv:
five sites, hourly and yearly pay, JobSpy figures that agree and disagree with the description,
remote and on-site, rows outside the occupation) is filtered, normalized and stored under
jobspy:<site> sources, on SQLite and PostgreSQL; the lifecycle never closes those postings; a file
that is not a JobSpy CSV gets one line and a non-zero exit."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.market.queries import query_stats
from emr_jobs.pipeline.posting import Pay
from emr_jobs.runs.import_jobspy import compare_pay, import_jobspy
from emr_jobs.spiders.jobspy_csv import REQUIRED_COLUMNS, JobSpyError, read_jobspy_csv
from emr_jobs.store.db import upgrade
from emr_jobs.store.models import CrawlRun, Employer, Posting, Source
from emr_jobs.store.writes import close_missing
from tests.conftest import FIXTURES, run_cli

CSV = FIXTURES / "jobspy" / "jobs.csv"

# external id -> source, employer, role, state, city, work mode, schedule, pay min, max, period, annual min, pay check
EXPECTED = {
    "in-7f3a91c2d4e5b601": ("jobspy:indeed", "Mercy Health", "medical_records", "OH", "Toledo", "onsite", "full_time",
                            18.5, 22.0, "hour", 38480.0, "agree"),
    "in-0b8e44f1a9c27d13": ("jobspy:indeed", "Ensemble Health Partners", "coding", "OH", "Cincinnati", "remote",
                            "full_time", 62000.0, 78000.0, "year", 62000.0, "agree"),
    "li-4012877365": ("jobspy:linkedin", "Datavant", "release_of_information", "AZ", "Phoenix", "onsite", "part_time",
                      17.0, 19.0, "hour", 35360.0, "disagree"),
    "li-4015002233": ("jobspy:linkedin", "Intermountain Health", "cdi", "UT", "Salt Lake City", "remote", "full_time",
                      85000.0, 110000.0, "year", 85000.0, "structured_only"),
    "zr-91d0b7e3c6a2": ("jobspy:zip_recruiter", "County of Santa Clara", "him_leadership", "CA", "San Jose", "onsite",
                        "full_time", 135000.0, 165000.0, "year", 135000.0, "agree"),
    "gd-1009384471562": ("jobspy:glassdoor", "Baptist Health", "registry", "KY", "Louisville", "onsite", "full_time",
                         28.0, 34.0, "hour", 58240.0, None),  # no JobSpy figures: the text rules decide
    "go-q9Zr81kLmN2": ("jobspy:google", "Sunrise Senior Living", "medical_records", "VA", "Fairfax", "onsite",
                       "per_diem", None, None, None, None, None),
}
NOT_KEPT = {"li-4013550021": "it", "zr-2c7c9f0a55e1": "clinical", "in-a61d2e0fb3c94877": "revenue_cycle"}


@pytest.fixture
def imported(db_url):
    upgrade(db_url)
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():  # a registry employer that a row names
        session.add(Employer(slug="mercy-health", name="Mercy Health (registry)", employer_type="hospital"))
    result = import_jobspy(CSV, db_url)
    yield engine, result
    engine.dispose()


def test_relevant_rows_are_stored_with_normalized_values(imported):
    engine, result = imported
    assert (result.rows, result.kept, result.inserted) == (10, 7, 7)
    with Session(engine) as session:
        stored = {p.external_id: p for p in session.scalars(select(Posting))}
        assert set(stored) == set(EXPECTED)
        for external_id, expected in EXPECTED.items():
            p = stored[external_id]
            found = (p.source.key, p.employer.name.replace(" (registry)", ""), p.role, p.state, p.city, p.work_mode,
                     p.schedule, p.pay_min, p.pay_max, p.pay_period, p.pay_annual_min, (p.evidence or {}).get("pay_check"))
            assert found == expected, external_id
            assert p.closed_at is None and p.posted_at is not None and p.posted_at.tzinfo is not None
        assert stored["in-7f3a91c2d4e5b601"].url.startswith("https://careers.mercy.com/")  # job_url_direct first
        assert stored["li-4012877365"].evidence["pay_text"].startswith("USD 16.00-17.00 per hour")
        assert {c.certification.code: c.strength for c in stored["zr-91d0b7e3c6a2"].certifications} == {"RHIA": "required"}


def test_a_registry_employer_is_reused_and_new_ones_are_created(imported):
    engine, _ = imported
    with Session(engine) as session:
        mercy = session.scalar(select(Posting).where(Posting.external_id == "in-7f3a91c2d4e5b601")).employer
        assert (mercy.slug, mercy.name) == ("mercy-health", "Mercy Health (registry)")
        county = session.scalar(select(Employer).where(Employer.slug == "county-of-santa-clara"))
        assert county.employer_type == "government"


def test_sources_and_crawl_runs_record_the_import(imported):
    engine, _ = imported
    with Session(engine) as session:
        sources = {s.key: s for s in session.scalars(select(Source).where(Source.platform == "jobspy"))}
        assert set(sources) == {"jobspy:indeed", "jobspy:linkedin", "jobspy:zip_recruiter", "jobspy:glassdoor",
                                "jobspy:google"}
        assert not any(s.enabled for s in sources.values())
        runs = {run.source_id: run for run in session.scalars(select(CrawlRun))}
        linkedin = runs[sources["jobspy:linkedin"].id]
        assert (linkedin.status, linkedin.items_seen, linkedin.items_kept, linkedin.items_filtered) == ("ok", 3, 2, 1)
        assert linkedin.stats["source"]["filtered"] == {"it": 1}
        assert linkedin.stats["source"]["pay_check"] == {"disagree": 1, "structured_only": 1}


def test_imported_postings_appear_in_stats(imported):
    engine, _ = imported
    with Session(engine) as session:
        by_state = {row["group"]: row["postings"] for row in query_stats(session, "state")}
    assert by_state == {"OH": 2, "AZ": 1, "UT": 1, "CA": 1, "KY": 1, "VA": 1}


def test_a_second_import_updates_in_place(imported, db_url):
    engine, _ = imported
    again = import_jobspy(CSV, db_url)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7)
    with Session(engine) as session:
        assert len(session.scalars(select(Posting)).all()) == 7


def test_the_lifecycle_never_closes_imported_postings(imported):
    engine, _ = imported
    later = datetime.now(UTC) + timedelta(days=30)
    with Session(engine) as session, session.begin():
        for source in session.scalars(select(Source).where(Source.platform == "jobspy")):
            assert close_missing(session, source.id, later) == 0
    with Session(engine) as session:
        assert all(p.closed_at is None for p in session.scalars(select(Posting)))


def test_the_report_shows_imported_postings(imported, tmp_path):
    from emr_jobs.report.html import write_report

    engine, _ = imported
    html = write_report(engine, tmp_path / "out").read_text(encoding="utf-8")
    assert "Datavant" in html and "Clinical documentation integrity (CDI)" in html


def test_rows_are_read_in_jobspy_layout():
    rows = list(read_jobspy_csv(CSV))
    assert len(rows) == 10 and {row.site for row in rows} == {"indeed", "linkedin", "zip_recruiter", "glassdoor",
                                                              "google"}
    mercy = rows[0].raw
    assert mercy["pay_ranges"] == [{"min": 18.5, "max": 22.0, "currency": "USD", "interval": "hour"}]
    assert mercy["remote"] is None and rows[1].raw["remote"] is True
    assert mercy["posted_at"] == datetime(2026, 11, 20, tzinfo=UTC) and mercy["employment_type"] == "fulltime"
    assert '"STAT" requests first' in mercy["description"]


@pytest.mark.parametrize(("structured", "text", "check"), [
    (Pay(18.5, 22.0, "hour", "USD", "", "structured"), Pay(18.5, 22.0, "hour", "USD", "", "text"), "agree"),
    (Pay(62000, 78000, "year", "USD", "", "structured"), Pay(30, 37.5, "hour", "USD", "", "text"), "agree"),
    (Pay(17, 19, "hour", "USD", "", "structured"), Pay(16, 17, "hour", "USD", "", "text"), "disagree"),
    (Pay(17, None, "hour", "USD", "", "structured"), Pay(17, 19, "hour", "USD", "", "text"), "disagree"),
    (Pay(50000, 60000, "year", "USD", "", "structured"), Pay(50000, 60000, "year", "CAD", "", "text"), "disagree"),
    (Pay(17, 19, "hour", "USD", "", "structured"), None, "structured_only"),
    (None, Pay(17, 19, "hour", "USD", "", "text"), "text_only"),
    (None, None, "none"),
])
def test_structured_and_text_pay_are_compared(structured, text, check):
    assert compare_pay(structured, text) == check


def _write(path, header, rows=()):
    with open(path, "w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_missing_columns_are_named(tmp_path):
    header = [c for c in REQUIRED_COLUMNS if c not in ("min_amount", "interval")]
    with pytest.raises(JobSpyError, match="missing columns interval, min_amount"):
        list(read_jobspy_csv(_write(tmp_path / "short.csv", header)))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.csv", "id,site,title\nx,indeed,Coder\n", "is not a JobSpy CSV: missing columns job_url, company"),
    ("latin1.csv", None, "is not UTF-8 text"),
    ("empty.csv", "", "is not a JobSpy CSV: missing columns site"),
])
def test_a_bad_csv_gets_one_line_and_a_non_zero_exit(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:  # JobSpy's header, then a row in Latin-1 ("Señor" with 0xf1)
        path.write_bytes(CSV.read_bytes().split(b"\n", 1)[0] + b"\n" + '"Se\xf1or"'.encode("latin-1") + b"\n")
    else:
        path.write_text(content, encoding="utf-8")
    result = run_cli("--db", f"sqlite:///{tmp_path / 'x.db'}", "import", "jobspy", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""


def test_a_missing_file_is_a_failure_in_one_line(tmp_path):
    result = run_cli("--db", f"sqlite:///{tmp_path / 'x.db'}", "import", "jobspy", str(tmp_path / "nope.csv"))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_cli_import_prints_one_line_per_source_and_a_summary(tmp_path):
    result = run_cli("--db", f"sqlite:///{tmp_path / 'cli.db'}", "import", "jobspy", str(CSV))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "Imported 7 of 10 rows from jobs.csv into 5 sources (7 new, 0 updated, 0 unchanged)"
    assert "jobspy:linkedin: 3 rows, 2 kept, 1 not in the occupation (it 1); pay: disagree 1, structured_only 1" in lines
