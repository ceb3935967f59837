"""`emr-jobs stats --by` rows computed by the snapshot and used only while the data is unchanged.

Grouping a million postings in SQLite takes seconds (three sorting passes per `--by`); the
snapshot already holds every open posting as numpy columns (market/frame.py), so it also computes
the `stats --by` rows of every dimension from them and stores them in market_stats_cache, stamped
with the value of market_data_version it read before reading the postings.

On SQLite, triggers (migration 0006) raise market_data_version on writes to the tables in
WATCHED_TABLES, on the first written row after `changed` was cleared (a trigger per row that writes costs 13 us a row, one that reads a few). The snapshot
clears `changed` and reads the version in a committed transaction of its own before it reads the
postings (`begin_reading`). A cached row is used only when all of this holds, else `stats` runs
its live SQL query (market/queries.py):
- the database is SQLite (PostgreSQL has no triggers: concurrent writers would queue on the counter);
- the dimension is one the snapshot's frame holds (CACHED_DIMENSIONS) or certifications;
- no filter (the cache is of every open posting; --state, --role and --since go live);
- the stored data version equals the current one, read in the same statement, so no write has
  committed since the snapshot began reading (a write after that raises the version even if the
  snapshot saw it: never stale, at worst live);
- the method (METHOD_VERSION and the dimension's column) is the current code's;
- every trigger exists (a table rebuilt by a later migration loses its triggers on SQLite).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from emr_jobs.market.dimensions import CACHED_DIMENSIONS
from emr_jobs.market.frame import Codes, Frame, Ranked, group_quantiles, pair_counts
from emr_jobs.market.queries import QUARTILES, CertStats, Filters, GroupStats, query_stats, share
from emr_jobs.store.models import Certification, MarketDataVersion, MarketStatsCache, utcnow

METHOD_VERSION = "2"  # bump when a figure of the stats rows changes definition
WATCHED_TABLES = ("postings", "posting_duplicates", "posting_certifications", "certifications")
SQLITE_TRIGGERS = tuple(f"trg_{table}_{event}_market_version"
                        for table in WATCHED_TABLES for event in ("insert", "update", "delete"))


def method(by: str) -> str:
    return f"{METHOD_VERSION}:{CACHED_DIMENSIONS.get(by, by)}"


def begin_reading(engine: Engine) -> int:
    """Clear `changed` so that the next write raises the version, and return the version: the
    data read after this call is at least as new as it."""
    with engine.begin() as connection:
        connection.execute(update(MarketDataVersion).where(MarketDataVersion.id == 1).values(changed=False))
        return int(connection.scalar(select(MarketDataVersion.version).where(MarketDataVersion.id == 1)))


def triggers_installed(connection: Connection) -> bool:
    """Whether every write to a watched table still raises the data version (SQLite only: on
    PostgreSQL there are none, see migration 0006, and `stats` is always live)."""
    if connection.dialect.name != "sqlite":
        return False
    names, query = SQLITE_TRIGGERS, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN :names"
    found = connection.scalar(text(query).bindparams(bindparam("names", expanding=True)), {"names": list(names)})
    return int(found or 0) == len(names)


def stats_rows(session: Session, by: str, filters: Filters | None = None) -> list[dict[str, Any]]:
    """`emr-jobs stats --by BY`: the cached rows when they are exactly the live data's, else the
    live SQL query's."""
    rows = cached_rows(session, by, filters)
    return query_stats(session, by, filters or Filters()) if rows is None else rows


def cached_rows(session: Session, by: str, filters: Filters | None = None) -> list[dict[str, Any]] | None:
    """The stored rows of `stats --by BY` if they are exactly the live data's, else None."""
    if (filters or Filters()) != Filters() or by not in (*CACHED_DIMENSIONS, "certification") \
            or session.get_bind().dialect.name != "sqlite":
        return None
    rows = session.scalar(
        select(MarketStatsCache.rows)
        .join(MarketDataVersion, and_(MarketDataVersion.id == 1,
                                      MarketDataVersion.version == MarketStatsCache.data_version))
        .where(MarketStatsCache.dimension == by, MarketStatsCache.method == method(by)))
    if rows is None or not triggers_installed(session.connection()):
        return None
    return rows


def frame_stats(frame: Frame, certification_names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The rows of `stats --by` for every dimension, from a snapshot's frame: the same figures as
    emr_jobs.market.queries.stats_by and certification_stats over the open postings."""
    scope = int(frame.current().sum())
    result: dict[str, list[dict[str, Any]]] = {}
    for by, column in CACHED_DIMENSIONS.items():
        groups = frame.groups(column)
        totals = frame.counts(column, ("active",))
        unique = frame.counts(column, ("active", "unique"))
        stated = frame.counts(column, ("active", "unique", "stated"))
        annual = frame.quantiles(column, "annual", QUARTILES)
        hourly = frame.quantiles(column, "hourly", QUARTILES)
        rows = [GroupStats(group=label, postings=int(unique[code]), postings_total=int(totals[code]),
                           with_pay=int(stated[code]), pay_annual=annual.get(label, [None] * 3),
                           pay_hourly=hourly.get(label, [None] * 3), share=share(int(unique[code]), scope))
                for code, label in enumerate(groups.labels) if totals[code]]
        rows.sort(key=lambda r: (-r.postings, r.group))
        result[by] = [row.as_dict() for row in rows]
    result["certification"] = [c.as_dict() for c in _certification_stats(frame, certification_names, scope)]
    return result


def _certification_stats(frame: Frame, names: dict[str, str], scope: int) -> list[CertStats]:
    mentioned = frame.flags["active"][frame.cert_rows] & frame.flags["unique"][frame.cert_rows]
    medians = group_quantiles(frame.cert_codes, Ranked.of(frame.measures["annual"][frame.cert_rows], mentioned),
                              (0.5,))
    strengths = len(frame.cert_strengths.labels)
    pairs = Codes(frame.cert_codes.codes * strengths + frame.cert_strengths.codes,
                  [(code, strength) for code in frame.cert_codes.labels for strength in frame.cert_strengths.labels])
    by_code: dict[str, CertStats] = {}
    everything = Codes(np.zeros(len(pairs.codes), dtype=np.int32), [None])
    for (_, (code, strength)), count in pair_counts(everything, pairs, mentioned).items():
        entry = by_code.setdefault(code, CertStats(code, names[code], 0, {}, scope, medians.get(code, [None])[0]))
        entry.by_strength[strength] = count
        entry.postings += count
    return sorted(by_code.values(), key=lambda c: (-c.postings, c.code))


def store_frame_stats(connection: Connection, version: int, frame: Frame) -> None:
    """Replace the cached rows with those of `frame`, read from the data at `version`."""
    names = dict(connection.execute(select(Certification.code, Certification.name)).all())
    computed_at = utcnow()
    rows = [{"dimension": by, "method": method(by), "data_version": version, "computed_at": computed_at,
             "rows": figures} for by, figures in frame_stats(frame, names).items()]
    connection.execute(delete(MarketStatsCache))
    connection.execute(insert(MarketStatsCache), rows)
