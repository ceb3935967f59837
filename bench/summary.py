"""Benchmark of the market summaries: generate N synthetic postings in SQLite (inserted by SQL in
one recursive-CTE statement per table, so generation is quick), then time a full snapshot, each
`stats --by` as the command answers it (rows the snapshot stored, market/stats_cache.py) against
the live SQL query it falls back to (the previous method, measured in the same run), and the
peak memory of streaming the postings export; then what the triggers that keep those rows honest
cost raw SQLite writes (with and without them). Each time is the median of --repeat runs.

    .venv/bin/python bench/summary.py [--postings 1000000] [--db FILE] [--keep] [--repeat 3]

Aims: the snapshot of 1,000,000 postings under 5 seconds, each `stats --by` under 1 second;
memory flat while the export streams.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from emr_jobs.market.export import export_market  # noqa: E402
from emr_jobs.market.queries import BY_CHOICES, query_stats  # noqa: E402
from emr_jobs.market.snapshot import take_snapshot  # noqa: E402
from emr_jobs.market.stats_cache import SQLITE_TRIGGERS, cached_rows, stats_rows  # noqa: E402
from emr_jobs.store.db import make_engine, upgrade  # noqa: E402

EMPLOYERS = 2000
STATES = "ALAKAZARCACOCTDEFLGAHIIDILINIAKSKYLAMEMDMAMIMNMSMOMTNENVNHNJNMNYNCNDOHOKORPARISCSDTNTXUTVTVAWAWVWIWY"
DESCRIPTION = ("Maintain complete and accurate electronic health records; respond to release of information "
               "requests in line with HIPAA; scan, index and audit documents; abstract charts and assign codes "
               "where required. RHIT preferred; CCS within 12 months. Medical, dental, vision, 403(b). ")

GENERATE_POSTINGS = f"""
INSERT INTO postings (id, source_id, external_id, title, role, employer_id, employer_type, city, state, country,
    work_mode, pay_min, pay_max, pay_period, pay_currency, pay_annual_min, pay_annual_max, pay_hourly_min,
    pay_hourly_max, description, content_hash, posted_at, first_seen, last_seen, closed_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count),
g AS (SELECT i, CASE WHEN i * 19 % 10 < 7 THEN 15 + (i * 31 % 2500) / 100.0 END AS lo,
             2 + (i * 37 % 800) / 100.0 AS span FROM n)
SELECT i, i % {EMPLOYERS} + 1, 'ext-' || i, 'Medical Records Specialist ' || (i % 97),
    CASE i * 11 % 7 WHEN 0 THEN 'medical_records' WHEN 1 THEN 'coding' WHEN 2 THEN 'release_of_information'
        WHEN 3 THEN 'cdi' WHEN 4 THEN 'registry' WHEN 5 THEN 'him_leadership' ELSE NULL END,
    i % {EMPLOYERS} + 1,
    CASE (i % {EMPLOYERS}) * 13 % 9 WHEN 0 THEN 'hospital' WHEN 1 THEN 'physician_practice'
        WHEN 2 THEN 'long_term_care' WHEN 3 THEN 'ambulatory_surgery' WHEN 4 THEN 'government'
        WHEN 5 THEN 'insurance' WHEN 6 THEN 'health_tech' WHEN 7 THEN 'staffing_outsourcing' ELSE 'other' END,
    'City ' || (i % 500), substr('{STATES}', (i * 7 % 50) * 2 + 1, 2), 'US',
    CASE WHEN i * 17 % 10 < 5 THEN 'onsite' WHEN i * 17 % 10 < 7 THEN 'hybrid' WHEN i * 17 % 10 < 9 THEN 'remote'
        ELSE 'unknown' END,
    lo, lo + span, CASE WHEN lo IS NOT NULL THEN 'hour' END, CASE WHEN lo IS NOT NULL THEN 'USD' END,
    round(lo * 2080, 2), round((lo + span) * 2080, 2), lo, lo + span,
    :description || i, printf('%064d', i),
    datetime('2026-09-01', '+' || (i % 80) || ' days', '-' || (i % 20) || ' days'),
    datetime('2026-09-01', '+' || (i % 80) || ' days'), datetime('2026-11-20'),
    CASE WHEN i * 23 % 100 < 15 THEN datetime('2026-09-01', '+' || (i % 80 + 5) || ' days') END
