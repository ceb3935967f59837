"""Real crawls (subprocess `emr-jobs crawl`) of Greenhouse and Lever fixtures served locally:
storage of relevant postings with pay and work mode, per-source outcomes, idempotent re-crawls."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply, RouteServer
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.store.models import CrawlRun, Posting, PostingCertification, Source
from tests.conftest import (
    FAST_CRAWL,
    fixture_path,
    fixture_reply,
    fresh_postgres_database,
    run_cli,
    write_registry,
)


def greenhouse_detail(info, match):
    path = fixture_path("greenhouse", f"detail_{match['job_id']}.json")
    if not path.exists():
        return Reply(404, {"status": 404, "error": "Job not found"})
    return Reply(200, path.read_bytes())


ROUTES = [
    ("GET", r"/v1/boards/pinecresthealth/jobs", fixture_reply("greenhouse", "board.json")),
    ("GET", r"/v1/boards/pinecresthealth/jobs/(?P<job_id>\d+)", greenhouse_detail),
    ("GET", r"/v1/boards/quietclinic/jobs", fixture_reply("greenhouse", "empty.json")),
    ("GET", r"/v1/boards/gone/jobs", fixture_reply("greenhouse", "not_found.json", status=404)),
    ("GET", r"/v1/boards/maintenance/jobs", fixture_reply("greenhouse", "maintenance.html", content_type="text/html")),
    ("GET", r"/v1/boards/reshaped/jobs", fixture_reply("greenhouse", "drifted.json")),
    ("GET", r"/v0/postings/harborlighthealth", fixture_reply("lever", "board.json")),
    ("GET", r"/v0/postings/emptylever", fixture_reply("lever", "empty.json")),
    ("GET", r"/v0/postings/nosuchsite", fixture_reply("lever", "not_found.json", status=404)),
    ("GET", r"/v0/postings/reshapedlever", fixture_reply("lever", "drifted.json")),
]

EXPECTED_STATUS = {
    "greenhouse:pinecresthealth": "ok",
    "greenhouse:quietclinic": "empty",
    "greenhouse:gone": "failed",
    "greenhouse:maintenance": "failed",
    "greenhouse:reshaped": "drift",
    "lever:harborlighthealth": "ok",
    "lever:emptylever": "empty",
    "lever:nosuchsite": "failed",
    "lever:reshapedlever": "drift",
}


def registry_for(tmp_path, base_url):
    employers = []
    for key in EXPECTED_STATUS:
        platform, token = key.split(":")
        employers.append({"slug": f"{token}-employer", "name": f"{token.title()} Health", "employer_type": "hospital",
                          "sources": [{"platform": platform, "token": token, "base_url": base_url}]})
    return write_registry(tmp_path / "sources.toml", employers)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def crawled(request, tmp_path_factory):
    """One crawl per database for the whole module (tests below only read, or re-crawl last)."""
    tmp_path = tmp_path_factory.mktemp("crawl")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
        else:
            db_url = stack.enter_context(fresh_postgres_database())
        server = stack.enter_context(RouteServer(ROUTES))
        registry = registry_for(tmp_path, server.url)
        result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
        yield db_url, registry, result, server


def test_crawl_stores_relevant_postings_with_pay_and_work_mode(crawled):
    db_url, _, result, _ = crawled
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    engine = create_engine(db_url)
    with Session(engine) as session:
        rows = {p.external_id: p for p in session.scalars(select(Posting))}
        # relevant only: the nurse and the software engineer are filtered, the id-less records dropped
        assert set(rows) == {"7012345002", "7012345003", "7012345005", "5ac21346-8e0c-4494-8e7a-3eb92ff77902",
                             "9b1f7c20-1d2e-4c55-9a1b-0f6a4e2d7c11", "7d2a9e10-bbbb-4ccc-9ddd-abcdefabcdef"}
        table = [
            ("7012345002", 24.0, 31.5, "hour", 49920.0, "remote"),
            ("7012345003", 18.5, 23.0, "hour", 38480.0, "onsite"),
            ("7012345005", 62400.0, 83200.0, "year", 62400.0, None),
            ("5ac21346-8e0c-4494-8e7a-3eb92ff77902", 22.0, 28.0, "hour", 45760.0, "hybrid"),
            ("9b1f7c20-1d2e-4c55-9a1b-0f6a4e2d7c11", 58000.0, 72000.0, "year", 58000.0, "remote"),
            ("7d2a9e10-bbbb-4ccc-9ddd-abcdefabcdef", None, None, None, None, "onsite"),
        ]
        for external_id, pay_min, pay_max, period, annual_min, work_mode in table:
            posting = rows[external_id]
            assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
            assert posting.pay_annual_min == annual_min, external_id
            if work_mode:
                assert posting.work_mode == work_mode, external_id
            assert posting.first_seen.tzinfo is not None and posting.last_seen == posting.first_seen
        assert rows["7012345003"].state == "OK" and rows["7012345003"].employment_type == "full_time"
        assert rows["7012345002"].posted_at.isoformat() == "2026-09-28T16:00:03+00:00"
        assert rows["5ac21346-8e0c-4494-8e7a-3eb92ff77902"].state == "DC"
        assert "&nbsp;" not in rows["7012345002"].description and "&lt;" not in rows["7012345002"].description
        certs = {(c.posting.external_id, c.certification.code): c.strength
                 for c in session.scalars(select(PostingCertification))}
        assert certs[("7012345002", "RHIT")] == "required"
        assert certs[("7012345002", "CCS")] == "preferred"
        assert certs[("9b1f7c20-1d2e-4c55-9a1b-0f6a4e2d7c11", "CRC")] == "required"


def test_each_source_records_its_outcome(crawled):
    db_url, _, result, _ = crawled
    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {source.key: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
    assert {key: run.status for key, run in runs.items()} == EXPECTED_STATUS
    ok = runs["greenhouse:pinecresthealth"]
    assert (ok.items_seen, ok.items_kept, ok.items_filtered, ok.items_dropped) == (4, 3, 1, 1)
    assert ok.stats["source"]["drop_reasons"] == {"malformed_record": 1}
    assert "HTTP 404" in runs["greenhouse:gone"].error
    assert "unparseable" in runs["greenhouse:maintenance"].error
    assert "shape" in runs["lever:reshapedlever"].error
    assert runs["lever:emptylever"].error is None and runs["lever:emptylever"].finished_at >= runs["lever:emptylever"].started_at


def test_crawl_summary_table_is_printed(crawled):
    _, _, result, _ = crawled
    # platform, sources, ok, empty, partial, suspect, failed, drift
    assert re.search(r"greenhouse\s+5\s+1\s+1\s+0\s+0\s+2\s+1", result.stdout), result.stdout
    assert re.search(r"lever\s+4\s+1\s+1\s+0\s+0\s+1\s+1", result.stdout), result.stdout


def test_recrawl_is_idempotent_and_only_touches_last_seen(crawled):
    db_url, registry, _, _ = crawled
    engine = create_engine(db_url)
    with Session(engine) as session:
        before = {p.external_id: (p.id, p.first_seen, p.last_seen, p.content_hash) for p in session.scalars(select(Posting))}
    again = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert again.returncode == SOME_FAILED_EXIT, again.stderr
    with Session(engine) as session:
        after = {p.external_id: (p.id, p.first_seen, p.last_seen, p.content_hash, p.closed_at)
                 for p in session.scalars(select(Posting))}
        assert session.scalar(select(PostingCertification.posting_id).limit(1)) is not None
    assert set(after) == set(before)
    for external_id, (posting_id, first_seen, last_seen, digest) in before.items():
        assert after[external_id][:2] == (posting_id, first_seen)
        assert after[external_id][2] > last_seen
        assert after[external_id][3] == digest and after[external_id][4] is None


def test_every_source_failing_exits_non_zero(tmp_path, serve, sqlite_url):
    def hang(info, match):
        time.sleep(3)
        return Reply(200, {"jobs": [], "meta": {"total": 0}})

    server = serve([("GET", r"/v1/boards/slow/jobs", hang)])
    registry = write_registry(tmp_path / "sources.toml", [
        {"slug": "gone", "name": "Gone", "sources": [{"platform": "greenhouse", "token": "gone", "base_url": server.url}]},
        {"slug": "slow", "name": "Slow", "sources": [{"platform": "greenhouse", "token": "slow", "base_url": server.url}]}])
    result = run_cli("--db", sqlite_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL,
                     "-s", "DOWNLOAD_TIMEOUT=1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    engine = create_engine(sqlite_url)
    with Session(engine) as session:
        runs = {key: (status, error) for key, status, error in session.execute(
            select(Source.key, CrawlRun.status, CrawlRun.error).join(CrawlRun, CrawlRun.source_id == Source.id))}
    assert runs["greenhouse:gone"][0] == "failed" and "HTTP 404" in runs["greenhouse:gone"][1]
    assert runs["greenhouse:slow"][0] == "failed" and "took longer than 1.0 seconds" in runs["greenhouse:slow"][1]
