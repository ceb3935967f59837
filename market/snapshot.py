"""Dated market snapshots: after each refresh, the market's figures overall and by state, role,
employer type and work mode, stored as rows of market_snapshot_values so trends can be read later.

One snapshot per UTC date: taking it again the same day replaces that day's snapshot (idempotent).
"New" and "closed" count postings first seen / closed after the previous day's snapshot (its
`as_of`) and up to this one's; the first snapshot counts everything. Figures are over unique jobs
(duplicate groups count once); `active_total` counts every posting. "Days open" is the age of
each active job at `as_of`, from its posted date (else first seen). Sources whose crawl failed
are named in `failed_sources`; their postings were not closed (the store only closes on a
successful crawl), so they are not counted as closed.

One streamed SQL pass reads the postings in scope as narrow columns and one more their
certifications (market/frame.py); every figure is then a vectorized group operation. The same
frame gives the rows of `emr-jobs stats --by`, stored for as long as the data stays unchanged
(market/stats_cache.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
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

from emr_jobs.market.bls import BLS_OEWS_2024
from emr_jobs.market.dimensions import DIMENSION_COLUMNS, LABEL_GROUPS, SNAPSHOT_COLUMNS
from emr_jobs.market.frame import (
    FLAGS,
    LABEL_SEPARATOR,
    Codes,
    Frame,
    pair_counts,
    read_frame,
)
from emr_jobs.market.queries import (
    ANNUAL_MID,
    DIMENSIONS,
    HOURLY_MID,
    QUARTILES,
    group_label,
    not_duplicate,
    pay_usd,
    share,
)
from emr_jobs.market.stats_cache import begin_reading, store_frame_stats
from emr_jobs.store.models import (
    Certification,
    MarketSnapshot,
    MarketSnapshotValue,
    Posting,
    PostingCertification,
    UTCDateTime,
    utcnow,
)

METHOD_VERSION = "2026.1"  # bump when a figure's definition changes
SNAPSHOT_DIMENSIONS = ("overall", *SNAPSHOT_COLUMNS)
# posting column -> the label it groups by (as `stats --by` groups: entry_level as a text label)
COLUMN_LABELS = {DIMENSION_COLUMNS[name]: label for name, label in DIMENSIONS.items()}

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


def scope_select(connection: Connection, as_of: datetime, window_start: datetime | None) -> Select:
    """The postings a snapshot covers (open, or closed since the previous snapshot), as the narrow
    columns of emr_jobs.market.frame.SCOPE_COLUMNS."""
    after_window = (lambda column: column > window_start) if window_start else (lambda column: true())
    priced = pay_usd()
    joined_labels = []
    for group in LABEL_GROUPS:
        labels = [group_label(COLUMN_LABELS[column]) for column in group]
        joined = labels[0]
        for label in labels[1:]:
            joined = joined.concat(LABEL_SEPARATOR).concat(label)
        joined_labels.append(joined)
    conditions = {"active": Posting.closed_at.is_(None), "unique": not_duplicate(),
                  "new": after_window(Posting.first_seen), "closed": Posting.closed_at.is_not(None), "paid": priced,
                  "stated": Posting.pay_period.is_not(None)}
    flags = sum(_flag(conditions[name]) * (1 << bit) for bit, name in enumerate(FLAGS))
    return select(
        Posting.id, *joined_labels, flags,
        case((priced, ANNUAL_MID)), case((priced, HOURLY_MID)),
        case((Posting.closed_at.is_(None),
              days_since(connection, func.coalesce(Posting.posted_at, Posting.first_seen), as_of))),
    ).where(or_(Posting.closed_at.is_(None), after_window(Posting.closed_at)))


def certifications_select() -> Select:
    """Certification mentions of open postings: posting id, code, strength."""
    return (select(PostingCertification.posting_id, Certification.code, PostingCertification.strength)
            .join(Certification, Certification.id == PostingCertification.certification_id)
            .where(PostingCertification.posting_id.in_(select(Posting.id).where(Posting.closed_at.is_(None)))))


# metric -> the flags a posting must have to count in it
COUNT_METRICS = {
    "active_total": ("active",),
    "active_unique": ("active", "unique"),
    "new_unique": ("new", "unique"),
    "closed_unique": ("closed", "unique"),
    "new_total": ("new",),
    "closed_total": ("closed",),
}
QUANTILE_METRICS = (
    ("pay_annual", "annual", QUARTILES, ("p25", "median", "p75")),
    ("pay_hourly", "hourly", QUARTILES, ("p25", "median", "p75")),
    ("days_open", "days_open", (0.5,), ("median",)),
)


def _dimension_values(frame: Frame, dimension: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(group: Any, metric: str, value: float | None, category: Any = "") -> None:
        rows.append({"dimension": dimension, "group_value": str(group)[:60], "metric": metric,
                     "category": str(category)[:40], "value": value})

    groups = frame.groups(dimension)
    present = frame.counts(dimension, ())
    counts = {metric: frame.counts(dimension, flags) for metric, flags in COUNT_METRICS.items()}
    current = frame.current()
    paid = frame.counts(dimension, ("active", "unique", "paid"))
    active_unique: dict[Any, int] = {}
    for code, group in enumerate(groups.labels):
        if not present[code]:
            continue
        unique = int(counts["active_unique"][code])
        active_unique[group] = unique
        for metric in COUNT_METRICS:
            add(group, metric, float(counts[metric][code]))
        add(group, "pay_disclosed_share", share(int(paid[code]), unique))
    for metric, measure, points, names in QUANTILE_METRICS:
        for group, values in frame.quantiles(dimension, measure, points).items():
            for name, value in zip(names, values, strict=True):
                add(group, f"{metric}_{name}", value)
    for metric, category in (("work_mode_share", "work_mode"), ("employer_type_share", "employer_type")):
        for (group, value), count in pair_counts(groups, frame.dimensions[category], current).items():
            add(group, metric, share(count, active_unique[group]), value)
    strengths = len(frame.cert_strengths.labels)
    mentions = Codes(frame.cert_codes.codes * strengths + frame.cert_strengths.codes,
                     [(code, strength) for code in frame.cert_codes.labels for strength in frame.cert_strengths.labels])
    any_strength: dict[tuple[Any, Any], int] = {}
    for (group, (code, strength)), count in pair_counts(groups, mentions, current[frame.cert_rows],
                                                        rows=frame.cert_rows).items():
        add(group, f"cert_{strength}_share", share(count, active_unique[group]), code)
        any_strength[(group, code)] = any_strength.get((group, code), 0) + count
    for (group, code), count in any_strength.items():
        add(group, "cert_any_share", share(count, active_unique[group]), code)
    return rows


def take_snapshot(engine: Engine, snapshot_date: date, as_of: datetime | None = None,
                  failed_sources: Iterable[dict[str, Any]] = ()) -> SnapshotResult:
    """Compute and store the market snapshot for `snapshot_date`, replacing one taken earlier that day."""
    as_of = as_of or utcnow()
    failed = list(failed_sources)
    version = begin_reading(engine)  # before reading the postings: see market/stats_cache.py
    with engine.begin() as connection:
        window_start = connection.scalar(
            select(MarketSnapshot.as_of).where(MarketSnapshot.snapshot_date < snapshot_date)
            .order_by(MarketSnapshot.snapshot_date.desc()).limit(1))
        frame = read_frame(connection, scope_select(connection, as_of, window_start), certifications_select())
        values: list[dict[str, Any]] = []
        for dimension in SNAPSHOT_DIMENSIONS:
            values += _dimension_values(frame, dimension)
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
        store_frame_stats(connection, version, frame)
    overall = {row["metric"]: row["value"] for row in values if row["dimension"] == "overall" and not row["category"]}
    return SnapshotResult(snapshot_id, snapshot_date, as_of, len(values), overall, failed)
