"""`stats --by` answered in SQL on SQLite and PostgreSQL: exact counts, shares and pay quartiles per
group for postings with known values, unique jobs versus all postings, and the filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from emr_jobs.market.queries import Filters, grouped_quantiles, query_stats
from emr_jobs.market.stats import overview
from emr_jobs.store.models import Posting, PostingDuplicate
from tests.market_data import SEEN, add_posting, market_engine

CLOSED_AT = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url):
    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "oh1", hourly=(20, 22), work_mode="onsite", certs=(("RHIT", "required"),))
        add_posting(session, "oh2", hourly=(24, 26), work_mode="onsite", certs=(("RHIT", "required"),))
        add_posting(session, "oh3", hourly=(30, 30), work_mode="remote", certs=(("CCS", "obtain_after_hire"),))
        add_posting(session, "oh4", work_mode="hybrid")
        tx1 = add_posting(session, "tx1", state="TX", annual=(50000, 60000), work_mode="remote",
                          certs=(("RHIT", "preferred"),), employer_type="insurance", employer="bluebonnet",
                          source="lever:bluebonnet")
        add_posting(session, "tx2", state="TX", annual=(70000, 70000), work_mode="remote", role="coding",
                    employer_type="insurance", employer="bluebonnet", source="lever:bluebonnet")
        repost = add_posting(session, "tx1-repost", state="TX", annual=(50000, 60000), work_mode="remote",
                             certs=(("RHIT", "required"),), employer="agency", source="greenhouse:agency",
                             employer_type="staffing_outsourcing")
        add_posting(session, "tx-closed", state="TX", annual=(90000, 90000), work_mode="onsite",
                    closed_at=CLOSED_AT, employer="bluebonnet", source="lever:bluebonnet", employer_type="insurance")
        for member in (tx1, repost):
            session.add(PostingDuplicate(posting_id=member.id, canonical_posting_id=tx1.id, matched_by="text",
                                         similarity=1.0, grouped_at=SEEN))
    yield engine
    engine.dispose()


def pick(rows, key, *fields):
    return {row[key]: tuple(row[f] for f in fields) for row in rows}


BY_CASES = [
    ("state", Filters(), ("postings", "postings_total", "with_pay", "share"),
     {"OH": (4, 4, 3, 0.6667), "TX": (2, 3, 2, 0.3333)}),
    ("state", Filters(), ("annual_p25", "annual_median", "annual_p75"),
     {"OH": (47840.0, 52000.0, 57200.0), "TX": (58750.0, 62500.0, 66250.0)}),
    ("state", Filters(), ("hourly_p25", "hourly_median", "hourly_p75"), {"OH": (23.0, 25.0, 27.5)}),
    ("work-mode", Filters(), ("postings", "postings_total"), {"onsite": (2, 2), "remote": (3, 4), "hybrid": (1, 1)}),
    ("employer-type", Filters(), ("postings", "postings_total"),
     {"hospital": (4, 4), "insurance": (2, 2), "staffing_outsourcing": (0, 1)}),
    ("role", Filters(), ("postings", "annual_median"), {"medical_records": (5, 53500.0), "coding": (1, 70000.0)}),
    ("state", Filters(role="coding"), ("postings", "annual_median"), {"TX": (1, 70000.0)}),
    ("work-mode", Filters(state="oh"), ("postings", "pay_disclosed_share"),
     {"onsite": (2, 1.0), "remote": (1, 1.0), "hybrid": (1, 0.0)}),
    ("state", Filters(since=date(2026, 11, 4)), ("postings", "annual_median"),
     {"OH": (4, 52000.0), "TX": (3, 70000.0)}),
    ("state", Filters(since=date(2026, 11, 6)), ("postings", "annual_median"),
     {"OH": (4, 52000.0), "TX": (2, 62500.0)}),
]


@pytest.mark.parametrize(("by", "filters", "fields", "expected"), BY_CASES)
def test_stats_by_dimension(engine, by, filters, fields, expected):
    with Session(engine) as session:
        rows = query_stats(session, by, filters)
    found = pick(rows, "group", *fields)
    for group, values in expected.items():
        assert found[group] == values, group
    assert set(found) == set(expected) or fields[0].startswith("hourly")


CERT_CASES = [
    (Filters(), "RHIT", {"postings": 3, "required": 2, "preferred": 1, "obtain_after_hire": 0, "share": 0.5,
                         "required_share": 0.3333, "annual_median": 52000.0}),
    (Filters(), "CCS", {"postings": 1, "obtain_after_hire": 1, "obtain_after_hire_share": 0.1667,
                        "annual_median": 62400.0}),
    (Filters(state="TX"), "RHIT", {"postings": 1, "required": 0, "preferred": 1, "share": 0.5}),
]


@pytest.mark.parametrize(("filters", "code", "expected"), CERT_CASES)
def test_stats_by_certification(engine, filters, code, expected):
    with Session(engine) as session:
        rows = {row["code"]: row for row in query_stats(session, "certification", filters)}
    assert {key: rows[code][key] for key in expected} == expected


@pytest.mark.parametrize(("values", "points", "expected"), [
    ([10.0], (0.25, 0.5, 0.75), [10.0, 10.0, 10.0]),
    ([1.0, 2.0, 3.0, 4.0], (0.25, 0.5, 0.75), [1.75, 2.5, 3.25]),
    ([5.0, 1.0, 3.0, 2.0, 4.0], (0.1, 0.5, 0.9), [1.4, 3.0, 4.6]),
    # repeated values: ranks fall inside and across runs of equal values
    ([2.0, 2.0, 2.0, 5.0], (0.25, 0.5, 0.75), [2.0, 2.0, 2.75]),
    ([3.0, 1.0, 3.0, 7.0, 1.0, 3.0], (0.25, 0.5, 0.75), [1.5, 3.0, 3.0]),
    ([4.0, 4.0], (0.0, 0.5, 1.0), [4.0, 4.0, 4.0]),
])
def test_grouped_quantiles_interpolate_like_percentile_cont(engine, values, points, expected):
    with Session(engine) as session, session.begin():
        for number, value in enumerate(values):
            add_posting(session, f"q{number}", state="ZZ", pay_min=value)
        result = grouped_quantiles(session, select(Posting.state.label("g"), Posting.pay_min.label("x"))
                                   .where(Posting.state == "ZZ"), points)
        session.rollback()
    assert result == {"ZZ": expected}


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), {"postings": 6, "postings_total": 7, "employers": 3, "postings_with_pay": 5,
                 "pay_annual": {"p25": 52000.0, "median": 55000.0, "p75": 62400.0},
                 "work_mode": {"remote": 3, "onsite": 2, "hybrid": 1},
                 "top_states": [{"state": "OH", "postings": 4}, {"state": "TX", "postings": 2}],
                 "top_certifications": [{"code": "RHIT", "required": 2, "mentioned": 3},
                                        {"code": "CCS", "required": 0, "mentioned": 1}]}),
    (Filters(state="tx"), {"postings": 2, "postings_total": 3, "employers": 2, "postings_with_pay": 2,
                           "pay_annual": {"p25": 58750.0, "median": 62500.0, "p75": 66250.0},
                           "work_mode": {"remote": 2}}),
    (Filters(since=date(2026, 11, 4)), {"postings": 7, "postings_total": 8, "postings_with_pay": 6}),
])
def test_overview(engine, filters, expected):
    with Session(engine) as session:
        result = overview(session, filters).as_dict()
    assert {key: result[key] for key in expected} == expected
