"""A CSV written by JobSpy (python-jobspy: `scrape_jobs(...).to_csv(...)`) read into raw postings, the
same shape a spider yields (spiders/items.py RawPosting), one per row.

JobSpy's columns (its `desired_order`): id, site, job_url, job_url_direct, title, company, location,
date_posted, job_type, salary_source, interval, min_amount, max_amount, currency, is_remote,
job_level, job_function, listing_type, emails, description, company_industry, company_url,
company_logo, company_url_direct, company_addresses, company_num_employees, company_revenue,
company_description, and Naukri's skills, experience_range, company_rating, company_reviews_count,
vacancy_count, work_from_home_type. `interval` is yearly, monthly, weekly, daily or hourly;
`job_type` is a comma-joined list of fulltime, parttime, contract, temporary, internship, perdiem,
nights, other, summer, volunteer; `location` is "City, ST, Country"; `is_remote` True/False;
`salary_source` says whether the figures came from the site's data (direct_data) or from JobSpy's
own reading of the description (description). Pure: no SQL, no network."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from emr_jobs.vocabulary import JOBSPY_PLATFORM

PLATFORM = JOBSPY_PLATFORM
# The columns an import needs; the others are read when present.
REQUIRED_COLUMNS = ("site", "job_url", "title", "company", "location", "date_posted", "job_type", "interval",
                    "min_amount", "max_amount", "is_remote", "description")
OPTIONAL_COLUMNS = ("id", "job_url_direct", "salary_source", "currency", "job_level", "job_function",
                    "listing_type", "company_industry")
INTERVALS = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}
EXTERNAL_ID_CHARS = 200
_SITE_RE = re.compile(r"^[a-z][a-z0-9_]{0,38}$")
_FIELD_LIMIT = 16 * 1024 * 1024  # a description may be long; csv's default limit is 128 KiB


class JobSpyError(Exception):
    """The file is not a readable JobSpy CSV: said in one line."""


@dataclass
class JobSpyRow:
    """One CSV row: the raw posting (None with a drop reason when it cannot be one)."""

    line: int  # the row's first line in the file
    site: str | None
    raw: dict[str, Any] | None
    reason: str | None = None


def source_key(site: str) -> str:
    return f"{PLATFORM}:{site}"


def read_jobspy_csv(path: str | Path) -> Iterator[JobSpyRow]:
    """The file's rows as raw postings; JobSpyError when it is not UTF-8 or lacks JobSpy's columns."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JobSpyError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JobSpyError(f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
                          "JobSpy writes UTF-8; save the file as UTF-8 and import it again") from exc
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.DictReader(io.StringIO(text, newline=""), escapechar="\\")
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise JobSpyError(f"{path} is not a CSV file: {exc}") from exc
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise JobSpyError(f"{path} is not a JobSpy CSV: missing column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)}")
    line = reader.line_num
    try:
        for record in reader:
            yield parse_row(record, line + 1)
            line = reader.line_num
    except csv.Error as exc:
        raise JobSpyError(f"{path}, line {reader.line_num}: not valid CSV: {exc}") from exc


def parse_row(record: dict[str, Any], line: int) -> JobSpyRow:
    cell = {key: _clean(value) for key, value in record.items() if key is not None}
    site = (cell.get("site") or "").lower() or None
    if site is None or not _SITE_RE.match(site):
        return JobSpyRow(line, None, None, "missing_site" if site is None else "bad_site")
    title = cell.get("title")
    if not title:
        return JobSpyRow(line, site, None, "missing_title")
    external_id = cell.get("id") or cell.get("job_url") or cell.get("job_url_direct")
    if not external_id:
        return JobSpyRow(line, site, None, "missing_external_id")
    if len(external_id) > EXTERNAL_ID_CHARS:  # a long URL: its digest is as unique and fits the column
        external_id = "sha256:" + hashlib.sha256(external_id.encode("utf-8")).hexdigest()
    company = cell.get("company") or ""
    raw: dict[str, Any] = {
        "source_key": source_key(site),
        "platform": PLATFORM,
        "external_id": external_id,
        "url": cell.get("job_url_direct") or cell.get("job_url"),
        "title": title,
        "employer": company,
        "employer_slug": employer_slug(company) if company else None,
        "employer_type": None,
        "location": cell.get("location"),
        "description": cell.get("description") or "",
        "pay_ranges": structured_pay(cell),
        "remote": True if _bool(cell.get("is_remote")) else None,
        "employment_type": _first(cell.get("job_type")),
        "posted_at": _date(cell.get("date_posted")),
        "raw": {key: value for key, value in cell.items() if value is not None and key != "description"},
    }
    return JobSpyRow(line, site, raw)


def structured_pay(cell: dict[str, Any]) -> list[dict[str, Any]] | None:
    """JobSpy's pay columns as a structured range (the spiders' `pay_ranges` shape), or None."""
    low, high = _number(cell.get("min_amount")), _number(cell.get("max_amount"))
    if low is None and high is None:
        return None
    interval = (cell.get("interval") or "").lower()
    return [{"min": low, "max": high, "currency": (cell.get("currency") or "USD").upper(),
             "interval": INTERVALS.get(interval, interval) or None}]


def employer_slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:120] or "unknown-employer"


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):  # a row with more cells than the header
        value = ",".join(v for v in value if v)
    text = str(value).strip()
    return None if text == "" or text.lower() in ("nan", "none", "null") else text


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes", "1.0"):
        return True
    if lowered in ("false", "0", "no", "0.0"):
        return False
    return None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.replace(",", "").replace("$", ""))
    except ValueError:
        return None
    return number if number == number and number > 0 else None  # NaN and 0 are no figure


def _first(value: str | None) -> str | None:
    if not value:
        return None
    first = value.split(",")[0].strip()
    return first or None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
