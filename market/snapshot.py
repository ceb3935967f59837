"""Dated market snapshots: after each refresh, the market's figures overall and by state, role,
employer type and work mode, stored as rows of market_snapshot_values so trends can be read later.

One snapshot per UTC date: taking it again the same day replaces that day's snapshot (idempotent).
"New" and "closed" count postings first seen / closed after the previous day's snapshot (its
`as_of`) and up to this one's; the first snapshot counts everything. Figures are over unique jobs
(duplicate groups count once); `active_total` counts every posting. "Days open" is the age of
each active job at `as_of`, from its posted date (else first seen). Sources whose crawl failed
are named in `failed_sources`; their postings were not closed (the store only closes on a
successful crawl), so they are not counted as closed.

All aggregation is SQL: one pass copies the postings in scope into a narrow temporary table,
then every figure is a GROUP BY (or a window-function quantile) over it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    case,
    delete,
    extract,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)

from market.bls import BLS_OEWS_2024
from market.queries import ANNUAL_MID, HOURLY_MID, UNKNOWN, grouped_quantiles, not_duplicate, pay_usd
from pipeline.models import (
    Certification,
    MarketSnapshot,
    MarketSnapshotValue,
    Posting,
    PostingCertification,
    UTCDateTime,
    utcnow,
)

METHOD_VERSION = "2026.1"  # bump when a figure's definition changes
SNAPSHOT_DIMENSIONS = ("overall", "state", "role", "employer_type", "work_mode")
OVERALL = "all"

_scope_metadata = MetaData()
SCOPE = Table(
    "snapshot_scope", _scope_metadata,
    Column("id", Integer, primary_key=True),
    Column("state", String(60)), Column("role", String(60)), Column("employer_type", String(60)),
    Column("work_mode", String(60)),
    Column("is_active", Integer), Column("is_unique", Integer), Column("is_new", Integer),
    Column("is_closed", Integer), Column("has_pay", Integer),
    Column("annual", Float), Column("hourly", Float), Column("days_open", Float),
    prefixes=["TEMPORARY"],
)


@dataclass
class SnapshotResult:
    snapshot_id: int
    snapshot_date: date
    as_of: datetime
    values: int
    overall: dict[str, float | None] = field(default_factory=dict)
    failed_sources: list[dict[str, Any]] = field(default_factory=list)


def days_since(connection: Connection, column, as_of: datetime):
    """Days from `column` to `as_of`, in SQL for the connection's dialect."""
    if connection.dialect.name == "sqlite":  # UTCDateTime stores naive UTC ISO text on SQLite
        stamp = as_of.replace(tzinfo=None).isoformat(sep=" ")
        return func.julianday(literal(stamp)) - func.julianday(column)
    return extract("epoch", literal(as_of, UTCDateTime()) - column) / 86400.0


def _flag(condition) -> Any:
    return case((condition, 1), else_=0)


def _fill_scope(connection: Connection, as_of: datetime, window_start: datetime | None) -> None:
    SCOPE.drop(connection, checkfirst=True)
    SCOPE.create(connection)
    after_window = (lambda column: column > window_start) if window_start else (lambda column: true())
    priced = pay_usd()
    label = lambda column: func.coalesce(column, literal(UNKNOWN))  # noqa: E731
    source = select(
        Posting.id, label(Posting.state), label(Posting.role), label(Posting.employer_type), label(Posting.work_mode),
        _flag(Posting.closed_at.is_(None)), _flag(not_duplicate()), _flag(after_window(Posting.first_seen)),
        _flag(Posting.closed_at.is_not(None)), _flag(priced),
        case((priced, ANNUAL_MID)), case((priced, HOURLY_MID)),
        case((Posting.closed_at.is_(None),
              days_since(connection, func.coalesce(Posting.posted_at, Posting.first_seen), as_of))),
    ).where(or_(Posting.closed_at.is_(None), after_window(Posting.closed_at)))
    connection.execute(insert(SCOPE).from_select([c.name for c in SCOPE.columns], source))


def _group(dimension: str):
    return literal(OVERALL) if dimension == "overall" else SCOPE.c[dimension]


COMBO_KEYS = ("state", "role", "employer_type", "work_mode")
COUNT_METRICS = ("active_total", "active_unique", "new_unique", "closed_unique", "new_total", "closed_total")


def _combo_counts(connection: Connection) -> list[tuple[dict[str, str], list[int]]]:
    """One GROUP BY over every combination of the four dimensions: each combination's counts
    (COUNT_METRICS, then active unique jobs that disclose pay). Every dimension's counts and
    shares are sums of these few rows, so the scope is scanned once for all of them."""
    c = SCOPE.c
    keys = [c[name] for name in COMBO_KEYS]
    rows = connection.execute(select(
        *keys, func.sum(c.is_active), func.sum(c.is_active * c.is_unique), func.sum(c.is_new * c.is_unique),
        func.sum(c.is_closed * c.is_unique), func.sum(c.is_new), func.sum(c.is_closed),
        func.sum(c.is_active * c.is_unique * c.has_pay)).group_by(*keys))
    return [(dict(zip(COMBO_KEYS, row[:4], strict=True)), [int(n or 0) for n in row[4:]]) for row in rows]


