"""Scale-out: crawl workers on any number of machines, fed by scrapy-redis from one Redis, writing to
one PostgreSQL; and the coordinator (`crawl --distributed`, `refresh --distributed`) that seeds a run
and waits for it.

The design (see also emr_jobs.spiders.distributed):

- A run has an id, and every Redis key of the run carries it (`<prefix>:run:<id>:...`); the run is
  listed in `<prefix>:runs` with its deadline, after which workers ignore it. The coordinator pushes
  ONE seed per source and deletes every key of the run when it ends, whatever the ending.
- A worker takes a seed atomically (`LMOVE` from the run's seed list to its own `taken` list) and
  crawls that source to the end itself: all the requests of one source run on the worker that took
  its seed. So a source's counts, listing totals and closing decision are made in one place, by the
  same code as a local crawl (PlatformSpider, StorePipeline.settle: lease, kept-vs-database count,
  mass-closure guard), and each source of a run gets ONE `crawl_runs` row, tagged with the run id
  and the worker (`counters.notes.distributed`). Spreading one source's requests over several
  workers would buy nothing here: a board's pages are read in order and its detail pages are few;
  the work that scales is the number of boards.
- Each worker keeps a heartbeat key with a short expiry. The coordinator polls the database for the
  run's rows; a source taken by a worker whose heartbeat has expired and that has no row is
  recorded `failed` ("its worker stopped") by the coordinator, and that worker's lease on it is
  freed. Its postings written so far stay (upserts are idempotent), nothing of it is closed (only
  the worker's own settle of an `ok`/`empty` crawl closes). Seeds nobody took yet are taken by the
  other workers.
- When every source has its row, or at the wall-clock limit (sources without a row are then
  recorded `failed` and their seeds withdrawn), the coordinator returns the outcomes; `refresh
  --distributed` then groups duplicates and stores the snapshot, once, under the refresh lock (a
  PostgreSQL advisory lock, which holds across machines).
- A worker stops by itself when no seed has come for its idle time (scrapy-redis's
  MAX_IDLE_TIME_BEFORE_CLOSE), after recording what it took.

Several writers are safe: PostgreSQL upserts (INSERT ... ON CONFLICT), one short transaction per
batch, retried on serialization failures and deadlocks (psycopg raises both as OperationalError,
which emr_jobs.store.durable retries), and a source's lease keeps two crawls off one source.
Distributed runs need PostgreSQL: SQLite is refused.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from emr_jobs.defaults import WORKER_HEARTBEAT_SECONDS, WORKER_IDLE_SECONDS
from emr_jobs.runs.crawl import SPIDER_CLASSES, CrawlInterrupted, SourceOutcome, _Interrupts, crawl_settings
from emr_jobs.spiders.distributed import DEFAULT_PREFIX, RedisKeys, distributed_spider_class, seed_payload
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.store import lease
from emr_jobs.store import writes as store
from emr_jobs.store.db import make_engine
from emr_jobs.store.models import CrawlRun, utcnow
from emr_jobs.vocabulary import CrawlStatus


class DistributedRefused(Exception):
    """A distributed run cannot use this configuration (said in one line)."""


class RedisUnavailable(Exception):
    """Redis could not be reached (said in one line)."""


def require_postgres(database_url: str) -> None:
    backend = make_url(database_url).get_backend_name()
    if backend != "postgresql":
        raise DistributedRefused(f"--distributed needs a PostgreSQL database shared by the workers, not {backend} "
                                 "(give --db postgresql://... or set EMR_JOBS_DATABASE_URL)")


def connect_redis(redis_url: str):
    import redis

    try:
        server = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        safe = redis_url.split("@")[-1]
        raise RedisUnavailable(f"cannot reach Redis at {safe}: {str(exc).splitlines()[0][:200]}") from exc
    return server


# --- the worker -------------------------------------------------------------------------------

class Heartbeat:
    """A thread that keeps `<prefix>:worker:<id>` alive (expiring `ttl` seconds after the last beat)
    while this process lives; the key goes when the process stops or dies."""

    def __init__(self, server, key: str, ttl: float, info: dict[str, Any]) -> None:
        self.server, self.key, self.ttl = server, key, max(1.0, ttl)
        self.value = json.dumps(info)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="emr-heartbeat", daemon=True)

    def start(self) -> None:
        self.server.set(self.key, self.value, px=int(self.ttl * 1000))
        self.thread.start()

    def _beat(self) -> None:
        while not self.stopped.wait(self.ttl / 3):
            try:
                self.server.set(self.key, self.value, px=int(self.ttl * 1000))
            except RedisError:  # a passing Redis outage: the next beat tries again
                pass

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        try:
            self.server.delete(self.key)
        except RedisError:  # the key expires by itself
            pass


@dataclass(frozen=True)
class WorkerResult:
    worker: str
    sources: int  # sources this worker crawled and recorded
    interrupted: bool


WORKER_SETTINGS = {
    "CLOSESPIDER_TIMEOUT": 0,  # a worker ends when idle, not at a crawl's wall-clock limit
}


def run_worker(redis_url: str, database_url: str, *, idle_seconds: float = WORKER_IDLE_SECONDS,
               heartbeat_seconds: float = WORKER_HEARTBEAT_SECONDS, prefix: str | None = None,
               overrides: dict[str, Any] | None = None) -> WorkerResult:
    """Crawl the seeds of every live run until none has come for `idle_seconds`. The database
    must be at head (the coordinator brings it there)."""
    require_postgres(database_url)
    server = connect_redis(redis_url)
    keys = RedisKeys(prefix or DEFAULT_PREFIX)
    worker = lease.new_holder()
    settings = crawl_settings(database_url, {
        **WORKER_SETTINGS, **(overrides or {}),
        "REDIS_URL": redis_url, "EMR_REDIS_PREFIX": keys.prefix, "EMR_LEASE_HOLDER": worker,
        "MAX_IDLE_TIME_BEFORE_CLOSE": max(1, int(idle_seconds)),
    })
    heartbeat = Heartbeat(server, keys.worker(worker), heartbeat_seconds,
                          {"worker": worker, "started": utcnow().isoformat(timespec="seconds")})
    from scrapy.crawler import CrawlerProcess

    crawlers = []
    with _Interrupts() as interrupts:
        process = CrawlerProcess(settings)
        for _platform, path in sorted(SPIDER_CLASSES.items()):
            crawler = process.create_crawler(distributed_spider_class(path))
            process.crawl(crawler)
            crawlers.append(crawler)
        heartbeat.start()
        try:
            if not interrupts.count:
                interrupts.process = process
                process.start(install_signal_handlers=False)
        finally:
            heartbeat.stop()
    recorded = 0
    for crawler in crawlers:
        try:
            recorded += int(crawler.stats.get_value("emr/worker/sources_recorded", 0))
        except RuntimeError:
            pass
    return WorkerResult(worker, recorded, interrupts.count > 0)


# --- the coordinator --------------------------------------------------------------------------

def new_run_id() -> str:
    return f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


@dataclass
class _Tracker:
    """The sources of one run and the rows recorded for them so far."""

    sources: dict[int, SourceConfig]  # source id -> source
    first_row: int  # crawl_runs ids above this are newer than the run
    run_id: str
    rows: dict[int, CrawlRun]

    def missing(self) -> list[int]:
        return [source_id for source_id in self.sources if source_id not in self.rows]

    def poll(self, session: Session) -> None:
        found = session.scalars(select(CrawlRun).where(CrawlRun.id > self.first_row,
                                                       CrawlRun.source_id.in_(self.missing()))
                                .order_by(CrawlRun.id))
        for row in found:
            if _run_of(row) == self.run_id:
                session.expunge(row)
                self.rows[row.source_id] = row


def _run_of(row: CrawlRun) -> str | None:
    notes = ((row.stats or {}).get("source") or {}).get("notes") or {}
    return (notes.get("distributed") or {}).get("run")


def run_distributed_crawl(sources: Sequence[SourceConfig], database_url: str, redis_url: str, *,
                          timeout: float, prefix: str | None = None, accept_mass_close: bool = False,
                          poll_seconds: float = 1.0, progress: Callable[[str], None] | None = None
                          ) -> list[SourceOutcome]:
    """Seed one request per source under a new run id, wait until each source has its crawl_runs
    row (or `timeout` seconds pass), and return the outcomes. The database must be at head."""
    require_postgres(database_url)
    server = connect_redis(redis_url)
    keys = RedisKeys(prefix or DEFAULT_PREFIX)
    run_id = new_run_id()
    engine = make_engine(database_url)
    say = progress or (lambda message: None)
    try:
        with Session(engine) as session, session.begin():
            ids = store.sync_registry(session, sources)
            first_row = session.scalar(select(func.max(CrawlRun.id))) or 0
        tracker = _Tracker({ids[s.key].source_id: s for s in sources}, first_row, run_id, {})
        deadline = time.time() + timeout
        with server.pipeline() as pipe:
            for source in sources:
                pipe.rpush(keys.seeds(run_id, source.platform),
                           seed_payload(source, run_id, accept_mass_close=accept_mass_close))
            for platform in {source.platform for source in sources}:
                pipe.expireat(keys.seeds(run_id, platform), int(deadline) + 3600)
            pipe.zadd(keys.runs, {run_id: deadline})
            pipe.execute()
        say(f"run {run_id}: {len(sources)} source(s) queued in Redis; waiting for the workers")
        try:
            _wait(engine, server, keys, tracker, deadline, poll_seconds, say)
        except KeyboardInterrupt:
            _withdraw(server, keys, run_id)
            _record_missing(engine, tracker, "interrupted: the distributed run was stopped before this source was "
                                             "recorded")
            raise CrawlInterrupted(_outcomes(tracker)) from None
        if tracker.missing():
            _withdraw(server, keys, run_id)
            _record_missing(engine, tracker, f"not recorded by any worker within the run's wall-clock limit of "
                                             f"{timeout:g} s (are workers running?)")
        return _outcomes(tracker)
    finally:
        try:
            _withdraw(server, keys, run_id)
        except RedisError:  # the run is past its deadline in the runs list: workers ignore it
            pass
        engine.dispose()


def _wait(engine, server, keys: RedisKeys, tracker: _Tracker, deadline: float, poll_seconds: float,
          say: Callable[[str], None]) -> None:
    reported, lonely = -1, False
    while True:
        with Session(engine) as session:
            tracker.poll(session)
        if not tracker.missing():
            return
        _record_unrecorded(engine, server, keys, tracker)
        _fail_dead_workers(engine, server, keys, tracker)
        if not tracker.missing() or time.time() >= deadline:
            return
        if len(tracker.rows) != reported:
            reported = len(tracker.rows)
            say(f"run {tracker.run_id}: {reported} of {len(tracker.sources)} source(s) recorded")
        if not any(True for _ in server.scan_iter(match=keys.worker("*"), count=1000)):
            if not lonely:
                say(f"run {tracker.run_id}: no worker is running (start `emr-jobs worker`); waiting until the "
                    "run's limit")
            lonely = True
        else:
            lonely = False
        time.sleep(poll_seconds)


def _fail_dead_workers(engine, server, keys: RedisKeys, tracker: _Tracker) -> None:
    """A `failed` row for each source taken by a worker whose heartbeat has expired and not recorded
    (read again after the heartbeat check, so a worker that recorded it just before dying counts)."""
    by_key = {source.key: source_id for source_id, source in tracker.sources.items()}
    for taken_key in server.scan_iter(match=keys.taken_pattern(tracker.run_id)):
        taken_key = taken_key.decode() if isinstance(taken_key, bytes) else taken_key
        worker = taken_key.rsplit(":taken:", 1)[1]
        if server.exists(keys.worker(worker)):
            continue
        seeds = [json.loads(seed) for seed in server.lrange(taken_key, 0, -1)]
        lost = [by_key.get(_seed_key(seed)) for seed in seeds]
        with Session(engine) as session, session.begin():
            tracker.poll(session)
            for source_id in lost:
                if source_id is None or source_id in tracker.rows:
                    continue
                lease.release(session, source_id, worker)
                row = store.record_crawl_run(
                    session, source_id, started_at=utcnow(), finished_at=utcnow(), status=CrawlStatus.FAILED,
                    counters={"notes": {"distributed": {"run": tracker.run_id, "worker": worker}}},
                    errors=[f"its worker {worker} stopped (no heartbeat) before recording this source; the postings "
                            "it wrote stay, nothing was closed"], stats={})
                session.flush()
                tracker.rows[source_id] = row
            session.expunge_all()
        server.delete(taken_key)


def _record_unrecorded(engine, server, keys: RedisKeys, tracker: _Tracker) -> None:
    """A `failed` row for each source a worker crawled but could not record (its database writes
    failed; it closed nothing)."""
    by_key = {source.key: source_id for source_id, source in tracker.sources.items()}
    while (data := server.lpop(keys.unrecorded(tracker.run_id))) is not None:
        report = json.loads(data)
        source_id = by_key.get(report.get("source"))
        if source_id is None or source_id in tracker.rows:
            continue
        with Session(engine) as session, session.begin():
            row = store.record_crawl_run(
                session, source_id, started_at=utcnow(), finished_at=utcnow(), status=CrawlStatus.FAILED,
                counters={"notes": {"distributed": {"run": tracker.run_id, "worker": report.get("worker")}}},
                errors=[f"its worker {report.get('worker')} could not record this source", *report.get("errors", [])],
                stats={})
            session.flush()
            session.expunge(row)
            tracker.rows[source_id] = row


def _seed_key(seed: dict[str, Any]) -> str:
    from emr_jobs.spiders.distributed import source_of_seed

    return source_of_seed(seed).key


def _withdraw(server, keys: RedisKeys, run_id: str) -> None:
    """Delete every Redis key of the run (its seeds first, so no worker takes one more)."""
    server.zrem(keys.runs, run_id)
    names = list(server.scan_iter(match=keys.run_pattern(run_id)))
    if names:
        server.delete(*names)


def _record_missing(engine, tracker: _Tracker, error: str) -> None:
    with Session(engine) as session, session.begin():
        tracker.poll(session)
        now = utcnow()
        for source_id in tracker.missing():
            row = store.record_crawl_run(session, source_id, started_at=now, finished_at=now,
                                         status=CrawlStatus.FAILED,
                                         counters={"notes": {"distributed": {"run": tracker.run_id}}},
                                         errors=[error], stats={})
            session.flush()
            tracker.rows[source_id] = row
        session.expunge_all()


def _outcomes(tracker: _Tracker) -> list[SourceOutcome]:
    outcomes = []
    for source_id, source in tracker.sources.items():
        row = tracker.rows.get(source_id)
        if row is None:
            outcomes.append(SourceOutcome(source.key, source.platform, source.employer_slug, CrawlStatus.FAILED, {},
                                          ("not recorded",)))
            continue
        counters = dict((row.stats or {}).get("source") or {})
        outcomes.append(SourceOutcome(source.key, source.platform, source.employer_slug, row.status, counters,
                                      tuple((row.error or "").splitlines())))
    return outcomes


def run_distributed_refresh(db_url: str, redis_url: str, registry_path: str | None = None, *,
                            platforms: Sequence[str] | None = None, timeout: float, prefix: str | None = None,
                            accept_mass_close: bool = False, progress: Callable[[str], None] | None = None):
    """The refresh with the crawl spread over the workers: under the refresh lock (a PostgreSQL
    advisory lock, so across machines), one distributed run of every enabled source, then the
    duplicate grouping and the day's snapshot, once. Raises RefreshBusy if a refresh is running."""
    from emr_jobs.runs.refresh import RefreshResult, SourceResult, refresh_lock, summarize_market
    from emr_jobs.spiders.registry import load_registry
    from emr_jobs.store.db import upgrade

    require_postgres(db_url)
    connect_redis(redis_url)
    upgrade(db_url)
    sources = load_registry(registry_path).select(platforms=list(platforms) if platforms else None)
    with refresh_lock(db_url):
        started_at = utcnow()
        outcomes = run_distributed_crawl(sources, db_url, redis_url, timeout=timeout, prefix=prefix,
                                         accept_mass_close=accept_mass_close, progress=progress)
        results = [SourceResult(o.key, o.platform, o.status, "\n".join(o.errors) or None) for o in outcomes]
        engine = make_engine(db_url)
        try:
            duplicates, snapshot = summarize_market(engine, started_at, [(r.key, r.status, r.error) for r in results])
        finally:
            engine.dispose()
    return RefreshResult(started_at, utcnow(), results, duplicates, snapshot)
