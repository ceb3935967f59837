"""SmartRecruiters spider: paging by offset until totalFound, detail calls only for relevant
titles, job ad sections and structured compensation from the detail, list-level fallback when a
detail breaks, source statuses; and one real crawl of the fixtures into a database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.smartrecruiters import SmartRecruitersSpider
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, fixture_path, fixture_reply, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, response_for, split, stat

ROOT = "http://boards.test/v1/companies/CedarRidgeHealth1/postings"


@pytest.fixture
def source():
    return make_source("smartrecruiters", company="CedarRidgeHealth1")


def test_first_page_asks_details_for_relevant_titles_and_the_next_page(source):
    spider = make_spider(SmartRecruitersSpider, source)
    items, requests = split(spider.parse_page(
        fixture_response("smartrecruiters", "page_0.json", f"{ROOT}?limit=100&offset=0", source), offset=0))
    assert [item["title"] for item in items] == ["Registered Nurse - ICU Nights"]  # no detail call, filtered later
    assert [request.url for request in requests] == [f"{ROOT}/744000146422469", f"{ROOT}?limit=100&offset=3"]
    assert requests[0].meta["fallback_item"]["external_id"] == "744000146422469"
    run = spider.runs[source.key]
    assert (run.listed, run.items_seen, run.drop_reasons, run.status) == (3, 1, {"malformed_record": 1}, "ok")


def test_last_page_stops_at_total_found_given_as_text(source):
    spider = make_spider(SmartRecruitersSpider, source)
    items, requests = split(spider.parse_page(
        fixture_response("smartrecruiters", "page_3.json", f"{ROOT}?limit=100&offset=3", source), offset=3))
    assert items == []
    assert [request.url for request in requests] == [f"{ROOT}/744000146422472", f"{ROOT}/744000146422473"]


def test_a_posting_seen_on_an_earlier_page_is_not_listed_twice(source):
    spider = make_spider(SmartRecruitersSpider, source)
    page = fixture_path("smartrecruiters", "page_0.json").read_text()
    list(spider.parse_page(response_for(f"{ROOT}?offset=0", source, page), offset=0))
    shifted = page.replace('"offset": 0', '"offset": 2')
    _, requests = split(spider.parse_page(response_for(f"{ROOT}?offset=2", source, shifted), offset=2))
    assert all(not request.url.endswith("744000146422469") for request in requests)
    assert stat(spider, "emr/smartrecruiters/listed_twice") == 2


@pytest.mark.parametrize("count, asks_next_page", [(100, True), (40, False)])
def test_without_total_found_a_full_page_asks_for_the_next(source, count, asks_next_page):
    spider = make_spider(SmartRecruitersSpider, source)
    content = [{"id": str(900 + n), "name": "Registered Nurse"} for n in range(count)]
    body = json.dumps({"offset": 0, "limit": 100, "content": content})
    _, requests = split(spider.parse_page(response_for(f"{ROOT}?offset=0", source, body), offset=0))
    assert [r.url for r in requests] == ([f"{ROOT}?limit=100&offset={count}"] if asks_next_page else [])
    assert spider.runs[source.key].listed == count


def detail_item(spider, source, page_name, posting_id):
    _, requests = split(spider.parse_page(
        fixture_response("smartrecruiters", page_name, f"{ROOT}?offset=0", source), offset=0))
    request = next(r for r in requests if r.url.endswith(posting_id))
    response = fixture_response("smartrecruiters", f"detail_{posting_id}.json", request.url, source,
                                meta=request.meta)
    items, _ = split(spider.parse_detail(response))
    return items[0]


DETAIL_CASES = [
    # id, workplace, remote, locations, employment, posted_at, pay_ranges
    ("744000146422469", "page_0.json", "onsite", False, [{"city": "Denver", "state": "CO", "country": "US"}],
     "Full-time", datetime(2026, 10, 2, 9, 14, 54, 288000, tzinfo=UTC),
     [{"min": 48000.0, "max": 61000.0, "currency": "USD", "interval": "YEARLY"}]),
    ("744000146422472", "page_3.json", "hybrid", False,
     [{"city": "Grand Rapids", "state": "Michigan", "country": "US"}], "Full-time",
     datetime(2026, 10, 5, 15, 30, tzinfo=UTC), None),
    # missing fields: detail's location and releasedDate are null, the list's location is kept
    ("744000146422473", "page_3.json", "remote", True, [{"city": None, "state": None, "country": "US"}], None,
     None, None),
]


@pytest.mark.parametrize("posting_id, page, workplace, remote, locations, employment, posted_at, pay", DETAIL_CASES)
def test_detail_maps_sections_location_and_pay(source, posting_id, page, workplace, remote, locations, employment,
                                               posted_at, pay):
    spider = make_spider(SmartRecruitersSpider, source)
    item = detail_item(spider, source, page, posting_id)
    assert item["external_id"] == posting_id
    assert item["url"].startswith(f"https://jobs.smartrecruiters.com/CedarRidgeHealth1/{posting_id}-")
    assert (item.get("workplace_type"), item.get("remote"), item.get("locations")) == (workplace, remote, locations)
    assert (item.get("employment_type"), item.get("posted_at"), item.get("pay_ranges")) == (employment, posted_at, pay)
    assert item["raw"]["jobAd"]["sections"]
    assert "videos" not in item["description"]


def test_section_titles_become_headers_and_empty_sections_are_left_out(source):
    spider = make_spider(SmartRecruitersSpider, source)
    description = detail_item(spider, source, "page_0.json", "744000146422469")["description"]
    assert description.index("<h3>Job Description</h3>") < description.index("<h3>Qualifications</h3>")
    assert "RHIT certification required" in description.split("<h3>Qualifications</h3>")[1]
    assert "Additional Information" not in description
    untitled = detail_item(spider, source, "page_3.json", "744000146422473")["description"]
    assert untitled.startswith("<h3>Job Description</h3>")  # default title for a section without one


@pytest.mark.parametrize("body", ["<html><body>Bad gateway</body></html>", "[1, 2]"])
def test_a_broken_detail_falls_back_to_the_list_item(source, body):
    spider = make_spider(SmartRecruitersSpider, source)
    _, requests = split(spider.parse_page(
        fixture_response("smartrecruiters", "page_0.json", f"{ROOT}?offset=0", source), offset=0))
    items, _ = split(spider.parse_detail(response_for(requests[0].url, source, body, meta=requests[0].meta)))
    assert [item["title"] for item in items] == ["Medical Records Coordinator"]
    assert items[0].get("description") is None and items[0]["locations"][0]["city"] == "Denver"
    assert spider.runs[source.key].status == "partial"


@pytest.mark.parametrize("name, expected_status, listed", [
    ("empty.json", "empty", 0),
    ("drifted.json", "drift", 0),
    ("maintenance.html", "failed", 0),
])
def test_list_page_outcomes(source, name, expected_status, listed):
    spider = make_spider(SmartRecruitersSpider, source)
    items, requests = split(spider.parse_page(
        fixture_response("smartrecruiters", name, f"{ROOT}?offset=0", source), offset=0))
    run = spider.runs[source.key]
    assert (items, requests, run.status, run.listed) == ([], [], expected_status, listed)


# --- a real crawl ---------------------------------------------------------------------------
def postings_page(info, match):
    offset = info.query.get("offset", ["0"])[0]
    return Reply(200, fixture_path("smartrecruiters", f"page_{offset}.json").read_bytes())


def posting_detail(info, match):
    path = fixture_path("smartrecruiters", f"detail_{match['posting_id']}.json")
    return Reply(200, path.read_bytes()) if path.exists() else Reply(404, {"message": "Posting not found"})


ROUTES = [
    ("GET", r"/v1/companies/CedarRidgeHealth1/postings", postings_page),
    ("GET", r"/v1/companies/CedarRidgeHealth1/postings/(?P<posting_id>\d+)", posting_detail),
    ("GET", r"/v1/companies/QuietClinic/postings", fixture_reply("smartrecruiters", "empty.json")),
    ("GET", r"/v1/companies/Reshaped/postings", fixture_reply("smartrecruiters", "drifted.json")),
    ("GET", r"/v1/companies/Down/postings",
     fixture_reply("smartrecruiters", "maintenance.html", status=503, content_type="text/html")),
]
EXPECTED_STATUS = {"smartrecruiters:CedarRidgeHealth1": "ok", "smartrecruiters:QuietClinic": "empty",
                   "smartrecruiters:Reshaped": "drift", "smartrecruiters:Down": "failed"}


def test_crawl_stores_postings_and_outcomes(tmp_path, serve, db_url):
    server = serve(ROUTES)
    registry = write_registry(tmp_path / "sources.toml", [
        {"slug": key.split(":")[1].lower(), "name": key.split(":")[1], "employer_type": "hospital",
         "sources": [{"platform": "smartrecruiters", "company": key.split(":")[1], "base_url": server.url}]}
        for key in EXPECTED_STATUS])
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    assert not any(r.path.endswith("744000146422470") for r in server.requests)  # the nurse: no detail call
    with Session(create_engine(db_url)) as session:
        rows = {p.external_id: p for p in session.scalars(select(Posting))}
        runs = {source.key: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
    assert set(rows) == {"744000146422469", "744000146422472", "744000146422473"}
    expected = [  # id, pay_min, pay_max, period, work_mode, state
        ("744000146422469", 48000.0, 61000.0, "year", "onsite", "CO"),
        ("744000146422472", 24.0, 31.0, "hour", "hybrid", "MI"),
        ("744000146422473", None, None, None, "remote", None),
    ]
    for external_id, pay_min, pay_max, period, work_mode, state in expected:
        posting = rows[external_id]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
        assert (posting.work_mode, posting.state) == (work_mode, state), external_id
    assert rows["744000146422472"].posted_at == datetime(2026, 10, 5, 15, 30, tzinfo=UTC)
    assert {key: run.status for key, run in runs.items()} == EXPECTED_STATUS
    ok = runs["smartrecruiters:CedarRidgeHealth1"]
    assert (ok.items_seen, ok.items_kept, ok.items_filtered, ok.items_dropped) == (4, 3, 1, 1)
