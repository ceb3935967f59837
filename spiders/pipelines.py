"""Scrapy item pipelines, one job each: relevance, normalize, validate, store.

Thin wrappers: the decisions come from the pure normalizers; these count them in Scrapy stats and
in the source's run, and batch rows to the store. The store writes one crawl_runs row per source
and closes postings only for a crawl that is complete and durably written.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from sqlalchemy.orm import Session
from twisted.internet import task

from emr_jobs.pipeline.normalize import normalize
from emr_jobs.pipeline.posting import NormalizedPosting
from emr_jobs.pipeline.roles import REASON_NO_SIGNAL, title_decision
from emr_jobs.spiders.base import source_adopted, sources_finished
from emr_jobs.store import lease
from emr_jobs.store import writes as store
from emr_jobs.store.db import first_line, make_engine
from emr_jobs.store.durable import DurableWriter, StoreUnavailable
from emr_jobs.vocabulary import CLOSING_STATUSES, CrawlStatus

logger = logging.getLogger(__name__)
MAX_BATCHES_IN_FLIGHT = 2
MAX_DESCRIPTION_CHARS = 200_000


@dataclass
class StagedPosting:
    """A raw posting with its normalized fields, between the normalize and store stages."""

    raw: dict[str, Any]
    normalized: NormalizedPosting


class _Stage:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def run_of(self, source_key: str):
        return self.crawler.spider.runs[source_key]

    def drop(self, source_key: str, reason: str, *, filtered: bool = False, log_level: str = "DEBUG"):
        """`filtered`: not in the family, `reason` being the relevance reason (emr_jobs.pipeline.roles DROP_REASONS)."""
        run = self.run_of(source_key)
        if filtered:
            run.count_filtered(reason)
            self.stats.inc_value("emr/relevance/dropped")
            self.stats.inc_value(f"emr/relevance/dropped/{reason}")
        else:
            run.count_drop(reason)
            self.stats.inc_value(f"emr/dropped/{reason}")
        return DropItem(f"{source_key}: {reason}", log_level=log_level)


class RelevancePipeline(_Stage):
    """Drop postings whose title alone says they are not medical-records work."""

    def process_item(self, item):
        decision = title_decision(str(item.get("title") or ""))
        if decision.relevant is False:
            raise self.drop(item["source_key"], decision.reason or REASON_NO_SIGNAL, filtered=True)
        return item


class NormalizePipeline(_Stage):
    """Normalize every field; drop postings that the full check finds irrelevant."""

    def process_item(self, item):
        raw = dict(item)
        normalized = normalize(raw)
        for decision in normalized.decisions:
            self.stats.inc_value(decision)
        if not normalized.relevant:
            raise self.drop(item["source_key"], normalized.relevance_reason or REASON_NO_SIGNAL, filtered=True)
        self.stats.inc_value("emr/relevance/kept")
        return StagedPosting(raw=raw, normalized=normalized)


class ValidatePipeline(_Stage):
    """Drop postings that cannot be stored faithfully, with a counted reason."""

    def process_item(self, staged: StagedPosting):
        raw = staged.raw
        key = raw["source_key"]
        if not str(raw.get("external_id") or "").strip():
            raise self.drop(key, "missing_external_id", log_level="WARNING")
        if not str(raw.get("title") or "").strip():
            raise self.drop(key, "missing_title", log_level="WARNING")
        posted_at = raw.get("posted_at")
        if posted_at is not None and getattr(posted_at, "tzinfo", None) is None:
            self.stats.inc_value("emr/validate/naive_posted_at_removed")
            raw["posted_at"] = None
        if len(staged.normalized.description_text) > MAX_DESCRIPTION_CHARS:
            self.stats.inc_value("emr/validate/description_truncated")
            staged.normalized.description_text = staged.normalized.description_text[:MAX_DESCRIPTION_CHARS]
        return staged


class StorePipeline(_Stage):
    """Durable batched upserts into SQL, under a lease on each source; at the end, each source's
    crawl_runs row and, only for a crawl that has earned it, the closing of what it no longer lists.

    A row counts as kept when its batch has committed. A batch that fails for a passing reason is
    retried and stays buffered until it commits; a row the database refuses is set aside, counted,
    and its stored version is kept open. A source whose lease is held by another crawl, or whose
    database could not be reached, is not crawled and is recorded as failed."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        url = settings.get("EMR_DATABASE_URL")
        if not url:
            raise NotConfigured("EMR_DATABASE_URL is not set")
        self.engine = make_engine(url, busy_timeout=settings.getfloat("EMR_SQLITE_BUSY_TIMEOUT", 30.0))
        self.batch_size = settings.getint("EMR_STORE_BATCH_SIZE", 500)
        self.retries = settings.getint("EMR_STORE_RETRIES", 3)
        self.retry_wait = settings.getfloat("EMR_STORE_RETRY_WAIT", 0.5)
        self.lease_seconds = settings.getfloat("EMR_LEASE_SECONDS", lease.DEFAULT_LEASE_SECONDS)
        self.guard = ClosingGuard(share=settings.getfloat("EMR_CLOSE_GUARD_SHARE", 0.5),
                                  minimum=settings.getint("EMR_CLOSE_GUARD_MIN", 5),
                                  accept=settings.getbool("EMR_ACCEPT_MASS_CLOSE", False))
        # a distributed worker names itself (its holder is what the coordinator checks for life)
        self.holder = settings.get("EMR_LEASE_HOLDER") or lease.new_holder()
        self.buffer: list[dict[str, Any]] = []
        self.ids: dict[str, store.SourceIds] = {}
        self.leased: set[str] = set()  # source keys whose lease this crawl holds
        self.writer: DurableWriter | None = None
        # writes run on one thread of their own, so that the downloader never waits on SQL
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="emr-store")
        self.in_flight: list[tuple[list[dict[str, Any]], Future]] = []
        self.heartbeat: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.adopt_source, signal=source_adopted)
        crawler.signals.connect(self.settle_finished, signal=sources_finished)

    # --- opening: registry rows and leases, before any request ------------------------------
    def open_spider(self) -> None:  # before the spider's first request
        spider = self.crawler.spider
        try:
            with Session(self.engine) as session, session.begin():
                self.ids = store.sync_registry(session, spider.sources)
            for source in spider.sources:
                with Session(self.engine) as session, session.begin():
                    refusal = lease.acquire(session, self.ids[source.key].source_id, self.holder, self.lease_seconds)
                if refusal is None:
                    self.leased.add(source.key)
                else:
                    self.stats.inc_value("emr/lease/refused")
                    spider.runs[source.key].record_error(refusal.message(), kind=CrawlStatus.FAILED)
            self.writer = DurableWriter(store.PostingWriter(self.engine), retries=self.retries,
                                        retry_wait=self.retry_wait)
        except Exception as exc:  # the database is unreachable or broken: nothing can be stored
            logger.error("store: cannot open the database: %s", exc)
            for run in spider.runs.values():
                run.record_error(f"database unavailable: {first_line(exc)[:300]}", kind=CrawlStatus.FAILED)
            return
        self.heartbeat = task.LoopingCall(self.renew_leases, spider)
        self.heartbeat.start(max(1.0, self.lease_seconds / 3), now=False)

    def renew_leases(self, spider) -> None:
        held = [self.ids[key].source_id for key in self.leased]
        try:
            with Session(self.engine) as session, session.begin():
                lost = lease.renew(session, held, self.holder, self.lease_seconds)
        except Exception as exc:  # a passing outage: the closing transaction checks the lease again
            logger.warning("store: renewing leases failed: %s", exc)
            return
        for key in [key for key in self.leased if self.ids[key].source_id in lost]:
            self.leased.discard(key)
            spider.runs[key].record_error("lost its lease to another crawl", kind=CrawlStatus.FAILED)

    # --- a distributed worker: sources taken mid-crawl, recorded when their requests are done ---
    def adopt_source(self, spider, run) -> None:
        """Registry row and lease for a source the spider took from the shared queue; a refusal
        (lease held elsewhere, database down) fails the run before any of its requests."""
        if spider is not self.crawler.spider:
            return
        source = run.source
        if self.writer is None:
            run.record_error("database unavailable", kind=CrawlStatus.FAILED)
            return
        try:
            with Session(self.engine) as session, session.begin():
                self.ids.update(store.sync_registry(session, [source]))
            with Session(self.engine) as session, session.begin():
                refusal = lease.acquire(session, self.ids[source.key].source_id, self.holder, self.lease_seconds)
        except Exception as exc:
            logger.error("store: cannot take %s: %s", source.key, exc)
            run.record_error(f"database unavailable: {first_line(exc)[:300]}", kind=CrawlStatus.FAILED)
            return
        if refusal is None:
            self.leased.add(source.key)
        else:
            self.stats.inc_value("emr/lease/refused")
            run.record_error(refusal.message(), kind=CrawlStatus.FAILED)

    def settle_finished(self, spider, runs) -> None:
        """Record sources whose requests are all done (the spider is idle): every write committed
        first, then each source's row, closing and lease exactly as at the end of a crawl."""
        if spider is not self.crawler.spider:
            return
        self.flush(wait=True)
        crawl_stats = self.stats.get_stats()
        for run in runs:
            spider.finish_run(run, "finished")
            if run.source.key not in self.ids:
                continue
            try:
                self.settle(run, crawl_stats)
            except Exception as exc:
                logger.error("store: recording %s failed: %s", run.source.key, exc)
                run.record_error(f"could not record the crawl: {first_line(exc)[:300]}", kind=CrawlStatus.FAILED)
            self.leased.discard(run.source.key)

    # --- items ------------------------------------------------------------------------------
    def process_item(self, staged: StagedPosting):
        raw = staged.raw
        key = raw["source_key"]
        run = self.run_of(key)
        if key not in self.leased or self.writer is None:
            raise self.drop(key, "not_stored")
        if len(str(raw["external_id"]).strip()) > store.EXTERNAL_ID_CHARS:
            raise self.drop(key, "external_id_too_long", log_level="WARNING")
        row = store.posting_row(raw, staged.normalized, self.ids[key], run.started_at)
        row["_source_key"] = key
        run.staged_ids.add(row["external_id"])
        self.buffer.append(row)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return staged

    def flush(self, wait: bool = False) -> None:
        """Hand the buffer to the writer thread (at most MAX_BATCHES_IN_FLIGHT wait there; past
        that the crawl waits for the oldest), and take in the batches it has finished; `wait`:
        take in every one. A batch counts only once it has committed; one that the database kept
        refusing goes back to the buffer."""
        self.harvest()
        if self.buffer and self.writer is not None:
            batch, self.buffer = self.buffer, []
            self.in_flight.append((batch, self.executor.submit(self.writer.write, batch)))
        while self.in_flight and (wait or len(self.in_flight) > MAX_BATCHES_IN_FLIGHT):
            self.harvest(block=True)

    def harvest(self, block: bool = False) -> None:
        """Take in the finished batches, oldest first (`block`: wait for the oldest)."""
        while self.in_flight and (block or self.in_flight[0][1].done()):
            batch, future = self.in_flight.pop(0)
            block = False
            try:
                result = future.result()
            except Exception as exc:  # StoreUnavailable, or a fault of the store itself
                self.stats.inc_value("emr/store/unavailable")
                self.buffer = batch + self.buffer
                message = f"store failed: {exc}" if isinstance(exc, StoreUnavailable) else \
                    f"store failed: {exc.__class__.__name__}: {str(exc)[:200]}"
                for key in {row["_source_key"] for row in batch}:
                    self.run_of(key).record_error(message, kind=CrawlStatus.FAILED)
                continue
            self.apply(result)

    def apply(self, result) -> None:
        """Count a committed batch: kept postings per source, rows the database refused."""
        for row in result.written:
            run = self.run_of(row["_source_key"])
            if row["external_id"] not in run.stored_ids:
                run.stored_ids.add(row["external_id"])
                run.items_kept += 1
        for row, reason in result.rejected:
            run = self.run_of(row["_source_key"])
            run.rejected_ids.add(row["external_id"])
            run.count_drop("rejected_by_database")
            self.stats.inc_value("emr/dropped/rejected_by_database")
            if len(run.errors) < 20:
                run.errors.append(f"posting {row['external_id'][:80]!r} refused by the database: {reason}")
        self.stats.inc_value("emr/store/inserted", result.counts.inserted)
        self.stats.inc_value("emr/store/updated", result.counts.updated)
        self.stats.inc_value("emr/store/unchanged", result.counts.unchanged)

    # --- closing: one transaction per source ------------------------------------------------
    def spider_closed(self, spider, reason: str) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        self.flush(wait=True)
        self.executor.shutdown(wait=True)
        runs = spider.finish_runs(reason)
        crawl_stats = self.stats.get_stats()
        for run in runs:
            if run.source.key not in self.ids:
                continue  # the database never answered: nothing can be recorded
            try:
                self.settle(run, crawl_stats)
            except Exception as exc:
                logger.error("store: recording %s failed: %s", run.source.key, exc)
                run.record_error(f"could not record the crawl: {first_line(exc)[:300]}", kind=CrawlStatus.FAILED)
        self.engine.dispose()

    def settle(self, run, crawl_stats: dict[str, Any]) -> None:
        """Record the run; close what it no longer lists only if it is complete, durably written,
        still the lease holder and within the mass-closure guard."""
        source_id = self.ids[run.source.key].source_id
        holds = run.source.key in self.leased
        closed = 0
        with Session(self.engine) as session, session.begin():
            if holds and not lease.confirm(session, source_id, self.holder, self.lease_seconds):
                run.record_error("lost its lease to another crawl before recording", kind=CrawlStatus.FAILED)
                holds = False
            if holds and run.status in CLOSING_STATUSES:
                closed = self.close_if_earned(session, run, source_id)
            self.stats.inc_value("emr/lifecycle/closed", closed)
            store.record_crawl_run(session, source_id, started_at=run.started_at, finished_at=run.finished_at,
                                   status=run.status, counters=run.counters() | {"closed": closed},
                                   errors=run.errors, stats=crawl_stats)
            if holds:
                lease.release(session, source_id, self.holder)
        run.recorded = True

    def close_if_earned(self, session: Session, run, source_id: int) -> int:
        if run.staged_ids - run.stored_ids - run.rejected_ids:
            missing = len(run.staged_ids - run.stored_ids - run.rejected_ids)
            run.record_error(f"{missing} of {len(run.staged_ids)} kept postings were never written", kind=CrawlStatus.FAILED)
            return 0
        store.touch_listed(session, source_id, run.rejected_ids, run.started_at)
        counts = store.closing_counts(session, source_id, run.started_at)
        if counts.seen < len(run.stored_ids):
            run.record_error(f"the database holds {counts.seen} of the {len(run.stored_ids)} postings this crawl "
                             "wrote", kind=CrawlStatus.FAILED)
            return 0
        verdict = None if run.accept_mass_close else self.guard.verdict(counts)
        if verdict:
            self.stats.inc_value("emr/lifecycle/suspect")
            run.record_error(verdict, kind=CrawlStatus.SUSPECT)
            return 0
        return store.close_missing(session, source_id, run.started_at)


@dataclass(frozen=True)
class ClosingGuard:
    """Refuse a closing that would close more than `share` of a source's open postings (and at
    least `minimum` of them) unless the operator accepts it for this crawl."""

    share: float
    minimum: int
    accept: bool = False

    def verdict(self, counts: store.ClosingCounts) -> str | None:
        if self.accept or counts.would_close < max(1, self.minimum):
            return None
        if counts.would_close <= self.share * counts.open_before:
            return None
        return (f"would close {counts.would_close} of its {counts.open_before} open postings "
                f"(more than {self.share:.0%}); nothing was closed. If the board really shrank, crawl it "
                "again with --accept-mass-close")
