"""Certification normalizer: which catalog credentials a posting asks for, and how strongly.

Matching: ®/™ and periods in dotted codes ("R.H.I.T.") are stripped; codes match uppercase with
word boundaries, full names case-insensitively; the longest alias wins (CCS-P before CCS, CPC-A
counts as CPC). Look-alikes are rejected (CIC for infection control, CRC for clinical research or
colorectal cancer, also when only another sentence of a posting with no coding work says so; CCA
outside a coding/records context, ODS outside a registry context, CCSP).
EPIC is labelled only for an Epic certification/credential, never for "Epic experience".

Strength of a mention, in order:
1. a cue in the same sentence: "within N months", "must obtain/earn", "X eligible" ->
   obtain_after_hire; "preferred", "desired", "a plus", "nice to have" -> preferred; "required",
   "must", "requires" -> required. The first cue after the mention wins when only list items
   (other credentials, "or", commas, "certification") separate them (so "CPC, CCS or CCA required"
   gives each the same strength); otherwise the nearest cue before it ("Must have CCS, CPC
   preferred").
2. a credential offered as one alternative to education or experience ("associate degree or
   RHIT", or an item under a "one of the following:" heading whose list holds an education or
   experience item) -> preferred.
3. the section header above the line: Required/Minimum/Requirements/Qualifications -> required,
   Preferred/Desired/Nice to have -> preferred.
4. no cue and no section (or a neutral one) -> required: a named credential in a posting's
   requirements text is read as asked for. Mentions with no cue inside duties/about/benefits
   sections are skipped (decision emr/cert/skipped/no_strength): they describe the work, not the
   candidate.
One credential with several strengths keeps the strongest (required > obtain_after_hire > preferred).

A credential named as a perk is not asked for: tuition or exam-fee reimbursement, support to earn or
sit for it, holders elsewhere in the organization ("tuition reimbursement for RHIT", "exam fee
reimbursement when you earn your CCS", "RHIT holders in our HIM department enjoy remote work"), the perk
right after it with no cue between ("RHIT exam fee reimbursement", "a CPC exam voucher") is skipped
(decision emr/cert/skipped/benefit), unless the same clause says the hire must obtain it ("must earn the
CCS within 9 months; we reimburse the exam fee"): then it is obtain_after_hire, never required.
"Candidates with an RHIT will receive additional consideration" is preferred. Staff who hold it ("under
the guidance of our CTR registrars") are not asking for it either. "Required by the end of the 6-month
introductory period" (a deadline after the start) is obtain_after_hire, and so is a credential the item
names with no cue when a later sentence of the item gives a deadline to obtain it ("Certification: CCDS.
Those who do not hold it must obtain it within 18 months").

Any-of lists ("RHIT, RHIA, CCS or CPC required", "one of the following: CPC, CCS"): each alternative
keeps the list's strength, as the labelling schema (SCHEMA.md: "each item of an any-of list of required
credentials is `required`") and the development set say, and CertMention.any_of names the other
credentials of its list: a reader who needs "individually mandatory" reads `required` with an empty
any_of. Only items joined within one clause by "or", "/" or "one of"/"any of"/"either" form a list;
"CPC and CPMA" are each asked for.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from emr_jobs.pipeline.cert_catalog import CERTIFICATIONS, UNMAPPED_CODES
from emr_jobs.pipeline.posting import CertMention
from emr_jobs.pipeline.sections import BOILERPLATE, NO_STRENGTH, Structure, structure
from emr_jobs.pipeline.text import holds_keyword, keyword_line_starts, lines_containing, sentences
from emr_jobs.vocabulary import CertStrength

_STRENGTH_RANK = {strength.value: strength.rank for strength in CertStrength}


def _name_pattern(alias: str) -> str:
    pattern = re.escape(alias)
    pattern = pattern.replace(r"\ \-\ ", r"\s*[-–]\s*").replace(r"\-", r"\s*[-–]?\s*")
    pattern = pattern.replace(r"\ ", r"\s+").replace(r"\&", "&").replace("&", r"(?:&|and)")
    return pattern


def _build_matchers() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], list[tuple[re.Pattern[str], str]]]:
    code_aliases: dict[str, str] = {}
    name_aliases: list[tuple[str, str]] = []
    for info in CERTIFICATIONS:
        if info.code == "EPIC":
            continue
        for alias in info.aliases:
            if re.fullmatch(r"[A-Z][A-Z0-9]*(?:[- ][A-Z0-9]{1,2})?", alias):
                code_aliases[alias] = info.code
            else:
                name_aliases.append((alias, info.code))
    codes_sorted = sorted(code_aliases, key=len, reverse=True)
    # Literal-first pattern (fast scanning); the left boundary is checked in _left_boundary().
    code_re = re.compile(
        r"(?:"
        + "|".join(re.escape(c).replace(r"\ ", " ") for c in codes_sorted)
        + r")(?![A-Za-z0-9])(?!-[A-Z0-9]{1,2}\b)"
    )
    name_aliases.sort(key=lambda item: len(item[0]), reverse=True)
    names = [(re.compile(r"\b" + _name_pattern(alias) + r"\b", re.I), code) for alias, code in name_aliases]
    combined = re.compile("|".join(f"(?:{p.pattern})" for p, _ in names), re.I)
    return code_re, combined, code_aliases, names


_CODE_RE, _NAME_RE, _CODE_ALIASES, _NAME_PATTERNS = _build_matchers()
_EPIC_RE = re.compile(
    r"\bEpic(?:\s+[A-Z][\w/&-]*){0,4}[\s-]+(?i:certifications?|certified|credentials?|credentialed|proficiency)\b"
    r"|\b(?i:certified|certification|credentialed|credential)\s+(?:in|on|with)\s+(?:an?\s+)?Epic\b"
)
_UNMAPPED_RE = re.compile(r"(" + "|".join(map(re.escape, UNMAPPED_CODES)) + r")(?![A-Za-z0-9])")
_CODE_WORDS = (*_CODE_ALIASES, *UNMAPPED_CODES)  # the literal codes one of which each code match is
_NAME_TRIGGERS = ("certified", "registered", "accredited", "oncology data")
_NAME_LINE_WORDS = (*_NAME_TRIGGERS, "epic")  # the words of a line that can name a credential in words
_MARKS_RE = re.compile(r"[®™©℠]|\(R\)|\(TM\)")
_MARK_CHARS = ("®", "™", "©", "℠", "(R)", "(TM)")
_DOT_HINTS = (".H.I", "C.")  # a dotted code ("R.H.I.T.", "C.C.S.") holds one of these
_DOTTED_HINT_RE = re.compile(r"[A-Z]\.[A-Z]\.")
_DOTTED_RE = re.compile(r"\b((?:[A-Z]\.){2,}[A-Z]?)\.?(?=[\s,;:/)\-]|$)")

# Document-level context patterns, written in lower case and searched in the lower-cased posting
# (one case-sensitive pass is much faster than an IGNORECASE alternation).
_LOOKALIKE = {
    "CIC": re.compile(r"infection|epidemiolog|\bapic\b|prevention and control"),
    "CRC": re.compile(r"clinical research|research coordinator|colorectal|rehabilitation counsel|\bsocra\b|\bacrp\b"),
    "CCS": re.compile(r"california children|cloud"),
    "CCA": re.compile(r"citrix|crop advis|city carrier|customer care"),
    "CPC": re.compile(r"cost per click|pay per click|pension"),
    "COC": re.compile(r"code of conduct|certificate of (?:coverage|compliance)|commission on cancer"),
    "CTR": re.compile(r"click[- ]through"),
}
_CODING_CONTEXT_RE = re.compile(
    r"\bcod(?:e|es|ing|er|ers)\b|\bicd\b|\bcpt\b|ahima|aapc|health information|medical records?|\bhim\b|"
    r"\b(?:rhit|rhia|ccs|cpc|coc|cic|cehrs|cdip)\b",
)
# CIC and CRC are dropped when the posting is about infection control or clinical research anywhere
# and never about coding (the sentence naming them may not say which CIC or CRC it means).
_DOC_LOOKALIKE_CODES = ("CIC", "CRC")
_CODING_WORK_RE = re.compile(r"\bcod(?:e|es|ing|er|ers)\b|\bicd\b|\bcpt\b|\baapc\b|\bdrgs?\b|\bhccs?\b|risk adjustment")
_REGISTRY_CONTEXT_RE = re.compile(r"registr|cancer|oncology|tumor|ncra")
_LEGACY_CONTEXT_RE = re.compile(r"RHIT|RHIA|credential|certif|registered|accredited", re.I)

_CUE_RE = re.compile(
    r"(?P<obtain>\bwithin\s+(?:the\s+first\s+|a\s+|an\s+|one\s+)?(?:\d+|[a-z]+)?\s*(?:\(\d+\)\s*)?(?:months?|years?|days?|weeks?)\b"
    r"|\b(?:must|will\s+need\s+to|required\s+to|expected\s+to|need\s+to|will)\s+(?:be\s+)?(?:obtain|earn|achieve|acquire|attain|pass|sit\s+for|become)\w*"
    r"|\beligib(?:le|ility)\b|\bupon\s+hire\b|\bafter\s+hire\b|\bby\s+the\s+end\s+of\s+(?:the\s+)?(?:probation|introductory))"
    r"|(?P<preferred>\bpreferred\b|\bpreferably\b|\bprefer\b|\bdesired\b|\bdesirable\b|\ba\s+plus\b|\bplus\b"
    r"|\bnice[- ]to[- ]have\b|\bhelpful\b|\bbonus\b|\badvantage(?:ous)?\b|\bideal(?:ly)?\b|\bwelcome[d]?\b"
    r"|\bencouraged\b|\bnot\s+required\b|\boptional\b|\b(?:additional|special|extra)\s+consideration\b"
    r"|\bgiven\s+(?:preference|priority)\b|\bpreference\s+(?:will\s+be\s+|is\s+)?given\b)"
    r"|(?P<required>\brequired\b|\brequires?\b|\bmust\b|\bmandatory\b|\bneeded\b|\bessential\b|\bneed\b)",
    re.I,
)
# A credential as a perk (see the module docstring): the cue stands before the mention in its clause ...
_PERK_BEFORE_RE = re.compile(
    r"\btuition\b|\breimburs\w*|\bexam(?:ination)?\s+fees?\b|\b(?:paid|free|covered)\s+(?:\w+\s+)?(?:exam|membership|"
    r"credential\w*|certification\w*|renewals?)\b|\bsupport(?:ed|s)?\s+(?:(?:for\s+)?(?:you|employees|staff)\s+)?"
    r"(?:to|in)\s+(?:earn|earning|obtain|obtaining|achieve|pursue|pursuing|get|sit\s+for)\b|\bscholarships?\b|"
    r"\bsponsor(?:s|ed|ship)?\b|\b(?:we|employer)\s+(?:will\s+)?(?:pay|cover|reimburse)\b|"
    r"\bbonus\s+(?:for|upon|when|after)\s+(?:earning|obtaining|passing|achieving|you)\b|\bstipend\b|\ballowance\b",
    re.I,
)
# ... or the mention names people who hold it elsewhere ("RHIT holders in our HIM department enjoy ...")
# ... or names the perk right after it ("RHIT exam fee reimbursement", "a CPC exam voucher", "... who pursue a CCA
# credential are eligible for exam reimbursement")
_PERK_AFTER_RE = re.compile(
    r"^[\s,/&\w-]{0,30}?\bholders?\b[^.;]{0,50}\b(?:enjoy|receive|get|earn)\b"
    r"|^[^.;]{0,50}?\b(?:exam(?:ination)?|test(?:ing)?|certification|credential(?:ing)?)\s+(?:fees?\s+|costs?\s+)?"
    r"(?:reimburs\w*|vouchers?|stipends?|scholarships?|assistance|support)\b"
    r"|^[^.;]{0,40}?\b(?:is|are)\s+eligible\s+for\s+(?:\w+\s+){0,3}?(?:reimburs\w*|vouchers?|stipends?|bonus\w*)\b",
    re.I,
)
# ... or the mention names the staff who hold it ("under our ODS-certified registrars", "our team of CCS coders")
_STAFF_BEFORE_RE = re.compile(r"\bour\s+(?:team\s+of\s+|own\s+|current\s+|experienced\s+|senior\s+)*$", re.I)
_STAFF_AFTER_RE = re.compile(
    r"^[-\s]*(?:(?:certified|credentialed)\s+)?(?:[\w-]+\s+){0,2}?(?:registrars|coders|auditors|staff|colleagues|"
    r"team(?:\s+members)?|professionals|specialists|educators|mentors|trainers|preceptors|analysts|technicians)\b",
    re.I,
)
# a deadline after the mention: "required by the end of the 6-month introductory period", "by your first review"
_DEADLINE_AFTER_RE = re.compile(
    r"\b(?:by|before)\s+(?:the\s+)?(?:end|completion|close)\s+of\s+(?:the\s+|your\s+)?(?:first\s+|initial\s+|"
    r"\w+[- ](?:month|day|week|year)\s+)?(?:probation\w*|introductory|orientation|training|onboarding|"
    r"(?:first\s+)?year\s+of\s+employment|\d+\s+months?\s+of\s+employment)",
    re.I,
)
# the hire must obtain it (then a perk mention is obtain_after_hire)
_MUST_OBTAIN_RE = re.compile(
    r"\b(?:must|required to|will need to|expected to|need to)\s+(?:\w+\s+){0,2}?(?:obtain|earn|achieve|acquire|"
    r"attain|pass|become|hold)\w*|\bwithin\s+(?:the\s+first\s+)?(?:\d+|[a-z]+)\s*(?:\(\d+\)\s*)?(?:months?|years?|days?)\b",
    re.I,
)
_ANY_OF_RE = re.compile(r"\bor\b|/|\bone of\b|\bany of\b|\beither\b", re.I)
_LIST_FILLER_RE = re.compile(
    r"\b(?:or|and|either|one of|the|a|an|active|current|valid|certifications?|credentials?|certified|"
    r"is|are|also|accepted|formerly|AHIMA|AAPC|NCRA|ACDIS|HFMA|NHA|license|licensure|from|through|by|"
    r"equivalent)\b|[,()/\-–]|\s+",
    re.I,
)
_EDU_EXP_RE = re.compile(
    r"\b(degree|diploma|associate'?s?|bachelor'?s?|master'?s?|graduat\w*|experience|years?\b|coursework|"
    r"completion of|program|training|education|GED)\b",
    re.I,
)
_OR_RE = re.compile(r"\b(?:or|OR|Or)\b")
# experience or education standing in for a credential ("... in lieu of the CCS", "may substitute for certification")
_IN_LIEU_RE = re.compile(
    r"\b(?:in lieu of|substitut\w* for|in place of|instead of)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:credential|certification|license|[A-Z]{3,5}\b)", re.I)
_AFTER_HIRE_DEADLINE_RE = re.compile(r"\b(?:by|before) the end of (?:the |your )?(?:first|1st|probation\w*|introductory)"
                                     r"|\b(?:months?|years?|days?) (?:of|after|from) (?:the date of )?hire\b", re.I)
_INLINE_HEADER_RE = re.compile(r"^\s*(?P<head>[A-Za-z /&-]{3,40}):\s")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "a": 1, "an": 1, "first": 1,
}
_HIRE_WINDOW_RE = re.compile(
    r"\bwithin\s+(?:the\s+first\s+|a\s+|an\s+|one\s+)?(?:\d+|[a-z]+)?\s*(?:\(\d+\)\s*)?(?:months?|years?|days?)\s+"
    r"(?:of|after|from)\s+(?:the\s+|your\s+)?(?:hire|hiring|employment|start|starting|date of hire|appointment)",
    re.I,
)
# "CPC required within 12 months", "RHIT - Required within 1 year", "required upon hire or within 6 months":
# a deadline straight after the word required (no "of hire" needed; "of experience" is not a deadline).
_REQUIRED_WITHIN_RE = re.compile(
    r"^[\s,()\-–:]*(?:(?:certifications?|credentials?|is|are)\s+){0,2}required\s+(?:(?:upon|at)\s+hire\s+or\s+)?within\s+"
    r"(?:the\s+first\s+|a\s+|an\s+|one\s+)?(?:\d+|[a-z]+)?\s*(?:\(\d+\)\s*)?(?:months?|years?|days?)\b"
    r"(?!\s+of\s+(?:\w+\s+)?experience)",
    re.I,
)
_WITHIN_RE = re.compile(r"\bwithin\s+(?:the\s+first\s+|the\s+)?(\d+|[a-z-]+)?\s*(?:\((\d+)\)\s*)?(months?|years?|days?|weeks?)\b", re.I)


# A sentence naming no credential that gives the hire a deadline to obtain the one(s) just named ("Those who
# do not yet hold either credential must obtain one within 18 months of hire", "It must be earned within a year").
_BACKREF_DEADLINE_RE = re.compile(
    r"\b(?:must|will need to|required to|expected to|needs? to|have to)\s+(?:\w+\s+){0,2}?(?:obtain|earn|achieve|"
    r"acquire|attain|pass)\w*\b(?=[^.]{0,80}\bwithin\b)"
    r"|\b(?:it|one|either|both|them|this|the credential|the certification)\s+(?:\w+\s+){0,2}?(?:must|will need to|"
    r"needs to|has to)\s+be\s+(?:obtained|earned|achieved|acquired|attained|passed)\b(?=[^.]{0,40}\bwithin\b)",
    re.I,
)
_BACKREF_WORD_RE = re.compile(r"\b(?:it|one|either|both|them|credentials?|certifications?|exam)\b", re.I)
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u00b7\u25e6\u25a0\u27a2]|\d{1,2}[.)])\s+")
# a heading that makes its items alternatives ("Qualifications - one of the following:")
_ONE_OF_HEAD_RE = re.compile(r"\b(?:one|any|either) of the following\b|\b(?:one|any one) of these\b", re.I)


@dataclass
class CertResult:
    mentions: list[CertMention]
    decisions: list[str] = field(default_factory=list)


@dataclass
class _Hit:
    code: str
    start: int
    end: int


def _prepare(text: str) -> str:
    """Trademark marks dropped and dotted codes undotted ("R.H.I.T." -> "RHIT"). Whether the text holds
    a mark or a dot of a code is read from the cased keyword index of its structure's text, which the
    candidate lines read anyway (four substring scans of the whole text cost more). Undoing the layout
    (sections.structure) empties lone bullet and numbered lines ("C.") and puts " or " or "- " between
    words it joins: it adds no hint, keeps every mark, and may drop a dot hint, which is then looked
    for in the text itself."""
    joined = structure(text).text
    marked = holds_keyword(joined, _MARK_CHARS, cased=True)
    if marked is None:
        marked = any(mark in text for mark in _MARK_CHARS)
    if marked:
        text = joined = _MARKS_RE.sub("", text)
    dotted = holds_keyword(joined, _DOT_HINTS, cased=True)
    if dotted is None or (dotted is False and joined is not text):
        dotted = any(hint in text for hint in _DOT_HINTS)
    if dotted and (".H.I" in text or _DOTTED_HINT_RE.search(text)):
        text = _DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), text)
    return text


# Substrings one of which each document-level pattern needs: a few C substring searches decide most
# postings before the (much slower) regex alternation scans the whole text.
_LOOKALIKE_HINTS = {
    "CIC": ("infection", "epidemiolog", "apic", "prevention and control"),
    "CRC": ("clinical research", "research coordinator", "colorectal", "rehabilitation counsel", "socra", "acrp"),
    "CCS": ("california children", "cloud"),
    "CCA": ("citrix", "crop advis", "city carrier", "customer care"),
    "CPC": ("cost per click", "pay per click", "pension"),
    "COC": ("code of conduct", "certificate of", "commission on cancer"),
    "CTR": ("click",),
}
_CODING_WORK_HINTS = ("cod", "icd", "cpt", "aapc", "drg", "hcc", "risk adjustment")
_CODING_CONTEXT_HINTS = ("cod", "icd", "cpt", "ahima", "aapc", "health information", "medical record", "him", "rhit",
                         "rhia", "ccs", "cpc", "coc", "cic", "cehrs", "cdip")
_REGISTRY_HINTS = ("registr", "cancer", "oncology", "tumor", "ncra")


def _found(pattern: re.Pattern[str], hints: tuple[str, ...], text: str, title: str) -> bool:
    """pattern.search in the lower-cased text or title. Every match of these patterns holds one of
    its hints and stays on one line, so only the text's lines holding a hint are searched (found in
    the text's one-pass keyword index); the title when it holds a hint."""
    if pattern.search(lines_containing(text, hints).lower()):
        return True
    return any(hint in title for hint in hints) and bool(pattern.search(title))


