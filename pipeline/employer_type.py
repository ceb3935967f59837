"""Employer-type normalizer: what kind of organisation is hiring.

Precedence (the ordered STEPS at the end of this module): a valid registry value; the platform (USAJOBS -> government); then cues
on the employer name, strongest first: named vendors/outsourcers/insurers, government (VA, IHS,
tribal, military, state/county/city, or a hospital calling itself county/state/city owned), staffing and ROI/coding/RCM outsourcers, "our client"
postings (not the employer's own "Client Services" team), insurers, surgery centers, long-term care/home health/hospice, hospitals, physician
practices and clinics, health tech, other named kinds (law firms, research, schools). When the name
says nothing, the description's self-description ("X is a ...", "X provides ...", "X, a ..." or
"X - 3 hospitals ...") is read the same way. When the employer field is empty, the text itself (EEO and benefits blocks left out, federal
boilerplate kept) is read by ordered steps: federal agency names and policy boilerplate (VA, VHA,
IHS, Title 38, Selective Service, veterans' preference) -> government; the employer the opening names
(the subject of a sentence describing it, "X is a ...", "X, a 200-bed ...", "X provides ...", a
public body's letterhead line, "COUNTY OF X", "State of X", a facility's upper-case letterhead line, a
labelled field, "Agency: X", "Employer: X", or the employer's first-person self-description, "We are a
nonprofit outpatient clinic ...", "Our 40-bed hospital ...", whose noun phrase is read) read like the employer field; a senior-living or nursing
community describing itself -> long_term_care; inpatient coding in the hospital's own HIM department
-> hospital. A General Schedule grade alone ("GS-6", "GS-0675-07") -> government, but only after the name and
the self-description have said nothing. Nothing found -> "other".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from emr_jobs.pipeline.lazy import lazy
from emr_jobs.pipeline.posting import EMPLOYER_TYPES
from emr_jobs.pipeline.sections import parse_blocks, structure
from emr_jobs.pipeline.text import holds_keyword

_I = re.I

_VENDOR_TECH_RE = re.compile(
    r"\b(?:Epic Systems|Epic$|Oracle Health|Oracle Cerner|Cerner|Veradigm|Allscripts|Altera Digital Health|"
    r"athenahealth|eClinicalWorks|NextGen|MEDITECH|Medical Information Technology|Greenway Health|ModMed|"
    r"Modernizing Medicine|Netsmart|PointClickCare|WellSky|MatrixCare|TruBridge|CPSI|Solventum|"
    r"3M Health Information|Nuance|Health Catalyst|Availity|Waystar|Change Healthcare|Experian Health|"
    r"Iodine Software|Fathom|CodaMetrix|AKASA|Nym Health)\b",
    _I,
)
_VENDOR_OUTSOURCE_RE = re.compile(
    r"\b(?:Datavant|Ciox|MRO(?: Corp\w*)?|Verisma|Sharecare|HealthMark|ScanSTAT|ChartRequest|IOD Inc\w*|"
    r"R1 RCM|R1|Ensemble Health|AGS Health|Omega Healthcare|GeBBS|Conifer|FinThrive|nThrive|Parallon|"
    r"Robert Half|AMN Healthcare|AMN|Aya Healthcare|Cross Country|Medix|Insight Global|Kforce|Aerotek|"
    r"Actalent|TEKsystems|Randstad|Adecco|Kelly Services|Vaco|Maxim Healthcare|Jackson Healthcare|"
    r"Health Information Associates|UASI|HIA|Intellis|Cognizant|Optum360|Access Healthcare|Infinx|"
    r"Med-Metrix|Team Health Revenue|Harris Healthcare Staffing|LanceSoft|Apex Systems|Vivian)\b",
)
_VENDOR_INSURER_RE = re.compile(
    r"\b(?:UnitedHealth\w*|United Healthcare|Humana|Cigna|Aetna|Centene|Molina|Elevance|Anthem|"
    r"Blue Cross|Blue Shield|BCBS|Highmark|Oscar Health|WellCare|CareSource|Health Net|Ambetter|"
    r"Florida Blue|Independence Blue|Premera|Regence|Kaiser Foundation Health Plan|Wellmark|"
    r"Priority Health|Medica|HealthPartners Plan|EmblemHealth|Clover Health|Alignment Health|Devoted Health)\b",
    _I,
)
_HEALTH_SYSTEM_RE = re.compile(
    r"\b(?:Mayo Clinic|Cleveland Clinic|Marshfield Clinic|Geisinger|Intermountain|Kaiser Permanente|"
    r"Providence (?:Health|St|Swedish)|Ascension|CommonSpirit|HCA|Tenet|Atrium Health|Advocate|Sutter Health|"
    r"Banner Health|Baylor Scott|Trinity Health|Northwell|Ochsner|UPMC|Corewell|Sanford Health|Novant|"
    r"Allina|Essentia|Avera|SSM Health|AdventHealth|Adventist Health|Prisma Health|MultiCare|Beaumont|"
    r"Henry Ford Health|Johns Hopkins|Mass General|Brigham|Cedars-Sinai|Mount Sinai|NYU Langone|"
    r"Yale New Haven|Penn Medicine|Duke Health|Emory Healthcare|Stanford Health Care|UCSF Health|UCLA Health|"
    r"Houston Methodist|Memorial Hermann|Texas Health Resources|Lifepoint|Community Health Systems|"
    r"Universal Health Services|Jefferson Health|Hackensack Meridian|Atlantic Health|RWJBarnabas|"
    r"Bon Secours|Froedtert|Aurora Health|OhioHealth|Spectrum Health|Christus|Scripps Health|Dignity Health)\b"
)
_FEDERAL_DESC_RE = re.compile(
    r"Department of Veterans Affairs|Veterans Health Administration|Indian Health Service|"
    r"Pay scale (?:&|and) grade|USAJOBS|Defense Health Agency|federal employees"
)
# the words (as written) one of which every match of _FEDERAL_DESC_RE holds
_FEDERAL_DESC_HINTS = ("Veterans Affairs", "Veterans Health Administration", "Indian Health Service", "Pay scale ",
                       "USAJOBS", "Defense Health Agency", "federal employees")
# A General Schedule grade alone ("GS-6", "equivalent to GS-5") is federal language, but a hospital or clinic
# may name one too ("prior federal experience at GS-6 a plus"): it decides only after the employer's name
# and self-description have had their say.
_FEDERAL_GRADE_RE = re.compile(r"\bGS[- ](?:\d{4}-)?\d{1,2}\b")  # "GS-6", "GS 7", series and grade "GS-0675-07"
_FEDERAL_GRADE_HINTS = ("GS-", "GS ")
_WE_ARE_RE = re.compile(r"(?:we are|we're|our (?:company|organization)|the (?:company|organization))\b", _I)
_WE_ARE_OPENINGS = ("we are", "we're", "our company", "our organization", "the company", "the organization")
# a blank run after . ! or ?, or a newline; written to start with the blank (\s, then the look-behind
# over it) so that the regex engine skips quickly to the blanks: the same splits as (?<=[.!?])\s+|\n
_SENTENCE_SPLIT_RE = re.compile(r"\s(?<=[.!?]\s)\s*|\n")
_GOVERNMENT_RE = re.compile(
    r"\b(?:Veterans|VAMC|VA(?= |$|,|\))|V\.A\.|Department of Veterans|Indian Health|IHS|Tribal|Tribe|"
    r"Nation(?! ?wide)|Defense Health|Department of Defense|\bDoD\b|DHA|Army|Navy|Naval|Air Force|Marine Corps|"
    r"Walter Reed|Bureau of|Federal|U\.?S\.? Department|Centers for Disease|State of|Commonwealth of|"
    r"(?<!Tri-)(?<!Tri )County(?! Line)|City of|City and County|Department of|Dept\.? of|"
    r"Public Health|Health Department|Corrections|Correctional|Government|Municipal|Parish of|Borough of|"
    r"State Department|State Hospital|Psychiatric Center|State Veterans)\b"
)
_STAFFING_NAME_RE = re.compile(
    r"\b(?:staffing|staff|recruit\w*|talent|workforce|personnel|placement|temps?|consult\w*|outsourc\w*|"
    r"search partners|employment|ROI|release of information|disclosure|revenue|RCM|billing|coding|"
    r"coders|audit\w*|compliance partners|registry services|record services|records services|"
    r"HIM services|health information services|transcription)\b",
    _I,
)
# "our client" placements; not the employer's own client-facing team ("our Client Services team")
_OUR_CLIENT_RE = re.compile(
    r"\b(?:our clients?'?(?!\s+(?:services?|success|solutions|relations|experience|support|operations|"
    r"delivery|engagement|care|partnerships?)\b)|on behalf of (?:our|a) client|client facilit\w+|client hospital)",
    _I,
)
_INSURER_RE = re.compile(r"\b(?:health plans?|insurance|assurance|mutual|managed care|HMO|payer|payor)\b", _I)
_ASC_RE = re.compile(
    r"\b(?:surgery cent(?:er|re)s?|surgical cent(?:er|re)s?|surgicent(?:er|re)|ambulatory surg\w*|"
    r"endoscopy cent(?:er|re)|ASC|outpatient surgery|surgical hospital(?=s? of)|surgical suites?)\b",
    _I,
)
_LTC_RE = re.compile(
    r"\b(?:skilled nursing|nursing (?:and|&) rehab\w*|rehabilitation (?:and|&) nursing|health (?:and|&) "
    r"rehab\w*|post-acute|care cent(?:er|re)|care communit\w*|senior living|assisted living|memory care|"
    r"retirement|home health|home care|homecare|hospice|visiting nurse|VNA|nursing home|nursing cent(?:er|re)|"
    r"nursing facilit\w*|living cent(?:er|re)|long[- ]term care|LTC|SNF|continuing care|healthcare cent(?:er|re)"
    r"|care & rehab\w*|palliative)\b",
    _I,
)
_HOSPITAL_RE = re.compile(
    r"\b(?:hospitals?|medical cent(?:er|re)s?|health ?systems?|health ?care systems?|healthcare systems?|"
    r"regional medical|memorial|children'?s|health network|university health|academic medical|"
    r"medical college|infirmary|health sciences cent(?:er|re)|trauma cent(?:er|re))\b",
    _I,
)
_PRACTICE_RE = re.compile(
    r"\b(?:medical group|physicians?|associates|clinics?|family medicine|family practice|pediatrics?|"
    r"orthopa?edics?|cardiology|dermatology|oncology|primary care|dental|dentistry|physical therapy|"
    r"women'?s health|OB/?GYN|urgent care|community health cent(?:er|re)|FQHC|health cent(?:er|re)|"
    r"behavioral health|mental health|counseling|specialists|medicine|practice|urology|gastroenterology|"
    r"neurology|ophthalmology|eye care|dialysis|kidney care|medical partners|medical associates|"
    r"psychiatry|pain management|wellness cent(?:er|re)|rheumatology|ENT|podiatry|chiropractic)\b",
    _I,
)
_RESEARCH_RE = re.compile(r"\bresearch (?:institutes?|foundation|cent(?:er|re)s?)\b|\bclinical research\b", _I)
# A self-description saying a state, county or city owns the employer ("a county-owned hospital").
_PUBLIC_OWNER_RE = re.compile(
    r"\b(?:county|state|city|municipal(?:ly)?|government)[- ]owned\b|\bowned (?:and operated )?by (?:the )?"
    r"(?:County|State|City|Commonwealth|Parish) of\b|\bhospital (?:district|authority)\b",
    _I,
)
_TECH_RE = re.compile(
    r"\b(?:software|technologies|technology|health IT|EHR|EMR|AI|analytics|SaaS|platform|digital health|"
    r"labs|\.io|\.ai|informatics)\b",
    _I,
)
_OTHER_RE = re.compile(
    r"\b(?:LLP|law firm|law office|attorneys?|legal|clinical research|contract research|CRO|research|"
    r"pharmaceuticals?|university|college|school|institute|bank|foundation|association)\b",
    _I,
)
_DESC_TECH_RE = re.compile(
    r"\b(?:makes|builds|develops|sells|licenses)\s+(?:an?\s+|the\s+|its\s+)?(?:[\w-]+\s+){0,3}?(?:EHRs?|EMRs?|"
    r"electronic (?:health|medical) records?(?: system)?s?)\b(?!\s+(?:documentation|data|workflows?|templates?))"
    r"|\b(?:makes|builds|develops|sells)\b[^.]{0,80}\b(?:software|platforms?|(?:EHR|EMR|electronic health record) "
    r"(?:system|product|platform)s?)\b|\bsoftware (?:company|vendor)\b",
    _I,
)
_DESC_OUTSOURCE_RE = re.compile(
    r"\b(?:outsourc\w*|revenue cycle management company|RCM company|release[- ]of[- ]information "
    r"(?:services|requests|company|vendor)|coding (?:audits?|services|company)|staffing|interim|"
    r"consulting firm|billing company)\b",
    _I,
)
_GENERIC_HEALTH_RE = re.compile(r"\b(?:Health|Healthcare|Health Care|Medicine|Health Services)$", _I)
_SELF_DESCRIPTION_RE = re.compile(
    r"\b(?:is|are)\s+(?:an?|the|one of)\b|\b(?:operates|provides|processes|performs|runs|makes|builds|"
    r"develops|sells|licenses|serves|covers|offers|owns|manages)\b",
    _I,
)
# right after the name: ", a ..." / " - 8 hospitals ..." / ": a ..." (what follows is the self-description)
_APPOSITIVE_RE = re.compile(r"\s*(?:,|[-–—:])\s+(?=(?:an?|one of|the|\d[\d,]*)\s)", _I)
_PREDICATE_CUT_RE = re.compile(
    r"\b(?:that|which|who|serving|on behalf of|for|to|across|throughout|in|with)\b|[,;]", _I
)

_NAME_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("health_tech", _VENDOR_TECH_RE),
    ("staffing_outsourcing", _VENDOR_OUTSOURCE_RE),
    ("insurance", _VENDOR_INSURER_RE),
    ("government", _GOVERNMENT_RE),
    ("staffing_outsourcing", _STAFFING_NAME_RE),
    ("hospital", _HEALTH_SYSTEM_RE),
]
_FACILITY_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("insurance", _INSURER_RE),
    ("ambulatory_surgery", _ASC_RE),
    ("long_term_care", _LTC_RE),
    ("hospital", _HOSPITAL_RE),
    ("other", _RESEARCH_RE),
    ("physician_practice", _PRACTICE_RE),
    ("health_tech", _TECH_RE),
    ("other", _OTHER_RE),
]


@dataclass
class EmployerTypeResult:
    employer_type: str
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


# --- the posting text when the employer field says nothing (reposted ads, aggregator pages) ---------------
# Federal agencies and their policy boilerplate (read anywhere in the text, boilerplate included).
_FEDERAL_TEXT_RE = re.compile(
    r"\b(?:Department of Veterans Affairs|Veterans Affairs|Veterans Health Administration|VHA|VAMC|"
    r"VA (?:Medical Center|Health ?Care System|Healthcare System|Medical Facility|facility|hospital|Clinic|"
    r"Community Based Outpatient Clinic)|Indian Health Service|IHS|Title 38|Title 5|Office of Personnel Management|"
    r"OPM|Selective Service|[Vv]eterans'? [Pp]reference|[Ff]ederal (?:employees|employment|agency|government|"
    r"civil service|service)|General Schedule|Defense Health Agency|Department of Defense|"
    r"U\.S\. Public Health Service|Bureau of Prisons|USAJOBS)\b"
)
# A senior-living or nursing community describing itself (or its residents).
_LTC_TEXT_RE = re.compile(
    r"\b(?:senior living|assisted living|independent living|memory care|skilled nursing|nursing home|"
    r"continuing care retirement|life plan|retirement|post-acute care|long[- ]term care|rehabilitation and nursing|"
    r"nursing and rehabilitation)\s+(?:communit\w*|facilit\w*|cent(?:er|re)s?|residences?|campus|provider|organization|"
    r"company|operator)\b",
    _I,
)
_LTC_SELF_RE = re.compile(r"\b(?:our|we are|we're|is an?|are an?|join an?|at our|this)\s+(?:[\w-]+\s+){0,3}$", _I)
_RESIDENTS_RE = re.compile(r"\b(?:our|the) residents\b", _I)
# Inpatient coding in the hospital's own HIM department.
_INPATIENT_RE = re.compile(r"\binpatient (?:coding|coder|charts?|records|encounters|accounts|stays|admissions)\b|"
                           r"\bMS-DRGs?\b|\bICD-10-PCS\b", _I)
_HOSPITAL_HIM_RE = re.compile(
    r"\b(?:the|our) (?:hospital'?s? )?(?:HIM|health information management|health information|medical records) "
    r"(?:department|dept\.?|team|office)\b|\bhospital'?s? (?:HIM|health information|medical records)\b|"
    r"\b(?:acute[- ]care|community|teaching|regional|critical access) hospital\b|\b\d{2,4}[- ]bed\b",
    _I,
)
_CLIENT_WORK_RE = re.compile(r"\bclients?\b|\bcustomers?\b|\bfor hospitals\b|\bpartner (?:hospitals|facilities)", _I)


def _federal_text(text: str) -> tuple[str, str] | None:
    match = _FEDERAL_TEXT_RE.search(text)
    return ("government", match.group(0)) if match else None


def _senior_living_text(text: str) -> tuple[str, str] | None:
    for match in _LTC_TEXT_RE.finditer(text):
        if _LTC_SELF_RE.search(text[max(0, match.start() - 40) : match.start()]) or _RESIDENTS_RE.search(text):
            return "long_term_care", match.group(0)
    return None


def _hospital_him_text(text: str) -> tuple[str, str] | None:
    inpatient = _INPATIENT_RE.search(text)
    department = _HOSPITAL_HIM_RE.search(text) if inpatient else None
    if inpatient and department and not _CLIENT_WORK_RE.search(text):
        return "hospital", f"{inpatient.group(0)}; {department.group(0)}"
    return None


# The employer named by the text itself: the subject of a sentence that describes it ("Lakeview Surgery Center
# is a ...", "Harlan Regional Hospital, a 120-bed ...", "Birch Health Plan serves ...") or a public body's
# letterhead line ("COUNTY OF MARIPOSA", "State of Vermont", "Teton County Clerk").
_NAME_WORD = r"(?:[A-Z][\w.&'’-]*|[A-Z]{2,}\b)"
_TEXT_SUBJECT_RE = re.compile(
    rf"^(?:The\s+)?(?P<name>{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|of|and|&|for|at|de|del|la|the|on)){{0,7}}?)"
    r"(?:,\s+(?:an?|the|one of|our)\s|\s+[-–—]\s+(?:an?\s|the\s|one of\s|\d)|"
    r"\s+(?:is|are|has been)\s+(?:an?|the|one of)\s|"
    r"\s+(?:operates|provides|serves|builds|develops|makes|offers|runs|owns|manages|insures|covers)\s)"
)
# a name that is the job's, not the employer's ("Coding Specialist is responsible ...", "This role provides ...")
_NOT_EMPLOYER_NAME_RE = re.compile(
    r"\b(?:this|our|your|we|you|position|role|job|candidate|applicant|incumbent|team|department|dept|unit|"
    r"specialist|coder|clerk|technician|registrar|coordinator|analyst|manager|director|supervisor|assistant|"
    r"representative|auditor|abstractor|educator|lead|trainee|intern|reviewer|integrity|summary|overview|"
    r"responsibilities|duties|requirements|qualifications)\b",
    _I,
)
_LETTERHEAD_RE = re.compile(
    r"^(?:The\s+)?(?:(?:County|State|City|Commonwealth|Town|Village|Borough|Parish|City and County) of\s+[A-Z]"
    r"|(?<!Tri-)(?:[A-Z][\w.'’-]*\s+){1,3}County(?:\s+(?:of|Clerk|Department|Government|Board|Health|"
    r"Public|Sheriff|Superior|Court|Human|Behavioral)\b|\s*$))"
)


_SMALL_WORD_RE = re.compile(r"(?<=\s)(?:Of|And|For|At|The|On)(?=\s)")
# a page marker a PDF dump leaves on the letterhead line ("ACME HOSPICE      Page 1 of 2")
_PAGE_MARK_RE = re.compile(r"\s*\bPage \d+(?: of \d+)?\s*$", _I)
# a whole line that is a name (words, connectors), as a letterhead is
_NAME_LINE_RE = re.compile(rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|of|and|&|for|at|de|del|la|the|on)){{1,7}}")
# the employer as a labelled field of the text ("Agency: Department of Corrections", "Employer: ...")
_EMPLOYER_FIELD_RE = re.compile(
    r"^(?:employer|agency|company|organi[sz]ation|hiring (?:organi[sz]ation|agency|company|entity)|"
    r"(?:employer|company|agency|organi[sz]ation) name)\s*:\s*(?P<name>[^|\n]{3,100}?)\s*(?:\||$)",
    _I,
)
# the employer describing itself in the first person ("We are a nonprofit outpatient clinic ...", "Our 40-bed
# critical access hospital ...", "About us: we're a regional staffing firm ...", "Join our growing practice"):
# the longest noun phrase (up to seven words) ending in an organisation's head noun, read like an employer name. The words before the
# head noun are modifiers (no preposition, and no team or department of the employer: "our coding team
# at the hospital" is not the employer).
_ORG_NOUN = (r"(?:clinics?|practices?|group|cent(?:er|re)s?|hospitals?|health ?systems?|health ?networks?|"
             r"(?:health|insurance|benefits?) plans?|firms?|agency|agencies|company|companies|organi[sz]ations?|"
             r"communit(?:y|ies)|facilit(?:y|ies)|homes?|providers?|insurer|carrier|vendor|institute|system)")
_MODIFIER = (r"(?!(?:at|in|for|of|with|to|on|from|by|that|which|who|where|is|are|was|were|has|have|will|can|team|teams|department|departments|staff|"
             r"unit|units|office|offices|client|clients|partner|partners|benefits?|employees|members)\b)[\w&'/.-]+\s+")
_FIRST_PERSON_RE = re.compile(
    r"^(?:about us\s*[:\-–—]?\s*)?(?:(?:we are|we're|as)\s+(?:an?|the|one of the)|our|join our)\s+"
    rf"(?P<phrase>(?:{_MODIFIER}){{0,6}}{_ORG_NOUN})\b(?!'s)(?!\s+(?:options?|coverage|choices|offerings|premiums)\b)",
    _I,
)


def _named_in_text(text: str) -> str | None:
    """The employer's name as the text's opening gives it (see _TEXT_SUBJECT_RE and _LETTERHEAD_RE)."""
    for number, line in enumerate(_SENTENCE_SPLIT_RE.split(text[:1500], maxsplit=16)):
        line = line.strip(" \t-*\u2022:")
        if not line:
            continue
        letterhead = _facility_letterhead(line) if number < 2 else None
        if letterhead:
            return letterhead
        if number < 4 and len(line) <= 80 and line.isupper():
            line = _SMALL_WORD_RE.sub(lambda small: small.group(0).lower(), line.title())
        if number < 4 and len(line) <= 80 and _LETTERHEAD_RE.match(line) \
                and not _first_rule(line, _FACILITY_RULES[:-1]):
            return line
        labelled = _EMPLOYER_FIELD_RE.match(line)
        if labelled:
            return labelled.group("name")
        subject = _TEXT_SUBJECT_RE.match(line)
        if subject and not _NOT_EMPLOYER_NAME_RE.search(subject.group("name")):
            return subject.group("name")
        first_person = _FIRST_PERSON_RE.match(line)
        if first_person:
            return first_person.group("phrase")
    return None


def _facility_letterhead(line: str) -> str | None:
    """An upper-case line at the top that is a facility's name ("HOSPICE OF THE PRAIRIE LAKES", a page
    marker after it allowed): a name with a strong facility cue and no job word."""
    name = _PAGE_MARK_RE.sub("", line)
    if len(name) > 80 or not name.isupper():
        return None
    name = _SMALL_WORD_RE.sub(lambda small: small.group(0).lower(), name.title())
    if not _NAME_LINE_RE.fullmatch(name) or _NOT_EMPLOYER_NAME_RE.search(name):
        return None
    found = _first_rule(name, _FACILITY_RULES)
    strong = found and found[0] not in ("other", "health_tech") and found[1].lower() not in _WEAK_NAME_WORDS
    return name if strong else None


# Ordered steps for a posting whose employer field is empty: each returns (type, evidence) or None.
_TEXT_STEPS_FIRST = (_federal_text,)
_TEXT_STEPS_LAST = (_senior_living_text, _hospital_him_text)


def _readable_text(description_text: str) -> str:
    """The description without EEO and benefits blocks (an employer's own about-section stays)."""
    return "\n".join(b.text for b in parse_blocks(description_text) if b.kind not in ("eeo", "benefits"))


def _from_steps(steps, text: str) -> EmployerTypeResult | None:
    for step in steps:
        found = step(text)
        if found:
            return EmployerTypeResult(found[0], found[1], [f"emr/employer_type/text/{found[0]}"])
    return None


def _first_rule(text: str, rules: list[tuple[str, re.Pattern[str]]]) -> tuple[str, str] | None:
    for kind, pattern in rules:
        match = pattern.search(text)
        if match:
            return kind, match.group(0)
    return None


def _earliest_rule(text: str, rules: list[tuple[str, re.Pattern[str]]]) -> tuple[str, str] | None:
    """The cue that appears first in text (the head noun of a self-description)."""
    best: tuple[int, str, str] | None = None
    for kind, pattern in rules:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), kind, match.group(0))
    return None if best is None else (best[1], best[2])