def _rollup(combos: list[tuple[dict[str, str], list[int]]], dimension: str, category: str | None = None
            ) -> dict[Any, list[int]]:
    """Sum the combinations' counts per group of `dimension` (and per `category` value when given)."""
    sums: dict[Any, list[int]] = {}
    for keys, counts in combos:
        group = OVERALL if dimension == "overall" else keys[dimension]
        key = (group, keys[category]) if category else group
        total = sums.setdefault(key, [0] * len(counts))
        for index, count in enumerate(counts):
            total[index] += count
    return sums


def _dimension_values(connection: Connection, dimension: str,
                      combos: list[tuple[dict[str, str], list[int]]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(group: str, metric: str, value: float | None, category: str = "") -> None:
        rows.append({"dimension": dimension, "group_value": str(group)[:60], "metric": metric,
                     "category": str(category)[:40], "value": value})

    g = _group(dimension).label("g")
    c = SCOPE.c
    active_unique: dict[str, int] = {}
    unique_index, paid_index = COUNT_METRICS.index("active_unique"), len(COUNT_METRICS)
    for group, counts in _rollup(combos, dimension).items():
        unique = counts[unique_index]
        active_unique[group] = unique
        for metric, value in zip(COUNT_METRICS, counts, strict=False):
            add(group, metric, float(value))
        add(group, "pay_disclosed_share", round(counts[paid_index] / unique, 4) if unique else None)
    current = [c.is_active == 1, c.is_unique == 1]
    for metric, column, points, names in (("pay_annual", c.annual, (0.25, 0.5, 0.75), ("p25", "median", "p75")),
                                          ("pay_hourly", c.hourly, (0.25, 0.5, 0.75), ("p25", "median", "p75")),
                                          ("days_open", c.days_open, (0.5,), ("median",))):
        figures = grouped_quantiles(connection, select(g, column.label("x")).where(*current), points)
        for group, values in figures.items():
            for name, value in zip(names, values, strict=True):
                add(group, f"{metric}_{name}", value)
    for metric, category_name in (("work_mode_share", "work_mode"), ("employer_type_share", "employer_type")):
        for (group, category), counts in _rollup(combos, dimension, category_name).items():
            count = counts[unique_index]
            if count:
                add(group, metric, round(count / active_unique[group], 4), category)
    cert_counts = connection.execute(
        select(g, Certification.code, PostingCertification.strength, func.count())
        .select_from(SCOPE)
        .join(PostingCertification, PostingCertification.posting_id == c.id)
        .join(Certification, Certification.id == PostingCertification.certification_id)
        .where(*current).group_by(g, Certification.code, PostingCertification.strength)).all()
    any_strength: dict[tuple[str, str], int] = {}
    for group, code, strength, count in cert_counts:
        whole = active_unique.get(group)
        add(group, f"cert_{strength}_share", round(count / whole, 4) if whole else None, code)
        any_strength[(group, code)] = any_strength.get((group, code), 0) + int(count)
    for (group, code), count in any_strength.items():
        whole = active_unique.get(group)
        add(group, "cert_any_share", round(count / whole, 4) if whole else None, code)
    return rows


def take_snapshot(engine: Engine, snapshot_date: date, as_of: datetime | None = None,
                  failed_sources: Iterable[dict[str, Any]] = ()) -> SnapshotResult:
    """Compute and store the market snapshot for `snapshot_date`, replacing one taken earlier that day."""
    as_of = as_of or utcnow()
    failed = list(failed_sources)
    with engine.begin() as connection:
        window_start = connection.scalar(
            select(MarketSnapshot.as_of).where(MarketSnapshot.snapshot_date < snapshot_date)
            .order_by(MarketSnapshot.snapshot_date.desc()).limit(1))
        _fill_scope(connection, as_of, window_start)
        values: list[dict[str, Any]] = []
        combos = _combo_counts(connection)
        for dimension in SNAPSHOT_DIMENSIONS:
            values += _dimension_values(connection, dimension, combos)
        SCOPE.drop(connection)
        old = select(MarketSnapshot.id).where(MarketSnapshot.snapshot_date == snapshot_date).scalar_subquery()
        connection.execute(delete(MarketSnapshotValue).where(MarketSnapshotValue.snapshot_id == old))
        connection.execute(delete(MarketSnapshot).where(MarketSnapshot.snapshot_date == snapshot_date))
        snapshot_id = connection.execute(insert(MarketSnapshot).values(
            snapshot_date=snapshot_date, method_version=METHOD_VERSION, as_of=as_of, window_start=window_start,
            created_at=utcnow(), failed_sources=failed, benchmark=BLS_OEWS_2024.as_dict())
            .returning(MarketSnapshot.id)).scalar_one()
        for row in values:
            row["snapshot_id"] = snapshot_id
        if values:
            connection.execute(insert(MarketSnapshotValue), values)
    overall = {row["metric"]: row["value"] for row in values if row["dimension"] == "overall" and not row["category"]}
    return SnapshotResult(snapshot_id, snapshot_date, as_of, len(values), overall, failed)
