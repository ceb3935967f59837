"""Scrapy item pipelines, one job each: relevance, normalize, validate, store.

Thin wrappers: the decisions come from the pure normalizers; these count them in Scrapy stats and
in the source's run, and batch rows to the store. The store writes one crawl_runs row per source.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from sqlalchemy.orm import Session

from pipeline import store
from pipeline.db import make_engine
from pipeline.normalize import normalize
from pipeline.posting import NormalizedPosting
from pipeline.roles import REASON_NO_SIGNAL, title_decision

logger = logging.getLogger(__name__)
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
        """`filtered`: not in the family, `reason` being the relevance reason (pipeline.roles DROP_REASONS)."""
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
    """Batch upserts into SQL; at the end, one crawl_runs row per source and the lifecycle."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        url = crawler.settings.get("EMR_DATABASE_URL")
        if not url:
            raise NotConfigured("EMR_DATABASE_URL is not set")
        self.engine = make_engine(url)
        self.batch_size = crawler.settings.getint("EMR_STORE_BATCH_SIZE", 500)
        self.buffer: list[dict[str, Any]] = []
        self.ids: dict[str, store.SourceIds] = {}
        self.writer: store.PostingWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_opened(self, spider) -> None:
        with Session(self.engine) as session, session.begin():
            self.ids = store.sync_registry(session, spider.sources)
        self.writer = store.PostingWriter(self.engine)

    def process_item(self, staged: StagedPosting):
        raw = staged.raw
        run = self.run_of(raw["source_key"])
        row = store.posting_row(raw, staged.normalized, self.ids[raw["source_key"]], run.started_at)
        self.buffer.append(row)
        run.items_kept += 1
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return staged

    def flush(self) -> None:
        rows, self.buffer = self.buffer, []
        counts = self.writer.write(rows)
        self.stats.inc_value("emr/store/inserted", counts.inserted)
        self.stats.inc_value("emr/store/updated", counts.updated)
        self.stats.inc_value("emr/store/unchanged", counts.unchanged)

    def spider_closed(self, spider, reason: str) -> None:
        try:
            if self.buffer:
                self.flush()
        except Exception as exc:  # the rows are lost: say so on every affected source
            logger.exception("storing postings failed")
            for run in spider.runs.values():
                run.record_error(f"store failed: {exc}", kind="failed")
        runs = spider.finish_runs(reason)
        crawl_stats = self.stats.get_stats()
        with Session(self.engine) as session, session.begin():
            for run in runs:
                ids = self.ids[run.source.key]
                closed = 0
                if run.status in ("ok", "empty"):
                    closed = store.close_missing(session, ids.source_id, run.started_at)
                self.stats.inc_value("emr/lifecycle/closed", closed)
                counters = run.counters() | {"closed": closed}
                store.record_crawl_run(session, ids.source_id, started_at=run.started_at,
                                       finished_at=run.finished_at, status=run.status, counters=counters,
                                       errors=run.errors, stats=crawl_stats)
        self.engine.dispose()
