"""Settings and their defaults, in one place: environment variable names, the database a command uses
when given none, the refresh's schedule and timeouts, and the store's batch, retry, lease and
mass-closure-guard values that the Scrapy settings (spiders/settings.py) expose as `EMR_*`."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

# Environment
DATABASE_URL_ENV = "EMR_JOBS_DATABASE_URL"
SCHEDULE_ENV = "EMR_JOBS_SCHEDULE"
REDIS_URL_ENV = "EMR_JOBS_REDIS_URL"
REDIS_PREFIX_ENV = "EMR_JOBS_REDIS_PREFIX"  # the first part of every Redis key (default "emr-jobs")

# Scale-out (`emr-jobs worker`, `crawl --distributed`, `refresh --distributed`)
WORKER_IDLE_SECONDS = 120.0  # a worker stops when no seed has come for this long
WORKER_HEARTBEAT_SECONDS = 30.0  # a worker's heartbeat key expires this long after its last beat

# The refresh and its scheduler
DEFAULT_CRON = "0 2 * * *"  # 02:00 UTC every night
MISFIRE_GRACE_HOURS = 6.0  # a refresh missed while the scheduler was down still runs within this
CRAWL_TIMEOUT_SECONDS = 2 * 3600.0  # wall clock per platform crawl of a refresh

# The store
STORE_BATCH_SIZE = 500  # postings per transaction
STORE_RETRIES = 3  # more attempts at a batch after a passing database error
STORE_RETRY_WAIT_SECONDS = 0.5  # before the first retry, doubled for each next one
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0  # a SQLite writer waits this long for another's lock
LEASE_SECONDS = 15 * 60  # a source's lease, renewed every third of this while its crawl runs
# The mass-closure guard: a complete crawl that would close more than this share of a source's open
# postings (and at least CLOSE_GUARD_MIN of them) records `suspect` and closes nothing.
CLOSE_GUARD_SHARE = 0.5
CLOSE_GUARD_MIN = 5

# `sources probe`
PROBE_TIMEOUT_SECONDS = 10.0
PROBE_WORKERS = 16


def default_database_url() -> str:
    """A SQLite file in the user's data directory."""
    data_dir = Path(user_data_dir("emr-jobs", appauthor=False))
    return f"sqlite:///{data_dir / 'emr_jobs.db'}"


def database_url(url: str | None = None) -> str:
    """The URL given, else the environment's, else the per-user SQLite file: what every command,
    `emr-jobs db upgrade` and `alembic upgrade head` act on."""
    return url or os.environ.get(DATABASE_URL_ENV) or default_database_url()