class _DocContext:
    """Document-level contexts, computed only when a CCA or ODS mention needs them."""

    def __init__(self, text: str, title: str) -> None:
        self._text, self._title = text, (title or "").lower()
        self._coding: bool | None = None
        self._registry: bool | None = None
        self._lookalike: dict[str, bool] = {}

    @property
    def coding(self) -> bool:
        if self._coding is None:
            self._coding = _found(_CODING_CONTEXT_RE, _CODING_CONTEXT_HINTS, self._text, self._title)
        return self._coding

    def lookalike(self, code: str) -> bool:
        """The whole posting reads as the look-alike meaning of code and never mentions coding work."""
        if code not in self._lookalike:
            self._lookalike[code] = (_found(_LOOKALIKE[code], _LOOKALIKE_HINTS[code], self._text, self._title)
                                     and not _found(_CODING_WORK_RE, _CODING_WORK_HINTS, self._text, self._title))
        return self._lookalike[code]

    @property
    def registry(self) -> bool:
        if self._registry is None:
            self._registry = _found(_REGISTRY_CONTEXT_RE, _REGISTRY_HINTS, self._text, self._title)
        return self._registry


def _within_months(sentence: str) -> int | None:
    match = _WITHIN_RE.search(sentence)
    if not match:
        return None
    raw = match.group(2) or match.group(1) or "1"
    number = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.lower(), 1)
    unit = match.group(3).lower()
    if unit.startswith("year"):
        return number * 12
    if unit.startswith("day"):
        return max(1, round(number / 30))
    if unit.startswith("week"):
        return max(1, round(number / 4.345))
    return number