def _structure_lowered(description_text: str) -> str:
    """description_text.lower() as its structure holds it (built once a posting), or "" when the structure's
    text is not the description (layout joined) or lower() changes its length. Where it is given, each
    character lowers to one: its first n characters are the lower-cased first n characters of the
    description, but for the final/medial form of a sigma at the cut (no ASCII word's concern)."""
    parsed = structure(description_text)
    return parsed.lowered if parsed.text == description_text else ""


def _head_holds(description_text: str, words: tuple[str, ...], chars: int) -> bool:
    """Any of `words` (lower-case ASCII, a constant tuple) in description_text[:chars].lower(): none when
    the description's one-pass keyword index (which shift and experience read too) finds none anywhere, as for
    most texts; else the head is lower-cased and searched."""
    if holds_keyword(description_text, words) is False:
        return False
    head = description_text[:chars].lower()
    return any(word in head for word in words)


def _self_description(employer: str, description_text: str) -> str | None:
    """The predicate of the first sentence where the employer describes itself."""
    head = description_text[:1200]
    words = employer.split()
    first_word = words[0] if words else ""
    if head.isascii():  # no sentence can qualify when the head holds neither the name's first word nor "we are"...
        lowered = _structure_lowered(description_text) or head.lower()
        if not (first_word and lowered.find(first_word.lower(), 0, 1200) >= 0) \
                and not _head_holds(description_text, _WE_ARE_OPENINGS, 1200):
            return None
    candidates = [s for s in _SENTENCE_SPLIT_RE.split(head, maxsplit=12) if s.strip()]
    for sentence in candidates[:8]:
        starts_with_name = bool(first_word) and sentence.lower().startswith(first_word.lower())
        if not (starts_with_name or _WE_ARE_RE.match(sentence)):
            continue
        if employer and sentence.lower().startswith(employer.lower()):
            appositive = _APPOSITIVE_RE.match(sentence, len(employer))
            if appositive:  # "Harlan Health, a 120-bed hospital ...", "Harlan Health - 3 hospitals in ..."
                return sentence[appositive.end() :]
        match = _SELF_DESCRIPTION_RE.search(sentence)
        if match:
            return sentence[match.start() :]
    return None


