"""Benchmark of scale-out: the same distributed crawl with 1, 2 and 4 workers, in one run.

A local server (its own process) answers every request after a fixed delay, like a real board
(`--delay`, 0.1 s by default), and serves B Greenhouse-shaped boards of P postings each (a listing
with content, then a detail call per posting, as the Greenhouse spider makes for relevant titles):
2,000 postings over 40 boards by default. For each worker count: a fresh PostgreSQL database,
that many `emr-jobs worker` processes (already waiting), then `run_distributed_crawl` of every
board, timed from the seeding to the last crawl_runs row. Each worker keeps the production
politeness of 4 concurrent requests per domain (all boards are on 127.0.0.1, one domain), so one
worker waits on the network and more workers wait in parallel. Prints seconds, postings/s and the
speed-up over the 1-worker run of the same invocation (the aim: 4 workers at least 3x).

    .venv/bin/python bench/distributed.py [--postgres URL] [--redis URL] [--boards 40] [--postings 50]
                                          [--delay 0.1] [--workers 1,2,4] [--per-take 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl import serve  # noqa: E402  (the same Greenhouse-shaped boards as bench/crawl.py)

WORKER_SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "ROBOTSTXT_OBEY": "False",
                   "RETRY_TIMES": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "LOG_LEVEL": "ERROR"}


def one_run(workers: int, root: str, boards: int, admin_url: str, redis_url: str, scratch: Path,
            per_take: int = 2) -> tuple[float, int]:
    import redis
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import Session

    from emr_jobs.runs.distributed import run_distributed_crawl
    from emr_jobs.spiders.distributed import RedisKeys
    from emr_jobs.spiders.registry import parse_registry
    from emr_jobs.store.db import upgrade
    from emr_jobs.store.models import Posting

    name = f"emr_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    prefix = f"emr-bench-{uuid.uuid4().hex[:8]}"
    server = redis.Redis.from_url(redis_url)
    started: list[subprocess.Popen] = []
    try:
        upgrade(url)
        problems: list[str] = []
        registry = parse_registry({"employers": [
            {"slug": f"bench-{b}", "name": f"Bench Health {b}", "employer_type": "hospital",
             "sources": [{"platform": "greenhouse", "token": f"bench{b}", "base_url": root}]}
            for b in range(boards)]}, problems)
        assert not problems, problems
        command = [sys.executable, "-m", "emr_jobs", "--db", url, "worker", "--redis", redis_url, "--redis-prefix",
                   prefix, "--idle", "10", "-s", f"EMR_WORKER_SOURCES_PER_TAKE={per_take}"]
        for setting, value in WORKER_SETTINGS.items():
            command += ["-s", f"{setting}={value}"]
        for index in range(workers):
            log = open(scratch / f"worker-{workers}-{index}.log", "w")  # noqa: SIM115
            started.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT))
        deadline = time.time() + 120
        while len(list(server.scan_iter(match=RedisKeys(prefix).worker("*")))) < workers:
            if time.time() > deadline:
                raise SystemExit("the workers did not start")
            time.sleep(0.1)
        time.sleep(1.0)  # past their start-up: each is now polling Redis
        start = time.perf_counter()
        outcomes = run_distributed_crawl(registry.sources, url, redis_url, timeout=1800, prefix=prefix,
                                         poll_seconds=0.2)
        elapsed = time.perf_counter() - start
        bad = [(o.key, o.status, o.errors[:1]) for o in outcomes if o.status != "ok"]
        if bad:
            raise SystemExit(f"sources not ok with {workers} worker(s): {bad[:3]}")
        engine = create_engine(url)
        with Session(engine) as session:
            stored = session.scalar(select(func.count()).select_from(Posting))
        engine.dispose()
        for process in started:
            process.wait(timeout=120)
        return elapsed, stored
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("EMR_JOBS_TEST_POSTGRES_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server URL on which databases may be created")
    parser.add_argument("--redis", default=os.environ.get("EMR_JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--boards", type=int, default=40)
    parser.add_argument("--postings", type=int, default=50, help="postings per board")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds before each answer")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure, the first being the baseline")
    parser.add_argument("--per-take", type=int, default=2, help="sources a worker spider takes at a time")
    args = parser.parse_args(argv)
    counts = [int(part) for part in args.workers.split(",")]
    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.boards, args.postings, ports, args.delay), daemon=True)
    server.start()
    root = f"http://127.0.0.1:{ports.get(timeout=120)}"
    total = args.boards * args.postings
    print(f"{total:,} postings on {args.boards} boards (listing + one detail call each), {args.delay:g} s per answer, "
          f"{os.cpu_count()} CPU(s)")
    results: dict[int, float] = {}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for workers in counts:
                elapsed, stored = one_run(workers, root, args.boards, args.postgres, args.redis,
                                          Path(scratch), args.per_take)
                assert stored == total, f"stored {stored} of {total} with {workers} worker(s)"
                results[workers] = elapsed
                baseline = results[counts[0]]
                print(f"{workers} worker(s)  {elapsed:7.2f} s  {total / elapsed:7,.0f} postings/s  "
                      f"speed-up {baseline / elapsed:4.2f}x", flush=True)
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
