"""Map one schema.org `JobPosting` node (from JSON-LD or microdata) to RawPosting fields. Every
property is optional and drifts in type: text or object, one value or a list, numbers as strings,
unpadded dates, entity-escaped HTML."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from emr_jobs.pipeline.location import country_code
from emr_jobs.spiders.values import as_list, as_number, as_text, parse_datetime

# UN/CEFACT unit codes some sites put in `unitCode` instead of `unitText`
UNIT_CODES = {"HUR": "HOUR", "DAY": "DAY", "WEE": "WEEK", "MON": "MONTH", "ANN": "YEAR"}
# extra text properties that carry requirements; they join the description under their own heading
SECTION_PROPERTIES = (("responsibilities", "Responsibilities"), ("qualifications", "Qualifications"),
                      ("educationRequirements", "Education Requirements"),
                      ("experienceRequirements", "Experience Requirements"), ("skills", "Skills"))
TRACKING_PREFIXES = ("utm_", "gclid", "fbclid", "mc_cid", "mc_eid", "_ga")  # never a job id: safe to drop
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(.*)$")
_US_DATE_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def text_of(value: Any) -> str | None:
    """Text from a string, a number, `{"name"}`/`{"@value"}` objects, or the first such entry of a list."""
    if isinstance(value, list):
        return next((text for text in (text_of(entry) for entry in value) if text), None)
    if isinstance(value, dict):
        for key in ("name", "@value", "value", "text"):
            text = text_of(value.get(key)) if not isinstance(value.get(key), dict) else None
            if text:
                return text
        return None
    return as_text(value)


def parse_date(value: Any) -> datetime | None:
    """ISO dates and datetimes, also unpadded ("2026-9-21") and US-style ("09/21/2026")."""
    text = text_of(value)
    if not text:
        return None
    parsed = parse_datetime(text)
    if parsed is not None:
        return parsed
    match = _DATE_RE.match(text)
    if match:
        year, month, day, rest = match.groups()
        return parse_datetime(f"{year}-{int(month):02d}-{int(day):02d}{rest}") or _safe_date(year, month, day)
    match = _US_DATE_RE.match(text)
    if match:
        month, day, year = match.groups()
        return _safe_date(year, month, day)
    return None


def _safe_date(year: str, month: str, day: str) -> datetime | None:
    try:
        return datetime(int(year), int(month), int(day), tzinfo=UTC)
    except ValueError:
        return None


def external_id(node: dict[str, Any], page_url: str) -> str:
    """The posting's `identifier` (PropertyValue or text), else its URL, else the page's URL."""
    for identifier in as_list(node.get("identifier")):
        if isinstance(identifier, dict):
            value = as_text(identifier.get("value")) or as_text(identifier.get("@value"))
        else:
            value = as_text(identifier)
        if value:
            return value
    return posting_url(node, page_url)


def posting_url(node: dict[str, Any], page_url: str) -> str:
    """The posting's own `url`, else the page's, without tracking parameters (a stable id needs that)."""
    url = text_of(node.get("url"))
    if url and not url.lower().startswith(("javascript:", "mailto:")):
        page_url = urljoin(page_url, url)
    parts = urlsplit(page_url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
             if not name.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def description_html(node: dict[str, Any]) -> str | None:
    """The description (entity-escaped HTML decoded once more) plus requirement properties as sections."""
    description = text_of(node.get("description"))
    if description and "<" not in description and re.search(r"&lt;\s*/?\s*[a-zA-Z]", description):
        for _ in range(3):  # "&amp;lt;p&amp;gt;" takes two passes
            description = html.unescape(description)
            if "&lt;" not in description:
                break
    parts = [description] if description else []
    for name, heading in SECTION_PROPERTIES:
        texts = [text_of(entry) for entry in as_list(node.get(name))]
        texts = [text for text in texts if text and (not description or text not in description)]
        if texts:
            parts.append(f"<h3>{heading}</h3>" + "".join(f"<p>{text}</p>" for text in texts))
    return "\n".join(parts) or None


def _address_parts(address: Any) -> dict[str, Any] | None:
    if isinstance(address, str):
        return {"text": as_text(address)} if as_text(address) else None
    if not isinstance(address, dict):
        return None
    city, state = text_of(address.get("addressLocality")), text_of(address.get("addressRegion"))
    country = text_of(address.get("addressCountry"))
    if state and country and "," in state:  # "TS,IN": the region with the country code appended
        head, _, tail = state.rpartition(",")
        if tail.strip().lower() == country.lower():
            state = head.strip() or None
    if not (city or state or country):
        text = text_of(address.get("name"))
        return {"text": text} if text else None
    return {"city": city, "state": state, "country": country}


def locations(node: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """Structured places and a free-text location from `jobLocation` (Place, PostalAddress, text, lists)."""
    places: list[dict[str, Any]] = []
    texts: list[str] = []
    for place in as_list(node.get("jobLocation")):
        addresses = as_list(place.get("address")) if isinstance(place, dict) and "address" in place else [place]
        for address in addresses:
            parts = _address_parts(address)
            if parts is None:
                continue
            if "text" in parts:
                texts.append(parts["text"])
                continue
            if parts not in places:  # the same address repeated for each place
                places.append(parts)
            if _foreign_code(parts["country"]):  # "Toronto, ON, CA", "Hyderabad, TS, IN" read as US states
                continue
            texts.append(", ".join(part for part in (parts["city"], parts["state"], parts["country"]) if part))
    return places, "; ".join(dict.fromkeys(text for text in texts if text)) or None


def _foreign_code(country: str | None) -> bool:
    """A bare country code other than the US: in free text it reads as a US state, so the place
    stays structured only."""
    return bool(country) and len(country.strip()) <= 3 and country_code(country) not in (None, "US")


def applicant_locations(node: dict[str, Any]) -> list[str] | None:
    """Names of the required places; a place given only by its address (`{"address": {"addressRegion"}}`)
    by that address."""
    names = []
    for entry in as_list(node.get("applicantLocationRequirements")):
        name = text_of(entry)
        if not name and isinstance(entry, dict):
            parts = _address_parts(entry.get("address")) or {}
            name = parts.get("text") or ", ".join(
                part for part in (parts.get("city"), parts.get("state"), parts.get("country")) if part)
        names.append(name)
    return [name for name in names if name] or None


def _join(value: Any) -> str | None:
    texts = [text_of(entry) for entry in as_list(value)]
    return ", ".join(dict.fromkeys(text for text in texts if text)) or None


def pay(node: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """Pay ranges from `baseSalary` (else `estimatedSalary`): MonetaryAmount with a QuantitativeValue,
    a bare amount, or text; text that holds a range goes to pay_text."""
    salary = node.get("baseSalary")
    if salary in (None, "", [], {}):
        salary = node.get("estimatedSalary")
    fallback_currency = text_of(node.get("salaryCurrency"))
    ranges: list[dict[str, Any]] = []
    texts: list[str] = []
    for amount in as_list(salary):
        if not isinstance(amount, dict):
            _amount_value(amount, fallback_currency, None, ranges, texts)
            continue
        currency = text_of(amount.get("currency")) or text_of(amount.get("salaryCurrency")) or fallback_currency
        unit = _unit(amount)
        values = as_list(amount.get("value")) if amount.get("value") not in (None, "") else [amount]
        pair = [as_number(value) for value in values] if len(values) == 2 else []
        if len(pair) == 2 and None not in pair:  # "value": [min, max], as some site generators write it
            ranges.append({"min": min(pair), "max": max(pair), "currency": currency, "interval": unit})
            continue
        for value in values:
            _amount_value(value, currency, unit, ranges, texts)
    text = "; ".join(texts) if texts else None
    return ranges, text if text and any(ch.isdigit() for ch in text) else None


def _unit(value: dict[str, Any]) -> str | None:
    unit = text_of(value.get("unitText"))
    code = text_of(value.get("unitCode"))
    return unit or (UNIT_CODES.get(code.upper(), code) if code else None)


def _amount_value(value: Any, currency: str | None, unit: str | None, ranges: list, texts: list) -> None:
    if isinstance(value, dict):
        unit = _unit(value) or unit
        low, high = as_number(value.get("minValue")), as_number(value.get("maxValue"))
        single = value.get("value")
        if low is None and high is None:
            if isinstance(single, str) and as_number(single) is None:
                texts.append(single.strip())
                return
            low = high = as_number(single)
        if low is not None or high is not None:
            ranges.append({"min": low, "max": high, "currency": currency, "interval": unit})
        return
    number = as_number(value)
    if number is not None:
        ranges.append({"min": number, "max": number, "currency": currency, "interval": unit})
    elif isinstance(value, str) and value.strip():
        texts.append(value.strip())


def map_job_posting(node: dict[str, Any], page_url: str) -> dict[str, Any]:
    """RawPosting fields (without the source's) for one JobPosting node found on `page_url`."""
    title = text_of(node.get("title")) or text_of(node.get("name"))
    employer = text_of(node.get("hiringOrganization"))
    places, location_text = locations(node)
    pay_ranges, pay_text = pay(node)
    return {
        "external_id": external_id(node, page_url),
        "url": posting_url(node, page_url),
        "title": html.unescape(title) if title else None,
        "employer": html.unescape(employer) if employer else None,
        "location": location_text,
        "locations": places or None,
        "description": description_html(node),
        "pay_ranges": pay_ranges or None,
        "pay_text": pay_text,
        "workplace_type": _join(node.get("jobLocationType")),
        "applicant_location_requirements": applicant_locations(node),
        "employment_type": _join(node.get("employmentType")),
        "posted_at": parse_date(node.get("datePosted")),
        "valid_through": parse_date(node.get("validThrough")),
        "raw": node,
    }
