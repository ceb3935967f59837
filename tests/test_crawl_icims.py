"""iCIMS portal spider: listed titles (not screen-reader labels), paging by `pr` to the end, detail
pages only for candidate titles, and one real crawl against a local server serving recorded-shape
pages (an ok board with a missing detail page, an empty board, a down portal, a changed page)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.icims import IcimsSpider
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, fixture_path, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, split

HOST = "careers-pinecrest.icims.com"


def pinecrest():
    return make_source("icims", host=HOST)


def test_listed_titles_come_from_the_heading_not_the_labels():
    source = pinecrest()
    spider = make_spider(IcimsSpider, source)
    response = fixture_response("icims", "search_page0.html", "http://boards.test/jobs/search?pr=0", source)
    assert spider.job_links(response) == [
        ("10481", "health-information-technician-ii", "Health Information Technician II"),
        ("10482", "registered-nurse-med-surg", "Registered Nurse - Med Surg"),
        ("10490", "outpatient-coder-iii", "Outpatient Coder III"),
        ("10491", "patient-access-representative", "Patient Access Representative"),
        ("10495", "specialist-ii", "Specialist II"),
    ]


def test_detail_requests_only_for_candidate_titles_and_the_next_page():
    source = pinecrest()
    spider = make_spider(IcimsSpider, source)
    response = fixture_response("icims", "search_page0.html", "http://boards.test/jobs/search?pr=0", source)
    items, requests = split(spider.parse_page(response, page=0))
    assert sorted(item["title"] for item in items) == ["Patient Access Representative", "Registered Nurse - Med Surg"]
    details = sorted(re.search(r"/jobs/(\d+)/", r.url)[1] for r in requests if "/job?" in r.url)
    assert details == ["10481", "10490", "10495"]  # relevant or undecided titles
    pages = [r for r in requests if "/jobs/search" in r.url]
    assert [r.url for r in pages] == ["http://boards.test/jobs/search?ss=1&in_iframe=1&pr=1"]
    assert items[0]["url"].startswith(f"https://{HOST}/jobs/")


@pytest.mark.parametrize(("name", "page", "status"), [
    ("search_page1.html", 1, "ok"),  # no link to page 2: the board ends
    ("empty.html", 0, "empty"),  # an iCIMS page without jobs
    ("no_posting.html", 0, "empty"),
])
def test_last_and_empty_pages(name, page, status):
    source = pinecrest()
    spider = make_spider(IcimsSpider, source)
    response = fixture_response("icims", name, f"http://boards.test/jobs/search?pr={page}", source)
    _items, requests = split(spider.parse_page(response, page=page))
    assert [r for r in requests if "/jobs/search" in r.url] == []
    assert spider.runs[source.key].status == status


def test_a_page_that_is_not_an_icims_page_is_drift():
    source = pinecrest()
    spider = make_spider(IcimsSpider, source)
    response = fixture_response("icims", "search_page0.html", "http://boards.test/jobs/search?pr=0", source)
    response = response.replace(body=b"<html><body><h1>We'll be back soon</h1></body></html>")
    assert split(spider.parse_page(response, page=0)) == ([], [])
    assert spider.runs[source.key].status == "drift"


def test_a_repeated_last_page_ends_paging():
    source = pinecrest()
    spider = make_spider(IcimsSpider, source)
    first = fixture_response("icims", "search_page1.html", "http://boards.test/jobs/search?pr=0", source)
    split(spider.parse_page(first, page=0))
    again = fixture_response("icims", "search_page1.html", "http://boards.test/jobs/search?pr=1", source)
    assert split(spider.parse_page(again, page=1)) == ([], [])
    assert spider.runs[source.key].listed == 3


# --- one real crawl ----------------------------------------------------------------------------
PAGES = {"0": "search_page0.html", "1": "search_page1.html"}


def search_reply(info, match):
    tenant, page = match["tenant"], info.query.get("pr", ["0"])[0]
    if info.query.get("in_iframe") != ["1"]:
        return Reply(400, "<html><body>in_iframe required</body></html>", "text/html")
    if tenant == "downtime":
        return Reply(503, "<html><body>Service Unavailable</body></html>", "text/html")
    if tenant == "reshaped":
        return Reply(200, "<html><body><h1>Our new careers site</h1></body></html>", "text/html")
    name = PAGES.get(page, "empty.html") if tenant == "pinecrest" else "empty.html"
    return Reply(200, fixture_path("icims", name).read_bytes(), "text/html; charset=utf-8")


def detail_reply(info, match):
    path = fixture_path("icims", f"detail_{match['job']}.html")
    if match["tenant"] != "pinecrest" or not path.exists():
        return Reply(404, "<html><body>Not found</body></html>", "text/html")
    return Reply(200, path.read_bytes(), "text/html; charset=utf-8")


ROUTES = [("GET", r"/(?P<tenant>[^/]+)/jobs/search", search_reply),
          ("GET", r"/(?P<tenant>[^/]+)/jobs/(?P<job>\d+)/[^/]+/job", detail_reply)]
TENANTS = {"pinecrest": "partial", "quietvalley": "empty", "downtime": "failed", "reshaped": "drift"}


def test_crawl_of_icims_portals(tmp_path, serve, db_url):
    server = serve(ROUTES)
    employers = [{"slug": f"{tenant}-health", "name": f"{tenant.title()} Health", "employer_type": "hospital",
                  "sources": [{"platform": "icims", "host": f"careers-{tenant}.icims.com",
                               "base_url": f"{server.url}/{tenant}"}]} for tenant in TENANTS]
    registry = write_registry(tmp_path / "sources.toml", employers)
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {source.key.split(":")[1].split(".")[0].removeprefix("careers-"): run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
        postings = {p.external_id: p for p in session.scalars(select(Posting))}
    engine.dispose()
    assert {tenant: run.status for tenant, run in runs.items()} == TENANTS
    # 10504's detail page is gone: the listed version is kept and the run is partial
    assert set(postings) == {"10481", "10490", "10502", "10504"}
    assert runs["pinecrest"].stats["source"]["filtered_reasons"] == {
        "clinical": 1, "revenue_cycle": 1, "it": 1, "no_signal": 1}
    table = [  # external id, pay min, max, period, work mode, state, posted
        ("10481", 21.5, 28.0, "hour", "hybrid", "TX", "2026-11-18"),
        ("10490", 27.0, 35.5, "hour", "remote", "TX", "2026-11-18"),
        ("10502", 19.0, 24.0, "hour", "unknown", "TX", "2026-11-18"),
    ]
    for external_id, pay_min, pay_max, period, work_mode, state, posted in table:
        posting = postings[external_id]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
        assert (posting.work_mode, posting.state) == (work_mode, state), external_id
        assert posting.posted_at.date().isoformat() == posted, external_id
    assert postings["10481"].url == f"https://{HOST}/jobs/10481/health-information-technician-ii/job"
    assert postings["10504"].title == "Cancer Registrar"
    details = sorted(re.search(r"/jobs/(\d+)/", info.path)[1] for info in server.requests
                     if info.path.endswith("/job"))
    assert details == ["10481", "10490", "10495", "10502", "10504"]  # never the nurse, access rep or IT analyst
