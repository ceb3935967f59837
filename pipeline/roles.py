"""Role normalizer: is the posting in the medical-records family (SOC 29-2072), which sub-role, and
when it is not, why (a drop reason from DROP_REASONS, counted in crawl stats).

The title decides first, through an ordered list of small named steps (CDI, records outside health
care, IT look-alikes, clinical chart-readers, revenue-cycle work that is not coding, other
occupations, then the family's sub-roles); the description decides only when the title says nothing
either way. A federal occupational series outside the family decides before the title does.
`title_decision` / `is_relevant_title` are the cheap title-only checks spiders use before a detail call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

_I = re.I

# Why a posting is not in the family; the crawl counts each as emr/relevance/dropped/<reason>.
REASON_IT = "it"  # IT, interoperability, software, EHR build and support
REASON_CLINICAL = "clinical"  # nurses and other clinicians who read charts (CDI is kept)
REASON_REVENUE_CYCLE = "revenue_cycle"  # billing, collections, prior authorization, scheduling, access
REASON_OTHER_RECORDS = "other_records"  # records work outside health care: police, court, student, land
REASON_OTHER_OCCUPATION = "other_occupation"  # the title names another occupation
REASON_OCCUPATION_SERIES = "occupation_series"  # a federal series outside the family
REASON_NO_SIGNAL = "no_signal"  # a vague title and a description without the family's work
DROP_REASONS = (REASON_IT, REASON_CLINICAL, REASON_REVENUE_CYCLE, REASON_OTHER_RECORDS, REASON_OTHER_OCCUPATION,
                REASON_OCCUPATION_SERIES, REASON_NO_SIGNAL)

# Federal series (USAJOBS JobCategory codes): the family's own, and series that hold a family role
# only when the title names it (a records clerk in 0303, a CDI nurse in 0610).
FAMILY_SERIES = frozenset({"0675", "0669"})
SERIES_FAMILY_ROLES = {"0303": frozenset({"medical_records", "release_of_information"}),
                       "0610": frozenset({"cdi"})}

_CDI_RE = re.compile(
    r"\b(?:CDI|CDIS|CDS|clinical documentation|documentation integrity|documentation improvement|"
    r"documentation specialist)\b",
    _I,
)
_CODING_RE = re.compile(
    r"\b(?:coder|coders|coding|DRG valid\w*|HCC|risk adjustment coder|abstractor/coder|coder/abstractor|"
    r"coding auditor|code auditor)\b",
    _I,
)
_OTHER_RECORDS_TITLE_RE = re.compile(
    r"\b(?:police|sheriff'?s?|law enforcement|court|judicial|jail|detention|corrections|criminal|"
    r"students?|school|university registrar|title abstract\w*|title examiner|landman|land records|"
    r"property records|deeds?|motor vehicles?|DMV|legal records)\b",
    _I,
)
_SOFTWARE_RE = re.compile(r"\b(?:software|developer|engineer|programmer|devops|data scientist|machine learning)\b", _I)
_IT_WORD_RE = re.compile(
    r"\b(?:epic|cerner|meditech|application|applications|informatics|systems analyst|system analyst|"
    r"(?:EHR|EMR) (?:analyst|trainer|implementation|consultant|administrator|support)|trainer|"
    r"implementation|integration|interface|interoperability|health information exchange|HIE|IT|build)\b",
    _I,
)
_IT_JOB_RE = re.compile(r"\b(?:analyst|trainer|consultant|administrator|support|builder)\b", _I)
_IT_TITLE_RE = re.compile(
    r"\b(?:information systems?|information technology|IT (?:specialist|analyst|manager|director|support|"
    r"technician)|INFOSEC|cyber\w*|network|database|help desk|service desk|desktop support|"
    r"health information exchange|interoperability|HL7|FHIR|"
    r"(?:implementation|integration|interface)\s+(?:specialist|coordinator|lead|manager|engineer|analyst))\b",
    _I,
)
_CLINICAL_RE = re.compile(
    r"\b(?:registered nurse|RN|LPN|LVN|nurse(?! auditor)|(?<!skilled )nursing(?!\s+(?:homes?|facilit\w*|cent(?:er|re)s?|"
    r"and rehab\w*|& rehab\w*|communit\w*))|CNA|physician(?!s?'?\s+(?:practice|group|office|clinic))|"
    r"medical assistant|pharmacy|pharmacist|phlebotom\w*|radiolog\w*|sonograph\w*|therapist|dental assistant|"
    r"EMT|paramedic|surgical tech\w*|respiratory|clinician|psychologist|social worker|case manager|"
    r"utilization review)\b",
    _I,
)
_REVENUE_CYCLE_RE = re.compile(
    r"\b(?:scheduler|scheduling|receptionist|front desk|front office|prior auth\w*|authorization|referral|"
    r"patient access|registration|admitting|patient registrar|insurance verification|benefits? verification|"
    r"collector|collections?|accounts? receivable|A/?R|payment post\w*|charge entry|cashier|billing|biller|"
    r"billers|claims?|denials?|revenue cycle|reimbursement|patient financial|financial counselor)\b",
    _I,
)
_OTHER_OCCUPATION_RE = re.compile(
    r"\b(?:transcription\w*|scribe|interpreter|driver|security officer|housekeep\w*|cook|teacher|"
    r"sales|account executive|recruiter|unit secretary|unit clerk|health unit coordinator|ward clerk|"
    r"secretary|firefighter)\b",
    _I,
)
_LEADER_RE = re.compile(
    r"\b(?:supervisor|supervisory|manager|director|administrator|chief|head of|vice president|\bVP\b|superintendent)\b",
    _I,
)
_HIM_AREA_RE = re.compile(
    r"\b(?:HIM|HIS|health information|medical records?|health records?|coding|coders?|CDI|clinical "
    r"documentation|release of information|ROI|registry|registrar|privacy|record operations|records)\b",
    _I,
)
_REGISTRY_RE = re.compile(
    r"\b(?:(?:cancer|tumor|tumour|trauma|oncology|stroke|cardiac|cardiovascular|transplant|"
    r"registry|NCDB|data)\s+(?:registrar|registry|abstractor)|registry\s+(?:specialist|coordinator|"
    r"technician|analyst|abstractor)|oncology data specialist|\bODS\b|\bCTR\b|registrar\s*\((?:cancer|tumor|trauma))",
    _I,
)
_ROI_RE = re.compile(
    r"\b(?:release of information|\bROI\b|disclosure (?:specialist|coordinator|technician|representative)|"
    r"correspondence (?:specialist|coordinator|clerk)|records? requests?)\b",
    _I,
)
_RECORDS_RE = re.compile(
    r"\b(?:medical records?|health records?|health information|\bHIMS?\b|\bHIS\b|"
    r"(?:EHR|EMR) (?:specialist|clerk|technician|tech|assistant|associate)|"
    r"electronic (?:health|medical) records? specialist|scanning|indexing|document imaging|imaging specialist|"
    r"chart (?:completion|analyst|retrieval|prep\w*|review)|charts?|record(?:s)? (?:clerk|technician|"
    r"specialist|coordinator|analyst|assistant)|abstract(?:or|ion)|MPI|master patient index|data integrity|"
    r"patient identity|deficiency|file clerk|RHIT|records (?:clerk|technician|specialist))\b",
    _I,
)
_AMBIGUOUS_TITLE_RE = re.compile(
    r"\b(?:specialist|technician|tech|clerk|coordinator|analyst|associate|assistant|representative|"
    r"abstractor|auditor|registrar|reviewer|educator|trainer)\b",
    _I,
)


@dataclass(frozen=True)
class TitleDecision:
    """What the title says: relevant True/False, or None when it cannot tell."""

    relevant: bool | None
    role: str | None = None
    reason: str | None = None  # a DROP_REASONS value when relevant is False
    evidence: str | None = None  # the words of the title that decided


@dataclass
class RoleResult:
    relevant: bool
    role: str | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)
    reason: str | None = None  # why not relevant, one of DROP_REASONS


TitleStep = Callable[[str], "TitleDecision | None"]


def _keep(role: str, match: re.Match | None) -> TitleDecision:
    return TitleDecision(True, role, None, match.group(0) if match else None)


def _drop(reason: str, match: re.Match | None) -> TitleDecision:
    return TitleDecision(False, None, reason, match.group(0) if match else None)


def _step_cdi(title: str) -> TitleDecision | None:
    match = _CDI_RE.search(title)
    if not match or re.search(r"\btranscription|\bdental\b", title, _I):
        return None
    return _keep("him_leadership" if _LEADER_RE.search(title) else "cdi", match)


def _step_other_records(title: str) -> TitleDecision | None:
    match = _OTHER_RECORDS_TITLE_RE.search(title)
    return _drop(REASON_OTHER_RECORDS, match) if match else None


def _step_it(title: str) -> TitleDecision | None:
    match = _SOFTWARE_RE.search(title) or _IT_TITLE_RE.search(title)
    if match:
        return _drop(REASON_IT, match)
    word = _IT_WORD_RE.search(title)
    if word and _IT_JOB_RE.search(title):
        return _drop(REASON_IT, word)
    return None


def _excluded_unless_coding(pattern: re.Pattern, reason: str) -> TitleStep:
    """A step dropping titles that name another job, unless the title is about coding
    ("Medical Billing and Coding Specialist", "RN Coder" are coders)."""

    def step(title: str) -> TitleDecision | None:
        match = pattern.search(title)
        if match and not _CODING_RE.search(title):
            return _drop(reason, match)
        return None

    step.__name__ = f"_step_{reason}"
    return step


def _step_him_leadership(title: str) -> TitleDecision | None:
    leader = _LEADER_RE.search(title)
    return _keep("him_leadership", leader) if leader and _HIM_AREA_RE.search(title) else None


def _step_registry(title: str) -> TitleDecision | None:
    match = _REGISTRY_RE.search(title)
    if match:
        return _keep("registry", match)
    if re.search(r"\bregistrar\b", title, _I):  # patient, admitting or cancer registrar: the text decides
        return TitleDecision(None)
    return None


def _pattern_step(pattern: re.Pattern, role: str) -> TitleStep:
    def step(title: str) -> TitleDecision | None:
        match = pattern.search(title)
        return _keep(role, match) if match else None

    step.__name__ = f"_step_{role}"
    return step


def _step_registry_word(title: str) -> TitleDecision | None:
    match = re.search(r"\bregistry\b", title, _I)
    return _keep("registry", match) if match else None


def _step_ambiguous(title: str) -> TitleDecision | None:
    return TitleDecision(None) if _AMBIGUOUS_TITLE_RE.search(title) else None


# The title rules, in order; the first step that decides wins.
TITLE_STEPS: tuple[TitleStep, ...] = (
    _step_cdi,
    _step_other_records,
    _step_it,
    _excluded_unless_coding(_CLINICAL_RE, REASON_CLINICAL),
    _excluded_unless_coding(_REVENUE_CYCLE_RE, REASON_REVENUE_CYCLE),
    _excluded_unless_coding(_OTHER_OCCUPATION_RE, REASON_OTHER_OCCUPATION),
    _step_him_leadership,
    _step_registry,
    _pattern_step(_CODING_RE, "coding"),
    _pattern_step(_ROI_RE, "release_of_information"),
    _pattern_step(_RECORDS_RE, "medical_records"),
    _step_registry_word,
    _step_ambiguous,
)


def title_decision(title: str) -> TitleDecision:
    """The title's decision: the first step that decides; a title naming no known work is another occupation."""
    if not isinstance(title, str) or not title.strip():
        return TitleDecision(None)
    return _title_decision(title.strip())