# The cues of an employer's name, cached by name: a crawl reads many postings of each employer.
@lru_cache(maxsize=4096)
def _name_cue(employer: str) -> tuple[str, str] | None:
    """The strongest cue of the employer's name ("St. Mary's Hospital Coding Department" is the
    hospital, not an outsourcer)."""
    found = _first_rule(employer, _NAME_RULES)
    if found and found[0] == "staffing_outsourcing" and _HOSPITAL_RE.search(employer) \
            and not _VENDOR_OUTSOURCE_RE.search(employer):
        return None
    return found


@lru_cache(maxsize=4096)
def _facility_cue(employer: str) -> tuple[str, str] | None:
    """The kind of facility the employer's name says."""
    return _first_rule(employer, _FACILITY_RULES)


class _Posting:
    """What the steps read, each piece computed once when a step first asks for it."""

    def __init__(self, raw: Mapping[str, Any], description_text: str) -> None:
        self.raw = raw
        self.description_text = description_text
        employer = raw.get("employer") if isinstance(raw.get("employer"), str) else ""
        self.employer = employer.strip()[:300]

    @lazy
    def named(self) -> tuple[str, str] | None:
        """The strongest cue of the employer's name (_name_cue)."""
        return _name_cue(self.employer) if self.employer else None

    @lazy
    def predicate(self) -> str | None:
        """The description's self-description of the employer ("X is a ...", "X provides ...")."""
        return _self_description(self.employer, self.description_text) if self.description_text else None

    @lazy
    def head(self) -> str:
        return self.description_text[:3000] if self.description_text else ""

    @lazy
    def facility(self) -> tuple[str, str] | None:
        """The kind of facility the employer's name says (_facility_cue)."""
        return _facility_cue(self.employer) if self.employer else None

    @lazy
    def facility_is_weak(self) -> bool:
        """A facility cue from a word many kinds of employer use ("Medicine", "Associates", "AI")."""
        return self.facility is not None and self.facility[0] in ("health_tech", "other", "physician_practice") \
            and self.facility[1].lower() in _WEAK_NAME_WORDS

    @lazy
    def readable(self) -> str:
        """The text without boilerplate, when the employer field is empty (else "")."""
        return _readable_text(self.description_text) if not self.employer and self.description_text else ""