def _left_boundary(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "-")


def _candidate_lines(parsed: Structure) -> list[int]:
    """Indices of lines that can hold a credential: a left-bounded match of a code pattern, or a name
    trigger. The code patterns are tried only on the lines holding one of their literal codes (from
    the text's one-pass keyword index): every match is one of them, and none spans two lines."""
    text = parsed.text
    code_lines = keyword_line_starts(text, _CODE_WORDS, cased=True)
    if code_lines is None:
        positions = [m.start() for pattern in (_CODE_RE, _UNMAPPED_RE) for m in pattern.finditer(text)
                     if _left_boundary(text, m.start())]  # two scans: one alternation of both is far slower
        found = {parsed.line_at(position) for position in positions}
    else:
        found = set()
        index_of = parsed.line_index_of_start()
        for start in code_lines:
            line = parsed.lines[index_of[start]]
            if any(_left_boundary(line, m.start()) for pattern in (_CODE_RE, _UNMAPPED_RE) for m in pattern.finditer(line)):
                found.add(index_of[start])
    if parsed.lowered:
        found.update(parsed.lines_with(_NAME_LINE_WORDS))
    else:  # lower-casing changed offsets: check line by line
        found.update(i for i, line in enumerate(parsed.lines) if any(w in line.lower() for w in _NAME_LINE_WORDS))
    return sorted(found)