@lru_cache(maxsize=8192)
def _title_decision(text: str) -> TitleDecision:
    """title_decision of a stripped, non-empty title: cached (titles recur across employers and crawls;
    TitleDecision is frozen)."""
    for step in TITLE_STEPS:
        decision = step(text)
        if decision is not None:
            return decision
    return TitleDecision(False, None, REASON_OTHER_OCCUPATION, None)


def classify_title(title: str) -> tuple[bool | None, str | None]:
    """(relevant, role) from the title alone; (None, None) when the title cannot tell."""
    decision = title_decision(title)
    return decision.relevant, decision.role


def is_relevant_title(title: str) -> bool | None:
    """Cheap title-only relevance check for spiders; None = cannot tell from the title."""
    return title_decision(title).relevant


# --- the description, when the title cannot tell ---------------------------------------------

_DESC_ROLE_PATTERNS = [
    ("cdi", re.compile(r"clinical documentation (?:integrity|improvement)|\bCDI\b", _I)),
    ("registry", re.compile(r"cancer registry|tumor registry|trauma registry|cancer registrars?|abstract\w* (?:cancer|trauma)", _I)),
    ("release_of_information", re.compile(r"release of information|\bROI\b|requests? for (?:patient )?(?:records|information)", _I)),
    ("coding", re.compile(r"\bICD-10|\bCPT\b|assign\w* codes|\bMS-DRG|\bcod(?:ing|er)\b", _I)),
    ("medical_records", re.compile(r"medical records?|health information|\bHIM\b|scan\w* (?:and|&) index|chart completion", _I)),
]
# Phrases that contain the family's words but name a look-alike's work; removed before counting.
_LOOKALIKE_PHRASE_RE = re.compile(
    r"health information (?:exchanges?|systems?|technology)|\bHIE\b|medical records? (?:system|software|platform)s?",
    _I,
)
# Look-alike work in a description, by drop reason.
_NEAR_MISS_DESC = (
    (REASON_REVENUE_CYCLE, re.compile(
        r"\b(?:claims?|denials?|collections?|billing|insurance verification|scheduling|schedule appointments|"
        r"prior authorizations?|registration|check[- ]in)\b", _I)),
    (REASON_CLINICAL, re.compile(r"\b(?:vital signs|patient care|medication administration|bedside|nursing care)\b", _I)),
    (REASON_IT, re.compile(
        r"\b(?:HL7|FHIR|interfaces?|SQL|configur\w+|system build|troubleshoot\w*|application support|"
        r"health information exchange|HIE)\b", _I)),
)


