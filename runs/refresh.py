"""One refresh of the market: crawl every enabled registry source (one child process per platform:
Twisted's reactor cannot restart), group duplicates, and store the day's snapshot; all under a
database-wide lock so that two refreshes never run at once.

A child that crashes or overruns its wall-clock timeout is killed and its sources get a `failed`
crawl_runs row with the reason (unless the child recorded their runs before dying); the refresh
goes on with the next platform. Failed and drifted crawls close nothing (the store only closes on
`ok`/`empty`), and the snapshot names them. Each child runs in its own process group and is killed
by the kernel when the refresh dies (Linux's parent-death signal), so no orphan keeps writing. An
interrupt (Ctrl-C, SIGTERM) is passed on to the running child, whose sources are recorded as failed
("interrupted"); the other platforms are skipped, no snapshot is stored, and KeyboardInterrupt
reaches the caller.

The lock: PostgreSQL `pg_try_advisory_lock` on a connection held for the refresh; SQLite an OS
file lock (`flock`) on `<database>.refresh-lock` beside the database. Both are released by the
operating system or the server when the holder dies, so a crashed refresh never blocks the next.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from emr_jobs.defaults import CRAWL_TIMEOUT_SECONDS
from emr_jobs.market.duplicates import DuplicateCounts, refresh_duplicates
from emr_jobs.market.snapshot import SnapshotResult, take_snapshot
from emr_jobs.spiders.registry import SourceConfig, load_registry
from emr_jobs.store import writes as store
from emr_jobs.store.db import make_engine, upgrade
from emr_jobs.store.models import CrawlRun, utcnow
from emr_jobs.vocabulary import FAILURE_STATUSES, CrawlStatus

DEFAULT_CRAWL_TIMEOUT = CRAWL_TIMEOUT_SECONDS
ADVISORY_LOCK_KEY = 0x2920_72  # "29-2072"
FAILED_STATUSES = FAILURE_STATUSES


class RefreshBusy(Exception):
    """Another refresh holds the database's refresh lock."""


@dataclass(frozen=True)
class CrawlJob:
    """One child crawl: the sources of one platform."""

    platform: str
    source_keys: tuple[str, ...]
    registry_path: str | None
    db_url: str
    timeout: float
    settings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChildResult:
    returncode: int | None  # None: killed at the timeout
    output_tail: str = ""
    interrupted: bool = False

    def failure(self, timeout: float) -> str:
        if self.interrupted:
            return "interrupted"
        if self.returncode is None:
            reason = f"crawl process killed after its {timeout:g} s timeout"
        else:
            reason = f"crawl process exited with code {self.returncode} before recording this source"
        return f"{reason}: {self.output_tail}" if self.output_tail else reason


CrawlRunner = Callable[[CrawlJob], ChildResult]


