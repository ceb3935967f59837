"""Role normalizer: is the posting in the medical-records family, and which sub-role.

The title decides first (exclusions, then CDI, HIM leadership, registry, release of information,
coding, medical records); the description decides only when the title says nothing either way.
`is_relevant_title` is the cheap title-only check spiders use before requesting a detail page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_I = re.I

# Titles that are never in the family (near misses), checked after CDI (a "CDI Nurse" is CDI).
_EXCLUDE_RE = re.compile(
    r"\b(?:registered nurse|RN|LPN|LVN|nurse(?! auditor)|nursing assistant|CNA|physician(?! practice)|"
    r"medical assistant|pharmacy|pharmacist|phlebotom|radiolog|sonograph|therapist|dental assistant|"
    r"scheduler|scheduling|receptionist|front desk|front office|prior auth\w*|authorization|referral|"
    r"patient access|registration|admitting|patient registrar|insurance verification|benefits? verification|"
    r"collector|collections?|accounts? receivable|\bA/?R\b|payment post\w*|charge entry|cashier|"
    r"software|developer|engineer|programmer|devops|data scientist|machine learning|"
    r"title abstract\w*|title examiner|landman|university registrar|student records|"
    r"transcription\w*|scribe|interpreter|driver|security officer|housekeep\w*|cook|teacher|"
    r"sales|account executive|recruiter|help desk|service desk|desktop support|unit secretary|unit clerk|"
    r"health unit coordinator|ward clerk|secretary|EMT|paramedic|firefighter)\b",
    _I,
)
_BILLING_RE = re.compile(r"\b(?:billing|biller|billers|claims?|denials?|revenue cycle|reimbursement)\b", _I)
_IT_RE = re.compile(
    r"\b(?:epic|cerner|meditech|application|applications|informatics|systems analyst|system analyst|"
    r"(?:EHR|EMR) (?:analyst|trainer|implementation|consultant|administrator|support)|trainer|"
    r"implementation|integration|interface|interoperability|health information exchange|HIE|IT|build)\b",
    _I,
)
_CDI_RE = re.compile(
    r"\b(?:CDI|CDIS|CDS|clinical documentation|documentation integrity|documentation improvement|"
    r"documentation specialist)\b",
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
_CODING_RE = re.compile(
    r"\b(?:coder|coders|coding|DRG valid\w*|HCC|risk adjustment coder|abstractor/coder|coder/abstractor|"
    r"coding auditor|code auditor)\b",
    _I,
)
_RECORDS_RE = re.compile(
    r"\b(?:medical records?|health records?|health information|\bHIM\b|\bHIS\b|(?:EHR|EMR) specialist|"
    r"electronic (?:health|medical) records? specialist|scanning|indexing|document imaging|imaging specialist|"
    r"chart (?:completion|analyst|retrieval|prep\w*|review)|charts?|record(?:s)? (?:clerk|technician|"
    r"specialist|coordinator|analyst|assistant)|abstract(?:or|ion)|MPI|master patient index|data integrity|"
    r"patient identity|deficiency|file clerk|RHIT|records (?:clerk|technician|specialist))\b",
    _I,
)
_AMBIGUOUS_TITLE_RE = re.compile(
    r"\b(?:specialist|technician|tech|clerk|coordinator|analyst|associate|assistant|representative|"
    r"abstractor|auditor|registrar|reviewer)\b",
    _I,
)

# Description fallback: phrase counts over the first part of the description.
_DESC_ROLE_PATTERNS = [
    ("cdi", re.compile(r"clinical documentation (?:integrity|improvement)|\bCDI\b", _I)),
    ("registry", re.compile(r"cancer registry|tumor registry|trauma registry|cancer registrars?|abstract\w* (?:cancer|trauma)", _I)),
    ("release_of_information", re.compile(r"release of information|\bROI\b|requests? for (?:patient )?(?:records|information)", _I)),
    ("coding", re.compile(r"\bICD-10|\bCPT\b|assign\w* codes|\bMS-DRG|\bcod(?:ing|er)\b", _I)),
    ("medical_records", re.compile(r"medical records?|health information|\bHIM\b|scan\w* (?:and|&) index|chart completion", _I)),
]


@dataclass
class RoleResult:
    relevant: bool
    role: str | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


def classify_title(title: str) -> tuple[bool | None, str | None]:
    """(relevant, role) from the title alone; (None, None) when the title cannot tell."""
    if not isinstance(title, str) or not title.strip():
        return None, None
    text = title.strip()
    if _CDI_RE.search(text) and not re.search(r"\btranscription|\bdental\b", text, _I):
        if _LEADER_RE.search(text):
            return True, "him_leadership"
        return True, "cdi"
    has_coding = bool(_CODING_RE.search(text))
    if _EXCLUDE_RE.search(text) and not (has_coding and not re.search(r"software|developer|engineer|programmer", text, _I)):
        return False, None
    if _IT_RE.search(text) and re.search(r"\b(?:analyst|trainer|consultant|administrator|support|builder)\b", text, _I):
        return False, None
    if re.search(r"\b(?:implementation|integration|interface)\s+(?:specialist|coordinator|lead|manager|engineer)\b",
                 text, _I):
        return False, None  # software roll-out staff, even with HIM in the title
    if _BILLING_RE.search(text) and not has_coding:
        return False, None
    if _LEADER_RE.search(text) and _HIM_AREA_RE.search(text):
        return True, "him_leadership"
    if _REGISTRY_RE.search(text):
        return True, "registry"
    if re.search(r"\bregistrar\b", text, _I):
        return None, None
    if has_coding:
        return True, "coding"
    if _ROI_RE.search(text):
        return True, "release_of_information"
    if _RECORDS_RE.search(text):
        return True, "medical_records"
    if re.search(r"\bregistry\b", text, _I):
        return True, "registry"
    if _AMBIGUOUS_TITLE_RE.search(text):
        return None, None
    return False, None


def is_relevant_title(title: str) -> bool | None:
    """Cheap title-only relevance check for spiders; None = cannot tell from the title."""
    relevant, _role = classify_title(title)
    return relevant


_NEAR_MISS_DESC_RE = re.compile(
    r"\b(?:claims?|denials?|collections?|billing|insurance verification|scheduling|schedule appointments|"
    r"prior authorizations?|registration|check[- ]in|vital signs|patient care)\b",
    _I,
)


def _role_from_description(description_text: str) -> tuple[str | None, str | None]:
    head = description_text[:1500]
    near_miss = len(_NEAR_MISS_DESC_RE.findall(head))
    best_role, best_count, best_span = None, 0, None
    for role, pattern in _DESC_ROLE_PATTERNS:
        matches = pattern.findall(head)
        if len(matches) > best_count:
            best_role, best_count, best_span = role, len(matches), matches[0]
    if best_count >= 2 and best_count > near_miss:
        return best_role, best_span
    return None, None


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


def normalize_role(title: str, description_text: str) -> RoleResult:
    """relevant + role, from the title first and the description second."""
    relevant, role = classify_title(title)
    if role == "medical_records" and _other_records_occupation(title, description_text):
        return RoleResult(False, None, title.strip(), ["emr/role/title/not_relevant_other_records"])
    if relevant is not None:
        source = "title"
        evidence = title.strip() if isinstance(title, str) else None  # the title is the stronger signal
        return RoleResult(relevant, role, evidence, [f"emr/role/{source}/{role or 'not_relevant'}"])
    role, span = _role_from_description(description_text)
    if role is not None:
        return RoleResult(True, role, span, [f"emr/role/description/{role}"])
    return RoleResult(False, None, None, ["emr/role/none"])
