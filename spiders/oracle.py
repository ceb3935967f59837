"""Oracle Recruiting Cloud (Fusion HCM candidate experience): the `findReqs` finder without a
keyword lists every requisition of the site, paged by offset to the end; a requisition's detail
(`expand=all`: description sections, flex fields) is requested only when its listed title passes the
relevance rules or cannot tell (emr_jobs.spiders.base.detail_or_item). A registry `keyword` narrows the site
to one query (for a site too large to list); `keyword = "*"` is the whole site.

Quirks handled: `expand=requisitionList...` is mandatory (a list without `requisitionList` is a
changed shape, never an empty board); `TotalJobsCount` is read on the first page only and drifts;
the server silently caps `limit` at 200, so a short page ends paging; finder punctuation (`;`, `,`,
`=`) stays literal while keyword and ids are quoted; an unknown requisition's detail is `items: []`
(the list's version is kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from emr_jobs.spiders.base import PlatformSpider, ShapeError, SourceRun, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.safety import segment
from emr_jobs.spiders.values import as_dict, as_list, as_number, as_text, parse_datetime
from emr_jobs.vocabulary import CrawlStatus

PAGE_SIZE = 25  # what the career site itself asks for; at most 200 is honoured
MAX_OFFSET = 10_000
LIST_EXPAND = "requisitionList.secondaryLocations,requisitionList.requisitionFlexFields"
RESOURCES = "/hcmRestApi/resources/latest"
WORKPLACE_CODES = {"ORA_ON_SITE": "On-site", "ORA_ONSITE": "On-site", "ORA_REMOTE": "Remote", "ORA_HYBRID": "Hybrid"}
DESCRIPTION_SECTIONS = ("ExternalDescriptionStr", "ExternalResponsibilitiesStr", "ExternalQualificationsStr")
# Flex fields some tenants use for pay ("Minimum Pay" / "Maximum Pay", "Salary Range", "Pay Frequency")
# and for the schedule ("Full-Time/Part-Time") when JobSchedule is empty.
PAY_PROMPT_RE = re.compile(r"\b(?:pay|salary|wage|rate|compensation)\b", re.I)
NOT_PAY_PROMPT_RE = re.compile(r"\b(?:grade|band|step|level|differential|bonus|incentive)\b", re.I)
PAY_MIN_RE = re.compile(r"\b(?:min(?:imum)?|low(?:er)?|starting)\b", re.I)
PAY_MAX_RE = re.compile(r"\b(?:max(?:imum)?|high(?:er)?|top)\b", re.I)
PAY_INTERVAL_PROMPT_RE = re.compile(r"\b(?:frequency|basis|period|unit|type)\b", re.I)
PAY_UNIT_WORD_RE = re.compile(r"\b(?:hourly|hour|annual(?:ly)?|year(?:ly)?|weekly|monthly)\b", re.I)
SCHEDULE_PROMPT_RE = re.compile(r"full.?time|part.?time|employment type|time type|\bschedule\b", re.I)


def keywords_for(source: SourceConfig) -> tuple[str | None, ...]:
    """The whole site (no keyword), unless the registry narrows the source to one `keyword`."""
    keyword = as_text(source.identifiers.get("keyword"))
    return (keyword,) if keyword and keyword != "*" else (None,)


def _finder_value(value: str) -> str:
    """A finder attribute value: percent-encode everything, the finder's own , ; = included."""
    return quote(value, safe="")


