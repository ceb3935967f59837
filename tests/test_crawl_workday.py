"""Workday CXS spider: request bodies, paging by offset with the first page's total, the result
cap and repeated pages, detail mapping and its fallback, bad bodies; then one real crawl of
fixtures served locally (stored postings, per-source outcomes, the POST bodies sent)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.workday import (
    WorkdaySpider,
    choose_partition,
    posted_from_relative,
    posting_id,
    searches_for,
)
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, fixture_path, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, response_for, split

LIST_URL = "http://boards.test/wday/cxs/pinecrest/External/jobs"


def pinecrest(**extra: str):
    return make_source("workday", tenant="pinecrest", instance="wd5", site="External", **extra)


def body_of(request) -> dict:
    return json.loads(request.body)


@pytest.mark.parametrize(("instance", "host"), [("wd5", "pinecrest.wd5"), ("5", "pinecrest.wd5"),
                                                ("WD12", "pinecrest.wd12"), ("103", "pinecrest.wd103")])
def test_first_request_posts_all_four_keys_to_the_tenant_host(instance, host):
    source = make_source("workday", base_url=None, tenant="pinecrest", instance=instance, site="External",
                         search="medical records")
    spider = make_spider(WorkdaySpider, source)
    [request] = list(spider.start_source(source))
    assert request.method == "POST"
    assert request.url == f"https://{host}.myworkdayjobs.com/wday/cxs/pinecrest/External/jobs"
    assert body_of(request) == {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": "medical records"}
    assert request.headers[b"Content-Type"] == b"application/json"


@pytest.mark.parametrize(("search", "expected"), [
    (None, ("",)),  # the whole board
    ("coder", ("coder",)),  # an explicit narrowing
    ("*", ("",)),
])
def test_searches_default_to_the_whole_board(search, expected):
    source = pinecrest(**({"search": search} if search else {}))
    assert searches_for(source) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("/job/Houston-TX/HIM-Specialist-II_JR-13515-2", "JR-13515-2"),
    ("/job/India---Haryana---Gurgaon/Lead-Software-Engineer_112655-JOB", "112655-JOB"),
    ("/job/Remote/Coder/", "Coder"),
])
def test_posting_id_is_the_suffix_of_the_path(path, expected):
    assert posting_id(path) == expected


REFERENCE = datetime(2026, 10, 9, 3, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("Posted Today", datetime(2026, 10, 9, tzinfo=UTC)),
    ("Posted Yesterday", datetime(2026, 10, 8, tzinfo=UTC)),
    ("Posted 3 Days Ago", datetime(2026, 10, 6, tzinfo=UTC)),
    ("Posted 30+ Days Ago", None),
    ("", None),
    (None, None),
])
def test_relative_posted_dates_use_a_fixed_reference(text, expected):
    assert posted_from_relative(text, REFERENCE) == expected


def test_paging_reads_total_from_the_first_page_only():
    source = pinecrest(search="health information")
    spider = make_spider(WorkdaySpider, source)
    run = spider.runs[source.key]
    page0 = fixture_response("workday", "search_page0.json", LIST_URL, source)
    items, requests = split(spider.parse_list(page0, search="health information", offset=0, total=None))
    details = [r for r in requests if r.method == "GET"]
    [next_page] = [r for r in requests if r.method == "POST"]
    assert len(items) == 16 and {item["title"] for item in items} >= {"Registered Nurse - ICU", "Pharmacist"}
    assert [r.url.rsplit("_", 1)[-1] for r in details] == ["JR-20481", "JR-20502", "JR-20517-1", "JR-20530"]
    assert details[0].url == ("http://boards.test/wday/cxs/pinecrest/External"
                              "/job/Houston-TX/Health-Information-Management-Specialist-II_JR-20481")
    assert body_of(next_page)["offset"] == 20 and next_page.cb_kwargs["total"] == 43
    # page 1 says total 0: ignored, paging goes on to offset 40
    page1 = fixture_response("workday", "search_page1.json", LIST_URL, source)
    _, requests = split(spider.parse_list(page1, search="health information", offset=20, total=43))
    assert [body_of(r)["offset"] for r in requests if r.method == "POST"] == [40]
    page2 = fixture_response("workday", "search_page2.json", LIST_URL, source)
    items, requests = split(spider.parse_list(page2, search="health information", offset=40, total=43))
    assert [r for r in requests if r.method == "POST"] == []
    assert run.listed == 43 and run.drop_reasons == {"malformed_record": 1} and run.status == "ok"


def _page(start: int, count: int = 20) -> str:
    postings = [{"title": "Registered Nurse", "externalPath": f"/job/X/Registered-Nurse_R{n}"}
                for n in range(start, start + count)]
    return json.dumps({"total": 0, "jobPostings": postings})


@pytest.mark.parametrize(("offset", "total", "next_offset", "partial"), [
    (1980, 2000, None, True),  # the tenant's 2,000 cap: stop, and say the list may be incomplete
    (1960, 2000, 1980, False),
    (1980, 5000, 2000, False),  # a tenant whose total is above the cap pages past it
    (40, None, 60, False),  # no total: a full page asks for the next one
])
def test_result_cap(offset, total, next_offset, partial):
    source = pinecrest(search="coder")
    spider = make_spider(WorkdaySpider, source)
    response = response_for(LIST_URL, source, _page(offset))
    _, requests = split(spider.parse_list(response, search="coder", offset=offset, total=total))
    assert [body_of(r)["offset"] for r in requests] == ([next_offset] if next_offset is not None else [])
    assert spider.runs[source.key].partial is partial


def test_a_repeated_page_stops_paging():
    source = pinecrest(search="coder")
    spider = make_spider(WorkdaySpider, source)
    first = response_for(LIST_URL, source, _page(0))
    assert len(split(spider.parse_list(first, search="coder", offset=0, total=None))[0]) == 20
    again = response_for(LIST_URL, source, _page(0))
    items, requests = split(spider.parse_list(again, search="coder", offset=20, total=None))
    assert (items, requests) == ([], [])
    assert spider.runs[source.key].status == "partial" and spider.runs[source.key].listed == 20


def _detail(source, spider, name):
    page0 = fixture_response("workday", "search_page0.json", LIST_URL, source)
    requests = {r.url.rsplit("_", 1)[-1]: r for r in split(spider.parse_list(page0, search="x", offset=0, total=None))[1]}
    request = requests[name.removeprefix("detail_").removesuffix(".json")]
    return fixture_response("workday", name, request.url, source, meta=request.meta)


@pytest.mark.parametrize(("name", "expected"), [
    ("detail_JR-20481.json", {"external_id": "JR-20481", "requisition_id": "JR-20481", "location": "Houston, TX",
                              "workplace_type": "Hybrid", "employment_type": "Full time",
                              "posted_at": datetime(2026, 10, 2, tzinfo=UTC), "employer": "Pinecrest Health",
                              "locations": [{"city": None, "state": None, "country": "US"}]}),
    ("detail_JR-20502.json", {"external_id": "JR-20502", "workplace_type": "Remote", "location": "Remote - USA",
                              "employer": "Pinecrest Health Physician Group"}),
    ("detail_JR-20517-1.json", {"external_id": "JR-20517-1", "requisition_id": "JR-20517", "location": "Katy, TX",
                                "workplace_type": None, "employment_type": "Part time"}),
    # missing fields: empty description, no dates, no time type; the location sits in bulletFields
    ("detail_JR-20530.json", {"external_id": "JR-20530", "description": None, "posted_at": None,
                              "employment_type": None, "location": "Sugar Land, TX", "requisition_id": "JR-20530"}),
])
def test_detail_mapping(name, expected):
    source = pinecrest(search="x")
    spider = make_spider(WorkdaySpider, source)
    [item] = split(spider.parse_detail(_detail(source, spider, name)))[0]
    assert {field: item.get(field) for field in expected} == expected
    assert item["raw"]["detail"]["jobPostingInfo"] and item["raw"]["listing"]["externalPath"]
    assert spider.runs[source.key].status == "ok"


def test_a_detail_fetched_on_its_own_maps_without_the_listing():
    source = pinecrest(search="x")
    spider = make_spider(WorkdaySpider, source)
    response = fixture_response("workday", "detail_JR-20517-1.json", LIST_URL + "/x", source)
    [item] = split(spider.parse_detail(response))[0]
    assert (item["external_id"], item["requisition_id"], item["title"], item["location"]) == (
        "JR-20517-1", "JR-20517", "Release of Information Specialist", "Katy, TX")


@pytest.mark.parametrize(("name", "status"), [("maintenance.html", "failed"), ("truncated.json", "failed"),
                                              ("drifted.json", "drift")])
def test_bad_list_bodies_set_the_source_status(name, status):
    source = pinecrest(search="x")
    spider = make_spider(WorkdaySpider, source)
    response = fixture_response("workday", name, LIST_URL, source)
    assert split(spider.parse_list(response, search="x", offset=0, total=None)) == ([], [])
    assert spider.runs[source.key].status == status


def test_a_broken_detail_keeps_the_listing():
    source = pinecrest(search="x")
    spider = make_spider(WorkdaySpider, source)
    detail = _detail(source, spider, "detail_JR-20481.json")
    broken = response_for(detail.url, source, fixture_path("workday", "maintenance.html").read_text(),
                          html=True, meta=detail.meta)
    [item] = split(spider.parse_detail(broken))[0]
    assert (item["external_id"], item["title"], item["workplace_type"]) == (
        "JR-20481", "Health Information Management Specialist II", "Hybrid")
    assert "detail" not in item["raw"] and spider.runs[source.key].status == "partial"


# --- one real crawl ----------------------------------------------------------------------------
PINECREST_PAGES = {("", 0): "search_page0.json", ("", 20): "search_page1.json", ("", 40): "search_page2.json"}


def pinecrest_page(search: str, offset: int) -> bytes:
    """The whole board: three recorded pages, the last one with the medical-records search's technician."""
    name = PINECREST_PAGES.get((search, offset), "empty.json")
    if (search, offset) != ("", 40):
        return fixture_path("workday", name).read_bytes()
    page = json.loads(fixture_path("workday", name).read_bytes())
    extra = json.loads(fixture_path("workday", "search_medical_records.json").read_bytes())["jobPostings"]
    page["jobPostings"] += [posting for posting in extra if posting["externalPath"].endswith("JR-20600")]
    return json.dumps(page).encode()