def _hits(sentence: str, context: _DocContext) -> list[_Hit]:
    hits: list[_Hit] = []
    for match in _CODE_RE.finditer(sentence):
        if not _left_boundary(sentence, match.start()):
            continue
        alias = match.group(0)
        code = _CODE_ALIASES[alias]
        if alias in ("ART", "RRA") and not _LEGACY_CONTEXT_RE.search(sentence):
            continue
        if code == "CCA" and not context.coding:
            continue
        if alias == "ODS" and not context.registry:
            continue
        if code in _DOC_LOOKALIKE_CODES and context.lookalike(code):
            continue
        if sentence.isupper() and len(sentence) > 40:
            continue
        hits.append(_Hit(code, match.start(), match.end()))
    lowered = sentence.lower()
    if any(word in lowered for word in _NAME_TRIGGERS) and _NAME_RE.search(sentence):
        for pattern, code in _NAME_PATTERNS:
            for match in pattern.finditer(sentence):
                if not any(h.start <= match.start() < h.end for h in hits):
                    hits.append(_Hit(code, match.start(), match.end()))
    for match in _EPIC_RE.finditer(sentence) if "epic" in lowered else ():
        hits.append(_Hit("EPIC", match.start(), match.end()))
    kept = [h for h in hits if not (h.code in _LOOKALIKE and _LOOKALIKE[h.code].search(lowered))]
    return sorted(kept, key=lambda h: h.start)


