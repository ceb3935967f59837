"""CSV exports streamed from SQL: constant memory, a header row, and cells that a spreadsheet
would run as a formula (starting with = + - @, tab or carriage return) neutralized."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, select

from pipeline.models import Employer, Posting, Source

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

POSTING_COLUMNS = (
    ("id", Posting.id), ("employer", Employer.name), ("employer_type", Posting.employer_type),
    ("platform", Source.platform), ("external_id", Posting.external_id), ("title", Posting.title),
    ("role", Posting.role), ("city", Posting.city), ("state", Posting.state), ("work_mode", Posting.work_mode),
    ("employment_type", Posting.employment_type), ("pay_min", Posting.pay_min), ("pay_max", Posting.pay_max),
    ("pay_period", Posting.pay_period), ("pay_currency", Posting.pay_currency),
    ("pay_annual_min", Posting.pay_annual_min), ("pay_annual_max", Posting.pay_annual_max),
    ("pay_hourly_min", Posting.pay_hourly_min), ("pay_hourly_max", Posting.pay_hourly_max),
    ("pay_evidence", Posting.pay_evidence), ("url", Posting.url), ("posted_at", Posting.posted_at),
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


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows; returns the number of data rows."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
    return count


def export_postings(engine: Engine, path: str | Path, include_closed: bool = False) -> int:
    header = [name for name, _ in POSTING_COLUMNS]
    return write_csv(path, header, stream_rows(engine, postings_query(include_closed)))
