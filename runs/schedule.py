"""The scheduler job and process: APScheduler 3.x runs `emr_jobs.runs.refresh.run_refresh` on a cron schedule
(default 02:00 UTC). One process only (3.x cannot share a job store between processes); the job
lives in the project's database (SQLAlchemyJobStore, table `apscheduler_jobs`), with coalescing,
at most one instance at a time and a misfire grace of hours, so a refresh missed while the
process was down runs once when it comes back. The crawls themselves run in child processes.

Started by the faces: `emr-jobs schedule` or `python scheduler.py [--db URL] [schedule options]`.
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import UTC
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from emr_jobs.clock import utcnow
from emr_jobs.defaults import CRAWL_TIMEOUT_SECONDS, DEFAULT_CRON, MISFIRE_GRACE_HOURS
from emr_jobs.runs.refresh import RefreshBusy, run_refresh
from emr_jobs.store.db import make_engine, upgrade

JOB_ID = "emr-jobs-refresh"
DEFAULT_DISTRIBUTED_TIMEOUT = CRAWL_TIMEOUT_SECONDS
logger = logging.getLogger("emr_jobs.scheduler")


def scheduled_refresh(db_url: str, registry_path: str | None, options: dict[str, Any]) -> None:
    """The job (stored by reference, so it stays a module-level function with picklable arguments)."""
    options = dict(options)
    redis_url, prefix = options.pop("redis_url", None), options.pop("redis_prefix", None)
    try:
        if redis_url:  # the crawl is the workers' (emr_jobs.runs.distributed)
            from emr_jobs.runs.distributed import run_distributed_refresh

            result = run_distributed_refresh(db_url, redis_url, registry_path, platforms=options.get("platforms"),
                                             timeout=options.get("timeout") or DEFAULT_DISTRIBUTED_TIMEOUT,
                                             prefix=prefix)
        else:
            result = run_refresh(db_url, registry_path, **options)
    except RefreshBusy as exc:
        logger.warning("refresh skipped: %s", exc)
        return
    logger.warning("refresh done: %d source(s), %d failed; snapshot %s", len(result.sources), len(result.failed),
                   result.snapshot.snapshot_date)


def build_scheduler(db_url: str, *, cron: str = DEFAULT_CRON, trigger: BaseTrigger | None = None,
                    registry_path: str | None = None, options: dict[str, Any] | None = None,
                    misfire_grace_hours: float = MISFIRE_GRACE_HOURS, blocking: bool = True) -> BaseScheduler:
    """A scheduler holding one refresh job: on `cron` (UTC) unless another `trigger` is given."""
    upgrade(db_url)
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=make_engine(db_url))},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(misfire_grace_hours * 3600)},
        timezone=UTC)
    trigger = trigger or CronTrigger.from_crontab(cron, timezone=UTC)
    scheduler.add_job(scheduled_refresh, trigger, args=[db_url, registry_path, dict(options or {})], id=JOB_ID,
                      name="market refresh", replace_existing=True)
    return scheduler


def serve(db_url: str, *, cron: str = DEFAULT_CRON, registry_path: str | None = None,
          options: dict[str, Any] | None = None, misfire_grace_hours: float = MISFIRE_GRACE_HOURS) -> int:
    """Run the scheduler in the foreground until interrupted."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    scheduler = build_scheduler(db_url, cron=cron, registry_path=registry_path, options=options,
                                misfire_grace_hours=misfire_grace_hours)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    trigger = CronTrigger.from_crontab(cron, timezone=UTC)
    print(f"scheduler: refresh on '{cron}' (UTC); next at {trigger.get_next_fire_time(None, _now())}; "
          "Ctrl-C to stop", file=sys.stderr)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


def _now():
    return utcnow()

