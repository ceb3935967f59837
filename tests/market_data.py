"""Test helper: postings with known values inserted through the ORM, for the market tests
(stats queries, snapshots, exports, report)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.store.db import upgrade
from emr_jobs.store.models import Certification, Employer, Posting, PostingCertification, Source

SEEN = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def market_engine(db_url: str) -> Engine:
    upgrade(db_url)
    return create_engine(db_url)


def source_for(session: Session, key: str, employer_slug: str, employer_type: str = "hospital") -> Source:
    source = session.scalar(select(Source).where(Source.key == key))
    if source:
        return source
    employer = session.scalar(select(Employer).where(Employer.slug == employer_slug))
    if employer is None:
        employer = Employer(slug=employer_slug, name=employer_slug.replace("-", " ").title(),
                            employer_type=employer_type)
        session.add(employer)
        session.flush()
    platform, _, token = key.partition(":")
    source = Source(key=key, platform=platform, identifiers={"token": token}, employer_id=employer.id)
    session.add(source)
    session.flush()
    return source


def add_posting(session: Session, external_id: str, *, source: str = "greenhouse:pine", employer: str = "pine",
                hourly: tuple[float, float] | None = None, annual: tuple[float, float] | None = None,
                certs: tuple[tuple[str, str], ...] = (), first_seen: datetime = SEEN,
                last_seen: datetime | None = None, closed_at: datetime | None = None, **columns: Any) -> Posting:
    """One posting; `hourly` or `annual` sets the pay (the other period is derived at 2080 h/year)."""
    employer_type = columns.pop("employer_type", "hospital")
    src = source_for(session, source, employer, employer_type)
    values: dict[str, Any] = {"title": "Medical Records Clerk", "role": "medical_records", "state": "OH",
                              "work_mode": "onsite", "employer_type": employer_type, "content_hash": external_id}
    values.update(columns)
    if hourly:
        values.update(pay_min=hourly[0], pay_max=hourly[1], pay_period="hour", pay_currency="USD",
                      pay_hourly_min=hourly[0], pay_hourly_max=hourly[1],
                      pay_annual_min=round(hourly[0] * 2080, 2), pay_annual_max=round(hourly[1] * 2080, 2))
    if annual:
        values.update(pay_min=annual[0], pay_max=annual[1], pay_period="year", pay_currency="USD",
                      pay_annual_min=annual[0], pay_annual_max=annual[1],
                      pay_hourly_min=round(annual[0] / 2080, 2), pay_hourly_max=round(annual[1] / 2080, 2))
    posting = Posting(source_id=src.id, employer_id=src.employer_id, external_id=external_id,
                      first_seen=first_seen, last_seen=last_seen or first_seen, closed_at=closed_at, **values)
    session.add(posting)
    session.flush()
    for code, strength in certs:
        cert_id = session.scalar(select(Certification.id).where(Certification.code == code))
        session.add(PostingCertification(posting_id=posting.id, certification_id=cert_id, strength=strength))
    session.flush()
    return posting
