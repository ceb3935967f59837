"""Ashby spider: the whole board in one call, unlisted postings skipped and counted, pay from
Salary summary components or tiers (hourly and yearly), tier summary text and its bare-string and
null variants, addresses with and without `postalAddress`, source statuses; and one real crawl."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.ashby import AshbySpider
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, fixture_reply, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, split, stat

BOARD_URL = "http://boards.test/posting-api/job-board/magnolia-care?includeCompensation=true"
HYBRID, REMOTE = "2f6a7c1e-0474-4900-8700-886541d374fc", "8c1d2e3f-1111-4c55-9a1b-0f6a4e2d7c11"
BARE, NULL_TIER = "3b3b3b3b-3333-4ccc-9ddd-abcdefabcdef", "4c4c4c4c-4444-4ccc-9ddd-abcdefabcdef"
ENGINEER, SPARSE = "5d5d5d5d-5555-4ccc-9ddd-abcdefabcdef", "6e6e6e6e-6666-4ccc-9ddd-abcdefabcdef"


@pytest.fixture
def source():
    return make_source("ashby", token="magnolia-care")


@pytest.fixture
def board_items(source):
    spider = make_spider(AshbySpider, source)
    items, requests = split(spider.parse_board(fixture_response("ashby", "board.json", BOARD_URL, source)))
    assert requests == []
    return spider, {item["external_id"]: item for item in items}


def test_start_request_asks_for_compensation(source):
    spider = make_spider(AshbySpider, source)
    assert [request.url for request in spider.start_source(source)] == [BOARD_URL]


def test_unlisted_and_id_less_postings_are_dropped_and_counted(board_items, source):
    spider, items = board_items
    assert set(items) == {HYBRID, REMOTE, BARE, NULL_TIER, ENGINEER, SPARSE}
    run = spider.runs[source.key]
    assert (run.listed, run.items_seen, run.status) == (8, 6, "ok")
    assert run.drop_reasons == {"unlisted": 1, "malformed_record": 1}
    assert stat(spider, "emr/ashby/unlisted") == 1


PAY_CASES = [
    (HYBRID, [{"min": 22.0, "max": 28.0, "currency": "USD", "interval": "1 HOUR"}], "$22 – $28 per hour"),
    # summaryComponents empty: the tier's Salary component, not its equity one
    (REMOTE, [{"min": 58000.0, "max": 72000.0, "currency": "USD", "interval": "1 YEAR"}], "$58K – $72K • Offers Bonus"),
    (BARE, None, "$19 – $23 per hour"),  # compensation is a bare string
    (NULL_TIER, None, None),  # {"compensationTierSummary": null}
    (SPARSE, None, None),  # no compensation key at all
]


@pytest.mark.parametrize("job_id, pay_ranges, pay_text", PAY_CASES)
def test_pay_ranges_and_pay_text(board_items, job_id, pay_ranges, pay_text):
    _, items = board_items
    assert (items[job_id].get("pay_ranges"), items[job_id].get("pay_text")) == (pay_ranges, pay_text)


WORK_CASES = [
    # id, workplace_type, remote, employment, posted_at
    (HYBRID, "Hybrid", False, "FullTime", datetime(2026, 10, 1, 16, 21, 55, 393000, tzinfo=UTC)),
    (REMOTE, "Remote", True, "FullTime", datetime(2026, 10, 3, 8, 0, tzinfo=UTC)),
    (BARE, None, None, "PartTime", datetime(2026, 10, 4, 12, 0, tzinfo=UTC)),
    (SPARSE, None, None, None, None),
]


@pytest.mark.parametrize("job_id, workplace, remote, employment, posted_at", WORK_CASES)
def test_work_mode_fields_and_dates(board_items, job_id, workplace, remote, employment, posted_at):
    _, items = board_items
    item = items[job_id]
    assert (item.get("workplace_type"), item.get("remote"), item.get("employment_type"), item.get("posted_at")) == (
        workplace, remote, employment, posted_at)


LOCATION_CASES = [
    (HYBRID, "Atlanta, GA", [{"city": "Atlanta", "state": "GA", "country": "USA"},
                             {"city": "Savannah", "state": "Georgia", "country": "USA"},
                             {"city": "Macon", "state": "GA", "country": "United States"}]),
    (REMOTE, "Remote - US", None),  # address: null
    (BARE, "Fresno, California", [{"city": "Fresno", "state": "California", "country": "United States"}]),
    (SPARSE, None, None),
]


@pytest.mark.parametrize("job_id, location, locations", LOCATION_CASES)
def test_locations_from_postal_addresses(board_items, job_id, location, locations):
    _, items = board_items
    assert (items[job_id].get("location"), items[job_id].get("locations")) == (location, locations)


def test_description_url_and_raw(board_items):
    _, items = board_items
    assert "<h3>Requirements</h3>" in items[HYBRID]["description"]
    assert items[BARE]["description"].startswith("Process record requests")  # empty HTML: the plain text
    assert items[SPARSE]["url"] == f"https://jobs.ashbyhq.com/magnolia-care/{SPARSE}"
    assert items[HYBRID]["raw"]["compensation"]["compensationTiers"][0]["title"] == "Atlanta"


@pytest.mark.parametrize("name, status", [
    ("empty.json", "empty"), ("drifted.json", "drift"), ("truncated.json", "failed"), ("not_found.json", "failed"),
])
def test_board_outcomes(source, name, status):
    spider = make_spider(AshbySpider, source)
    items, _ = split(spider.parse_board(fixture_response("ashby", name, BOARD_URL, source)))
    assert (items, spider.runs[source.key].status) == ([], status)


# --- a real crawl ---------------------------------------------------------------------------
ROUTES = [
    ("GET", r"/posting-api/job-board/magnolia-care", fixture_reply("ashby", "board.json")),
    ("GET", r"/posting-api/job-board/quiet-clinic", fixture_reply("ashby", "empty.json")),
    ("GET", r"/posting-api/job-board/reshaped", fixture_reply("ashby", "drifted.json")),
    ("GET", r"/posting-api/job-board/no-such-board", fixture_reply("ashby", "not_found.json", status=404)),
]
EXPECTED_STATUS = {"ashby:magnolia-care": "ok", "ashby:quiet-clinic": "empty", "ashby:reshaped": "drift",
                   "ashby:no-such-board": "failed"}


def test_crawl_stores_postings_and_outcomes(tmp_path, serve, db_url):
    server = serve(ROUTES)
    registry = write_registry(tmp_path / "sources.toml", [
        {"slug": key.split(":")[1], "name": key.split(":")[1].title(), "employer_type": "physician_practice",
         "sources": [{"platform": "ashby", "token": key.split(":")[1], "base_url": server.url}]}
        for key in EXPECTED_STATUS])
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    assert all(request.query.get("includeCompensation") == ["true"] for request in server.requests
               if request.path.startswith("/posting-api/"))
    with Session(create_engine(db_url)) as session:
        rows = {p.external_id: p for p in session.scalars(select(Posting))}
        runs = {source.key: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
    assert set(rows) == {HYBRID, REMOTE, BARE, NULL_TIER, SPARSE}
    expected = [  # id, pay_min, pay_max, period, work_mode, state
        (HYBRID, 22.0, 28.0, "hour", "hybrid", "GA"),
        (REMOTE, 58000.0, 72000.0, "year", "remote", None),
        (BARE, 19.0, 23.0, "hour", "onsite", "CA"),
        (NULL_TIER, None, None, None, "onsite", "GA"),
    ]
    for external_id, pay_min, pay_max, period, work_mode, state in expected:
        posting = rows[external_id]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
        assert (posting.work_mode, posting.state) == (work_mode, state), external_id
    assert rows[REMOTE].posted_at == datetime(2026, 10, 3, 8, 0, tzinfo=UTC)
    assert {key: run.status for key, run in runs.items()} == EXPECTED_STATUS
    ok = runs["ashby:magnolia-care"]
    assert (ok.items_seen, ok.items_kept, ok.items_filtered, ok.items_dropped) == (6, 5, 1, 2)