FROM g
"""
GENERATE_CERTIFICATIONS = """
INSERT INTO posting_certifications (posting_id, certification_id, strength)
SELECT id, id % :certs + 1, CASE id % 3 WHEN 0 THEN 'required' WHEN 1 THEN 'preferred' ELSE 'obtain_after_hire' END
FROM postings WHERE id % 4 != 3
UNION ALL
SELECT id, (id * 7 + 3) % :certs + 1, 'preferred' FROM postings
WHERE id % 5 = 0 AND (id * 7 + 3) % :certs != id % :certs AND id % 4 != 3
"""
GENERATE_DUPLICATES = """
INSERT INTO posting_duplicates (posting_id, canonical_posting_id, matched_by, similarity, grouped_at)
SELECT id, id - id % 2, 'text', 0.95, datetime('2026-11-20') FROM postings WHERE id % 100 IN (2, 3)
"""


def generate(url: str, count: int) -> float:
    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("PRAGMA synchronous=OFF"))
        connection.execute(text(
            "INSERT INTO employers (id, slug, name, employer_type) WITH RECURSIVE n(i) AS "
            "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
            "SELECT i, 'employer-' || i, 'Employer ' || i, 'hospital' FROM n"), {"count": EMPLOYERS})
        connection.execute(text(
            "INSERT INTO sources (id, key, platform, identifiers, employer_id, enabled) WITH RECURSIVE n(i) AS "
            "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
            "SELECT i, 'greenhouse:employer' || i, 'greenhouse', '{}', i, 1 FROM n"), {"count": EMPLOYERS})
        connection.execute(text(GENERATE_POSTINGS), {"count": count, "description": DESCRIPTION})
        certs = connection.scalar(text("SELECT count(*) FROM certifications"))
        connection.execute(text(GENERATE_CERTIFICATIONS), {"certs": certs})
        connection.execute(text(GENERATE_DUPLICATES))
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def timed(label: str, function, *args, repeat: int = 1, **kwargs):
    """Run `function` `repeat` times; print and return the median time (and the last result)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    elapsed = statistics.median(times)
    runs = f"  (runs: {', '.join(f'{t:.3f}' for t in times)})" if repeat > 1 else ""
    print(f"  {label:<46} {elapsed:8.3f} s{runs}")
    return result, elapsed


def stats_with_session(engine, function, by: str):
    with Session(engine) as session:
        return function(session, by)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


WRITE_COLUMNS = ("source_id", "external_id", "title", "role", "employer_id", "employer_type", "state", "work_mode",
                 "pay_hourly_min", "pay_hourly_max", "description", "content_hash", "first_seen", "last_seen")


def raw_writes(directory: Path, count: int, triggers: bool) -> tuple[float, float]:
    """Seconds to insert `count` postings (2 KB descriptions) with sqlite3.executemany in one
    transaction, then to touch their last_seen (a re-crawl of unchanged postings), in a fresh
    database at head with or without the market data version triggers."""
    path = directory / f"writes-{'triggers' if triggers else 'bare'}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade(f"sqlite:///{path}")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    if not triggers:
        for name in SQLITE_TRIGGERS:
            connection.execute(f"DROP TRIGGER {name}")
    with connection:
        connection.execute("INSERT INTO employers (id, slug, name) VALUES (1, 'e', 'E')")
        connection.execute("INSERT INTO sources (id, key, platform, identifiers, employer_id, enabled) "
                           "VALUES (1, 'greenhouse:e', 'greenhouse', '{}', 1, 1)")
        connection.execute("UPDATE market_data_version SET changed = false")  # as after a snapshot
    rows = [(1, f"ext-{i}", "Medical Records Clerk", "medical_records", 1, "hospital", "OH", "onsite", 20.0, 22.0,
             DESCRIPTION * 6 + str(i), f"{i:064d}", "2026-11-01 00:00:00", "2026-11-01 00:00:00") for i in range(count)]
    started = time.perf_counter()
    with connection:
        connection.executemany(f"INSERT INTO postings ({', '.join(WRITE_COLUMNS)}) "
                               f"VALUES ({', '.join('?' * len(WRITE_COLUMNS))})", rows)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    with connection:
        connection.executemany("UPDATE postings SET last_seen = ?, closed_at = NULL WHERE source_id = 1 AND external_id = ?",
                               [("2026-11-02 00:00:00", f"ext-{i}") for i in range(count)])
    touched = time.perf_counter() - started
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return inserted, touched


