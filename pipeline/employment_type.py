"""Employment-type normalizer: full_time, part_time, per_diem, contract, temporary, internship.

The structured field wins; then the title ("Per Diem Coder", "PRN", "Contract ..."); then the
first employment-status phrase ("a 13-week travel contract" is a contract) in the job's own text (boilerplate such as "benefits for full-time
staff" left out). "Per diem" here is a status, never a pay unit.

A status stated of the job counts ("This role is per diem", "Position is PRN"). Short status phrases
count too, where a status word is a whole item of a short line, or of a short sentence of a longer one:
"Per diem, weekends", "Schedule: Per diem", "PRN / As needed", "Full Time | Days | On-site" (status_items() splits
such a line on "|", ",", ";", "/", "•", parentheses, a label's colon, a sentence's end and a spaced dash). A figure or word
before the status word ("$250 per diem") makes it no such item. This is read after the phrases above.

`schedule_of()` gives the schedule users filter on (SCHEDULES: full time, part time, per diem,
contract, temporary) from an employment type; an internship is not a schedule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emr_jobs.pipeline.posting import SCHEDULES
from emr_jobs.pipeline.sections import job_lines_containing, structure
from emr_jobs.pipeline.text import lines_containing, sentences

_I = re.I
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("internship", re.compile(r"\bintern(?:ship)?s?\b|\bexternship\b|\bpracticum\b", _I)),
    ("per_diem", re.compile(r"\bper[- ]?diem\b|\bPRN\b|\bas[- ]needed\b|\bcasual\b|\bon[- ]call\b", _I)),
    ("temporary", re.compile(r"\btemp(?:orary)?\b|\bseasonal\b|\binterim\b|\blocum", _I)),
    ("contract", re.compile(r"\bcontract(?:or)?\b|\bcontract[- ]to[- ]hire\b|\bC2H\b|\b1099\b|\bfreelance\b", _I)),
    ("part_time", re.compile(r"\bpart[- _]?time\b|\bPT\b", _I)),
    ("full_time", re.compile(r"\bfull[- _]?time\b|\bFT\b|\bregular\b|\bpermanent\b|\bsalaried\b", _I)),
]
_TITLE_RULES = [(kind, pattern) for kind, pattern in _RULES if kind not in ("part_time", "full_time")] + [
    ("part_time", re.compile(r"\bpart[- ]?time\b", _I)),
    ("full_time", re.compile(r"\bfull[- ]?time\b", _I)),
]
# any title rule's match is a match of this union (and so its absence, the common case, ends the title's rules in one search)
_ANY_TITLE_RULE_RE = re.compile("|".join(pattern.pattern for _, pattern in _TITLE_RULES), _I)
_DESC_RE = re.compile(
    r"\b(?P<per_diem>per[- ]diem (?:position|role|status|coder|staff|employee|basis)|PRN (?:position|role|basis)"
    r"|(?:position|role|job|status|schedule)(?: is| will be)(?: an?)? (?:per[- ]diem|prn)"
    r"(?![- ](?:rates?|reimburs\w*|allowances?|pay|meals?|expenses?)\b))\b"
    r"|\b(?P<contract>(?:this is a |a )?(?:remote )?contract (?:position|role|assignment|engagement)|contract[- ]to[- ]hire"
    r"|(?:\d+|one|two|three|six|twelve|thirteen)[- ](?:weeks?|months?)\s+(?:travel\s+|remote\s+|local\s+)?contract(?!\s+(?:year|period|term|cycle|renewal))"
    r"|travel (?:contract|assignment))\b"
    r"|\b(?P<temporary>temporary (?:position|role|assignment)|\d+[- ]week assignment)\b"
    r"|\b(?P<part_time>part[- ]time)\b"
    r"|\b(?P<full_time>full[- ]time)\b",
    _I,
)


# a short line and its items: "Per diem, weekends" -> ["Per diem", "weekends"]
STATUS_LINE_CHARS = 80
_ITEM_SPLIT_RE = re.compile(r"\s*(?:[|,;/()\u2022\u00b7:]|[.!?]\s|\s[-\u2013\u2014]\s|^[-\u2013\u2014*]\s)\s*")
_STATUS_ITEMS = {
    "per diem": "per_diem", "prn": "per_diem", "as needed": "per_diem", "per diem prn": "per_diem",
    "prn as needed": "per_diem", "on call": "per_diem", "casual": "per_diem",
    "full time": "full_time", "part time": "part_time", "contract": "contract", "contractor": "contract",
    "contract to hire": "contract", "temporary": "temporary", "temp": "temporary",
}
_STATUS_HINTS = ("diem", "prn", "as needed", "on call", "on-call", "casual", "full", "part", "contract", "temp")


def status_items(line: str) -> list[str]:
    """The items of a short line, lower-cased, hyphens as spaces, end punctuation dropped ([] for a
    line longer than STATUS_LINE_CHARS)."""
    if len(line) > STATUS_LINE_CHARS:
        return []
    items = (item.strip(" .!*-\t").lower().replace("-", " ") for item in _ITEM_SPLIT_RE.split(line))
    return [" ".join(item.split()) for item in items if item]


def _status_item(description_text: str) -> tuple[str, str] | None:
    """(kind, evidence) for the first short line of the job text, or short sentence of a longer line
    ("New graduates welcome! ... Per diem, night shift."), with a status word as a whole item."""
    for line in job_lines_containing(description_text, _STATUS_HINTS).split("\n"):
        for part in (line,) if len(line) <= STATUS_LINE_CHARS else sentences(line):
            for item in status_items(part):
                kind = _STATUS_ITEMS.get(item)
                if kind:
                    return kind, part.strip()
    return None


_DESC_CHARS = 6000  # only the start of a long job text is read for a status phrase
_DESC_HINTS = ("diem", "prn", "contract", "temporary", "assignment", "part-time", "part time", "full-time",
               "full time")


@dataclass
class EmploymentTypeResult:
    employment_type: str | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


def _match_rules(text: str, rules: list[tuple[str, re.Pattern[str]]]) -> tuple[str, str] | None:
    for kind, pattern in rules:
        match = pattern.search(text)
        if match:
            return kind, match.group(0)
    return None


def _structured_kind(value: str) -> str | None:
    """The kind _RULES give a structured employment type (underscores read as spaces)."""
    found = _match_rules(value.replace("_", " "), _RULES)
    return found[0] if found else None


# the values platforms give most often (schema.org employmentType, ATS fields): their kinds, found once by _RULES
_COMMON_VALUE_KIND = {value: _structured_kind(value) for value in (
    "FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "PER_DIEM", "FullTime", "PartTime", "Full-time",
    "Part-time", "Full time", "Part time", "Full Time", "Part Time", "Contract", "Temporary", "PRN", "Per Diem",
    "Per diem", "Internship")}


def normalize_employment_type(raw: Mapping[str, Any], description_text: str) -> EmploymentTypeResult:
    """Employment type from the structured field, then title, then description."""
    structured = raw.get("employment_type")
    if isinstance(structured, list | tuple):
        structured = next((s for s in structured if isinstance(s, str)), None)
    if isinstance(structured, str) and structured.strip():
        kind = _COMMON_VALUE_KIND.get(structured) or _structured_kind(structured)
        if kind:
            return EmploymentTypeResult(kind, structured.strip()[:60], [f"emr/employment_type/structured/{kind}"])
    title = raw.get("title") if isinstance(raw.get("title"), str) else ""
    found = _match_rules(title, _TITLE_RULES) if title and _ANY_TITLE_RULE_RE.search(title) else None
    if found:
        return EmploymentTypeResult(found[0], found[1], [f"emr/employment_type/title/{found[0]}"])
    # the first status phrase of the job's own text, read only on the lines that can hold one
    lines = _status_lines(description_text) if description_text else ""
    match = _DESC_RE.search(lines) if lines else None
    if match and match.lastgroup:
        return EmploymentTypeResult(match.lastgroup, match.group(0), [f"emr/employment_type/text/{match.lastgroup}"])
    item = _status_item(description_text) if description_text else None
    if item:
        return EmploymentTypeResult(item[0], item[1], [f"emr/employment_type/item/{item[0]}"])
    return EmploymentTypeResult(None, None, ["emr/employment_type/none"])


def _status_lines(description_text: str) -> str:
    """The lines of the job text's first _DESC_CHARS characters that can hold a status phrase. The job
    text (some of the structure's lines) is built only for a long text: it is never longer than the
    structure's text."""
    parsed = structure(description_text)
    if len(parsed.text) <= _DESC_CHARS or len(parsed.job_text()) <= _DESC_CHARS:
        return job_lines_containing(description_text, _DESC_HINTS)
    return lines_containing(parsed.job_text()[:_DESC_CHARS], _DESC_HINTS)


def schedule_of(employment: EmploymentTypeResult) -> tuple[str | None, str | None]:
    """(schedule, evidence) from an employment type: one of SCHEDULES, or (None, None)."""
    if employment.employment_type in SCHEDULES:
        return employment.employment_type, employment.evidence
    return None, None
