"""Education normalizer: the lowest schooling a posting asks for, with the evidence and whether
"or equivalent experience" may stand in for it.

Levels (EDUCATION_LEVELS, lowest first): none, high_school, certificate, associate, bachelor, master.
Within one sentence the levels are alternatives ("associate or bachelor's degree": associate); across
sentences each is asked for as well ("High school diploma." / "Associate degree in HIM.": associate).
Preferred statements (a preferred section or cue) do not set the minimum; only preferred -> None. A
semicolon parts a sentence's statements, each with its own strength ("High school diploma; certificate
preferred": high_school), except before "or" (an alternative). A single course (medical terminology,
anatomy) is no certificate; "no minimum education requirement" -> none.
"Or equivalent experience" never lowers the level (it is the `or_equivalent_experience` flag).
Boilerplate blocks are not read ("tuition reimbursement toward a bachelor's degree").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from emr_jobs.pipeline.posting import EDUCATION_LEVELS
from emr_jobs.pipeline.sections import blocks_containing
from emr_jobs.pipeline.text import sentences

_RANK = {level: rank for rank, level in enumerate(EDUCATION_LEVELS)}
_I = re.I
_LEVEL_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("none", re.compile(r"\bno (?:minimum |formal |specific |particular )?(?:degree|diploma|schooling|education(?:al)?"
                        r"(?: requirements?| level)?)\b(?: (?:is )?(?:required|necessary|needed))?"
                        r"|\beducation(?:al)?(?: requirements?)?\s*:\s*(?:none|not required)\b", _I)),
    ("master", re.compile(r"\bmaster'?s?['’]?\s*(?:degree|of|in)\b|\bmasters? degree\b|\b(?:MBA|MHA|MSHI|MHI|MPH)\b|"
                          r"\bgraduate degree\b|\bM\.S\.(?=\s|,)", _I)),
    ("bachelor", re.compile(r"\bbachelor'?s?['’]?(?:\s*(?:degree|of|in)\b)?|\bbaccalaureate\b|\b(?:BA|BS)/(?:BA|BS)\b|"
                            r"\bB\.S\.|\bB\.A\.|\b(?:four|4)[- ]year (?:college )?degree\b|\bundergraduate degree\b", _I)),
    ("associate", re.compile(r"\bassociate'?s?['’]?\s*(?:degree|of (?:applied )?(?:science|arts))\b|\bassociates? in\b|"
                             r"\bassociate'?s?['’]?(?=\s+(?:(?:is\s+)?(?:required|accepted|acceptable|considered)\b(?!\s+to\b)"
                             r"|or\s+(?:a\s+)?bachelor))|"
                             r"\b(?:A\.A\.S\.|AAS)\b|\b(?:two|2)[- ]year (?:college |associate )?degree\b", _I)),
    ("certificate", re.compile(
        r"\b(?:coding|medical coding|billing and coding|coding and billing|health information|HIM|medical records|"
        r"medical assistant|medical office|healthcare administration|cancer registry|vocational|technical|"
        r"post-?secondary)\s+(?:certificate|diploma|program|course(?:work)?|training)\b"
        r"|\bcertificate (?:program|course)\b|\bcertificate in\b|\bcompletion of (?:an? |the )?(?:\w+[ -]){0,4}"
        r"(?:coding|billing|registry|HIM)\s+(?:program|course)\b", _I)),
    ("high_school", re.compile(r"\bhigh[- ]school\b|\bH\.?S\.? (?:diploma|graduate)\b|\bGED\b|\bsecondary school\b|"
                               r"\bHSD\b", _I)),
]
_ANY_LEVEL_RE = re.compile("|".join(f"(?P<{level}>{pattern.pattern})" for level, pattern in _LEVEL_RULES), _I)
_NOT_SCHOOLING_RE = re.compile(r"\bhigh school (?:students?|programs?|teachers?)\b", _I)
_EQUIVALENT_RE = re.compile(
    r"\bor (?:an? )?equivalent (?:combination of )?(?:\w+ ){0,3}?(?:work |related |relevant )?experience\b"
    r"|\bequivalent combination of (?:education|training)\b"
    r"|\bexperience (?:may|can) (?:be )?substitut\w* for (?:the |a )?(?:degree|education)\b"
    r"|\b(?:experience )?in lieu of (?:a |the )?(?:degree|education|diploma)\b",
    _I,
)
_SEMICOLON_RE = re.compile(r";(?!\s*(?:or|and/or)\b)\s*", _I)
_EQUIVALENT_HINTS = ("equivalent", "in lieu", "substitut")
_PREFERRED_RE = re.compile(r"\b(?:preferred|preferably|desired|a plus|nice to have|ideal(?:ly)?|bonus)\b", _I)
# substrings (lower case) one of which any education statement holds; the lines holding none are not read
_HINTS = ("degree", "diploma", " ged", "(ged", "/ged", "ged)", "high school", "high-school", "bachelor", "associate's",
          "associate of", "associates in", "master's", "masters", "master of", "certificate", "education",
          "graduate", "mba", "mha", "b.s.", "b.a.", "baccalaureate", "secondary", "a.a.s", " aas", "hsd", "program",
          "course", "associate required", "associate or")


@dataclass
class EducationResult:
    education_min: str | None
    evidence: str | None = None
    or_equivalent_experience: bool | None = None  # None when no education is stated
    decisions: list[str] = field(default_factory=list)


def _sentence_level(sentence: str) -> tuple[str, str] | None:
    """The lowest level named in one sentence (its alternatives), with the matched text: one pass of
    the rules joined, then the lowest rank among the levels found."""
    found: tuple[str, str] | None = None
    for match in _ANY_LEVEL_RE.finditer(sentence):
        level = match.lastgroup or ""
        if found is None or _RANK[level] < _RANK[found[0]]:
            if level == "high_school" and _NOT_SCHOOLING_RE.search(sentence):
                continue
            found = (level, match.group(0))
    return found


def _clauses(text: str) -> list[str]:
    """The block's sentences, each cut at its semicolons ("High school diploma; certificate preferred" asks for
    the diploma) except before "or" (an alternative stays with what it stands in for)."""
    return [clause for sentence in sentences(text)
            for clause in (_SEMICOLON_RE.split(sentence) if ";" in sentence else (sentence,)) if clause.strip()]


@lru_cache(maxsize=8192)
def _block_levels(text: str, preferred_section: bool) -> tuple[tuple[tuple[str, str], bool, bool], ...]:
    """((level, evidence), says "or equivalent", preferred) for each sentence of a block naming a level:
    a pure function of the block, cached (requirement lines recur across postings and crawls)."""
    levels = []
    for sentence in _clauses(text):
        found = _sentence_level(sentence)
        if found is None:
            continue
        is_preferred = preferred_section or bool(
            _PREFERRED_RE.search(sentence) and not re.search(r"\brequired\b", sentence, _I))
        levels.append(((found[0], sentence.strip()[:300]), bool(_EQUIVALENT_RE.search(sentence)), is_preferred))
    return tuple(levels)


def normalize_education(description_text: str) -> EducationResult:
    """Education asked for (see the module docstring)."""
    if not description_text:
        return EducationResult(None, decisions=["emr/education/none_stated"])
    required: tuple[str, str] | None = None
    preferred_only: tuple[str, str] | None = None
    equivalent = False
    for block in blocks_containing(description_text, _HINTS):
        for evidence, sentence_equivalent, is_preferred in _block_levels(block.text, block.kind == "preferred"):
            equivalent = equivalent or sentence_equivalent
            if is_preferred:
                preferred_only = preferred_only or evidence
            elif required is None or _RANK[evidence[0]] > _RANK[required[0]]:
                required = evidence
    if required is None:
        decision = "emr/education/preferred_only" if preferred_only else "emr/education/none_stated"
        return EducationResult(None, decisions=[decision])
    if not equivalent:  # "or equivalent experience" said apart from the education (its own item or line)
        equivalent = any(_EQUIVALENT_RE.search(block.text)
                         for block in blocks_containing(description_text, _EQUIVALENT_HINTS))
    return EducationResult(required[0], required[1], equivalent, [f"emr/education/{required[0]}"])
