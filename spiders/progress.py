"""A Scrapy extension that times each source of a platform's crawl and tells a person how it goes.

For every source it counts the requests in flight (scheduled, not yet back from the downloader);
a source whose requests have all come back and that stays quiet for EMR_PROGRESS_IDLE seconds is
finished: its seconds are stamped on its run (`SourceRun.elapsed_seconds`, shown in the final
table) and, with EMR_PROGRESS, one line says so (status, kept/seen, seconds). Every
EMR_PROGRESS_INTERVAL seconds while the platform's crawl runs, one more line gives the platform's
count of finished sources, pages, postings kept and the elapsed time, so nothing is silent for long.
A source still unfinished when the spider closes (a request a middleware refused never comes back
from the downloader) is finished then. EMR_PROGRESS_FORMAT "json" writes each line as a JSON object;
EMR_PROGRESS_FILE sends the lines to a file instead of stderr (a refresh's child crawls)."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from scrapy import signals


class ProgressLine:
    def __init__(self, crawler, *, enabled: bool, interval: float, idle: float, fmt: str, path: str | None) -> None:
        self.crawler = crawler
        self.enabled = enabled
        self.interval = interval
        self.idle = idle
        self.json = fmt == "json"
        self.path = path
        self.started = time.monotonic()
        self.last_line = self.started
        self.in_flight: dict[str, int] = {}
        self.first_request: dict[str, float] = {}
        self.quiet_since: dict[str, float] = {}
        self.finished: set[str] = set()
        self.loop = None
        crawler.signals.connect(self.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.returned, signal=signals.request_dropped)
        crawler.signals.connect(self.returned, signal=signals.request_left_downloader)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, enabled=settings.getbool("EMR_PROGRESS"),
                   interval=settings.getfloat("EMR_PROGRESS_INTERVAL", 3.0),
                   idle=settings.getfloat("EMR_PROGRESS_IDLE", 1.5),
                   fmt=settings.get("EMR_PROGRESS_FORMAT", "text"), path=settings.get("EMR_PROGRESS_FILE") or None)

    # --- request bookkeeping -------------------------------------------------------------------
    def scheduled(self, request, spider=None) -> None:
        key = request.meta.get("source_key")
        if key is None:
            return
        self.first_request.setdefault(key, time.monotonic())
        self.in_flight[key] = self.in_flight.get(key, 0) + 1
        self.quiet_since.pop(key, None)

    def returned(self, request, spider=None) -> None:
        key = request.meta.get("source_key")
        if key is None or key not in self.in_flight:
            return
        self.in_flight[key] -= 1
        if self.in_flight[key] <= 0:
            self.quiet_since[key] = time.monotonic()

    # --- the clock -------------------------------------------------------------------------------
    def opened(self, spider) -> None:
        from twisted.internet import task

        self.loop = task.LoopingCall(self.tick)
        self.loop.start(min(0.5, self.interval), now=False)

    def tick(self) -> None:
        now = time.monotonic()
        for key, since in list(self.quiet_since.items()):
            if key not in self.finished and self.in_flight.get(key, 0) <= 0 and now - since >= self.idle:
                self.finish(key, since)
        if now - self.last_line >= self.interval:
            self.heartbeat(now)

    def closed(self, spider, reason: str = "") -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        now = time.monotonic()
        for key in self.runs():
            if key not in self.finished:
                self.finish(key, now)

    # --- lines ---------------------------------------------------------------------------------
    def runs(self) -> dict[str, Any]:
        try:
            return dict(self.crawler.spider.runs)
        except (AttributeError, RuntimeError):
            return {}

    def finish(self, key: str, at: float) -> None:
        self.finished.add(key)
        run = self.runs().get(key)
        seconds = round(at - self.first_request.get(key, self.started), 1)
        if run is None:
            return
        run.elapsed_seconds = seconds
        kept = _kept(run)
        self.say({"event": "source", "platform": run.source.platform, "source": key, "status": str(run.status),
                  "kept": kept, "seen": run.items_seen, "seconds": seconds},
                 f"  {key}: {run.status}, {kept}/{run.items_seen} kept/seen, {seconds:.1f} s")

    def heartbeat(self, now: float) -> None:
        runs = self.runs()
        stats = self.crawler.stats
        name = getattr(self.crawler.spider, "name", "crawl")
        elapsed = round(now - self.started)
        in_flight = sum(max(0, n) for n in self.in_flight.values())
        kept = sum(_kept(run) for run in runs.values())
        pages = stats.get_value("response_received_count", 0)
        self.say({"event": "progress", "platform": name, "finished": len(self.finished), "sources": len(runs),
                  "pages": pages, "kept": kept, "in_flight": in_flight, "seconds": elapsed},
                 f"  {name}: {len(self.finished)}/{len(runs)} sources finished, {pages} pages, {kept} kept, "
                 f"{in_flight} request(s) in flight, {elapsed} s")

    def say(self, event: dict[str, Any], text: str) -> None:
        self.last_line = time.monotonic()
        if not self.enabled:
            return
        line = json.dumps(event) if self.json else text
        if self.path:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        else:
            print(line, file=sys.stderr, flush=True)


def _kept(run) -> int:
    """Postings kept so far: handed to the store (the count of committed ones comes at the end)."""
    return max(run.items_kept, len(run.staged_ids))
