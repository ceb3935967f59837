"""Fault injection: a local hostile server serves the demo boards, then breaks them the way a
night goes wrong. For each fault: how many postings were closed (none, unless the crawl really
completed), the source's recorded status, and that the next, healthy run succeeds. On SQLite and
PostgreSQL.

One crawl covers the faults that live in a response (deep nesting, a total of 1e999, NUL bytes,
an over-long id, truncated JSON-LD, `rel="next"` paging, `file://` links, a cross-host redirect
from the USAJOBS API, a board that suddenly lists nothing); the others (a write lock held past the
timeout, a killed PostgreSQL backend, overlapping crawls) have a test each. Interrupts and SIGKILL
are in tests/test_interrupts.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from emr_jobs.demo.boards import build_boards
from emr_jobs.demo.render import all_routes, greenhouse_job
from emr_jobs.demo.server import Reply, RequestInfo, RouteServer
from emr_jobs.store.models import CrawlRun, Posting, Source
from tests.conftest import FAST_CRAWL, run_cli, write_registry

CREDENTIALS = {"USAJOBS_API_KEY": "secret-key-29", "USAJOBS_EMAIL": "analyst@example.org"}
LONG_ID = "9" * 300


def _boards():
    boards = {b.employer.slug: b for b in build_boards()}
    bayou = boards["bayou-community-hospital"]
    twin = replace(bayou, employer=replace(bayou.employer, slug="bayou-twin", name="Bayou Twin Hospital",
                                           identifiers={"url": "http://placeholder/bayoutwin/careers/sitemap.xml"}))
    boards["bayou-twin"] = twin
    return boards


BOARDS = _boards()
CHOSEN = ("sagebrush-medical-center", "piedmont-family-physicians", "golden-valley-snf", "riverbend-health",
          "canyon-ridge-health", "bayou-community-hospital", "bayou-twin", "high-desert-clinic",
          "northern-plains-federal-health")


class HostileServer:
    """The demo's routes, each of which a test can replace by a fault: fault(info, healthy) -> Reply."""

    def __init__(self, boards) -> None:
        self.faults: dict[str, Callable[[RequestInfo, Callable[[], Reply]], Reply]] = {}
        self.routes = [(method, pattern, self._wrap(handler)) for method, pattern, handler in all_routes(boards)]

    def _wrap(self, handler):
        def serve(info: RequestInfo, match) -> Reply:
            healthy = lambda: handler(info, match)  # noqa: E731
            for pattern, fault in list(self.faults.items()):
                if re.fullmatch(pattern, info.path):
                    return fault(info, healthy)
            return healthy()

        return serve


def registry_for(tmp_path, slugs, base_url):
    employers = []
    for slug in slugs:
        board = BOARDS[slug]
        employers.append({"slug": slug, "name": board.employer.name, "employer_type": board.employer.employer_type,
                          "sources": [{"platform": board.employer.platform, **board.employer.identifiers,
                                       "base_url": base_url}]})
    return write_registry(tmp_path / "sources.toml", employers)


def crawl(db_url, registry, *extra, env=None):
    return run_cli("--db", db_url, "crawl", "--sources", str(registry), "--quiet", *FAST_CRAWL, *extra,
                   env={**CREDENTIALS, **(env or {})}, timeout=180)


def latest_runs(db_url) -> dict[str, CrawlRun]:
    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {}
        for run, slug in session.execute(select(CrawlRun, Source.key).join(Source).order_by(CrawlRun.id)):
            runs[slug] = run
    engine.dispose()
    return runs


def open_postings(db_url) -> dict[str, set[str]]:
    """source key -> external ids of its open postings."""
    engine = create_engine(db_url)
    with Session(engine) as session:
        found: dict[str, set[str]] = {}
        for external_id, key in session.execute(select(Posting.external_id, Source.key).join(Source)
                                                .where(Posting.closed_at.is_(None))):
            found.setdefault(key, set()).add(external_id)
    engine.dispose()
    return found


def key_of(slug: str, runs) -> str:
    platform = BOARDS[slug].employer.platform
    candidates = [key for key in runs if key.startswith(f"{platform}:")]
    identifiers = BOARDS[slug].employer.identifiers
    marker = identifiers.get("token") or identifiers.get("tenant") or identifiers.get("organization") \
        or identifiers.get("url", "").split("/")[3]
    return next(key for key in candidates if marker in key)


