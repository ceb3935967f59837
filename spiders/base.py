"""What every platform spider shares: one run over a list of registry sources, per-source
bookkeeping (seen, kept, filtered, dropped, errors, status), guarded callbacks that turn a failed
request, an unparseable body, a changed response shape or any other exception into that source's
status, and the listing totals a complete crawl must reach."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from emr_jobs.clock import utcnow
from emr_jobs.pipeline.roles import is_relevant_title
from emr_jobs.spiders.items import RawPosting
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.safety import host_of
from emr_jobs.vocabulary import CLOSING_STATUSES, STATUS_ORDER, CrawlStatus

__all__ = ["CLOSING_STATUSES", "STATUS_ORDER", "CrawlStatus", "PlatformSpider", "SourceRun", "guarded"]
# What a response whose shape changed raises while it is read: the source drifted.
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, ValueError)


# Signals of a distributed worker's spider (emr_jobs.spiders.distributed), answered by the store pipeline:
# a source taken from the shared queue mid-crawl (args: spider, run), and sources whose requests are
# all done (args: spider, runs) to be recorded now, while the spider goes on with other sources.
source_adopted = object()
sources_finished = object()


class ShapeError(Exception):
    """The response parsed, but no longer has the shape this spider expects."""


class UnparseableBody(Exception):
    """The response body is not the JSON (or HTML) the platform sends."""


@dataclass
class SourceRun:
    """Counters and outcome of one source during one crawl."""

    source: SourceConfig
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    listed: int = 0  # postings the board listed
    items_seen: int = 0  # items yielded to the pipelines
    items_kept: int = 0
    items_filtered: int = 0
    items_dropped: int = 0
    http_errors: int = 0
    errors: list[str] = field(default_factory=list)
    failed: bool = False
    drifted: bool = False
    suspect: bool = False
    partial: bool = False
    drop_reasons: dict[str, int] = field(default_factory=dict)
    expected_totals: dict[str, int] = field(default_factory=dict)  # search -> the total the board gave
    staged_ids: set[str] = field(default_factory=set)  # kept postings handed to the store
    stored_ids: set[str] = field(default_factory=set)  # kept postings whose write committed
    rejected_ids: set[str] = field(default_factory=set)  # listed postings the database refused
    filtered_reasons: dict[str, int] = field(default_factory=dict)  # not in the family, by relevance reason
    notes: dict[str, Any] = field(default_factory=dict)  # platform facts of the crawl, e.g. a result cap
    accept_mass_close: bool = False  # this source's crawl may close more than the guard allows (a distributed seed)
    recorded: bool = False  # its crawl_runs row is written
    elapsed_seconds: float | None = None  # from its first request to its last response (spiders/progress.py)

    @property
    def status(self) -> CrawlStatus:
        if self.failed:
            return CrawlStatus.FAILED
        if self.drifted:
            return CrawlStatus.DRIFT
        if self.suspect:
            return CrawlStatus.SUSPECT
        if self.partial:
            return CrawlStatus.PARTIAL
        if self.items_seen == 0 and self.listed == 0:
            return CrawlStatus.EMPTY
        return CrawlStatus.OK

    def record_error(self, message: str, *, kind: str) -> None:
        """kind: "failed" (request, body, exception, store), "drift" (shape), "suspect" (the
        mass-closure guard), "partial" (a detail call, a cap)."""
        flag = {CrawlStatus.FAILED: "failed", CrawlStatus.DRIFT: "drifted", CrawlStatus.SUSPECT: "suspect",
                CrawlStatus.PARTIAL: "partial"}[kind]
        setattr(self, flag, True)
        if len(self.errors) < 20:
            self.errors.append(message)

    def count_drop(self, reason: str) -> None:
        self.items_dropped += 1
        self.drop_reasons[reason] = self.drop_reasons.get(reason, 0) + 1

    def count_filtered(self, reason: str) -> None:
        self.items_filtered += 1
        self.filtered_reasons[reason] = self.filtered_reasons.get(reason, 0) + 1

    def counters(self) -> dict[str, Any]:
        return {
            "listed": self.listed,
            "items_seen": self.items_seen,
            "items_kept": self.items_kept,
            "items_filtered": self.items_filtered,
            "items_dropped": self.items_dropped,
            "http_errors": self.http_errors,
            "drop_reasons": dict(self.drop_reasons),
            "expected_totals": dict(self.expected_totals),
            "filtered_reasons": dict(self.filtered_reasons),
            **({"notes": dict(self.notes)} if self.notes else {}),
        }


def guarded(kind: CrawlStatus = CrawlStatus.FAILED) -> Callable:
    """Wrap a callback so that its source's run, not the crawl, absorbs what goes wrong.

    `kind` is what an unparseable body means for this request: "failed" for list pages (the
    source's postings are unknown) and "partial" for detail pages (the list is still complete)."""

    def decorate(callback: Callable) -> Callable:
        @functools.wraps(callback)
        def wrapper(self: PlatformSpider, response: Response, **kwargs: Any) -> Iterator[Any]:
            run = self.runs[response.meta["source_key"]]
            yielded = False
            try:
                for produced in callback(self, response, **kwargs):
                    yielded = True
                    yield produced
            except UnparseableBody as exc:
                self.crawler.stats.inc_value(f"emr/source/{kind}/unparseable")
                run.record_error(f"{response.url}: unparseable body: {exc}", kind=kind)
            except (ShapeError, *SHAPE_ERRORS) as exc:
                self.crawler.stats.inc_value("emr/source/drift")
                run.record_error(f"{response.url}: unexpected response shape: {exc!r}",
                                 kind=CrawlStatus.DRIFT if kind == CrawlStatus.FAILED else kind)
            except Exception as exc:  # anything else (RecursionError, OverflowError, ...): the source failed
                self.crawler.stats.inc_value(f"emr/source/exception/{exc.__class__.__name__}")
                run.record_error(f"{response.url}: {exc.__class__.__name__}: {str(exc)[:200]}", kind=CrawlStatus.FAILED)
                return
            else:
                return
            fallback = response.meta.get("fallback_item")
            if fallback is not None and not yielded:  # a detail page broke: keep the list's version
                yield self.emit(run, fallback)

        return wrapper

    return decorate


class ListingLedger:
    """Which postings each source has listed, across its searches and pages.

    `fresh()` keeps the records of a page that the source has not listed yet (a board can list a
    posting under several searches, or shift it between pages while it is read). It returns None
    when a later page holds only what the same search already listed: the platform caps its results
    and repeats itself, so paging must stop there."""

    def __init__(self) -> None:
        self.by_source: dict[str, set[str]] = {}
        self.by_search: dict[tuple[str, str], set[str]] = {}
        self.without_id: dict[tuple[str, str], int] = {}  # records of a search that carry no id

    def listed(self, source_key: str, search: str = "") -> int | None:
        """How many postings a search of a source has listed so far (None: it used no ledger)."""
        key = (source_key, search)
        if key not in self.by_search:
            return None
        return len(self.by_search[key]) + self.without_id.get(key, 0)

    def fresh(self, source_key: str, records: list[Any], ids: list[str | None], *, search: str = "",
              offset: int = 0) -> list[Any] | None:
        known = {found for found in ids if found}
        this_search = self.by_search.setdefault((source_key, search), set())
        if offset > 0 and known and known <= this_search:
            return None
        this_search.update(known)
        self.without_id[(source_key, search)] = self.without_id.get((source_key, search), 0) + ids.count(None)
        listed = self.by_source.setdefault(source_key, set())
        fresh = []
        for record, found in zip(records, ids, strict=True):
            if found is not None:
                if found in listed:
                    continue
                listed.add(found)
            fresh.append(record)
        return fresh

    def forget(self, source_key: str) -> None:
        """Drop what a source listed (its crawl is recorded; a later crawl of it starts afresh)."""
        self.by_source.pop(source_key, None)
        for key in [key for key in self.by_search if key[0] == source_key]:
            del self.by_search[key]
        for key in [key for key in self.without_id if key[0] == source_key]:
            del self.without_id[key]


class PlatformSpider(scrapy.Spider):
    """Base of every platform spider: subclasses define `platform`, `start_source()` and callbacks."""

    platform: str = ""
    default_api_root: str = ""

    def __init__(self, sources: list[SourceConfig] | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = [source for source in (sources or []) if source.platform == self.platform]
        # every source has its run from the start, so that the store can refuse one (its lease is
        # held elsewhere, the database is down) before any of its requests is made
        self.runs: dict[str, SourceRun] = {source.key: SourceRun(source=source) for source in self.sources}
        self.ledger = ListingLedger()
        self._allowed_hosts: dict[str, frozenset[str]] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider.on_item_error, signal=signals.item_error)
        return spider

    # --- hooks for subclasses -------------------------------------------------------------
    def start_source(self, source: SourceConfig) -> Iterator[Request]:
        raise NotImplementedError

    def api_root(self, source: SourceConfig) -> str:
        """The API root for a source: its base_url, else the settings' override, else the public root."""
        override = self.settings.getdict("EMR_BASE_URLS").get(self.platform)
        return (source.base_url or override or self.public_api_root(source)).rstrip("/")

    def public_api_root(self, source: SourceConfig) -> str:
        return self.default_api_root

    def allowed_hosts(self, source: SourceConfig) -> frozenset[str]:
        """The hosts a source's requests may go to (emr_jobs.spiders.safety enforces it): its API root, its
        public root and the hosts the registry lists for it."""
        hosts = self._allowed_hosts.get(source.key)
        if hosts is None:
            names = {host_of(self.api_root(source)), host_of(self.public_api_root(source)), *source.hosts}
            hosts = self._allowed_hosts[source.key] = frozenset(name.lower() for name in names if name)
        return hosts

    # --- shared machinery -----------------------------------------------------------------
    async def start(self):
        for source in self.sources:
            run = self.runs.setdefault(source.key, SourceRun(source=source))
            if run.failed:  # refused before its first request
                continue
            try:
                requests = list(self.start_source(source))
            except Exception as exc:
                self.crawler.stats.inc_value(f"emr/source/exception/{exc.__class__.__name__}")
                run.record_error(f"starting the crawl: {exc.__class__.__name__}: {str(exc)[:200]}", kind=CrawlStatus.FAILED)
                continue
            for request in requests:
                yield request

    # --- what escapes a callback or a pipeline fails its source -----------------------------
    def on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is not self:
            return
        run = self.runs.get((response.meta or {}).get("source_key") if response is not None else None)
        error = failure.value
        message = f"{getattr(response, 'url', '?')}: {error.__class__.__name__}: {str(error)[:200]}"
        for affected in [run] if run is not None else list(self.runs.values()):
            affected.record_error(message, kind=CrawlStatus.FAILED)

    def on_item_error(self, item: Any, response: Response, spider: scrapy.Spider, failure: Failure) -> None:
        if spider is not self:
            return
        raw = getattr(item, "raw", item)
        run = self.runs.get(raw.get("source_key") if hasattr(raw, "get") else None)
        error = failure.value
        self.crawler.stats.inc_value(f"emr/pipeline/exception/{error.__class__.__name__}")
        message = f"processing a posting: {error.__class__.__name__}: {str(error)[:200]}"
        for affected in [run] if run is not None else list(self.runs.values()):
            affected.record_error(message, kind=CrawlStatus.FAILED)

    def expect_total(self, run: SourceRun, total: Any, *, search: str = "") -> None:
        """The number of postings the board says a search lists; a crawl that lists fewer is
        incomplete (checked when the crawl finishes)."""
        try:
            count = int(total)
        except (TypeError, ValueError, OverflowError):
            return
        if count >= 0:
            run.expected_totals[search] = count

    def request(self, url: str, source: SourceConfig, callback: Callable, *, critical: bool = True,
                method: str = "GET", body: Any = None, headers: dict[str, str] | None = None,
                cb_kwargs: dict[str, Any] | None = None, meta: dict[str, Any] | None = None) -> Request:
        """A request tied to a source; a failed critical request fails the source's crawl."""
        request_headers = {"Accept": "application/json"}
        request_headers.update(headers or {})
        if body is not None and not isinstance(body, str | bytes):
            body = json.dumps(body)
            request_headers.setdefault("Content-Type", "application/json")
        return Request(
            url,
            method=method,
            body=body,
            headers=request_headers,
            callback=callback,
            errback=self.on_request_error,
            cb_kwargs=cb_kwargs or {},
            meta={"source_key": source.key, "critical": critical, **(meta or {})},
            dont_filter=True,
        )

    def on_request_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        run = self.runs[request.meta["source_key"]]
        run.http_errors += 1
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage() or repr(failure.value)
        kind = CrawlStatus.FAILED if request.meta.get("critical", True) else CrawlStatus.PARTIAL
        self.crawler.stats.inc_value(f"emr/source/{kind}/request")
        run.record_error(f"{request.url}: {reason}", kind=kind)
        fallback = request.meta.get("fallback_item")
        if fallback is not None:  # a detail call failed: the list's version of the posting still counts
            yield self.emit(run, fallback)

    def detail_or_item(self, source: SourceConfig, item: RawPosting, url: str) -> Request | RawPosting:
        """The posting's detail request (the listed item is its fallback), or the item itself when
        its title is clearly irrelevant: the relevance stage counts it, no detail call is spent."""
        if is_relevant_title(item.get("title") or "") is False:
            return item
        return self.request(url, source, self.parse_detail, critical=False, meta={"fallback_item": item})

    def parse_detail(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError(f"{self.platform} lists every field: it has no detail pages")

    def fresh_records(self, run: SourceRun, records: list[Any], ids: list[str | None], *, search: str = "",
                      offset: int = 0) -> list[Any] | None:
        """The page's records not listed before (counted in run.listed); None for a repeated page."""
        fresh = self.ledger.fresh(run.source.key, records, ids, search=search, offset=offset)
        if fresh is None:
            self.crawler.stats.inc_value(f"emr/{self.platform}/repeated_page")
            return None
        if len(fresh) < len(records):
            self.crawler.stats.inc_value(f"emr/{self.platform}/listed_twice", len(records) - len(fresh))
        run.listed += len(fresh)
        return fresh

    def json(self, response: Response) -> Any:
        try:
            return json.loads(response.text)
        except (ValueError, AttributeError) as exc:
            raise UnparseableBody(f"not JSON ({exc.__class__.__name__})") from exc

    def emit(self, run: SourceRun, item: RawPosting) -> RawPosting:
        run.items_seen += 1
        self.crawler.stats.inc_value(f"emr/items/{self.platform}")
        return item

    def new_item(self, source: SourceConfig, **fields: Any) -> RawPosting:
        item = RawPosting(
            source_key=source.key,
            platform=self.platform,
            employer=source.employer_name,
            employer_slug=source.employer_slug,
            employer_type=source.employer_type,
        )
        for name, value in fields.items():
            if value is not None:
                item[name] = value
        return item

    def map_each(self, run: SourceRun, records: list[Any], mapper: Callable[[Any], Any]) -> Iterator[Any]:
        """Map each listed record; a malformed record is dropped with a counted reason."""
        for record in records:
            try:
                produced = mapper(record)
            except SHAPE_ERRORS as exc:
                run.count_drop("malformed_record")
                self.crawler.stats.inc_value(f"emr/dropped/malformed_record/{self.platform}")
                self.logger.warning("%s: malformed record dropped: %r", run.source.key, exc)
                continue
            if produced is None:
                continue
            if isinstance(produced, RawPosting):
                yield self.emit(run, produced)
            else:
                yield produced

    def finish_runs(self, reason: str) -> list[SourceRun]:
        """Stamp every source's run as finished (see finish_run)."""
        finished = utcnow()
        for run in self.runs.values():
            self.finish_run(run, reason, finished)
        return list(self.runs.values())

    def finish_run(self, run: SourceRun, reason: str, finished: datetime | None = None) -> SourceRun:
        """Stamp a source's run as finished. An interrupted crawl (Ctrl-C, SIGTERM) failed; one
        that ended early otherwise, or listed fewer postings than a total its board gave, is at
        best partial."""
        run.finished_at = finished or utcnow()
        if reason == "shutdown":
            if not run.failed:
                run.record_error("interrupted", kind=CrawlStatus.FAILED)
            return run
        if reason != "finished" and run.status in CLOSING_STATUSES:
            run.record_error(f"crawl ended early: {reason}", kind=CrawlStatus.PARTIAL)
        for search, total in run.expected_totals.items():
            listed = self.ledger.listed(run.source.key, search)
            listed = run.listed if listed is None else listed
            if listed < total and run.status in CLOSING_STATUSES:
                label = f"search {search!r}" if search else "the board"
                run.record_error(f"{label} listed {listed} of the {total} postings it counts", kind=CrawlStatus.PARTIAL)
        return run
