"""Benchmark of the store path against the database driver alone, measured in the same run.

N normalized postings (2-4 KB descriptions, certifications; normalized once from a pool of 300
generated postings, each cloned under its own id) are written through the store the crawl uses
(`DurableWriter(PostingWriter)`, batches of 500), first as new rows, then again unchanged one
night later. The baselines write the same values with the driver alone in one transaction:
`executemany` of a plain INSERT for new rows, of an INSERT ... ON CONFLICT that touches
`last_seen` for unchanged ones. Prints seconds and the ratio (baseline / ours: 1.0 is the
driver's speed; the aim is at least 0.5).

    .venv/bin/python bench/store.py [--count 100000] [--postgres postgresql://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.normalize import make_posting  # noqa: E402
from emr_jobs.pipeline.normalize import normalize  # noqa: E402
from emr_jobs.spiders.registry import SourceConfig  # noqa: E402
from emr_jobs.spiders.settings import EMR_STORE_BATCH_SIZE  # noqa: E402
from emr_jobs.store import writes as store  # noqa: E402
from emr_jobs.store.db import make_engine, upgrade  # noqa: E402
from emr_jobs.store.durable import DurableWriter  # noqa: E402

BATCH = EMR_STORE_BATCH_SIZE  # as the crawl writes
NIGHT_1 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
NIGHT_2 = NIGHT_1 + timedelta(days=1)
SOURCE = SourceConfig(platform="greenhouse", identifiers={"token": "benchmark"}, employer_slug="benchmark",
                      employer_name="Benchmark Health", employer_type="hospital")
COLUMNS = ("source_id", "employer_id", "external_id", "requisition_id", "url", "title", "role", "employer_type",
           "location_text", "city", "state", "country", "work_mode", "employment_type", "pay_min", "pay_max",
           "pay_period", "pay_currency", "pay_annual_min", "pay_annual_max", "pay_hourly_min", "pay_hourly_max",
           "pay_evidence", "evidence", "description", "posted_at", "raw", "content_hash", "first_seen", "last_seen",
           "closed_at")


def make_rows(count: int, ids: store.SourceIds, seen_at: datetime) -> list[dict]:
    rng = random.Random(7)
    pool = []
    for index in range(300):
        posting = make_posting(rng, index)
        raw = {"source_key": SOURCE.key, "external_id": posting["id"], "title": posting["title"],
               "location": posting["location"], "description": posting["description"], "url": "https://x.test/j",
               "raw": {"id": posting["id"], "title": posting["title"]}}
        pool.append((raw, normalize({**raw, "employer": posting["employer"], "employer_type": "hospital"})))
    rows = []
    for index in range(count):
        raw, normalized = pool[index % len(pool)]
        rows.append(store.posting_row({**raw, "external_id": f"job-{index}"}, normalized, ids, seen_at))
    return rows


def driver_values(rows: list[dict], sqlite_style: bool) -> list[tuple]:
    def convert(name, value):
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if sqlite_style else value
        if name in ("evidence", "raw") and value is not None:
            return json.dumps(value)
        return value
    return [tuple(convert(name, row.get(name)) for name in COLUMNS) for row in rows]


def ours(url: str, rows: list[dict]) -> float:
    engine = make_engine(url)
    writer = DurableWriter(store.PostingWriter(engine))
    start = time.perf_counter()
    for offset in range(0, len(rows), BATCH):
        result = writer.write(rows[offset:offset + BATCH])
        assert not result.rejected, result.rejected[:1]
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def fresh_sqlite(directory: Path) -> tuple[str, store.SourceIds]:
    url = f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}"
    return url, prepare(url)


def prepare(url: str) -> store.SourceIds:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        ids = store.sync_registry(session, [SOURCE])[SOURCE.key]
    engine.dispose()
    return ids


def sqlite_baseline(url: str, values: list[tuple], again: list[tuple]) -> tuple[float, float]:
    connection = sqlite3.connect(make_url(url).database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    marks = ",".join("?" * len(COLUMNS))
    start = time.perf_counter()
    with connection:
        connection.executemany(f"INSERT INTO postings ({','.join(COLUMNS)}) VALUES ({marks})", values)
    new = time.perf_counter() - start
    start = time.perf_counter()
    with connection:
        connection.executemany(f"INSERT INTO postings ({','.join(COLUMNS)}) VALUES ({marks}) ON CONFLICT "
                               "(source_id, external_id) DO UPDATE SET last_seen = excluded.last_seen", again)
    unchanged = time.perf_counter() - start
    connection.close()
    return new, unchanged


def postgres_baseline(url: str, values: list[tuple], again: list[tuple]) -> tuple[float, float]:
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    marks = ",".join(["%s"] * len(COLUMNS))
    with psycopg.connect(dsn) as connection:
        start = time.perf_counter()
        with connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO postings ({','.join(COLUMNS)}) VALUES ({marks})", values)
        new = time.perf_counter() - start
        start = time.perf_counter()
        with connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO postings ({','.join(COLUMNS)}) VALUES ({marks}) ON CONFLICT "
                               "(source_id, external_id) DO UPDATE SET last_seen = excluded.last_seen", again)
        unchanged = time.perf_counter() - start
    return new, unchanged


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    name = f"emr_jobs_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_postgres(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def report(label: str, ours_seconds: float, baseline_seconds: float, count: int) -> None:
    print(f"{label:<32} emr-jobs {ours_seconds:7.2f} s ({count / ours_seconds:8,.0f}/s)   "
          f"driver {baseline_seconds:7.2f} s   ratio {baseline_seconds / ours_seconds:5.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1, help="take the median of this many runs")
    parser.add_argument("--postgres", metavar="URL", help="an admin URL to create a scratch database on")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        url, ids = fresh_sqlite(directory)
        rows_1, rows_2 = make_rows(args.count, ids, NIGHT_1), make_rows(args.count, ids, NIGHT_2)
        print(f"{args.count:,} postings, mean description "
              f"{sum(len(r['description']) for r in rows_1) / len(rows_1) / 1024:.1f} KB; median of {args.runs} run(s)")
        results: dict[str, list[float]] = {}
        for _ in range(args.runs):
            url, _ = fresh_sqlite(directory)
            results.setdefault("sqlite new", []).append(ours(url, rows_1))
            results.setdefault("sqlite unchanged", []).append(ours(url, rows_2))
            url, _ = fresh_sqlite(directory)
            new, unchanged = sqlite_baseline(url, driver_values(rows_1, True), driver_values(rows_2, True))
            results.setdefault("sqlite new driver", []).append(new)
            results.setdefault("sqlite unchanged driver", []).append(unchanged)
            if args.postgres:
                for label, runner in (("postgresql", None), ("postgresql driver", postgres_baseline)):
                    pg_url, name = fresh_postgres(args.postgres)
                    try:
                        prepare(pg_url)
                        if runner is None:
                            results.setdefault(f"{label} new", []).append(ours(pg_url, rows_1))
                            results.setdefault(f"{label} unchanged", []).append(ours(pg_url, rows_2))
                        else:
                            new, unchanged = runner(pg_url, driver_values(rows_1, False), driver_values(rows_2, False))
                            results.setdefault("postgresql new driver", []).append(new)
                            results.setdefault("postgresql unchanged driver", []).append(unchanged)
                    finally:
                        drop_postgres(args.postgres, name)
        median = {name: statistics.median(values) for name, values in results.items()}
        for backend in ("sqlite", "postgresql"):
            for kind in ("new", "unchanged"):
                if f"{backend} {kind}" in median:
                    report(f"{backend}, {kind} rows", median[f"{backend} {kind}"],
                           median[f"{backend} {kind} driver"], args.count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
