"""Experience normalizer: the fewest years of experience a posting asks for, with the evidence.

"1-2 years of experience" -> min 1, max 2; "one year of specialized experience equivalent to GS-5"
-> 1; "six months of experience" -> 0.5; "no experience required" -> 0; none stated -> None.
Several statements: the smallest minimum wins (its range gives the maximum). Boilerplate blocks
(company history, benefits, EEO) are not read. Without the word "experience" a figure counts only for a line
of work ("coding", "HIM leadership", "release of information") and only when it is asked for: "minimum",
"at least", "requires" before it, "N+", or the figure opening a list item ("Minimum 5 years HIM leadership",
"- 2 years of HCC risk adjustment coding"); "founded 5 years ago", "5 years of service award" and "a top
workplace 5 years in a row" stay null. Deadlines ("within 2 years of hire"), company age and
figures over 15 years are not experience. `required` tells whether the winning statement is asked
for (a requirement or a neutral statement) rather than preferred; a preference in a later comma part of
its clause that names something else ("1 year of experience, hospital setting preferred") leaves it asked for.
`alternative` tells that every figure asked for is one of two ways to qualify, the other a credential or
an education ("RHIT or 2 years of coding experience", "2 years of experience or an associate degree"):
the years are still the figure, but someone holding the other qualification needs none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from emr_jobs.pipeline.sections import blocks_containing
from emr_jobs.pipeline.text import holds_keyword

MAX_YEARS = 15
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "zero": 0}
_NUM = r"(?:\d{1,2}(?:\.\d)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|an?)"
_SPAN_RE = re.compile(
    rf"(?<![-/])\b(?P<min>{_NUM})(?:\s*\(\d{{1,2}}\))?\s*(?:\+|plus\b)?\s*(?:(?:-|–|to|or)\s*(?P<max>{_NUM})(?:\s*\(\d{{1,2}}\))?\s*\+?\s*)?"
    r"(?:or more\s+)?(?P<unit>years?|yrs?|months?)['’]?\s*(?P<tail>[^.;\n]{0,90})",
    re.I,
)
# what follows the figure must make it experience
_TAIL_RE = re.compile(
    r"^(?:of\s+|in\s+|as\s+|working\s+|progressive\s+|recent\s+|related\s+|relevant\s+|prior\s+|previous\s+|"
    r"specialized\s+|professional\s+|hands-on\s+|paid\s+|full-time\s+|[\w/&+,'’-]+\s+){0,8}?(?:experience|exp\b|work history)"
    r"|^(?:of\s+)?(?:work(?:ing)?|coding|employment)\s+(?:in|as|at|with)\b"
    r"|^(?:as\s+an?|in\s+an?|in\s+the)\s+[\w /-]{0,40}?(?:coder|clerk|specialist|technician|registrar|role|position|"
    r"setting|department|environment|office|hospital|clinic)\b",
    re.I,
)
# Years of a line of work without the word "experience" ("Minimum 5 years HIM leadership", "3+ years of
# multispecialty professional fee coding"): only with a requirement cue (see _REQUIREMENT_CUE_RE).
_WORK_TAIL_RE = re.compile(
    r"^(?:of\s+|in\s+)?(?:[\w/&+,'’-]+\s+){0,5}?(?:coding|auditing|abstracting|leadership|management|supervision|"
    r"supervisory|registry|HIM|health information(?: management)?|medical records|release of information|ROI|CDI|"
    r"clinical documentation(?: integrity| improvement)?|billing|revenue cycle)\b"
    r"(?!\s*(?:awards?|excellence|history|recognition|in a row|program|team has|department has)\b)",
    re.I,
)
# the figure is asked for: "minimum (of)", "at least", "requires", "must have" before it, "N+" or "N plus",
# or the figure starts its list item ("- 2 years of HCC risk adjustment coding")
_REQUIREMENT_CUE_RE = re.compile(
    r"(?:\b(?:minimum|min\.?|at least|requires?|required|must have|must possess)\s*(?:of\s+)?|^[\s\-*\u2022\u25cf\u00b7\d.)]*)$",
    re.I,
)
_LABELLED_RE = re.compile(
    rf"\bexperience\s*(?:required|level)?\s*[:\-–]\s*(?:minimum\s+(?:of\s+)?|at least\s+)?(?P<min>{_NUM})\s*"
    rf"(?:(?:-|–|to)\s*(?P<max>{_NUM})\s*)?\+?\s*(?P<unit>years?|yrs?|months?)",
    re.I,
)
_NONE_RE = re.compile(
    r"\bno (?:prior |previous |work |professional |related )?experience (?:is )?(?:required|necessary|needed)\b"
    r"|\bexperience\s*:\s*none\b|\bno experience\?|\bwithout (?:prior )?experience\b",
    re.I,
)
_NOT_EXPERIENCE_BEFORE_RE = re.compile(
    r"(?:within|after|every|for over|over the (?:past|last)|in the (?:past|last)|more than|founded|age|aged|"
    r"at least \d+ years of age|by|valid for|renew\w* every)\s*(?:the\s+)?(?:first\s+)?$",
    re.I,
)
_PREFERRED_RE = re.compile(r"\b(?:preferred|preferably|desired|a plus|nice to have|ideal(?:ly)?|bonus)\b", re.I)
# a comma part that is only the preference ("preferred", "but strongly preferred", "is a plus")
_BARE_PREFERENCE_RE = re.compile(
    r"\s*(?:(?:but|and|is|are|though|which is|highly|strongly|very much)\s+)*(?:preferred|preferably|desired|"
    r"a plus|nice to have|ideal(?:ly)?|a bonus)\b(?:\s+but\s+not\s+required)?\W*$",
    re.I,
)
# what may stand in for the years: a credential code, a certification, a degree, a diploma or education
_QUALIFICATION = (
    r"(?:\b(?:RHIA|RHIT|CCS(?:-P)?|CPC(?:-A)?|COC(?:-A)?|CCA|CRC|CIC|CTR|ODS-C|CDIP|CCDS|CEHRS|CHDA|CHPS|CPB)\b"
    r"|\b(?:certification|certificate|certified|credential(?:ed|s)?|license[d]?|degree|diploma|GED|education)\b"
    r"|\b(?:coding|HIM|certificate|training) program\b)"
)
# "<qualification> ... or [a minimum of] <figure>": the figure opens the second way to qualify
_ALTERNATIVE_BEFORE_RE = re.compile(
    rf"{_QUALIFICATION}(?:(?!years?\b|months?\b)[^.;:\n]){{0,80}}?[,;(]?\s*\bor\s+(?:an?\s+|the\s+)?(?:equivalent\s+of\s+|minimum\s+of\s+|"
    r"min\.?\s+|at\s+least\s+)?$",
    re.I,
)
# "<figure> ... experience [in release of information][,] or [an active] <qualification>", or the years
# standing in for it ("... experience may substitute for the degree", "in lieu of a certification")
_ALTERNATIVE_AFTER_RE = re.compile(
    r"[^.;:\n]{0,60}?(?:,?\s*\bor\s+(?:an?\s+|the\s+|current\s+|active\s+|equivalent\s+|related\s+)*"
    r"|\s*(?:(?:may|can|will)\s+(?:be\s+)?substitute(?:d)?\s+for|in\s+lieu\s+of|in\s+place\s+of)\s+)"
    rf"(?:[\w'’-]+\s+){{0,4}}?{_QUALIFICATION}",
    re.I,
)
_HINTS = ("year", "yr", "month", "experience")


@dataclass
class ExperienceResult:
    years_min: float | None
    years_max: float | None = None
    evidence: str | None = None
    required: bool = False  # the winning statement is asked for, not only preferred
    alternative: bool = False  # every figure asked for is one way to qualify; a credential or education the other
    decisions: list[str] = field(default_factory=list)


def _number(raw: str) -> float | None:
    raw = raw.lower()
    if raw in _WORDS:
        return float(_WORDS[raw])
    try:
        return float(raw)
    except ValueError:
        return None


def _years(raw: str | None, unit: str) -> float | None:
    value = _number(raw) if raw else None
    if value is None:
        return None
    return round(value / 12, 2) if unit.lower().startswith("month") else value


def _statements(block_text: str, preferred_section: bool):
    """(min, max, evidence, required, alternative) for each experience figure in one block."""
    for match in _LABELLED_RE.finditer(block_text):
        low, high = _years(match.group("min"), match.group("unit")), _years(match.group("max"), match.group("unit"))
        yield low, high, match.group(0), not preferred_section and not _PREFERRED_RE.search(block_text), False
    for match in _SPAN_RE.finditer(block_text):
        tail = match.group("tail")
        tail_match = _TAIL_RE.search(tail)
        if not tail_match:
            tail_match = _WORK_TAIL_RE.search(tail)
            if not tail_match or not _asked_for(block_text, match):
                continue
        if _NOT_EXPERIENCE_BEFORE_RE.search(block_text[max(0, match.start() - 40) : match.start()]):
            continue
        unit = match.group("unit")
        low, high = _years(match.group("min"), unit), _years(match.group("max"), unit)
        if match.group("max") and low is not None and high is not None and high < low:
            continue  # "2 or 1 years" is not a range
        end = match.start("tail") + min(len(tail), tail_match.end() + 40)
        evidence = block_text[match.start() : end].strip()
        ends = [i for i in (block_text.find(".", match.end("unit")), block_text.find(";", match.end("unit"))) if i > 0]
        clause = block_text[match.start() : min(ends) if ends else len(block_text)]
        alternative = _alternative(block_text, match.start(), match.start("tail") + tail_match.end())
        yield low, high, evidence, not preferred_section and not _clause_preferred(clause), alternative


def _alternative(block_text: str, start: int, end: int) -> bool:
    """The figure at `start` (its experience words ending at `end`) is one of two ways to qualify: a
    qualification and "or" just before it, or "or" and a qualification just after it, in the same clause."""
    line_start = block_text.rfind("\n", 0, start) + 1
    if _ALTERNATIVE_BEFORE_RE.search(block_text[max(line_start, start - 120) : start]):
        return True
    return bool(_ALTERNATIVE_AFTER_RE.match(block_text, end, end + 80))


def _clause_preferred(clause: str) -> bool:
    """The figure's clause is preferred: the cue in the figure's own comma part ("2 years of coding experience
    preferred") or standing alone after it ("2 years of experience, preferred"); a later part naming something
    else with the cue prefers that thing only ("1 year of experience, hospital setting preferred")."""
    if not _PREFERRED_RE.search(clause):
        return False
    first, *rest = clause.split(",")
    return bool(_PREFERRED_RE.search(first)) or any(_BARE_PREFERENCE_RE.match(part) for part in rest)


def _asked_for(block_text: str, match: re.Match[str]) -> bool:
    """A requirement cue before the figure, or "N+" / "N plus" (see _REQUIREMENT_CUE_RE)."""
    if re.search(r"\+|\bplus\b", block_text[match.start() : match.start("unit")]):
        return True
    line_start = block_text.rfind("\n", 0, match.start()) + 1
    return bool(_REQUIREMENT_CUE_RE.search(block_text[max(line_start, match.start() - 40) : match.start()]))


@lru_cache(maxsize=8192)
def _block_statements(text: str, preferred_section: bool) -> tuple[str | None, tuple[tuple, ...]]:
    """(the "no experience required" text or None, the block's statements): a pure function of the block,
    cached (requirement lines recur across an employer's postings and across crawls)."""
    none = _NONE_RE.search(text) if "experience" in text or "Experience" in text else None
    if none:
        return none.group(0), ()
    return None, tuple(_statements(text, preferred_section))


def _holds_hint(description_text: str) -> bool:
    """Any of _HINTS in the lower-cased description (from its one-pass keyword index when it can answer)."""
    held = holds_keyword(description_text, _HINTS)
    if held is not None:
        return held
    lowered = description_text.lower()
    return any(hint in lowered for hint in _HINTS)


def normalize_experience(description_text: str) -> ExperienceResult:
    """Smallest years of experience asked for (see the module docstring)."""
    if not description_text:
        return ExperienceResult(None, decisions=["emr/experience/none"])
    if not _holds_hint(description_text):
        return ExperienceResult(None, decisions=["emr/experience/none"])
    best: tuple[float, float | None, str, bool] | None = None
    alternative, asked_outright = False, False
    for block in blocks_containing(description_text, _HINTS):
        none, statements = _block_statements(block.text, block.kind == "preferred")
        if none is not None:
            return ExperienceResult(0.0, None, none, True, decisions=["emr/experience/none_required"])
        for low, high, evidence, required, other_way in statements:
            if low is None or low > MAX_YEARS or (high is not None and high > MAX_YEARS):
                continue
            if required and low > 0:
                alternative |= other_way
                asked_outright |= not other_way
            candidate = (low, high, evidence, required)
            if best is None or low < best[0] or (low == best[0] and required and not best[3]):
                best = candidate
    if best is None:
        return ExperienceResult(None, decisions=["emr/experience/none"])
    low, high, evidence, required = best
    alternative = alternative and not asked_outright
    decision = "alternative" if alternative else "required" if required else "preferred"
    return ExperienceResult(low, high, evidence[:300], required, alternative, [f"emr/experience/{decision}"])