def _is_list_gap(gap: str, hits: list[_Hit], offset: int) -> bool:
    """True when the text between a mention and a cue is only other credentials and connectors."""
    chars = list(gap)
    for hit in hits:
        for i in range(max(hit.start - offset, 0), min(hit.end - offset, len(chars))):
            chars[i] = " "
    return not _LIST_FILLER_RE.sub("", "".join(chars)).strip()


def _strength_from_cues(clause: str, hit: _Hit, hits: list[_Hit], cues: list[re.Match[str]]) -> str | None:
    """The strength the cues of the clause (_CUE_RE matches, in order) give to hit."""
    after = next((c for c in cues if c.start() >= hit.end), None)
    before = next((c for c in reversed(cues) if c.end() <= hit.start), None)
    chosen = None
    if after is not None:
        gap = clause[hit.end : after.start()]
        if _is_list_gap(gap, hits, hit.end) and ("," not in gap or before is None):
            chosen = after
        elif before is None and len(gap) <= 60:
            chosen = after
    if chosen is None:
        chosen = before
    if chosen is None:
        return None
    return chosen.lastgroup and {"obtain": "obtain_after_hire"}.get(chosen.lastgroup, chosen.lastgroup)


def _after_list(clause: str, hit: _Hit, hits: list[_Hit]) -> str:
    """The clause after the last credential of the list that hit belongs to ("CPC or CCS (...) required ...")."""
    end = hit.end
    for other in hits:
        if other.start >= end and _is_list_gap(clause[end : other.start], hits, end):
            end = max(end, other.end)
    return re.sub(r"^\s*\([^()]{0,80}\)", "", clause[end:])


