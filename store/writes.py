"""Writes to SQL: registry sync, batched posting upserts keyed by content hash, certifications,
crawl runs, and the lifecycle (close postings that a complete crawl no longer lists).

Rows are cleaned before they reach the database (NUL bytes removed, strings cut to their column,
the raw record capped). A posting's `last_seen` only moves forward: a write older than the stored
one changes nothing, so a late crawl can neither move it back nor overwrite newer content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import psycopg
from sqlalchemy import (
    JSON,
    Engine,
    Float,
    Integer,
    any_,
    bindparam,
    case,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from emr_jobs.pipeline.posting import NormalizedPosting
from emr_jobs.store.models import (
    Certification,
    CrawlRun,
    Employer,
    Posting,
    PostingCertification,
    Source,
    UTCDateTime,
)
from emr_jobs.vocabulary import LIFECYCLE_OFF_PLATFORMS

# Posting columns whose change makes a new content hash (and so a rewrite of the row).
CONTENT_COLUMNS = (
    "requisition_id", "url", "title", "role", "employer_type", "location_text", "city", "state", "country",
    "work_mode", "employment_type", "pay_min", "pay_max", "pay_period", "pay_currency", "pay_annual_min",
    "pay_annual_max", "pay_hourly_min", "pay_hourly_max", "pay_evidence", "evidence", "description", "posted_at",
    "experience_years_min", "experience_years_max", "education_min", "education_or_equivalent", "entry_level",
    "schedule", "shift",
)


def dialect_insert(engine_or_session: Engine | Session):
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    name = bind.dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise ValueError(f"unsupported database dialect {name!r}: use SQLite or PostgreSQL")


@dataclass(frozen=True)
class SourceIds:
    source_id: int
    employer_id: int


def sync_registry(session: Session, sources: Iterable[Any]) -> dict[str, SourceIds]:
    """Upsert the employers and sources of `sources` (registry SourceConfig objects); return their ids."""
    sources = list(sources)
    insert = dialect_insert(session)
    employers = {s.employer_slug: s for s in sources}
    if employers:
        rows = [{"slug": slug, "name": s.employer_name, "employer_type": s.employer_type} for slug, s in employers.items()]
        stmt = insert(Employer)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[Employer.slug],
            set_={"name": stmt.excluded.name, "employer_type": stmt.excluded.employer_type}), rows)
    employer_ids = dict(session.execute(select(Employer.slug, Employer.id).where(Employer.slug.in_(list(employers)))).all())
    if sources:
        rows = [{"key": s.key, "platform": s.platform, "identifiers": s.identifiers, "base_url": s.base_url,
                 "employer_id": employer_ids[s.employer_slug], "enabled": s.enabled} for s in sources]
        stmt = insert(Source)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[Source.key],
            set_={"identifiers": stmt.excluded.identifiers, "base_url": stmt.excluded.base_url,
                  "employer_id": stmt.excluded.employer_id, "enabled": stmt.excluded.enabled}), rows)
    found = session.execute(select(Source.key, Source.id, Source.employer_id).where(Source.key.in_([s.key for s in sources])))
    return {key: SourceIds(source_id, employer_id) for key, source_id, employer_id in found}


MAX_RAW_CHARS = 100_000  # a raw record larger than this is stored as a note of its size
EXTERNAL_ID_CHARS = Posting.__table__.c.external_id.type.length


def without_nul(value: Any) -> Any:
    """`value` with NUL characters removed from every string in it (PostgreSQL rejects them)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul(item) for item in value]
    return value


def capped_raw(raw: Any) -> Any:
    """The raw record as stored: itself, or a note of its size when it is larger than MAX_RAW_CHARS."""
    if raw is None:
        return None
    encoded = json.dumps(raw, default=str)
    if len(encoded) <= MAX_RAW_CHARS:
        return json.loads(encoded)
    return {"_truncated": True, "chars": len(encoded)}