def list_reply(info, match):
    body = info.json() or {}
    tenant = match["tenant"]
    if set(body) != {"appliedFacets", "limit", "offset", "searchText"}:
        return Reply(422, {"errorCode": "HTTP_422", "message": "Unprocessable Entity"})
    name = {"quietvalley": "empty.json", "downtime": "maintenance.html", "reshaped": "drifted.json",
            "lakeview": "lakeview_search.json"}.get(tenant)
    if tenant == "pinecrest":
        return Reply(200, pinecrest_page(body["searchText"], body["offset"]))
    return Reply(200, fixture_path("workday", name).read_bytes(),
                 "text/html" if name.endswith(".html") else "application/json")


def detail_reply(info, match):
    path = fixture_path("workday", f"detail_{match['posting']}.json")
    if match["tenant"] == "pinecrest" and path.exists():
        return Reply(200, path.read_bytes())
    if match["posting"] == "R-4425":
        return Reply(200, fixture_path("workday", "maintenance.html").read_bytes(), "text/html")
    return Reply(404, {"errorCode": "S22", "message": "The page you are looking for doesn't exist."})


ROUTES = [("POST", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)/jobs", list_reply),
          ("GET", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)/job/.+_(?P<posting>[^_/]+)", detail_reply)]
SOURCES = {  # tenant -> (site, search, expected status)
    "pinecrest": ("External", None, "ok"),
    "lakeview": ("careers", "medical records", "partial"),
    "quietvalley": ("External", "medical records", "empty"),
    "downtime": ("External", "medical records", "failed"),
    "reshaped": ("External", "medical records", "drift"),
}


def test_crawl_of_workday_tenants(tmp_path, serve, db_url):
    server = serve(ROUTES)
    employers = [{"slug": f"{tenant}-health", "name": f"{tenant.title()} Health", "employer_type": "hospital",
                  "sources": [{"platform": "workday", "tenant": tenant, "instance": "wd5", "site": site,
                               **({"search": search} if search else {}), "base_url": server.url}]}
                 for tenant, (site, search, _) in SOURCES.items()]
    registry = write_registry(tmp_path / "sources.toml", employers)
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    bodies = [info.json() for info in server.requests if info.method == "POST"]
    assert bodies and all(set(body) == {"appliedFacets", "limit", "offset", "searchText"} and body["limit"] == 20
                          for body in bodies)
    assert sorted(b["offset"] for b in bodies if b["searchText"] == "") == [0, 20, 40]
    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {source.key.split(":")[1].split("/")[0]: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
        postings = {p.external_id: p for p in session.scalars(select(Posting))}
    assert {tenant: run.status for tenant, run in runs.items()} == {t: s[2] for t, s in SOURCES.items()}
    assert runs["pinecrest"].items_dropped == 1 and runs["pinecrest"].items_filtered >= 30
    assert "unparseable" in runs["downtime"].error and "shape" in runs["reshaped"].error
    assert set(postings) == {"JR-20481", "JR-20502", "JR-20517-1", "JR-20530", "JR-20555", "JR-20600",
                             "R-4410", "R-4425"}
    table = [  # external id, pay min, max, period, work mode, state, posted
        ("JR-20481", 22.5, 30.0, "hour", "hybrid", "TX", "2026-10-02"),
        ("JR-20502", 52000.0, 68000.0, "year", "remote", None, "2026-09-28"),
        ("JR-20517-1", None, None, None, "onsite", "TX", "2026-10-06"),
        ("JR-20530", None, None, None, "unknown", "TX", None),
        ("JR-20555", 28.0, 36.5, "hour", "onsite", "TX", "2026-10-07"),
        ("JR-20600", 17.25, 21.75, "hour", "onsite", "TX", "2026-10-01"),
    ]
    for external_id, pay_min, pay_max, period, work_mode, state, posted in table:
        posting = postings[external_id]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), external_id
        assert (posting.work_mode, posting.state) == (work_mode, state), external_id
        assert (posting.posted_at.date().isoformat() if posting.posted_at else None) == posted, external_id
    assert postings["JR-20481"].url.endswith("/External/job/Houston-TX/Health-Information-Management-Specialist-II_JR-20481")
    assert postings["R-4410"].title == "Health Information Technician" and postings["R-4410"].state == "TX"


# --- a capped listing split by a facet ----------------------------------------------------------
def _values(*counts: int) -> list[dict]:
    return [{"descriptor": f"Group {n}", "id": f"g{n}", "count": count} for n, count in enumerate(counts)]


FAMILY = {"facetParameter": "jobFamilyGroup", "descriptor": "Job Category", "values": _values(1200, 900, 400)}
LOCATIONS = {"facetParameter": "locationMainGroup", "values": [
    {"facetParameter": "locations", "descriptor": "Locations", "values": _values(*([100] * 25))}]}
TIME_TYPE = {"facetParameter": "timeType", "descriptor": "Time Type", "values": _values(2500)}  # splits nothing
SHORT = {"facetParameter": "workerSubType", "values": _values(900, 600)}  # covers 1,500 of a 2,000 listing


@pytest.mark.parametrize(("facets", "applied", "expected"), [
    ([TIME_TYPE, LOCATIONS, FAMILY], {}, "jobFamilyGroup"),  # covers the listing with the fewest values
    ([TIME_TYPE, LOCATIONS], {}, "locations"),  # nested under a group
    ([FAMILY, LOCATIONS], {"jobFamilyGroup": ["g0"]}, "locations"),  # a facet already applied splits no more
    ([SHORT, FAMILY], {}, "jobFamilyGroup"),  # a facet that covers the listing beats one that does not
    ([TIME_TYPE], {}, None),
    ([], {}, None),
])
def test_choose_partition(facets, applied, expected):
    chosen = choose_partition(facets, applied, 2000)
    assert (chosen[0] if chosen else None) == expected


def _capped_page(facets: list[dict]) -> str:
    postings = [{"title": "Registered Nurse", "externalPath": f"/job/X/Registered-Nurse_R{n}"} for n in range(20)]
    return json.dumps({"total": 2000, "jobPostings": postings, "facets": facets})


def test_a_capped_listing_is_split_by_a_facet_and_recorded():
    source = pinecrest()
    spider = make_spider(WorkdaySpider, source)
    response = response_for(LIST_URL, source, _capped_page([TIME_TYPE, FAMILY]))
    items, requests = split(spider.parse_list(response, search="", offset=0, total=None))
    assert len(items) == 20  # the first page's postings are kept (the partitions list them again, once)
    assert [body_of(r)["appliedFacets"] for r in requests] == [{"jobFamilyGroup": ["g0"]}, {"jobFamilyGroup": ["g1"]},
                                                               {"jobFamilyGroup": ["g2"]}]
    assert all(body_of(r)["offset"] == 0 and body_of(r)["searchText"] == "" for r in requests)
    run = spider.runs[source.key]
    assert run.status == "ok"
    assert run.notes["partitions"] == [{"search": "", "applied": {}, "facet": "jobFamilyGroup", "values": 3,
                                        "covered": 2500}]
    assert spider.crawler.stats.get_value("emr/workday/partition/jobFamilyGroup") == 1
    # a partition's own pages go on to the end of that partition
    part = response_for(LIST_URL, source, json.dumps({"total": 400, "jobPostings": json.loads(_page(500))["jobPostings"],
                                                      "facets": []}))
    _, more = split(spider.parse_list(part, search="", offset=0, total=None, applied={"jobFamilyGroup": ["g2"]}))
    assert [(body_of(r)["offset"], body_of(r)["appliedFacets"]) for r in more] == [(20, {"jobFamilyGroup": ["g2"]})]


def test_a_cap_no_facet_splits_leaves_the_crawl_partial():
    source = pinecrest()
    spider = make_spider(WorkdaySpider, source)
    response = response_for(LIST_URL, source, _capped_page([TIME_TYPE]))
    _, requests = split(spider.parse_list(response, search="", offset=0, total=None))
    assert [body_of(r)["offset"] for r in requests] == [20]  # pages on to the cap
    last = response_for(LIST_URL, source, _page(3000))
    assert split(spider.parse_list(last, search="", offset=1980, total=2000))[1] == []
    run = spider.runs[source.key]
    assert run.status == "partial" and run.notes["result_cap"] == {"{}": 2000}
    assert any("no facet splits it" in error for error in run.errors)


def test_a_facet_that_covers_too_little_is_partial():
    source = pinecrest()
    spider = make_spider(WorkdaySpider, source)
    response = response_for(LIST_URL, source, _capped_page([SHORT]))
    _, requests = split(spider.parse_list(response, search="", offset=0, total=None))
    assert len(requests) == 2
    assert spider.runs[source.key].status == "partial"


def _listing(count: int, total) -> str:
    postings = [{"title": "Medical Records Clerk", "externalPath": f"/job/Remote/Clerk_R{n}", "locationsText": "Remote",
                 "postedOn": "Posted Today", "bulletFields": [f"R{n}"]} for n in range(count)]
    return json.dumps({"total": total, "jobPostings": postings, "facets": []})


@pytest.mark.parametrize(("listed", "total", "status"), [
    (3, 3, "ok"),
    (3, 5, "partial"),  # the board counts postings it did not list: the crawl is not complete
    (3, 1e999, "failed"),  # a total no integer holds
])
def test_a_listing_shorter_than_its_total_is_partial(listed, total, status):
    source = pinecrest()
    spider = make_spider(WorkdaySpider, source)
    response = response_for(LIST_URL, source,
                            _listing(listed, total).replace("Infinity", "1e999"))
    list(spider.parse_list(response, search="", offset=0, total=None))
    [run] = spider.finish_runs("finished")
    assert run.status == status