def _alternative_to_education(clause: str, hit: _Hit, hits: list[_Hit], sentence: str = "") -> bool:
    """The credential is one way to qualify, education or experience the other ("RHIT, or three years
    of ROI experience"; "two years of coding experience in lieu of the CCS")."""
    if sentence and _IN_LIEU_RE.search(sentence) and _EDU_EXP_RE.search(sentence):
        return True
    if not _OR_RE.search(clause):
        return False
    pos = 0
    for part in _OR_RE.split(clause):
        start, end = pos, pos + len(part)
        pos = end + 2
        if any(start <= h.start < end for h in hits):
            continue
        if _EDU_EXP_RE.search(part):
            return True
    return False


def _or_education_next(clauses: list[str], number: int) -> bool:
    """The next clause of the sentence is another way to qualify by education or experience
    ("Associate degree and RHIT; or high school diploma and 3 years of HIM experience")."""
    if number + 1 >= len(clauses):
        return False
    following = clauses[number + 1]
    return bool(re.match(r"\s*or\b", following, re.I) and _EDU_EXP_RE.search(following))


def _perk(clause: str, hit: _Hit) -> bool:
    """The credential is named as a perk or as what the staff already hold (see the module docstring), not
    asked of the candidate."""
    before = clause[max(0, hit.start - 80) : hit.start]
    after = clause[hit.end :]
    perk_after = _PERK_AFTER_RE.search(after)
    if perk_after and any(not cue.group(0).lower().startswith(("eligib", "bonus"))  # words of the perk itself
                          for cue in _CUE_RE.finditer(after, 0, perk_after.end())):
        perk_after = None  # "RHIT required (exam fee reimbursed)": asked for, the perk comes with it
    return bool(_PERK_BEFORE_RE.search(before) or perk_after
                or (_STAFF_BEFORE_RE.search(before) and _STAFF_AFTER_RE.match(after)))


