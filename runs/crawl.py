"""Run one crawl of a set of registry sources: one Scrapy crawler per platform, all in one
reactor, storing into the given database. Returns each source's outcome (read from the spiders'
bookkeeping, never from Scrapy's exit code); a crawl stopped by Ctrl-C or SIGTERM records its
sources as failed ("interrupted") and raises CrawlInterrupted. One call per process: the reactor
cannot restart."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from sqlalchemy import select
from sqlalchemy.orm import Session

from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.store import writes as store
from emr_jobs.store.db import make_engine
from emr_jobs.store.models import CrawlRun, utcnow
from emr_jobs.vocabulary import CrawlStatus

SPIDER_CLASSES = {
    "greenhouse": "emr_jobs.spiders.greenhouse.GreenhouseSpider",
    "lever": "emr_jobs.spiders.lever.LeverSpider",
    "smartrecruiters": "emr_jobs.spiders.smartrecruiters.SmartRecruitersSpider",
    "ashby": "emr_jobs.spiders.ashby.AshbySpider",
    "jsonld": "emr_jobs.spiders.jsonld.JsonLdSpider",
    "workday": "emr_jobs.spiders.workday.WorkdaySpider",
    "oracle": "emr_jobs.spiders.oracle.OracleSpider",
    "usajobs": "emr_jobs.spiders.usajobs.UsajobsSpider",
    "icims": "emr_jobs.spiders.icims.IcimsSpider",
}


class CrawlInterrupted(KeyboardInterrupt):
    """The crawl was stopped by a signal; `outcomes` says what each source recorded."""

    def __init__(self, outcomes: list[SourceOutcome]) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes


SOME_FAILED_EXIT = 3  # the exit code of a crawl in which some sources failed, drifted or were suspect


def crawl_exit_code(statuses: list[str]) -> int:
    """0: no source failed; 1: every source failed; 3: some sources failed, drifted or were suspect."""
    failed = [status for status in statuses if CrawlStatus(status).is_failure]
    if not failed:
        return 0
    return 1 if len(failed) == len(statuses) else SOME_FAILED_EXIT


@dataclass(frozen=True)
class SourceOutcome:
    key: str
    platform: str
    employer_slug: str
    status: str
    counters: dict[str, Any]
    errors: tuple[str, ...]
    seconds: float | None = None  # the source's own crawl time (first request to last response)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.key, "platform": self.platform, "employer": self.employer_slug,
                "status": str(self.status), "listed": self.counters.get("listed", 0),
                "seen": self.counters.get("items_seen", 0), "kept": self.counters.get("items_kept", 0),
                "seconds": self.seconds, "error": self.errors[0] if self.errors else None}


def crawl_settings(database_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("emr_jobs.spiders.settings", priority="project")
    settings.set("EMR_DATABASE_URL", database_url, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def check_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """`-s NAME=VALUE` settings checked against the type of the setting's default (a number, a
    boolean); raises ValueError naming the first one that does not fit."""
    defaults = crawl_settings("sqlite://")
    for name, value in overrides.items():
        default = defaults.get(name)
        if not isinstance(value, str) or default is None:
            continue
        if isinstance(default, bool):
            if value.strip().lower() not in ("true", "false", "1", "0"):
                raise ValueError(f"-s {name}={value}: expected True or False")
        elif isinstance(default, int | float):
            try:
                float(value)
            except ValueError:
                raise ValueError(f"-s {name}={value}: expected a number") from None
    return overrides


class _Interrupts:
    """SIGINT and SIGTERM for the whole of a crawl, from before its crawlers are built: the first
    stops the crawlers gracefully (each spider closes with reason "shutdown" and records its
    sources as interrupted), a second stops the reactor at once. Scrapy's own handlers are only
    installed once the reactor runs; a signal before that would land in whatever was importing."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.count = 0
        self.process: CrawlerProcess | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            self.previous = {signum: signal.signal(signum, self.handle) for signum in self.SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def handle(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        self.count += 1
        if self.process is None:
            return
        if self.count == 1:
            reactor.callFromThread(_say, "stopping: the requests under way finish, then each source is recorded as "
                                         "interrupted (interrupt again to stop at once)")
            reactor.callFromThread(self.process.stop)
        else:
            reactor.callFromThread(reactor.stop)


def _say(message: str) -> None:
    print(f"emr-jobs: {message}", file=sys.stderr, flush=True)


def record_unrecorded(database_url: str, sources: Sequence[SourceConfig], since: datetime, error: str) -> None:
    """A `failed` crawl run for each source that has none since `since` (a crawl stopped before it
    could record them); best effort: the database may be what failed."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            ids = store.sync_registry(session, sources)
            recorded = set(session.scalars(select(CrawlRun.source_id).where(
                CrawlRun.source_id.in_([found.source_id for found in ids.values()]), CrawlRun.started_at >= since)))
            now = utcnow()
            for found in ids.values():
                if found.source_id not in recorded:
                    store.record_crawl_run(session, found.source_id, started_at=since, finished_at=now,
                                           status=CrawlStatus.FAILED, counters={}, errors=[error], stats={})
    except Exception as exc:  # the crawl's outcome is still reported as failed
        _say(f"could not record the interrupted sources: {exc.__class__.__name__}")
    finally:
        engine.dispose()


def run_crawl(sources: Sequence[SourceConfig], database_url: str,
              overrides: dict[str, Any] | None = None) -> list[SourceOutcome]:
    """Crawl `sources` into `database_url`; the database must already be at head."""
    by_platform: dict[str, list[SourceConfig]] = {}
    for source in sources:
        by_platform.setdefault(source.platform, []).append(source)
    unknown = sorted(set(by_platform) - set(SPIDER_CLASSES))
    if unknown:
        raise ValueError(f"no spider for platform(s): {', '.join(unknown)}")
    started_at = utcnow()
    with _Interrupts() as interrupts:
        process = CrawlerProcess(crawl_settings(database_url, overrides))
        crawlers = []
        for platform, platform_sources in sorted(by_platform.items()):
            crawler = process.create_crawler(load_object(SPIDER_CLASSES[platform]))
            process.crawl(crawler, sources=platform_sources)
            crawlers.append(crawler)
        if crawlers and not interrupts.count:
            interrupts.process = process
            process.start(install_signal_handlers=False)
    interrupted = interrupts.count > 0 or any(crawler.stats.get_value("finish_reason") == "shutdown"
                                              for crawler in crawlers)
    outcomes = []
    for crawler, (platform, platform_sources) in zip(crawlers, sorted(by_platform.items()), strict=True):
        try:
            runs = dict(crawler.spider.runs)
        except (AttributeError, RuntimeError):  # the crawler never started (its log says why)
            runs = {}
        for source in platform_sources:
            run = runs.get(source.key)
            if run is None:
                outcomes.append(SourceOutcome(key=source.key, platform=platform, employer_slug=source.employer_slug,
                                              status=CrawlStatus.FAILED, counters={},
                                              errors=(f"the {platform} crawl did not run this source",)))
                continue
            outcomes.append(SourceOutcome(key=run.source.key, platform=run.source.platform,
                                          employer_slug=run.source.employer_slug, status=run.status,
                                          counters=run.counters(), errors=tuple(run.errors),
                                          seconds=run.elapsed_seconds))
    if interrupts.count > 1 or (interrupts.count and interrupts.process is None):
        # stopped at once, or before the crawl began: the spiders never recorded their sources
        record_unrecorded(database_url, sources, started_at, "interrupted")
    if interrupted:
        raise CrawlInterrupted(outcomes)
    return outcomes
