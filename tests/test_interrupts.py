"""Interrupts and kills: Ctrl-C (SIGINT) during `crawl`, `refresh` and `demo` records the sources
in flight as failed ("interrupted"), closes nothing, stores no snapshot, writes no report and
exits 130; a SIGKILLed refresh takes its child crawl with it, and the next refresh succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from emr_jobs.demo.server import RouteServer
from emr_jobs.store.models import CrawlRun, MarketSnapshot
from tests.conftest import FAST_CRAWL, ROOT, run_cli
from tests.test_faults import BOARDS, HostileServer, crawl, open_postings, registry_for

LEVER = "piedmont-family-physicians"


@pytest.fixture
def stalled_board(tmp_path):
    """The board answers normally until `stall` is set; then requests wait for `release`."""
    hostile = HostileServer([BOARDS[LEVER]])
    arrived, release = threading.Event(), threading.Event()

    def stall(info, healthy):
        arrived.set()
        release.wait(90)
        return healthy()

    with RouteServer(hostile.routes) as server:
        yield hostile, registry_for(tmp_path, [LEVER], server.url), stall, arrived, release
        release.set()


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "emr_jobs", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def latest_statuses(db_url) -> list[tuple[str, str | None]]:
    engine = create_engine(db_url)
    with Session(engine) as session:
        rows = session.execute(select(CrawlRun.status, CrawlRun.error).order_by(CrawlRun.id.desc()).limit(1)).all()
        snapshots = session.scalar(select(func.count()).select_from(MarketSnapshot))
    engine.dispose()
    return [tuple(row) for row in rows], snapshots


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(("command", "signals"), [("crawl", 1), ("refresh", 1), ("crawl", 2)])
def test_ctrl_c_records_interrupted_closes_nothing_and_exits_130(db_url, stalled_board, command, signals):
    hostile, registry, stall, arrived, release = stalled_board
    assert crawl(db_url, registry).returncode == 0
    before = open_postings(db_url)
    hostile.faults = {r"/v0/postings/.*": stall}
    process = start("--db", db_url, command, "--sources", str(registry), "--quiet",
                    *[arg if arg != "-s" else "--set" for arg in FAST_CRAWL])
    try:
        assert arrived.wait(60)
        time.sleep(0.5)
        for _ in range(signals):  # a second Ctrl-C stops at once, before the spiders record anything
            process.send_signal(signal.SIGINT)
            time.sleep(1.0)
        release.set()  # the request in flight completes; the crawl was interrupted all the same
        _, err = process.communicate(timeout=90)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "interrupted" in err.splitlines()[-1] and "Traceback" not in err
    [(status, error)], snapshots = latest_statuses(db_url)
    assert (status, "interrupted" in error, snapshots) == ("failed", True, 0)
    assert open_postings(db_url) == before
    hostile.faults = {}
    again = crawl(db_url, registry)
    assert again.returncode == 0, again.stderr  # the lease was released: the next run is not refused


def test_a_sigkilled_refresh_takes_its_crawl_with_it_and_the_next_refresh_runs(db_url, stalled_board):
    hostile, registry, stall, arrived, release = stalled_board
    assert crawl(db_url, registry).returncode == 0
    before = open_postings(db_url)
    hostile.faults = {r"/v0/postings/.*": stall}
    args = ["--db", db_url, "refresh", "--sources", str(registry), "--quiet",
            *[arg if arg != "-s" else "--set" for arg in FAST_CRAWL]]
    refresh = start(*args)
    try:
        assert arrived.wait(60)
        [child] = children_of(refresh.pid)
        os.kill(refresh.pid, signal.SIGKILL)
        refresh.wait(30)
        deadline = time.monotonic() + 30
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child)  # no orphan keeps crawling and writing
    finally:
        release.set()
        if refresh.poll() is None:
            refresh.kill()
    assert open_postings(db_url) == before
    hostile.faults = {}
    again = run_cli(*args, timeout=180)
    assert again.returncode == 0, again.stderr  # the lock and the dead child's lease did not block it
    [(status, _)], snapshots = latest_statuses(db_url)
    assert (status, snapshots) == ("ok", 1)


def test_ctrl_c_during_the_demo_writes_no_report(tmp_path):
    out = tmp_path / "demo"
    process = subprocess.Popen([sys.executable, "-m", "emr_jobs", "demo", "--out", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not (out / "demo.db").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # the crawl is under way
        process.send_signal(signal.SIGINT)
        out_text, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, (out_text, err)
    assert "interrupted" in err.splitlines()[-1]
    assert not (out / "report").exists()
    assert "Report:" not in out_text
