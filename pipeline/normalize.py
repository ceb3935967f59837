"""normalize(raw) -> NormalizedPosting: runs every field normalizer on one raw posting.

Never raises: a non-mapping input is treated as empty, each field normalizer runs guarded, and one
that fails falls back to an empty value, records `emr/error/<field>` in decisions and logs the
traceback (so a bug shows up in stats and logs instead of killing the crawl).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from emr_jobs.pipeline.certifications import CertResult, normalize_certifications
from emr_jobs.pipeline.education import EducationResult, normalize_education
from emr_jobs.pipeline.employer_type import EmployerTypeResult, normalize_employer_type
from emr_jobs.pipeline.employment_type import EmploymentTypeResult, normalize_employment_type, schedule_of
from emr_jobs.pipeline.entry_level import EntryLevelResult, normalize_entry_level
from emr_jobs.pipeline.experience import ExperienceResult, normalize_experience
from emr_jobs.pipeline.location import LocationResult, normalize_location
from emr_jobs.pipeline.pay import PayResult, normalize_pay
from emr_jobs.pipeline.posting import NormalizedPosting
from emr_jobs.pipeline.roles import RoleResult, normalize_role
from emr_jobs.pipeline.sections import structure
from emr_jobs.pipeline.shift import ShiftResult, normalize_shift
from emr_jobs.pipeline.text import (
    Caseless,
    caseless_lines,
    clean_whitespace,
    html_to_text,
    unescape_until_stable,
)
from emr_jobs.pipeline.work_mode import WorkModeResult, normalize_work_mode

log = logging.getLogger(__name__)
T = TypeVar("T")

_NATIONWIDE_RE = Caseless(  # each match stays on one line
    r"\banywhere in the (?:united states|u\.?s\.?a?)\b|\bnationwide\b|\bany (?:u\.?s\.? |us )state\b|"
    r"\ball 50 states\b|\b(?:candidates|residents) (?:across|throughout) the (?:united states|u\.?s\.?)\b|"
    r"\bopen to (?:candidates|residents|applicants) (?:nationwide|in any state)\b"
)


# substrings (lower case) one of which every match of _NATIONWIDE_RE holds
_NATIONWIDE_HINTS = ("anywhere", "nationwide", "any u", "50 states", "across the", "throughout the", "in any state")


def _nationwide(description: str) -> bool:
    """_NATIONWIDE_RE found in the description: searched in the lines holding one of its hints."""
    lines = caseless_lines(description, _NATIONWIDE_HINTS)
    return _NATIONWIDE_RE.search(description if lines is None else lines) is not None


def _text_field(raw: Mapping[str, Any], key: str, limit: int = 500) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        return ""
    return clean_whitespace(unescape_until_stable(value[:limit])).replace("\n", " ")


def _guarded(name: str, decisions: list[str], func: Callable[[], T], fallback: Callable[..., T], *args: Any) -> T:
    """func(), or fallback(*args) (built only then) when it raises."""
    try:
        return func()
    except Exception:  # noqa: BLE001 - normalize() must never raise; the failure is recorded
        log.exception("normalizer %s failed", name)
        decisions.append(f"emr/error/{name}")
        return fallback(*args)


def normalize(raw: Mapping[str, Any]) -> NormalizedPosting:
    """Normalize one raw posting (see the module docstring); never raises."""
    decisions: list[str] = []
    if not isinstance(raw, Mapping):
        decisions.append("emr/error/input_not_mapping")
        raw = {}
    description = _guarded("description", decisions, lambda: html_to_text(raw.get("description")), str)
    # the text's structure, built once here and shared (cached) by the normalizers that read sections
    _guarded("structure", decisions, lambda: structure(description), type(None))
    title = _guarded("title", decisions, lambda: _text_field(raw, "title"), str)
    fields = dict(raw)
    fields["title"] = title
    fields["location"] = _guarded("location_text", decisions, lambda: _text_field(raw, "location"), str)

    role = _guarded("role", decisions, lambda: normalize_role(title, description, _occupation_codes(raw)), RoleResult, False, None)
    pay = _guarded("pay", decisions, lambda: normalize_pay(fields, description), PayResult, None)
    work_mode = _guarded("work_mode", decisions, lambda: normalize_work_mode(fields, description),
                         WorkModeResult, "unknown")
    certs = _guarded("certifications", decisions, lambda: normalize_certifications(description, title),
                     CertResult, [])
    employer_type = _guarded("employer_type", decisions, lambda: normalize_employer_type(fields, description),
                             EmployerTypeResult, "other")
    location = _guarded("location", decisions, lambda: normalize_location(fields, description),
                        LocationResult, None, None, None)
    employment = _guarded("employment_type", decisions, lambda: normalize_employment_type(fields, description),
                          EmploymentTypeResult, None)
    experience = _guarded("experience", decisions, lambda: normalize_experience(description), ExperienceResult, None)
    education = _guarded("education", decisions, lambda: normalize_education(description), EducationResult, None)
    entry = _guarded("entry_level", decisions,
                     lambda: normalize_entry_level(description, experience, certs.mentions), EntryLevelResult, None)
    shift = _guarded("shift", decisions, lambda: normalize_shift(fields, description), ShiftResult, None)
    schedule, schedule_evidence = schedule_of(employment)

    state = location.state
    if state and work_mode.work_mode == "remote" and _nationwide(description):
        state = None
        decisions.append("emr/location/remote_nationwide")

    evidence: dict[str, str] = {}
    for key, span in (
        ("pay", pay.evidence),
        ("work_mode", work_mode.evidence),
        ("employer_type", employer_type.evidence),
        ("role", role.evidence),
        ("state", location.evidence if state else None),
        ("employment_type", employment.evidence),
        ("experience", experience.evidence),
        ("education", education.evidence),
        ("entry_level", entry.evidence),
        ("schedule", schedule_evidence),
        ("shift", shift.evidence),
    ):
        if span:
            evidence[key] = span
    for result in (role, pay, work_mode, certs, employer_type, location, employment, experience, education, entry, shift):
        decisions.extend(result.decisions)
    return NormalizedPosting(
        relevant=role.relevant,
        role=role.role,
        pay=pay.pay,
        work_mode=work_mode.work_mode,
        certifications=certs.mentions,
        employer_type=employer_type.employer_type,
        city=location.city,
        state=state,
        country=location.country,
        employment_type=employment.employment_type,
        description_text=description,
        evidence=evidence,
        decisions=decisions,
        relevance_reason=role.reason,
        experience_years_min=experience.years_min,
        experience_years_max=experience.years_max,
        education_min=education.education_min,
        education_or_equivalent=education.or_equivalent_experience,
        entry_level=entry.entry_level,
        schedule=schedule,
        shift=shift.shift,
    )


def _occupation_codes(raw: Mapping[str, Any]) -> list[str]:
    """The posting's occupational series codes (USAJOBS JobCategory), when the platform gives them."""
    codes = raw.get("occupation_codes")
    if isinstance(codes, str):
        return [codes]
    return [str(code) for code in codes if isinstance(code, str | int)] if isinstance(codes, list | tuple) else []
