"""The scheduler and the refresh around the crawls: a short-interval trigger fires a refresh (crawl
runner stubbed, no network), a second refresh is refused while one holds the lock and allowed
once a crashed holder is gone, and crashed or timed-out crawl processes are recorded as failed
without closing anything."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from emr_jobs.runs.refresh import ChildResult, CrawlJob, refresh_lock, run_refresh
from emr_jobs.runs.schedule import JOB_ID, build_scheduler
from emr_jobs.store import writes as store
from emr_jobs.store.models import CrawlRun, MarketSnapshot, Posting, Source, utcnow
from tests.conftest import ROOT, run_cli, write_registry
from tests.market_data import add_posting

EMPLOYERS = [
    {"slug": "pinecrest", "name": "Pinecrest Health", "employer_type": "hospital",
     "sources": [{"platform": "greenhouse", "token": "pinecrest", "base_url": "http://127.0.0.1:9"}]},
    {"slug": "harborlight", "name": "Harborlight Health", "employer_type": "hospital",
     "sources": [{"platform": "lever", "token": "harborlight", "base_url": "http://127.0.0.1:9"}]},
]


def record_ok(job: CrawlJob) -> ChildResult:
    """A stand-in for the crawl process: records an ok run for each source of the job."""
    engine = create_engine(job.db_url)
    with Session(engine) as session, session.begin():
        for key in job.source_keys:
            source_id = session.scalar(select(Source.id).where(Source.key == key))
            now = utcnow()
            store.record_crawl_run(session, source_id, started_at=now, finished_at=now, status="ok",
                                   counters={"items_seen": 0}, errors=[], stats={})
    engine.dispose()
    return ChildResult(0)


def lever_crashes(job: CrawlJob) -> ChildResult:
    """Greenhouse crawls fine; the lever crawl process dies before recording anything."""
    if job.platform == "lever":
        return ChildResult(-9, "Segmentation fault")
    return record_ok(job)


@pytest.fixture
def registry(tmp_path):
    return write_registry(tmp_path / "sources.toml", EMPLOYERS)


def runs_by_source(url):
    engine = create_engine(url)
    with Session(engine) as session:
        rows = session.execute(select(Source.key, CrawlRun.status, CrawlRun.error)
                               .join(Source, Source.id == CrawlRun.source_id).order_by(CrawlRun.id)).all()
    engine.dispose()
    return {key: (status, error) for key, status, error in rows}


def test_short_interval_trigger_fires_a_refresh(sqlite_url, registry):
    scheduler = build_scheduler(sqlite_url, trigger=IntervalTrigger(seconds=1), registry_path=str(registry),
                                options={"runner": record_ok}, blocking=False)
    scheduler.start()
    try:
        job = scheduler.get_job(JOB_ID)
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 6 * 3600)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not runs_by_source(sqlite_url):
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    assert runs_by_source(sqlite_url) == {"greenhouse:pinecrest": ("ok", None), "lever:harborlight": ("ok", None)}
    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(MarketSnapshot)) == 1
        assert connection.scalar(text("SELECT count(*) FROM apscheduler_jobs WHERE id = :id"), {"id": JOB_ID}) == 1
    engine.dispose()


def test_a_second_refresh_is_refused_while_one_runs(db_url, registry):
    run_refresh(db_url, registry, runner=record_ok)  # schema and sources in place
    with refresh_lock(db_url):
        result = run_cli("--db", db_url, "refresh", "--sources", str(registry), "--quiet")
    assert result.returncode == 75
    assert "another refresh is already running" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_crashed_lock_holder_does_not_block_the_next_refresh(db_url, registry):
    run_refresh(db_url, registry, runner=record_ok)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom emr_jobs.runs.refresh import refresh_lock\n"
         "with refresh_lock(sys.argv[1]):\n    print('locked', flush=True)\n    time.sleep(120)\n", db_url],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(Exception, match="already running"), refresh_lock(db_url):
            pass
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            result = run_refresh(db_url, registry, runner=record_ok)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert not result.failed


def test_a_crashed_crawl_is_recorded_failed_and_closes_nothing(db_url, registry):
    run_refresh(db_url, registry, runner=record_ok)
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "h-1", source="lever:harborlight", employer="harborlight")
    result = run_refresh(db_url, registry, runner=lever_crashes)
    assert [(s.key, s.status) for s in result.sources] == [("greenhouse:pinecrest", "ok"), ("lever:harborlight", "failed")]
    status, error = runs_by_source(db_url)["lever:harborlight"]
    assert status == "failed" and "exited with code -9" in error and "Segmentation fault" in error
    with Session(engine) as session:
        assert session.scalar(select(Posting.closed_at).where(Posting.external_id == "h-1")) is None
        snapshot = session.scalar(select(MarketSnapshot))
        assert [f["source"] for f in snapshot.failed_sources] == ["lever:harborlight"]
    engine.dispose()


def test_a_crawl_process_over_its_timeout_is_killed_and_recorded(sqlite_url, registry):
    started = time.monotonic()
    result = run_refresh(sqlite_url, registry, platforms=["lever"], timeout=0.3)
    assert time.monotonic() - started < 30
    assert [(s.key, s.status) for s in result.sources] == [("lever:harborlight", "failed")]
    assert "killed after its 0.3 s timeout" in runs_by_source(sqlite_url)["lever:harborlight"][1]
