"""The `stats --by` rows the snapshot stores, on SQLite and PostgreSQL: after a snapshot they are
the live query's rows exactly, for every dimension; any write to a posting, a duplicate group or a
certification mention afterwards, a filter, a missing trigger or another method sends `stats`
back to the live query, which then gives the new figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from emr_jobs.market.dimensions import CACHED_DIMENSIONS
from emr_jobs.market.queries import BY_CHOICES, Filters, query_stats
from emr_jobs.market.snapshot import take_snapshot
from emr_jobs.market.stats_cache import SQLITE_TRIGGERS, cached_rows, stats_rows
from emr_jobs.store.models import (
    Certification,
    MarketStatsCache,
    Posting,
    PostingCertification,
    PostingDuplicate,
    utcnow,
)
from tests.market_data import SEEN, add_posting, market_engine

CLOSED_AT = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
AS_OF = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


@pytest.fixture
def engine(sqlite_url):
    """Open and closed postings, duplicates (one group's members on two states), pay in USD, in
    CAD (stated but not priced) and none, unknown state and role, every certification strength."""
    engine = market_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "oh1", hourly=(20, 22), certs=(("RHIT", "required"), ("CCS", "preferred")),
                    entry_level=True, education_min="high_school", schedule="full_time")
        add_posting(session, "oh2", hourly=(24, 26), work_mode="remote", certs=(("RHIT", "preferred"),),
                    entry_level=False, education_min="associate", schedule="part_time")
        add_posting(session, "oh3", annual=(48000, 52000), role="coding", certs=(("CCS", "obtain_after_hire"),),
                    entry_level=False, education_min="associate", schedule="full_time")
        add_posting(session, "nowhere", hourly=(18, 18), state=None, role=None, work_mode="unknown")
        add_posting(session, "cad", state="WA", pay_min=60000, pay_max=60000, pay_period="year", pay_currency="CAD",
                    pay_annual_min=60000, pay_annual_max=60000)
        tx1 = add_posting(session, "tx1", state="TX", annual=(50000, 60000), employer_type="insurance",
                          employer="bluebonnet", source="lever:bluebonnet", certs=(("RHIT", "required"),))
        repost = add_posting(session, "tx1-repost", state="OK", annual=(50000, 60000), employer="agency",
                             source="greenhouse:agency", employer_type="staffing_outsourcing",
                             certs=(("RHIT", "required"),))
        add_posting(session, "nm-closed", state="NM", annual=(90000, 90000), closed_at=CLOSED_AT)
        for member in (tx1, repost):
            session.add(PostingDuplicate(posting_id=member.id, canonical_posting_id=tx1.id, matched_by="text",
                                         similarity=1.0, grouped_at=SEEN))
    take_snapshot(engine, date(2026, 11, 21), AS_OF)
    yield engine
    engine.dispose()


def rows_by(engine, by):
    with Session(engine) as session:
        return cached_rows(session, by), query_stats(session, by), stats_rows(session, by)


CACHED = (*CACHED_DIMENSIONS, "certification")


@pytest.mark.parametrize("by", BY_CHOICES)
def test_after_a_snapshot_the_cached_rows_are_the_live_rows(engine, by):
    cached, live, answered = rows_by(engine, by)
    assert (cached is not None) == (by in CACHED)
    assert answered == live and cached in (None, live)


@pytest.mark.postgres
def test_postgres_is_always_answered_live(postgres_url):
    engine = market_engine(postgres_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "oh1", hourly=(20, 22), certs=(("RHIT", "required"),))
    take_snapshot(engine, date(2026, 11, 21), AS_OF)
    for by in BY_CHOICES:
        cached, live, answered = rows_by(engine, by)
        assert (cached, answered) == (None, live)
    engine.dispose()


# group (or code) -> the figures the snapshot's rows must hold, checked against the data by hand
CACHED_FIGURES = [
    ("state", "OH", {"postings": 3, "postings_total": 3, "with_pay": 3, "share": 0.5,
                     "annual_median": 50000.0, "hourly_p75": 24.52}),
    ("state", "OK", {"postings": 0, "postings_total": 1, "with_pay": 0, "annual_median": None}),
    ("state", "WA", {"postings": 1, "with_pay": 1, "pay_disclosed_share": 1.0, "annual_median": None}),
    ("state", "unknown", {"postings": 1, "hourly_median": 18.0}),
    ("role", "unknown", {"postings": 1, "share": 0.1667}),
    ("employer-type", "staffing_outsourcing", {"postings": 0, "postings_total": 1, "share": 0.0}),
    ("work-mode", "onsite", {"postings": 4, "postings_total": 5, "annual_median": 50000.0}),
    ("certification", "RHIT", {"postings": 3, "required": 2, "preferred": 1, "obtain_after_hire": 0,
                               "share": 0.5, "annual_median": 52000.0}),
    ("certification", "CCS", {"postings": 2, "preferred": 1, "obtain_after_hire": 1, "annual_median": 46840.0}),
]


@pytest.mark.parametrize(("by", "group", "expected"), CACHED_FIGURES)
def test_cached_figures(engine, by, group, expected):
    cached, _, _ = rows_by(engine, by)
    key = "code" if by == "certification" else "group"
    row = next(row for row in cached if row[key] == group)
    assert {name: row[name] for name in expected} == expected
    assert "NM" not in {row.get("group") for row in cached}  # closed postings are not in scope


def _posting_id(session, external_id):
    return session.scalar(select(Posting.id).where(Posting.external_id == external_id))


def _new_posting(session):
    add_posting(session, "oh-new", hourly=(40, 40))


def _close(session):
    session.execute(update(Posting).where(Posting.id == _posting_id(session, "oh2")).values(closed_at=utcnow()))


def _reopen(session):
    session.execute(update(Posting).where(Posting.id == _posting_id(session, "nm-closed")).values(closed_at=None))


def _new_pay(session):
    session.execute(update(Posting).where(Posting.id == _posting_id(session, "oh3"))
                    .values(pay_annual_min=80000, pay_annual_max=80000))


def _new_group(session):
    canonical, member = _posting_id(session, "oh1"), _posting_id(session, "oh2")
    session.add_all([PostingDuplicate(posting_id=p, canonical_posting_id=canonical, matched_by="text",
                                      similarity=1.0, grouped_at=SEEN) for p in (canonical, member)])


def _ungroup(session):
    session.execute(delete(PostingDuplicate))


def _new_mention(session):
    cert_id = session.scalar(select(Certification.id).where(Certification.code == "CPC"))
    session.add(PostingCertification(posting_id=_posting_id(session, "oh2"), certification_id=cert_id,
                                     strength="required"))


def _stronger_mention(session):
    session.execute(update(PostingCertification).where(PostingCertification.posting_id == _posting_id(session, "oh2"))
                    .values(strength="required"))


def _posting_deleted(session):
    session.execute(delete(PostingCertification).where(PostingCertification.posting_id == _posting_id(session, "oh1")))
    session.execute(delete(PostingDuplicate))
    session.execute(delete(Posting).where(Posting.id == _posting_id(session, "oh1")))


# a write after the snapshot -> (dimension, group or code, field, the new live figure)
WRITES = [
    (_new_posting, "state", "OH", "postings", 4),
    (_close, "state", "OH", "postings", 2),
    (_reopen, "state", "NM", "annual_median", 90000.0),
    (_new_pay, "role", "coding", "annual_median", 80000.0),
    (_new_group, "state", "OH", "postings", 2),
    (_ungroup, "state", "OK", "postings", 1),
    (_new_mention, "certification", "CPC", "required", 1),
    (_stronger_mention, "certification", "RHIT", "required", 3),
    (_posting_deleted, "certification", "CCS", "postings", 1),
]


@pytest.mark.parametrize(("write", "by", "group", "field", "expected"), WRITES)
def test_a_write_after_the_snapshot_sends_stats_to_the_live_query(engine, write, by, group, field, expected):
    with Session(engine) as session, session.begin():
        write(session)
    for dimension in BY_CHOICES:
        cached, live, answered = rows_by(engine, dimension)
        assert cached is None, dimension
        assert answered == live
    key = "code" if by == "certification" else "group"
    _, _, answered = rows_by(engine, by)
    assert next(row[field] for row in answered if row[key] == group) == expected
    take_snapshot(engine, date(2026, 11, 22), AS_OF)  # the next snapshot catches up
    cached, live, _ = rows_by(engine, by)
    assert cached == live
    with Session(engine) as session, session.begin():  # a re-crawl touching last_seen only: live again
        session.execute(update(Posting).values(last_seen=utcnow()))
    assert rows_by(engine, by)[0] is None


@pytest.mark.parametrize("filters", [Filters(state="OH"), Filters(role="coding"), Filters(since=date(2026, 11, 1)),
                                     Filters(state="TX", role="medical_records", since=date(2026, 11, 1))])
def test_filters_are_answered_live(engine, filters):
    with Session(engine) as session:
        for by in BY_CHOICES:
            assert cached_rows(session, by, filters) is None
            assert stats_rows(session, by, filters) == query_stats(session, by, filters)


def test_rows_of_another_method_are_not_used(engine):
    with Session(engine) as session, session.begin():
        session.execute(update(MarketStatsCache).where(MarketStatsCache.dimension == "state").values(method="0:state"))
    cached, live, answered = rows_by(engine, "state")
    assert (cached, answered) == (None, live)
    assert rows_by(engine, "role")[0] is not None


def test_a_missing_trigger_disables_the_cache(engine):
    with engine.begin() as connection:
        connection.execute(text(f"DROP TRIGGER {SQLITE_TRIGGERS[-1]}"))
    for by in BY_CHOICES:
        cached, live, answered = rows_by(engine, by)
        assert (cached, answered) == (None, live)
