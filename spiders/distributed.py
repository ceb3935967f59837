"""The spiders of a distributed crawl worker: each platform spider, fed from Redis by scrapy-redis.

The shared queue holds one seed per source (not one entry per HTTP request): a worker's spider
takes a few seeds at a time, atomically moving each from the run's seed list to its own "taken"
list (`LMOVE`), and crawls each of those sources to the end itself, with the source's follow-up
requests (pages, detail pages) in its local scheduler. So a source's bookkeeping (the SourceRun,
the listing ledger, the expected totals, the lease) never spans workers and its outcome is one
`crawl_runs` row, exactly as in a local crawl. When the spider is idle, every source it took is
done: the store pipeline records them (emr_jobs.spiders.base.sources_finished) and the spider takes
the next seeds. scrapy-redis's idle polling also stops the worker once no seed has come for
`MAX_IDLE_TIME_BEFORE_CLOSE` seconds.

Redis keys (a prefix, `emr-jobs` by default, then):
  <prefix>:runs                         sorted set: live run ids, scored by their deadline (unix time)
  <prefix>:run:<run>:seeds:<platform>   list of JSON seeds (the source, the run's options)
  <prefix>:run:<run>:taken:<worker>     list of the seeds a worker took and has not recorded yet
  <prefix>:run:<run>:unrecorded         list of sources a worker crawled but could not record (the
                                        database refused), with their errors: the coordinator records them
  <prefix>:worker:<worker>              a worker's heartbeat (expires when the worker dies)
Every key of a run carries its run id, so two runs never mix; a run past its deadline is ignored.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

from scrapy import signals
from scrapy.utils.misc import load_object
from scrapy_redis.spiders import RedisMixin
from twisted.internet import task

from emr_jobs.spiders.base import PlatformSpider, SourceRun, source_adopted, sources_finished
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.vocabulary import CrawlStatus

DEFAULT_PREFIX = "emr-jobs"
IDLE_CHECK_SECONDS = 0.25  # how often a worker's spider checks whether the sources in hand are done


@dataclass(frozen=True)
class RedisKeys:
    prefix: str = DEFAULT_PREFIX

    @property
    def runs(self) -> str:
        return f"{self.prefix}:runs"

    def run_pattern(self, run_id: str) -> str:
        return f"{self.prefix}:run:{run_id}:*"

    def seeds(self, run_id: str, platform: str) -> str:
        return f"{self.prefix}:run:{run_id}:seeds:{platform}"

    def taken(self, run_id: str, worker: str) -> str:
        return f"{self.prefix}:run:{run_id}:taken:{worker}"

    def unrecorded(self, run_id: str) -> str:
        return f"{self.prefix}:run:{run_id}:unrecorded"

    def taken_pattern(self, run_id: str) -> str:
        return f"{self.prefix}:run:{run_id}:taken:*"

    def worker(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"


def seed_payload(source: SourceConfig, run_id: str, *, accept_mass_close: bool = False) -> str:
    """The JSON a coordinator pushes for one source of a run."""
    return json.dumps({"run": run_id, "source": asdict(source), "accept_mass_close": accept_mass_close},
                      sort_keys=True)


def source_of_seed(seed: dict[str, Any]) -> SourceConfig:
    fields = dict(seed["source"])
    fields["hosts"] = tuple(fields.get("hosts") or ())
    return SourceConfig(**fields)


def _text(data: bytes | str) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data


class DistributedMixin(RedisMixin):
    """Mixed in before a PlatformSpider: seeds from Redis instead of a source list."""

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._setup_distributed(crawler)
        return spider

    def _setup_distributed(self, crawler) -> None:
        settings = crawler.settings
        self.keys = RedisKeys(settings.get("EMR_REDIS_PREFIX") or DEFAULT_PREFIX)
        self.worker_id = settings.get("EMR_LEASE_HOLDER")
        if not self.worker_id:
            raise ValueError("a distributed spider needs EMR_LEASE_HOLDER (its worker's name)")
        self.redis_key = self.keys.runs
        self.redis_batch_size = settings.getint("EMR_WORKER_SOURCES_PER_TAKE", 2)
        self.seeds: dict[str, tuple[str, str]] = {}  # source key -> (run id, the seed as taken)
        self.deferred: list[bytes | str] = []  # seeds of a source this spider is still crawling
        self.setup_redis(crawler)
        self.fetch_data = self.take_seeds
        self.count_size = self.seeds_waiting
        # Scrapy calls spider_idle only every 5 s once idle; a free spider looks for seeds more often
        self.poll_seconds = settings.getfloat("EMR_WORKER_POLL_SECONDS", 1.0)
        self.poller = None
        crawler.signals.connect(self._start_polling, signal=signals.spider_opened)
        crawler.signals.connect(self._stop_polling, signal=signals.spider_closed)

    def _start_polling(self, spider) -> None:
        if spider is not self:
            return
        # idle from now: scrapy-redis sets the idle clock when its module is imported, and a worker
        # that took long to start would otherwise stop before its first poll
        self.spider_idle_start_time = int(time.time())
        if self.poll_seconds > 0:
            tick = min(IDLE_CHECK_SECONDS, self.poll_seconds)
            self.polls_per_take = max(1, round(self.poll_seconds / tick))
            self.poller = task.LoopingCall(self.poll_when_free)
            self.poller.start(tick, now=False)

    def _stop_polling(self, spider) -> None:
        if spider is self and self.poller is not None and self.poller.running:
            self.poller.stop()

    def poll_when_free(self) -> None:
        """Between two of Scrapy's idle calls (every 5 s): when every source in hand is done, record
        them at once; when none is in hand, look for seeds (every EMR_WORKER_POLL_SECONDS)."""
        self.ticks = getattr(self, "ticks", 0) + 1
        try:
            if self.runs:
                if not self.crawler.engine.spider_is_idle():
                    return
                self.record_finished()
            elif self.ticks % self.polls_per_take:
                return
            self.schedule_next_requests()
        except Exception as exc:  # Redis or the engine away for a moment: the next tick tries again
            self.logger.warning("taking seeds failed: %s", exc)

    # --- taking seeds -----------------------------------------------------------------------
    def live_runs(self) -> list[str]:
        return [_text(run) for run in self.server.zrangebyscore(self.keys.runs, time.time(), "+inf")]

    def take_seeds(self, runs_key: str, batch_size: int) -> list[bytes | str]:
        taken, self.deferred = list(self.deferred), []
        for run_id in self.live_runs():
            seeds_key = self.keys.seeds(run_id, self.platform)
            while len(taken) < batch_size:
                data = self.server.lmove(seeds_key, self.keys.taken(run_id, self.worker_id), "LEFT", "RIGHT")
                if data is None:
                    break
                taken.append(data)
            if len(taken) >= batch_size:
                break
        if taken:
            self.spider_idle_start_time = int(time.time())
        return taken

    def seeds_waiting(self, runs_key: str) -> int:
        return sum(self.server.llen(self.keys.seeds(run_id, self.platform)) for run_id in self.live_runs())

    def make_request_from_data(self, data: bytes | str) -> list:
        """Adopt the seed's source (run, registry row, lease) and return its first requests."""
        text = _text(data)
        seed = json.loads(text)
        source = source_of_seed(seed)
        if source.platform != self.platform:
            self.logger.error("seed for %s pushed to the %s queue: ignored", source.key, self.platform)
            return []
        if source.key in self.runs:  # the same source from another run: after this crawl of it
            self.deferred.append(data)
            return []
        run = SourceRun(source=source, accept_mass_close=bool(seed.get("accept_mass_close")))
        run.notes["distributed"] = {"run": seed["run"], "worker": self.worker_id}
        self.runs[source.key] = run
        self.sources.append(source)
        self.seeds[source.key] = (seed["run"], text)
        self.crawler.signals.send_catch_log(source_adopted, spider=self, run=run)
        if run.failed:  # refused before its first request (its lease is held elsewhere)
            return []
        try:
            return list(self.start_source(source))
        except Exception as exc:
            self.crawler.stats.inc_value(f"emr/source/exception/{exc.__class__.__name__}")
            run.record_error(f"starting the crawl: {exc.__class__.__name__}: {str(exc)[:200]}",
                             kind=CrawlStatus.FAILED)
            return []

    async def start(self):
        # Scrapy >= 2.16 never calls start_requests(), which is all scrapy-redis 0.9.1 defines: take
        # the first seeds here (the rest come through scrapy-redis's spider_idle polling)
        for request in list(self.next_requests()):
            yield request

    # --- idle: every source taken is done ---------------------------------------------------
    def spider_idle(self):
        self.record_finished()
        return super().spider_idle()

    def record_finished(self) -> None:
        finished = list(self.runs.values())
        if not finished:
            return
        self.spider_idle_start_time = int(time.time())  # idle from now, not from before this work
        self.crawler.signals.send_catch_log(sources_finished, spider=self, runs=finished)
        self.crawler.stats.inc_value("emr/worker/sources_recorded", len(finished))
        for run in finished:
            key = run.source.key
            del self.runs[key]
            self.ledger.forget(key)
            self.sources = [source for source in self.sources if source.key != key]
            self._allowed_hosts.pop(key, None)
            run_id, text = self.seeds.pop(key, (None, None))
            if run_id is None:
                continue
            if not run.recorded:  # the database refused even the record: the coordinator writes it
                self.server.rpush(self.keys.unrecorded(run_id), json.dumps(
                    {"source": key, "worker": self.worker_id, "status": str(run.status), "errors": run.errors[:5]}))
            self.server.lrem(self.keys.taken(run_id, self.worker_id), 1, text)


def distributed_spider_class(path: str) -> type[PlatformSpider]:
    """The worker's version of a platform spider class (its dotted path)."""
    base = load_object(path)
    return type(f"Distributed{base.__name__}", (DistributedMixin, base), {"__module__": __name__})