def posting_row(raw: dict[str, Any], posting: NormalizedPosting, ids: SourceIds, seen_at: datetime) -> dict[str, Any]:
    """The postings-table row for one normalized posting, NUL-free and cut to its columns."""
    pay = posting.pay
    annual_min, annual_max = pay.annual() if pay else (None, None)
    hourly_min, hourly_max = pay.hourly() if pay else (None, None)
    row: dict[str, Any] = {
        "source_id": ids.source_id,
        "employer_id": ids.employer_id,
        "external_id": without_nul(str(raw["external_id"]).strip()),
        "requisition_id": _short(raw.get("requisition_id"), 200),
        "url": _short(raw.get("url"), 1000),
        "title": _short(raw.get("title"), 500) or "",
        "role": posting.role,
        "employer_type": posting.employer_type,
        "location_text": _short(raw.get("location"), 500),
        "city": _short(posting.city, 120),
        "state": posting.state,
        "country": posting.country,
        "work_mode": posting.work_mode,
        "employment_type": posting.employment_type,
        "pay_min": pay.pay_min if pay else None,
        "pay_max": pay.pay_max if pay else None,
        "pay_period": pay.pay_period if pay else None,
        "pay_currency": pay.currency if pay else None,
        "pay_annual_min": annual_min,
        "pay_annual_max": annual_max,
        "pay_hourly_min": hourly_min,
        "pay_hourly_max": hourly_max,
        "pay_evidence": pay.evidence if pay else None,
        **posting.career_fields(),
        "evidence": posting.evidence or None,
        "description": posting.description_text,
        "posted_at": raw.get("posted_at"),
        "raw": capped_raw(without_nul(raw.get("raw"))),
    }
    row = without_nul(row)
    certs = sorted((c.code, c.strength, c.within_months) for c in posting.certifications)
    row["content_hash"] = content_hash(row, certs)
    row["first_seen"] = seen_at
    row["last_seen"] = seen_at
    row["closed_at"] = None
    row["_certifications"] = [(c.code, c.strength, c.within_months, without_nul(c.evidence))
                              for c in posting.certifications]
    return row