def trigger_cost(directory: Path, count: int, repeat: int) -> None:
    """What the version triggers cost the writes: the same raw writes with and without them."""
    runs = {triggers: [raw_writes(directory, count, triggers) for _ in range(repeat)] for triggers in (False, True)}
    print(f"write cost of the market data version triggers ({count:,} postings, raw sqlite3, medians):")
    for position, label in enumerate(("insert new", "touch unchanged")):
        bare = statistics.median(run[position] for run in runs[False])
        with_triggers = statistics.median(run[position] for run in runs[True])
        print(f"  {label:<16} without {bare:6.2f} s, with {with_triggers:6.2f} s: {bare / with_triggers:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--db", help="SQLite file (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--reuse", action="store_true", help="use the existing --db file as is (no generation)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, the median is reported")
    parser.add_argument("--write-rows", type=int, default=100_000,
                        help="postings written to measure what the version triggers cost (0: skip)")
    args = parser.parse_args(argv)
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="emr-bench-")) / "bench.db"
    url = f"sqlite:///{path.resolve()}"
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"generating {args.postings:,} postings in {path} ...")
        print(f"  {'generation':<32} {generate(url, args.postings):8.2f} s")
    engine = make_engine(url)
    with engine.connect() as connection:
        total = connection.scalar(text("SELECT count(*) FROM postings"))
        open_ = connection.scalar(text("SELECT count(*) FROM postings WHERE closed_at IS NULL"))
        cert_rows = connection.scalar(text("SELECT count(*) FROM posting_certifications"))
    print(f"postings: {total:,} ({open_:,} open), certification mentions: {cert_rows:,}, "
          f"database: {os.path.getsize(path) / 1e6:,.0f} MB")
    print("timings:")
    as_of = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    result, snapshot_seconds = timed("snapshot (all dimensions)", take_snapshot, engine, date(2026, 11, 21), as_of,
                                     repeat=args.repeat)
    print(f"    ({result.values:,} figures stored; target < 5 s: {'met' if snapshot_seconds < 5 else 'NOT met'})")
    for by in BY_CHOICES:
        live_rows, live = timed(f"stats --by {by}: live SQL (previous)", stats_with_session, engine, query_stats, by,
                                repeat=args.repeat)
        rows, answered = timed(f"stats --by {by}: as answered", stats_with_session, engine, stats_rows, by,
                               repeat=args.repeat)
        cached = stats_with_session(engine, cached_rows, by) is not None
        print(f"    ({'from the snapshot' if cached else 'LIVE: the cache could not answer'}; "
              f"{live / answered:,.0f}x the live query; same rows: {'yes' if rows == live_rows else 'NO'}; "
              f"target < 1 s: {'met' if answered < 1 else 'NOT met'})")
    before = peak_rss_mb()
    out = path.parent / "postings-export.csv"
    rows, _ = timed("export postings (streamed)", export_market, engine, "postings", out)
    print(f"    ({rows:,} rows, {out.stat().st_size / 1e6:,.0f} MB; peak RSS {before:,.0f} MB before, "
          f"{peak_rss_mb():,.0f} MB after)")
    out.unlink()
    engine.dispose()
    if args.write_rows:
        trigger_cost(path.parent, args.write_rows, args.repeat)
    if not args.keep and not args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
