"""Dated market snapshots on SQLite and PostgreSQL: exact figures overall and per group after two
nights (new, closed, duplicates, pay quartiles, shares, days open), same-day replacement, and
failed sources named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emr_jobs.market.snapshot import METHOD_VERSION, take_snapshot
from emr_jobs.store.models import MarketSnapshot, MarketSnapshotValue, Posting, PostingDuplicate
from tests.market_data import add_posting, market_engine

NIGHT_1 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
NIGHT_2 = NIGHT_1 + timedelta(days=1)
AS_OF_1, AS_OF_2 = NIGHT_1 + timedelta(hours=1), NIGHT_2 + timedelta(hours=1)
FAILED = [{"source": "lever:flaky", "status": "failed", "error": "HTTP 503"}]


@pytest.fixture
def two_nights(db_url):
    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "a", hourly=(20, 22), certs=(("RHIT", "required"),),
                    posted_at=AS_OF_2 - timedelta(days=10), first_seen=NIGHT_1)
        add_posting(session, "b", hourly=(24, 26), work_mode="remote", first_seen=NIGHT_1)
        add_posting(session, "c", state="TX", annual=(50000, 60000), first_seen=NIGHT_1)
        add_posting(session, "d", state="TX", role="coding", first_seen=NIGHT_1)
    first = take_snapshot(engine, date(2026, 11, 1), AS_OF_1)
    with Session(engine) as session, session.begin():
        session.get(Posting, session.scalar(select(Posting.id).where(Posting.external_id == "b"))).closed_at = NIGHT_2
        add_posting(session, "e", hourly=(30, 30), first_seen=NIGHT_2)
        c = session.scalar(select(Posting).where(Posting.external_id == "c"))
        repost = add_posting(session, "c-repost", state="TX", annual=(50000, 60000), first_seen=NIGHT_2,
                             source="greenhouse:agency", employer="agency")
        for member in (c, repost):
            session.add(PostingDuplicate(posting_id=member.id, canonical_posting_id=c.id, matched_by="text",
                                         similarity=1.0, grouped_at=NIGHT_2))
    second = take_snapshot(engine, date(2026, 11, 2), AS_OF_2, FAILED)
    yield engine, first, second
    engine.dispose()


def values_of(engine, snapshot_id, dimension, group):
    with Session(engine) as session:
        rows = session.execute(select(MarketSnapshotValue.metric, MarketSnapshotValue.category,
                                      MarketSnapshotValue.value)
                               .where(MarketSnapshotValue.snapshot_id == snapshot_id,
                                      MarketSnapshotValue.dimension == dimension,
                                      MarketSnapshotValue.group_value == group)).all()
    return {(metric + (f":{category}" if category else "")): value for metric, category, value in rows}


NIGHT_2_CASES = [
    ("overall", "all", {"active_unique": 4, "active_total": 5, "new_unique": 1, "new_total": 2, "closed_unique": 1,
                        "pay_disclosed_share": 0.75, "pay_annual_median": 55000.0, "pay_annual_p25": 49340.0,
                        "pay_hourly_median": 26.45, "days_open_median": 1.04,
                        "cert_required_share:RHIT": 0.25, "cert_any_share:RHIT": 0.25,
                        "work_mode_share:onsite": 1.0, "employer_type_share:hospital": 1.0}),
    ("state", "OH", {"active_unique": 2, "closed_unique": 1, "new_unique": 1, "pay_annual_median": 53040.0,
                     "cert_required_share:RHIT": 0.5}),
    ("state", "TX", {"active_unique": 2, "active_total": 3, "pay_disclosed_share": 0.5,
                     "pay_annual_median": 55000.0}),
    ("role", "coding", {"active_unique": 1, "pay_disclosed_share": 0.0}),
    ("work_mode", "remote", {"active_unique": 0, "closed_unique": 1}),
    ("employer_type", "hospital", {"active_unique": 4, "active_total": 5}),
]


@pytest.mark.parametrize(("dimension", "group", "expected"), NIGHT_2_CASES)
def test_second_night_figures(two_nights, dimension, group, expected):
    engine, _, second = two_nights
    found = values_of(engine, second.snapshot_id, dimension, group)
    assert {key: found.get(key) for key in expected} == expected


def test_first_snapshot_counts_everything_as_new(two_nights):
    engine, first, _ = two_nights
    found = values_of(engine, first.snapshot_id, "overall", "all")
    assert (found["active_unique"], found["new_unique"], found["closed_unique"]) == (4, 4, 0)
    assert first.overall["pay_annual_median"] == found["pay_annual_median"] == 52000.0


def test_snapshot_rows_record_date_method_window_and_failed_sources(two_nights):
    engine, first, second = two_nights
    with Session(engine) as session:
        snapshots = session.scalars(select(MarketSnapshot).order_by(MarketSnapshot.snapshot_date)).all()
    assert [s.snapshot_date for s in snapshots] == [date(2026, 11, 1), date(2026, 11, 2)]
    assert {s.method_version for s in snapshots} == {METHOD_VERSION}
    assert snapshots[0].window_start is None and snapshots[1].window_start == AS_OF_1
    assert snapshots[1].failed_sources == FAILED and snapshots[0].failed_sources == []
    assert snapshots[1].benchmark["annual_median"] == 50250.0


def test_retaking_a_days_snapshot_replaces_it(two_nights):
    engine, _, second = two_nights
    before = values_of(engine, second.snapshot_id, "state", "OH")
    again = take_snapshot(engine, date(2026, 11, 2), AS_OF_2, FAILED)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(MarketSnapshot)) == 2
        stored = session.scalar(select(func.count()).select_from(MarketSnapshotValue))
        first_values = session.scalar(select(func.count()).select_from(MarketSnapshotValue)
                                      .where(MarketSnapshotValue.snapshot_id != again.snapshot_id))
    assert again.values == second.values and stored == first_values + again.values
    assert values_of(engine, again.snapshot_id, "state", "OH") == before
