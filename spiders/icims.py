"""iCIMS career portals: no public JSON feed, so the whole board is read from the
portal's HTML search pages (`/jobs/search?ss=1&in_iframe=1&pr=N`, no keyword), and a posting's
detail page (`/jobs/{id}/{slug}/job?in_iframe=1`), whose schema.org `JobPosting` markup carries
every field, is requested only when its listed title passes the relevance rules or cannot tell.

Paging: `pr` counts pages from 0; paging stops when a page lists no job links, when it lists only
postings already seen (a portal that serves its last page again), or when no link points to the
next page. A first page without job links is an empty board if it is an iCIMS page, else a
changed shape. The registry names the portal's `host` (careers-{name}.icims.com or the
employer's own domain in front of iCIMS).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from emr_jobs.spiders import schema_org
from emr_jobs.spiders.base import PlatformSpider, ShapeError, SourceRun, guarded
from emr_jobs.spiders.jobposting import map_job_posting
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.vocabulary import CrawlStatus

MAX_PAGES = 500
_JOB_LINK_RE = re.compile(r"/jobs/(?P<id>\d+)/(?P<slug>[^/?#\"']+)/job")
_ID_PREFIX_RE = re.compile(r"^\s*\d+\s*-\s*")
_SPACE_RE = re.compile(r"\s+")


class IcimsSpider(PlatformSpider):
    name = "icims"
    platform = "icims"

    def public_api_root(self, source: SourceConfig) -> str:
        return f"https://{source.identifiers['host']}"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        yield self.page_request(source, 0)

    def page_request(self, source: SourceConfig, page: int):
        url = f"{self.api_root(source)}/jobs/search?ss=1&in_iframe=1&pr={page}"
        return self.request(url, source, self.parse_page, headers={"Accept": "text/html"}, cb_kwargs={"page": page})

    @guarded(CrawlStatus.FAILED)
    def parse_page(self, response, page: int) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        source = run.source
        text = getattr(response, "text", None)
        if not isinstance(text, str):
            raise ShapeError("expected an HTML page")
        listed = self.job_links(response)
        if not listed:
            if page == 0 and "icims" not in text.lower():
                raise ShapeError("no job links and no iCIMS markup: not an iCIMS search page")
            return
        fresh = self.fresh_records(run, listed, [job_id for job_id, _slug, _title in listed], offset=page)
        if fresh is None:
            return  # the portal served a page it had served before: the board ends here
        yield from self.map_each(run, fresh, lambda record: self.posting_or_detail(run, *record))
        if page + 1 >= MAX_PAGES:
            run.record_error(f"stopped after {MAX_PAGES} pages", kind=CrawlStatus.PARTIAL)
            return
        if re.search(rf"[?&;]pr={page + 1}(?:\D|$)", text):
            yield self.page_request(source, page + 1)

    def job_links(self, response) -> list[tuple[str, str, str | None]]:
        """(job id, slug, listed title) of each job linked from a search page, first link first."""
        found: dict[str, tuple[str, str, str | None]] = {}
        for anchor in response.css("a[href]"):
            match = _JOB_LINK_RE.search(anchor.attrib.get("href", ""))
            if not match:
                continue
            # the heading inside the link, else its title attribute ("12345 - Medical Coder"); the
            # link's other text holds screen-reader labels ("Title")
            title = _clean(" ".join(anchor.css("h1 ::text, h2 ::text, h3 ::text, h4 ::text").getall())) or _clean(
                _ID_PREFIX_RE.sub("", anchor.attrib.get("title", ""))) or _clean(
                " ".join(anchor.xpath(".//text()[not(ancestor::*[contains(@class, 'sr-only')])]").getall()))
            job_id = match["id"]
            if job_id not in found or (title and not found[job_id][2]):
                found[job_id] = (job_id, match["slug"], title)
        return list(found.values())

    def posting_or_detail(self, run: SourceRun, job_id: str, slug: str, title: str | None) -> Any:
        source = run.source
        public = f"https://{source.identifiers['host']}/jobs/{job_id}/{slug}/job"
        item = self.new_item(source, external_id=job_id, url=public, title=title,
                             raw={"listing": {"id": job_id, "slug": slug, "title": title}})
        detail = f"{self.api_root(source)}/jobs/{job_id}/{slug}/job?in_iframe=1"
        return self.detail_or_item(source, item, detail)

    @guarded(CrawlStatus.PARTIAL)
    def parse_detail(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        fallback = response.meta["fallback_item"]
        page = schema_org.extract_page(response.text, response.url, response.selector)
        if not page.postings:
            self.crawler.stats.inc_value("emr/icims/detail_without_posting")
            raise ShapeError("the job page has no JobPosting markup")
        fields = map_job_posting(page.postings[0], fallback["url"])
        item = fallback.copy()
        for name, value in fields.items():
            if name in ("external_id", "url") or value is None:
                continue  # the portal's job id and canonical URL stay those of the listing
            item[name] = value
        item["raw"] = {"listing": fallback["raw"].get("listing"), "detail": page.postings[0]}
        yield self.emit(run, item)


def _clean(text: str | None) -> str | None:
    cleaned = _SPACE_RE.sub(" ", html.unescape(text or "")).strip()
    return cleaned or None
