"""Greenhouse job board API: the whole board with `content=true`, then each relevant posting's
detail with `pay_transparency=true` for its pay ranges (in cents)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emr_jobs.spiders.base import PlatformSpider, ShapeError, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.safety import segment
from emr_jobs.spiders.values import as_dict, as_list, as_number, as_text, parse_datetime
from emr_jobs.vocabulary import CrawlStatus

WORKPLACE_FIELD_NAMES = ("location type", "workplace type", "work location type", "remote", "work arrangement")
EMPLOYMENT_FIELD_NAMES = ("employment type", "time type", "job type")


class GreenhouseSpider(PlatformSpider):
    name = "greenhouse"
    platform = "greenhouse"
    default_api_root = "https://boards-api.greenhouse.io"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        url = f"{self.api_root(source)}/v1/boards/{segment(source.identifiers['token'])}/jobs?content=true"
        yield self.request(url, source, self.parse_board)

    @guarded(CrawlStatus.FAILED)
    def parse_board(self, response) -> Iterator[Any]:
        source_key = response.meta["source_key"]
        run = self.runs[source_key]
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise ShapeError("expected an object with a 'jobs' list")
        jobs = data["jobs"]
        run.listed = len(jobs)
        total = as_number(as_dict(data.get("meta")).get("total"))
        if total is not None and total != len(jobs):
            self.crawler.stats.inc_value("emr/greenhouse/total_mismatch")
        self.expect_total(run, total)
        yield from self.map_each(run, jobs, lambda job: self.posting_or_detail(run.source, job))

    def posting_or_detail(self, source: SourceConfig, job: dict[str, Any]) -> Any:
        item = self.map_job(source, job)
        url = (f"{self.api_root(source)}/v1/boards/{segment(source.identifiers['token'])}/jobs/"
               f"{segment(item['external_id'])}?pay_transparency=true")
        return self.detail_or_item(source, item, url)

    @guarded(CrawlStatus.PARTIAL)
    def parse_detail(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        item = response.meta["fallback_item"]
        detail = self.json(response)
        if not isinstance(detail, dict):
            raise ShapeError("expected a job object")
        pay_ranges = [
            {
                "min": _cents(pay_range.get("min_cents")),
                "max": _cents(pay_range.get("max_cents")),
                "currency": as_text(pay_range.get("currency_type")),
                "interval": as_text(pay_range.get("title")),
            }
            for pay_range in as_list(detail.get("pay_input_ranges"))
            if isinstance(pay_range, dict)
        ]
        if pay_ranges or not item.get("pay_ranges"):  # no pay input ranges: the list's metadata range stands
            item["pay_ranges"] = pay_ranges
        if not item.get("description") and as_text(detail.get("content")):
            item["description"] = detail["content"]
        yield self.emit(run, item)

    def map_job(self, source: SourceConfig, job: dict[str, Any]):
        external_id = as_text(job["id"])
        if external_id is None:
            raise ValueError("posting without id")
        entries = [entry for entry in as_list(job.get("metadata")) if isinstance(entry, dict)]
        metadata = {str(entry.get("name") or "").strip().lower(): entry.get("value") for entry in entries}
        workplace = next((_metadata_text(metadata[name]) for name in WORKPLACE_FIELD_NAMES if name in metadata), None)
        employment = next((_metadata_text(metadata[name]) for name in EMPLOYMENT_FIELD_NAMES if name in metadata), None)
        offices = [as_text(as_dict(office).get("location")) for office in as_list(job.get("offices"))]
        location = as_text(as_dict(job.get("location")).get("name")) or next((o for o in offices if o), None)
        return self.new_item(
            source,
            external_id=external_id,
            requisition_id=as_text(job.get("requisition_id")),
            url=as_text(job.get("absolute_url")),
            title=as_text(job.get("title")),
            location=location,
            description=as_text(job.get("content")),
            pay_ranges=_metadata_pay_ranges(entries) or None,
            workplace_type=workplace,
            employment_type=employment,
            posted_at=parse_datetime(job.get("first_published")) or parse_datetime(job.get("updated_at")),
            valid_through=parse_datetime(job.get("application_deadline")),
            raw=job,
        )


def _cents(value: Any) -> float | None:
    number = as_number(value)
    return None if number is None else round(number / 100, 2)


def _metadata_pay_ranges(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Custom `currency_range` fields ({"unit": "USD", "min_value": "52000.0", "max_value": ...}): a
    board's own pay range, in currency units and with no interval (the normalizer reads it from the
    figures). Null values are fields the job left empty."""
    ranges = []
    for entry in entries:
        value = entry.get("value")
        if as_text(entry.get("value_type")) != "currency_range" or not isinstance(value, dict):
            continue
        low, high = as_number(value.get("min_value")), as_number(value.get("max_value"))
        if low is None and high is None:
            continue
        ranges.append({"min": low, "max": high, "currency": as_text(value.get("unit")), "interval": None})
    return ranges


def _metadata_text(value: Any) -> str | None:
    """A metadata value as text: strings, booleans and lists of strings drift between boards."""
    if isinstance(value, list):
        parts = [as_text(part) for part in value]
        return ", ".join(part for part in parts if part) or None
    return as_text(value)
