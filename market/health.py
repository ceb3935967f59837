"""Source health: each source's recent crawl runs, aggregated in SQL (`emr-jobs sources health`).

Per source: the last run's status, time, items kept and HTTP errors; over its last `limit` runs the
number of runs and of unsuccessful ones; and its success streak (consecutive successful runs counting
back from the newest, over all its runs). Runs are ranked with a window function, so the same query
runs on SQLite >= 3.25 and PostgreSQL and only one row per source comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from emr_jobs.store.models import CrawlRun, Employer, Source
from emr_jobs.vocabulary import CLOSING_STATUSES

# A run that left the source's postings trustworthy (emr_jobs.spiders.base.CLOSING_STATUSES).
SUCCESS_STATUSES = tuple(status.value for status in CLOSING_STATUSES)  # the crawls that may close postings
HEALTH_COLUMNS = ("employer", "source", "last status", "last run (UTC)", "kept", "http errors",
                  "runs", "unsuccessful", "streak")


@dataclass(frozen=True)
class SourceHealth:
    employer: str
    key: str
    enabled: bool
    runs: int  # runs counted (at most `limit`)
    unsuccessful: int  # of those, runs whose status is not ok/empty
    streak: int  # consecutive successful runs, newest first, over all runs
    last_status: str | None = None
    last_started_at: datetime | None = None
    last_items_kept: int | None = None
    last_http_errors: int | None = None
    last_error: str | None = None


def source_health(session: Session, limit: int = 10, keys: Iterable[str] | None = None) -> list[SourceHealth]:
    """Health of every source in the database (or only those with `keys`), worst first by streak."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    success = CrawlRun.status.in_(SUCCESS_STATUSES)
    ranked = select(
        CrawlRun.source_id,
        CrawlRun.status,
        CrawlRun.started_at,
        CrawlRun.items_kept,
        CrawlRun.http_errors,
        CrawlRun.error,
        case((success, 1), else_=0).label("succeeded"),
        func.row_number().over(partition_by=CrawlRun.source_id,
                               order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc())).label("rank"),
    ).subquery("ranked")
    in_window = ranked.c.rank <= limit
    totals = select(
        ranked.c.source_id,
        func.count().label("all_runs"),
        func.sum(case((in_window, 1), else_=0)).label("runs"),
        func.sum(case((and_(in_window, ranked.c.succeeded == 0), 1), else_=0)).label("unsuccessful"),
        func.min(case((ranked.c.succeeded == 0, ranked.c.rank))).label("first_failure"),
    ).group_by(ranked.c.source_id).subquery("totals")
    last = select(ranked).where(ranked.c.rank == 1).subquery("last")
    streak = case((totals.c.first_failure.is_(None), func.coalesce(totals.c.all_runs, 0)),
                  else_=totals.c.first_failure - 1)
    query = (
        select(Employer.slug, Source.key, Source.enabled,
               func.coalesce(totals.c.runs, 0), func.coalesce(totals.c.unsuccessful, 0), streak,
               last.c.status, last.c.started_at, last.c.items_kept, last.c.http_errors, last.c.error)
        .join(Employer, Employer.id == Source.employer_id)
        .outerjoin(totals, totals.c.source_id == Source.id)
        .outerjoin(last, last.c.source_id == Source.id)
        .order_by(streak, Employer.slug, Source.key)
    )
    if keys is not None:
        query = query.where(Source.key.in_(list(keys)))
    return [
        SourceHealth(employer=slug, key=key, enabled=bool(enabled), runs=int(runs), unsuccessful=int(bad),
                     streak=int(streak_value), last_status=status, last_started_at=started,
                     last_items_kept=kept, last_http_errors=http_errors, last_error=error)
        for slug, key, enabled, runs, bad, streak_value, status, started, kept, http_errors, error
        in session.execute(query)
    ]


def never_crawled(health: list[SourceHealth], registry_sources: Iterable) -> list[SourceHealth]:
    """Rows for registry sources that the database does not know yet (no runs, no streak)."""
    known = {row.key for row in health}
    return [SourceHealth(employer=source.employer_slug, key=source.key, enabled=source.enabled,
                         runs=0, unsuccessful=0, streak=0)
            for source in registry_sources if source.key not in known]


def health_rows(health: Iterable[SourceHealth]) -> list[list[object]]:
    """Table rows in HEALTH_COLUMNS order; a source without runs shows "never"."""
    rows = []
    for row in health:
        status = row.last_status or "never"
        if not row.enabled:
            status += " (disabled)"
        when = row.last_started_at.strftime("%Y-%m-%d %H:%M") if row.last_started_at else None
        rows.append([row.employer, row.key, status, when, row.last_items_kept, row.last_http_errors,
                     row.runs, row.unsuccessful, row.streak])
    return rows
