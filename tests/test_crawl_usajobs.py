"""USAJOBS spider: credentials and headers, search parameters, paging with a string
NumberOfPages, record mapping (pay strings, boolean strings, locations, Eastern dates), bad bodies;
then one real crawl of fixtures served locally."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.usajobs import UsajobsSpider, _paragraph, searches_for
from emr_jobs.store.models import CrawlRun, Posting, PostingCertification, Source
from tests.conftest import FAST_CRAWL, fixture_path, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, split

SEARCH_URL = "http://boards.test/api/Search"


def va(**identifiers: str):
    return make_source("usajobs", slug="veterans-health", **({"organization": "VATA", "series": "0675"} | identifiers))


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv("USAJOBS_API_KEY", "test-key-123")
    monkeypatch.setenv("USAJOBS_EMAIL", "research@example.org")


@pytest.mark.parametrize("missing", ["USAJOBS_API_KEY", "USAJOBS_EMAIL"])
def test_without_credentials_the_public_api_is_not_crawled(credentials, monkeypatch, missing):
    monkeypatch.delenv(missing)
    source = make_source("usajobs", base_url=None, series="0675")
    spider = make_spider(UsajobsSpider, source)
    assert list(spider.start_source(source)) == []
    run = spider.runs[source.key]
    assert run.status == "failed"
    assert "USAJOBS_API_KEY" in run.errors[0] and "USAJOBS_EMAIL" in run.errors[0]


@pytest.mark.parametrize(("base_url", "with_env", "expected"), [
    (None, True, {"Authorization-Key": "test-key-123", "User-Agent": "research@example.org", "Host": "data.usajobs.gov"}),
    ("http://mirror.test", True, {"Authorization-Key": "test-key-123", "User-Agent": "research@example.org"}),
    ("http://mirror.test", False, {}),
])
def test_headers(monkeypatch, base_url, with_env, expected):
    for name, value in (("USAJOBS_API_KEY", "test-key-123"), ("USAJOBS_EMAIL", "research@example.org")):
        if with_env:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    source = make_source("usajobs", base_url=base_url, series="0675")
    [request] = list(make_spider(UsajobsSpider, source).start_source(source))
    sent = {name: request.headers.get(name, b"").decode() for name in ("Authorization-Key", "User-Agent", "Host")}
    assert {name: value for name, value in sent.items() if value} == expected
    root = base_url or "https://data.usajobs.gov"
    assert request.url == f"{root}/api/Search?JobCategoryCode=0675&ResultsPerPage=250&Page=1"


@pytest.mark.parametrize(("identifiers", "expected"), [
    ({"series": "0675", "organization": "VATA"}, [{"JobCategoryCode": "0675", "Organization": "VATA"}]),
    ({"keyword": "medical coder", "location": "Texas"}, [{"Keyword": "medical coder", "LocationName": "Texas"}]),
    ({"organization": "HE38"}, [{"JobCategoryCode": "0675", "Organization": "HE38"},
                                {"JobCategoryCode": "0669", "Organization": "HE38"},
                                {"Keyword": "health information", "Organization": "HE38"},
                                {"Keyword": "medical coder", "Organization": "HE38"},
                                {"Keyword": "release of information", "Organization": "HE38"},
                                {"Keyword": "cancer registrar", "Organization": "HE38"}]),
])
def test_search_parameters(identifiers, expected):
    assert searches_for(make_source("usajobs", **identifiers)) == expected


def _pages(spider, source):
    search = {"JobCategoryCode": "0675", "Organization": "VATA"}
    first = fixture_response("usajobs", "page1.json", SEARCH_URL, source)
    items, requests = split(spider.parse_page(first, search=search, page=1, headers={}))
    second = fixture_response("usajobs", "page2.json", SEARCH_URL, source)
    more_items, more_requests = split(spider.parse_page(second, search=search, page=2, headers={}))
    return {item["external_id"]: item for item in items + more_items}, requests, more_requests


def test_paging_follows_number_of_pages_given_as_a_string():
    source = va()
    spider = make_spider(UsajobsSpider, source)
    items, requests, more_requests = _pages(spider, source)
    [next_page] = requests
    assert parse_qs(urlsplit(next_page.url).query) == {"JobCategoryCode": ["0675"], "Organization": ["VATA"],
                                                       "ResultsPerPage": ["250"], "Page": ["2"]}
    assert more_requests == []
    assert set(items) == {"812345600", "812345611", "812345644", "812345622", "812345633"}
    run = spider.runs[source.key]
    assert run.listed == 6 and run.drop_reasons == {"malformed_record": 1} and run.status == "ok"


@pytest.mark.parametrize(("external_id", "expected"), [
    ("812345600", {"pay_ranges": [{"min": 44488.0, "max": 71618.0, "currency": "USD", "interval": "PA"}],
                   "remote": False, "telework": "No", "employer": "Veterans Health Administration",
                   "employment_type": "Full-time",
                   "locations": [{"city": "Salem", "state": "VA", "country": "US"}],
                   "posted_at": datetime(2026, 9, 14, 4, tzinfo=UTC),
                   "valid_through": datetime(2026, 9, 29, 3, 59, 59, 997000, tzinfo=UTC),
                   "url": "https://www.usajobs.gov/GetJob/ViewDetails/812345600", "requisition_id": "CBSX-45600-26-MP"}),
    ("812345611", {"pay_ranges": [{"min": 21.5, "max": 27.95, "currency": "USD", "interval": "PH"}],
                   "remote": True, "telework": "No", "location": "Anywhere in the U.S. (remote job)",
                   "locations": [{"city": None, "state": None, "country": "US"}]}),
    ("812345622", {"telework": "Yes", "location": "Multiple Locations",
                   "locations": [{"city": "Tucson", "state": "AZ", "country": "US"},
                                 {"city": "Phoenix", "state": "AZ", "country": "US"}]}),
    # no UserArea, no pay, an empty schedule name and an empty publication date
    ("812345633", {"pay_ranges": [], "remote": None, "telework": None, "description": None,
                   "employment_type": "Part-time", "employer": "Indian Health Service",
                   "posted_at": datetime(2026, 9, 20, 4, tzinfo=UTC)}),
])
def test_record_mapping(external_id, expected):
    source = va()
    items = _pages(make_spider(UsajobsSpider, source), source)[0]
    assert {field: items[external_id].get(field) for field in expected} == expected


def test_description_holds_summary_duties_and_qualifications():
    source = va()
    items = _pages(make_spider(UsajobsSpider, source), source)[0]
    description = items["812345600"]["description"]
    assert "<li>Assigns ICD-10-CM and CPT codes to outpatient encounters</li>" in description
    assert "RHIA, RHIT, CCS, CCS-P or CPC" in description and "evaluated" not in description
    assert "attorneys &amp; insurers" in items["812345611"]["description"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Files records & scans <b>charts</b>", "Files records & scans <b>charts</b>"),  # markup kept as sent
    ("Files records &amp; scans", "Files records &amp; scans"),
    ("Files records & scans\ncharts", "Files records &amp; scans<br>charts"),
])
def test_plain_text_becomes_html_once(text, expected):
    assert _paragraph(text) == expected


@pytest.mark.parametrize(("name", "status"), [("error.html", "failed"), ("truncated.json", "failed"),
                                              ("drifted.json", "drift"), ("empty.json", "empty")])
def test_bad_bodies_set_the_source_status(name, status):
    source = va()
    spider = make_spider(UsajobsSpider, source)
    response = fixture_response("usajobs", name, SEARCH_URL, source)
    assert split(spider.parse_page(response, search={}, page=1, headers={})) == ([], [])
    assert spider.runs[source.key].status == status


# --- one real crawl ----------------------------------------------------------------------------
def search_reply(info, match):
    organization = info.query.get("Organization", [""])[0]
    page = info.query.get("Page", ["1"])[0]
    if organization == "VATA":
        return Reply(200, fixture_path("usajobs", f"page{page}.json").read_bytes())
    name = {"HE38": "empty.json", "DD": "drifted.json", "AF": "error.html"}[organization]
    return Reply(200, fixture_path("usajobs", name).read_bytes(), "text/html" if name.endswith(".html") else "application/json")


ORGANIZATIONS = {"VATA": "ok", "HE38": "empty", "DD": "drift", "AF": "failed"}


def test_crawl_of_usajobs_searches(tmp_path, serve, db_url):
    server = serve([("GET", r"/api/Search", search_reply)])
    employers = [{"slug": f"federal-{org.lower()}", "name": f"Federal {org}", "employer_type": "government",
                  "sources": [{"platform": "usajobs", "organization": org, "series": "0675", "base_url": server.url}]}
                 for org in ORGANIZATIONS]
    registry = write_registry(tmp_path / "sources.toml", employers)
    env = {"USAJOBS_API_KEY": "test-key-123", "USAJOBS_EMAIL": "research@example.org"}
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL, env=env)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    searches = [info for info in server.requests if info.path == "/api/Search"]
    assert searches and all(info.headers.get("Authorization-Key") == "test-key-123"
                            and info.headers.get("User-Agent") == "research@example.org" for info in searches)
    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {source.key.split("organization=")[1].split("/")[0]: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
        postings = {p.external_id: p for p in session.scalars(select(Posting))}
        certs = {(c.posting.external_id, c.certification.code): c.strength
                 for c in session.scalars(select(PostingCertification))}
    assert {org: run.status for org, run in runs.items()} == ORGANIZATIONS
    assert runs["VATA"].items_filtered == 1 and runs["VATA"].items_dropped == 1
    assert set(postings) == {"812345600", "812345611", "812345622", "812345633"}
    table = [  # external id, pay min, max, period, work mode, state, posted (UTC date)
        ("812345600", 44488.0, 71618.0, "year", "onsite", "VA", "2026-09-14"),
        ("812345611", 21.5, 27.95, "hour", "remote", None, "2026-09-10"),
        ("812345622", 86962.0, 113047.0, "year", "hybrid", "AZ", "2026-09-12"),
        ("812345633", None, None, None, "unknown", "AK", "2026-09-20"),
    ]
    for external_id, pay_min, pay_max, period, work_mode, state, posted in table:
        posting = postings[external_id]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
        assert (posting.work_mode, posting.state) == (work_mode, state), external_id
        assert posting.posted_at.date().isoformat() == posted, external_id
    assert postings["812345600"].employer_type == "government" and postings["812345600"].city == "Salem"
    assert certs[("812345600", "RHIT")] == "required" and certs[("812345622", "RHIA")] == "required"
