"""Recall-first crawling against the labelled mock market (demo/market.py), whose platform searches
match titles like a plain keyword engine: every relevant posting of every healthy board is stored,
no irrelevant one is, Workday and Oracle spend at most 1.5 detail requests per relevant posting, and a
Workday tenant of 2,500 postings with a 2,000-result cap is listed whole through a facet partition."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.boards import NOW, DemoBoard, DemoEmployer, DemoJob
from emr_jobs.demo.market import LARGE_TENANT_POSTINGS, build_market, is_detail_request
from emr_jobs.demo.render import all_routes
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, ROOT, run_cli, write_registry


@pytest.fixture(scope="module")
def market_report(tmp_path_factory):
    db_file = tmp_path_factory.mktemp("market") / "market.db"
    result = run_cli_module("emr_jobs.runs.recall", str(db_file))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def run_cli_module(module: str, *args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, check=False)


def test_every_relevant_posting_of_every_healthy_board_is_stored(market_report):
    for platform, numbers in market_report["platforms"].items():
        assert numbers["recall"] == 1.0, (platform, numbers["missed"])
        assert numbers["irrelevant_stored"] == [], platform
    assert market_report["total"]["recall"] == 1.0


def test_healthy_boards_are_ok_and_the_dead_one_failed(market_report):
    statuses = market_report["statuses"]
    assert statuses.pop("workday:closedclinic/wd5/External") == "failed"
    assert set(statuses.values()) == {"ok"}


@pytest.mark.parametrize("platform", ["workday", "oracle", "icims"])
def test_detail_requests_only_for_candidates(market_report, platform):
    numbers = market_report["platforms"][platform]
    assert 1.0 <= numbers["detail_per_relevant"] <= 1.5, numbers


def test_a_capped_tenant_is_listed_whole_through_a_facet(market_report):
    key = "workday:grandprairie/wd12/GPH_External"
    assert market_report["listed"][key] == LARGE_TENANT_POSTINGS
    notes = market_report["notes"][key]
    assert notes["result_cap"] == {"{}": 2000}
    assert [(p["facet"], p["covered"]) for p in notes["partitions"]] == [("jobFamilyGroup", LARGE_TENANT_POSTINGS)]
    assert sum(market_report["filtered_reasons"][key].values()) == LARGE_TENANT_POSTINGS - 52


def test_filtered_postings_keep_their_reasons(market_report):
    reasons = market_report["filtered_reasons"]["workday:summitridge/wd5/External"]
    assert reasons == {"clinical": 6, "it": 8, "no_signal": 2, "other_occupation": 4, "revenue_cycle": 10}


def test_the_market_labels_are_not_the_rules():
    boards, labels = build_market()
    titles = {(job.title, labels[job.job_id]) for board in boards for job in board.jobs}
    assert ("Specialist II", True) in titles and ("Specialist II", False) in titles  # only the text tells
    assert sum(labels.values()) == 395


# --- an IT posting that names health information is never stored ----------------------------
def _job(job_id: str, title: str, series: str = "0675", family: str = "Information Technology") -> DemoJob:
    return DemoJob(job_id=job_id, title=title, city="Denver", state="CO", work_mode="onsite",
                   pay=(80000.0, 95000.0, "year"), pay_in="text", certs=(), employment="Full-time",
                   posted_at=NOW - timedelta(days=2), family=family, series=series)


def test_it_postings_naming_health_information_are_not_stored(tmp_path, serve, db_url):
    workday = DemoEmployer("aspen-health", "Aspen Health", "hospital", "workday",
                           {"tenant": "aspen", "instance": "wd5", "site": "External"}, "Denver", "CO")
    federal = DemoEmployer("federal-demo", "Federal Demo Agency", "government", "usajobs",
                           {"organization": "FDA1"}, "Denver", "CO")
    boards = [
        DemoBoard(workday, [_job("aspen-1", "Health Information Systems Analyst"),
                            _job("aspen-2", "Health Information Technician", family="HIM")]),
        DemoBoard(federal, [_job("fed-1", "Health Information Specialist", series="2210"),
                            _job("fed-2", "Health Information Specialist", series="0669")]),
    ]
    server = serve(all_routes(boards))
    employers = [{"slug": b.employer.slug, "name": b.employer.name, "employer_type": b.employer.employer_type,
                  "sources": [{"platform": b.employer.platform, **b.employer.identifiers, "base_url": server.url}]}
                 for b in boards]
    result = run_cli("--db", db_url, "crawl", "--sources", str(write_registry(tmp_path / "r.toml", employers)),
                     "--quiet", *FAST_CRAWL)
    assert result.returncode == 0, result.stderr
    engine = create_engine(db_url)
    with Session(engine) as session:
        titles = {(platform, posting.title) for posting, platform in session.execute(
            select(Posting, Source.platform).join(Source, Source.id == Posting.source_id))}
        runs = {source.platform: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
    engine.dispose()
    assert titles == {("workday", "Health Information Technician"), ("usajobs", "Health Information Specialist")}
    assert runs["workday"].stats["source"]["filtered_reasons"] == {"it": 1}
    assert runs["usajobs"].stats["source"]["filtered_reasons"] == {"occupation_series": 1}
    assert runs["usajobs"].stats["crawl"]["emr/relevance/dropped/occupation_series"] == 1
    assert runs["workday"].stats["crawl"]["emr/relevance/dropped/it"] == 1
    # the IT posting's title was enough: no detail request was spent on it
    details = [info.path for info in server.requests if is_detail_request("workday", info)]
    assert details == [next(p for p in details if "Health-Information-Technician" in p)]
