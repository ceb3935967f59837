"""SmartRecruiters Posting API: the company's postings page by page (`limit`/`offset`, until
`totalFound`), then each relevant posting's detail for its job ad sections, URLs and, when a
company sends one, a structured `compensation`. List items carry no description or URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from emr_jobs.pipeline.location import country_code
from emr_jobs.spiders.base import PlatformSpider, ShapeError, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.values import as_bool, as_dict, as_list, as_number, as_text, parse_datetime
from emr_jobs.vocabulary import CrawlStatus

PAGE_SIZE = 100
MAX_PAGES = 200  # 20,000 postings: far above any healthcare employer's board
# The job ad's sections in reading order, with the titles SmartRecruiters shows by default.
SECTION_TITLES = {
    "companyDescription": "Company Description",
    "jobDescription": "Job Description",
    "qualifications": "Qualifications",
    "additionalInformation": "Additional Information",
}


class SmartRecruitersSpider(PlatformSpider):
    name = "smartrecruiters"
    platform = "smartrecruiters"
    default_api_root = "https://api.smartrecruiters.com"
    public_root = "https://jobs.smartrecruiters.com"

    def postings_url(self, source: SourceConfig, suffix: str = "") -> str:
        company = quote(source.identifiers["company"], safe="")
        return f"{self.api_root(source)}/v1/companies/{company}/postings{suffix}"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        yield self.page_request(source, 0)

    def page_request(self, source: SourceConfig, offset: int):
        url = self.postings_url(source, f"?limit={PAGE_SIZE}&offset={offset}")
        return self.request(url, source, self.parse_page, cb_kwargs={"offset": offset})

    @guarded(CrawlStatus.FAILED)
    def parse_page(self, response, offset: int = 0) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        source = run.source
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise ShapeError("expected an object with a 'content' list")
        content = data["content"]
        # a posting can shift from one page to the next while the board is read
        ids = [as_text(as_dict(posting).get("id")) for posting in content]
        fresh = self.fresh_records(run, content, ids) or []
        yield from self.map_each(run, fresh, lambda posting: self.posting_or_detail(source, posting))
        total = as_number(data.get("totalFound"))
        if offset == 0:
            self.expect_total(run, total)
        next_offset = offset + len(content)
        page_number = offset // PAGE_SIZE + 1
        if total is None and len(content) >= PAGE_SIZE:  # no total: a full page means there may be more
            total = next_offset + 1
        if content and total is not None and next_offset < total:
            if page_number >= MAX_PAGES:
                run.record_error(f"{response.url}: stopped after {MAX_PAGES} pages of {int(total)} postings",
                                 kind=CrawlStatus.PARTIAL)
            else:
                yield self.page_request(source, next_offset)
        elif total is not None and next_offset < total:
            # an empty page before totalFound: the listing ends short of its count (see expect_total)
            self.crawler.stats.inc_value("emr/smartrecruiters/total_mismatch")

    def posting_or_detail(self, source: SourceConfig, posting: dict[str, Any]) -> Any:
        item = self.map_posting(source, posting)
        return self.detail_or_item(source, item, self.postings_url(source, f"/{quote(item['external_id'], safe='')}"))

    @guarded(CrawlStatus.PARTIAL)
    def parse_detail(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        list_item = response.meta["fallback_item"]
        detail = self.json(response)
        if not isinstance(detail, dict):
            raise ShapeError("expected a posting object")
        merged = {**list_item["raw"], **{key: value for key, value in detail.items() if value is not None}}
        item = self.map_posting(run.source, merged)
        for name in ("title", "location", "locations", "posted_at", "employment_type"):
            if item.get(name) is None and list_item.get(name) is not None:
                item[name] = list_item[name]
        yield self.emit(run, item)

    def map_posting(self, source: SourceConfig, posting: dict[str, Any]):
        external_id = as_text(posting["id"])
        if external_id is None:
            raise ValueError("posting without id")
        location = as_dict(posting.get("location"))
        remote, hybrid = as_bool(location.get("remote")), as_bool(location.get("hybrid"))
        workplace = None
        if hybrid:
            workplace = "hybrid"
        elif remote:
            workplace = "remote"
        elif remote is False and hybrid is False:
            workplace = "onsite"
        country = as_text(location.get("country"))
        country = country.upper() if country else None
        city, region = _place_parts(location, country)
        # the country by name: a bare code in free text reads as a state ("CA", "IN", "DE")
        country_name = (as_text(location.get("fullLocation")) or "").rsplit(",", 1)[-1].strip()
        if len(country_name) <= 2:
            country_name = "United States" if country == "US" else None
        place = ", ".join(part for part in (city, region, country_name) if part)
        company = as_text(as_dict(posting.get("company")).get("identifier")) or source.identifiers["company"]
        return self.new_item(
            source,
            external_id=external_id,
            requisition_id=as_text(posting.get("refNumber")),
            # list items carry no URL: the public page answers at /{company}/{id} too
            url=as_text(posting.get("postingUrl")) or as_text(posting.get("applyUrl"))
            or f"{self.public_root}/{quote(company, safe='')}/{quote(external_id, safe='')}",
            title=as_text(posting.get("name")),
            location=place or _clean_full_location(location.get("fullLocation")),
            locations=[{"city": city, "state": region, "country": country}] if city or region or country else None,
            description=_job_ad_html(posting.get("jobAd")),
            pay_ranges=_compensation(posting.get("compensation")),
            workplace_type=workplace,
            remote=remote,
            employment_type=_label(posting.get("typeOfEmployment")),
            posted_at=parse_datetime(posting.get("releasedDate")) or parse_datetime(posting.get("createdOn")),
            raw=posting,
        )


def _place_parts(location: dict[str, Any], country: str | None) -> tuple[str | None, str | None]:
    """City and region of a location; remote postings put the country's name in `city` and
    "REMOTE" in `region` ("Poland, REMOTE, Poland"), which are neither."""
    city, region = as_text(location.get("city")), as_text(location.get("region"))
    if region and region.lower() == "remote":
        region = None
    country_name = (as_text(location.get("fullLocation")) or "").rsplit(",", 1)[-1].strip().lower()
    if city and country and (city.lower() == country_name or country_code(city) == country) and city.upper() != country:
        city = None
    return city, region


def _label(value: Any) -> str | None:
    """`{"id": ..., "label": ...}` objects (sometimes `{}` or a bare string) as their label."""
    if isinstance(value, dict):
        return as_text(value.get("label")) or as_text(value.get("id"))
    return as_text(value)


def _clean_full_location(value: Any) -> str | None:
    """`fullLocation` can carry empty parts ("Dublin, , Ireland")."""
    text = as_text(value)
    if not text:
        return None
    return ", ".join(part.strip() for part in text.split(",") if part.strip()) or None


def _job_ad_html(job_ad: Any) -> str | None:
    """The job ad's sections as one HTML document, each under its own heading."""
    sections = as_dict(as_dict(job_ad).get("sections"))
    names = list(SECTION_TITLES) + [name for name in sections if name not in SECTION_TITLES]
    parts = []
    for name in names:
        section = sections.get(name)
        if not isinstance(section, dict):
            continue
        text = as_text(section.get("text"))
        if not text:
            continue
        title = as_text(section.get("title")) or SECTION_TITLES.get(name)
        if title:
            parts.append(f"<h3>{title}</h3>")
        parts.append(text)
    return "\n".join(parts) or None


def _compensation(value: Any) -> list[dict[str, Any]] | None:
    """A structured `compensation: {min, max, currency, period}` seen on some postings."""
    ranges = []
    for entry in as_list(value):
        if not isinstance(entry, dict):
            continue
        low, high = as_number(entry.get("min")), as_number(entry.get("max"))
        if low is None and high is None:
            continue
        ranges.append({"min": low, "max": high, "currency": as_text(entry.get("currency")),
                       "interval": as_text(entry.get("period")) or as_text(entry.get("interval"))})
    return ranges or None
