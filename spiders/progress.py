"""A Scrapy extension that prints one progress line to stderr every few seconds of a crawl."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured


class ProgressLine:
    def __init__(self, crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.last_print = 0.0
        crawler.signals.connect(self.tick, signal=signals.response_received)
        crawler.signals.connect(self.tick, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("EMR_PROGRESS"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("EMR_PROGRESS_INTERVAL", 2.0))

    def tick(self, *args, **kwargs) -> None:
        now = time.monotonic()
        if now - self.last_print < self.interval:
            return
        self.last_print = now
        stats = self.crawler.stats
        print(
            f"  {self.crawler.spider.name}: {stats.get_value('response_received_count', 0)} pages, "
            f"{stats.get_value('item_scraped_count', 0)} postings kept, "
            f"{stats.get_value('emr/relevance/dropped', 0)} filtered",
            file=sys.stderr,
            flush=True,
        )