# --- the faults -----------------------------------------------------------------------------

def deep_nesting(info, healthy):
    return Reply(200, "[" * 100_000 + "]" * 100_000)


def infinite_total(info, healthy):
    reply = healthy()
    return Reply(reply.status, reply.payload().replace(b'"total": ', b'"total": 1e999, "was": ', 1))


def nul_bytes(info, healthy):
    reply = healthy()
    body = reply.payload().replace(b'"text": "', b'"text": "\\u0000NUL ')
    return Reply(reply.status, body.replace(b'"descriptionBody": "', b'"descriptionBody": "NUL\\u0000 '))


def empty_board(info, healthy):
    return Reply(200, [])


def extra_long_id(info, healthy):
    """The board lists one more posting, whose id is longer than any column holds (its detail too)."""
    if info.path.endswith(LONG_ID):
        board = BOARDS["riverbend-health"]
        return Reply(200, dict(greenhouse_job(board.employer, board.jobs[0]), id=LONG_ID, title="Medical Records Clerk"))
    reply = healthy()
    if not info.path.endswith("/jobs"):
        return reply
    data = json.loads(reply.payload())
    clone = dict(data["jobs"][0], id=LONG_ID, title="Medical Records Clerk")
    data["jobs"].append(clone)
    data.setdefault("meta", {})["total"] = len(data["jobs"])
    return Reply(200, data)


def truncated_jsonld(info, healthy):
    reply = healthy()
    body = reply.payload().decode()
    start = body.find('<script type="application/ld+json">')
    if start < 0:
        return reply
    start += len('<script type="application/ld+json">')
    return Reply(reply.status, body[:start] + body[start:start + 120] + "</script></head><body></body></html>",
                 reply.content_type)


def sitemap_with_file_links(secret_page):
    def fault(info, healthy):
        body = healthy().payload().decode()
        extra = (f"<url><loc>file:///etc/passwd</loc></url><url><loc>file://{secret_page}</loc></url>"
                 "<url><loc>http://elsewhere.invalid/careers/jobs/1</loc></url>")
        return Reply(200, body.replace("</urlset>", extra + "</urlset>"), "application/xml")
    return fault


def listing_in_two_pages(info, healthy):
    body = healthy().payload().decode()
    items = re.findall(r"<li>.*?</li>", body)
    half = len(items) // 2
    page_two = info.query.get("page") == ["2"]
    shown = items[half:] if page_two else items[:half]
    next_link = "" if page_two else '<a rel="next" href="?page=2">Next</a>'
    return Reply(200, f"<html><body><h1>Careers</h1><ul>{''.join(shown)}</ul>{next_link}</body></html>",
                 "text/html; charset=utf-8")


@pytest.fixture
def elsewhere(serve):
    """Another host (a different port is another origin; 'localhost' is another host name)."""
    return serve([("GET", r".*", lambda info, match: Reply(200, {"SearchResult": {"SearchResultItems": []}}))])


def redirect_to(target_url):
    def fault(info, healthy):
        return Reply(302, b"", "text/plain", headers={"Location": f"{target_url}/api/Search?stolen=1"})
    return fault


