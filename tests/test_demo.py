"""`emr-jobs demo` end to end: the sample boards are crawled by the real spiders, and what is
stored matches what the boards advertised (pay, work mode, certifications)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.boards import build_boards
from emr_jobs.demo.render import numeric_id, smartrecruiters_id, uuid_id
from emr_jobs.demo.render_enterprise import oracle_requisition, workday_path
from emr_jobs.runs.crawl import SPIDER_CLASSES
from emr_jobs.store.models import Posting, Source
from tests.conftest import run_cli

EXTERNAL_ID = {
    "greenhouse": lambda job: str(numeric_id(job)),
    "lever": uuid_id,
    "smartrecruiters": smartrecruiters_id,
    "ashby": uuid_id,
    "jsonld": lambda job: job.job_id,
    "workday": lambda job: workday_path(job).rsplit("_", 1)[-1],
    "oracle": lambda job: str(oracle_requisition(job)["Id"]),
    "icims": lambda job: str(numeric_id(job)),
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--out", str(out), timeout=300)
    return result, create_engine(f"sqlite:///{out / 'demo.db'}")


def test_demo_prints_market_statistics(demo_run):
    result, _ = demo_run
    assert result.returncode == 0, result.stderr
    for heading in ("Open jobs:", "median", "work mode", "certification", "state"):
        assert heading in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_stores_what_the_boards_advertise(demo_run):
    _, engine = demo_run
    with Session(engine) as session:
        stored = {(platform, p.external_id): p for p, platform in session.execute(
            select(Posting, Source.platform).join(Source, Source.id == Posting.source_id))}
        platforms = {platform for platform, _ in stored}
    checked = 0
    for board in build_boards():
        to_external_id = EXTERNAL_ID.get(board.employer.platform)
        if to_external_id is None:
            continue
        for job in board.jobs:
            posting = stored.get((board.employer.platform, to_external_id(job)))
            if posting is None:
                continue  # an irrelevant title, filtered
            checked += 1
            assert posting.work_mode == job.work_mode, (job.title, posting.work_mode)
            if job.pay:
                assert (posting.pay_min, posting.pay_max, posting.pay_period) == job.pay, job
            else:
                assert posting.pay_period is None
    assert checked >= 60
    assert platforms == set(SPIDER_CLASSES)  # one server speaking every platform's API, one crawl