_WEAK_NAME_WORDS = ("medicine", "practice", "specialists", "associates", "ai", "platform", "labs", "technology",
                    "foundation", "association", "institute")


def _result(kind: str, evidence: str | None, source: str) -> EmployerTypeResult:
    return EmployerTypeResult(kind, evidence, [f"emr/employer_type/{source}/{kind}"])


# --- the steps, in order: each decides with its evidence, or passes (None) ---------------------------------
def _registry_value(posting: _Posting) -> EmployerTypeResult | None:
    """A valid employer type given by the registry."""
    value = posting.raw.get("employer_type")
    if isinstance(value, str) and value.strip().lower() in EMPLOYER_TYPES:
        kind = value.strip().lower()
        return EmployerTypeResult(kind, f"registry: {kind}", [f"emr/employer_type/registry/{kind}"])
    return None


def _usajobs_platform(posting: _Posting) -> EmployerTypeResult | None:
    """USAJOBS lists federal jobs only."""
    platform = posting.raw.get("platform")
    if isinstance(platform, str) and platform.strip().lower() == "usajobs":
        return EmployerTypeResult("government", "platform: usajobs", ["emr/employer_type/platform/government"])
    return None


def _name_other_than_hospital(posting: _Posting) -> EmployerTypeResult | None:
    """The name names a vendor, outsourcer, insurer, government body, ... (not a hospital)."""
    found = posting.named
    return _result(found[0], found[1], "name") if found and found[0] != "hospital" else None


