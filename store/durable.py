"""Durable batch writes: a batch of posting rows is written in one transaction, retried when the
database fails for a passing reason (a lock held too long, a connection cut), and split in halves
when a row is refused, so that one bad row is set aside and counted instead of losing the batch
(or, on PostgreSQL, every source whose rows shared the transaction).

A batch either commits or raises; nothing here counts a row as written before its commit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc as sa_exc

from emr_jobs.store.db import first_line
from emr_jobs.store.writes import PostingWriter, WriteCounts

logger = logging.getLogger(__name__)

# Errors of the database or the connection, not of the rows: worth the same write again.
TRANSIENT_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError)


class StoreUnavailable(Exception):
    """The database refused a batch for a passing reason, every time it was asked."""


@dataclass
class BatchResult:
    counts: WriteCounts = field(default_factory=WriteCounts)
    written: list[dict[str, Any]] = field(default_factory=list)  # rows committed
    rejected: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (row, reason) refused by the database


@dataclass
class DurableWriter:
    """Write batches through `writer`; `retries` more attempts after a transient error, waiting
    `retry_wait`, then twice that, and so on."""

    writer: PostingWriter
    retries: int = 3
    retry_wait: float = 0.5
    sleep: Callable[[float], None] = time.sleep

    def write(self, rows: list[dict[str, Any]]) -> BatchResult:
        result = BatchResult()
        self._write_isolating(rows, result)
        return result

    def _write_isolating(self, rows: list[dict[str, Any]], result: BatchResult) -> None:
        if not rows:
            return
        try:
            counts = self._write_retrying(rows)
        except StoreUnavailable:
            raise
        except Exception as exc:  # the rows themselves: find the bad one(s)
            if len(rows) == 1:
                reason = _described(exc)
                logger.warning("posting %s refused by the database: %s", rows[0].get("external_id"), reason)
                result.rejected.append((rows[0], reason))
                return
            middle = len(rows) // 2
            self._write_isolating(rows[:middle], result)
            self._write_isolating(rows[middle:], result)
            return
        result.written += rows
        for name in ("inserted", "updated", "unchanged"):
            setattr(result.counts, name, getattr(result.counts, name) + getattr(counts, name))

    def _write_retrying(self, rows: list[dict[str, Any]]) -> WriteCounts:
        wait = self.retry_wait
        for attempt in range(self.retries + 1):
            try:
                return self.writer.write(rows)
            except TRANSIENT_ERRORS as exc:
                if attempt == self.retries:
                    raise StoreUnavailable(f"the database refused a batch {attempt + 1} times: "
                                           f"{_described(exc)}") from exc
                logger.warning("store: transient error, retrying in %.1f s: %s", wait, _described(exc))
                self.writer.engine.dispose()  # drop connections the server may have cut
                self.sleep(wait)
                wait *= 2
        raise AssertionError("unreachable")


def _described(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {first_line(exc)}"[:300]
