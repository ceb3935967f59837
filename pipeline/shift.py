"""Shift normalizer: the shift a posting names (SHIFTS: day, evening, night, weekend, rotating,
variable), with the evidence; None when none is named.

A labelled field first ("Shift: Nights", "Work Shift: Day (United States of America)"), then the
first "<kind> shift" (or "day/night/evening schedule") phrase of the job's own text, then a shift word that
is a whole item of a short status line ("Per diem, weekends", "Full Time | Days | On-site", "Schedule:
Full-time, days", "Full-time, Mon-Fri days"; see emr_jobs.pipeline.employment_type.status_items): the line must also
hold a status word or a Schedule/Shift/Hours label, or be one of the first lines of the text ("Nights (10 PM
- 6:30 AM)" under the title). The title is read the same way ("ROI Specialist - Evenings"). Two different
shift items on one line ("Days / Nights") name no one shift. Differentials and premiums ("night shift
differential") describe pay, not this job's shift; boilerplate blocks are not read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emr_jobs.pipeline.employment_type import status_items
from emr_jobs.pipeline.posting import SHIFTS
from emr_jobs.pipeline.sections import job_lines_containing
from emr_jobs.pipeline.text import holds_keyword, keyword_line_starts

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


_SCHEDULE_PHRASE_RE = re.compile(r"\b(?P<word>day|night|evening|weekend)s?\s+schedule\b", re.I)
# a shift word as a whole item of a status line, after an optional weekday range ("mon fri days")
_ITEM_RE = re.compile(
    r"^(?:(?:mon(?:day)?|m|sun(?:day)?|sat(?:urday)?)\s*(?:to|through|thru|\s)?\s*(?:fri(?:day)?|f|thu(?:rsday)?|"
    r"sat(?:urday)?|sun(?:day)?)\s+)?(?P<word>days?|daytime|nights?|overnights?|evenings?|weekends?|"
    r"(?:1st|2nd|3rd|first|second|third|day|night|evening|weekend|swing|graveyard) shift|days only|nights only|"
    r"evenings only|weekends only)$"
)
_ITEM_WORD = {"days": "day", "day": "day", "daytime": "day", "nights": "night", "night": "night", "overnight": "night",
              "overnights": "night", "evenings": "evening", "evening": "evening", "weekends": "weekend",
              "weekend": "weekend"}
_LABEL_ITEMS = frozenset({"schedule", "work schedule", "shift", "shifts", "hours", "work hours", "status",
                          "employment type", "job type", "position type"})
_STATUS_WORD_ITEMS = frozenset({"per diem", "prn", "as needed", "full time", "part time", "contract", "temporary",
                                "temp", "per diem prn", "prn as needed", "on site", "onsite", "remote", "hybrid"})
_ITEM_HINTS = ("day", "night", "evening", "weekend")
_ANY_SHIFT_WORD_RE = re.compile(r"\b(days?|daytime|nights?|overnights?|evenings?|weekends?)\b")
_MAPPINGS = (dict, Mapping)  # dict tried first: its check skips the abstract class's machinery
_HEAD_LINES = 4  # a shift item alone on a line counts within the first lines (under the title)


def _item_shift(item: str) -> str | None:
    match = _ITEM_RE.match(item)
    if not match:
        return None
    word = match.group("word").split(" ")[0]
    return _ITEM_WORD.get(word) or _WORD_TO_SHIFT.get(word)


def _from_items(line: str, head: bool) -> str | None:
    """The shift a short status line names as a whole item (see the module docstring)."""
    items = status_items(line)
    shifts = {shift for shift in map(_item_shift, items) if shift}
    if len(shifts) != 1:
        return None
    named = {_ITEM_WORD[word] for word in _ANY_SHIFT_WORD_RE.findall(line.lower())}
    if len(named) > 1:  # "Days / Nights rotation": more than one shift named on the line
        return None
    if head or any(item in _LABEL_ITEMS or item in _STATUS_WORD_ITEMS for item in items):
        return shifts.pop()
    return None


def _status_line_shift(raw: Mapping[str, Any], description_text: str) -> tuple[str, str] | None:
    title = raw.get("title") if isinstance(raw, _MAPPINGS) and isinstance(raw.get("title"), str) else ""
    if title and any(map(title.lower().__contains__, _ITEM_HINTS)):
        parts = re.split(r"\s[-\u2013\u2014|]\s|[(),]", title)
        for part in parts[1:]:  # "ROI Specialist - Evenings": an item after the job's name
            shift = _item_shift(" ".join(part.strip(" .").lower().split()))
            if shift:
                return shift, title.strip()
    if not description_text or holds_keyword(description_text, _ITEM_HINTS) is False:
        return None
    head_lines = description_text.split("\n", _HEAD_LINES + 1)[:_HEAD_LINES + 1]
    head = {line.strip() for line in head_lines if line.strip()}
    for line in job_lines_containing(description_text, _ITEM_HINTS).split("\n"):
        line = line.strip()
        shift = _from_items(line, line in head) if line else None
        if shift:
            return shift, line
    return None


@dataclass
class ShiftResult:
    shift: str | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


def _holds(text: str, word: str) -> bool:
    """`word` (lower case) in text as written: searched only on the lines where the text's one-pass keyword
    index finds it in any case (where the index cannot answer, in the whole text)."""
    line_starts = keyword_line_starts(text, (word,))
    if line_starts is None:
        return word in text
    for start in line_starts:
        end = text.find("\n", start)
        if text.find(word, start, len(text) if end < 0 else end) >= 0:
            return True
    return False


def _may_name_shift(description_text: str) -> bool:
    """"shift" (any case) or " only" in the description, from the text's one-pass keyword index (it
    finds " only" in any case: the lines it names are searched for it as written)."""
    holds_shift = holds_keyword(description_text, ("shift",))
    if holds_shift is None:
        return "shift" in description_text.lower() or " only" in description_text
    return holds_shift or _holds(description_text, " only")


def normalize_shift(raw: Mapping[str, Any], description_text: str) -> ShiftResult:
    """The named shift, from a structured `shift` field, a labelled line, then a phrase."""
    structured = raw.get("shift") if isinstance(raw, _MAPPINGS) else None
    if isinstance(structured, str):
        word = structured.strip().lower().split(" ")[0] if structured.strip() else ""
        if word in _WORD_TO_SHIFT:
            return ShiftResult(_WORD_TO_SHIFT[word], f"shift: {structured.strip()[:40]}", ["emr/shift/structured"])
    if description_text and _may_name_shift(description_text):
        text = job_lines_containing(description_text, ("shift", " only"))  # the regexes read these lines only
        for source, pattern in (("label", _LABEL_RE), ("text", _PHRASE_RE)):
            match = pattern.search(text)
            if match:
                word = (match.group("word") or match.groupdict().get("only") or "").lower()
                return ShiftResult(_WORD_TO_SHIFT[word], match.group(0), [f"emr/shift/{source}"])
    if description_text and _holds(description_text, "chedule"):
        match = _SCHEDULE_PHRASE_RE.search(job_lines_containing(description_text, ("schedule",)))
        if match:
            return ShiftResult(_WORD_TO_SHIFT[match.group("word").lower()], match.group(0), ["emr/shift/schedule"])
    found = _status_line_shift(raw, description_text)
    if found:
        return ShiftResult(found[0], found[1], ["emr/shift/item"])
    return ShiftResult(None, None, ["emr/shift/none"])