def _publicly_owned_hospital(posting: _Posting) -> EmployerTypeResult | None:
    """A hospital describing itself as county, state or city owned is government."""
    predicate = posting.predicate
    owner = _PUBLIC_OWNER_RE.search(_PREDICATE_CUT_RE.split(predicate, maxsplit=1)[0]) if predicate else None
    if owner and (posting.named or _HOSPITAL_RE.search(posting.employer) or _HOSPITAL_RE.search(predicate)):
        return _result("government", owner.group(0), "description")
    return None


def _health_system_name(posting: _Posting) -> EmployerTypeResult | None:
    """A health system's name (after a publicly owned one has had its say)."""
    found = posting.named
    return _result(found[0], found[1], "name") if found else None


def _our_client(posting: _Posting) -> EmployerTypeResult | None:
    """"Our client" postings are placements, unless the name is a software vendor's (its clients
    are customers)."""
    holds_client = bool(posting.head) and _head_holds(posting.description_text, ("client",), len(posting.head))
    client = _OUR_CLIENT_RE.search(posting.head) if holds_client else None
    facility = posting.facility
    if client and not (facility and facility[0] == "health_tech" and not posting.facility_is_weak):
        return _result("staffing_outsourcing", client.group(0), "description")
    return None


def _text_first(posting: _Posting) -> EmployerTypeResult | None:
    """An empty employer field: federal agency names and policy boilerplate in the text."""
    return _from_steps(_TEXT_STEPS_FIRST, posting.description_text) if posting.readable else None


