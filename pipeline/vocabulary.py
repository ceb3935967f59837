"""The crawl's vocabulary, spelled once: a source's crawl status, worst first, and which statuses
have earned the right to close postings that the board no longer lists."""

from __future__ import annotations

from enum import StrEnum


class CrawlStatus(StrEnum):
    """Outcome of one source's crawl. Only `ok` and `empty` close postings; `suspect` is a
    complete crawl that would close more of the source's open postings than the guard allows."""

    FAILED = "failed"  # a request, body, exception, write or lease failed: the listing is unknown
    DRIFT = "drift"  # the response no longer has the shape the spider expects
    SUSPECT = "suspect"  # complete, but closing would exceed the mass-closure guard: nothing closed
    PARTIAL = "partial"  # the listing is incomplete (a detail call failed, a cap, fewer than the total)
    EMPTY = "empty"  # the board answered with no jobs
    OK = "ok"

    @property
    def closes_postings(self) -> bool:
        return self in (CrawlStatus.OK, CrawlStatus.EMPTY)

    @property
    def is_failure(self) -> bool:
        """Reported as a failed source (in summaries, snapshots and exit codes)."""
        return self in (CrawlStatus.FAILED, CrawlStatus.DRIFT, CrawlStatus.SUSPECT)


STATUS_ORDER = tuple(CrawlStatus)
CLOSING_STATUSES = tuple(status for status in CrawlStatus if status.closes_postings)
FAILURE_STATUSES = tuple(status for status in CrawlStatus if status.is_failure)
