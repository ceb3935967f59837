"""The nightly refresh end to end on SQLite and PostgreSQL: `emr-jobs refresh` twice over the demo
boards (the second night with postings removed, one changed and one board down) closes exactly
the removed postings of the boards that answered, updates the changed one, stores two dated
snapshots naming the failed source, a third identical refresh changes nothing but last_seen, and
stats, export and report show the market."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.boards import build_boards, with_changes
from emr_jobs.demo.render import all_routes, numeric_id, uuid_id
from emr_jobs.demo.server import RouteServer
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.store.models import MarketSnapshot, Posting, Source
from tests.conftest import FAST_CRAWL, run_cli, write_registry

PLATFORMS = ("lever",)  # one crawl process per refresh keeps the suite fast (the crawls are tested elsewhere)
EXTERNAL_ID = {"greenhouse": lambda job: str(numeric_id(job)), "lever": uuid_id}


class SwitchableBoards:
    """Routes that serve whichever boards are current (the patterns do not depend on the boards)."""

    def __init__(self, boards) -> None:
        self.current = all_routes(boards)

    def switch(self, boards) -> None:
        self.current = all_routes(boards)

    def routes(self):
        return [(method, pattern, (lambda info, match, i=index: self.current[i][2](info, match)))
                for index, (method, pattern, _) in enumerate(self.current)]


def registry_file(tmp_path, boards, base_url):
    employers = [{"slug": b.employer.slug, "name": b.employer.name, "employer_type": b.employer.employer_type,
                  "hq_state": b.employer.state,
                  "sources": [{"platform": b.employer.platform, **b.employer.identifiers, "base_url": base_url}]}
                 for b in boards]
    return write_registry(tmp_path / "sources.toml", employers)


def refresh(db_url, registry, expected_exit=0):
    args = ["--db", db_url, "refresh", "--sources", str(registry), "--quiet", "--timeout", "120"]
    args += [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    args += [arg if arg != "-s" else "--set" for arg in FAST_CRAWL]
    result = run_cli(*args, timeout=300)
    assert result.returncode == expected_exit, result.stderr
    return result


def postings_by_key(engine):
    with Session(engine) as session:
        return {(key, p.external_id): p for p, key in session.execute(
            select(Posting, Source.key).join(Source, Source.id == Posting.source_id))}


def row_without_last_seen(posting):
    return {c: getattr(posting, c) for c in Posting.__table__.columns.keys() if c != "last_seen"}


@pytest.fixture
def nights(tmp_path, db_url):
    night_1 = [b for b in build_boards() if b.employer.platform in PLATFORMS]
    night_2 = with_changes(night_1, removed_per_board=1, changed=0)
    down = night_2[-1].employer  # its board answers 404 on night 2: a failed crawl
    night_2 = night_2[:-1]
    boards = SwitchableBoards(night_1)
    with RouteServer(boards.routes()) as server:
        registry = registry_file(tmp_path, night_1, server.url)
        yield db_url, registry, boards, night_1, night_2, down


def source_key(employer):
    return f"{employer.platform}:{employer.token}"


def test_two_nights_close_update_snapshot_and_report(nights, tmp_path):
    db_url, registry, boards, night_1, night_2, down = nights
    engine = create_engine(db_url)
    refresh(db_url, registry)
    first = postings_by_key(engine)
    assert first and all(p.closed_at is None for p in first.values())
    with Session(engine) as session, session.begin():  # the first refresh ran "yesterday"
        snapshot = session.scalar(select(MarketSnapshot))
        snapshot.snapshot_date -= timedelta(days=1)

    # night 2: first job of each board gone, one posting's pay raised, one board down
    stored_ids = {external_id for _, external_id in first}
    changed_board, changed_index = next(
        (bi, ji) for bi, board in enumerate(night_2) for ji, job in enumerate(board.jobs)
        if job.pay_in == "structured" and EXTERNAL_ID[board.employer.platform](job) in stored_ids)
    board = night_2[changed_board]
    job = board.jobs[changed_index]
    low, high, period = job.pay
    board.jobs[changed_index] = replace(job, pay=(round(low * 1.1, 2), round(high * 1.1, 2), period))
    changed_key = (source_key(board.employer), EXTERNAL_ID[board.employer.platform](job))
    removed = {(source_key(b.employer), EXTERNAL_ID[b.employer.platform](b.jobs[0])) for b in night_1
               if b.employer != down}
    expected_closed = removed & set(first)
    assert expected_closed
    boards.switch(night_2)
    refresh(db_url, registry, expected_exit=SOME_FAILED_EXIT)  # one board is down

    second = postings_by_key(engine)
    closed = {key for key, p in second.items() if p.closed_at is not None}
    assert closed == expected_closed
    assert all(second[key].closed_at is None for key in first if key[0] == source_key(down))
    changed = second[changed_key]
    assert changed.pay_min == pytest.approx(first[changed_key].pay_min * 1.1, abs=0.01)
    assert changed.content_hash != first[changed_key].content_hash and changed.first_seen == first[changed_key].first_seen
    untouched = [key for key in first if key not in closed and key != changed_key]
    assert all(second[key].content_hash == first[key].content_hash for key in untouched)

    with Session(engine) as session:
        snapshots = session.scalars(select(MarketSnapshot).order_by(MarketSnapshot.snapshot_date)).all()
    assert len(snapshots) == 2 and snapshots[0].snapshot_date < snapshots[1].snapshot_date
    assert [f["source"] for f in snapshots[1].failed_sources] == [source_key(down)]

    # a third refresh with the same data changes nothing but last_seen (and replaces today's snapshot)
    refresh(db_url, registry, expected_exit=SOME_FAILED_EXIT)  # the board is still down
    third = postings_by_key(engine)
    assert {k: row_without_last_seen(p) for k, p in third.items()} == {k: row_without_last_seen(p) for k, p in second.items()}
    with Session(engine) as session:
        assert len(session.scalars(select(MarketSnapshot)).all()) == 2

    stats = run_cli("--db", db_url, "stats", "--by", "state", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    by_state = json.loads(stats.stdout)
    assert sum(row["postings_total"] for row in by_state) == len(third) - len(closed)
    trend_file = tmp_path / "trend.csv"
    assert run_cli("--db", db_url, "export", "trend", "-o", str(trend_file)).returncode == 0
    trend = list(csv.DictReader(trend_file.open(encoding="utf-8")))
    assert len(trend) == 2 and float(trend[1]["closed_unique"]) >= 1
    report = run_cli("--db", db_url, "report", "-o", str(tmp_path / "report"))
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "report" / "report.html").stat().st_size > 10_000
    engine.dispose()