def subprocess_runner(job: CrawlJob) -> ChildResult:
    """Run `python -m emr_jobs.runs.platform_child --platform P` in a child process with a wall-clock timeout."""
    command = [sys.executable, "-m", "emr_jobs.runs.platform_child", "--db", job.db_url, "--platform", job.platform]
    if job.registry_path:
        command += ["--sources", job.registry_path]
    settings = {"CLOSESPIDER_TIMEOUT": str(max(1, int(job.timeout * 0.9)))} | job.settings
    for name, value in settings.items():
        command += ["--set", f"{name}={value}"]
    with tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
                                 preexec_fn=_die_with_parent(os.getpid()))
        try:
            returncode = child.wait(timeout=job.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            return ChildResult(None, _tail(_read(stderr)))
        except KeyboardInterrupt:  # let the child record its sources as interrupted, then make sure
            _signal_group(child, signal.SIGINT)
            try:
                child.wait(timeout=INTERRUPT_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            _kill_group(child)
            return ChildResult(child.returncode, "interrupted", interrupted=True)
        finally:
            if child.returncode is None:
                _kill_group(child)
        return ChildResult(returncode, _tail(_read(stderr)) if returncode not in CHILD_REPORTED_EXITS else "")


INTERRUPT_GRACE_SECONDS = 30.0
CHILD_REPORTED_EXITS = (0, 1, 3)  # the crawl ran and recorded each source's outcome itself


def _die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A pre-exec hook that asks Linux to SIGKILL the child when the refresh dies (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None

    def hook() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent_pid:  # the parent died before the hook ran
            os._exit(1)

    return hook


PR_SET_PDEATHSIG = 1


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(child: subprocess.Popen) -> None:
    _signal_group(child, signal.SIGKILL)
    child.wait()


def _read(handle) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", "replace")


def _tail(output: str | bytes | None, limit: int = 1500) -> str:
    if isinstance(output, bytes):
        output = output.decode("utf-8", "replace")
    lines = [line for line in (output or "").strip().splitlines() if line.strip()]
    return "\n".join(lines[-8:])[-limit:]


@contextmanager
def refresh_lock(db_url: str) -> Iterator[None]:
    """Hold the database's refresh lock, or raise RefreshBusy at once."""
    url = make_url(db_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        with _advisory_lock(db_url):
            yield
    elif backend == "sqlite" and url.database and url.database != ":memory:":
        with _file_lock(Path(f"{Path(url.database).expanduser()}.refresh-lock")):
            yield
    else:
        yield


@contextmanager
def _advisory_lock(db_url: str) -> Iterator[None]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            acquired = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
            if not acquired:
                holder = connection.scalar(text(
                    "SELECT a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted LIMIT 1"),
                    {"key": ADVISORY_LOCK_KEY})
                since = f" (its connection opened at {holder:%Y-%m-%d %H:%M:%S %Z})" if holder else ""
                raise RefreshBusy(f"another refresh is already running on this database{since}; "
                                  "try again when it has finished")
            try:
                yield
            finally:
                connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder = json.loads(handle.read() or "{}")
            except ValueError:
                holder = {}
            since = f" (pid {holder.get('pid')}, started {holder.get('started')})" if holder else ""
            raise RefreshBusy(f"another refresh is already running on this database{since}; "
                              "try again when it has finished") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "started": utcnow().isoformat(timespec="seconds")}))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass(frozen=True)
class SourceResult:
    key: str
    platform: str
    status: str
    error: str | None


@dataclass
class RefreshResult:
    started_at: datetime
    finished_at: datetime
    sources: list[SourceResult]
    duplicates: DuplicateCounts
    snapshot: SnapshotResult
    platform_seconds: dict[str, float] = field(default_factory=dict)  # each platform's crawl, wall clock

    def as_dict(self) -> dict[str, Any]:
        return {"started_at": self.started_at.isoformat(), "finished_at": self.finished_at.isoformat(),
                "sources": [{"source": s.key, "platform": s.platform, "status": str(s.status),
                             "error": (s.error or "").splitlines()[0] if s.error else None} for s in self.sources],
                "platform_seconds": self.platform_seconds,
                "duplicates": {"groups": self.duplicates.groups, "members": self.duplicates.members},
                "snapshot": {"date": self.snapshot.snapshot_date.isoformat(), **self.snapshot.overall}}

    @property
    def failed(self) -> list[SourceResult]:
        return [s for s in self.sources if s.status in FAILED_STATUSES]


def run_refresh(db_url: str, registry_path: str | os.PathLike | None = None, *, platforms: Sequence[str] | None = None,
                timeout: float = DEFAULT_CRAWL_TIMEOUT, settings: dict[str, Any] | None = None,
                runner: CrawlRunner = subprocess_runner, progress: Callable[[str], None] | None = None,
                progress_format: str = "text") -> RefreshResult:
    """Crawl, group duplicates and snapshot, once, now. Raises RefreshBusy if a refresh is running.
    With `progress`, each line of the child crawls' progress (spiders/progress.py) and one line per
    platform started and finished go to it, as text or as JSON objects (`progress_format`)."""
    upgrade(db_url)
    registry = load_registry(registry_path)
    sources = registry.select(platforms=list(platforms) if platforms else None)
    registry_arg = str(Path(registry_path).resolve()) if registry_path else None
    with refresh_lock(db_url):
        started_at = utcnow()
        engine = make_engine(db_url)
        try:
            with Session(engine) as session, session.begin():
                ids = store.sync_registry(session, sources)
            by_platform: dict[str, list[SourceConfig]] = {}
            for source in sources:
                by_platform.setdefault(source.platform, []).append(source)
            results: list[SourceResult] = []
            seconds: dict[str, float] = {}
            relay = _ProgressRelay(progress, progress_format)
            child_settings = {name: str(value) for name, value in (settings or {}).items()} | relay.settings()
            for number, (platform, platform_sources) in enumerate(sorted(by_platform.items()), start=1):
                relay.say({"event": "platform", "platform": platform, "number": number, "platforms": len(by_platform),
                           "sources": len(platform_sources), "seconds": round(_since(started_at), 1)},
                          f"crawling {platform} ({number}/{len(by_platform)} platforms): {len(platform_sources)} "
                          f"source(s), {_since(started_at):.0f} s elapsed")
                job = CrawlJob(platform, tuple(s.key for s in platform_sources), registry_arg, db_url, timeout,
                               child_settings)
                job_started = utcnow()
                with relay:
                    child = runner(job)
                seconds[platform] = round(_since(job_started), 1)
                outcomes = _record_outcomes(engine, platform_sources, ids, job_started, child, timeout)
                results += outcomes
                failed = sum(1 for outcome in outcomes if outcome.status in FAILED_STATUSES)
                relay.say({"event": "platform_done", "platform": platform, "sources": len(outcomes), "failed": failed,
                           "seconds": seconds[platform]},
                          f"{platform}: {len(outcomes)} source(s), {failed} failed, {seconds[platform]:.1f} s")
                if child.interrupted:
                    _record_skipped(engine, by_platform, platform, ids)
                    raise KeyboardInterrupt("refresh interrupted")
            duplicates, snapshot = summarize_market(engine, started_at, [(r.key, r.status, r.error) for r in results])
        finally:
            engine.dispose()
    return RefreshResult(started_at, utcnow(), results, duplicates, snapshot, seconds)


def _since(moment: datetime) -> float:
    return (utcnow() - moment).total_seconds()


class _ProgressRelay:
    """Passes the child crawls' progress lines (written to a file, spiders/progress.py) on to the
    `progress` callback while a child runs, from a thread that polls the file."""

    def __init__(self, progress: Callable[[str], None] | None, fmt: str) -> None:
        self.progress = progress
        self.json = fmt == "json"
        self.path: str | None = None
        self.offset = 0
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        if progress is not None:
            handle, self.path = tempfile.mkstemp(prefix="emr-jobs-progress-", suffix=".jsonl")
            os.close(handle)

    def settings(self) -> dict[str, str]:
        if self.path is None:
            return {"EMR_PROGRESS": "False"}
        return {"EMR_PROGRESS": "True", "EMR_PROGRESS_FILE": self.path,
                "EMR_PROGRESS_FORMAT": "json" if self.json else "text"}

    def say(self, event: dict[str, Any], text: str) -> None:
        if self.progress is not None:
            self.progress(json.dumps(event) if self.json else text)

    def __enter__(self) -> _ProgressRelay:
        if self.path is not None:
            self.stop.clear()
            self.thread = threading.Thread(target=self._run, name="emr-progress-relay", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.thread is not None:
            self.stop.set()
            self.thread.join()
            self.thread = None
        self._pass_on()

    def _run(self) -> None:
        while not self.stop.wait(0.25):
            self._pass_on()

    def _pass_on(self) -> None:
        if self.path is None or self.progress is None:
            return
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                handle.seek(self.offset)
                text = handle.read()
        except OSError:
            return
        complete = text[:text.rfind("\n") + 1]
        self.offset += len(complete.encode("utf-8"))
        for line in complete.splitlines():
            if line.strip():
                self.progress(line)

    def __del__(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


def summarize_market(engine, started_at: datetime, outcomes: Sequence[tuple[str, str, str | None]]
                     ) -> tuple[DuplicateCounts, SnapshotResult]:
    """After the crawls of a refresh started at `started_at`: group duplicates, then store the day's
    snapshot naming the sources (key, status, error) whose crawl failed or drifted."""
    duplicates = refresh_duplicates(engine, closed_since=started_at)
    failed = [{"source": key, "status": status, "error": (error or "").splitlines()[0][:300] if error else None}
              for key, status, error in outcomes if status in FAILED_STATUSES]
    return duplicates, take_snapshot(engine, started_at.date(), utcnow(), failed)


def _record_skipped(engine, by_platform: dict[str, list[SourceConfig]], interrupted_platform: str,
                    ids: dict[str, store.SourceIds]) -> None:
    """After an interrupt: a failed run for each source of the platforms not yet crawled."""
    later = [source for platform, sources in sorted(by_platform.items()) if platform > interrupted_platform
             for source in sources]
    now = utcnow()
    with Session(engine) as session, session.begin():
        for source in later:
            store.record_crawl_run(session, ids[source.key].source_id, started_at=now, finished_at=now,
                                   status=CrawlStatus.FAILED, counters={}, errors=["interrupted before its crawl"],
                                   stats={})


def _record_outcomes(engine, sources: list[SourceConfig], ids: dict[str, store.SourceIds], job_started: datetime,
                     child: ChildResult, timeout: float) -> list[SourceResult]:
    """Each source's run as the child recorded it; a `failed` run for each source it did not record."""
    source_ids = {ids[s.key].source_id: s for s in sources}
    with Session(engine) as session, session.begin():
        recorded: dict[int, CrawlRun] = {}
        for run in session.scalars(select(CrawlRun).where(CrawlRun.source_id.in_(list(source_ids)),
                                                          CrawlRun.started_at >= job_started)
                                   .order_by(CrawlRun.started_at)):
            recorded[run.source_id] = run
        results = []
        for source_id, source in source_ids.items():
            run = recorded.get(source_id)
            if run is None:
                error = child.failure(timeout)
                store.record_crawl_run(session, source_id, started_at=job_started, finished_at=utcnow(),
                                       status=CrawlStatus.FAILED, counters={}, errors=[error],
                                       stats={"refresh": {"returncode": child.returncode}})
                results.append(SourceResult(source.key, source.platform, CrawlStatus.FAILED, error))
            else:
                results.append(SourceResult(source.key, source.platform, run.status, run.error))
    return results