def content_hash(row: dict[str, Any], certs: Sequence[Any]) -> str:
    content = {name: row.get(name) for name in CONTENT_COLUMNS}
    content["certifications"] = list(certs)
    encoded = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class PostingWriter:
    """Batched posting upserts in Core statements whose parameter sets all have the same keys, so
    that the driver sends each as one multi-row statement:

    1. the stored id, hash and last_seen of the batch's postings (by source and id: the unique index);
    2. one UPDATE that touches `last_seen` (and reopens) the unchanged ones;
    3. one INSERT ... ON CONFLICT DO UPDATE for the new and changed ones, which leaves alone a stored
       row seen later than this write (SQLite: an executemany of plain tuples; PostgreSQL: the new
       ones COPied straight into the table, the changed ones COPied into a batch table and upserted
       from it in one INSERT ... SELECT), then their ids read back as in 1;
    4. their certification links: one DELETE, one INSERT."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.insert = dialect_insert(engine)
        self.postings = Posting.__table__
        self._sqlite_upsert: tuple[str, Any, list[tuple[int, Any]]] | None = None
        self.links = PostingCertification.__table__
        with Session(engine) as session:
            self.cert_ids = dict(session.execute(select(Certification.code, Certification.id)).all())

    def write(self, rows: list[dict[str, Any]]) -> WriteCounts:
        counts = WriteCounts()
        if not rows:
            return counts
        rows = list({(r["source_id"], r["external_id"]): r for r in rows}.values())  # last one wins
        with self.engine.begin() as connection:
            stored = self._stored(connection, rows)
            unchanged: dict[datetime, list[int]] = {}  # seen_at -> posting ids
            to_write = []
            for row in rows:
                found = stored.get((row["source_id"], row["external_id"]))
                if found is not None and found[1] == row["content_hash"]:
                    unchanged.setdefault(row["last_seen"], []).append(found[0])
                else:
                    to_write.append(row)
            for seen_at, posting_ids in unchanged.items():
                counts.unchanged += connection.execute(
                    update(self.postings).where(self.postings.c.id.in_(posting_ids),
                                                self.postings.c.last_seen <= seen_at)
                    .values(last_seen=seen_at, closed_at=None)).rowcount or 0
            if to_write:
                written = self._upsert(connection, to_write, stored)
                counts.updated = sum(1 for row in written if (row["source_id"], row["external_id"]) in stored)
                counts.inserted = len(written) - counts.updated
        return counts

    def _stored(self, connection, rows: list[dict[str, Any]]) -> dict[tuple[int, str], tuple[int, str, datetime]]:
        """(source_id, external_id) -> (id, content hash, last_seen) of the rows' stored versions."""
        by_source: dict[int, list[str]] = {}
        for row in rows:
            by_source.setdefault(row["source_id"], []).append(row["external_id"])
        return {(source_id, external_id): (posting_id, digest, seen)
                for source_id, external_ids in by_source.items()
                for posting_id, external_id, digest, seen in connection.execute(
                    self.stored_query(source_id, external_ids))}

    def stored_query(self, source_id: int, external_ids: list[str]):
        """The stored versions of some of a source's postings: a search of the (source_id,
        external_id) unique index, never a scan of the table (tests/test_store.py checks the plan)."""
        c = self.postings.c
        return (select(c.id, c.external_id, c.content_hash, c.last_seen)
                .where(c.source_id == source_id, self._one_of(c.external_id, external_ids)))

    def _one_of(self, column, values: list):
        """`column IN values`; on PostgreSQL `= ANY(array)`, one parameter instead of hundreds."""
        if self.engine.dialect.name == "postgresql":
            return column == any_(bindparam("values", values, type_=postgresql.ARRAY(column.type)))
        return column.in_(values)

    def _upsert(self, connection, rows: list[dict[str, Any]], stored: dict) -> list[dict[str, Any]]:
        """Write new and changed rows; return those written (a row seen later is left as it is)."""
        fresh: set[int] = set()  # ids this write created: they have no links to delete
        if self.engine.dialect.name == "postgresql":
            new = [row for row in rows if (row["source_id"], row["external_id"]) not in stored]
            written_ids = self._copy_new(connection, new) if new else {}
            fresh = set(written_ids.values())
            rest = [row for row in rows if (row["source_id"], row["external_id"]) not in written_ids]
            if rest:
                written_ids |= self._upsert_copy(connection, rest)
        else:
            self._upsert_executemany(connection, rows)
            stored = self._stored(connection, rows)  # what is there now is ours unless seen later
            written_ids = {}
            for row in rows:
                key = (row["source_id"], row["external_id"])
                if key in stored and stored[key][1:] == (row["content_hash"], row["last_seen"]):
                    written_ids[key] = stored[key][0]
        written = [row for row in rows if (row["source_id"], row["external_id"]) in written_ids]
        if not written:
            return written
        posting_ids = [written_ids[(row["source_id"], row["external_id"])] for row in written]
        stale = [posting_id for posting_id in posting_ids if posting_id not in fresh]
        if stale:
            connection.execute(delete(self.links).where(self._one_of(self.links.c.posting_id, stale)))
        links = [{"posting_id": posting_id, "certification_id": self.cert_ids[code], "strength": strength,
                  "within_months": within_months, "evidence": _short(evidence, 2000)}
                 for posting_id, row in zip(posting_ids, written, strict=True)
                 for code, strength, within_months, evidence in row["_certifications"]
                 if code in self.cert_ids]
        if links:
            self._insert_links(connection, links)
        return written

    def _upsert_executemany(self, connection, rows: list[dict[str, Any]]) -> None:
        """SQLite: the same upsert as one executemany of plain tuples, each value through its
        column's bind processor (what SQLAlchemy would do, without building a dict per row)."""
        if self._sqlite_upsert is None:
            columns = [column for column in self.postings.columns if column.name != "id"]
            processed = [(index, processor) for index, column in enumerate(columns)
                         if (processor := column.type.bind_processor(connection.dialect)) is not None]
            self._sqlite_upsert = (_upsert_sql(columns, f"VALUES ({', '.join('?' * len(columns))})"),
                                   itemgetter(*(column.name for column in columns)), processed)
        sql, values_of, processed = self._sqlite_upsert
        values = []
        for row in rows:
            row_values = list(values_of(row))  # every column: posting_row sets them all
            for index, processor in processed:
                if row_values[index] is not None:
                    row_values[index] = processor(row_values[index])
            values.append(tuple(row_values))
        connection.exec_driver_sql(sql, values)

    def _copy_new(self, connection, rows: list[dict[str, Any]]) -> dict[tuple[int, str], int]:
        """PostgreSQL: postings that were not stored a moment ago, COPied straight into the table under
        ids drawn from its sequence beforehand (no conflict to resolve, nothing to read back). If
        another writer stored one of them meanwhile, the COPY fails, its savepoint is rolled back and
        nothing is returned: the caller upserts them all instead."""
        savepoint = connection.begin_nested()
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('postings', 'id')) FROM generate_series(1, %s)",
                           (len(rows),))
            ids = [posting_id for (posting_id,) in cursor.fetchall()]
            self._copy_rows(cursor, "postings", rows, ids)
        except psycopg.errors.UniqueViolation:
            savepoint.rollback()
            return {}
        finally:
            cursor.close()
        savepoint.commit()
        return {(row["source_id"], row["external_id"]): posting_id for row, posting_id in zip(rows, ids, strict=True)}

    def _copy_rows(self, cursor, table: str, rows: list[dict[str, Any]], ids: list[int] | None = None) -> None:
        """COPY `rows` into `table` (postings or its batch table): every column, the id only when given."""
        columns = [column for column in self.postings.columns if column.name != "id"]
        values_of = itemgetter(*(column.name for column in columns))  # posting_row sets every column
        converted = [(index, converter) for index, column in enumerate(columns)
                     if (converter := _pg_converter(column)) is not None]
        names = ", ".join(["id"] * (ids is not None) + [column.name for column in columns])
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                row_values = list(values_of(row))
                for index, converter in converted:
                    if row_values[index] is not None:
                        row_values[index] = converter(row_values[index])
                copy.write_row(row_values if ids is None else [ids[position], *row_values])

    def _upsert_copy(self, connection, rows: list[dict[str, Any]]) -> dict[tuple[int, str], int]:
        """PostgreSQL: COPY the batch into a temporary table, then one INSERT ... SELECT from it
        (the batch's keys are distinct, as ON CONFLICT DO UPDATE needs) RETURNING the rows it wrote."""
        columns = [column for column in self.postings.columns if column.name != "id"]
        names = ", ".join(column.name for column in columns)
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS postings_batch ON COMMIT DELETE ROWS AS "
                           f"SELECT {names} FROM postings WITH NO DATA")
            self._copy_rows(cursor, "postings_batch", rows)
            cursor.execute(_upsert_sql(columns, f"SELECT {names} FROM postings_batch")
                           + " RETURNING postings.id, postings.source_id, postings.external_id")
            written = {(source_id, external_id): posting_id for posting_id, source_id, external_id in cursor}
            cursor.execute("TRUNCATE postings_batch")
            return written
        finally:
            cursor.close()

    def _insert_links(self, connection, links: list[dict[str, Any]]) -> None:
        """On PostgreSQL one COPY (the batch's links were just deleted, and one link per posting and
        certification is kept here, so nothing can conflict); elsewhere the driver's executemany."""
        if self.engine.dialect.name != "postgresql":
            connection.execute(self.insert(self.links).on_conflict_do_nothing(), links)
            return
        unique = {(link["posting_id"], link["certification_id"]): link for link in reversed(links)}  # first wins
        cursor = connection.connection.driver_connection.cursor()
        try:
            with cursor.copy("COPY posting_certifications (posting_id, certification_id, strength, within_months, "
                             "evidence) FROM STDIN") as copy:
                for link in reversed(unique.values()):
                    copy.write_row((link["posting_id"], link["certification_id"], link["strength"],
                                    link["within_months"], link["evidence"]))
        finally:
            cursor.close()


