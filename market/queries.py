"""Market queries answered by SQL aggregation: filters, unique-job selection, grouped quantiles
(window functions, identical on SQLite >= 3.25 and PostgreSQL) and `emr-jobs stats --by`.

Only aggregated rows come back to Python (a few per group), never one row per posting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from emr_jobs.market.dimensions import DIMENSION_COLUMNS
from emr_jobs.store.models import Certification, Posting, PostingCertification, PostingDuplicate
from emr_jobs.vocabulary import CertStrength, values

QUARTILES = (0.25, 0.5, 0.75)
UNKNOWN = "unknown"
CERT_STRENGTHS = values(CertStrength)

ENTRY_LEVEL_GROUPS = ("entry_level", "experienced")  # entry_level true / false; NULL is UNKNOWN
# entry_level as a group label (a boolean column cannot be coalesced with text on PostgreSQL)
ENTRY_LEVEL_LABEL = case((Posting.entry_level.is_(True), literal(ENTRY_LEVEL_GROUPS[0])),
                         (Posting.entry_level.is_(False), literal(ENTRY_LEVEL_GROUPS[1])), else_=literal(UNKNOWN))

# Dimension name (as in the CLI, with hyphens) -> the posting column (or label) it groups by.
DIMENSIONS: dict[str, Any] = {name: ENTRY_LEVEL_LABEL if column == "entry_level" else getattr(Posting, column)
                              for name, column in DIMENSION_COLUMNS.items()}
BY_CHOICES = (*DIMENSIONS, "certification")

# One pay figure per posting: the midpoint of its range, or its one stated end.
ANNUAL_MID = func.coalesce((Posting.pay_annual_min + Posting.pay_annual_max) / 2, Posting.pay_annual_min,
                           Posting.pay_annual_max)
HOURLY_MID = func.coalesce((Posting.pay_hourly_min + Posting.pay_hourly_max) / 2, Posting.pay_hourly_min,
                           Posting.pay_hourly_max)


def not_duplicate() -> ColumnElement[bool]:
    """True for a unique job: a posting in no duplicate group, or its group's canonical posting."""
    members = select(PostingDuplicate.posting_id).where(
        PostingDuplicate.posting_id != PostingDuplicate.canonical_posting_id)
    return Posting.id.not_in(members)


def pay_usd() -> ColumnElement[bool]:
    return and_(Posting.pay_period.is_not(None), Posting.pay_currency == "USD")


@dataclass(frozen=True)
class Filters:
    """Which postings a query covers: open ones, or with `since` every posting open at any time
    on or after that date (closed ones included); optionally one state and one role."""

    state: str | None = None
    role: str | None = None
    since: date | None = None

    def where(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.since is None:
            conditions.append(Posting.closed_at.is_(None))
        else:
            start = datetime.combine(self.since, time(0), tzinfo=UTC)
            conditions.append(or_(Posting.closed_at.is_(None), Posting.closed_at >= start))
        if self.state:
            conditions.append(Posting.state == self.state.upper())
        if self.role:
            conditions.append(Posting.role == self.role)
        return conditions


def quantile_positions(points: Sequence[float]) -> list[Fraction]:
    return [Fraction(point).limit_denominator(1000) for point in points]


def grouped_quantiles(session: Session, values: Select, points: Sequence[float] = QUARTILES
                      ) -> dict[Any, list[float | None]]:
    """Linear-interpolated quantiles per group of `values`, a select of two labelled columns
    `g` (the group) and `x` (the value).

    SQL counts each distinct value per group and ranks the (far fewer) distinct values with
    cumulative sums; only the distinct values holding the ranks around each quantile position
    come back (at most two per quantile and group). Pay figures repeat a lot, so this sorts much
    less than ranking every row."""
    base = values.where(values.selected_columns.x.is_not(None)).subquery()
    counted = (select(base.c.g, base.c.x, func.count().label("k")).group_by(base.c.g, base.c.x)).subquery()
    ranked = select(
        counted.c.g, counted.c.x, counted.c.k,
        # sums are numeric on PostgreSQL: back to integers so that // below is integer division
        cast(func.sum(counted.c.k).over(partition_by=counted.c.g, order_by=counted.c.x, rows=(None, 0)),
             Integer).label("upto"),
        cast(func.sum(counted.c.k).over(partition_by=counted.c.g), Integer).label("n")).subquery()
    fractions = quantile_positions(points)
    # 1-based ranks floor(p * (n - 1)) + 1 and + 2, by integer floor division: the same on both databases.
    ranks = [((ranked.c.n - 1) * fraction.numerator) // fraction.denominator + 1 for fraction in fractions]
    # the distinct value covering rank r is the one with upto - k < r <= upto
    near = or_(*[and_(ranked.c.upto >= rank, ranked.c.upto - ranked.c.k < rank + 2) for rank in ranks])
    by_group: dict[Any, tuple[int, list[tuple[int, int, float]]]] = {}
    for group, value, count, upto, total in session.execute(
            select(ranked.c.g, ranked.c.x, ranked.c.k, ranked.c.upto, ranked.c.n).where(near)):
        by_group.setdefault(group, (int(total), []))[1].append((int(upto) - int(count) + 1, int(upto), float(value)))
    result = {}
    for group, (total, spans) in by_group.items():
        figures: list[float | None] = []
        for fraction in fractions:
            position = fraction * (total - 1)
            lower = int(position)  # floor: position >= 0
            low = _value_at_rank(spans, lower + 1)
            high = _value_at_rank(spans, lower + 2) if lower + 2 <= total else low
            figures.append(round(low + (high - low) * float(position - lower), 2))
        result[group] = figures
    return result


def _value_at_rank(spans: list[tuple[int, int, float]], rank: int) -> float:
    """The value whose run of equal values (first rank, last rank) holds `rank`."""
    return next(value for first, last, value in spans if first <= rank <= last)


def group_label(column) -> ColumnElement[str]:
    return func.coalesce(column, literal(UNKNOWN))


@dataclass
class GroupStats:
    group: str
    postings: int  # unique jobs
    postings_total: int  # every posting, duplicates included
    with_pay: int
    pay_annual: list[float | None] = field(default_factory=lambda: [None, None, None])
    pay_hourly: list[float | None] = field(default_factory=lambda: [None, None, None])
    share: float | None = None  # of all unique jobs in scope

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "postings": self.postings, "postings_total": self.postings_total,
                "share": self.share, "with_pay": self.with_pay,
                "pay_disclosed_share": _ratio(self.with_pay, self.postings),
                "annual_p25": self.pay_annual[0], "annual_median": self.pay_annual[1],
                "annual_p75": self.pay_annual[2], "hourly_p25": self.pay_hourly[0],
                "hourly_median": self.pay_hourly[1], "hourly_p75": self.pay_hourly[2]}


@dataclass
class CertStats:
    code: str
    name: str
    postings: int  # unique jobs asking for it at any strength
    by_strength: dict[str, int]
    scope: int  # unique jobs in scope (the denominator of the shares)
    annual_median: float | None = None

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"code": self.code, "name": self.name, "postings": self.postings,
                               "share": _ratio(self.postings, self.scope)}
        for strength in CERT_STRENGTHS:
            row[strength] = self.by_strength.get(strength, 0)
            row[f"{strength}_share"] = _ratio(self.by_strength.get(strength, 0), self.scope)
        row["annual_median"] = self.annual_median
        return row