def _text_named_employer(posting: _Posting) -> EmployerTypeResult | None:
    """An empty employer field: the employer the text's opening names, read by the name and
    self-description steps (see _named_in_text)."""
    name = _named_in_text(posting.readable) if posting.readable else None
    if not name:
        return None
    named = _Posting({"employer": name}, posting.description_text)
    for step in _NAME_STEPS:
        decided = step(named)
        if decided is not None:
            kind = decided.employer_type
            return EmployerTypeResult(kind, f"{name}: {decided.evidence}", [f"emr/employer_type/text_name/{kind}"])
    return None


def _federal_in_head(posting: _Posting, pattern: re.Pattern[str], hints: tuple[str, ...]) -> EmployerTypeResult | None:
    """Government when `pattern` matches the description's head. Skipped when the text holds none of
    `hints` (words every match holds), read from the keyword index of the text's structure (built for
    the credentials already); its layout joins keep every one of these words the description holds."""
    if holds_keyword(structure(posting.description_text).text, hints, cased=True) is False:
        return None
    federal = pattern.search(posting.head)
    return _result("government", federal.group(0), "description") if federal else None


def _federal_description(posting: _Posting) -> EmployerTypeResult | None:
    """Federal agency names and boilerplate in the description (_FEDERAL_DESC_RE)."""
    return _federal_in_head(posting, _FEDERAL_DESC_RE, _FEDERAL_DESC_HINTS)


