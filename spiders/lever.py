"""Lever postings API: the whole board as a JSON array (`mode=json`), with `salaryRange` and
`workplaceType`; requirements live in `lists`, so they join the description."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emr_jobs.spiders.base import PlatformSpider, ShapeError, UnparseableBody, guarded
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.spiders.safety import segment
from emr_jobs.spiders.values import as_dict, as_list, as_number, as_text, from_epoch_ms
from emr_jobs.vocabulary import CrawlStatus


class LeverSpider(PlatformSpider):
    name = "lever"
    platform = "lever"
    default_api_root = "https://api.lever.co"

    def start_source(self, source: SourceConfig) -> Iterator[Any]:
        url = f"{self.api_root(source)}/v0/postings/{segment(source.identifiers['token'])}?mode=json"
        yield self.request(url, source, self.parse_board)

    @guarded(CrawlStatus.FAILED)
    def parse_board(self, response) -> Iterator[Any]:
        run = self.runs[response.meta["source_key"]]
        data = self.json(response)
        if isinstance(data, dict) and data.get("ok") is False:
            raise UnparseableBody(f"board answered an error: {as_text(data.get('error')) or 'unknown'}")
        if not isinstance(data, list):
            raise ShapeError("expected a JSON array of postings")
        run.listed = len(data)
        yield from self.map_each(run, data, lambda posting: self.map_posting(run.source, posting))

    def map_posting(self, source: SourceConfig, posting: dict[str, Any]):
        external_id = as_text(posting["id"])
        if external_id is None:
            raise ValueError("posting without id")
        categories = as_dict(posting.get("categories"))
        all_locations = [as_text(place) for place in as_list(categories.get("allLocations"))]
        location = as_text(categories.get("location")) or next((place for place in all_locations if place), None)
        salary = as_dict(posting.get("salaryRange"))
        pay_ranges = []
        if salary and (as_number(salary.get("min")) or as_number(salary.get("max"))):
            pay_ranges.append({"min": as_number(salary.get("min")), "max": as_number(salary.get("max")),
                               "currency": as_text(salary.get("currency")), "interval": as_text(salary.get("interval"))})
        salary_text = as_text(posting.get("salaryDescriptionPlain"))
        country = as_text(posting.get("country"))
        return self.new_item(
            source,
            external_id=external_id,
            url=as_text(posting.get("hostedUrl")),
            title=as_text(posting.get("text")),
            location=location,
            locations=[{"city": None, "state": None, "country": country.upper()}] if country else None,
            description=_description_html(posting),
            pay_ranges=pay_ranges,
            pay_text=salary_text if salary_text and any(ch.isdigit() for ch in salary_text) else None,
            workplace_type=as_text(posting.get("workplaceType")),
            employment_type=as_text(categories.get("commitment")),
            posted_at=from_epoch_ms(posting.get("createdAt")),
            raw=posting,
        )


def _description_html(posting: dict[str, Any]) -> str | None:
    """Opening, body, each titled list, and the closing, as one HTML document."""
    parts = [as_text(posting.get("opening")), as_text(posting.get("descriptionBody"))
             or as_text(posting.get("description"))]
    for block in as_list(posting.get("lists")):
        block = as_dict(block)
        heading, content = as_text(block.get("text")), as_text(block.get("content"))
        if heading:
            parts.append(f"<h3>{heading}</h3>")
        if content:
            parts.append(f"<ul>{content}</ul>")
    parts.append(as_text(posting.get("additional")))
    html = "\n".join(part for part in parts if part)
    return html or as_text(posting.get("descriptionPlain"))