def test_each_fault_closes_nothing_and_is_recorded(tmp_path, db_url, elsewhere):
    secret_page = tmp_path / "secret.html"
    secret_page.write_text('<script type="application/ld+json">{"@type": "JobPosting", "title": "FILE LEAK Coder",'
                           '"description": "x", "identifier": "leak-1"}</script>', encoding="utf-8")
    hostile = HostileServer(list(BOARDS.values()))
    with RouteServer(hostile.routes) as server:
        registry = registry_for(tmp_path, CHOSEN, server.url)
        healthy = crawl(db_url, registry)
        assert healthy.returncode == 0, healthy.stderr
        before = open_postings(db_url)
        runs = latest_runs(db_url)
        keys = {slug: key_of(slug, runs) for slug in CHOSEN}
        assert all(runs[key].status == "ok" for key in keys.values()), {k: runs[k].status for k in keys.values()}
        assert len(before[keys["golden-valley-snf"]]) >= 5

        # the night goes wrong
        elsewhere_url = elsewhere.url.replace("127.0.0.1", "localhost")
        hostile.faults = {
            r"/v0/postings/sagebrush": deep_nesting,
            r"/v0/postings/piedmontfp": nul_bytes,
            r"/v0/postings/goldenvalleycare": empty_board,
            r"/v1/boards/riverbendhealth/jobs(/\d+)?": extra_long_id,
            r"/wday/cxs/canyonridge/.*/jobs": infinite_total,
            r"/bayou/careers/sitemap\.xml": sitemap_with_file_links(secret_page),
            r"/bayoutwin/careers/jobs/.*": truncated_jsonld,
            r"/highdesert/careers/?": listing_in_two_pages,
            r"/api/Search": redirect_to(elsewhere_url),
        }
        night = crawl(db_url, registry)
        runs = latest_runs(db_url)
        after = open_postings(db_url)
        status = {slug: runs[keys[slug]].status for slug in CHOSEN}
        assert status == {
            "sagebrush-medical-center": "failed",  # RecursionError
            "piedmont-family-physicians": "ok",  # NUL bytes removed, every posting stored
            "golden-valley-snf": "suspect",  # an empty board would close all of them
            "riverbend-health": "ok",  # the over-long id dropped and counted, the rest stored
            "canyon-ridge-health": "failed",  # OverflowError
            "bayou-community-hospital": "ok",  # file:// and other hosts skipped
            "bayou-twin": "partial",  # job pages with cut-off JSON-LD
            "high-desert-clinic": "ok",  # page 2 followed
            "northern-plains-federal-health": "failed",  # redirect to another host refused
        }, night.stderr
        for slug in CHOSEN:  # nothing closed anywhere
            assert after[keys[slug]] == before[keys[slug]], slug
            assert runs[keys[slug]].stats["source"]["closed"] == 0
        assert night.returncode == 3  # some sources failed
        assert "RecursionError" in runs[keys["sagebrush-medical-center"]].error
        assert "OverflowError" in runs[keys["canyon-ridge-health"]].error
        assert "would close" in runs[keys["golden-valley-snf"]].error
        assert runs[keys["riverbend-health"]].stats["source"]["drop_reasons"] == {"external_id_too_long": 1}
        assert "JSON-LD" in runs[keys["bayou-twin"]].error
        assert "refused" in runs[keys["northern-plains-federal-health"]].error
        assert all("Authorization-Key" not in info.headers and CREDENTIALS["USAJOBS_EMAIL"] not in str(info.headers)
                   for info in elsewhere.requests)
        assert elsewhere.requests == []  # the redirect was never followed
        engine = create_engine(db_url)
        with Session(engine) as session:
            titles = session.scalars(select(Posting.title)).all()
            descriptions = session.scalars(select(Posting.description)).all()
        engine.dispose()
        assert not any("LEAK" in title for title in titles)
        assert not any("\x00" in text for text in titles + descriptions)
        assert any(title.startswith("NUL ") for title in titles)

        # the next night is healthy: every source is ok again and still nothing is closed
        hostile.faults = {}
        again = crawl(db_url, registry)
        assert again.returncode == 0, again.stderr
        runs = latest_runs(db_url)
        assert {slug: runs[keys[slug]].status for slug in CHOSEN} == dict.fromkeys(CHOSEN, "ok")
        assert open_postings(db_url) == before

        # the board really emptied: the operator accepts the mass closure for that one source
        hostile.faults = {r"/v0/postings/goldenvalleycare": empty_board}
        accepted = crawl(db_url, registry, "--employer", "golden-valley-snf", "--accept-mass-close")
        assert accepted.returncode == 0, accepted.stderr
        runs = latest_runs(db_url)
        assert runs[keys["golden-valley-snf"]].status == "empty"
        assert runs[keys["golden-valley-snf"]].stats["source"]["closed"] == len(before[keys["golden-valley-snf"]])
        assert keys["golden-valley-snf"] not in open_postings(db_url)


# --- one board, one fault ---------------------------------------------------------------------
LEVER = "piedmont-family-physicians"


@pytest.fixture
def lever_board(tmp_path):
    hostile = HostileServer([BOARDS[LEVER]])
    with RouteServer(hostile.routes) as server:
        yield hostile, registry_for(tmp_path, [LEVER], server.url)


def _only(mapping):
    [value] = mapping.values()
    return value


