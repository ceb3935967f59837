"""Parse-level checks for shapes seen in real captured platform responses (the fixtures keep each
shape with made-up values): Greenhouse pay in a `currency_range` custom field and time type in the
metadata, SmartRecruiters locations that repeat the country as the city, Workday locations written
"Country, State, City", Oracle pay and schedule in requisition flex fields, JSON-LD places with country
codes and repeated addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emr_jobs.pipeline.normalize import normalize
from emr_jobs.spiders.greenhouse import GreenhouseSpider
from emr_jobs.spiders.jsonld import JsonLdSpider
from emr_jobs.spiders.oracle import OracleSpider
from emr_jobs.spiders.smartrecruiters import SmartRecruitersSpider
from emr_jobs.spiders.workday import WorkdaySpider
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


ORACLE_LIST = "http://boards.test/hcmRestApi/resources/latest/recruitingCEJobRequisitions"


def oracle_flex_listing():
    source = make_source("oracle", host="ehrs.fa.us2.oraclecloud.com", site_number="CX_1001", keyword="*")
    spider = make_spider(OracleSpider, source)
    response = fixture_response("oracle", "search_flex_fields.json", ORACLE_LIST, source)
    _, requests = split(spider.parse_list(response, keyword=None, offset=0, total=None))
    return spider, source, {request.meta["fallback_item"]["external_id"]: request for request in requests}


@pytest.mark.parametrize(("external_id", "pay_ranges", "pay_text", "employment_type", "pay"), [
    # "Minimum Pay" / "Maximum Pay" flex fields: one range, the period left to the magnitude
    ("41107", [{"min": 22.5, "max": 30.75, "currency": None, "interval": None}], None, "Part-Time",
     (22.5, 30.75, "hour")),
    ("41112", [{"min": 19.4, "max": 26.1, "currency": None, "interval": "Hourly"}], None, None, (19.4, 26.1, "hour")),
    ("41118", [{"min": 44800.0, "max": 58300.0, "currency": None, "interval": "Annual"}], None, None,
     (44800.0, 58300.0, "year")),  # the period from "Pay Frequency"; "Pay Grade" is no amount
    ("41125", None, "Salary Range: $71,500 - $96,000 annually + benefits", None, (71500.0, 96000.0, "year")),
    ("41130", None, None, None, None),  # a shift differential is not the pay
])
def test_oracle_pay_and_schedule_from_flex_fields(external_id, pay_ranges, pay_text, employment_type, pay):
    spider, source, requests = oracle_flex_listing()
    assert spider.runs[source.key].status == "ok"
    item = requests[external_id].meta["fallback_item"]
    assert (item.get("pay_ranges"), item.get("pay_text"), item.get("employment_type")) == (
        pay_ranges, pay_text, employment_type)
    normalized = normalize(dict(item))
    got = normalized.pay and (normalized.pay.pay_min, normalized.pay.pay_max, normalized.pay.pay_period)
    assert got == pay


def test_oracle_detail_flex_pay_and_schedule_fill_the_listing():
    spider, source, requests = oracle_flex_listing()
    request = requests["41130"]
    response = fixture_response("oracle", "detail_41130.json", request.url, source, meta=request.meta)
    [item] = split(spider.parse_detail(response))[0]
    assert item["pay_ranges"] == [{"min": 17.0, "max": 21.5, "currency": None, "interval": None}]
    assert item["employment_type"] == "Full-Time"
    assert item["posted_at"] == datetime(2026, 8, 18, tzinfo=UTC)  # the detail has no dates: the listing's stays
    normalized = normalize(dict(item))
    assert (normalized.pay.pay_min, normalized.pay.pay_max, normalized.pay.pay_period) == (17.0, 21.5, "hour")
    assert (normalized.city, normalized.state, normalized.employment_type) == ("Port Lucie", "FL", "full_time")


@pytest.mark.parametrize(("name", "location", "locations", "employer", "applicants", "place"), [
    # an Eightfold-style region with the country code appended; codes as countries stay out of the text,
    # where "IN" and "CA" would read as Indiana and California
    ("detail_region_with_country.html", None,
     [{"city": "Chennai", "state": "TN", "country": "IN"}, {"city": "Kingston", "state": "ON", "country": "CA"}],
     "Brookside Health", None, ("Chennai", None, "IN")),
    # one address repeated for every place is one place
    ("detail_repeated_address.html", "Dayton, OH, USA", [{"city": "Dayton", "state": "OH", "country": "USA"}],
     "Test Employer", None, ("Dayton", "OH", "US")),
    # an entity-escaped employer name; an applicant requirement given only by its address
    ("detail_escaped_employer.html", None, None, "Brookside & Vale Health", ["Ohio"], (None, None, None)),
])
def test_jsonld_places_and_employer_as_real_pages_write_them(name, location, locations, employer, applicants, place):
    source = make_source("jsonld", url="https://careers.brookside.example/careers/sitemap.xml")
    spider = make_spider(JsonLdSpider, source)
    list(spider.start_source(source))
    items, _ = split(spider.parse_detail(fixture_response("jsonld", name, "http://boards.test/careers/job/1", source)))
    [item] = items
    assert (item.get("location"), item.get("locations"), item["employer"]) == (location, locations, employer)
    assert item.get("applicant_location_requirements") == applicants
    assert item["posted_at"].tzinfo is not None
    normalized = normalize(dict(item))
    assert (normalized.city, normalized.state, normalized.country) == place
