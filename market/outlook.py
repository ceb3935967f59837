"""The career outlook behind `emr-jobs outlook` and the report's outlook section: what a person
entering the occupation asks, answered from the unique jobs in scope (open ones by default).

- credentials required vs preferred (vs to obtain after hire), by role;
- what entry-level jobs pay beside experienced ones;
- which employer types hire, and in which states;
- how much of the work is remote or hybrid, overall and by role;
- how many years of experience and which education are asked for.

Every figure carries its n (the postings behind it); a figure from fewer than MIN_CELL postings is
marked too few. Everything is aggregated in SQL (counts, conditional counts, grouped quantiles); only
a few rows per group come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from emr_jobs.market.queries import (
    ANNUAL_MID,
    ENTRY_LEVEL_GROUPS,
    ENTRY_LEVEL_LABEL,
    HOURLY_MID,
    UNKNOWN,
    Filters,
    count_if,
    group_label,
    grouped_quantiles,
    not_duplicate,
    pay_usd,
    share,
)
from emr_jobs.pipeline.posting import CERT_STRENGTHS, EDUCATION_LEVELS
from emr_jobs.store.models import Certification, Posting, PostingCertification

MIN_CELL = 5  # a figure from fewer postings is marked too few
ALL = "all"
TOP_CREDENTIALS_PER_ROLE = 6
TOP_STATES_PER_TYPE = 3
# experience_years_min buckets, in display order
EXPERIENCE_BUCKETS = ("no experience", "under 1 year", "1 year", "2 years", "3-4 years", "5+ years", "not stated")
BACHELOR_OR_MORE = ("bachelor", "master")


@dataclass(frozen=True)
class Figure:
    """One number with the count of postings behind it."""

    value: float | None
    n: int

    @property
    def too_few(self) -> bool:
        return self.n < MIN_CELL

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "n": self.n, "too_few": self.too_few}


def _share(part: int, whole: int) -> Figure:
    return Figure(share(part, whole), whole)


@dataclass
class CredentialRow:
    role: str
    code: str
    postings: int  # unique jobs of the role (the n of each share)
    shares: dict[str, Figure]  # strength -> share of the role's jobs

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "code": self.code, "postings": self.postings,
                **{strength: figure.as_dict() for strength, figure in self.shares.items()}}


@dataclass
class PayRow:
    group: str  # entry_level / experienced / unknown
    postings: int
    annual_median: Figure  # n = jobs of the group with pay
    hourly_median: Figure

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "postings": self.postings, "annual_median": self.annual_median.as_dict(),
                "hourly_median": self.hourly_median.as_dict()}


@dataclass
class EmployerRow:
    employer_type: str
    share: Figure  # of all jobs in scope
    postings: int
    top_states: list[tuple[str, int]]

    def as_dict(self) -> dict[str, Any]:
        return {"employer_type": self.employer_type, "postings": self.postings, "share": self.share.as_dict(),
                "top_states": [{"state": state, "postings": n} for state, n in self.top_states]}


@dataclass
class WorkModeRow:
    role: str  # ALL for every role
    postings: int
    remote: Figure
    hybrid: Figure
    onsite: Figure
    not_stated: Figure  # the posting does not say where the work is done

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "postings": self.postings, "remote": self.remote.as_dict(),
                "hybrid": self.hybrid.as_dict(), "onsite": self.onsite.as_dict(),
                "not_stated": self.not_stated.as_dict()}


@dataclass
class RequirementRow:
    role: str  # ALL for every role
    postings: int
    experience_median: Figure  # median experience_years_min; n = jobs stating years
    entry_level: Figure  # share open to someone starting out; n = jobs of the role
    bachelor_or_more: Figure  # share asking a bachelor's or more; n = jobs stating an education

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "postings": self.postings, "experience_years_median": self.experience_median.as_dict(),
                "entry_level": self.entry_level.as_dict(), "bachelor_or_more": self.bachelor_or_more.as_dict()}


@dataclass
class Outlook:
    postings: int  # unique jobs in scope
    credentials: list[CredentialRow] = field(default_factory=list)
    pay: list[PayRow] = field(default_factory=list)
    employers: list[EmployerRow] = field(default_factory=list)
    work_mode: list[WorkModeRow] = field(default_factory=list)
    requirements: list[RequirementRow] = field(default_factory=list)
    experience: list[tuple[str, Figure]] = field(default_factory=list)  # bucket -> share of all jobs
    education: list[tuple[str, Figure]] = field(default_factory=list)  # level -> share of all jobs
    education_or_equivalent: Figure = field(default_factory=lambda: Figure(None, 0))  # of jobs stating one

    def as_dict(self) -> dict[str, Any]:
        return {
            "postings": self.postings,
            "min_cell": MIN_CELL,
            "credentials_by_role": [row.as_dict() for row in self.credentials],
            "pay_by_entry_level": [row.as_dict() for row in self.pay],
            "employer_types": [row.as_dict() for row in self.employers],
            "work_mode_by_role": [row.as_dict() for row in self.work_mode],
            "requirements_by_role": [row.as_dict() for row in self.requirements],
            "experience_years": [{"bucket": b, **f.as_dict()} for b, f in self.experience],
            "education": [{"level": level, **f.as_dict()} for level, f in self.education],
            "education_or_equivalent": self.education_or_equivalent.as_dict(),
        }


def _experience_bucket() -> ColumnElement[str]:
    years = Posting.experience_years_min
    bounds = ((0, "no experience"), (1, "under 1 year"), (2, "1 year"), (3, "2 years"), (5, "3-4 years"))
    return case((years.is_(None), literal(EXPERIENCE_BUCKETS[-1])),
                *(((years <= 0) if upper == 0 else (years < upper), literal(name)) for upper, name in bounds),
                else_=literal("5+ years"))


def _credentials(session: Session, where: list, role_totals: dict[str, int]) -> list[CredentialRow]:
    role = group_label(Posting.role)
    counts = [count_if(PostingCertification.strength == strength) for strength in CERT_STRENGTHS]
    rows = session.execute(
        select(role, Certification.code, func.count(), *counts)
        .join(PostingCertification, PostingCertification.posting_id == Posting.id)
        .join(Certification, Certification.id == PostingCertification.certification_id)
        .where(*where).group_by(role, Certification.code)
        .order_by(role, func.count().desc(), Certification.code)).all()
    result: list[CredentialRow] = []
    per_role: dict[str, int] = {}
    for role_value, code, _mentions, *by_strength in rows:
        if per_role.get(role_value, 0) >= TOP_CREDENTIALS_PER_ROLE:
            continue
        per_role[role_value] = per_role.get(role_value, 0) + 1
        total = role_totals.get(role_value, 0)
        shares = {strength: _share(int(n or 0), total) for strength, n in zip(CERT_STRENGTHS, by_strength, strict=True)}
        result.append(CredentialRow(role_value, code, total, shares))
    return result


def _pay(session: Session, where: list) -> list[PayRow]:
    label = ENTRY_LEVEL_LABEL
    counts = {g: (int(n), int(paid or 0)) for g, n, paid in session.execute(
        select(label, func.count(), count_if(pay_usd())).where(*where).group_by(label))}
    priced = [*where, pay_usd()]
    annual = grouped_quantiles(session, select(label.label("g"), ANNUAL_MID.label("x")).where(*priced), (0.5,))
    hourly = grouped_quantiles(session, select(label.label("g"), HOURLY_MID.label("x")).where(*priced), (0.5,))
    rows = []
    for group in (*ENTRY_LEVEL_GROUPS, UNKNOWN):
        if group not in counts:
            continue
        postings, paid = counts[group]
        rows.append(PayRow(group, postings, Figure(annual.get(group, [None])[0], paid),
                           Figure(hourly.get(group, [None])[0], paid)))
    return rows


def _employers(session: Session, where: list, total: int) -> list[EmployerRow]:
    kind, state = group_label(Posting.employer_type), group_label(Posting.state)
    by_type: dict[str, EmployerRow] = {}
    for kind_value, state_value, n in session.execute(
            select(kind, state, func.count()).where(*where).group_by(kind, state)
            .order_by(kind, func.count().desc(), state)):
        row = by_type.setdefault(kind_value, EmployerRow(kind_value, Figure(None, total), 0, []))
        row.postings += int(n)
        if state_value != UNKNOWN and len(row.top_states) < TOP_STATES_PER_TYPE:
            row.top_states.append((state_value, int(n)))
    for row in by_type.values():
        row.share = _share(row.postings, total)
    return sorted(by_type.values(), key=lambda r: (-r.postings, r.employer_type))


def _by_role(session: Session, where: list) -> tuple[list[WorkModeRow], list[RequirementRow], dict[str, int]]:
    """Work-mode shares and requirement figures per role, and the overall row (ALL) first."""
    role = group_label(Posting.role)
    columns = (func.count(), count_if(Posting.work_mode == "remote"), count_if(Posting.work_mode == "hybrid"),
               count_if(Posting.work_mode == "onsite"), count_if(Posting.entry_level.is_(True)),
               count_if(Posting.experience_years_min.is_not(None)), count_if(Posting.education_min.is_not(None)),
               count_if(Posting.education_min.in_(BACHELOR_OR_MORE)))
    everyone = literal(ALL)
    per_group = session.execute(select(everyone, *columns).where(*where)).all() + session.execute(
        select(role, *columns).where(*where).group_by(role).order_by(func.count().desc(), role)).all()
    medians = grouped_quantiles(session, select(role.label("g"), Posting.experience_years_min.label("x"))
                                .where(*where), (0.5,))
    medians.update(grouped_quantiles(session, select(everyone.label("g"), Posting.experience_years_min.label("x"))
                                     .where(*where), (0.5,)))
    modes, requirements, totals = [], [], {}
    for group, n, remote, hybrid, onsite, entry, with_years, with_education, bachelor in per_group:
        n = int(n or 0)
        if n == 0:
            continue
        totals[group] = n
        remote, hybrid, onsite = int(remote or 0), int(hybrid or 0), int(onsite or 0)
        modes.append(WorkModeRow(group, n, _share(remote, n), _share(hybrid, n), _share(onsite, n),
                                 _share(n - remote - hybrid - onsite, n)))
        requirements.append(RequirementRow(group, n, Figure(medians.get(group, [None])[0], int(with_years or 0)),
                                           _share(int(entry or 0), n),
                                           _share(int(bachelor or 0), int(with_education or 0))))
    return modes, requirements, totals


def outlook(session: Session, filters: Filters | None = None) -> Outlook:
    """The career outlook of the unique jobs that `filters` select (open ones by default)."""
    where = [*(filters or Filters()).where(), not_duplicate()]
    modes, requirements, totals = _by_role(session, where)
    total = totals.get(ALL, 0)
    result = Outlook(postings=total, work_mode=modes, requirements=requirements)
    if not total:
        return result
    result.credentials = _credentials(session, where, totals)
    result.pay = _pay(session, where)
    result.employers = _employers(session, where, total)
    bucket = _experience_bucket()
    buckets = dict(session.execute(select(bucket, func.count()).where(*where).group_by(bucket)).all())
    result.experience = [(name, _share(int(buckets[name]), total)) for name in EXPERIENCE_BUCKETS if name in buckets]
    level = group_label(Posting.education_min)
    levels = dict(session.execute(select(level, func.count()).where(*where).group_by(level)).all())
    result.education = [(name, _share(int(levels[name]), total)) for name in (*EDUCATION_LEVELS, UNKNOWN)
                        if name in levels]
    stated, equivalent = session.execute(
        select(count_if(Posting.education_min.is_not(None)),
               count_if(and_(Posting.education_min.is_not(None), Posting.education_or_equivalent.is_(True))))
        .where(*where)).one()
    result.education_or_equivalent = _share(int(equivalent or 0), int(stated or 0))
    return result
