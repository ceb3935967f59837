"""Safety of what a crawl fetches and builds: registry identifiers that could move a request
elsewhere are refused by `sources validate`, every value placed in a URL is percent-encoded, a
request to another scheme or host is refused by the downloader middleware, and credentials are
withheld from any host but their own."""

from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from emr_jobs.spiders.greenhouse import GreenhouseSpider
from emr_jobs.spiders.registry import parse_registry
from emr_jobs.spiders.safety import SafetyMiddleware, segment
from emr_jobs.spiders.workday import _path_of
from tests.conftest import run_cli, write_registry
from tests.spider_helpers import make_source, make_spider


def registry_problems(source: dict) -> list[str]:
    problems: list[str] = []
    parse_registry({"employers": [{"slug": "acme", "name": "Acme", "sources": [source]}]}, problems)
    return problems


HOSTILE_IDENTIFIERS = [
    ({"platform": "greenhouse", "token": "../admin"}, "greenhouse token"),
    ({"platform": "greenhouse", "token": "acme?x=1"}, "greenhouse token"),
    ({"platform": "lever", "token": "acme#frag"}, "lever token"),
    ({"platform": "lever", "token": "acme/../../v1"}, "lever token"),
    ({"platform": "ashby", "token": "acme/../x"}, "ashby token"),
    ({"platform": "smartrecruiters", "company": "Acme?limit=1"}, "smartrecruiters company"),
    ({"platform": "workday", "tenant": "evil.example:8080/x", "instance": "wd5", "site": "Ext"}, "workday tenant"),
    ({"platform": "workday", "tenant": "acme", "instance": "wd5", "site": "Ext/../../x"}, "workday site"),
    ({"platform": "oracle", "host": "evil.example:8443", "site_number": "CX_1"}, "oracle host"),
    ({"platform": "oracle", "host": "acme.fa.us2.oraclecloud.com/x?", "site_number": "CX_1"}, "oracle host"),
    ({"platform": "oracle", "host": "acme.fa.us2.oraclecloud.com", "site_number": "CX_1,limit=999"}, "oracle site_number"),
    ({"platform": "usajobs", "series": "0675&Page=9"}, "usajobs series"),
    ({"platform": "jsonld", "url": "file:///etc/passwd"}, "jsonld url"),
    ({"platform": "jsonld", "url": "javascript:alert(1)"}, "jsonld url"),
    ({"platform": "greenhouse", "token": "acme", "hosts": ["evil.example/x"]}, "hosts must be"),
]


@pytest.mark.parametrize(("source", "named"), HOSTILE_IDENTIFIERS)
def test_identifiers_that_could_leave_their_path_are_refused(source, named):
    [problem] = registry_problems(source)
    assert named in problem


@pytest.mark.parametrize("source", [
    {"platform": "greenhouse", "token": "onemedical"},
    {"platform": "ashby", "token": "Hinge Health"},
    {"platform": "workday", "tenant": "ccf", "instance": "wd1", "site": "ClevelandClinicCareers"},
    {"platform": "oracle", "host": "eeho.fa.us2.oraclecloud.com", "site_number": "CX_1"},
    {"platform": "usajobs", "series": "0675;0669", "organization": "VATA"},
    {"platform": "jsonld", "url": "careers.example.org/jobs/sitemap.xml#/jobs/"},
    {"platform": "jsonld", "url": "https://careers.example.org:8443/jobs"},
])
def test_real_identifiers_pass(source):
    assert registry_problems(source) == []


def test_sources_validate_lists_each_hostile_identifier(tmp_path):
    registry = write_registry(tmp_path / "sources.toml", [
        {"slug": "acme", "name": "Acme", "sources": [{"platform": "greenhouse", "token": "../admin"},
                                                     {"platform": "lever", "token": "a?b"}]}])
    result = run_cli("sources", "validate", str(registry))
    assert result.returncode == 1
    assert [line.count("token must be") for line in result.stderr.splitlines()] == [1, 1]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("server_id", "expected_path"), [
    ("4012345", "/v1/boards/acme/jobs/4012345"),
    ("../../admin?x=1#y", "/v1/boards/acme/jobs/..%2F..%2Fadmin%3Fx%3D1%23y"),
])
def test_server_supplied_ids_are_one_encoded_segment(server_id, expected_path):
    source = make_source("greenhouse", token="acme")
    spider = make_spider(GreenhouseSpider, source)
    request = spider.posting_or_detail(source, {"id": server_id, "title": "Medical Coder", "absolute_url": "x"})
    assert request.url.split("?")[0].endswith(expected_path)


@pytest.mark.parametrize(("external_path", "expected"), [
    ("/job/Cleveland-OH/Medical-Coder_R123", "/job/Cleveland-OH/Medical-Coder_R123"),
    ("job/Remote/Coder?x=1#y", "/job/Remote/Coder%3Fx=1%23y"),
    ("/job/A%20B/Coder", "/job/A%20B/Coder"),
])
def test_workday_external_paths_stay_paths(external_path, expected):
    assert _path_of({"externalPath": external_path}) == expected


def test_workday_external_path_with_dot_dot_is_malformed():
    with pytest.raises(ValueError):
        _path_of({"externalPath": "/job/../../wday/cxs/other/site/jobs"})


def test_segment_encodes_everything_reserved():
    assert segment("a/b?c#d e%") == "a%2Fb%3Fc%23d%20e%25"


def middleware_for(source):
    spider = make_spider(GreenhouseSpider, source)
    spider.crawler.spider = spider
    return SafetyMiddleware.from_crawler(spider.crawler), spider


@pytest.mark.parametrize(("url", "refused"), [
    ("http://boards.test/v1/boards/acme/jobs", None),
    ("file:///etc/passwd", "scheme"),
    ("ftp://boards.test/x", "scheme"),
    ("data:text/plain,hi", "scheme"),
    ("http://elsewhere.test/v1/boards/acme/jobs", "not a host of source"),
    ("https://boards-api.greenhouse.io/v1/boards/acme/jobs", None),  # the platform's public root
])
def test_middleware_refuses_other_schemes_and_hosts(url, refused):
    source = make_source("greenhouse", token="acme")
    middleware, _ = middleware_for(source)
    request = Request(url, meta={"source_key": source.key})
    if refused is None:
        assert middleware.process_request(request) is None
    else:
        with pytest.raises(IgnoreRequest, match=refused):
            middleware.process_request(request)


@pytest.mark.parametrize(("url", "kept"), [
    ("http://boards.test/api/Search", True),
    ("http://boards.test.evil.example/api/Search", False),
])
def test_credentials_only_go_to_their_host(url, kept):
    source = make_source("greenhouse", token="acme")
    middleware, _ = middleware_for(source)
    request = Request(url, headers={"Authorization-Key": "k", "User-Agent": "me@example.org"},
                      meta={"credential_host": "boards.test", "credential_headers": ("Authorization-Key", "User-Agent")})
    middleware.process_request(request)  # no source_key: only the credential rule applies
    assert ("Authorization-Key" in request.headers, "User-Agent" in request.headers) == (kept, kept)
