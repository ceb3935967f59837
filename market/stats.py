"""Market statistics of open postings, aggregated in SQL (quantiles by ordered offsets, so the
same queries run on SQLite and PostgreSQL without loading rows into Python)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from pipeline.models import Certification, Employer, Posting, PostingCertification


def open_postings() -> list[ColumnElement[bool]]:
    return [Posting.closed_at.is_(None)]


def quantiles(session: Session, column, where: list[ColumnElement[bool]], points=(0.25, 0.5, 0.75)) -> list[float | None]:
    """Linear-interpolated quantiles of `column` over rows matching `where`, computed in SQL."""
    conditions = [*where, column.is_not(None)]
    count = session.scalar(select(func.count()).select_from(Posting).where(*conditions)) or 0
    if count == 0:
        return [None for _ in points]
    results = []
    for point in points:
        position = point * (count - 1)
        lower = int(position)
        values = session.scalars(select(column).where(*conditions).order_by(column).offset(lower).limit(2)).all()
        low = values[0]
        high = values[1] if len(values) > 1 else low
        results.append(round(low + (high - low) * (position - lower), 2))
    return results


@dataclass
class Overview:
    postings: int
    employers: int
    with_pay: int
    pay_annual: dict[str, float | None]
    pay_hourly: dict[str, float | None]
    work_mode: dict[str, int]
    top_states: list[tuple[str, int]]
    top_certifications: list[tuple[str, int, int]]  # code, postings requiring, postings mentioning
    roles: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "postings": self.postings,
            "employers": self.employers,
            "postings_with_pay": self.with_pay,
            "pay_annual": self.pay_annual,
            "pay_hourly": self.pay_hourly,
            "work_mode": self.work_mode,
            "roles": self.roles,
            "top_states": [{"state": state, "postings": n} for state, n in self.top_states],
            "top_certifications": [
                {"code": code, "required": required, "mentioned": mentioned}
                for code, required, mentioned in self.top_certifications
            ],
        }


def overview(session: Session, top: int = 10) -> Overview:
    where = open_postings()
    postings = session.scalar(select(func.count()).select_from(Posting).where(*where)) or 0
    employers = session.scalar(select(func.count(func.distinct(Posting.employer_id))).where(*where)) or 0
    with_pay = session.scalar(select(func.count()).select_from(Posting).where(*where, Posting.pay_period.is_not(None))) or 0
    # One figure per posting: the midpoint of its range (or its one stated end).
    annual_mid = func.coalesce((Posting.pay_annual_min + Posting.pay_annual_max) / 2, Posting.pay_annual_min,
                               Posting.pay_annual_max)
    hourly_mid = func.coalesce((Posting.pay_hourly_min + Posting.pay_hourly_max) / 2, Posting.pay_hourly_min,
                               Posting.pay_hourly_max)
    usd = [*where, Posting.pay_currency == "USD"]
    annual = dict(zip(("p25", "median", "p75"), quantiles(session, annual_mid, usd), strict=True))
    hourly = dict(zip(("p25", "median", "p75"), quantiles(session, hourly_mid, usd), strict=True))
    work_mode = dict(session.execute(select(Posting.work_mode, func.count()).where(*where)
                                     .group_by(Posting.work_mode).order_by(func.count().desc())).all())
    roles = dict(session.execute(select(func.coalesce(Posting.role, "unknown"), func.count()).where(*where)
                                 .group_by(Posting.role).order_by(func.count().desc())).all())
    top_states = [tuple(row) for row in session.execute(
        select(Posting.state, func.count()).where(*where, Posting.state.is_not(None))
        .group_by(Posting.state).order_by(func.count().desc(), Posting.state).limit(top))]
    required = func.sum(func.cast(PostingCertification.strength == "required", Posting.id.type))
    top_certs = [tuple(row) for row in session.execute(
        select(Certification.code, required, func.count())
        .join(PostingCertification, PostingCertification.certification_id == Certification.id)
        .join(Posting, Posting.id == PostingCertification.posting_id)
        .where(*where).group_by(Certification.code).order_by(func.count().desc(), Certification.code).limit(top))]
    return Overview(postings=postings, employers=employers, with_pay=with_pay, pay_annual=annual,
                    pay_hourly=hourly, work_mode=work_mode, top_states=top_states,
                    top_certifications=[(code, int(req or 0), int(n)) for code, req, n in top_certs], roles=roles)


def employer_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Employer)) or 0
