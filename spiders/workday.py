"""Workday CXS career-site API: POST a search (all four body keys, 20 a page) for each occupation
query, then GET each relevant posting's detail for its description, start date and work mode.

Paging: `total` is read from the first page of each search only (later pages may say 0); paging
stops on an empty page, on a page that repeats postings already listed for that search, and at the
2,000-result cap that large tenants apply (reported as a partial crawl, since postings beyond it are
unseen). Postings are de-duplicated across the searches of one source by `externalPath`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from spiders.base import PlatformSpider, ShapeError, SourceRun, guarded
from spiders.fields import as_dict, as_list, as_number, as_text, parse_datetime
from spiders.registry import SourceConfig
from spiders.safety import segment

PAGE_SIZE = 20  # tenants reject or ignore more
RESULT_CAP = 2000  # large tenants serve page 0 again past this offset
MAX_OFFSET = 10_000  # a hard stop for tenants whose `total` is above the cap
# Searched one after the other when a source names no `search`; `search = "*"` lists the whole site.
DEFAULT_SEARCHES = ("health information", "medical records", "medical coder", "release of information",
                    "clinical documentation", "cancer registrar")
_REQ_ID_RE = re.compile(r"^[A-Za-z]{0,8}[-_ ]?\d[\w-]*$")
_POSTED_RE = re.compile(r"posted\s+(?:(?P<today>today)|(?P<yesterday>yesterday)|(?P<days>\d+)\s+days?\s+ago)", re.I)


def instance_host(instance: str) -> str:
    """"wd5", "WD5" and "5" all name the wd5 data centre."""
    cleaned = str(instance).strip().lower()
    return cleaned if cleaned.startswith("wd") else f"wd{cleaned}"


def searches_for(source: SourceConfig) -> tuple[str, ...]:
    search = as_text(source.identifiers.get("search"))
    if search == "*":
        return ("",)
    return (search,) if search else DEFAULT_SEARCHES


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

    def list_request(self, source: SourceConfig, search: str, offset: int, total: int | None):
        root = self.api_root(source)
        body = {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset, "searchText": search}
        headers = {"Accept-Language": "en-US", "Origin": root,
                   "Referer": f"{root}/en-US/{segment(source.identifiers['site'])}"}
        return self.request(f"{root}{self.site_path(source)}/jobs", source, self.parse_list, method="POST",
                            body=body, headers=headers,
                            cb_kwargs={"search": search, "offset": offset, "total": total})

    @guarded("failed")
    def parse_list(self, response, search: str, offset: int, total: int | None) -> Iterator[Any]:
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
        if offset == 0:  # later pages' totals are unreliable (0 at offset 1980 on a 2000 board)
            total = int(page_total) if page_total is not None else None
            self.expect_total(run, total, search=search)
        fresh = self.fresh_records(run, postings, [_path_of(posting) for posting in postings],
                                   search=search, offset=offset)
        if fresh is None:
            run.record_error(f"search {search!r}: offset {offset} repeated earlier postings; the tenant caps "
                             f"its results, postings beyond offset {offset} were not listed", kind="partial")
            return
        yield from self.map_each(run, fresh, lambda posting: self.posting_or_detail(run, posting))
        next_offset = offset + PAGE_SIZE
        more = next_offset < total if total is not None else len(postings) >= PAGE_SIZE
        if not postings or not more:
            if total == RESULT_CAP and next_offset >= RESULT_CAP:
                self._capped(run, search, total)
            return
        limit = min(total, MAX_OFFSET) if total is not None and total > RESULT_CAP else RESULT_CAP
        if next_offset >= limit:
            self._capped(run, search, total)
            return
        yield self.list_request(source, search, next_offset, total)

    def _capped(self, run: SourceRun, search: str, total: int | None) -> None:
        self.crawler.stats.inc_value("emr/workday/result_cap")
        run.record_error(f"search {search!r} reached the result cap (total {total}); postings beyond it "
                         "were not listed", kind="partial")

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

    @guarded("partial")
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
