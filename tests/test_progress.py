"""Progress a person can follow (issue 13): during a crawl one line per source as it finishes
(status, kept/seen, seconds), a per-platform heartbeat with its elapsed time while requests are in
flight, a final table with seconds; nothing with --quiet; JSON with --format json. The same for a
refresh, whose child crawls' lines are relayed as they come."""

from __future__ import annotations

import json
import re
import time

import pytest

from emr_jobs.demo.server import Reply, RouteServer
from tests.conftest import FAST_CRAWL, fixture_reply, run_cli, write_registry
from tests.test_crawl_greenhouse_lever import greenhouse_detail

SLOW_SECONDS = 3.5


def slow_board(info, match):
    time.sleep(SLOW_SECONDS)
    return Reply(200, b'{"jobs": [], "meta": {"total": 0}}')


ROUTES = [
    ("GET", r"/v1/boards/pinecresthealth/jobs", fixture_reply("greenhouse", "board.json")),
    ("GET", r"/v1/boards/pinecresthealth/jobs/(?P<job_id>\d+)", greenhouse_detail),
    ("GET", r"/v1/boards/quietclinic/jobs", fixture_reply("greenhouse", "empty.json")),
    ("GET", r"/v1/boards/slowboard/jobs", slow_board),
]
SOURCES = {"greenhouse:pinecresthealth", "greenhouse:quietclinic", "greenhouse:slowboard"}
HEARTBEAT = ("-s", "EMR_PROGRESS_INTERVAL=1")


@pytest.fixture(scope="module")
def server():
    with RouteServer(ROUTES) as running:
        yield running


@pytest.fixture
def registry(tmp_path, server):
    return write_registry(tmp_path / "sources.toml", [
        {"slug": f"{key.split(':')[1]}-employer", "name": key.split(":")[1].title(), "employer_type": "hospital",
         "sources": [{"platform": "greenhouse", "token": key.split(":")[1], "base_url": server.url}]}
        for key in sorted(SOURCES)])


SOURCE_LINE = re.compile(r"^  (greenhouse:\w+): (ok|empty|partial|failed), (\d+)/(\d+) kept/seen, (\d+\.\d) s$")
HEARTBEAT_LINE = re.compile(r"^  greenhouse: (\d)/3 sources finished, \d+ pages, \d+ kept, (\d+) request\(s\) in flight, "
                            r"(\d+) s$")


def test_crawl_prints_each_source_a_heartbeat_and_a_table_with_seconds(sqlite_url, registry):
    result = run_cli("--db", sqlite_url, "crawl", "--sources", str(registry), *FAST_CRAWL, *HEARTBEAT)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    finished = {match[1]: match for line in lines if (match := SOURCE_LINE.match(line))}
    assert set(finished) == SOURCES
    assert finished["greenhouse:quietclinic"][2] == "empty"
    assert float(finished["greenhouse:slowboard"][5]) >= SLOW_SECONDS - 0.5
    assert float(finished["greenhouse:quietclinic"][5]) < SLOW_SECONDS - 1  # said before the slow one finished
    assert lines.index(finished["greenhouse:quietclinic"][0]) < lines.index(finished["greenhouse:slowboard"][0])
    beats = [HEARTBEAT_LINE.match(line) for line in lines if HEARTBEAT_LINE.match(line)]
    assert len(beats) >= 2  # nothing silent for long while the slow board's request is in flight
    assert [int(beat[3]) for beat in beats] == sorted(int(beat[3]) for beat in beats)
    assert any(int(beat[2]) >= 1 for beat in beats)
    assert all(SOURCE_LINE.match(line) or HEARTBEAT_LINE.match(line) for line in lines), lines
    header, _, row = result.stdout.splitlines()[:3]
    assert header.split()[-1] == "seconds"
    assert float(row.split()[-1]) >= SLOW_SECONDS - 0.5


def test_crawl_quiet_prints_no_progress(sqlite_url, registry):
    result = run_cli("--db", sqlite_url, "crawl", "--quiet", "--sources", str(registry), *FAST_CRAWL, *HEARTBEAT)
    assert (result.returncode, result.stderr) == (0, "")
    assert "seconds" in result.stdout


def test_crawl_format_json(sqlite_url, registry):
    result = run_cli("--db", sqlite_url, "crawl", "--format", "json", "--sources", str(registry), *FAST_CRAWL,
                     *HEARTBEAT)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    sources = {event["source"]: event for event in events if event["event"] == "source"}
    assert set(sources) == SOURCES
    assert {event["event"] for event in events} == {"source", "progress"}
    assert sources["greenhouse:quietclinic"]["status"] == "empty"
    outcomes = {outcome["source"]: outcome for outcome in json.loads(result.stdout)}
    assert set(outcomes) == SOURCES
    assert outcomes["greenhouse:slowboard"]["seconds"] >= SLOW_SECONDS - 0.5
    assert outcomes["greenhouse:pinecresthealth"]["kept"] == sources["greenhouse:pinecresthealth"]["kept"] > 0


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_refresh_relays_progress(sqlite_url, registry, fmt):
    result = run_cli("--db", sqlite_url, "refresh", "--sources", str(registry), "--format", fmt, *FAST_CRAWL,
                     *HEARTBEAT)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    if fmt == "json":
        events = [json.loads(line) for line in lines]
        assert [event["event"] for event in events][0] == "platform"
        assert {event["source"] for event in events if event["event"] == "source"} == SOURCES
        assert events[-1]["event"] == "platform_done" and events[-1]["seconds"] >= SLOW_SECONDS - 0.5
        summary = json.loads(result.stdout)
        assert summary["platform_seconds"]["greenhouse"] >= SLOW_SECONDS - 0.5
        assert {source["source"] for source in summary["sources"]} == SOURCES
        return
    assert lines[0].startswith("crawling greenhouse (1/1 platforms): 3 source(s)")
    assert {match[1] for line in lines if (match := SOURCE_LINE.match(line))} == SOURCES
    assert any(HEARTBEAT_LINE.match(line) for line in lines)
    assert re.match(r"^greenhouse: 3 source\(s\), 0 failed, \d+\.\d s$", lines[-1])
    assert result.stdout.splitlines()[0].split()[-1] == "seconds"


def test_refresh_quiet(sqlite_url, registry):
    result = run_cli("--db", sqlite_url, "refresh", "--quiet", "--sources", str(registry), *FAST_CRAWL)
    assert (result.returncode, result.stderr) == (0, "")