def _federal_grade(posting: _Posting) -> EmployerTypeResult | None:
    """A General Schedule grade in the description (_FEDERAL_GRADE_RE)."""
    return _federal_in_head(posting, _FEDERAL_GRADE_RE, _FEDERAL_GRADE_HINTS)


def _strong_facility_name(posting: _Posting) -> EmployerTypeResult | None:
    facility = posting.facility
    return _result(facility[0], facility[1], "name") if facility and not posting.facility_is_weak else None


def _self_described(posting: _Posting) -> EmployerTypeResult | None:
    """What the description says the employer is, first in its first clause, then in its opening."""
    predicate = posting.predicate
    if not predicate:
        return None
    for text in (_PREDICATE_CUT_RE.split(predicate, maxsplit=1)[0], predicate[:200]):
        for kind, pattern in (("health_tech", _DESC_TECH_RE), ("staffing_outsourcing", _DESC_OUTSOURCE_RE),
                              ("government", _GOVERNMENT_RE)):
            if pattern.search(text):
                return _result(kind, text.strip(), "description")
        found = _earliest_rule(text, _FACILITY_RULES)
        if found:
            return _result(found[0], text.strip(), "description")
    return None


def _weak_facility_name(posting: _Posting) -> EmployerTypeResult | None:
    facility = posting.facility
    return _result(facility[0], facility[1], "name") if facility else None


