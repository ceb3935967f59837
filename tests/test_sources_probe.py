"""`emr-jobs sources probe`: one request per source against a local server, classified as live,
empty, moved or dead (or unreachable, for a DNS failure), one line per source, facts written to the
results file, exit 1 when some source taught nothing, never a traceback."""

from __future__ import annotations

import json

import pytest

from emr_jobs.demo.server import Reply
from emr_jobs.runs.probe import ProbeResult, load_results, write_results
from tests.conftest import run_cli, write_registry

GREENHOUSE_JOB = {"id": 1, "title": "Medical Records Clerk", "absolute_url": "https://example.org/1"}


def routes():
    def greenhouse(info, match):
        jobs = {"livecare": [GREENHOUSE_JOB], "quietcare": []}.get(match["token"])
        if jobs is None:
            return Reply(404, {"status": 404, "error": "Job not found"})
        return Reply(200, {"jobs": jobs, "meta": {"total": len(jobs)}})

    def workday(info, match):
        if match["tenant"] == "retired":
            return Reply(422, {"errorCode": "HTTP_422", "message": "Unprocessable Entity"})
        body = info.json() or {}
        assert set(body) == {"appliedFacets", "limit", "offset", "searchText"}
        return Reply(200, {"total": 2600, "jobPostings": [], "facets": []})

    def careers(info, match):
        return Reply(301, "", "text/html", {"Location": "https://careers.example.org/jobs"})

    return [("GET", r"/v1/boards/(?P<token>[^/]+)/jobs", greenhouse),
            ("POST", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)/jobs", workday),
            ("GET", r"/old-careers/?", careers)]


def registry(tmp_path, base_url):
    def employer(slug, source):
        return {"slug": slug, "name": slug.title(), "employer_type": "hospital", "sources": [source]}

    return write_registry(tmp_path / "sources.toml", [
        employer("live-care", {"platform": "greenhouse", "token": "livecare", "base_url": base_url}),
        employer("quiet-care", {"platform": "greenhouse", "token": "quietcare", "base_url": base_url}),
        employer("gone-care", {"platform": "greenhouse", "token": "gonecare", "base_url": base_url}),
        employer("big-care", {"platform": "workday", "tenant": "bigcare", "instance": "wd5", "site": "External",
                              "base_url": base_url}),
        employer("retired-care", {"platform": "workday", "tenant": "retired", "instance": "wd1", "site": "x",
                                  "base_url": base_url}),
        employer("moved-care", {"platform": "jsonld", "url": "https://moved.example.org/old-careers/",
                                "base_url": base_url}),
        employer("nowhere-care", {"platform": "greenhouse", "token": "nowhere",
                                  "base_url": "http://no-such-board.invalid"}),
    ])


EXPECTED = {  # source key -> (outcome, http status, postings)
    "greenhouse:livecare": ("live", 200, 1),
    "greenhouse:quietcare": ("empty", 200, 0),
    "greenhouse:gonecare": ("dead", 404, None),
    "workday:bigcare/wd5/External": ("live", 200, 2600),
    "workday:retired/wd1/x": ("dead", 422, None),
    "jsonld:https://moved.example.org/old-careers/": ("moved", 301, None),
    "greenhouse:nowhere": ("unreachable", None, None),
}


def test_probe_classifies_each_source_and_records_the_facts(tmp_path, serve):
    server = serve(routes())
    path = registry(tmp_path, server.url)
    result = run_cli("sources", "probe", "--sources", str(path), "--timeout", "5")
    assert result.returncode == 1, result.stdout + result.stderr  # one source taught nothing
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXPECTED) + 1 and lines[-1].startswith(f"{len(EXPECTED)} sources probed:")
    for key, (outcome, _status, _count) in EXPECTED.items():
        assert any(line.split()[:2] == [outcome, key] for line in lines), (key, lines)
    assert "DNS lookup failed for no-such-board.invalid" in result.stdout
    recorded = load_results(tmp_path / "sources.probe.json")
    assert {key: (r["outcome"], r["http_status"], r["postings"]) for key, r in recorded.items()} == EXPECTED
    assert recorded["jsonld:https://moved.example.org/old-careers/"]["location"] == "https://careers.example.org/jobs"
    # one request per source that has a server
    assert len(server.requests) == len(EXPECTED) - 1


def test_probe_of_facts_only_exits_zero_and_filters_by_platform(tmp_path, serve):
    server = serve(routes())
    path = registry(tmp_path, server.url)
    result = run_cli("sources", "probe", "--sources", str(path), "--platform", "workday", "--no-write")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 sources probed: 1 dead, 1 live"
    assert not (tmp_path / "sources.probe.json").exists()


def test_probe_without_network_fails_fast_one_line_per_source(tmp_path):
    path = write_registry(tmp_path / "sources.toml", [
        {"slug": f"care-{n}", "name": f"Care {n}", "employer_type": "hospital",
         "sources": [{"platform": "lever", "token": f"care{n}", "base_url": f"http://care{n}.invalid"}]}
        for n in range(5)] + [
        {"slug": "federal", "name": "Federal", "employer_type": "government", "sources": [{"platform": "usajobs"}]}])
    result = run_cli("sources", "probe", "--sources", str(path), env={"USAJOBS_API_KEY": "", "USAJOBS_EMAIL": ""},
                     timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["unreachable"] * 5 + ["error"]
    assert "not probed: USAJOBS needs USAJOBS_API_KEY and USAJOBS_EMAIL" in lines[5]


@pytest.mark.parametrize(("before", "after", "kept"), [
    ("live", "unreachable", "live"),  # a probe that learnt nothing keeps the fact
    ("live", "dead", "dead"),  # a new fact replaces the old one
    (None, "unreachable", "unreachable"),
])
def test_write_results_keeps_facts(tmp_path, before, after, kept):
    path = tmp_path / "r.probe.json"

    def result(outcome):
        return ProbeResult("lever:x", "x", "lever", outcome, "detail", probed_at="2026-12-01T00:00:00+00:00")

    if before:
        write_results(path, [result(before)])
    write_results(path, [result(after)])
    record = json.loads(path.read_text())["sources"]["lever:x"]
    assert record["outcome"] == kept
    assert ("last_error" in record) == (before == "live" and after == "unreachable")


@pytest.mark.parametrize(("body", "expected"), [
    ('<html><a href="jobs/coder-10481">Coder</a><a href="/careers/jobs/2207">Clerk</a><a href="/about">x</a></html>', 2),
    ('<html><a href="/about">About</a><a href="/benefits">Benefits</a></html>', 0),
    ('<script type="application/ld+json">{"@type": "JobPosting"}</script>', 1),
])
def test_a_jsonld_listing_with_job_links_counts_them(body, expected):
    """A listing page that only links to its job pages is live, not empty (the crawl follows the links)."""
    from emr_jobs.runs.probe import _count_postings

    assert _count_postings("jsonld", body.encode()) == expected
