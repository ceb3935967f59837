"""Ashby public job posting API: the whole board in one call with `includeCompensation=true`.
Unlisted postings are skipped (and counted); pay comes from the Salary summary components (or the
tiers), with the tier summary text beside it; locations from the postal addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from emr_jobs.spiders.base import PlatformSpider, ShapeError, UnparseableBody, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.values import as_bool, as_dict, as_list, as_number, as_text, parse_datetime
from emr_jobs.vocabulary import CrawlStatus

SALARY_TYPES = {"salary", "hourly", "hourlywage", "basesalary"}


class AshbySpider(PlatformSpider):
    name = "ashby"
    platform = "ashby"
    default_api_root = "https://api.ashbyhq.com"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        board = quote(source.identifiers["token"], safe="")
        yield self.request(f"{self.api_root(source)}/posting-api/job-board/{board}?includeCompensation=true",
                           source, self.parse_board)

    @guarded(CrawlStatus.FAILED)
    def parse_board(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        data = self.json(response)
        if isinstance(data, dict) and data.get("success") is False:
            message = as_text(data.get("message")) or as_text(as_dict(data.get("errorInfo")).get("message"))
            raise UnparseableBody(f"board answered an error: {message or 'unknown'}")
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise ShapeError("expected an object with a 'jobs' list")
        jobs = data["jobs"]
        run.listed = len(jobs)
        listed = []
        for job in jobs:
            if isinstance(job, dict) and as_bool(job.get("isListed")) is False:
                run.count_drop("unlisted")
                self.crawler.stats.inc_value("emr/ashby/unlisted")
                continue
            listed.append(job)
        yield from self.map_each(run, listed, lambda job: self.map_job(run.source, job))

    def map_job(self, source: SourceConfig, job: dict[str, Any]):
        external_id = as_text(job["id"])
        if external_id is None:
            raise ValueError("posting without id")
        compensation = job.get("compensation")
        locations = [place for place in [_address(as_dict(job.get("address")))]
                     + [_address(as_dict(as_dict(extra).get("address"))) for extra in as_list(job.get("secondaryLocations"))]
                     if place]
        return self.new_item(
            source,
            external_id=external_id,
            url=as_text(job.get("jobUrl")) or as_text(job.get("applyUrl")),
            title=as_text(job.get("title")),
            location=as_text(job.get("location")) or as_text(job.get("locationName")),
            locations=locations or None,
            description=as_text(job.get("descriptionHtml")) or as_text(job.get("descriptionPlain")),
            pay_ranges=_pay_ranges(compensation),
            pay_text=_pay_text(compensation),
            workplace_type=as_text(job.get("workplaceType")),
            remote=as_bool(job.get("isRemote")),
            employment_type=as_text(job.get("employmentType")),
            posted_at=parse_datetime(job.get("publishedAt")) or parse_datetime(job.get("publishedDate")),
            raw=job,
        )


def _address(address: dict[str, Any]) -> dict[str, Any] | None:
    """{"city", "state", "country"} from an address, with or without its `postalAddress` wrapper."""
    postal = address.get("postalAddress") if isinstance(address.get("postalAddress"), dict) else address
    city, state = as_text(postal.get("addressLocality")), as_text(postal.get("addressRegion"))
    country = postal.get("addressCountry")
    country = as_text(as_dict(country).get("name")) if isinstance(country, dict) else as_text(country)
    if not (city or state or country):
        return None
    return {"city": city, "state": state, "country": country}


def _salary_components(compensation: dict[str, Any]) -> list[Any]:
    """Summary components first; else every tier's components (geographic tiers)."""
    summary = as_list(compensation.get("summaryComponents"))
    if summary:
        return summary
    return [component for tier in as_list(compensation.get("compensationTiers"))
            for component in as_list(as_dict(tier).get("components"))]


def _pay_ranges(compensation: Any) -> list[dict[str, Any]] | None:
    if not isinstance(compensation, dict):
        return None
    ranges = []
    for component in _salary_components(compensation):
        component = as_dict(component)
        kind = (as_text(component.get("compensationType")) or "").replace(" ", "").lower()
        if kind not in SALARY_TYPES:
            continue
        low, high = as_number(component.get("minValue")), as_number(component.get("maxValue"))
        if low is None and high is None:
            continue
        interval = as_text(component.get("interval"))
        ranges.append({"min": low, "max": high, "currency": as_text(component.get("currencyCode")),
                       "interval": None if interval == "NONE" else interval})
    return ranges or None


def _pay_text(compensation: Any) -> str | None:
    """The tier summary ("$22 – $28 per hour"); `compensation` itself can be a bare string."""
    if isinstance(compensation, str):
        text = as_text(compensation)
    elif isinstance(compensation, dict):
        text = (as_text(compensation.get("compensationTierSummary"))
                or as_text(compensation.get("scrapeableCompensationSalarySummary")))
    else:
        text = None
    return text if text and any(ch.isdigit() for ch in text) else None