def count_if(condition: ColumnElement[bool]):
    return func.sum(case((condition, 1), else_=0))


SHARE_DIGITS = 4  # a share is a fraction with 4 decimals: a percentage with 2, shown as it is


def share(part: int, whole: int) -> float | None:
    """part / whole, rounded once (half up, exactly) to SHARE_DIGITS decimals; None without a whole.
    Every share of stats, stats --by, the outlook, the snapshot and the report comes from here, and
    every display shows it as a percentage with 2 decimals, so they agree to the digit."""
    if not whole:
        return None
    exact = Decimal(int(part)) / Decimal(int(whole))
    return float(exact.quantize(Decimal(1).scaleb(-SHARE_DIGITS), rounding=ROUND_HALF_UP))


def percent_text(value: float | None) -> str:
    """A share as the percentage it already is (no second rounding): 0.1235 -> '12.35%'."""
    if value is None:
        return "-"
    return f"{Decimal(repr(value)).scaleb(2).quantize(Decimal('0.01'))}%"


_ratio = share


def stats_by(session: Session, by: str, filters: Filters = Filters()) -> list[GroupStats]:
    """Unique and total postings, pay disclosure and pay quartiles per group of `by`."""
    column = group_label(DIMENSIONS[by])
    where = filters.where()
    unique = not_duplicate()
    counts = session.execute(
        select(column.label("g"), func.count(), count_if(unique), count_if(and_(unique, Posting.pay_period.is_not(None))))
        .where(*where).group_by(column)).all()
    priced = [*where, unique, pay_usd()]
    annual = grouped_quantiles(session, select(column.label("g"), ANNUAL_MID.label("x")).where(*priced))
    hourly = grouped_quantiles(session, select(column.label("g"), HOURLY_MID.label("x")).where(*priced))
    scope = sum(int(u or 0) for _, _, u, _ in counts)
    rows = [GroupStats(group=g, postings=int(u or 0), postings_total=int(total), with_pay=int(paid or 0),
                       pay_annual=annual.get(g, [None] * 3), pay_hourly=hourly.get(g, [None] * 3),
                       share=_ratio(int(u or 0), scope))
            for g, total, u, paid in counts]
    rows.sort(key=lambda r: (-r.postings, r.group))
    return rows


def certification_stats(session: Session, filters: Filters = Filters()) -> list[CertStats]:
    """Per certification: unique jobs requiring, preferring or asking to obtain it, and their shares."""
    where = [*filters.where(), not_duplicate()]
    scope = session.scalar(select(func.count()).select_from(Posting).where(*where)) or 0
    rows = session.execute(
        select(Certification.code, Certification.name, PostingCertification.strength, func.count())
        .join(PostingCertification, PostingCertification.certification_id == Certification.id)
        .join(Posting, Posting.id == PostingCertification.posting_id)
        .where(*where).group_by(Certification.code, Certification.name, PostingCertification.strength)).all()
    medians = grouped_quantiles(session, select(Certification.code.label("g"), ANNUAL_MID.label("x"))
                                .join(PostingCertification, PostingCertification.certification_id == Certification.id)
                                .join(Posting, Posting.id == PostingCertification.posting_id)
                                .where(*where, pay_usd()), points=(0.5,))
    by_code: dict[str, CertStats] = {}
    for code, name, strength, count in rows:
        entry = by_code.setdefault(code, CertStats(code, name, 0, {}, scope, medians.get(code, [None])[0]))
        entry.by_strength[strength] = int(count)
        entry.postings += int(count)  # one strength per posting and credential (the strongest)
    return sorted(by_code.values(), key=lambda c: (-c.postings, c.code))


def query_stats(session: Session, by: str, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """`emr-jobs stats --by BY`: one dict per group (or per certification)."""
    if by == "certification":
        return [c.as_dict() for c in certification_stats(session, filters)]
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; choose from {', '.join(BY_CHOICES)}")
    return [g.as_dict() for g in stats_by(session, by, filters)]
