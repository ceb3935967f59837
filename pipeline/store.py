"""Writes to SQL: registry sync, batched posting upserts keyed by content hash, certifications,
crawl runs, and the lifecycle (close postings that a successful crawl no longer lists)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pipeline.models import Certification, CrawlRun, Employer, Posting, PostingCertification, Source
from pipeline.posting import NormalizedPosting

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


def posting_row(raw: dict[str, Any], posting: NormalizedPosting, ids: SourceIds, seen_at: datetime) -> dict[str, Any]:
    """The postings-table row for one normalized posting."""
    pay = posting.pay
    annual_min, annual_max = pay.annual() if pay else (None, None)
    hourly_min, hourly_max = pay.hourly() if pay else (None, None)
    row: dict[str, Any] = {
        "source_id": ids.source_id,
        "employer_id": ids.employer_id,
        "external_id": str(raw["external_id"]),
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
        "experience_years_min": posting.experience_years_min,
        "experience_years_max": posting.experience_years_max,
        "education_min": posting.education_min,
        "education_or_equivalent": posting.education_or_equivalent,
        "entry_level": posting.entry_level,
        "schedule": posting.schedule,
        "shift": posting.shift,
        "evidence": posting.evidence or None,
        "description": posting.description_text,
        "posted_at": raw.get("posted_at"),
        "raw": raw.get("raw"),
    }
    certs = sorted((c.code, c.strength, c.within_months) for c in posting.certifications)
    row["content_hash"] = content_hash(row, certs)
    row["first_seen"] = seen_at
    row["last_seen"] = seen_at
    row["closed_at"] = None
    row["_certifications"] = [(c.code, c.strength, c.within_months, c.evidence) for c in posting.certifications]
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
    """Batched posting upserts: one query to read existing hashes, one upsert for new and changed
    rows, one update that only touches `last_seen` (and reopens) for unchanged rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.insert = dialect_insert(engine)
        with Session(engine) as session:
            self.cert_ids = dict(session.execute(select(Certification.code, Certification.id)).all())

    def write(self, rows: list[dict[str, Any]]) -> WriteCounts:
        counts = WriteCounts()
        if not rows:
            return counts
        rows = list({(r["source_id"], r["external_id"]): r for r in rows}.values())  # last one wins
        keys = [(r["source_id"], r["external_id"]) for r in rows]
        with Session(self.engine) as session, session.begin():
            existing = {
                (source_id, external_id): (posting_id, digest)
                for posting_id, source_id, external_id, digest in session.execute(
                    select(Posting.id, Posting.source_id, Posting.external_id, Posting.content_hash)
                    .where(tuple_(Posting.source_id, Posting.external_id).in_(keys)))
            }
            changed = [r for r in rows if existing.get((r["source_id"], r["external_id"]), (None, None))[1] != r["content_hash"]]
            unchanged: dict[datetime, list[int]] = {}  # seen_at -> posting ids
            for k, r in zip(keys, rows, strict=True):
                if k in existing and existing[k][1] == r["content_hash"]:
                    unchanged.setdefault(r["last_seen"], []).append(existing[k][0])
            counts.unchanged = sum(len(ids) for ids in unchanged.values())
            counts.updated = sum(1 for r in changed if (r["source_id"], r["external_id"]) in existing)
            counts.inserted = len(changed) - counts.updated
            if changed:
                self._upsert(session, changed)
            for seen_at, posting_ids in unchanged.items():
                session.execute(update(Posting).where(Posting.id.in_(posting_ids))
                                .values(last_seen=seen_at, closed_at=None))
        return counts

    def _upsert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        values = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        stmt = self.insert(Posting)
        updated = {name: stmt.excluded[name] for name in (*CONTENT_COLUMNS, "content_hash", "last_seen", "raw")}
        updated["closed_at"] = None
        session.execute(stmt.on_conflict_do_update(index_elements=[Posting.source_id, Posting.external_id],
                                                   set_=updated), values)
        keys = [(r["source_id"], r["external_id"]) for r in rows]
        posting_ids = {(s, e): i for i, s, e in session.execute(
            select(Posting.id, Posting.source_id, Posting.external_id)
            .where(tuple_(Posting.source_id, Posting.external_id).in_(keys)))}
        session.execute(delete(PostingCertification).where(PostingCertification.posting_id.in_(list(posting_ids.values()))))
        cert_rows = []
        for r in rows:
            for code, strength, within_months, evidence in r["_certifications"]:
                cert_id = self.cert_ids.get(code)
                if cert_id is not None:
                    cert_rows.append({"posting_id": posting_ids[(r["source_id"], r["external_id"])],
                                      "certification_id": cert_id, "strength": strength,
                                      "within_months": within_months, "evidence": _short(evidence, 2000)})
        if cert_rows:
            session.execute(self.insert(PostingCertification).on_conflict_do_nothing(), cert_rows)


def close_missing(session: Session, source_id: int, seen_at: datetime) -> int:
    """Close the source's open postings that the crawl started at `seen_at` did not list."""
    result = session.execute(
        update(Posting)
        .where(Posting.source_id == source_id, Posting.closed_at.is_(None), Posting.last_seen < seen_at)
        .values(closed_at=seen_at))
    return result.rowcount or 0


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
    text = str(value).strip()
    return text[:limit] if text else None
