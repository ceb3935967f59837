"""Shift normalizer: the shift a posting names (SHIFTS: day, evening, night, weekend, rotating,
variable), with the evidence; None when none is named.

A labelled field first ("Shift: Nights", "Work Shift: Day (United States of America)"), then the
first "<kind> shift" phrase of the job's own text. Differentials and premiums ("night shift
differential") describe pay, not this job's shift; boilerplate blocks are not read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emr_jobs.pipeline.posting import SHIFTS
from emr_jobs.pipeline.sections import job_lines_containing
from emr_jobs.pipeline.text import keyword_line_starts

_WORD_TO_SHIFT = {
    "day": "day", "days": "day", "daytime": "day", "first": "day", "1st": "day",
    "evening": "evening", "evenings": "evening", "second": "evening", "2nd": "evening", "swing": "evening",
    "night": "night", "nights": "night", "overnight": "night", "overnights": "night", "third": "night", "3rd": "night",
    "graveyard": "night", "weekend": "weekend", "weekends": "weekend", "rotating": "rotating", "rotation": "rotating",
    "variable": "variable", "varied": "variable", "various": "variable", "flexible": "variable",
}
assert set(_WORD_TO_SHIFT.values()) <= set(SHIFTS)
_WORDS = "|".join(sorted(_WORD_TO_SHIFT, key=len, reverse=True))
_LABEL_RE = re.compile(rf"\b(?:work )?shifts?\s*(?:worked|type)?\s*[:\-–]\s*(?P<word>{_WORDS})\b", re.I)
_PHRASE_RE = re.compile(rf"\b(?P<word>{_WORDS})\s+shifts?\b(?!\s*(?:differential|premium|pay|bonus|incentive|rate))"
                        rf"|\b(?P<only>days|nights|evenings|weekends)\s+only\b", re.I)


@dataclass
class ShiftResult:
    shift: str | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


def _may_name_shift(description_text: str) -> bool:
    """"shift" (any case) or " only" in the description; the text's one-pass keyword index answers
    "no" for most postings without a scan (it finds " only" in any case: then the exact test decides)."""
    if keyword_line_starts(description_text, ("shift", " only")) == set():
        return False
    return "shift" in description_text.lower() or " only" in description_text


def normalize_shift(raw: Mapping[str, Any], description_text: str) -> ShiftResult:
    """The named shift, from a structured `shift` field, a labelled line, then a phrase."""
    structured = raw.get("shift") if isinstance(raw, Mapping) else None
    if isinstance(structured, str):
        word = structured.strip().lower().split(" ")[0] if structured.strip() else ""
        if word in _WORD_TO_SHIFT:
            return ShiftResult(_WORD_TO_SHIFT[word], f"shift: {structured.strip()[:40]}", ["emr/shift/structured"])
    if not description_text or not _may_name_shift(description_text):
        return ShiftResult(None, None, ["emr/shift/none"])
    text = job_lines_containing(description_text, ("shift", " only"))  # the regexes read these lines only
    for source, pattern in (("label", _LABEL_RE), ("text", _PHRASE_RE)):
        match = pattern.search(text)
        if match:
            word = (match.group("word") or match.groupdict().get("only") or "").lower()
            return ShiftResult(_WORD_TO_SHIFT[word], match.group(0), [f"emr/shift/{source}"])
    return ShiftResult(None, None, ["emr/shift/none"])