def _any_of_groups(clause: str, hits: list[_Hit]) -> dict[int, tuple[str, ...]]:
    """hit index -> the codes of the any-of list it belongs to (only for lists of two or more codes
    joined by "or", "/", "one of", "any of", "either")."""
    groups: dict[int, tuple[str, ...]] = {}
    run = [0] if hits else []
    gaps: list[str] = []
    for i in range(1, len(hits) + 1):
        gap = clause[hits[i - 1].end : hits[i].start] if i < len(hits) else ""
        if i < len(hits) and hits[i].start >= hits[i - 1].end and _is_list_gap(gap, hits, hits[i - 1].end):
            run.append(i)
            gaps.append(gap)
            continue
        codes = tuple(dict.fromkeys(hits[j].code for j in run))
        lead = clause[: hits[run[0]].start] if run else ""
        if len(codes) > 1 and (any(_ANY_OF_RE.search(g) for g in gaps) or re.search(r"\b(?:one|any) of\b", lead, re.I)):
            for j in run:
                groups[j] = tuple(c for c in codes if c != hits[j].code)
        run, gaps = [i], []
    return groups


def _eligible_with_deadline(block: str, next_block: str) -> bool:
    """'Eligible' for the credential at hire and a stated time to hold it (here or in the next item)."""
    lowered = block.lower()
    if "eligib" not in lowered:
        return False
    return bool(_WITHIN_RE.search(block) or _AFTER_HIRE_DEADLINE_RE.search(block)
                or ("within" in next_block.lower() and _HIRE_WINDOW_RE.search(next_block)))


# What one candidate line says: ("decision", key) and ("unmapped", key) events, and ("mention", CertMention,
# eligible-with-deadline) events, in the order the posting-level loop replays them.
_LineEvents = tuple[tuple, ...]

# Codes whose reading depends on the whole posting (_DocContext): a line holding one of these literals is
# keyed by the context flags it needs as well.
_CONTEXT_LITERALS = (("CCA", "coding"), ("ODS", "registry"), ("CIC", "CIC"), ("CRC", "CRC"))


def _context_key(line: str, context: _DocContext) -> tuple[bool | None, ...]:
    if not any(literal in line for literal, _ in _CONTEXT_LITERALS):
        return ()
    return tuple(
        None if literal not in line else (context.coding if need == "coding" else context.registry
                                          if need == "registry" else context.lookalike(need))
        for literal, need in _CONTEXT_LITERALS)


class _FixedContext:
    """A _DocContext stand-in answering from the flags of a _context_key (what a cached line needs)."""

    def __init__(self, key: tuple[bool | None, ...]) -> None:
        flags = dict(zip((need for _, need in _CONTEXT_LITERALS), key or (None,) * len(_CONTEXT_LITERALS),
                         strict=True))
        self.coding, self.registry, self._flags = flags["coding"], flags["registry"], flags

    def lookalike(self, code: str) -> bool:
        return bool(self._flags[code])


def _line_events(line: str, kind: str, eligible_here: bool, context_key: tuple[bool | None, ...]) -> _LineEvents:
    """The events of one candidate line (see _LineEvents): a pure function of the line, its section kind,
    whether it is eligible-with-deadline (with the next line) and the document context flags it needs,
    cached (_line_events_cached)."""
    context = _FixedContext(context_key)
    events: list[tuple] = []
    inline_kind = None
    header_match = _INLINE_HEADER_RE.match(line)
    if header_match:
        head = header_match.group("head").lower()
        if _PREFERRED_HEAD_RE.search(head):
            inline_kind = "preferred"
        elif _REQUIRED_HEAD_RE.search(head):
            inline_kind = "required"
    line_sentences = sentences(line)
    # a later sentence of the item with a deadline to obtain the credential(s) it names: no longer "required"
    deadline_later = len(line_sentences) > 1 and "within" in line.lower() and any(
        _BACKREF_DEADLINE_RE.search(other) and _BACKREF_WORD_RE.search(other) and not _hits(other, context)  # type: ignore[arg-type]
        for other in line_sentences[1:])
    for sentence_number, sentence in enumerate(line_sentences):
        for unmapped in _UNMAPPED_RE.finditer(sentence):
            if _left_boundary(sentence, unmapped.start()):
                events.append(("unmapped", f"emr/cert/unmapped/{unmapped.group(1)}"))
        clauses = sentence.split(";")
        for clause_number, clause in enumerate(clauses):
            hits = _hits(clause, context)  # type: ignore[arg-type]
            cues = list(_CUE_RE.finditer(clause)) if hits else []
            any_of = _any_of_groups(clause, hits) if len(hits) > 1 else {}
            for number, hit in enumerate(hits):
                if _perk(clause, hit):
                    if not _MUST_OBTAIN_RE.search(clause):
                        events.append(("decision", "emr/cert/skipped/benefit"))
                        continue
                    mention = CertMention(hit.code, "obtain_after_hire", clause.strip()[:300], _within_months(clause))
                    events.append(("mention", mention, False))
                    continue
                strength = _strength_from_cues(clause, hit, hits, cues)
                cued = strength is not None
                if strength is None:
                    strength = inline_kind
                if strength in (None, "required") and (_alternative_to_education(clause, hit, hits, sentence)
                                                       or _or_education_next(clauses, clause_number)):
                    strength = "preferred"
                if strength is None:
                    if kind == "preferred":
                        strength = "preferred"
                    elif kind in NO_STRENGTH:
                        events.append(("decision", "emr/cert/skipped/no_strength"))
                        continue
                    else:
                        strength = "required"
                if strength == "required" and not cued and deadline_later and sentence_number == 0:
                    strength = "obtain_after_hire"  # "Certification: CCDS or CDIP. ... must obtain one within 18 months"
                if strength == "required" and (_HIRE_WINDOW_RE.search(clause[hit.end :])
                                               or _REQUIRED_WITHIN_RE.search(_after_list(clause, hit, hits))
                                               or _DEADLINE_AFTER_RE.search(clause[hit.end :])):
                    strength = "obtain_after_hire"  # "CPC required within 12 months of hire"
                within = _within_months(clause) if strength == "obtain_after_hire" else None
                mention = CertMention(hit.code, strength, clause.strip()[:300], within, any_of.get(number, ()))
                events.append(("mention", mention, eligible_here and strength != "preferred"))
    return tuple(events)


