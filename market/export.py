"""CSV exports streamed from SQL: constant memory, a header row, and cells that a spreadsheet
would run as a formula (starting with = + - @, tab or carriage return) neutralized."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, Select, select

from emr_jobs.store.models import Employer, Posting, Source

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

POSTING_COLUMNS = (
    ("id", Posting.id), ("employer", Employer.name), ("employer_type", Posting.employer_type),
    ("platform", Source.platform), ("external_id", Posting.external_id), ("title", Posting.title),
    ("role", Posting.role), ("city", Posting.city), ("state", Posting.state), ("work_mode", Posting.work_mode),
    ("employment_type", Posting.employment_type), ("pay_min", Posting.pay_min), ("pay_max", Posting.pay_max),
    ("pay_period", Posting.pay_period), ("pay_currency", Posting.pay_currency),
    ("pay_annual_min", Posting.pay_annual_min), ("pay_annual_max", Posting.pay_annual_max),
    ("pay_hourly_min", Posting.pay_hourly_min), ("pay_hourly_max", Posting.pay_hourly_max),
    ("pay_evidence", Posting.pay_evidence), ("experience_years_min", Posting.experience_years_min),
    ("experience_years_max", Posting.experience_years_max), ("education_min", Posting.education_min),
    ("education_or_equivalent", Posting.education_or_equivalent), ("entry_level", Posting.entry_level),
    ("schedule", Posting.schedule), ("shift", Posting.shift), ("url", Posting.url), ("posted_at", Posting.posted_at),
    ("first_seen", Posting.first_seen), ("last_seen", Posting.last_seen), ("closed_at", Posting.closed_at),
)


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text instead of evaluating."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def postings_query(include_closed: bool = False) -> Select:
    query = (select(*[column for _, column in POSTING_COLUMNS])
             .join(Employer, Employer.id == Posting.employer_id)
             .join(Source, Source.id == Posting.source_id)
             .order_by(Posting.id))
    if not include_closed:
        query = query.where(Posting.closed_at.is_(None))
    return query


def stream_rows(engine: Engine, query: Select, batch_size: int = 1000) -> Iterator[Sequence[Any]]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch_size).execute(query)
        yield from result


def write_csv(path: str | Path | TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows to a file (or an open text stream, e.g. stdout); returns the number
    of data rows."""
    if not isinstance(path, str | Path):
        return _write_rows(path, header, rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        return _write_rows(handle, header, rows)


def _write_rows(handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    writer = csv.writer(handle)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    handle.flush()
    return count


def method_text(version: str | None) -> str | None:
    """A method version as text that a spreadsheet keeps as text ("2026.1" would become a number)."""
    return None if version is None else f"v{version}"


def whole(value: float | None) -> int | None:
    """A count stored as a float, written as an integer."""
    return None if value is None else int(round(value))


# --- market exports: postings with filters, summary, certifications, employers, trend ---------------
EXPORTS = ("postings", "summary", "certifications", "employers", "trend")
# The flags each export applies; the CLI refuses any other (summary is the latest snapshot whole).
EXPORT_FILTERS: dict[str, frozenset[str]] = {
    "postings": frozenset({"--state", "--role", "--since", "--include-closed"}),
    "summary": frozenset(),
    "certifications": frozenset({"--state", "--role", "--since"}),
    "employers": frozenset({"--state", "--role", "--since"}),
    "trend": frozenset({"--state", "--role", "--since"}),
}
# The evidence columns of the postings export: the text each normalized value came from
# (pay's is `pay_evidence`).
EVIDENCE_FIELDS = ("role", "work_mode", "employer_type", "state", "employment_type", "experience", "education",
                   "entry_level", "schedule", "shift")
TREND_METRICS = ("active_unique", "active_total", "new_unique", "closed_unique", "pay_disclosed_share",
                 "pay_annual_p25", "pay_annual_median", "pay_annual_p75", "pay_hourly_median", "days_open_median")


def export_market(engine: Engine, what: str, path: str | Path, filters: Any = None,
                  include_closed: bool = False) -> int:
    """Write one of EXPORTS as CSV; returns the number of data rows."""
    from emr_jobs.market.queries import Filters

    filters = filters or Filters()
    if what == "postings":
        return export_filtered_postings(engine, path, filters, include_closed)
    if what == "summary":
        return export_summary(engine, path)
    if what == "certifications":
        return export_certifications(engine, path, filters)
    if what == "employers":
        return export_employers(engine, path, filters)
    if what == "trend":
        return export_trend(engine, path, filters)
    raise ValueError(f"unknown export {what!r}; choose from {', '.join(EXPORTS)}")


def export_filtered_postings(engine: Engine, path: str | Path, filters: Any, include_closed: bool = False) -> int:
    from sqlalchemy import func

    from emr_jobs.market.queries import not_duplicate
    from emr_jobs.store.models import Certification, PostingCertification, PostingDuplicate

    where = filters.where()
    if include_closed:
        where = where[1:]  # drop the open/since condition
    canonical = (select(PostingDuplicate.canonical_posting_id)
                 .where(PostingDuplicate.posting_id == Posting.id,
                        PostingDuplicate.canonical_posting_id != Posting.id).scalar_subquery())
    certifications = (select(func.aggregate_strings(Certification.code + ":" + PostingCertification.strength, ";"))
                      .select_from(PostingCertification)
                      .join(Certification, Certification.id == PostingCertification.certification_id)
                      .where(PostingCertification.posting_id == Posting.id).scalar_subquery())
    query = (select(*[column for _, column in POSTING_COLUMNS], canonical, not_duplicate(), certifications,
                    Posting.evidence)
             .join(Employer, Employer.id == Posting.employer_id)
             .join(Source, Source.id == Posting.source_id)
             .where(*where).order_by(Posting.id))
    header = ([name for name, _ in POSTING_COLUMNS] + ["duplicate_of", "unique_job", "certifications"]
              + [f"evidence_{name}" for name in EVIDENCE_FIELDS])

    def rows() -> Iterator[list[Any]]:
        for *values, unique, certs, evidence in stream_rows(engine, query):
            evidence = evidence or {}
            yield [*values, bool(unique), ";".join(sorted((certs or "").split(";"))) if certs else None,
                   *[evidence.get(name) for name in EVIDENCE_FIELDS]]

    return write_csv(path, header, rows())


def export_summary(engine: Engine, path: str | Path) -> int:
    """Every figure of the latest snapshot, one row each."""
    from emr_jobs.market.snapshot import COUNT_METRICS
    from emr_jobs.store.models import MarketSnapshot, MarketSnapshotValue

    latest = select(MarketSnapshot.id).order_by(MarketSnapshot.snapshot_date.desc()).limit(1).scalar_subquery()
    query = (select(MarketSnapshot.snapshot_date, MarketSnapshot.method_version, MarketSnapshotValue.dimension,
                    MarketSnapshotValue.group_value, MarketSnapshotValue.metric, MarketSnapshotValue.category,
                    MarketSnapshotValue.value)
             .join(MarketSnapshot, MarketSnapshot.id == MarketSnapshotValue.snapshot_id)
             .where(MarketSnapshotValue.snapshot_id == latest)
             .order_by(MarketSnapshotValue.dimension, MarketSnapshotValue.group_value, MarketSnapshotValue.metric,
                       MarketSnapshotValue.category))
    header = ["snapshot_date", "method_version", "dimension", "group", "metric", "category", "value"]
    return write_csv(path, header, ([day, method_text(version), dimension, group, metric, category,
                                     whole(value) if metric in COUNT_METRICS else value]
                                    for day, version, dimension, group, metric, category, value
                                    in stream_rows(engine, query)))


def export_certifications(engine: Engine, path: str | Path, filters: Any) -> int:
    from sqlalchemy.orm import Session

    from emr_jobs.market.queries import query_stats

    with Session(engine) as session:
        rows = query_stats(session, "certification", filters)
    header = list(rows[0]) if rows else ["code", "name", "postings", "share"]
    return write_csv(path, header, ([row[name] for name in header] for row in rows))


def export_employers(engine: Engine, path: str | Path, filters: Any) -> int:
    """Per employer: unique and total postings in scope, pay disclosure and median advertised pay."""
    from sqlalchemy import func
    from sqlalchemy.orm import Session

    from emr_jobs.market.queries import ANNUAL_MID, count_if, grouped_quantiles, not_duplicate, pay_usd

    where = filters.where()
    unique = not_duplicate()
    with Session(engine) as session:
        medians = grouped_quantiles(session, select(Posting.employer_id.label("g"), ANNUAL_MID.label("x"))
                                    .where(*where, unique, pay_usd()), points=(0.5,))
        rows = session.execute(
            select(Employer.id, Employer.slug, Employer.name, Employer.employer_type, func.count(),
                   count_if(unique), count_if(unique & Posting.pay_period.is_not(None)))
            .join(Posting, Posting.employer_id == Employer.id).where(*where)
            .group_by(Employer.id, Employer.slug, Employer.name, Employer.employer_type)
            .order_by(func.count().desc(), Employer.slug)).all()
    header = ["slug", "name", "employer_type", "postings", "postings_total", "with_pay", "annual_median"]
    return write_csv(path, header, ([slug, name, kind, int(unique_n or 0), int(total), int(paid or 0),
                                     medians.get(employer_id, [None])[0]]
                                    for employer_id, slug, name, kind, total, unique_n, paid in rows))


def export_trend(engine: Engine, path: str | Path, filters: Any) -> int:
    """One row per snapshot date: the trend figures overall, or of one state / role (filters)."""
    from sqlalchemy import case, func

    from emr_jobs.market.snapshot import COUNT_METRICS
    from emr_jobs.store.models import MarketSnapshot, MarketSnapshotValue

    dimension, group = "overall", "all"
    if filters.state and filters.role:
        raise ValueError("the trend follows one series: give --state or --role, not both")
    if filters.state:
        dimension, group = "state", filters.state.upper()
    elif filters.role:
        dimension, group = "role", filters.role
    value = MarketSnapshotValue.value
    pivot = [func.max(case((MarketSnapshotValue.metric == metric, value))).label(metric) for metric in TREND_METRICS]
    query = (select(MarketSnapshot.snapshot_date, MarketSnapshot.method_version, *pivot)
             .join(MarketSnapshotValue, MarketSnapshotValue.snapshot_id == MarketSnapshot.id)
             .where(MarketSnapshotValue.dimension == dimension, MarketSnapshotValue.group_value == group,
                    MarketSnapshotValue.category == "")
             .group_by(MarketSnapshot.id, MarketSnapshot.snapshot_date, MarketSnapshot.method_version)
             .order_by(MarketSnapshot.snapshot_date))
    if filters.since:
        query = query.where(MarketSnapshot.snapshot_date >= filters.since)
    header = ["snapshot_date", "method_version", *TREND_METRICS]
    counts = [metric in COUNT_METRICS for metric in TREND_METRICS]
    return write_csv(path, header, ([day, method_text(version),
                                     *[whole(v) if count else v for v, count in zip(figures, counts, strict=True)]]
                                    for day, version, *figures in stream_rows(engine, query)))
