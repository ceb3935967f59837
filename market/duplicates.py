"""Duplicate groups: the same job listed on several sources (a Workday posting and the employer's
own JSON-LD page, a staffing agency's repost) becomes one group with a canonical posting. Every
posting keeps its row and URL; market counts use the canonical posting only.

Two postings on different sources are the same job when
  * they share a requisition id (with a digit, listed once per source) and the employer, or
  * they share a normalized title and location and their descriptions are alike (word-shingle
    Jaccard >= 0.8 for the same employer, >= 0.9 across employers, e.g. an agency's repost).
Postings on one source are never merged (an employer may post one title many times on purpose).
Candidates are found by GROUP BY in SQL; only postings in a block that spans two sources or more
are read. Canonical: an open posting before a closed one, then the earliest first seen, then the
lowest id. Recomputed for open postings (and those closed since `closed_since`) on each refresh;
rows are only written where something changed, so an unchanged market leaves the table alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, tuple_
from sqlalchemy.orm import Session

from emr_jobs.store.models import Posting, PostingDuplicate, utcnow
from emr_jobs.store.writes import dialect_insert

SAME_EMPLOYER_SIMILARITY = 0.8
OTHER_EMPLOYER_SIMILARITY = 0.9
MAX_BLOCK = 200  # postings compared pairwise in one title/location block
SHINGLE_WORDS = 3
WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass
class DuplicateCounts:
    groups: int = 0
    members: int = 0
    written: int = 0
    removed: int = 0


@dataclass(frozen=True)
class Candidate:
    id: int
    source_id: int
    employer_id: int
    open: bool
    first_seen: datetime
    shingles: frozenset[str]
    pay: tuple[float | None, float | None] = (None, None)  # annual min, max
    place: tuple[str, str] = ("", "")  # city (lower case), state
    employer_type: str | None = None

    def canonical_rank(self) -> tuple[Any, ...]:
        return (not self.open, self.first_seen, self.id)

    def disagrees_with(self, other: Candidate) -> bool:
        """Pay, location or employer type stated by both and different: never one job across employers."""
        if self.pay != (None, None) and other.pay != (None, None) and self.pay != other.pay:
            return True
        for mine, theirs in zip(self.place, other.place, strict=True):
            if mine and theirs and mine != theirs:
                return True
        return bool(self.employer_type and other.employer_type and self.employer_type != other.employer_type)


def shingles(text: str | None) -> frozenset[str]:
    words = WORD_RE.findall((text or "").lower())
    if len(words) < SHINGLE_WORDS:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float | None:
    if not a or not b:
        return None
    return len(a & b) / len(a | b)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.kind: dict[int, str] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int, kind: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a
        root = self.find(a)
        if self.kind.get(root_a) == "requisition" or self.kind.get(root_b) == "requisition" or kind == "requisition":
            self.kind[root] = "requisition"
        else:
            self.kind.setdefault(root, kind)


def _scope(closed_since: datetime | None):
    if closed_since is None:
        return [Posting.closed_at.is_(None)]
    return [or_(Posting.closed_at.is_(None), Posting.closed_at >= closed_since)]


def _candidates(session: Session, where, keys, blocks: Iterable[tuple]) -> dict[tuple, list[Candidate]]:
    blocks = list(blocks)
    found: dict[tuple, list[Candidate]] = {}
    for start in range(0, len(blocks), 500):
        chunk = blocks[start:start + 500]
        rows = session.execute(
            select(*keys, Posting.id, Posting.source_id, Posting.employer_id, Posting.closed_at, Posting.first_seen,
                   Posting.description, Posting.pay_annual_min, Posting.pay_annual_max, Posting.city, Posting.state,
                   Posting.employer_type).where(*where, tuple_(*keys).in_(chunk)))
        for row in rows:
            key = tuple(row[:len(keys)])
            (posting_id, source_id, employer_id, closed_at, first_seen, description, pay_min, pay_max, city, state,
             employer_type) = row[len(keys):]
            pay = tuple(None if value is None else round(float(value)) for value in (pay_min, pay_max))
            found.setdefault(key, []).append(Candidate(posting_id, source_id, employer_id, closed_at is None,
                                                       first_seen, shingles(description), pay,
                                                       ((city or "").strip().lower(), state or ""), employer_type))
    return found


def _spanning_blocks(session: Session, where, keys) -> list[tuple]:
    return [tuple(row[:-1]) for row in session.execute(
        select(*keys, func.count(func.distinct(Posting.source_id))).where(*where, *[k.is_not(None) for k in keys])
        .group_by(*keys).having(func.count(func.distinct(Posting.source_id)) > 1))]


def _real_requisition(requisition_id: str, members: list[Candidate]) -> bool:
    """A requisition id identifies one job: it has a digit, and no source lists it twice (boards
    that put a placeholder such as "See Opening ID" on every posting would otherwise merge them all)."""
    if not any(character.isdigit() for character in requisition_id or ""):
        return False
    sources = [member.source_id for member in members]
    return len(sources) == len(set(sources))


def find_groups(session: Session, closed_since: datetime | None = None) -> dict[int, tuple[int, str, float | None]]:
    """posting id -> (canonical posting id, matched_by, similarity to the canonical), for every
    posting in scope that has a duplicate."""
    where = _scope(closed_since)
    groups = _UnionFind()
    candidates: dict[int, Candidate] = {}
    requisition = (Posting.employer_id, func.lower(func.trim(Posting.requisition_id)))
    for (_, requisition_id), members in _candidates(session, where, requisition,
                                                    _spanning_blocks(session, where, requisition)).items():
        if not _real_requisition(requisition_id, members):
            continue
        members = members[:MAX_BLOCK]
        for index, first in enumerate(members):
            for second in members[index + 1:]:
                if first.source_id != second.source_id:
                    groups.union(first.id, second.id, "requisition")
        candidates.update({m.id: m for m in members})
    text_keys = (func.lower(func.trim(Posting.title)), func.coalesce(func.lower(func.trim(Posting.city)), ""),
                 func.coalesce(Posting.state, ""))
    for members in _candidates(session, where, text_keys, _spanning_blocks(session, where, text_keys)).values():
        members = members[:MAX_BLOCK]
        for index, first in enumerate(members):
            for second in members[index + 1:]:
                if first.source_id == second.source_id:
                    continue
                same_employer = first.employer_id == second.employer_id
                if not same_employer and first.disagrees_with(second):
                    continue  # another employer's posting with other pay, place or employer type: another job
                alike = similarity(first.shingles, second.shingles)
                needed = SAME_EMPLOYER_SIMILARITY if same_employer else OTHER_EMPLOYER_SIMILARITY
                if alike is not None and alike >= needed:
                    groups.union(first.id, second.id, "text")
        candidates.update({m.id: m for m in members})
    by_root: dict[int, list[Candidate]] = {}
    for posting_id in groups.parent:
        by_root.setdefault(groups.find(posting_id), []).append(candidates[posting_id])
    result: dict[int, tuple[int, str, float | None]] = {}
    for root, members in by_root.items():
        if len(members) < 2:
            continue
        canonical = min(members, key=Candidate.canonical_rank)
        for member in members:
            alike = 1.0 if member is canonical else similarity(member.shingles, canonical.shingles)
            result[member.id] = (canonical.id, groups.kind.get(root, "text"),
                                 None if alike is None else round(alike, 4))
    return result


def refresh_duplicates(engine: Engine, closed_since: datetime | None = None,
                       now: datetime | None = None) -> DuplicateCounts:
    """Recompute duplicate groups for the postings in scope and store only the differences."""
    now = now or utcnow()
    counts = DuplicateCounts()
    with Session(engine) as session, session.begin():
        wanted = find_groups(session, closed_since)
        scope_ids = select(Posting.id).where(*_scope(closed_since))
        existing = {posting_id: (canonical, matched_by, alike) for posting_id, canonical, matched_by, alike in
                    session.execute(select(PostingDuplicate.posting_id, PostingDuplicate.canonical_posting_id,
                                           PostingDuplicate.matched_by, PostingDuplicate.similarity)
                                    .where(PostingDuplicate.posting_id.in_(scope_ids)))}
        stale = [posting_id for posting_id in existing if posting_id not in wanted]
        for start in range(0, len(stale), 500):
            session.execute(delete(PostingDuplicate).where(PostingDuplicate.posting_id.in_(stale[start:start + 500])))
        changed = [{"posting_id": posting_id, "canonical_posting_id": canonical, "matched_by": matched_by,
                    "similarity": alike, "grouped_at": now}
                   for posting_id, (canonical, matched_by, alike) in wanted.items()
                   if existing.get(posting_id) != (canonical, matched_by, alike)]
        if changed:
            insert = dialect_insert(session)
            stmt = insert(PostingDuplicate)
            session.execute(stmt.on_conflict_do_update(
                index_elements=[PostingDuplicate.posting_id],
                set_={name: stmt.excluded[name] for name in ("canonical_posting_id", "matched_by", "similarity",
                                                             "grouped_at")}), changed)
        counts.groups = len({canonical for canonical, _, _ in wanted.values()})
        counts.members = len(wanted)
        counts.written = len(changed)
        counts.removed = len(stale)
    return counts