# Requirement lines repeat across an employer's postings and across crawls of the same posting: a line
# read once is not read again (the events are immutable; CertMention is frozen).
_line_events_cached = lru_cache(maxsize=8192)(_line_events)
_PREFERRED_HEAD_RE = re.compile(r"prefer|desired|nice|plus|bonus")
_REQUIRED_HEAD_RE = re.compile(r"requir|minimum|must|mandatory")


def _alternative_items(parsed: Structure, index: int) -> bool:
    """Line `index` sits under a heading that makes its items alternatives ("one of the following:") and
    another item of that list (the bulleted items right under it) is education or experience naming no
    credential: the credential is one way to qualify (preferred)."""
    heading_position = bisect_right(parsed.section_starts, index) - 1
    if heading_position < 0 or not _ONE_OF_HEAD_RE.search(parsed.sections[heading_position][0]):
        return False
    first = parsed.section_starts[heading_position] + 1
    end = parsed.section_starts[heading_position + 1] if heading_position + 1 < len(parsed.section_starts) \
        else len(parsed.lines)
    items: list[str] = []
    for line in parsed.lines[first:end]:  # the list right under the heading: its bulleted items
        if _LIST_ITEM_RE.match(line):
            items.append(line)
        elif line.strip() and items:
            break
    return index - first < len(items) and any(
        item != parsed.lines[index] and _EDU_EXP_RE.search(item) and not _CODE_RE.search(item) for item in items)


def normalize_certifications(description_text: str, title: str = "") -> CertResult:
    """Catalog credentials (code, strength, evidence) asked for in a posting."""
    text = _prepare(description_text)
    context = _DocContext(text, title if isinstance(title, str) else "")
    parsed = structure(text)
    best: dict[str, CertMention] = {}
    eligible_deadline: set[str] = set()
    decisions: list[str] = []
    for index in _candidate_lines(parsed):
        block = parsed.block(index)
        if not block.text:
            continue
        if block.kind in BOILERPLATE:
            decisions.append("emr/cert/skipped/boilerplate")
            continue
        eligible_here = _eligible_with_deadline(block.text, parsed.next_line(index))
        events = _line_events_cached(block.text, block.kind, eligible_here, _context_key(block.text, context))
        alternatives = "the following" in block.heading.lower() or " of these" in block.heading.lower()
        for event in events:
            if event[0] == "mention":
                mention = event[1]
                if alternatives and mention.strength == "required" and _alternative_items(parsed, index):
                    mention = CertMention(mention.code, "preferred", mention.evidence, None, mention.any_of)
                if event[2]:
                    eligible_deadline.add(mention.code)
                current = best.get(mention.code)
                if current is None or _STRENGTH_RANK[mention.strength] > _STRENGTH_RANK[current.strength]:
                    best[mention.code] = mention
            elif event[0] == "decision" or event[1] not in decisions:
                decisions.append(event[1])
    for code in eligible_deadline & best.keys():
        # eligible at hire, held within a stated time: obtain_after_hire even where a sentence says "required"
        if best[code].strength == "required":
            current = best[code]
            best[code] = CertMention(code, "obtain_after_hire", current.evidence,
                                     current.within_months or _within_months(current.evidence), current.any_of)
    for code in best:
        decisions.append(f"emr/cert/{code}/{best[code].strength}")
    return CertResult(list(best.values()), decisions)