def _role_from_description(description_text: str) -> tuple[str | None, str | None, str]:
    """(role, evidence, reason): a role when the family's work dominates, else the look-alike reason."""
    head = description_text[:1500]
    near_misses = {reason: len(pattern.findall(head)) for reason, pattern in _NEAR_MISS_DESC}
    family_text = _LOOKALIKE_PHRASE_RE.sub(" ", head)
    best_role, best_count, best_span = None, 0, None
    for role, pattern in _DESC_ROLE_PATTERNS:
        matches = pattern.findall(family_text)
        if len(matches) > best_count:
            best_role, best_count, best_span = role, len(matches), matches[0]
    if best_count >= 2 and best_count > sum(near_misses.values()):
        return best_role, best_span, ""
    reason, count = max(near_misses.items(), key=lambda pair: pair[1])
    return None, None, reason if count else REASON_NO_SIGNAL


# A records title without a health word ("Records Clerk") in a posting about police, court or student
# records, and about no patient's record, is another occupation.
_HEALTH_WORD_RE = re.compile(
    r"\b(?:medical|health|HIM|HIS|patients?|EHR|EMR|charts?|clinical|clinics?|hospitals?|HIPAA|PHI)\b", _I
)
_OTHER_RECORDS_RE = re.compile(
    r"\b(?:police|sheriff|law enforcement|court|docket|warrants?|citations?|criminal|students?|transcripts|"
    r"deeds?|land records|property records)\b",
    _I,
)


