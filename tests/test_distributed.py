"""Scale-out (emr_jobs.runs.distributed, emr_jobs.spiders.distributed): workers fed from Redis,
writing to one PostgreSQL, and the coordinator of `crawl --distributed`.

These need Redis (EMR_JOBS_TEST_REDIS_URL, mandatory when EMR_JOBS_REQUIRE_REDIS=1) and PostgreSQL
(EMR_JOBS_TEST_POSTGRES_URL, see conftest); each test uses its own Redis key prefix and database
and removes both. Workers are subprocesses (`python -m emr_jobs worker`), as on real machines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from emr_jobs.demo.boards import build_boards
from emr_jobs.demo.render import all_routes, icims_base_path
from emr_jobs.demo.server import RouteServer
from emr_jobs.runs.distributed import run_distributed_crawl
from emr_jobs.spiders.distributed import RedisKeys, seed_payload
from emr_jobs.spiders.registry import load_registry
from emr_jobs.store.db import upgrade
from emr_jobs.store.durable import DurableWriter
from emr_jobs.store.models import CrawlRun, Posting, Source
from emr_jobs.store.writes import WriteCounts
from tests.conftest import ROOT, fresh_postgres_database, run_cli, write_registry

REDIS_ENV = "EMR_JOBS_TEST_REDIS_URL"
REDIS_REQUIRED_ENV = "EMR_JOBS_REQUIRE_REDIS"
# the local server needs no politeness; both the local crawl and the workers use these
LOCAL = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "RETRY_TIMES": "1",
         "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    required = bool(os.environ.get(REDIS_REQUIRED_ENV))
    if not url:
        if required:
            pytest.fail(f"{REDIS_REQUIRED_ENV} is set but {REDIS_ENV} is not")
        pytest.skip(f"distributed tests need {REDIS_ENV} (e.g. redis://127.0.0.1:6379/0)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        if required:
            raise
        pytest.skip(f"Redis at {REDIS_ENV} is not reachable: {exc.__class__.__name__}")
    return url


@pytest.fixture
def redis_server(redis_url):
    import redis

    return redis.Redis.from_url(redis_url)


@pytest.fixture
def prefix(redis_server) -> Iterator[str]:
    """A Redis key prefix of this test's own; every key under it is deleted afterwards."""
    name = f"emr-test-{uuid.uuid4().hex[:10]}"
    yield name
    keys = list(redis_server.scan_iter(match=f"{name}:*"))
    if keys:
        redis_server.delete(*keys)


@pytest.fixture
def pg() -> Iterator[str]:
    with fresh_postgres_database() as url:
        upgrade(url)
        yield url


