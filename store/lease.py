"""Per-source leases in the database: one crawl per source at a time, whoever starts it (`crawl`,
`refresh`, a worker on another machine).

A lease is `sources.lease_holder` plus `sources.lease_expires_at`. It is taken by one conditional
UPDATE (so two crawls racing for it cannot both win), renewed while the crawl runs, checked again
in the transaction that closes postings, and cleared there. A holder that died leaves its lease
behind: it is free once it expires, or at once when the holder was a process on this host that
no longer exists (a SIGKILLed refresh child)."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from emr_jobs.store.models import Source, utcnow

DEFAULT_LEASE_SECONDS = 15 * 60


def new_holder() -> str:
    """This process's holder name: host, process id and a token unique to this crawl."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _holder_is_dead(holder: str) -> bool:
    """True only when the holder was a process on this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:120] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A process that has exited but was not reaped yet (Linux; False where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


@dataclass(frozen=True)
class LeaseRefusal:
    holder: str
    expires_at: datetime | None

    def message(self) -> str:
        until = f" until {self.expires_at:%Y-%m-%d %H:%M:%S %Z}" if self.expires_at else ""
        return f"another crawl of this source is running (lease held by {self.holder}{until}); nothing was crawled"


def acquire(session: Session, source_id: int, holder: str, seconds: float = DEFAULT_LEASE_SECONDS
            ) -> LeaseRefusal | None:
    """Take the source's lease for `holder`; None when taken, else who holds it."""
    now = utcnow()
    current, expires_at = session.execute(
        select(Source.lease_holder, Source.lease_expires_at).where(Source.id == source_id)).one()
    free = or_(Source.lease_holder.is_(None), Source.lease_expires_at < now, Source.lease_holder == holder)
    if current and current != holder and _holder_is_dead(current):
        free = or_(free, Source.lease_holder == current)
    taken = session.execute(
        update(Source).where(Source.id == source_id, free)
        .values(lease_holder=holder, lease_expires_at=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False))
    if taken.rowcount == 1:
        return None
    return LeaseRefusal(current or "unknown", expires_at)


def renew(session: Session, source_ids: list[int], holder: str, seconds: float = DEFAULT_LEASE_SECONDS) -> set[int]:
    """Extend the leases `holder` still holds; return the ids of those it has lost."""
    if not source_ids:
        return set()
    session.execute(
        update(Source).where(Source.id.in_(source_ids), Source.lease_holder == holder)
        .values(lease_expires_at=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False))
    held = set(session.scalars(select(Source.id).where(Source.id.in_(source_ids), Source.lease_holder == holder)))
    return set(source_ids) - held


def confirm(session: Session, source_id: int, holder: str, seconds: float = DEFAULT_LEASE_SECONDS) -> bool:
    """Whether `holder` still holds the source's lease. An UPDATE, not a read: inside the closing
    transaction it locks the row (PostgreSQL) or the database (SQLite) until that commits, so the
    lease cannot change hands between this check and the closing."""
    confirmed = session.execute(
        update(Source).where(Source.id == source_id, Source.lease_holder == holder)
        .values(lease_expires_at=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False))
    return confirmed.rowcount == 1


def release(session: Session, source_id: int, holder: str) -> None:
    session.execute(
        update(Source).where(Source.id == source_id, Source.lease_holder == holder)
        .values(lease_holder=None, lease_expires_at=None)
        .execution_options(synchronize_session=False))