def _upsert_sql(columns, rows_from: str) -> str:
    """INSERT of `rows_from` into `columns` of postings; a stored posting takes the new content and
    is reopened unless it was seen later than this write (last_seen only moves forward)."""
    updated = ", ".join(f"{name} = excluded.{name}" for name in (*CONTENT_COLUMNS, "content_hash", "last_seen", "raw"))
    return (f"INSERT INTO postings ({', '.join(column.name for column in columns)}) {rows_from} "
            f"ON CONFLICT (source_id, external_id) DO UPDATE SET {updated}, closed_at = NULL "
            "WHERE postings.last_seen <= excluded.last_seen")


def _pg_converter(column) -> Callable[[Any], Any] | None:
    """How a value becomes its column's COPY field: JSON as text, times in UTC, numbers of one
    Python type per column; None where the driver takes the value as it is."""
    kind = column.type
    if isinstance(kind, JSON):
        return json.dumps
    if isinstance(kind, UTCDateTime):
        return lambda value: value.astimezone(UTC)
    if isinstance(kind, Float):
        return float
    if isinstance(kind, Integer):
        return int
    return None


def close_missing(session: Session, source_id: int, seen_at: datetime) -> int:
    """Close the source's open postings that the crawl started at `seen_at` did not list. Never for a
    source whose lifecycle is off (imported postings: LIFECYCLE_OFF_PLATFORMS)."""
    lifecycle_on = select(Source.id).where(Source.id == source_id, Source.platform.not_in(LIFECYCLE_OFF_PLATFORMS))
    result = session.execute(
        update(Posting)
        .where(Posting.source_id.in_(lifecycle_on), Posting.closed_at.is_(None), Posting.last_seen < seen_at)
        .values(closed_at=seen_at))
    return result.rowcount or 0


