"""The SQL views of migration 0007 (open_jobs, certification_demand, pay_by_state) on SQLite and
PostgreSQL: their rows are what the ORM and the market queries say over the same fixture data, and
the downgrade drops them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from emr_jobs.market.queries import certification_stats, not_duplicate, stats_by
from emr_jobs.store.db import alembic_config
from emr_jobs.store.models import Posting, PostingDuplicate
from tests.market_data import SEEN, add_posting, market_engine

VIEWS = {"open_jobs", "certification_demand", "pay_by_state"}
CLOSED_AT = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url):
    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "oh1", hourly=(20, 22), certs=(("RHIT", "required"),))
        add_posting(session, "oh2", hourly=(24, 26), certs=(("RHIT", "required"), ("CCS", "preferred")))
        add_posting(session, "oh3", hourly=(30, 30), work_mode="remote", certs=(("CCS", "obtain_after_hire"),))
        add_posting(session, "oh4", work_mode="hybrid", role="coding")
        add_posting(session, "oh5", annual=(45000, 47000), role="him_leadership")
        tx1 = add_posting(session, "tx1", state="TX", annual=(50000, 60000), work_mode="remote",
                          certs=(("RHIT", "preferred"),), employer_type="insurance", employer="bluebonnet",
                          source="lever:bluebonnet")
        add_posting(session, "tx2", state="TX", annual=(70000, 70000), role="coding", employer="bluebonnet",
                    source="lever:bluebonnet")
        repost = add_posting(session, "tx1-repost", state="TX", annual=(50000, 60000), work_mode="remote",
                             certs=(("RHIT", "required"),), employer="agency", source="greenhouse:agency")
        add_posting(session, "tx-closed", state="TX", annual=(90000, 90000), closed_at=CLOSED_AT,
                    certs=(("CCS", "required"),))
        add_posting(session, "nowhere", state=None, hourly=(19.5, 19.5), work_mode="remote")
        add_posting(session, "euro", state="CA", pay_min=40000, pay_max=40000, pay_period="year",
                    pay_currency="EUR", pay_annual_min=40000, pay_annual_max=40000)
        for member in (tx1, repost):
            session.add(PostingDuplicate(posting_id=member.id, canonical_posting_id=tx1.id, matched_by="text",
                                         similarity=1.0, grouped_at=SEEN))
    yield engine
    engine.dispose()


def rows(engine, sql: str) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(sql))]


def test_migration_creates_the_views(engine):
    assert VIEWS <= set(inspect(engine).get_view_names())


def test_open_jobs_are_the_unique_open_jobs(engine):
    with Session(engine) as session:
        expected = {p.id: p for p in session.scalars(select(Posting).where(Posting.closed_at.is_(None),
                                                                              not_duplicate()))}
        found = {row["posting_id"]: row for row in rows(engine, "SELECT * FROM open_jobs")}
        assert set(found) == set(expected) and len(found) == 9
        for posting_id, posting in expected.items():
            row = found[posting_id]
            assert (row["title"], row["employer"], row["role"], row["state"], row["work_mode"], row["source"]) == (
                posting.title, posting.employer.name, posting.role, posting.state, posting.work_mode,
                posting.source.key)
            assert (row["pay_period"], row["pay_currency"], row["pay_annual_min"], row["pay_hourly_max"]) == (
                posting.pay_period, posting.pay_currency, posting.pay_annual_min, posting.pay_hourly_max)
    assert found_by_external(engine, "oh1")["pay_hourly_mid"] == 21.0
    assert found_by_external(engine, "tx1")["pay_annual_mid"] == 55000.0


def found_by_external(engine, external_id: str) -> dict:
    return rows(engine, "SELECT o.* FROM open_jobs o JOIN postings p ON p.id = o.posting_id "
                        f"WHERE p.external_id = '{external_id}'")[0]


def test_certification_demand_matches_the_market_query(engine):
    with Session(engine) as session:
        expected = {c.code: c for c in certification_stats(session)}
    found = {row["code"]: row for row in rows(engine, "SELECT * FROM certification_demand")}
    assert set(found) == set(expected) == {"RHIT", "CCS"}
    for code, stats in expected.items():
        row = found[code]
        assert (row["name"], row["jobs"], row["open_jobs"]) == (stats.name, stats.postings, stats.scope)
        for strength in ("required", "obtain_after_hire", "preferred"):
            assert row[strength] == stats.by_strength.get(strength, 0)
        assert float(row["share_pct"]) == pytest.approx(round(100 * stats.postings / stats.scope, 1))
    assert (found["RHIT"]["jobs"], found["RHIT"]["required"], found["RHIT"]["preferred"]) == (3, 2, 1)


def test_pay_by_state_matches_stats_by_state(engine):
    with Session(engine) as session:
        expected = {g.group: g for g in stats_by(session, "state")}
    found = {row["state"]: row for row in rows(engine, "SELECT * FROM pay_by_state")}
    assert set(found) == set(expected) == {"OH", "TX", "CA", "unknown"}
    for state, group in expected.items():
        row = found[state]
        assert (row["open_jobs"], row["with_pay"]) == (group.postings, group.with_pay)
        median = None if row["annual_median_usd"] is None else float(row["annual_median_usd"])
        hourly = None if row["hourly_median_usd"] is None else float(row["hourly_median_usd"])
        assert median == group.pay_annual[1] and hourly == group.pay_hourly[1], state
    assert float(found["OH"]["annual_median_usd"]) == 49000.0  # 4 paid: (46,000 + 52,000) / 2
    assert found["CA"]["annual_median_usd"] is None and found["CA"]["with_pay_usd"] == 0


def test_downgrade_drops_the_views(engine, db_url):
    config = alembic_config(db_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert not VIEWS & set(inspect(engine).get_view_names())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert VIEWS <= set(inspect(engine).get_view_names())