def _text_last(posting: _Posting) -> EmployerTypeResult | None:
    """An empty employer field: a senior-living community, or inpatient coding in the hospital's HIM."""
    return _from_steps(_TEXT_STEPS_LAST, posting.readable) if posting.readable else None


def _generic_health_name(posting: _Posting) -> EmployerTypeResult | None:
    """"Wasatch Valley Health", "Summit Healthcare": most such names are health systems."""
    generic = _GENERIC_HEALTH_RE.search(posting.employer)
    return _result("hospital", generic.group(0), "name") if generic else None


STEPS: tuple[Callable[[_Posting], EmployerTypeResult | None], ...] = (
    _registry_value, _usajobs_platform, _name_other_than_hospital, _publicly_owned_hospital, _health_system_name,
    _our_client, _text_first, _text_named_employer, _federal_description, _strong_facility_name, _self_described,
    _federal_grade, _weak_facility_name, _text_last, _generic_health_name,
)
# the steps that read a name the text gives (_text_named_employer); a bare "X Health" says too little there
_NAME_STEPS = (_name_other_than_hospital, _publicly_owned_hospital, _health_system_name, _strong_facility_name,
               _self_described, _weak_facility_name)


def normalize_employer_type(raw: Mapping[str, Any], description_text: str) -> EmployerTypeResult:
    """Employer type with evidence: the first of STEPS that decides, else "other"."""
    posting = _Posting(raw, description_text)
    for step in STEPS:
        decided = step(posting)
        if decided is not None:
            return decided
    return EmployerTypeResult("other", None, ["emr/employer_type/none/other"])