def test_a_write_lock_held_past_the_timeout_fails_the_source_and_closes_nothing(tmp_path, sqlite_url, lever_board):
    hostile, registry = lever_board
    assert crawl(sqlite_url, registry).returncode == 0
    before = open_postings(sqlite_url)
    release = threading.Event()
    locked = threading.Event()

    def hold_the_lock():
        import sqlite3
        connection = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        release.wait(120)
        connection.execute("ROLLBACK")
        connection.close()

    def lock_then_answer(info, healthy):
        if not locked.is_set():
            threading.Thread(target=hold_the_lock, daemon=True).start()
            locked.wait(10)
        return healthy()

    hostile.faults = {r"/v0/postings/.*": lock_then_answer}
    night = crawl(sqlite_url, registry, "-s", "EMR_SQLITE_BUSY_TIMEOUT=0.5", "-s", "EMR_STORE_RETRIES=1",
                  "-s", "EMR_STORE_RETRY_WAIT=0.1")
    release.set()
    assert night.returncode == 1, night.stderr  # the only source failed
    assert "store failed" in night.stderr or "could not record" in night.stderr
    assert open_postings(sqlite_url) == before  # nothing closed, nothing lost
    hostile.faults = {}
    again = crawl(sqlite_url, registry)
    assert again.returncode == 0, again.stderr
    assert _only(latest_runs(sqlite_url)).status == "ok"
    assert open_postings(sqlite_url) == before


@pytest.mark.postgres
def test_a_killed_postgres_backend_is_retried_and_the_crawl_completes(postgres_url, lever_board):
    hostile, registry = lever_board
    assert crawl(postgres_url, registry).returncode == 0
    before = open_postings(postgres_url)
    database = postgres_url.rsplit("/", 1)[1]
    killed = []

    def terminate_then_answer(info, healthy):
        engine = create_engine(postgres_url)
        with engine.connect() as connection:
            killed.append(connection.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": database}))
        engine.dispose()
        return healthy()

    hostile.faults = {r"/v0/postings/.*": terminate_then_answer}
    night = crawl(postgres_url, registry)
    assert killed and killed[0] >= 1  # the crawl's connections were cut mid-crawl
    assert night.returncode == 0, night.stderr
    run = _only(latest_runs(postgres_url))
    assert (run.status, run.stats["source"]["closed"]) == ("ok", 0)
    assert open_postings(postgres_url) == before


def test_a_source_leased_by_another_live_crawl_is_not_crawled(db_url, lever_board):
    hostile, registry = lever_board
    assert crawl(db_url, registry).returncode == 0
    before = open_postings(db_url)
    engine = create_engine(db_url)
    with engine.begin() as connection:  # another machine's crawl holds it for ten more minutes
        connection.execute(text("UPDATE sources SET lease_holder = 'other-host:4242:abc', "
                                "lease_expires_at = :until"),
                           {"until": datetime.now(UTC) + timedelta(minutes=10)})
    hostile.faults = {r"/v0/postings/.*": empty_board}  # it would close everything if it were crawled
    night = crawl(db_url, registry)
    assert night.returncode == 1
    run = _only(latest_runs(db_url))
    assert run.status == "failed" and "lease held by other-host:4242:abc" in run.error
    assert open_postings(db_url) == before
    with engine.begin() as connection:  # the lease expires
        connection.execute(text("UPDATE sources SET lease_expires_at = :past"),
                           {"past": datetime(2000, 1, 1, tzinfo=UTC)})
    engine.dispose()
    hostile.faults = {}
    assert crawl(db_url, registry).returncode == 0
    assert _only(latest_runs(db_url)).status == "ok"


def test_overlapping_crawls_of_one_source_one_is_refused(tmp_path, db_url, lever_board):
    hostile, registry = lever_board
    assert crawl(db_url, registry).returncode == 0
    before = open_postings(db_url)
    arrived, release = threading.Event(), threading.Event()

    def slow(info, healthy):
        arrived.set()
        release.wait(60)
        return healthy()

    hostile.faults = {r"/v0/postings/.*": slow}
    first = subprocess.Popen([sys.executable, "-m", "emr_jobs", "--db", db_url, "crawl", "--sources", str(registry),
                              "--quiet", *FAST_CRAWL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert arrived.wait(60)
        hostile.faults = {r"/v0/postings/.*": empty_board}  # the second crawl would see an empty board
        second = crawl(db_url, registry)
        assert second.returncode == 1
        assert "another crawl of this source is running" in second.stderr
        release.set()
        out, err = first.communicate(timeout=120)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    runs = latest_runs(db_url)
    assert _only(runs).status == "ok"  # the newest row is the first crawl's, which finished last
    assert open_postings(db_url) == before
