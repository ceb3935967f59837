"""`emr-jobs sources probe`: one cheap request per registry source, classified as a fact about it.

Outcomes: `live` (the board answers with postings), `empty` (it answers with none), `moved` (a
redirect: the board lives elsewhere now), `dead` (404, 410, or Workday's 422 for a retired tenant),
and, when no fact could be learnt, `unreachable` (DNS, refused connection, timeout) or `error` (any
other status, or a body that is not the platform's). Each probe asks for the smallest page the
platform serves; redirects are not followed (a redirect is the fact); bodies are capped.

Results are kept in a JSON file beside the registry (`sources.probe.json` for `sources.toml`), keyed
by source key, so that the registry, a reviewed configuration file, is never rewritten by a
program and the facts are a diff a person can read before marking entries verified. A probe that
learns nothing keeps the source's previous fact and records the new error beside it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from emr_jobs.defaults import PROBE_TIMEOUT_SECONDS, PROBE_WORKERS
from emr_jobs.spiders.jsonld import _looks_like_job_page
from emr_jobs.spiders.registry import DEFAULT_REGISTRY, SourceConfig
from emr_jobs.spiders.settings import USER_AGENT

_HREF_RE = re.compile(r"""href\s*=\s*["']([^"'#]+)""", re.I)
OUTCOME_LIVE, OUTCOME_EMPTY, OUTCOME_MOVED, OUTCOME_DEAD = "live", "empty", "moved", "dead"
OUTCOME_UNREACHABLE, OUTCOME_ERROR = "unreachable", "error"
FACTS = (OUTCOME_LIVE, OUTCOME_EMPTY, OUTCOME_MOVED, OUTCOME_DEAD)  # what a probe can learn
DEAD_STATUSES = {404, 410}
MAX_BODY_BYTES = 2_000_000
DEFAULT_TIMEOUT_SECONDS = PROBE_TIMEOUT_SECONDS
DEFAULT_WORKERS = PROBE_WORKERS


@dataclass(frozen=True)
class ProbeRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass
class ProbeResult:
    key: str
    employer: str
    platform: str
    outcome: str
    detail: str
    http_status: int | None = None
    postings: int | None = None
    location: str | None = None  # where a redirect points
    probed_at: str = ""

    def line(self) -> str:
        """"live        greenhouse:acme  the board answers (HTTP 200, 12 postings)"."""
        facts = [f"HTTP {self.http_status}"] if self.http_status else []
        facts += [f"{self.postings} postings"] if self.postings is not None else []
        return f"{self.outcome:<11} {self.key}  {self.detail}" + (f" ({', '.join(facts)})" if facts else "")


def _q(value: Any) -> str:
    return quote(str(value), safe="")


def _root(source: SourceConfig, public: str) -> str:
    return (source.base_url or public).rstrip("/")


def _json_get(url: str) -> ProbeRequest:
    return ProbeRequest("GET", url, {"Accept": "application/json"})


def _greenhouse(source: SourceConfig) -> ProbeRequest:
    root = _root(source, "https://boards-api.greenhouse.io")
    return _json_get(f"{root}/v1/boards/{_q(source.identifiers['token'])}/jobs")


def _lever(source: SourceConfig) -> ProbeRequest:
    root = _root(source, "https://api.lever.co")
    return _json_get(f"{root}/v0/postings/{_q(source.identifiers['token'])}?mode=json&limit=1")


def _ashby(source: SourceConfig) -> ProbeRequest:
    root = _root(source, "https://api.ashbyhq.com")
    return _json_get(f"{root}/posting-api/job-board/{_q(source.identifiers['token'])}")


def _smartrecruiters(source: SourceConfig) -> ProbeRequest:
    root = _root(source, "https://api.smartrecruiters.com")
    return _json_get(f"{root}/v1/companies/{_q(source.identifiers['company'])}/postings?limit=1")


def _workday(source: SourceConfig) -> ProbeRequest:
    from emr_jobs.spiders.workday import PAGE_SIZE, instance_host

    ids = source.identifiers
    root = _root(source, f"https://{ids['tenant']}.{instance_host(ids['instance'])}.myworkdayjobs.com")
    body = {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": 0, "searchText": ""}
    return ProbeRequest("POST", f"{root}/wday/cxs/{_q(ids['tenant'])}/{_q(ids['site'])}/jobs",
                        {"Accept": "application/json", "Content-Type": "application/json",
                         "Accept-Language": "en-US"}, json.dumps(body).encode())


def _oracle(source: SourceConfig) -> ProbeRequest:
    from emr_jobs.spiders.oracle import LIST_EXPAND, RESOURCES

    root = _root(source, f"https://{source.identifiers['host']}")
    finder = f"findReqs;siteNumber={_q(source.identifiers['site_number'])},limit=1,offset=0"
    return _json_get(f"{root}{RESOURCES}/recruitingCEJobRequisitions?onlyData=true&expand={LIST_EXPAND}"
                     f"&finder={finder}")


def _usajobs(source: SourceConfig) -> ProbeRequest:
    """The public API needs the key and e-mail; they go to the public host only, never to a base_url."""
    from emr_jobs.spiders.usajobs import API_KEY_ENV, EMAIL_ENV, PUBLIC_HOST, searches_for

    root = _root(source, f"https://{PUBLIC_HOST}")
    headers: dict[str, str] = {}
    if (urlsplit(root).hostname or "").lower() == PUBLIC_HOST:
        key, email = os.environ.get(API_KEY_ENV, "").strip(), os.environ.get(EMAIL_ENV, "").strip()
        if not (key and email):
            raise LookupError(f"not probed: USAJOBS needs {API_KEY_ENV} and {EMAIL_ENV}")
        headers = {"Authorization-Key": key, "User-Agent": email}
    query = {**searches_for(source)[0], "ResultsPerPage": "1"}
    return ProbeRequest("GET", f"{root}/api/Search?{urlencode(query)}", {"Accept": "application/json", **headers})


def _jsonld(source: SourceConfig) -> ProbeRequest:
    url = source.identifiers["url"]
    if source.base_url:
        parts = urlsplit(url)
        url = f"{source.base_url.rstrip('/')}{parts.path or '/'}{'?' + parts.query if parts.query else ''}"
    return ProbeRequest("GET", url, {"Accept": "text/html,application/xml;q=0.9,*/*;q=0.8"})


def _icims(source: SourceConfig) -> ProbeRequest:
    root = _root(source, f"https://{source.identifiers['host']}")
    return ProbeRequest("GET", f"{root}/jobs/search?ss=1&in_iframe=1&pr=0", {"Accept": "text/html"})


REQUEST_BUILDERS: dict[str, Callable[[SourceConfig], ProbeRequest]] = {
    "greenhouse": _greenhouse, "lever": _lever, "ashby": _ashby, "smartrecruiters": _smartrecruiters,
    "workday": _workday, "oracle": _oracle, "usajobs": _usajobs, "jsonld": _jsonld, "icims": _icims,
}


def _count_postings(platform: str, body: bytes) -> int:
    """How many postings the board says it has; ValueError when the body is not the platform's."""
    if platform == "jsonld":
        text = body.decode("utf-8", "replace")
        markers = ("JobPosting", "<loc>", "<urlset", "<sitemapindex")
        # a listing page may carry no JobPosting itself, only links to job pages (the crawl follows them)
        job_links = {href for href in _HREF_RE.findall(text) if _looks_like_job_page(urlsplit(href.strip()))}
        return sum(text.count(marker) for marker in markers) + len(job_links)
    if platform == "icims":
        from emr_jobs.spiders.icims import _JOB_LINK_RE

        text = body.decode("utf-8", "replace")
        if "icims" not in text.lower():
            raise ValueError("not an iCIMS page")
        return len({match["id"] for match in _JOB_LINK_RE.finditer(text)})
    data = json.loads(body)
    if platform == "greenhouse":
        return len(data["jobs"])
    if platform == "lever":
        if not isinstance(data, list):
            raise ValueError("not a list of postings")
        return len(data)
    if platform == "ashby":
        return len(data["jobs"])
    if platform == "smartrecruiters":
        return int(data["totalFound"])
    if platform == "workday":
        return int(data["total"])
    if platform == "oracle":
        items = data["items"]
        return int(items[0].get("TotalJobsCount") or 0) if items else 0
    if platform == "usajobs":
        return int(data["SearchResult"]["SearchResultCountAll"])
    raise ValueError(f"unknown platform {platform}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is the fact: report it, do not follow it


_OPENER = urllib.request.build_opener(_NoRedirect)


def probe_source(source: SourceConfig, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> ProbeResult:
    """One request for one source; never raises."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    result = ProbeResult(source.key, source.employer_slug, source.platform, OUTCOME_ERROR, "", probed_at=now)
    try:
        request = REQUEST_BUILDERS[source.platform](source)
    except (LookupError, KeyError) as exc:
        result.detail = str(exc.args[0] if exc.args else exc)
        return result
    if urlsplit(request.url).scheme not in ("http", "https"):
        result.detail = f"not an http(s) URL: {request.url}"
        return result
    http_request = urllib.request.Request(request.url, data=request.body, method=request.method,
                                          headers={"User-Agent": USER_AGENT, **request.headers})
    try:
        with _OPENER.open(http_request, timeout=timeout) as response:
            status, body = response.status, response.read(MAX_BODY_BYTES)
    except urllib.error.HTTPError as exc:
        return _classify_status(result, exc.code, exc.headers.get("Location"))
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        result.outcome = OUTCOME_UNREACHABLE
        if isinstance(reason, socket.gaierror):
            result.detail = f"DNS lookup failed for {urlsplit(request.url).hostname}"
        else:
            result.detail = f"no answer: {reason}"
        return result
    result.http_status = status
    try:
        count = _count_postings(source.platform, body)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        result.detail = f"the answer is not a {source.platform} board ({exc.__class__.__name__})"
        return result
    result.postings = count
    result.outcome = OUTCOME_LIVE if count > 0 else OUTCOME_EMPTY
    result.detail = "the board answers" if count > 0 else "the board answers with no postings"
    return result


def _classify_status(result: ProbeResult, status: int, location: str | None) -> ProbeResult:
    result.http_status = status
    if 300 <= status < 400:
        result.outcome, result.location = OUTCOME_MOVED, location
        result.detail = f"redirects to {location}" if location else "redirects"
    elif status in DEAD_STATUSES or (status == 422 and result.platform == "workday"):
        result.outcome, result.detail = OUTCOME_DEAD, "no such board"
    else:
        result.outcome, result.detail = OUTCOME_ERROR, f"HTTP {status}"
    return result


def probe_sources(sources: Iterable[SourceConfig], timeout: float = DEFAULT_TIMEOUT_SECONDS,
                  workers: int = DEFAULT_WORKERS) -> list[ProbeResult]:
    """Probe every source, a few at a time, in registry order."""
    sources = list(sources)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sources) or 1))) as pool:
        return list(pool.map(lambda source: probe_source(source, timeout), sources))


def results_path(registry_path: str | Path | None) -> Path:
    path = Path(registry_path) if registry_path else DEFAULT_REGISTRY
    return path.with_name(f"{path.stem}.probe.json")


def load_results(path: Path) -> dict[str, dict[str, Any]]:
    """The recorded facts by source key; {} when there is no results file or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("sources", {}) if isinstance(data, dict) else {}


def write_results(path: Path, results: list[ProbeResult]) -> None:
    """Merge the new results into the file: a fact replaces the old record; a probe that learnt
    nothing keeps the old fact and records its error as `last_error`."""
    recorded = load_results(path)
    for result in results:
        record = asdict(result)
        previous = recorded.get(result.key)
        if result.outcome not in FACTS and previous and previous.get("outcome") in FACTS:
            previous["last_error"] = {"outcome": result.outcome, "detail": result.detail, "at": result.probed_at}
            continue
        recorded[result.key] = record
    payload = {"about": "emr-jobs sources probe: one request per source; outcome live/empty/moved/dead is a "
                        "fact learnt at probed_at", "sources": dict(sorted(recorded.items()))}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(payload, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    temporary.replace(path)
