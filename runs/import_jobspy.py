"""`emr-jobs import jobspy FILE.csv`: postings someone collected with JobSpy, stored beside the crawled ones.

Each row is read into a raw posting (spiders/jobspy_csv.py) and goes through the crawl's rules: the
title's relevance decision, then `normalize()` (relevance, role, pay, work mode, certifications,
location, ...). Pay: JobSpy's own figures (min_amount, max_amount, interval) are the structured pay
when it has them; the description is read by the text rules all the same, and the two are compared:
each posting's evidence says whether they agree (`pay_check`), and each site's crawl run counts it.
Without JobSpy figures the text rules decide, as for any board.

The postings are stored under one source per JobSpy site (`jobspy:indeed`, `jobspy:linkedin`, ...),
with the employer each row names (an employer of the registry when its slug matches), so they appear
in stats, exports and the report. The lifecycle is off for these sources: an import is not a whole
board, so nothing is ever closed for missing from a later file (store/writes.py `close_missing`
refuses them). A re-import of the same rows updates them in place (the same external id)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from emr_jobs.clock import utcnow
from emr_jobs.pipeline.normalize import normalize
from emr_jobs.pipeline.pay import normalize_pay
from emr_jobs.pipeline.posting import NormalizedPosting, Pay
from emr_jobs.pipeline.roles import REASON_NO_SIGNAL, title_decision
from emr_jobs.spiders.jobspy_csv import PLATFORM, JobSpyError, read_jobspy_csv, source_key
from emr_jobs.store.db import make_engine
from emr_jobs.store.models import Employer, Source
from emr_jobs.store.writes import PostingWriter, SourceIds, dialect_insert, posting_row, record_crawl_run
from emr_jobs.vocabulary import CrawlStatus

__all__ = ["JobSpyError", "ImportResult", "import_jobspy", "compare_pay"]

IMPORT_EMPLOYER_SLUG = "jobspy-import"  # the employer a jobspy:<site> source row points at
BATCH = 500
AGREE_TOLERANCE = 0.02  # annual figures within 2% of each other agree


@dataclass
class SiteCounts:
    rows: int = 0
    kept: int = 0
    filtered: Counter = field(default_factory=Counter)  # relevance reason -> rows
    dropped: Counter = field(default_factory=Counter)  # why a row could not be a posting
    pay: Counter = field(default_factory=Counter)  # pay_check value -> postings

    def as_dict(self) -> dict[str, Any]:
        return {"items_seen": self.rows, "items_kept": self.kept, "items_filtered": sum(self.filtered.values()),
                "items_dropped": sum(self.dropped.values()), "filtered": dict(self.filtered),
                "dropped": dict(self.dropped), "pay_check": dict(self.pay)}


@dataclass
class ImportResult:
    path: Path
    sites: dict[str, SiteCounts]
    unparsed: Counter  # rows without a usable site
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def kept(self) -> int:
        return sum(counts.kept for counts in self.sites.values())

    @property
    def rows(self) -> int:
        return sum(counts.rows for counts in self.sites.values()) + sum(self.unparsed.values())

    def source_lines(self) -> list[str]:
        lines = []
        for site, c in sorted(self.sites.items()):
            filtered = ", ".join(f"{reason} {n}" for reason, n in sorted(c.filtered.items()))
            pay = ", ".join(f"{check} {n}" for check, n in sorted(c.pay.items()))
            lines.append(f"{source_key(site)}: {c.rows} rows, {c.kept} kept, {sum(c.filtered.values())} not in the "
                         f"occupation{f' ({filtered})' if filtered else ''}"
                         + (f", {sum(c.dropped.values())} unusable ({', '.join(sorted(c.dropped))})" if c.dropped else "")
                         + (f"; pay: {pay}" if pay else ""))
        if self.unparsed:
            lines.append(f"rows without a usable site: {sum(self.unparsed.values())}")
        return lines

    def summary(self) -> str:
        return (f"Imported {self.kept} of {self.rows} rows from {self.path.name} into {len(self.sites)} "
                f"source{'s' if len(self.sites) != 1 else ''} ({self.inserted} new, {self.updated} updated, "
                f"{self.unchanged} unchanged)")


def compare_pay(structured: Pay | None, text: Pay | None) -> str:
    """How JobSpy's figures and the text rules' reading of the description compare: `agree`,
    `disagree`, `structured_only` (the text states none the rules can read), `text_only` or `none`."""
    if structured is None:
        return "text_only" if text is not None else "none"
    if text is None:
        return "structured_only"
    if structured.currency != text.currency:
        return "disagree"
    pairs = [(s, t) for s, t in zip(structured.annual(), text.annual(), strict=True) if s is not None or t is not None]
    for s, t in pairs:
        if s is None or t is None or abs(s - t) > AGREE_TOLERANCE * max(s, t):
            return "disagree"
    return "agree"


def _pay_label(pay: Pay) -> str:
    digits = 2 if pay.pay_period == "hour" else 0
    ends = [f"{v:,.{digits}f}" for v in (pay.pay_min, pay.pay_max) if v is not None]
    return f"{pay.currency} {'-'.join(dict.fromkeys(ends))} per {pay.pay_period}"


def normalize_row(raw: dict[str, Any]) -> tuple[NormalizedPosting, str]:
    """normalize() with JobSpy's structured pay, the text rules' pay compared to it (in the evidence)."""
    normalized = normalize(raw)
    structured = normalized.pay if raw.get("pay_ranges") and normalized.pay is not None \
        and normalized.pay.origin == "structured" else None
    text = normalize_pay({**raw, "pay_ranges": None}, normalized.description_text).pay if structured else normalized.pay
    check = compare_pay(structured, text)
    if structured is not None:
        normalized.evidence["pay_check"] = check
        if text is not None:
            normalized.evidence["pay_text"] = f"{_pay_label(text)}: {text.evidence}"[:500]
    return normalized, check


def import_jobspy(path: str | Path, database_url: str) -> ImportResult:
    """Read, filter, normalize and store one JobSpy CSV (JobSpyError when the file is not one)."""
    path = Path(path)
    started_at = utcnow()
    sites: dict[str, SiteCounts] = {}
    unparsed: Counter = Counter()
    staged: list[tuple[dict[str, Any], NormalizedPosting]] = []
    for row in read_jobspy_csv(path):  # raises JobSpyError before anything is written
        if row.site is None:
            unparsed[row.reason] += 1
            continue
        counts = sites.setdefault(row.site, SiteCounts())
        counts.rows += 1
        if row.raw is None:
            counts.dropped[row.reason] += 1
            continue
        decision = title_decision(row.raw["title"])
        if decision.relevant is False:
            counts.filtered[decision.reason or REASON_NO_SIGNAL] += 1
            continue
        normalized, check = normalize_row(row.raw)
        if not normalized.relevant:
            counts.filtered[normalized.relevance_reason or REASON_NO_SIGNAL] += 1
            continue
        counts.pay[check] += 1
        staged.append((row.raw, normalized))
    result = ImportResult(path, sites, unparsed)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            source_ids = _sync_sources(session, sorted(sites))
            employer_ids = _sync_employers(session, staged)
        seen_at = utcnow()
        rows = [posting_row(raw, normalized, SourceIds(source_ids[raw["source_key"]],
                                                       employer_ids.get(raw["employer_slug"])
                                                       or employer_ids[IMPORT_EMPLOYER_SLUG]), seen_at)
                for raw, normalized in staged]
        writer = PostingWriter(engine)
        for start in range(0, len(rows), BATCH):
            written = writer.write(rows[start:start + BATCH])
            result.inserted += written.inserted
            result.updated += written.updated
            result.unchanged += written.unchanged
        for row in staged:
            sites[row[0]["source_key"].partition(":")[2]].kept += 1
        with Session(engine) as session, session.begin():
            for site, counts in sites.items():
                status = CrawlStatus.OK if counts.kept else CrawlStatus.EMPTY
                record_crawl_run(session, source_ids[source_key(site)], started_at=started_at, finished_at=utcnow(),
                                 status=status.value, counters=counts.as_dict(), errors=[],
                                 stats={"import": "jobspy", "file": path.name})
    finally:
        engine.dispose()
    return result


def _sync_sources(session: Session, sites: list[str]) -> dict[str, int]:
    """The jobspy:<site> sources (created when new, never enabled for crawling): key -> id."""
    insert = dialect_insert(session)
    session.execute(insert(Employer).on_conflict_do_nothing(index_elements=[Employer.slug]),
                    [{"slug": IMPORT_EMPLOYER_SLUG, "name": "JobSpy import", "employer_type": "other"}])
    employer_id = session.scalar(select(Employer.id).where(Employer.slug == IMPORT_EMPLOYER_SLUG))
    if sites:
        session.execute(insert(Source).on_conflict_do_nothing(index_elements=[Source.key]),
                        [{"key": source_key(site), "platform": PLATFORM, "identifiers": {"site": site},
                          "base_url": None, "employer_id": employer_id, "enabled": False} for site in sites])
    keys = [source_key(site) for site in sites]
    return dict(session.execute(select(Source.key, Source.id).where(Source.key.in_(keys))).all())


def _sync_employers(session: Session, staged: list[tuple[dict[str, Any], NormalizedPosting]]) -> dict[str, int]:
    """The employers the rows name: a registry employer of the same slug is used as it is (its name and
    type stay the registry's); a new one takes the row's company name and the normalized employer type."""
    new: dict[str, dict[str, Any]] = {}
    for raw, normalized in staged:
        slug = raw.get("employer_slug")
        if slug and slug not in new:
            new[slug] = {"slug": slug, "name": raw["employer"][:300], "employer_type": normalized.employer_type}
    if new:
        insert = dialect_insert(session)
        rows = list(new.values())
        for start in range(0, len(rows), BATCH):
            session.execute(insert(Employer).on_conflict_do_nothing(index_elements=[Employer.slug]),
                            rows[start:start + BATCH])
    slugs = [*new, IMPORT_EMPLOYER_SLUG]
    found: dict[str, int] = {}
    for start in range(0, len(slugs), BATCH):
        found.update(session.execute(select(Employer.slug, Employer.id)
                                     .where(Employer.slug.in_(slugs[start:start + BATCH]))).all())
    return found
