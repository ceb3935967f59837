"""USAJOBS Search API: federal postings by occupational series (JobCategoryCode) and keyword,
paged with Page/ResultsPerPage; every field comes with the search result, so there is no detail call.

Credentials: the public API needs `USAJOBS_API_KEY` (header Authorization-Key) and `USAJOBS_EMAIL`
(the e-mail registered with the key, sent as User-Agent). Without them a source aimed at
data.usajobs.gov is not crawled and its run is recorded as failed with a message naming both
variables. A source whose base_url points elsewhere (a mirror, the demo, tests) is crawled without
them, and gets them if they are set.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from emr_jobs.pipeline.location import country_code, state_code
from emr_jobs.spiders.base import PlatformSpider, ShapeError, SourceRun, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.safety import host_of
from emr_jobs.spiders.values import as_bool, as_dict, as_list, as_number, as_text, parse_datetime
from emr_jobs.vocabulary import CrawlStatus

PUBLIC_HOST = "data.usajobs.gov"
CREDENTIAL_HEADERS = ("Authorization-Key", "User-Agent")  # sent to the API's own host only
API_KEY_ENV = "USAJOBS_API_KEY"
EMAIL_ENV = "USAJOBS_EMAIL"
RESULTS_PER_PAGE = 250  # the API allows up to 500
MAX_RESULTS = 10_000
EASTERN = ZoneInfo("America/New_York")  # USAJOBS timestamps carry no zone
# Searched one after the other when a source names neither `series` nor `keyword`.
DEFAULT_SEARCHES = (
    {"JobCategoryCode": "0675"},  # Medical Records Technician
    {"JobCategoryCode": "0669"},  # Medical Records Administration
    {"Keyword": "health information"},
    {"Keyword": "medical coder"},
    {"Keyword": "release of information"},
    {"Keyword": "cancer registrar"},
)
SCHEDULE_CODES = {"1": "Full-time", "2": "Part-time", "3": "Shift work", "4": "Intermittent",
                  "5": "Job sharing", "6": "Multiple schedules"}
_MARKUP_RE = re.compile(r"<[A-Za-z/][^>]*>|&(?:[A-Za-z]+|#\d+);")


def searches_for(source: SourceConfig) -> list[dict[str, str]]:
    """The query parameters of each search of a source; organization and location narrow them all."""
    ids = source.identifiers
    own = {name: value for name, value in (("JobCategoryCode", as_text(ids.get("series"))),
                                           ("Keyword", as_text(ids.get("keyword")))) if value}
    narrow = {name: value for name, value in (("Organization", as_text(ids.get("organization"))),
                                              ("LocationName", as_text(ids.get("location")))) if value}
    return [{**search, **narrow} for search in ([own] if own else DEFAULT_SEARCHES)]


class UsajobsSpider(PlatformSpider):
    name = "usajobs"
    platform = "usajobs"
    default_api_root = f"https://{PUBLIC_HOST}"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        run = self.runs[source.key]
        root = self.api_root(source)
        headers = self.credential_headers(root)
        if headers is None:
            self.crawler.stats.inc_value("emr/usajobs/no_credentials")
            run.record_error(f"not crawled: the USAJOBS API needs credentials; set {API_KEY_ENV} (your API key) "
                             f"and {EMAIL_ENV} (the e-mail registered with it)", kind=CrawlStatus.FAILED)
            return
        for search in searches_for(source):
            yield self.page_request(source, search, 1, headers)

    def credential_headers(self, root: str) -> dict[str, str] | None:
        """Headers for `root`; None when the public API is the target and credentials are missing."""
        key, email = as_text(os.environ.get(API_KEY_ENV)), as_text(os.environ.get(EMAIL_ENV))
        public = (urlsplit(root).hostname or "").lower() == PUBLIC_HOST
        if public and not (key and email):
            return None
        headers = {}
        if key:
            headers["Authorization-Key"] = key
        if email:
            headers["User-Agent"] = email
        if public:
            headers["Host"] = PUBLIC_HOST
        return headers

    def page_request(self, source: SourceConfig, search: dict[str, str], page: int, headers: dict[str, str]):
        query = urlencode({**search, "ResultsPerPage": RESULTS_PER_PAGE, "Page": page})
        root = self.api_root(source)
        return self.request(f"{root}/api/Search?{query}", source, self.parse_page, headers=headers,
                            cb_kwargs={"search": search, "page": page, "headers": headers},
                            meta={"credential_host": host_of(root), "credential_headers": CREDENTIAL_HEADERS})

    @guarded(CrawlStatus.FAILED)
    def parse_page(self, response, search: dict[str, str], page: int, headers: dict[str, str]) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        data = self.json(response)
        result = data.get("SearchResult") if isinstance(data, dict) else None
        if not isinstance(result, dict):
            raise ShapeError("expected an object with 'SearchResult'")
        items = result.get("SearchResultItems")
        if items is None and as_number(result.get("SearchResultCount")) == 0:
            items = []
        if not isinstance(items, list):
            raise ShapeError("expected a 'SearchResultItems' list")
        search_key = urlencode(search)
        if page == 1:
            self.expect_total(run, as_number(result.get("SearchResultCountAll")), search=search_key)
        # the same announcement can match several of the source's searches
        ids = [as_text(as_dict(record).get("MatchedObjectId")) for record in items]
        fresh = self.fresh_records(run, items, ids, search=search_key, offset=page - 1) or []
        yield from self.map_each(run, fresh, lambda record: self.map_record(run, record))
        pages = as_number(as_dict(result.get("UserArea")).get("NumberOfPages"))  # a string in practice
        more = page < pages if pages is not None else len(items) >= RESULTS_PER_PAGE
        if not items or not more:
            return
        if page * RESULTS_PER_PAGE >= MAX_RESULTS:
            run.record_error(f"search {search}: stopped after {MAX_RESULTS} results of {int(pages or 0)} pages",
                             kind=CrawlStatus.PARTIAL)
            return
        yield self.page_request(run.source, search, page + 1, headers)

    def map_record(self, run: SourceRun, record: dict[str, Any]):
        external_id = as_text(record["MatchedObjectId"])
        if external_id is None:
            raise ValueError("result without MatchedObjectId")
        descriptor = record["MatchedObjectDescriptor"]
        if not isinstance(descriptor, dict):
            raise TypeError("MatchedObjectDescriptor is not an object")
        details = as_dict(as_dict(descriptor.get("UserArea")).get("Details"))
        telework = details.get("TeleworkEligible")
        telework_flag = as_bool(telework)
        source = run.source
        schedule = as_dict(next(iter(as_list(descriptor.get("PositionSchedule"))), {}))
        return self.new_item(
            source,
            external_id=external_id,
            requisition_id=as_text(descriptor.get("PositionID")),
            url=_public_url(as_text(descriptor.get("PositionURI"))),
            title=as_text(descriptor.get("PositionTitle")),
            employer=as_text(descriptor.get("OrganizationName")) or as_text(descriptor.get("SubAgency"))
            or as_text(descriptor.get("DepartmentName")) or source.employer_name,
            employer_type=source.employer_type or "government",
            location=as_text(descriptor.get("PositionLocationDisplay")),
            locations=[place for place in map(_location, as_list(descriptor.get("PositionLocation"))) if place],
            description=_description(descriptor, details),
            pay_ranges=[pay for pay in map(_pay_range, as_list(descriptor.get("PositionRemuneration"))) if pay],
            remote=as_bool(details.get("RemoteIndicator")),
            telework=("Yes" if telework_flag else "No") if telework_flag is not None else as_text(telework),
            employment_type=as_text(schedule.get("Name")) or SCHEDULE_CODES.get(as_text(schedule.get("Code")) or ""),
            posted_at=parse_datetime(descriptor.get("PublicationStartDate"), assume_tz=EASTERN)
            or parse_datetime(descriptor.get("PositionStartDate"), assume_tz=EASTERN),
            valid_through=parse_datetime(descriptor.get("ApplicationCloseDate"), assume_tz=EASTERN)
            or parse_datetime(descriptor.get("PositionEndDate"), assume_tz=EASTERN),
            occupation_codes=[code for code in (as_text(as_dict(category).get("Code"))
                                                for category in as_list(descriptor.get("JobCategory"))) if code],
            raw=record,
        )


def _public_url(url: str | None) -> str | None:
    return url.replace(":443/", "/", 1) if url else None


def _pay_range(entry: Any) -> dict[str, Any] | None:
    entry = as_dict(entry)
    low, high = as_number(entry.get("MinimumRange")), as_number(entry.get("MaximumRange"))
    if low is None and high is None:
        return None
    return {"min": low, "max": high, "currency": "USD",
            "interval": as_text(entry.get("RateIntervalCode")) or as_text(entry.get("Description"))}


def _location(entry: Any) -> dict[str, Any] | None:
    """{"city", "state", "country"} from a PositionLocation: CityName repeats the state
    ("Warren, Michigan"); remote and multi-location labels have no city."""
    entry = as_dict(entry)
    state_name = as_text(entry.get("CountrySubDivisionCode"))  # a full name: "Michigan"
    country_name = as_text(entry.get("CountryCode"))  # a name: "United States"
    country = country_code(country_name) or country_name
    city = as_text(entry.get("CityName"))
    if city and state_name and city.lower().endswith(f", {state_name.lower()}"):
        city = city[: -len(state_name) - 2].strip() or None
    elif city and "," in city:
        city = city.split(",", 1)[0].strip() or None
    if city and not state_name and city == as_text(entry.get("LocationName")):
        city = None  # "Anywhere in the U.S. (remote job)", "Multiple Locations"
    state = (state_code(state_name) or state_name) if country in (None, "US") else state_name
    if not (city or state or country):
        return None
    return {"city": city, "state": state, "country": country}


def _description(descriptor: dict[str, Any], details: dict[str, Any]) -> str | None:
    """Summary, duties, key requirements, qualifications, education and conditions, as HTML."""
    parts = []

    def add(heading: str | None, value: Any) -> None:
        texts = [as_text(entry) for entry in as_list(value)]
        texts = [text for text in texts if text]
        if not texts:
            return
        if heading:
            parts.append(f"<h3>{heading}</h3>")
        if len(texts) > 1 or isinstance(value, list):
            parts.append("<ul>" + "".join(f"<li>{_paragraph(text)}</li>" for text in texts) + "</ul>")
        else:
            parts.append(f"<p>{_paragraph(texts[0])}</p>")

    add(None, details.get("JobSummary"))
    add("Duties", details.get("MajorDuties"))
    add("Key requirements", details.get("KeyRequirements"))
    add("Qualifications", descriptor.get("QualificationSummary"))
    add("Education", details.get("Education"))
    add("Requirements", details.get("Requirements"))
    return "\n".join(parts) or None


def _paragraph(text: str) -> str:
    """Plain text as HTML; text that already carries tags or entities is kept as it is."""
    if _MARKUP_RE.search(text):
        return text
    return html.escape(text).replace("\n", "<br>")
