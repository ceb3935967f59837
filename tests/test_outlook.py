"""The career fields in SQL (issue 11) on SQLite and PostgreSQL: stored through the store, exported,
`stats --by entry-level|education|schedule`, the `outlook` figures with their n and the too-few
marking, the CLI and the report's outlook section."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from emr_jobs.cli.main import main
from emr_jobs.market.export import export_market
from emr_jobs.market.outlook import MIN_CELL, outlook
from emr_jobs.market.queries import Filters, query_stats
from emr_jobs.pipeline.posting import NormalizedPosting
from emr_jobs.report.html import write_report
from emr_jobs.store import writes as store
from emr_jobs.store.models import Posting
from tests.market_data import SEEN, add_posting, market_engine


@pytest.fixture
def engine(db_url):
    """Six entry-level records jobs in OH, five experienced coding jobs in TX, one closed, one in FL."""
    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        for i in range(6):
            add_posting(session, f"rec{i}", hourly=(18 + i, 20 + i), entry_level=True, education_min="high_school",
                        experience_years_min=0.0 if i < 4 else 0.5, schedule="full_time" if i < 5 else "part_time",
                        work_mode="onsite" if i < 3 else "remote", shift="day",
                        certs=(("CCA", "required"),) if i < 2 else (("RHIT", "preferred"),))
        for i in range(5):
            add_posting(session, f"cod{i}", annual=(60000 + 1000 * i, 70000 + 1000 * i), role="coding", state="TX",
                        entry_level=False, education_min="associate" if i < 3 else "bachelor",
                        education_or_equivalent=i == 0, experience_years_min=2.0 + i, experience_years_max=4.0,
                        schedule="full_time", work_mode="hybrid" if i < 2 else "remote", employer="lonestar",
                        source="lever:lonestar", employer_type="insurance",
                        certs=(("CCS", "required"), ("CPC", "preferred")) if i < 4 else (("CCS", "obtain_after_hire"),))
        add_posting(session, "fl1", state="FL", role="cdi", employer="gulf", source="ashby:gulf",
                    employer_type="physician_practice", work_mode=None, certs=(("CCDS", "required"),))
        add_posting(session, "gone", entry_level=True, closed_at=SEEN, schedule="per_diem")
    yield engine
    engine.dispose()


def _groups(rows, *fields):
    return {row["group"]: tuple(row[f] for f in fields) for row in rows}


@pytest.mark.parametrize(("by", "expected"), [
    # medians of range midpoints: hourly 19..24 x 2080; annual 65,000..69,000
    ("entry-level", {"entry_level": (6, 44720.0), "experienced": (5, 67000.0), "unknown": (1, None)}),
    ("education", {"high_school": (6, 44720.0), "associate": (3, 66000.0), "bachelor": (2, 68500.0),
                   "unknown": (1, None)}),
    ("schedule", {"full_time": (10, 56420.0), "part_time": (1, 49920.0), "unknown": (1, None)}),
])
def test_stats_by_career_dimensions(engine, by, expected):
    with Session(engine) as session:
        rows = query_stats(session, by, Filters())
    assert _groups(rows, "postings", "annual_median") == expected


def test_stats_by_entry_level_with_a_filter(engine):
    with Session(engine) as session:
        rows = query_stats(session, "entry-level", Filters(state="TX"))
    assert _groups(rows, "postings", "share") == {"experienced": (5, 1.0)}


def test_outlook_figures_carry_their_n(engine):
    with Session(engine) as session:
        result = outlook(session).as_dict()
    assert result["postings"] == 12
    credentials = {(r["role"], r["code"]): r for r in result["credentials_by_role"]}
    assert credentials[("coding", "CCS")]["required"] == {"value": 0.8, "n": 5, "too_few": False}
    assert credentials[("coding", "CCS")]["obtain_after_hire"] == {"value": 0.2, "n": 5, "too_few": False}
    assert credentials[("coding", "CPC")]["preferred"] == {"value": 0.8, "n": 5, "too_few": False}
    assert credentials[("medical_records", "RHIT")]["preferred"] == {"value": 0.6667, "n": 6, "too_few": False}
    assert credentials[("cdi", "CCDS")]["required"] == {"value": 1.0, "n": 1, "too_few": True}
    pay = {r["group"]: r for r in result["pay_by_entry_level"]}
    assert pay["entry_level"]["hourly_median"] == {"value": 21.5, "n": 6, "too_few": False}
    assert pay["experienced"]["annual_median"] == {"value": 67000.0, "n": 5, "too_few": False}
    assert pay["unknown"]["annual_median"] == {"value": None, "n": 0, "too_few": True}
    employers = {r["employer_type"]: r for r in result["employer_types"]}
    assert employers["hospital"]["share"] == {"value": 0.5, "n": 12, "too_few": False}
    assert employers["hospital"]["top_states"] == [{"state": "OH", "postings": 6}]
    assert employers["insurance"]["top_states"] == [{"state": "TX", "postings": 5}]
    modes = {r["role"]: r for r in result["work_mode_by_role"]}
    assert modes["all"]["remote"] == {"value": 0.5, "n": 12, "too_few": False}
    assert modes["all"]["not_stated"] == {"value": 0.0833, "n": 12, "too_few": False}
    assert modes["medical_records"]["not_stated"] == {"value": 0.0, "n": 6, "too_few": False}
    assert modes["all"]["hybrid"] == {"value": 0.1667, "n": 12, "too_few": False}
    assert modes["coding"]["hybrid"] == {"value": 0.4, "n": 5, "too_few": False}
    assert modes["cdi"]["remote"]["too_few"] is True
    requirements = {r["role"]: r for r in result["requirements_by_role"]}
    assert requirements["coding"]["experience_years_median"] == {"value": 4.0, "n": 5, "too_few": False}
    assert requirements["all"]["experience_years_median"] == {"value": 0.5, "n": 11, "too_few": False}
    assert requirements["medical_records"]["entry_level"] == {"value": 1.0, "n": 6, "too_few": False}
    assert requirements["coding"]["bachelor_or_more"] == {"value": 0.4, "n": 5, "too_few": False}
    assert {r["bucket"]: r["value"] for r in result["experience_years"]} == {
        "no experience": 0.3333, "under 1 year": 0.1667, "2 years": 0.0833, "3-4 years": 0.1667, "5+ years": 0.1667,
        "not stated": 0.0833}
    assert {r["level"]: r["n"] for r in result["education"]} == {"high_school": 12, "associate": 12, "bachelor": 12,
                                                                "unknown": 12}
    assert result["education_or_equivalent"] == {"value": 0.0909, "n": 11, "too_few": False}


def test_outlook_filters_and_empty_scope(engine):
    with Session(engine) as session:
        texas = outlook(session, Filters(state="TX"))
        nowhere = outlook(session, Filters(state="AK"))
    assert texas.postings == 5 and all(row.postings == 5 for row in texas.work_mode)
    assert [(row.employer_type, row.share.too_few) for row in texas.employers] == [("insurance", False)]
    assert nowhere.postings == 0 and nowhere.credentials == [] and nowhere.work_mode == []
    assert MIN_CELL == 5


def test_outlook_cli(engine, db_url, capsys):
    assert main(["--db", db_url, "outlook"]) == 0
    out = capsys.readouterr().out
    assert "Career outlook of 12 open unique jobs" in out
    assert "too few (n=1)" in out  # the one CDI job
    # each median and share shows the n behind it: 11 jobs state years (the CDI job does not), 11 an education
    assert re.search(r"^all +12 +50\.00% +11 +0\.5 +11 +18\.18%$", out, re.M)
    assert re.search(r"^all +12 +50\.00% +16\.67% +25\.00% +8\.33%$", out, re.M)
    assert main(["--db", db_url, "outlook", "--role", "coding", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["postings"] == 5
    assert main(["--db", db_url, "stats", "--by", "schedule", "--format", "json"]) == 0
    assert {row["group"] for row in json.loads(capsys.readouterr().out)} == {"full_time", "part_time", "unknown"}


def test_outlook_cli_rejects_a_bad_filter(capsys, tmp_path):
    assert main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "outlook", "--since", "yesterday"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_export_and_report_carry_the_career_fields(engine, tmp_path):
    count = export_market(engine, "postings", tmp_path / "postings.csv", Filters(state="TX"))
    with open(tmp_path / "postings.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert count == 5
    first = next(row for row in rows if row["external_id"] == "cod0")
    assert {key: first[key] for key in ("experience_years_min", "experience_years_max", "education_min",
                                        "education_or_equivalent", "entry_level", "schedule", "shift")} == {
        "experience_years_min": "2.0", "experience_years_max": "4.0", "education_min": "associate",
        "education_or_equivalent": "True", "entry_level": "False", "schedule": "full_time", "shift": ""}
    html = write_report(engine, tmp_path / "report").read_text(encoding="utf-8")
    assert 'id="outlook"' in html and "Credentials employers require vs prefer, by role" in html
    assert "too few (n=1)" in html


def test_store_writes_the_career_fields_and_hashes_them(db_url):
    from tests.test_store import SOURCE, normalized, raw

    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        ids = store.sync_registry(session, [SOURCE])[SOURCE.key]
    posting: NormalizedPosting = replace(normalized(), experience_years_min=1.0, experience_years_max=2.0,
                                         education_min="associate", education_or_equivalent=True, entry_level=False,
                                         schedule="part_time", shift="evening")
    writer = store.PostingWriter(engine)
    row = store.posting_row(raw("c1"), posting, ids, SEEN)
    assert writer.write([row]).inserted == 1
    changed = store.posting_row(raw("c1"), replace(posting, entry_level=True), ids, SEEN)
    assert changed["content_hash"] != row["content_hash"]
    assert writer.write([changed]).updated == 1
    with Session(engine) as session:
        stored = session.scalars(select(Posting)).one()
        assert (stored.experience_years_min, stored.experience_years_max, stored.education_min,
                stored.education_or_equivalent, stored.entry_level, stored.schedule, stored.shift) == (
            1.0, 2.0, "associate", True, True, "part_time", "evening")
    engine.dispose()
