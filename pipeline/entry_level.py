"""Entry-level normalizer: does the posting accept someone starting out? True, False or None, with
the evidence.

Ordered steps, the first decision wins:
1. an explicit statement: "not an entry-level position" -> False; "entry-level", "no experience
   required" (also "no prior healthcare experience needed"), "experience preferred but not required", "new graduates welcome", "we will train" -> True;
2. required experience (six months or more) -> False, unless every figure asked for is one way to
   qualify beside a credential or an education ("RHIT or 2 years of coding experience");
3. experience of zero ("0-1 years") -> True;
4. an apprentice credential (CPC-A, COC-A, CCA) or an "eligible" credential ("RHIT eligible") -> True;
5. experience asked for without a figure ("coding experience required") -> False, but not in the
   sentence of such an alternative figure ("RHIT or 2 years of experience required");
nothing -> None. Boilerplate blocks are not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from emr_jobs.pipeline.experience import ExperienceResult, normalize_experience
from emr_jobs.pipeline.posting import CertMention
from emr_jobs.pipeline.sections import job_lines_containing
from emr_jobs.pipeline.text import Caseless, sentences

_I = re.I
_NOT_ENTRY_RE = Caseless(r"\bnot (?:an? )?entry[- ]level\b|\bno (?:new grad(?:uate)?s|entry[- ]level)\b")
_ENTRY_RE = Caseless(
    r"\bentry[- ]level\b(?! (?:salary|pay|wage))"
    r"|\bno (?:(?!(?:less|fewer|more|than|minimum|years?|months?)\b)[a-z][\w/-]* (?:or |and |& )?){0,3}?"
    r"experience (?:is )?(?:required|necessary|needed)\b"
    r"|\b(?:new|recent) (?:grad(?:uate)?s?|(?:coding |him )?program graduates)\b[^.\n]{0,40}?\b(?:welcome|encouraged|"
    r"considered|may apply|are invited|eligible)"
    r"|\b(?:welcome|encourage|consider)s? (?:new|recent) grad(?:uate)?s?\b"
    r"|\bexperience\b[^.;\n]{0,50}?\b(?:but|is|are)\s+not\s+(?:required|necessary|needed)\b"
    r"|\b(?:we|will) (?:will )?train\b|\bon[- ]the[- ]job training (?:is )?provided\b|\bwithout (?:prior )?experience\b"
)
_APPRENTICE_RE = re.compile(r"\b(?:CPC|COC)-A\b|\bapprentice (?:coder|status|credential)\b")
_EXPERIENCE_ASKED_RE = re.compile(
    r"\bexperience (?:is |as an? [\w ]{1,30} )?(?:required|necessary|needed|a must)\b"
    r"|\b(?:must|should) have (?:prior |previous |proven |demonstrated )?(?:\w+ ){0,3}experience\b"
    r"|\b(?:requires?|minimum) (?:prior |previous )?(?:\w+ ){0,2}experience\b"
    r"|\bexperienced (?:coder|clerk|specialist|technician|registrar)s? (?:only|required)\b",
    _I,
)


_HINTS = ("entry", "experienc", "grad", "train", "-a", "apprentice", "without")


@dataclass
class EntryLevelResult:
    entry_level: bool | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


_Step = Callable[[str, ExperienceResult, Sequence[CertMention]], tuple[bool, str] | None]


def _explicit(text: str, experience: ExperienceResult, certs: Sequence[CertMention]) -> tuple[bool, str] | None:
    negated = _NOT_ENTRY_RE.found(text)
    if negated is not None:
        return False, negated
    match = _ENTRY_RE.found(text)
    return (True, match) if match is not None else None


def _years_required(text: str, experience: ExperienceResult, certs: Sequence[CertMention]) -> tuple[bool, str] | None:
    if experience.years_min is not None and experience.years_min > 0 and experience.required \
            and not experience.alternative:
        return False, experience.evidence or ""
    return None


def _zero_years(text: str, experience: ExperienceResult, certs: Sequence[CertMention]) -> tuple[bool, str] | None:
    if experience.years_min == 0:
        return True, experience.evidence or ""
    return None


def _starter_credential(text: str, experience: ExperienceResult, certs: Sequence[CertMention]) -> tuple[bool, str] | None:
    apprentice = _APPRENTICE_RE.search(text)
    if apprentice:
        return True, apprentice.group(0)
    for mention in certs:
        if mention.code == "CCA":
            return True, mention.evidence
        if mention.strength == "obtain_after_hire" and "eligib" in mention.evidence.lower():
            return True, mention.evidence
    return None


def _experience_asked(text: str, experience: ExperienceResult, certs: Sequence[CertMention]) -> tuple[bool, str] | None:
    for match in _EXPERIENCE_ASKED_RE.finditer(text):
        if not (experience.alternative and experience.evidence and _sentence_holds(text, match, experience.evidence)):
            return False, match.group(0)
    return None


def _sentence_holds(text: str, match: re.Match[str], evidence: str) -> bool:
    """The sentence of `match` (emr_jobs.pipeline.text.sentences of its line) holds the start of `evidence`."""
    line_end = text.find("\n", match.end())
    line = text[text.rfind("\n", 0, match.start()) + 1 : line_end if line_end >= 0 else len(text)]
    return any(match.group(0) in sentence and evidence[:40] in sentence for sentence in sentences(line))


_STEPS: tuple[tuple[str, _Step], ...] = (
    ("explicit", _explicit),
    ("years_required", _years_required),
    ("zero_years", _zero_years),
    ("starter_credential", _starter_credential),
    ("experience_asked", _experience_asked),
)


def normalize_entry_level(description_text: str, experience: ExperienceResult | None = None,
                          certifications: Sequence[CertMention] = ()) -> EntryLevelResult:
    """Entry level (see the module docstring); pass the experience and certification results when
    they are at hand (they are computed from the text otherwise, certifications not)."""
    if not description_text:
        return EntryLevelResult(None, None, ["emr/entry_level/none"])
    text = job_lines_containing(description_text, _HINTS)  # only lines that can say anything here
    experience = experience if experience is not None else normalize_experience(description_text)
    for name, step in _STEPS:
        found = step(text, experience, certifications)
        if found is not None:
            return EntryLevelResult(found[0], found[1][:300] or None, [f"emr/entry_level/{name}/{str(found[0]).lower()}"])
    return EntryLevelResult(None, None, ["emr/entry_level/none"])
