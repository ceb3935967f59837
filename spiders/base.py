"""What every platform spider shares: one run over a list of registry sources, per-source
bookkeeping (seen, kept, filtered, dropped, errors, status), guarded callbacks that turn a failed
request, an unparseable body or a changed response shape into that source's status."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from pipeline.models import utcnow
from pipeline.roles import is_relevant_title
from spiders.items import RawPosting
from spiders.registry import SourceConfig

# Outcome of one source's crawl, worst first; failed and drift never close postings.
STATUS_ORDER = ("failed", "drift", "partial", "empty", "ok")
CLOSING_STATUSES = ("ok", "empty")


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
    partial: bool = False
    drop_reasons: dict[str, int] = field(default_factory=dict)
    filtered_reasons: dict[str, int] = field(default_factory=dict)  # not in the family, by relevance reason
    notes: dict[str, Any] = field(default_factory=dict)  # platform facts of the crawl, e.g. a result cap

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.drifted:
            return "drift"
        if self.partial:
            return "partial"
        if self.items_seen == 0 and self.listed == 0:
            return "empty"
        return "ok"

    def record_error(self, message: str, *, kind: str) -> None:
        """kind: "failed" (request or body), "drift" (shape), "partial" (a detail call)."""
        setattr(self, {"failed": "failed", "drift": "drifted", "partial": "partial"}[kind], True)
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
            "filtered_reasons": dict(self.filtered_reasons),
            **({"notes": dict(self.notes)} if self.notes else {}),
        }


def guarded(kind: str = "failed") -> Callable:
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
            except (ShapeError, KeyError, TypeError, AttributeError, ValueError) as exc:
                self.crawler.stats.inc_value("emr/source/drift")
                run.record_error(f"{response.url}: unexpected response shape: {exc!r}",
                                 kind="drift" if kind == "failed" else kind)
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

    def fresh(self, source_key: str, records: list[Any], ids: list[str | None], *, search: str = "",
              offset: int = 0) -> list[Any] | None:
        known = {found for found in ids if found}
        this_search = self.by_search.setdefault((source_key, search), set())
        if offset > 0 and known and known <= this_search:
            return None
        this_search.update(known)
        listed = self.by_source.setdefault(source_key, set())
        fresh = []
        for record, found in zip(records, ids, strict=True):
            if found is not None:
                if found in listed:
                    continue
                listed.add(found)
            fresh.append(record)
        return fresh


class PlatformSpider(scrapy.Spider):
    """Base of every platform spider: subclasses define `platform`, `start_source()` and callbacks."""

    platform: str = ""
    default_api_root: str = ""

    def __init__(self, sources: list[SourceConfig] | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = [source for source in (sources or []) if source.platform == self.platform]
        self.runs: dict[str, SourceRun] = {}
        self.ledger = ListingLedger()

    # --- hooks for subclasses -------------------------------------------------------------
    def start_source(self, source: SourceConfig) -> Iterator[Request]:
        raise NotImplementedError

    def api_root(self, source: SourceConfig) -> str:
        """The API root for a source: its base_url, else the settings' override, else the public root."""
        override = self.settings.getdict("EMR_BASE_URLS").get(self.platform)
        return (source.base_url or override or self.public_api_root(source)).rstrip("/")

    def public_api_root(self, source: SourceConfig) -> str:
        return self.default_api_root

    # --- shared machinery -----------------------------------------------------------------
    async def start(self):
        for source in self.sources:
            self.runs[source.key] = SourceRun(source=source)
            for request in self.start_source(source):
                yield request

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
        kind = "failed" if request.meta.get("critical", True) else "partial"
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
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
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
        """Stamp every source's run as finished; a crawl that ended early is at best partial."""
        finished = utcnow()
        for run in self.runs.values():
            run.finished_at = finished
            if reason != "finished" and run.status in CLOSING_STATUSES:
                run.record_error(f"crawl ended early: {reason}", kind="partial")
        return list(self.runs.values())