def touch_listed(session: Session, source_id: int, external_ids: Iterable[str], seen_at: datetime) -> None:
    """Mark postings the board listed but that could not be written as seen, so that the lifecycle
    does not close them (their stored version stays as it was)."""
    ids = sorted({external_id[:EXTERNAL_ID_CHARS] for external_id in external_ids})
    for start in range(0, len(ids), 500):
        session.execute(update(Posting).where(Posting.source_id == source_id,
                                              Posting.external_id.in_(ids[start:start + 500]))
                        .values(last_seen=case((Posting.last_seen < seen_at, seen_at), else_=Posting.last_seen),
                                closed_at=None)
                        .execution_options(synchronize_session=False))


@dataclass(frozen=True)
class ClosingCounts:
    open_before: int  # the source's open postings before this crawl's closing
    seen: int  # postings of the source stored or touched by this crawl
    would_close: int  # open postings this crawl did not see


def closing_counts(session: Session, source_id: int, seen_at: datetime) -> ClosingCounts:
    """The numbers that decide whether a crawl started at `seen_at` may close: counted in the database."""
    open_before, seen, would_close = session.execute(
        select(func.count().filter(Posting.closed_at.is_(None)),
               func.count().filter(Posting.last_seen >= seen_at),
               func.count().filter(Posting.closed_at.is_(None), Posting.last_seen < seen_at))
        .where(Posting.source_id == source_id)).one()
    return ClosingCounts(open_before or 0, seen or 0, would_close or 0)


def record_crawl_run(session: Session, source_id: int, *, started_at: datetime, finished_at: datetime | None,
                     status: str, counters: dict[str, Any], errors: list[str], stats: dict[str, Any]) -> CrawlRun:
    run = CrawlRun(
        source_id=source_id, started_at=started_at, finished_at=finished_at, status=status,
        items_seen=counters.get("items_seen", 0), items_kept=counters.get("items_kept", 0),
        items_filtered=counters.get("items_filtered", 0), items_dropped=counters.get("items_dropped", 0),
        http_errors=counters.get("http_errors", 0), error="\n".join(errors) or None,
        stats=json.loads(json.dumps({"source": counters, "crawl": stats}, default=str)))
    session.add(run)
    return run


def _short(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = without_nul(str(value)).strip()
    return text[:limit] if text else None
