"""schema.org JobPosting spider: sitemaps (index, gzip, path hint), listing pages (job links on
the same host), detail pages with @graph, microdata only, malformed JSON-LD and no posting; the
field mapping's type drift (salary shapes, dates, places); source statuses; and one real crawl."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import Reply
from emr_jobs.runs.crawl import SOME_FAILED_EXIT
from emr_jobs.spiders.jobposting import map_job_posting, parse_date
from emr_jobs.spiders.jsonld import JsonLdSpider
from emr_jobs.spiders.schema_org import extract_page, loads_lenient
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, fixture_path, run_cli, write_registry
from tests.spider_helpers import fixture_response, make_source, make_spider, response_for, split, stat

PUBLIC = "https://careers.brooksidehealth.example"
LOCAL = "http://boards.test"
JOB_PAGES = ["10231-remote-medical-records-technician", "10232-coding-specialist", "10233-him-supervisor",
             "10234-patient-registration-clerk", "10235-registered-nurse-med-surg"]


def sitemap_source(url=f"{PUBLIC}/careers/sitemap.xml"):
    return make_source("jsonld", base_url=LOCAL, url=url)


def started(source):
    spider = make_spider(JsonLdSpider, source)
    requests = list(spider.start_source(source))
    return spider, requests


# --- lenient JSON and field mapping ---------------------------------------------------------
@pytest.mark.parametrize("block, expected", [
    ('{"title": "A", "tags": [1, 2,],}', [{"title": "A", "tags": [1, 2]}]),  # trailing commas
    ('<!--\n{"title": "A"}\n-->', [{"title": "A"}]),  # HTML comment wrapper
    ('//<![CDATA[\n{"title": "A"}\n//]]>', [{"title": "A"}]),  # CDATA wrapper
    ('{"description": "line one\nline two\ttab"}', [{"description": "line one\nline two\ttab"}]),  # raw controls
    ('{"title": "Coder\\\'s desk", "url": "https://x.example/a//b"} // note', [{"title": "Coder's desk",
                                                                              "url": "https://x.example/a//b"}]),
    ('{"a": 1}\n{"b": 2};', [{"a": 1}, {"b": 2}]),  # two values in one block
    ('{&quot;title&quot;: &quot;A&quot;}', [{"title": "A"}]),  # entity-escaped block
    ('{"a": /* comment */ 1}', [{"a": 1}]),
])
def test_lenient_json_reads_what_browsers_tolerate(block, expected):
    assert loads_lenient(block)[0] == expected


def test_lenient_json_gives_up_on_truncated_blocks():
    with pytest.raises(ValueError):
        loads_lenient('{"@type": "JobPosting", "title": ')


def test_graph_references_by_id_are_resolved():
    page = extract_page("""<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "@id": "https://x.example/#org", "name": "Acme Health"},
        {"@type": "Place", "@id": "https://x.example/#reno", "address": {"addressLocality": "Reno", "addressRegion": "NV"}},
        {"@type": "JobPosting", "title": "Coder", "hiringOrganization": {"@id": "https://x.example/#org"},
         "jobLocation": [{"@id": "https://x.example/#reno"}]}]}</script>""", "https://x.example/")
    fields = map_job_posting(page.postings[0], "https://x.example/jobs/1")
    assert (fields["employer"], fields["locations"]) == ("Acme Health", [{"city": "Reno", "state": "NV", "country": None}])


@pytest.mark.parametrize("salary, pay_ranges, pay_text", [
    ({"@type": "MonetaryAmount", "currency": "USD",
      "value": {"@type": "QuantitativeValue", "minValue": "21.50", "maxValue": 29.75, "unitText": "HOUR"}},
     [{"min": 21.5, "max": 29.75, "currency": "USD", "interval": "HOUR"}], None),
    ({"currency": "USD", "value": {"value": 52000, "unitText": "YEAR"}},
     [{"min": 52000.0, "max": 52000.0, "currency": "USD", "interval": "YEAR"}], None),
    ({"currency": "USD", "value": 4200, "unitText": "MONTH"},  # bare value, unit on the amount
     [{"min": 4200.0, "max": 4200.0, "currency": "USD", "interval": "MONTH"}], None),
    ({"currency": "USD", "value": {"minValue": 900, "maxValue": 1100, "unitCode": "WEE"}},  # UN/CEFACT code
     [{"min": 900.0, "max": 1100.0, "currency": "USD", "interval": "WEEK"}], None),
    (48000, [{"min": 48000.0, "max": 48000.0, "currency": None, "interval": None}], None),  # a bare number
    ("$20.00 - $26.00 per hour", None, "$20.00 - $26.00 per hour"),  # a bare string
    ({"currency": "USD", "value": {"value": "$19 - $24 an hour", "unitText": "HOUR"}}, None, "$19 - $24 an hour"),
    ("Competitive", None, None),
    ({"currency": "USD", "value": [48000, 56000], "unitText": "YEAR"},  # a [min, max] pair as the value
     [{"min": 48000.0, "max": 56000.0, "currency": "USD", "interval": "YEAR"}], None),
    ({"currency": "USD", "value": {"value": "$61,000", "unitText": "YEAR"}},  # a money string
     [{"min": 61000.0, "max": 61000.0, "currency": "USD", "interval": "YEAR"}], None),
    ({"@type": "MonetaryAmount", "currency": "USD", "value": {"@type": "QuantitativeValue"}}, None, None),
])
def test_base_salary_shapes(salary, pay_ranges, pay_text):
    fields = map_job_posting({"@type": "JobPosting", "title": "Coder", "baseSalary": salary}, "https://x.example/j/1")
    assert (fields["pay_ranges"], fields["pay_text"]) == (pay_ranges, pay_text)


@pytest.mark.parametrize("value, expected", [
    ("2026-09-30", datetime(2026, 9, 30, tzinfo=UTC)),
    ("2026-9-21", datetime(2026, 9, 21, tzinfo=UTC)),
    ("2026-9-1T08:00:00-05:00", datetime(2026, 9, 1, 13, 0, tzinfo=UTC)),
    ("2026-10-06T08:30:00.000Z", datetime(2026, 10, 6, 8, 30, tzinfo=UTC)),
    ("10/06/2026", datetime(2026, 10, 6, tzinfo=UTC)),
    ("", None), ("not a date", None), (None, None),
])
def test_dates_in_the_wild(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("node, external_id, locations, location, workplace", [
    ({"identifier": {"@type": "PropertyValue", "name": "Org", "value": 77}, "jobLocationType": "TELECOMMUTE"},
     "77", None, None, "TELECOMMUTE"),
    ({"identifier": "R-9", "jobLocation": [{"@type": "Place", "address": {"addressLocality": "Reno",
      "addressRegion": "NV", "addressCountry": {"@type": "Country", "name": "US"}}}, {"address": "Remote"}]},
     "R-9", [{"city": "Reno", "state": "NV", "country": "US"}], "Reno, NV, US; Remote", None),
    ({"url": "/jobs/5?utm_source=feed&id=5", "jobLocation": {"@type": "PostalAddress", "addressRegion": "Texas"}},
     "https://x.example/jobs/5?id=5", [{"city": None, "state": "Texas", "country": None}], "Texas", None),
])
def test_identifier_places_and_work_mode(node, external_id, locations, location, workplace):
    fields = map_job_posting({"@type": "JobPosting", "title": "Coder", **node}, "https://x.example/page")
    assert (fields["external_id"], fields["locations"], fields["location"], fields["workplace_type"]) == (
        external_id, locations, location, workplace)


# --- sitemaps -------------------------------------------------------------------------------
def test_source_url_moves_to_the_base_url_and_the_index_prefers_job_sitemaps():
    source = sitemap_source()
    spider, requests = started(source)
    assert [r.url for r in requests] == [f"{LOCAL}/careers/sitemap.xml"]
    _, children = split(spider.parse_start(fixture_response("jsonld", "sitemap_index.xml", requests[0].url, source)))
    assert [r.url for r in children] == [f"{LOCAL}/careers/sitemap-jobs.xml"]
    assert spider.runs[source.key].listed == 0


@pytest.mark.parametrize("gzipped", [False, True])
def test_job_sitemap_leads_to_each_job_page_once(gzipped):
    source = sitemap_source()
    spider, _ = started(source)
    body = fixture_path("jsonld", "sitemap_jobs.xml").read_bytes()
    body = gzip.compress(body) if gzipped else body
    response = response_for(f"{LOCAL}/careers/sitemap-jobs.xml.gz", source, body)
    _, requests = split(spider.parse_child_sitemap(response, depth=1))
    expected = [f"{LOCAL}/careers/jobs/{page}" for page in JOB_PAGES]
    assert [r.url for r in requests] == expected + [f"{expected[0]}?source=feed&lang=en"]
    assert spider.runs[source.key].listed == 6


@pytest.mark.parametrize("link, expected", [
    (f"{PUBLIC}/careers/jobs/1", f"{LOCAL}/careers/jobs/1"),
    ("http://careers.brooksidehealth.example/careers/jobs/2?a=1", f"{LOCAL}/careers/jobs/2?a=1"),  # scheme differs
    ("https://careers.brooksidehealth.example.evil/jobs/3", "https://careers.brooksidehealth.example.evil/jobs/3"),
    ("https://other.example/jobs/4", "https://other.example/jobs/4"),
])
def test_links_to_the_public_host_move_to_the_base_url(link, expected):
    source = sitemap_source()
    spider, _ = started(source)
    assert spider.localize(source, link) == expected


def test_path_hint_in_the_fragment_filters_sitemap_urls():
    source = sitemap_source(f"{PUBLIC}/careers/sitemap.xml#/careers/jobs/1023")
    spider, requests = started(source)
    assert requests[0].url == f"{LOCAL}/careers/sitemap.xml"
    response = fixture_response("jsonld", "sitemap_jobs.xml", requests[0].url, source)
    _, details = split(spider.parse_start(response))
    assert len(details) == 6
    source = sitemap_source(f"{PUBLIC}/careers/sitemap.xml#supervisor")
    spider, _ = started(source)
    _, details = split(spider.parse_start(fixture_response("jsonld", "sitemap_jobs.xml", requests[0].url, source)))
    assert [r.url for r in details] == [f"{LOCAL}/careers/jobs/10233-him-supervisor"]


# --- detail and listing pages ---------------------------------------------------------------
DETAIL_CASES = [
    # fixture, external_id, title, pay_ranges, workplace, posted_at, marker in description
    ("detail_graph.html", "R-104233", "Remote Medical Records Technician",
     [{"min": 21.5, "max": 29.75, "currency": "USD", "interval": "HOUR"}], "TELECOMMUTE",
     datetime(2026, 9, 30, tzinfo=UTC), "<h3>Requirements</h3>"),
    ("detail_microdata.html", "10232", "Coding Specialist",
     [{"min": 52000.0, "max": 64000.0, "currency": "USD", "interval": "YEAR"}], None,
     datetime(2026, 10, 2, 15, 0, tzinfo=UTC), "<li>CCS required</li>"),
    ("detail_malformed.html", "10233", "HIM Supervisor",
     [{"min": 78000.0, "max": 78000.0, "currency": "USD", "interval": "YEAR"}], None,
     datetime(2026, 9, 21, tzinfo=UTC), "Bachelor's degree"),
    ("detail_list_typed.html", "10235", "Registered Nurse - Med Surg",
     [{"min": 38.0, "max": 52.0, "currency": "USD", "interval": "HOUR"}], None,
     datetime(2026, 10, 1, tzinfo=UTC), "medical-surgical"),
]


@pytest.mark.parametrize("name, external_id, title, pay_ranges, workplace, posted_at, marker", DETAIL_CASES)
def test_detail_pages(name, external_id, title, pay_ranges, workplace, posted_at, marker):
    source = sitemap_source()
    spider, _ = started(source)
    items, _ = split(spider.parse_detail(fixture_response("jsonld", name, f"{LOCAL}/careers/jobs/x", source)))
    assert len(items) == 1
    item = items[0]
    assert (item["external_id"], item["title"], item.get("pay_ranges")) == (external_id, title, pay_ranges)
    assert (item.get("workplace_type"), item["posted_at"], item["employer"]) == (
        workplace, posted_at, "Brookside Health System")
    assert marker in item["description"] and "&lt;" not in item["description"]
    assert item["raw"]["title"] == title


def test_malformed_and_missing_postings_are_counted_not_fatal():
    source = sitemap_source()
    spider, _ = started(source)
    list(spider.parse_detail(fixture_response("jsonld", "detail_malformed.html", f"{LOCAL}/careers/jobs/a", source)))
    items, _ = split(spider.parse_detail(
        fixture_response("jsonld", "detail_no_posting.html", f"{LOCAL}/careers/jobs/b", source)))
    assert items == []
    assert [stat(spider, f"emr/jsonld/{name}") for name in ("repaired_block", "invalid_block", "no_posting")] == [1, 1, 1]
    assert spider.runs[source.key].status == "ok"
    spider.finish_runs("finished")
    assert spider.runs[source.key].status == "ok"  # one posting was found: the missing one had closed


def test_job_pages_that_all_lack_a_posting_are_drift():
    source = sitemap_source()
    spider, _ = started(source)
    list(spider.follow_details(spider.runs[source.key], [f"{LOCAL}/careers/jobs/b"]))
    list(spider.parse_detail(fixture_response("jsonld", "detail_no_posting.html", f"{LOCAL}/careers/jobs/b", source)))
    spider.finish_runs("finished")
    assert spider.runs[source.key].status == "drift"


def test_the_same_posting_under_two_urls_is_emitted_once():
    source = sitemap_source()
    spider, _ = started(source)
    first, _ = split(spider.parse_detail(fixture_response("jsonld", "detail_graph.html", f"{LOCAL}/a", source)))
    second, _ = split(spider.parse_detail(fixture_response("jsonld", "detail_graph.html", f"{LOCAL}/a?x=1", source)))
    assert (len(first), len(second), stat(spider, "emr/jsonld/duplicate_posting")) == (1, 0, 1)


def test_listing_page_follows_job_links_on_the_same_host_only():
    source = make_source("jsonld", base_url=LOCAL, url="https://www.lakeview.example/lakeview/careers/")
    spider, requests = started(source)
    _, links = split(spider.parse_start(fixture_response("jsonld", "listing.html", requests[0].url, source)))
    assert [r.url for r in links] == [f"{LOCAL}/lakeview/careers/job/2001-medical-coder-outpatient",
                                      f"{LOCAL}/lakeview/careers/job/2002-registered-nurse-med-surg?utm_source=list"]
    assert spider.runs[source.key].listed == 2


@pytest.mark.parametrize("url, base_url, expected", [
    ("careers.example.org/jobs/", None, "https://careers.example.org/jobs/"),
    ("https://careers.example.org/jobs/#/jobs/view/", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/jobs/"),
    ("http://placeholder/bayou/careers/sitemap.xml", "http://127.0.0.1:9000", "http://127.0.0.1:9000/bayou/careers/sitemap.xml"),
])
def test_start_url(url, base_url, expected):
    source = make_source("jsonld", base_url=base_url and base_url.rstrip("/"), url=url)
    _, requests = started(source)
    assert [r.url for r in requests] == [expected]


def test_start_url_that_is_a_job_page_is_one_posting():
    source = make_source("jsonld", base_url=None, url=f"{PUBLIC}/careers/jobs/10231-remote-medical-records-technician")
    spider, requests = started(source)
    assert requests[0].url == source.identifiers["url"]
    items, links = split(spider.parse_start(fixture_response("jsonld", "detail_graph.html", requests[0].url, source)))
    assert ([item["external_id"] for item in items], links, spider.runs[source.key].listed) == (["R-104233"], [], 1)


@pytest.mark.parametrize("name, status", [
    ("no_jobs.html", "drift"),  # no posting, no job links: not "no jobs"
    ("sitemap_empty.xml", "empty"),
])
def test_start_page_outcomes(name, status):
    source = make_source("jsonld", base_url=LOCAL, url=f"{PUBLIC}/pinecone/careers")
    spider, requests = started(source)
    items, links = split(spider.parse_start(fixture_response("jsonld", name, requests[0].url, source)))
    assert (items, links, spider.runs[source.key].status) == ([], [], status)


# --- a real crawl ---------------------------------------------------------------------------
PAGES = {
    "/careers/sitemap.xml": "sitemap_index.xml", "/careers/sitemap-jobs.xml": "sitemap_jobs.xml",
    "/careers/sitemap-pages.xml": "sitemap_pages.xml",
    "/careers/jobs/10231-remote-medical-records-technician": "detail_graph.html",
    "/careers/jobs/10232-coding-specialist": "detail_microdata.html",
    "/careers/jobs/10233-him-supervisor": "detail_malformed.html",
    "/careers/jobs/10234-patient-registration-clerk": "detail_no_posting.html",
    "/careers/jobs/10235-registered-nurse-med-surg": "detail_list_typed.html",
    "/lakeview/careers/": "listing.html",
    "/lakeview/careers/job/2001-medical-coder-outpatient": "listing_detail.html",
    "/lakeview/careers/job/2002-registered-nurse-med-surg": "detail_list_typed.html",
    "/pinecone/careers": "no_jobs.html", "/quiet/sitemap.xml": "sitemap_empty.xml",
}


def serve_page(info, match):
    name = PAGES.get(info.path)
    if name is None:
        return Reply(404, "<html><body>Not found</body></html>", "text/html")
    content_type = "application/xml" if name.endswith(".xml") else "text/html; charset=utf-8"
    return Reply(200, fixture_path("jsonld", name).read_bytes(), content_type)


EXPECTED_STATUS = {  # source url -> status
    f"{PUBLIC}/careers/sitemap.xml": "ok", "https://www.lakeview.example/lakeview/careers/": "ok",
    "https://pinecone.example/pinecone/careers": "drift", "https://quiet.example/quiet/sitemap.xml": "empty",
    "https://gone.example/gone/careers/sitemap.xml": "failed",
}


def test_crawl_stores_postings_and_outcomes(tmp_path, serve, db_url):
    server = serve([("GET", r"/.*", serve_page)])
    registry = write_registry(tmp_path / "sources.toml", [
        {"slug": f"employer-{index}", "name": f"Employer {index}", "employer_type": "hospital",
         "sources": [{"platform": "jsonld", "url": url, "base_url": server.url}]}
        for index, url in enumerate(EXPECTED_STATUS)])
    result = run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL)
    assert result.returncode == SOME_FAILED_EXIT, result.stderr  # some boards are down
    assert "/careers/sitemap-pages.xml" not in {request.path for request in server.requests}
    with Session(create_engine(db_url)) as session:
        rows = {p.title: p for p in session.scalars(select(Posting))}
        runs = {source.key: run for run, source in session.execute(
            select(CrawlRun, Source).join(Source, Source.id == CrawlRun.source_id))}
    assert set(rows) == {"Remote Medical Records Technician", "Coding Specialist", "HIM Supervisor",
                         "Medical Coder - Outpatient"}
    expected = [  # title, pay_min, pay_max, period, work_mode, state
        ("Remote Medical Records Technician", 21.5, 29.75, "hour", "remote", "TX"),
        ("Coding Specialist", 52000.0, 64000.0, "year", "onsite", "ID"),
        ("HIM Supervisor", 78000.0, 78000.0, "year", "onsite", "WA"),
        ("Medical Coder - Outpatient", 20.0, 26.0, "hour", "onsite", "OR"),
    ]
    for title, pay_min, pay_max, period, work_mode, state in expected:
        posting = rows[title]
        assert (posting.pay_min, posting.pay_max, posting.pay_period) == (pay_min, pay_max, period), title
        assert (posting.work_mode, posting.state) == (work_mode, state), title
    assert rows["HIM Supervisor"].posted_at == datetime(2026, 9, 21, tzinfo=UTC)
    assert {key.removeprefix("jsonld:"): run.status for key, run in runs.items()} == EXPECTED_STATUS
    sitemap_run = runs[f"jsonld:{PUBLIC}/careers/sitemap.xml"]
    assert (sitemap_run.items_seen, sitemap_run.items_kept, sitemap_run.items_filtered) == (4, 3, 1)
