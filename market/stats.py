"""The market overview behind `emr-jobs stats` (no --by): unique jobs, pay quartiles, work mode,
roles, top states and certification demand, each one SQL aggregate over the filtered postings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

from emr_jobs.market.queries import (
    ANNUAL_MID,
    HOURLY_MID,
    UNKNOWN,
    Filters,
    count_if,
    grouped_quantiles,
    not_duplicate,
    pay_usd,
    share,
)
from emr_jobs.store.models import Certification, Posting, PostingCertification

QUARTILE_NAMES = ("p25", "median", "p75")


@dataclass
class Overview:
    postings: int  # unique jobs (a job listed on several sources counts once)
    postings_total: int  # every listing
    employers: int
    with_pay: int
    pay_annual: dict[str, float | None]
    pay_hourly: dict[str, float | None]
    work_mode: dict[str, int]
    top_states: list[tuple[str, int]]
    top_certifications: list[tuple[str, int, int]]  # code, unique jobs requiring, unique jobs mentioning
    roles: dict[str, int] = field(default_factory=dict)

    def share(self, count: int) -> float | None:
        """A count's share of the unique jobs (rounded once, as everywhere)."""
        return share(count, self.postings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "postings": self.postings,
            "postings_total": self.postings_total,
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


def overview(session: Session, filters: Filters | None = None, top: int = 10) -> Overview:
    where = (filters or Filters()).where()
    unique = [*where, not_duplicate()]
    total, unique_count, employers, with_pay = session.execute(
        select(func.count(), count_if(not_duplicate()), func.count(func.distinct(Posting.employer_id)),
               count_if(and_(not_duplicate(), Posting.pay_period.is_not(None)))).where(*where)).one()
    priced = [*unique, pay_usd()]
    everyone = literal("all").label("g")
    annual = grouped_quantiles(session, select(everyone, ANNUAL_MID.label("x")).where(*priced)).get("all")
    hourly = grouped_quantiles(session, select(everyone, HOURLY_MID.label("x")).where(*priced)).get("all")

    def counted(column) -> list[tuple[Any, int]]:
        label = func.coalesce(column, literal(UNKNOWN))
        return [(value, int(n)) for value, n in session.execute(
            select(label, func.count()).where(*unique).group_by(label).order_by(func.count().desc(), label))]

    top_states = [(state, n) for state, n in counted(Posting.state) if state != UNKNOWN][:top]
    top_certs = session.execute(
        select(Certification.code, count_if(PostingCertification.strength == "required"), func.count())
        .join(PostingCertification, PostingCertification.certification_id == Certification.id)
        .join(Posting, Posting.id == PostingCertification.posting_id)
        .where(*unique).group_by(Certification.code).order_by(func.count().desc(), Certification.code).limit(top))
    return Overview(
        postings=int(unique_count or 0), postings_total=int(total or 0), employers=int(employers or 0),
        with_pay=int(with_pay or 0),
        pay_annual=dict(zip(QUARTILE_NAMES, annual or [None] * 3, strict=True)),
        pay_hourly=dict(zip(QUARTILE_NAMES, hourly or [None] * 3, strict=True)),
        work_mode=dict(counted(Posting.work_mode)), roles=dict(counted(Posting.role)), top_states=top_states,
        top_certifications=[(code, int(required or 0), int(n)) for code, required, n in top_certs])


def unique_jobs(session: Session, filters: Filters | None = None) -> int:
    """How many unique jobs the filters cover (0: there is nothing to report)."""
    where = (filters or Filters()).where()
    return int(session.scalar(select(func.count()).select_from(Posting).where(*where, not_duplicate())) or 0)
