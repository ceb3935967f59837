"""Helpers for parse-level spider tests: a spider built on a test crawler with its sources' runs
started, responses tied to a source, and the split of a callback's output into items and requests."""

from __future__ import annotations

from typing import Any

from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from emr_jobs.spiders.base import PlatformSpider, SourceRun
from emr_jobs.spiders.items import RawPosting
from emr_jobs.spiders.registry import SourceConfig
from tests.conftest import fixture_path


def make_source(platform: str, base_url: str | None = "http://boards.test", slug: str = "test-employer",
                **identifiers: str) -> SourceConfig:
    return SourceConfig(platform=platform, identifiers=identifiers, employer_slug=slug,
                        employer_name="Test Employer", employer_type="hospital", base_url=base_url)


def make_spider(spider_class: type[PlatformSpider], *sources: SourceConfig) -> PlatformSpider:
    spider = spider_class.from_crawler(get_crawler(spider_class), sources=list(sources))
    for source in sources:
        spider.runs[source.key] = SourceRun(source)
    return spider


def response_for(url: str, source: SourceConfig, body: bytes | str, *, html: bool = False,
                 meta: dict[str, Any] | None = None, content_type: str | None = None) -> TextResponse:
    body = body.encode("utf-8") if isinstance(body, str) else body
    request = Request(url, meta={"source_key": source.key, **(meta or {})})
    response_class = HtmlResponse if html else TextResponse
    headers = {"Content-Type": content_type} if content_type else None
    return response_class(url, body=body, request=request, encoding="utf-8", headers=headers)


def fixture_response(platform: str, name: str, url: str, source: SourceConfig, **kwargs: Any) -> TextResponse:
    html = name.endswith(".html")
    return response_for(url, source, fixture_path(platform, name).read_bytes(), html=html, **kwargs)


def split(outputs: Any) -> tuple[list[RawPosting], list[Request]]:
    produced = list(outputs)
    return ([entry for entry in produced if isinstance(entry, RawPosting)],
            [entry for entry in produced if isinstance(entry, Request)])


def stat(spider: PlatformSpider, name: str) -> int:
    return spider.crawler.stats.get_value(name, 0)
