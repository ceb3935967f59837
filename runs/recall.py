"""Measure recall against the labelled mock market (emr_jobs.demo.market): crawl it with the real
spiders into a fresh SQLite file and return, per platform and overall, recall of the relevant
postings, irrelevant postings stored, requests made, detail requests per relevant posting (from the
server's request log) and each source's status; `python -m emr_jobs.runs.recall [DB_FILE]` prints
that as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.market import (
    build_market,
    is_detail_request,
    market_registry_document,
    platform_of_request,
    stored_by_job,
)
from emr_jobs.demo.render import all_routes
from emr_jobs.demo.server import RouteServer
from emr_jobs.runs.crawl import run_crawl
from emr_jobs.runs.demo import LOCAL_CRAWL_SETTINGS
from emr_jobs.spiders.registry import parse_registry
from emr_jobs.store.db import upgrade
from emr_jobs.store.models import CrawlRun, Posting, Source


def measure(database_url: str) -> dict[str, Any]:
    """Crawl the market with the real spiders; recall, precision and request counts per platform."""
    boards, labels = build_market()
    upgrade(database_url)
    with RouteServer(all_routes(boards)) as server:
        problems: list[str] = []
        registry = parse_registry(market_registry_document(boards, server.url), problems)
        if problems:
            raise ValueError("; ".join(problems))
        run_crawl(registry.sources, database_url, {**LOCAL_CRAWL_SETTINGS, "EMR_PROGRESS": False})
        requests = list(server.requests)
    engine = create_engine(database_url)
    with Session(engine) as session:
        stored = {(platform, posting.title, posting.external_id) for posting, platform in session.execute(
            select(Posting, Source.platform).join(Source, Source.id == Posting.source_id))}
        runs = {source.key: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
        statuses = {key: run.status for key, run in runs.items()}
        filtered = {key: run.stats.get("source", {}).get("filtered_reasons", {}) for key, run in runs.items()}
        listed = {key: run.stats.get("source", {}).get("listed") for key, run in runs.items()}
        notes = {key: run.stats.get("source", {}).get("notes") for key, run in runs.items() if
                 run.stats.get("source", {}).get("notes")}
    engine.dispose()
    stored_titles = stored_by_job(boards, stored)
    report: dict[str, Any] = {"platforms": {}, "statuses": statuses, "filtered_reasons": filtered, "listed": listed,
                              "notes": notes}
    totals = {"relevant": 0, "found": 0, "irrelevant_stored": 0, "requests": len(requests), "detail_requests": 0}
    for platform in sorted({b.employer.platform for b in boards}):
        jobs = [job for b in boards if b.employer.platform == platform for job in b.jobs]
        relevant = [job for job in jobs if labels[job.job_id]]
        found = [job for job in relevant if job.job_id in stored_titles]
        wrong = [job for job in jobs if not labels[job.job_id] and job.job_id in stored_titles]
        platform_requests = [info for info in requests if platform_of_request(info) == platform]
        details = sum(is_detail_request(platform, info) for info in platform_requests)
        report["platforms"][platform] = {
            "postings": len(jobs), "relevant": len(relevant), "found": len(found),
            "recall": round(len(found) / len(relevant), 4) if relevant else None,
            "missed": sorted({job.title for job in relevant if job.job_id not in stored_titles}),
            "irrelevant_stored": sorted({job.title for job in wrong}),
            "requests": len(platform_requests), "detail_requests": details,
            "detail_per_relevant": round(details / len(relevant), 3) if relevant else None}
        totals["relevant"] += len(relevant)
        totals["found"] += len(found)
        totals["irrelevant_stored"] += len(wrong)
        totals["detail_requests"] += details
    totals["recall"] = round(totals["found"] / totals["relevant"], 4)
    report["total"] = totals
    return report


def main(argv: list[str] | None = None) -> int:
    """python -m emr_jobs.runs.recall [DB_FILE]: crawl the mock market, print the measurements as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(argv[0]) if argv else Path(scratch) / "market.db"
        report = measure(f"sqlite:///{path.resolve()}")
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