def _other_records_occupation(title: str, description_text: str) -> bool:
    if _HEALTH_WORD_RE.search(title):
        return False
    head = description_text[:3000]
    return not _HEALTH_WORD_RE.search(head) and bool(_OTHER_RECORDS_RE.search(head))


def series_decision(occupation_codes: Iterable[str] | None, title: TitleDecision) -> TitleDecision | None:
    """A federal posting's series outside the family decides, however its title reads; None when the
    posting names no series or one of the family's."""
    codes = {str(code).strip().zfill(4) for code in (occupation_codes or ()) if str(code).strip()}
    if not codes or codes & FAMILY_SERIES:
        return None
    if title.relevant and any(title.role in SERIES_FAMILY_ROLES.get(code, ()) for code in codes):
        return None
    return TitleDecision(False, None, REASON_OCCUPATION_SERIES, f"series {', '.join(sorted(codes))}")


def normalize_role(title: str, description_text: str, occupation_codes: Iterable[str] | None = None) -> RoleResult:
    """relevant + role (or the drop reason), from the series, then the title, then the description."""
    decision = title_decision(title)
    by_series = series_decision(occupation_codes, decision)
    if by_series is not None:
        return RoleResult(False, None, by_series.evidence, ["emr/role/series/not_relevant"], REASON_OCCUPATION_SERIES)
    if decision.role == "medical_records" and _other_records_occupation(title, description_text):
        return RoleResult(False, None, title.strip(), ["emr/role/title/not_relevant_other_records"],
                          REASON_OTHER_RECORDS)
    if decision.relevant is not None:
        evidence = title.strip() if isinstance(title, str) else None  # the title is the stronger signal
        return RoleResult(decision.relevant, decision.role, evidence,
                          [f"emr/role/title/{decision.role or 'not_relevant'}"], decision.reason)
    role, span, reason = _role_from_description(description_text)
    if role is not None:
        return RoleResult(True, role, span, [f"emr/role/description/{role}"])
    return RoleResult(False, None, None, ["emr/role/none"], reason)
