"""Workday CXS career-site API: list the whole board (POST with an empty `searchText`, all four body
keys, 20 a page) and page to the end; GET a posting's detail (description, start date, work mode)
only when its listed title passes the relevance rules or cannot tell (emr_jobs.spiders.base.detail_or_item).

Paging: `total` is read from the first page of each listing only (later pages may say 0); paging
stops on an empty page and on a page that repeats postings already listed for that listing. A
listing whose first page reports at least the 2,000-result cap that large tenants apply is split by
a facet the tenant returns on that page (job family group, locations, ...: whichever covers the
listing with the fewest values, each under the cap), recursively; the cap and the facets used are
recorded in the run's notes and the crawl stats. A cap that no facet splits leaves the crawl partial.
Postings are de-duplicated across the listings of one source by `externalPath`. A registry `search`
narrows the board to one query (for a tenant too large to list); `search = "*"` is the whole board.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from emr_jobs.spiders.base import PlatformSpider, ShapeError, SourceRun, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.safety import segment
from emr_jobs.spiders.values import as_dict, as_list, as_number, as_text, parse_datetime
from emr_jobs.vocabulary import CrawlStatus

PAGE_SIZE = 20  # tenants reject or ignore more
RESULT_CAP = 2000  # large tenants serve page 0 again past this offset
MAX_OFFSET = 10_000  # a hard stop for tenants whose `total` is above the cap
WHOLE_BOARD = ""  # the searchText that lists every posting
_REQ_ID_RE = re.compile(r"^[A-Za-z]{0,8}[-_ ]?\d[\w-]*$")
_POSTED_RE = re.compile(r"posted\s+(?:(?P<today>today)|(?P<yesterday>yesterday)|(?P<days>\d+)\s+days?\s+ago)", re.I)


def instance_host(instance: str) -> str:
    """"wd5", "WD5" and "5" all name the wd5 data centre."""
    cleaned = str(instance).strip().lower()
    return cleaned if cleaned.startswith("wd") else f"wd{cleaned}"


def searches_for(source: SourceConfig) -> tuple[str, ...]:
    """The whole board, unless the registry narrows the source to one `search` query."""
    search = as_text(source.identifiers.get("search"))
    return (search,) if search and search != "*" else (WHOLE_BOARD,)


def _facet_key(applied: dict[str, list[str]] | None) -> str:
    return json.dumps(applied or {}, sort_keys=True)


def leaf_facets(facets: Any) -> list[tuple[str, list[tuple[str, int]]]]:
    """(facetParameter, [(value id, count)]) of every facet, groups such as `locationMainGroup` flattened."""
    found: list[tuple[str, list[tuple[str, int]]]] = []
    for facet in as_list(facets):
        facet = as_dict(facet)
        parameter, values = as_text(facet.get("facetParameter")), as_list(facet.get("values"))
        if any(as_dict(value).get("facetParameter") for value in values):
            found += leaf_facets(values)
            continue
        pairs = [(as_text(as_dict(value).get("id")), as_number(as_dict(value).get("count"))) for value in values]
        pairs = [(value_id, int(count)) for value_id, count in pairs if value_id and count]
        if parameter and pairs:
            found.append((parameter, pairs))
    return found


def choose_partition(facets: Any, applied: dict[str, list[str]], total: int):
    """The facet that splits a capped listing: not applied yet, two values or more, covering `total`
    if any does, then with the fewest values still at the cap, then the fewest values; None if none."""
    candidates = [(parameter, pairs) for parameter, pairs in leaf_facets(facets)
                  if parameter not in applied and len(pairs) >= 2]
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: (
        sum(count for _, count in candidate[1]) < total,
        sum(count >= RESULT_CAP for _, count in candidate[1]),
        len(candidate[1])))


def posting_id(external_path: str) -> str:
    """The posting's id from its path: the part after the last "_" of the last segment
    ("/job/Houston-TX/HIM-Specialist_JR-13515-2" -> "JR-13515-2"); unique per posting, unlike jobReqId."""
    segment = external_path.rstrip("/").rsplit("/", 1)[-1]
    return segment.rsplit("_", 1)[-1] if "_" in segment else segment


def posted_from_relative(text: Any, reference: datetime) -> datetime | None:
    """"Posted Today / Yesterday / 3 Days Ago" against a fixed reference; "30+ Days Ago" is unknown."""
    match = _POSTED_RE.search(as_text(text) or "")
    if not match or "+" in (as_text(text) or ""):
        return None
    days = 0 if match["today"] else 1 if match["yesterday"] else int(match["days"])
    day = reference.astimezone(UTC).date() - timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class WorkdaySpider(PlatformSpider):
    name = "workday"
    platform = "workday"

    def public_api_root(self, source: SourceConfig) -> str:
        ids = source.identifiers
        return f"https://{ids['tenant']}.{instance_host(ids['instance'])}.myworkdayjobs.com"

    def site_path(self, source: SourceConfig) -> str:
        return f"/wday/cxs/{segment(source.identifiers['tenant'])}/{segment(source.identifiers['site'])}"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        for search in searches_for(source):
            yield self.list_request(source, search, 0, None)

    def list_request(self, source: SourceConfig, search: str, offset: int, total: int | None,
                     applied: dict[str, list[str]] | None = None):
        root = self.api_root(source)
        body = {"appliedFacets": applied or {}, "limit": PAGE_SIZE, "offset": offset, "searchText": search}
        headers = {"Accept-Language": "en-US", "Origin": root,
                   "Referer": f"{root}/en-US/{segment(source.identifiers['site'])}"}
        return self.request(f"{root}{self.site_path(source)}/jobs", source, self.parse_list, method="POST",
                            body=body, headers=headers,
                            cb_kwargs={"search": search, "offset": offset, "total": total, "applied": applied or {}})

    @guarded(CrawlStatus.FAILED)
    def parse_list(self, response, search: str, offset: int, total: int | None,
                   applied: dict[str, list[str]] | None = None) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        source = run.source
        data = self.json(response)
        if not isinstance(data, dict):
            raise ShapeError("expected a JSON object with 'jobPostings'")
        postings = data.get("jobPostings")
        page_total = as_number(data.get("total"))
        if postings is None and offset == 0 and page_total == 0:
            postings = []  # an empty board may leave the list out
        if not isinstance(postings, list):
            raise ShapeError("expected a 'jobPostings' list")
        applied = applied or {}
        listing = f"{search}\x1f{_facet_key(applied)}"  # this search under these facets, in the ledger
        if offset == 0:  # later pages' totals are unreliable (0 at offset 1980 on a 2000 board)
            total = int(page_total) if page_total is not None else None
            self.expect_total(run, total, search=listing)
        fresh = self.fresh_records(run, postings, [_path_of(posting) for posting in postings],
                                   search=listing, offset=offset)
        if fresh is None:
            run.record_error(f"search {search!r}: offset {offset} repeated earlier postings; the tenant caps "
                             f"its results, postings beyond offset {offset} were not listed", kind=CrawlStatus.PARTIAL)
            return
        yield from self.map_each(run, fresh, lambda posting: self.posting_or_detail(run, posting))
        if offset == 0 and total is not None and total >= RESULT_CAP and postings:
            partition = choose_partition(data.get("facets"), applied, total)
            if partition is not None:  # each part checks its own total; the parts' cover is checked there
                run.expected_totals.pop(listing, None)
                yield from self._partition(run, search, applied, total, partition)
                return
        next_offset = offset + PAGE_SIZE
        more = next_offset < total if total is not None else len(postings) >= PAGE_SIZE
        if not postings or not more:
            if total == RESULT_CAP and next_offset >= RESULT_CAP:
                self._capped(run, search, total, applied)
            return
        limit = min(total, MAX_OFFSET) if total is not None and total > RESULT_CAP else RESULT_CAP
        if next_offset >= limit:
            self._capped(run, search, total, applied)
            return
        yield self.list_request(source, search, next_offset, total, applied)

    def _partition(self, run: SourceRun, search: str, applied: dict[str, list[str]], total: int,
                   partition: tuple[str, list[tuple[str, int]]]) -> Iterator[Any]:
        """List a capped listing again once per value of `partition`'s facet."""
        parameter, values = partition
        covered = sum(count for _, count in values)
        self.crawler.stats.inc_value("emr/workday/result_cap")
        self.crawler.stats.inc_value(f"emr/workday/partition/{parameter}")
        run.notes.setdefault("result_cap", {})[_facet_key(applied)] = total
        run.notes.setdefault("partitions", []).append(
            {"search": search, "applied": applied, "facet": parameter, "values": len(values), "covered": covered})
        if covered < total:
            run.record_error(f"search {search!r}: facet {parameter} covers {covered} of {total} postings; "
                             "postings without a value were not listed", kind=CrawlStatus.PARTIAL)
        for value_id, _count in values:
            yield self.list_request(run.source, search, 0, None, {**applied, parameter: [value_id]})

    def _capped(self, run: SourceRun, search: str, total: int | None,
                applied: dict[str, list[str]] | None = None) -> None:
        """A cap no facet could split: the postings beyond it are unseen, the crawl is partial."""
        self.crawler.stats.inc_value("emr/workday/result_cap")
        self.crawler.stats.inc_value("emr/workday/result_cap_unsplit")
        run.notes.setdefault("result_cap", {})[_facet_key(applied)] = total
        run.record_error(f"search {search!r} (facets {_facet_key(applied)}) reached the result cap (total {total}) "
                         "and no facet splits it; postings beyond it were not listed", kind=CrawlStatus.PARTIAL)

    def posting_or_detail(self, run: SourceRun, posting: dict[str, Any]) -> Any:
        source = run.source
        item = self.map_listing(run, posting)
        return self.detail_or_item(source, item, f"{self.api_root(source)}{self.site_path(source)}{_path_of(posting)}")

    def map_listing(self, run: SourceRun, posting: dict[str, Any]):
        source = run.source
        path = _path_of(posting)
        if path is None:
            raise ValueError("posting without externalPath")
        bullets = [as_text(bullet) for bullet in as_list(posting.get("bulletFields"))]
        bullets = [bullet for bullet in bullets if bullet]
        requisition = next((bullet for bullet in bullets if _REQ_ID_RE.match(bullet)), None)
        location = as_text(posting.get("locationsText")) or next(
            (bullet for bullet in bullets if bullet != requisition and not _REQ_ID_RE.match(bullet)), None)
        ids = source.identifiers
        public_root = f"https://{ids['tenant']}.{instance_host(ids['instance'])}.myworkdayjobs.com"
        return self.new_item(
            source,
            external_id=posting_id(path),
            requisition_id=requisition,
            url=f"{public_root}/en-US/{segment(ids['site'])}{path}",
            title=as_text(posting.get("title")),
            location=location,
            workplace_type=as_text(posting.get("remoteType")),
            posted_at=posted_from_relative(posting.get("postedOn"), run.started_at),
            raw={"listing": posting},
        )

    @guarded(CrawlStatus.PARTIAL)
    def parse_detail(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        data = self.json(response)
        info = data.get("jobPostingInfo") if isinstance(data, dict) else None
        if not isinstance(info, dict):
            raise ShapeError("expected an object with 'jobPostingInfo'")
        fallback = response.meta.get("fallback_item")
        item = fallback.copy() if fallback is not None else self.item_without_listing(run, info)
        for name, value in self.detail_fields(info, as_dict(data.get("hiringOrganization"))).items():
            if value is not None:
                item[name] = value
        item["raw"] = {"listing": item["raw"].get("listing"), "detail": data}
        yield self.emit(run, item)

    def item_without_listing(self, run: SourceRun, info: dict[str, Any]):
        """A detail fetched on its own (no list-level item): the posting id from its posting id or URL."""
        reference = as_text(info.get("jobPostingId")) or as_text(info.get("externalUrl"))
        if reference is None:
            raise ShapeError("detail without jobPostingId or externalUrl")
        return self.new_item(run.source, external_id=posting_id(reference), raw={"listing": None})

    def detail_fields(self, info: dict[str, Any], organization: dict[str, Any]) -> dict[str, Any]:
        countries = [as_dict(info.get("country")), as_dict(as_dict(info.get("jobRequisitionLocation")).get("country"))]
        country_code = next((as_text(c.get("alpha2Code")) for c in countries if as_text(c.get("alpha2Code"))),
                            None) or next((as_text(c.get("descriptor")) for c in countries if as_text(c.get("descriptor"))), None)
        start = parse_datetime(info.get("startDate"))
        return {
            "title": as_text(info.get("title")),
            "description": as_text(info.get("jobDescription")),
            "location": as_text(info.get("location"))
            or as_text(as_dict(info.get("jobRequisitionLocation")).get("descriptor")),
            "locations": [{"city": None, "state": None, "country": country_code}] if country_code else None,
            "posted_at": start,
            "valid_through": parse_datetime(info.get("endDate")),
            "employment_type": as_text(info.get("timeType")),
            "workplace_type": as_text(info.get("remoteType")),
            "requisition_id": as_text(info.get("jobReqId")),
            "url": as_text(info.get("externalUrl")),
            "employer": as_text(organization.get("name")) or as_text(organization.get("descriptor")),
        }


def _path_of(posting: Any) -> str | None:
    """The posting's `externalPath`, made safe to append to the site's URL: rooted, no `..`
    segment, `?` and `#` (and anything else outside a path) percent-encoded."""
    path = as_text(as_dict(posting).get("externalPath"))
    if path is None:
        return None
    if ".." in path.split("/"):
        raise ValueError(f"externalPath with a '..' segment: {path[:80]!r}")
    path = quote(path, safe="/%-._~!$&'()*+,;=:@")
    return path if path.startswith("/") else f"/{path}"
