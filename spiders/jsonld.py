"""schema.org `JobPosting` pages (what Google for Jobs reads): a source `url` is a sitemap, a
career listing page or a job detail page. Sitemaps (also gzipped, also indexes, bounded depth) and
listing pages (and their `rel="next"` pages) lead to detail pages (bounded, on the source's own
hosts: any other link is skipped and counted); each detail page's JobPosting, from JSON-LD or
microdata, becomes a posting. A job page whose JSON-LD block cannot be read is a partial crawl,
never "no posting". A fragment on the source URL (`.../sitemap.xml#/jobs/`) is a path hint: only
URLs whose path contains it are followed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

from scrapy.http import TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from emr_jobs.spiders import schema_org
from emr_jobs.spiders.base import PlatformSpider, ShapeError, SourceRun, UnparseableBody, guarded
from emr_jobs.spiders.jobposting import map_job_posting
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.vocabulary import CrawlStatus

HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MAX_SITEMAP_DEPTH = 3
MAX_CHILD_SITEMAPS = 50
MAX_DETAIL_PAGES = 2000
MAX_LISTING_LINKS = 300
MAX_LISTING_PAGES = 50  # rel="next" pages followed from one listing page
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
SITEMAP_SNIFF_RE = re.compile(rb"<(?:[\w-]+:)?(urlset|sitemapindex)\b")
JOB_WORD_RE = re.compile(r"(?:^|[/_.=-])(?:jobs?|careers?|positions?|openings?|vacanc(?:y|ies)|requisitions?|"
                         r"postings?|job-?details?|opportunit(?:y|ies)|jobdetails?)(?:[/_.?=&-]|$)", re.I)
JOB_QUERY_RE = re.compile(r"(?:^|&)(?:job|jobid|job_id|req|reqid|requisition|posting|position|id)\w*=\w", re.I)
NOT_A_PAGE_RE = re.compile(r"\.(?:pdf|jpe?g|png|gif|svg|webp|css|js|ico|zip|docx?|xlsx?|mp4|xml)$", re.I)
NAVIGATION_RE = re.compile(r"/(?:search|login|sign-?in|register|apply|alerts?|saved|faq|benefits)/?$", re.I)


class JsonLdSpider(PlatformSpider):
    name = "jsonld"
    platform = "jsonld"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.followed: dict[str, set[str]] = {}
        self.emitted_ids: dict[str, set[str]] = {}
        self.pages_without_posting: dict[str, int] = {}

    # --- where a source lives -------------------------------------------------------------
    @staticmethod
    def source_url(source: SourceConfig) -> str:
        """The registry's URL; one written without a scheme ("careers.example.org/jobs") is https."""
        url = str(source.identifiers["url"]).strip()
        return url if re.match(r"^https?://", url, re.I) else f"https://{url.lstrip('/')}"

    def public_api_root(self, source: SourceConfig) -> str:
        parts = urlsplit(self.source_url(source))
        return f"{parts.scheme}://{parts.netloc}"

    def localize(self, source: SourceConfig, url: str) -> str:
        """A URL on the source's public host, moved to its base_url (mirrors, tests, the demo)."""
        root = self.api_root(source)
        public = self.public_api_root(source)
        parts, target = urlsplit(url), urlsplit(root)
        if root == public or parts.netloc.lower() != urlsplit(public).netloc.lower():
            return url  # http and https links to the public host both move
        return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))

    @staticmethod
    def path_hint(source: SourceConfig) -> str | None:
        return unquote(urldefrag(JsonLdSpider.source_url(source))[1]).strip() or None

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        self.followed[source.key] = set()
        self.emitted_ids[source.key] = set()
        self.pages_without_posting[source.key] = 0
        url = self.localize(source, urldefrag(self.source_url(source))[0])
        yield self.request(url, source, self.parse_start, headers={"Accept": HTML_ACCEPT})

    # --- callbacks --------------------------------------------------------------------------
    @guarded(CrawlStatus.FAILED)
    def parse_start(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        body = self._body(response)
        if SITEMAP_SNIFF_RE.search(body[:4096]):
            yield from self.follow_sitemap(run, response.url, body, depth=0)
            return
        if not isinstance(response, TextResponse):
            raise UnparseableBody(f"neither a sitemap nor an HTML page ({response.headers.get('Content-Type')!r})")
        page = self.read_page(response)
        if page.postings:
            run.listed += len(page.postings)
            yield from self.emit_postings(run, response, page)
            return
        links = self.job_links(run.source, response, page)
        if not links:
            self.crawler.stats.inc_value("emr/jsonld/no_posting")
            raise ShapeError("the page has no JobPosting and no links to job pages")
        yield from self.follow_details(run, links)
        yield from self.next_listing_page(run, response, page_number=1)

    @guarded(CrawlStatus.FAILED)
    def parse_listing(self, response, page_number: int) -> Iterator[Any]:
        """A listing's later page: a missing one means the listing is incomplete (critical)."""
        run = self.runs[response.meta["source_key"]]
        if not isinstance(response, TextResponse):
            raise UnparseableBody("a listing page that is not HTML")
        page = self.read_page(response)
        yield from self.follow_details(run, self.job_links(run.source, response, page))
        yield from self.next_listing_page(run, response, page_number)

    def next_listing_page(self, run: SourceRun, response, page_number: int) -> Iterator[Any]:
        hrefs = response.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
                               " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href").getall()
        for href in hrefs:
            url = self.localize(run.source, urldefrag(response.urljoin(href.strip()))[0])
            if not self.owns(run.source, url) or url in self.followed[run.source.key] or url == response.url:
                continue
            if page_number >= MAX_LISTING_PAGES:
                run.record_error(f"stopped after {MAX_LISTING_PAGES} listing pages", kind=CrawlStatus.PARTIAL)
                return
            self.followed[run.source.key].add(url)
            self.crawler.stats.inc_value("emr/jsonld/next_page")
            yield self.request(url, run.source, self.parse_listing, headers={"Accept": HTML_ACCEPT},
                               cb_kwargs={"page_number": page_number + 1})
            return

    def owns(self, source: SourceConfig, url: str) -> bool:
        """An http(s) URL on one of the source's hosts; anything else is counted and skipped."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self.allowed_hosts(source):
            return True
        self.crawler.stats.inc_value("emr/jsonld/offsite_link")
        return False

    @guarded(CrawlStatus.PARTIAL)
    def parse_child_sitemap(self, response, depth: int = 1) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        body = self._body(response)
        if not SITEMAP_SNIFF_RE.search(body[:4096]):
            raise UnparseableBody("a sitemap index pointed at something that is not a sitemap")
        yield from self.follow_sitemap(run, response.url, body, depth=depth)

    @guarded(CrawlStatus.PARTIAL)
    def parse_detail(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        if not isinstance(response, TextResponse):
            raise UnparseableBody("a job page that is not HTML")
        page = self.read_page(response)
        if not page.postings and page.invalid:  # cut off or garbled: the posting may well be there
            raise UnparseableBody(f"{page.invalid} JSON-LD block(s) could not be read")
        if not page.postings:
            self.crawler.stats.inc_value("emr/jsonld/no_posting")
            self.pages_without_posting[run.source.key] += 1
            return
        yield from self.emit_postings(run, response, page)

    # --- sitemaps, listing pages ------------------------------------------------------------
    def _body(self, response) -> bytes:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except Exception as exc:  # truncated or oversized archives
                raise UnparseableBody(f"bad gzip sitemap ({exc.__class__.__name__})") from exc
        return body.lstrip(b"\xef\xbb\xbf \t\r\n")

    def follow_sitemap(self, run: SourceRun, url: str, body: bytes, depth: int) -> Iterator[Any]:
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml refuses what cannot be recovered
            raise UnparseableBody(f"unreadable sitemap ({exc.__class__.__name__})") from exc
        if sitemap.type not in ("urlset", "sitemapindex"):
            raise ShapeError(f"unexpected sitemap root {sitemap.type!r}")
        locations = [entry["loc"].strip() for entry in sitemap if isinstance(entry.get("loc"), str) and entry["loc"].strip()]
        locations = [self.localize(run.source, urljoin(url, loc)) for loc in locations]
        locations = [location for location in locations if self.owns(run.source, location)]
        self.crawler.stats.inc_value(f"emr/jsonld/sitemap/{sitemap.type}")
        if sitemap.type == "sitemapindex":
            if depth + 1 > MAX_SITEMAP_DEPTH:
                run.record_error(f"{url}: sitemap index nested deeper than {MAX_SITEMAP_DEPTH}", kind=CrawlStatus.PARTIAL)
                return
            children = self.prefer_job_urls(run.source, locations, file_name_only=True)[:MAX_CHILD_SITEMAPS]
            for child in children:
                yield self.request(child, run.source, self.parse_child_sitemap, critical=False,
                                   headers={"Accept": "application/xml,text/xml;q=0.9,*/*;q=0.8"},
                                   cb_kwargs={"depth": depth + 1})
            return
        yield from self.follow_details(run, self.prefer_job_urls(run.source, locations))

    def prefer_job_urls(self, source: SourceConfig, urls: list[str], file_name_only: bool = False) -> list[str]:
        """With a path hint, the URLs that contain it; else the job-looking URLs when there are any
        (for a sitemap index, job-looking file names: "sitemap-jobs.xml", not every file under /careers/)."""
        hint = self.path_hint(source)
        if hint and not file_name_only:
            return [url for url in urls if hint in url]

        def looks_like_jobs(url: str) -> bool:
            path = urlsplit(url).path
            return bool(JOB_WORD_RE.search("/" + path.rsplit("/", 1)[-1] if file_name_only else path))

        jobs = [url for url in urls if looks_like_jobs(url)]
        return jobs or urls

    def follow_details(self, run: SourceRun, urls: list[str]) -> Iterator[Any]:
        followed = self.followed[run.source.key]
        for url in urls:
            if url in followed:
                continue
            if len(followed) >= MAX_DETAIL_PAGES:
                self.crawler.stats.inc_value("emr/jsonld/detail_limit_reached")
                run.record_error(f"stopped after {MAX_DETAIL_PAGES} job pages", kind=CrawlStatus.PARTIAL)
                return
            followed.add(url)
            run.listed += 1
            yield self.request(url, run.source, self.parse_detail, critical=False, headers={"Accept": HTML_ACCEPT})

    def job_links(self, source: SourceConfig, response, page: schema_org.PageData) -> list[str]:
        """Links of a listing page that look like job detail pages on the same host."""
        here = urlsplit(response.url)
        hint = self.path_hint(source)
        candidates = [urljoin(response.url, href) for href in schema_org.item_list_urls(page.other_nodes)]
        candidates += [response.urljoin(href) for href in response.xpath("//a/@href").getall()
                       if href.strip() and not href.strip().lower().startswith(("mailto:", "tel:", "javascript:", "#"))]
        links: list[str] = []
        for candidate in candidates:
            url = self.localize(source, urldefrag(candidate)[0])
            parts = urlsplit(url)
            if parts.netloc != here.netloc or url in links or not self.owns(source, url):
                continue
            if parts.path.rstrip("/") == here.path.rstrip("/") and not JOB_QUERY_RE.search(parts.query):
                continue
            if NOT_A_PAGE_RE.search(parts.path) or NAVIGATION_RE.search(parts.path):
                continue
            if hint:
                if hint not in url:
                    continue
            elif not _looks_like_job_page(parts):
                continue
            links.append(url)
            if len(links) >= MAX_LISTING_LINKS:
                self.crawler.stats.inc_value("emr/jsonld/listing_limit_reached")
                break
        return links

    # --- postings -----------------------------------------------------------------------------
    def read_page(self, response) -> schema_org.PageData:
        page = schema_org.extract_page(response.text, response.url, response.selector)
        stats = self.crawler.stats
        if page.repaired:
            stats.inc_value("emr/jsonld/repaired_block", page.repaired)
        if page.invalid:
            stats.inc_value("emr/jsonld/invalid_block", page.invalid)
        if page.from_microdata:
            stats.inc_value("emr/jsonld/from_microdata", len(page.postings))
        return page

    def emit_postings(self, run: SourceRun, response, page: schema_org.PageData) -> Iterator[Any]:
        emitted = self.emitted_ids[run.source.key]

        def mapper(node: dict[str, Any]) -> Any:
            fields = map_job_posting(node, response.url)
            if fields["external_id"] in emitted:  # the same job under two URLs
                self.crawler.stats.inc_value("emr/jsonld/duplicate_posting")
                return None
            emitted.add(fields["external_id"])
            return self.new_item(run.source, **fields)

        yield from self.map_each(run, page.postings, mapper)

    def finish_runs(self, reason: str) -> list[SourceRun]:
        """Job pages that all lack a JobPosting mean the site changed, not that its jobs closed."""
        for key, run in self.runs.items():
            missing = self.pages_without_posting.get(key, 0)
            if missing and run.items_seen == 0 and run.items_dropped == 0:
                run.record_error(f"none of {missing} job pages had a JobPosting", kind=CrawlStatus.DRIFT)
        return super().finish_runs(reason)


def _looks_like_job_page(link) -> bool:
    """A link carrying a job id, or with a path segment after a job-ish one ("/careers/job/coder-123")."""
    if JOB_QUERY_RE.search(link.query):
        return True
    segments = [part for part in link.path.split("/") if part]
    for index, segment in enumerate(segments):
        if JOB_WORD_RE.search(f"/{segment}/"):
            return index < len(segments) - 1 or bool(re.search(r"\d{3,}", segment))
    return False
