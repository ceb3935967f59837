"""Oracle Recruiting Cloud spider: finder URLs, paging by offset with the first page's
TotalJobsCount, a list without requisitionList as drift, detail mapping (sections, flex fields,
work location, an empty detail); then one real crawl of fixtures served locally."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.oracle import OracleSpider, keywords_for
from emr_jobs.store.models import CrawlRun, Posting, PostingCertification, Source
from tests.conftest import FAST_CRAWL, fixture_path, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, response_for, split

HOST = "ehrs.fa.us2.oraclecloud.com"
LIST_URL = "http://boards.test/hcmRestApi/resources/latest/recruitingCEJobRequisitions"


def ehrs(site: str = "CX_1", **extra: str):
    return make_source("oracle", host=HOST, site_number=site, **extra)


def finder_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["finder"][0]


def test_list_url_has_the_mandatory_expand_and_a_literal_finder():
    source = make_source("oracle", base_url=None, host=HOST, site_number="CX_1", keyword="medical records")
    [request] = list(make_spider(OracleSpider, source).start_source(source))
    assert request.url.startswith(f"https://{HOST}/hcmRestApi/resources/latest/recruitingCEJobRequisitions?onlyData=true")
    query = parse_qs(urlsplit(request.url).query)
    assert query["expand"][0].split(",")[0] == "requisitionList.secondaryLocations"
    assert "finder=findReqs;siteNumber=CX_1,limit=25,offset=0,sortBy=POSTING_DATES_DESC,keyword=%22medical%20records%22" in request.url


@pytest.mark.parametrize(("keyword", "expected"), [
    (None, (None,)),  # every requisition of the site
    ("coder", ("coder",)),  # an explicit narrowing
    ("*", (None,)),
])
def test_keywords_default_to_the_whole_site(keyword, expected):
    assert keywords_for(ehrs(**({"keyword": keyword} if keyword else {}))) == expected


def test_paging_uses_the_first_pages_total_and_stops_on_a_short_page():
    source = ehrs(keyword="health information")
    spider = make_spider(OracleSpider, source)
    page0 = fixture_response("oracle", "search_page0.json", LIST_URL, source)
    items, requests = split(spider.parse_list(page0, keyword="health information", offset=0, total=None))
    details = [r for r in requests if "recruitingCEJobRequisitionDetails" in r.url]
    [next_page] = [r for r in requests if r not in details]
    assert len(items) == 21
    assert [finder_of(r.url) for r in details] == [f'ById;Id="{i}",siteNumber=CX_1'
                                                   for i in ("203341", "R3326-2", "203390", "203402")]
    assert "expand=all&onlyData=true" in details[0].url
    assert "offset=25," in finder_of(next_page.url) and next_page.cb_kwargs["total"] == 27
    page1 = fixture_response("oracle", "search_page1.json", LIST_URL, source)
    items, requests = split(spider.parse_list(page1, keyword="health information", offset=25, total=27))
    assert items == [] and len(requests) == 1 and "recruitingCEJobRequisitionDetails" in requests[0].url
    run = spider.runs[source.key]
    assert run.listed == 27 and run.drop_reasons == {"malformed_record": 1} and run.status == "ok"


@pytest.mark.parametrize(("name", "status"), [("error.html", "failed"), ("truncated.json", "failed"),
                                              ("no_requisition_list.json", "drift"), ("empty.json", "empty")])
def test_list_bodies_set_the_source_status(name, status):
    source = ehrs(keyword="x")
    spider = make_spider(OracleSpider, source)
    response = fixture_response("oracle", name, LIST_URL, source)
    assert split(spider.parse_list(response, keyword="x", offset=0, total=None)) == ([], [])
    assert spider.runs[source.key].status == status


def _detail_response(spider, source, requisition_id, body=None):
    page = "search_page1.json" if requisition_id == "203455" else "search_page0.json"
    listing = fixture_response("oracle", page, LIST_URL, source)
    requests = split(spider.parse_list(listing, keyword="x", offset=0, total=None))[1]
    request = next(r for r in requests if f'Id="{requisition_id}"' in finder_of(r.url))
    if body is None:
        return fixture_response("oracle", f"detail_{requisition_id}.json", request.url, source, meta=request.meta)
    return response_for(request.url, source, body, meta=request.meta)


@pytest.mark.parametrize(("requisition_id", "expected"), [
    ("203341", {"external_id": "203341", "workplace_type": "On-site", "employment_type": "Full time",
                "posted_at": datetime(2026, 7, 28, tzinfo=UTC), "location": "Richardson, TX, United States",
                "valid_through": datetime(2026, 10, 1, 4, 59, tzinfo=UTC),
                "url": f"https://{HOST}/hcmUI/CandidateExperience/en/sites/CX_1/job/203341"}),
    ("R3326-2", {"external_id": "R3326-2", "workplace_type": "Remote", "location": "United States"}),
    ("203390", {"workplace_type": "Hybrid", "employment_type": "Part time"}),  # code only on the detail
    ("203455", {"locations": [{"city": "Dallas", "state": "TX", "country": "US"}]}),
    ("203402", {"posted_at": None, "employment_type": None, "locations": None,  # withdrawn: the listing stays
                "description": "<p>Files and scans patient records.</p>"}),
])
def test_detail_mapping(requisition_id, expected):
    source = ehrs(keyword="x")
    spider = make_spider(OracleSpider, source)
    [item] = split(spider.parse_detail(_detail_response(spider, source, requisition_id)))[0]
    assert {field: item.get(field) for field in expected} == expected
    assert spider.runs[source.key].status == "ok"


def test_description_joins_sections_and_flex_fields_without_the_corporate_text():
    source = ehrs(keyword="x")
    spider = make_spider(OracleSpider, source)
    [coder] = split(spider.parse_detail(_detail_response(spider, source, "203341")))[0]
    assert "ICD-10-CM/PCS" in coder["description"] and "RHIT or CCS required" in coder["description"]
    assert "award-winning" not in coder["description"]
    spider = make_spider(OracleSpider, source)
    [roi] = split(spider.parse_detail(_detail_response(spider, source, "203390")))[0]
    assert roi["description"] == ("<p>Release of Information</p>\n<h3>Certifications</h3><p>RHIT preferred</p>\n"
                                  "<h3>Shift</h3><p>Days</p>")


def test_a_detail_fetched_on_its_own_maps_without_the_listing():
    source = ehrs(keyword="x")
    spider = make_spider(OracleSpider, source)
    response = fixture_response("oracle", "detail_203341.json", LIST_URL + "Details", source)
    [item] = split(spider.parse_detail(response))[0]
    assert (item["external_id"], item["title"], item["workplace_type"]) == (
        "203341", "Coding & Health Information Specialist", "On-site")
    assert item["posted_at"] == datetime(2026, 7, 28, 14, 5, 11, tzinfo=UTC) and "RHIT or CCS" in item["description"]


def test_a_repeated_page_stops_paging():
    source = ehrs(keyword="x")
    spider = make_spider(OracleSpider, source)
    page0 = fixture_response("oracle", "search_page0.json", LIST_URL, source)
    assert len(split(spider.parse_list(page0, keyword="x", offset=0, total=None))[1]) == 5
    again = fixture_response("oracle", "search_page0.json", LIST_URL, source)
    assert split(spider.parse_list(again, keyword="x", offset=25, total=100)) == ([], [])
    assert spider.runs[source.key].status == "partial"


def test_a_broken_detail_keeps_the_listing():
    source = ehrs(keyword="x")
    spider = make_spider(OracleSpider, source)
    broken = _detail_response(spider, source, "203341", fixture_path("oracle", "error.html").read_text())
    [item] = split(spider.parse_detail(broken))[0]
    assert (item["external_id"], item["description"]) == (
        "203341", "<p>Review and code inpatient records for a 400-bed hospital.</p>")
    assert spider.runs[source.key].status == "partial"


# --- one real crawl ----------------------------------------------------------------------------
def _finder_fields(info) -> dict[str, str]:
    finder = info.query["finder"][0]
    return dict(part.split("=", 1) for part in finder.split(";", 1)[1].split(",") if "=" in part)


def list_reply(info, match):
    fields = _finder_fields(info)
    if "requisitionList" not in info.query.get("expand", [""])[0]:
        return Reply(200, fixture_path("oracle", "no_requisition_list.json").read_bytes())
    name = {"CX_9": "empty.json", "CX_DRIFT": "no_requisition_list.json", "CX_DOWN": "error.html"}.get(fields["siteNumber"])
    if fields["siteNumber"] == "CX_1":  # the whole site: two recorded pages, the medical-records search's technician last
        name = {(None, "0"): "search_page0.json", (None, "25"): "search_page1.json"}.get(
            (fields.get("keyword"), fields["offset"]), "empty.json")
        if (fields.get("keyword"), fields["offset"]) == (None, "25"):
            page = json.loads(fixture_path("oracle", name).read_bytes())
            extra = json.loads(fixture_path("oracle", "search_medical_records.json").read_bytes())
            page["items"][0]["requisitionList"] += [requisition for requisition in extra["items"][0]["requisitionList"]
                                                    if requisition["Id"] == "203470"]
            return Reply(200, json.dumps(page).encode())
    return Reply(200, fixture_path("oracle", name).read_bytes(), "text/html" if name.endswith(".html") else "application/json")


def detail_reply(info, match):
    if info.query.get("expand") != ["all"]:
        return Reply(400, {"title": "Bad Request"})
    requisition_id = _finder_fields(info)["Id"].strip('"')
    path = fixture_path("oracle", f"detail_{requisition_id}.json")
    return Reply(200, path.read_bytes() if path.exists() else b'{"items": [], "count": 0}')


ROUTES = [("GET", r"/hcmRestApi/resources/latest/recruitingCEJobRequisitions", list_reply),
          ("GET", r"/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails", detail_reply)]
SITES = {"CX_1": "ok", "CX_9": "empty", "CX_DRIFT": "drift", "CX_DOWN": "failed"}


def test_crawl_of_oracle_sites(tmp_path, serve, db_url):
    server = serve(ROUTES)
    employers = [{"slug": f"ehrs-{site.lower().replace('_', '-')}", "name": f"Ehrs Health {site}", "employer_type": "hospital",
                  "sources": [{"platform": "oracle", "host": HOST, "site_number": site, "base_url": server.url}]}
                 for site in SITES]
    registry = write_registry(tmp_path / "sources.toml", employers)
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {source.key.rsplit("/", 1)[1]: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
        postings = {p.external_id: p for p in session.scalars(select(Posting))}
        certs = {(c.posting.external_id, c.certification.code): c.strength
                 for c in session.scalars(select(PostingCertification))}
    assert {site: run.status for site, run in runs.items()} == SITES
    assert "requisitionList" in runs["CX_DRIFT"].error and "unparseable" in runs["CX_DOWN"].error
    assert runs["CX_1"].items_dropped == 1 and runs["CX_1"].items_filtered == 21
    assert set(postings) == {"203341", "R3326-2", "203390", "203402", "203455", "203470"}
    table = [  # external id, pay min, max, period, work mode, state, posted
        ("203341", 24.0, 31.0, "hour", "onsite", "TX", "2026-07-28"),
        ("R3326-2", 55000.0, 70000.0, "year", "remote", None, "2026-07-20"),
        ("203390", None, None, None, "hybrid", "TX", "2026-07-25"),
        ("203402", None, None, None, "unknown", "TX", None),
        ("203455", 27.5, 35.0, "hour", "onsite", "TX", "2026-07-30"),
        ("203470", 18.0, 22.0, "hour", "onsite", "TX", "2026-08-01"),
    ]
    for external_id, pay_min, pay_max, period, work_mode, state, posted in table:
        posting = postings[external_id]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
        assert (posting.work_mode, posting.state) == (work_mode, state), external_id
        assert (posting.posted_at.date().isoformat() if posting.posted_at else None) == posted, external_id
    assert certs[("203390", "RHIT")] == "preferred" and ("203341", "RHIA") not in certs
    assert postings["203455"].city == "Dallas"