class SlowableServer:
    """The demo boards on a local server; `delay` seconds before each answer (a real board's latency)."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.boards = build_boards()
        routes = [(method, pattern, self._slowed(handler)) for method, pattern, handler in all_routes(self.boards)]
        self.server = RouteServer(routes)

    def _slowed(self, handler):
        def answer(info, match):
            if self.delay:
                time.sleep(self.delay)
            return handler(info, match)
        return answer

    def registry_file(self, path: Path) -> Path:
        employers = [{"slug": b.employer.slug, "name": b.employer.name, "employer_type": b.employer.employer_type,
                      "hq_state": b.employer.state,
                      "sources": [{"platform": b.employer.platform, **b.employer.identifiers,
                                   "base_url": self.server.url + (icims_base_path(b.employer)
                                                                  if b.employer.platform == "icims" else "")}]}
                     for b in self.boards]
        return write_registry(path, employers)


@pytest.fixture
def boards(tmp_path) -> Iterator[tuple[SlowableServer, Path]]:
    slow = SlowableServer()
    with slow.server:
        yield slow, slow.registry_file(tmp_path / "sources.toml")


class Workers:
    """`emr-jobs worker` subprocesses of one test (all stopped at its end)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen] = []

    def start(self, db: str, redis_url: str, prefix: str, *, idle: float = 15, heartbeat: float = 4,
              settings: dict[str, str] | None = None) -> subprocess.Popen:
        command = [sys.executable, "-m", "emr_jobs", "--db", db, "worker", "--redis", redis_url, "--redis-prefix",
                   prefix, "--idle", str(idle), "--heartbeat", str(heartbeat)]
        for name, value in {**LOCAL, **(settings or {})}.items():
            command += ["-s", f"{name}={value}"]
        log = open(self.tmp_path / f"worker-{len(self.started)}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env={k: v for k, v in os.environ.items() if k != "EMR_JOBS_DATABASE_URL"})
        self.started.append(process)
        return process

    def log(self, index: int) -> str:
        return (self.tmp_path / f"worker-{index}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path) -> Iterator[Workers]:
    group = Workers(tmp_path)
    yield group
    group.stop_all()


def wait_for_workers(redis_server, prefix: str, count: int, timeout: float = 60) -> None:
    """Until `count` workers beat (so that the run is not over before the second one starts)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(list(redis_server.scan_iter(match=RedisKeys(prefix).worker("*")))) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} workers started")


def distributed_cli(db: str, redis_url: str, prefix: str, registry: Path, timeout: float = 240,
                    ) -> subprocess.CompletedProcess:
    return run_cli("--db", db, "crawl", "--distributed", "--redis", redis_url, "--redis-prefix", prefix,
                   "--sources", str(registry), "--timeout", str(timeout), timeout=timeout + 60)


def local_cli(db: str, registry: Path) -> subprocess.CompletedProcess:
    settings = [part for name, value in LOCAL.items() for part in ("-s", f"{name}={value}")]
    return run_cli("--db", db, "crawl", "--quiet", "--sources", str(registry), *settings, timeout=240)


# --- what the database holds --------------------------------------------------------------------

VOLATILE = {"id", "source_id", "employer_id", "first_seen", "last_seen", "closed_at"}


def postings_of(db: str) -> dict[tuple[str, str], dict]:
    engine = create_engine(db)
    try:
        with Session(engine) as session:
            keys = dict(session.execute(select(Source.id, Source.key)).all())
            rows = {}
            for posting in session.scalars(select(Posting)):
                fields = {c.name: getattr(posting, c.name) for c in Posting.__table__.columns if c.name not in VOLATILE}
                fields["open"] = posting.closed_at is None
                rows[(keys[posting.source_id], posting.external_id)] = fields
            total = session.query(Posting).count()
            assert total == len(rows), "a posting is stored twice"
            return rows
    finally:
        engine.dispose()


def runs_of(db: str) -> list[dict]:
    engine = create_engine(db)
    try:
        with Session(engine) as session:
            keys = dict(session.execute(select(Source.id, Source.key)).all())
            found = []
            for row in session.scalars(select(CrawlRun).order_by(CrawlRun.id)):
                counters = dict((row.stats or {}).get("source") or {})
                notes = dict(counters.pop("notes", {}) or {})
                distributed = notes.pop("distributed", None)
                if notes:
                    counters["notes"] = notes
                found.append({"key": keys[row.source_id], "status": row.status, "counters": counters,
                              "kept": row.items_kept, "seen": row.items_seen, "error": row.error,
                              "run": (distributed or {}).get("run"), "worker": (distributed or {}).get("worker")})
            return found
    finally:
        engine.dispose()


def run_keys(redis_server, prefix: str, run_id: str) -> list:
    return list(redis_server.scan_iter(match=RedisKeys(prefix).run_pattern(run_id)))


# --- refusals: one line, the right exit ---------------------------------------------------------

def test_distributed_refuses_sqlite_with_one_line(tmp_path):
    sqlite = f"sqlite:///{tmp_path / 'x.db'}"
    for args in (["crawl", "--distributed", "--redis", "redis://127.0.0.1:6379/0"],
                 ["refresh", "--distributed", "--redis", "redis://127.0.0.1:6379/0"],
                 ["worker", "--redis", "redis://127.0.0.1:6379/0"]):
        result = run_cli("--db", sqlite, *args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "PostgreSQL" in lines[0], (args, result.stderr)


def test_unreachable_redis_is_one_line_and_nonzero():
    db = "postgresql://postgres@127.0.0.1:5432/postgres"
    for args in (["crawl", "--distributed"], ["refresh", "--distributed"], ["worker"]):
        result = run_cli("--db", db, *args, "--redis", "redis://127.0.0.1:1/0")
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot reach Redis" in lines[0], (args, result.stderr)


def test_missing_redis_url_is_a_usage_error():
    result = run_cli("--db", "postgresql://postgres@127.0.0.1:5432/postgres", "crawl", "--distributed",
                     env={"EMR_JOBS_REDIS_URL": ""})
    assert result.returncode == 2 and "EMR_JOBS_REDIS_URL" in result.stderr


@pytest.mark.parametrize("error", ["SerializationFailure", "DeadlockDetected"])
def test_serialization_failures_and_deadlocks_are_retried(error):
    """Several writers at once: PostgreSQL may abort one transaction of two (40001, 40P01); the
    batch is written again, not lost or refused."""
    import psycopg

    class Flaky:
        engine = type("E", (), {"dispose": lambda self: None})()
        calls = 0

        def write(self, rows):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise sa_exc.DBAPIError.instance("INSERT ...", {}, getattr(psycopg.errors, error)("aborted"),
                                                 psycopg.Error)
            return WriteCounts(inserted=len(rows))

    result = DurableWriter(Flaky(), retries=2, retry_wait=0, sleep=lambda s: None).write([{"external_id": "1"}])
    assert Flaky.calls == 2 and result.counts.inserted == 1 and not result.rejected


# --- 1. two workers store exactly what one local crawl stores ------------------------------------

def test_two_workers_store_what_a_local_crawl_stores(boards, redis_url, redis_server, prefix, workers):
    server, registry = boards
    with fresh_postgres_database() as local_db, fresh_postgres_database() as shared_db:
        result = local_cli(local_db, registry)
        assert result.returncode == 0, result.stderr
        upgrade(shared_db)
        for _ in range(2):
            workers.start(shared_db, redis_url, prefix)
        wait_for_workers(redis_server, prefix, 2)
        result = distributed_cli(shared_db, redis_url, prefix, registry)
        assert result.returncode == 0, result.stderr + workers.log(0) + workers.log(1)

        local, shared = postings_of(local_db), postings_of(shared_db)
        assert len(local) > 100
        assert shared == local  # same postings, same fields, all open
        local_runs, shared_runs = runs_of(local_db), runs_of(shared_db)
        assert len(shared_runs) == len(local_runs) == len(load_registry(registry).sources)  # one row per source
        assert {r["run"] for r in shared_runs} == {shared_runs[0]["run"]} and shared_runs[0]["run"]
        strip = lambda r: (r["key"], r["status"], r["kept"], r["seen"], json.dumps(r["counters"], sort_keys=True))  # noqa: E731
        assert sorted(map(strip, shared_runs)) == sorted(map(strip, local_runs))
        assert {r["status"] for r in shared_runs} == {"ok"}
        # every key of the run is gone; the workers stop by themselves once idle
        assert run_keys(redis_server, prefix, shared_runs[0]["run"]) == []
        for process in workers.started:
            assert process.wait(timeout=90) == 0


# --- 2. a worker killed mid-crawl ------------------------------------------------------------------

def _taken_by(redis_server, prefix: str, pid: int) -> list[dict]:
    """Seeds a worker (by process id) has taken and not recorded yet."""
    for key in redis_server.scan_iter(match=f"{prefix}:run:*:taken:*"):
        name = key.decode()
        if f":{pid}:" in name.rsplit(":taken:", 1)[1] + ":":
            return [json.loads(seed) for seed in redis_server.lrange(key, 0, -1)]
    return []


def test_a_killed_worker_loses_no_posting_and_closes_nothing(boards, redis_url, redis_server, prefix, workers):
    server, registry = boards
    with fresh_postgres_database() as db:
        assert local_cli(db, registry).returncode == 0  # every posting stored and open
        before = postings_of(db)
        first_runs = len(runs_of(db))

        server.delay = 0.2  # every answer now takes a while: the kill lands mid-crawl
        victim = workers.start(db, redis_url, prefix, heartbeat=3, settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "2"})
        survivor = workers.start(db, redis_url, prefix, heartbeat=3, settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "2"})
        wait_for_workers(redis_server, prefix, 2)
        coordinator = subprocess.Popen(
            [sys.executable, "-m", "emr_jobs", "--db", db, "crawl", "--distributed", "--redis", redis_url,
             "--redis-prefix", prefix, "--sources", str(registry), "--timeout", "300"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            deadline = time.time() + 120
            taken: list[dict] = []
            while time.time() < deadline and not taken:
                taken = _taken_by(redis_server, prefix, victim.pid)
                time.sleep(0.05)
            assert taken, "the victim never took a source"
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
            out, err = coordinator.communicate(timeout=400)
        finally:
            if coordinator.poll() is None:
                coordinator.kill()
        assert coordinator.returncode == 3, err  # some sources failed, the others did not

        runs = runs_of(db)[first_runs:]
        by_key = {}
        for run in runs:
            assert run["key"] not in by_key, f"two rows for {run['key']}"
            by_key[run["key"]] = run
        assert set(by_key) == {s.key for s in load_registry(registry).sources}  # every source recorded once
        victim_name = f":{victim.pid}:"
        lost = [run for run in runs if run["status"] != "ok"]
        assert lost, "no source lost its worker"
        for run in lost:  # the sources the victim held: failed (never ok), because its worker stopped
            assert run["status"] == "failed" and "stopped (no heartbeat)" in run["error"], run
            assert victim_name in run["worker"]
        held = {run["key"] for run in lost}
        for run in runs:  # everything else was crawled to the end by the survivor (or before the kill)
            if run["key"] not in held:
                assert run["status"] == "ok", run
                assert victim_name in run["worker"] or f":{survivor.pid}:" in run["worker"]
        assert any(f":{survivor.pid}:" in run["worker"] for run in runs)
        after = postings_of(db)
        assert after == before  # no posting lost, duplicated, changed or closed
        assert all(posting["open"] for posting in after.values())
        engine = create_engine(db)
        with Session(engine) as session:  # the dead worker's leases were freed by the coordinator
            assert session.scalars(select(Source.lease_holder).where(Source.lease_holder.is_not(None))).all() == []
        engine.dispose()
        assert survivor.wait(timeout=90) == 0


# --- 3. runs in a row keep to their own keys; a leftover worker stops when idle -------------------

def test_runs_in_a_row_do_not_mix_and_a_leftover_worker_stops(boards, redis_url, redis_server, prefix, workers, pg):
    server, registry = boards
    sources = load_registry(registry).sources
    first, second = sources[::2], sources[1::2]
    keys = RedisKeys(prefix)
    # a stale run (its coordinator died long ago): its seed is past the deadline and must not be crawled
    redis_server.zadd(keys.runs, {"stale": time.time() - 5})
    redis_server.rpush(keys.seeds("stale", second[0].platform), seed_payload(second[0], "stale"))

    worker = workers.start(pg, redis_url, prefix, idle=10)
    wait_for_workers(redis_server, prefix, 1)
    outcomes_1 = run_distributed_crawl(first, pg, redis_url, timeout=180, prefix=prefix, poll_seconds=0.3)
    rows_1 = runs_of(pg)
    run_1 = rows_1[0]["run"]
    assert [o.status for o in outcomes_1] == ["ok"] * len(first)
    assert sorted(r["key"] for r in rows_1) == sorted(s.key for s in first) and {r["run"] for r in rows_1} == {run_1}
    assert run_keys(redis_server, prefix, run_1) == [] and redis_server.zscore(keys.runs, run_1) is None

    outcomes_2 = run_distributed_crawl(second, pg, redis_url, timeout=180, prefix=prefix, poll_seconds=0.3)
    rows_2 = runs_of(pg)[len(rows_1):]
    run_2 = rows_2[0]["run"]
    assert run_2 != run_1 and [o.status for o in outcomes_2] == ["ok"] * len(second)
    assert sorted(r["key"] for r in rows_2) == sorted(s.key for s in second) and {r["run"] for r in rows_2} == {run_2}
    assert run_keys(redis_server, prefix, run_2) == []
    # the stale run's seed is still there, untouched (the coordinator that owned it cleans it up, or its expiry)
    assert redis_server.llen(keys.seeds("stale", second[0].platform)) == 1
    assert len(runs_of(pg)) == len(sources)

    started = time.time()
    assert worker.wait(timeout=90) == 0  # the worker left over from both runs stops once idle
    assert time.time() - started < 60
    assert not list(redis_server.scan_iter(match=keys.worker("*")))  # its heartbeat went with it


def test_coordinator_without_workers_fails_the_sources_at_its_limit(boards, redis_url, redis_server, prefix, pg):
    server, registry = boards
    sources = load_registry(registry).sources[:2]
    outcomes = run_distributed_crawl(sources, pg, redis_url, timeout=2, prefix=prefix, poll_seconds=0.2)
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert "wall-clock limit" in outcomes[0].errors[0]
    assert list(redis_server.scan_iter(match=f"{prefix}:run:*")) == []


def test_heartbeat_thread_keeps_the_key_alive(redis_server, prefix):
    from emr_jobs.runs.distributed import Heartbeat

    beat = Heartbeat(redis_server, f"{prefix}:worker:x", 1.5, {"worker": "x"})
    beat.start()
    time.sleep(2.5)
    assert redis_server.exists(f"{prefix}:worker:x")
    beat.stop()
    assert not redis_server.exists(f"{prefix}:worker:x")
    assert not [t for t in threading.enumerate() if t.name == "emr-heartbeat" and t.is_alive()]


# --- a worker stopped politely; the distributed refresh -------------------------------------------

def test_a_terminated_worker_records_its_sources_as_interrupted(boards, redis_url, redis_server, prefix, workers, pg):
    """SIGTERM (a service manager stopping the machine): the worker records what it holds as failed
    ("interrupted"), closes nothing, exits 130; the coordinator does not add a second row."""
    server, registry = boards
    sources = load_registry(registry).sources
    server.delay = 0.3
    worker = workers.start(pg, redis_url, prefix, heartbeat=3, settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "1"})
    wait_for_workers(redis_server, prefix, 1)
    outcome: dict = {}
    coordinator = threading.Thread(target=lambda: outcome.setdefault("runs", run_distributed_crawl(
        sources, pg, redis_url, timeout=120, prefix=prefix, poll_seconds=0.3)))
    coordinator.start()
    deadline = time.time() + 60
    while time.time() < deadline and not _taken_by(redis_server, prefix, worker.pid):
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 130
    survivor = workers.start(pg, redis_url, prefix, heartbeat=3)
    server.delay = 0
    coordinator.join(timeout=200)
    assert not coordinator.is_alive()
    rows = runs_of(pg)
    assert sorted(r["key"] for r in rows) == sorted(s.key for s in sources)  # one row each
    interrupted = [r for r in rows if r["status"] != "ok"]
    assert interrupted and all(r["status"] == "failed" and "interrupted" in r["error"] for r in interrupted)
    assert all(f":{worker.pid}:" in r["worker"] for r in interrupted)
    assert all(f":{survivor.pid}:" in r["worker"] for r in rows if r["status"] == "ok")
    assert all(posting["open"] for posting in postings_of(pg).values())
    assert survivor.wait(timeout=90) == 0


def test_distributed_refresh_snapshots_once(boards, redis_url, redis_server, prefix, workers, pg):
    from emr_jobs.store.models import MarketSnapshot

    server, registry = boards
    workers.start(pg, redis_url, prefix)
    wait_for_workers(redis_server, prefix, 1)
    result = run_cli("--db", pg, "refresh", "--distributed", "--redis", redis_url, "--redis-prefix", prefix,
                     "--sources", str(registry), "--timeout", "200", "--quiet", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Snapshot" in result.stdout and "Duplicates" in result.stdout
    engine = create_engine(pg)
    with Session(engine) as session:
        assert session.query(MarketSnapshot).count() == 1
        assert session.query(CrawlRun).count() == len(load_registry(registry).sources)
    engine.dispose()


def test_a_source_the_worker_cannot_record_is_recorded_failed_by_the_coordinator(
        boards, redis_url, redis_server, prefix, workers, pg):
    """The worker's database refuses (here: a database without the schema): nothing is crawled or
    closed, and the coordinator writes the failed rows with the worker's error, without waiting for
    its limit."""
    server, registry = boards
    sources = load_registry(registry).sources[:3]
    with fresh_postgres_database() as broken:  # reachable, but no tables
        workers.start(broken, redis_url, prefix)
        wait_for_workers(redis_server, prefix, 1)
        started = time.time()
        outcomes = run_distributed_crawl(sources, pg, redis_url, timeout=120, prefix=prefix, poll_seconds=0.3)
        assert time.time() - started < 60
    assert [o.status for o in outcomes] == ["failed"] * 3
    assert all("could not record" in o.errors[0] and "database unavailable" in " ".join(o.errors) for o in outcomes)
    assert postings_of(pg) == {}
