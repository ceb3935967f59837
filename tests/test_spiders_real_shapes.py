"""Parse-level checks for shapes seen in real captured platform responses (the fixtures keep each
shape with made-up values): Greenhouse pay in a `currency_range` custom field and time type in the
metadata, SmartRecruiters locations that repeat the country as the city, Workday locations written
"Country, State, City"."""

from __future__ import annotations

import pytest

from pipeline.normalize import normalize
from spiders.greenhouse import GreenhouseSpider
from spiders.smartrecruiters import SmartRecruitersSpider
from spiders.workday import WorkdaySpider
from tests.spider_helpers import fixture_response, make_source, make_spider, split

GREENHOUSE_BOARD = "http://boards.test/v1/boards/harborview/jobs?content=true"


def greenhouse_board():
    source = make_source("greenhouse", token="harborview")
    spider = make_spider(GreenhouseSpider, source)
    items, requests = split(spider.parse_board(
        fixture_response("greenhouse", "board_metadata_pay.json", GREENHOUSE_BOARD, source)))
    listed = {item["external_id"]: item for item in items}
    listed.update({request.meta["fallback_item"]["external_id"]: request.meta["fallback_item"] for request in requests})
    return spider, source, listed


@pytest.mark.parametrize(("external_id", "pay_ranges", "employment_type"), [
    ("7300410001", [{"min": 48200.0, "max": 61500.0, "currency": "USD", "interval": None}], "Part time"),
    ("7300410002", None, "Full time"),  # the custom field is there, its value null
    ("7300410003", None, None),  # `metadata: null`
])
def test_greenhouse_metadata_pay_range_and_time_type(external_id, pay_ranges, employment_type):
    spider, source, listed = greenhouse_board()
    assert spider.runs[source.key].status == "ok"
    item = listed[external_id]
    assert item.get("pay_ranges") == pay_ranges
    assert item.get("employment_type") == employment_type


def test_greenhouse_metadata_pay_range_is_normalized_by_magnitude():
    _, _, listed = greenhouse_board()
    normalized = normalize(dict(listed["7300410001"]))
    assert (normalized.pay.pay_min, normalized.pay.pay_max, normalized.pay.pay_period) == (48200.0, 61500.0, "year")
    assert normalized.employment_type == "part_time"


def test_greenhouse_detail_without_pay_input_ranges_keeps_the_metadata_range():
    spider, source, listed = greenhouse_board()
    item = listed["7300410001"]
    response = fixture_response("greenhouse", "detail_7300410001_no_ranges.json",
                                f"{GREENHOUSE_BOARD}/7300410001?pay_transparency=true", source,
                                meta={"fallback_item": item})
    [detailed], _ = split(spider.parse_detail(response))
    assert detailed["pay_ranges"] == [{"min": 48200.0, "max": 61500.0, "currency": "USD", "interval": None}]


@pytest.mark.parametrize(("external_id", "locations", "state"), [
    ("744000199100001", [{"city": None, "state": None, "country": "US"}], None),  # "United States, REMOTE"
    ("744000199100002", [{"city": None, "state": None, "country": "CA"}], None),
    ("744000199100003", [{"city": "Grand Rapids", "state": "MI", "country": "US"}], "MI"),
    ("744000199100004", [{"city": "Toronto", "state": "ON", "country": "CA"}], None),  # not California
])
def test_smartrecruiters_remote_location_repeats_the_country_as_the_city(external_id, locations, state):
    source = make_source("smartrecruiters", company="LakeshoreHealthPartners")
    spider = make_spider(SmartRecruitersSpider, source)
    response = fixture_response("smartrecruiters", "page_remote_country.json",
                                "http://boards.test/v1/companies/LakeshoreHealthPartners/postings?limit=100&offset=0", source)
    _, requests = split(spider.parse_page(response, offset=0))
    listed = {request.meta["fallback_item"]["external_id"]: request.meta["fallback_item"] for request in requests
              if "fallback_item" in request.meta}
    item = listed[external_id]
    assert item["locations"] == locations
    # list items carry no URL of their own: the public page by company and id stands in
    assert item["url"] == f"https://jobs.smartrecruiters.com/LakeshoreHealthPartners/{external_id}"
    normalized = normalize(dict(item))
    assert normalized.city == locations[0]["city"]
    assert normalized.state == state


@pytest.mark.parametrize(("external_id", "location", "city", "state"), [
    ("JR4410021", "US, OH, Dayton", "Dayton", "OH"),  # country, state, city: the order some tenants use
    ("JR4410022", "USA - Texas - El Paso", "El Paso", "TX"),
    ("JR4410023-1", "Columbus, OH", "Columbus", "OH"),
    ("JR4410024", "2 Locations", None, None),
])
def test_workday_country_first_locations(external_id, location, city, state):
    source = make_source("workday", tenant="miamivalley", instance="wd1", site="Careers", search="health information")
    spider = make_spider(WorkdaySpider, source)
    response = fixture_response("workday", "search_country_first.json",
                                "http://boards.test/wday/cxs/miamivalley/Careers/jobs", source)
    _, requests = split(spider.parse_list(response, search="health information", offset=0, total=None))
    listed = {request.meta["fallback_item"]["external_id"]: request.meta["fallback_item"] for request in requests}
    item = listed[external_id]
    assert item["location"] == location
    normalized = normalize(dict(item))
    assert (normalized.city, normalized.state) == (city, state)