class OracleSpider(PlatformSpider):
    name = "oracle"
    platform = "oracle"

    def public_api_root(self, source: SourceConfig) -> str:
        return f"https://{source.identifiers['host']}"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        for keyword in keywords_for(source):
            yield self.list_request(source, keyword, 0, None)

    def list_request(self, source: SourceConfig, keyword: str | None, offset: int, total: int | None):
        site = _finder_value(source.identifiers["site_number"])
        finder = f"findReqs;siteNumber={site},limit={PAGE_SIZE},offset={offset},sortBy=POSTING_DATES_DESC"
        if keyword:
            finder += f",keyword=%22{_finder_value(keyword)}%22"
        url = (f"{self.api_root(source)}{RESOURCES}/recruitingCEJobRequisitions"
               f"?onlyData=true&expand={LIST_EXPAND}&finder={finder}")
        return self.request(url, source, self.parse_list,
                            cb_kwargs={"keyword": keyword, "offset": offset, "total": total})

    @guarded(CrawlStatus.FAILED)
    def parse_list(self, response, keyword: str | None, offset: int, total: int | None) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        source = run.source
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ShapeError("expected an object with an 'items' list")
        envelope = data["items"][0] if data["items"] else {"TotalJobsCount": 0, "requisitionList": []}
        if not isinstance(envelope, dict):
            raise ShapeError("expected 'items' to hold a search object")
        page_total = as_number(envelope.get("TotalJobsCount"))
        requisitions = envelope.get("requisitionList")
        if requisitions is None and page_total == 0:
            requisitions = []
        if not isinstance(requisitions, list):
            raise ShapeError("no 'requisitionList' in the search result (expand ignored or shape changed)")
        if offset == 0:  # the count is only meaningful on the first page, and drifts between calls
            total = int(page_total) if page_total is not None else None
            self.expect_total(run, total, search=keyword or "")
        fresh = self.fresh_records(run, requisitions, [_id_of(requisition) for requisition in requisitions],
                                   search=keyword or "", offset=offset)
        if fresh is None:
            run.record_error(f"keyword {keyword!r}: offset {offset} repeated earlier requisitions; "
                             "paging stopped there", kind=CrawlStatus.PARTIAL)
            return
        yield from self.map_each(run, fresh, lambda requisition: self.posting_or_detail(run, requisition))
        next_offset = offset + len(requisitions)
        if len(requisitions) < PAGE_SIZE or (total is not None and next_offset >= total):
            return
        if next_offset >= MAX_OFFSET:
            run.record_error(f"keyword {keyword!r}: stopped at offset {next_offset} of {total}", kind=CrawlStatus.PARTIAL)
            return
        yield self.list_request(source, keyword, next_offset, total)

    def posting_or_detail(self, run: SourceRun, requisition: dict[str, Any]) -> Any:
        source = run.source
        item = self.map_requisition(source, requisition)
        site = _finder_value(source.identifiers["site_number"])
        url = (f"{self.api_root(source)}{RESOURCES}/recruitingCEJobRequisitionDetails?expand=all&onlyData=true"
               f"&finder=ById;Id=%22{_finder_value(item['external_id'])}%22,siteNumber={site}")
        return self.detail_or_item(source, item, url)

    def map_requisition(self, source: SourceConfig, requisition: dict[str, Any]):
        external_id = _id_of(requisition)
        if external_id is None:
            raise ValueError("requisition without Id")
        ids = source.identifiers
        country = as_text(requisition.get("PrimaryLocationCountry"))
        pay_ranges, pay_text = _flex_pay(requisition)
        return self.new_item(
            source,
            external_id=external_id,
            url=(f"https://{ids['host']}/hcmUI/CandidateExperience/en/sites/{segment(ids['site_number'])}"
                 f"/job/{segment(external_id)}"),
            title=as_text(requisition.get("Title")),
            location=as_text(requisition.get("PrimaryLocation")),
            locations=[{"city": None, "state": None, "country": country}] if country else None,
            description=_description(requisition, as_text(requisition.get("ShortDescriptionStr"))),
            pay_ranges=pay_ranges,
            pay_text=pay_text,
            workplace_type=_workplace(requisition),
            employment_type=as_text(requisition.get("JobSchedule")) or as_text(requisition.get("JobType"))
            or _flex_schedule(requisition),
            posted_at=parse_datetime(requisition.get("PostedDate"))
            or parse_datetime(requisition.get("ExternalPostedStartDate")),
            valid_through=parse_datetime(requisition.get("PostingEndDate")),
            raw={"listing": requisition},
        )

    @guarded(CrawlStatus.PARTIAL)
    def parse_detail(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        fallback = response.meta.get("fallback_item")
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ShapeError("expected an object with an 'items' list")
        if not data["items"]:  # unknown or just withdrawn: the listing still says it is open
            self.crawler.stats.inc_value("emr/oracle/detail_empty")
            if fallback is not None:
                yield self.emit(run, fallback)
            return
        detail = data["items"][0]
        if not isinstance(detail, dict):
            raise ShapeError("expected 'items' to hold a requisition object")
        if fallback is None:  # a detail fetched on its own: its own fields stand in for the listing's
            fallback = self.map_requisition(run.source, detail)
            fallback["raw"] = {"listing": None}
        item = fallback.copy()
        work_location = next((place for place in as_list(detail.get("workLocation")) if isinstance(place, dict)), {})
        structured = {"city": as_text(work_location.get("TownOrCity")), "state": as_text(work_location.get("Region2")),
                      "country": as_text(work_location.get("Country"))}
        updates = {
            "title": as_text(detail.get("Title")),
            "description": _description(detail, as_text(as_dict(fallback["raw"]["listing"]).get("ShortDescriptionStr"))),
            "location": as_text(detail.get("PrimaryLocation")) if not item.get("location") else None,
            "locations": [structured] if any(structured.values()) else None,
            "workplace_type": _workplace(detail) if not item.get("workplace_type") else None,
            "employment_type": (as_text(detail.get("JobSchedule")) or _flex_schedule(detail))
            if not item.get("employment_type") else None,
            "posted_at": parse_datetime(detail.get("ExternalPostedStartDate")) if not item.get("posted_at") else None,
            "valid_through": parse_datetime(detail.get("ExternalPostedEndDate")),
            "requisition_id": as_text(detail.get("RequisitionNumber")),
        }
        pay_ranges, pay_text = _flex_pay(detail)
        if pay_ranges or pay_text:
            updates.update(pay_ranges=pay_ranges, pay_text=pay_text)
        for name, value in updates.items():
            if value is not None:
                item[name] = value
        item["raw"] = {"listing": fallback["raw"].get("listing"), "detail": detail}
        yield self.emit(run, item)


def _id_of(requisition: Any) -> str | None:
    return as_text(as_dict(requisition).get("Id"))


def _workplace(record: dict[str, Any]) -> str | None:
    """The readable workplace label; the ORA_* code when the label is empty."""
    label = as_text(record.get("WorkplaceType"))
    code = as_text(record.get("WorkplaceTypeCode"))
    return label or (WORKPLACE_CODES.get(code.upper(), code) if code else None)


def _description(record: dict[str, Any], summary: str | None) -> str | None:
    """The posting's own sections (else the list's short summary) and its flex fields, where
    requirements can live alone; the corporate boilerplate is left out."""
    parts = [text for text in (as_text(record.get(name)) for name in DESCRIPTION_SECTIONS) if text]
    if not parts and summary:
        parts.append(f"<p>{summary}</p>" if not summary.startswith("<") else summary)
    for flex in as_list(record.get("requisitionFlexFields")):
        flex = as_dict(flex)
        prompt, value = as_text(flex.get("Prompt")), as_text(flex.get("Value"))
        if value:
            parts.append(f"<h3>{prompt}</h3><p>{value}</p>" if prompt else f"<p>{value}</p>")
    return "\n".join(parts) or None


def _flex_fields(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for flex in as_list(record.get("requisitionFlexFields")):
        flex = as_dict(flex)
        prompt, value = as_text(flex.get("Prompt")), as_text(flex.get("Value"))
        if prompt and value:
            yield prompt, value


def _flex_pay(record: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, str | None]:
    """Pay from flex fields: a minimum and a maximum amount each in its own field (one range, its
    interval from a "Pay Frequency" field or the prompt's own unit word, else left to the magnitude),
    or pay written out as text ("Salary Range: $78000 - $124750 annually")."""
    low = high = interval = None
    texts: list[str] = []
    for prompt, value in _flex_fields(record):
        if not PAY_PROMPT_RE.search(prompt) or NOT_PAY_PROMPT_RE.search(prompt):
            continue
        number = as_number(value)
        if PAY_INTERVAL_PROMPT_RE.search(prompt) and number is None:
            interval = interval or value
        elif number is not None and PAY_MIN_RE.search(prompt) and not PAY_MAX_RE.search(prompt):
            low = number
            interval = interval or _unit_word(prompt)
        elif number is not None and PAY_MAX_RE.search(prompt) and not PAY_MIN_RE.search(prompt):
            high = number
            interval = interval or _unit_word(prompt)
        elif any(ch.isdigit() for ch in value):
            texts.append(f"{prompt}: {value}")
    ranges = ([{"min": low, "max": high, "currency": None, "interval": interval}]
              if low is not None or high is not None else None)
    return ranges, "\n".join(texts) or None


def _unit_word(prompt: str) -> str | None:
    match = PAY_UNIT_WORD_RE.search(prompt)
    return match.group(0) if match else None


def _flex_schedule(record: dict[str, Any]) -> str | None:
    """A "Full-Time/Part-Time" (or "Employment Type") flex field's value."""
    return next((value for prompt, value in _flex_fields(record)
                 if SCHEDULE_PROMPT_RE.search(prompt) and not PAY_PROMPT_RE.search(prompt)), None)
