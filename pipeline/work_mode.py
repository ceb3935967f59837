"""Work-mode normalizer: onsite, hybrid, remote or unknown, with the evidence span.

Structured platform fields first (workplace_type, remote flag, USAJOBS telework,
applicant_location_requirements), then the title, location and description text in this order of
signals (a title or location labelled on-site, "(On-Site)", beats a remote mention of the text): federal "Remote job: Yes/No" lines (label and value on one line or two), hybrid statements (incl. "remote after training" and
day counts), explicit negations of remote work (-> onsite), remote statements (incl. remote limited
to some states; home-based with "one on-site day per week" -> hybrid; remote work of others, e.g. a sentence
about "our nurses", does not count), ad-hoc/occasional telework (-> onsite), on-site statements. Nothing ->
telework refused for this job in a boilerplate paragraph ("Telework is not available for this
classification" after the EEO line) -> onsite, else unknown.
"Hybrid Title 38", "hybrid record" and "remote access" are not work modes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from emr_jobs.pipeline.sections import job_lines_containing, job_text, structure
from emr_jobs.pipeline.text import holds_keyword, lines_containing

_I = re.I
_NUM_WORD = r"(?:\d|one|two|three|four|five|1-2|2-3|3-4|2-4)"

_FED_REMOTE_RE = re.compile(r"\bremote job\s*[:\-]\s*(?P<value>yes|no)\b", _I)
_FED_TELEWORK_RE = re.compile(r"\btelework(?: eligible)?\s*[:\-]\s*(?P<value>[^\n]{0,80})", _I)
_HYBRID_RE = re.compile(
    r"(?<!not a )(?<!not )(?<!no )\bhybrid\b(?!\s*(?:title\s*38|T38|appointment|records?|medical records?|"
    r"health records?|charts?|EHR|EMR|paper|electronic|environment of paper|coding))"
    r"|\b(?:remote(?:ly)?|work(?:ing)? from home|telework\w*)\b[^.\n]{0,60}\bafter\s+(?:[\w-]+\s+){0,7}?"
    r"(?:training|orientation|onboarding|probation\w*|\d+\s+(?:days|weeks|months))"
    r"|\b(?:on[- ]?site|in[- ]office|in[- ]person|in the office)\s+(?:for\s+)?(?:the\s+)?(?:first|initial)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:days?|weeks?|months?|year|training|orientation)\b[^.\n]{0,30}?"
    r"\b(?:then|after which|before (?:moving|transitioning|going))\b[^.\n]{0,20}?\b(?:remote|from home|home-based|telework)"
    r"|\bafter\s+(?:[\w-]+\s+){0,3}(?:training|orientation|onboarding|probation\w*)\b[^.\n]{0,80}"
    r"\b(?:remote(?:ly)?|from home|telework\w*)\b"
    rf"|\b{_NUM_WORD}\s+days?\s+(?:a|per|each)\s+week\s+(?:on[- ]?site|in\s+(?:the|our|an?)\s+(?:\w+\s+)?office|"
    r"in[- ]office|in[- ]person|at\s+(?:the|our)\s+(?:\w+\s+)?(?:office|facility|hospital|clinic))"
    rf"|\b(?:on[- ]?site|in\s+(?:the|our)\s+(?:\w+\s+)?office)\s+(?:at least\s+)?{_NUM_WORD}\s+(?:days?|times)\s+"
    r"(?:a|per|each)\s+(?:week|month)"
    rf"|\b(?:from home|remotely|telework)\s+(?:the other\s+)?{_NUM_WORD}\s+days?"
    rf"|\b{_NUM_WORD}\s+days?\s+(?:a|per|each)\s+week\s+(?:from home|remotely|remote|teleworking)"
    r"|\bsplit between (?:home|remote)"
    # a count of regular remote days ("one regular remote day (Friday) each week", "two WFH days")
    rf"|\b{_NUM_WORD}\s+(?:regular\s+|scheduled\s+|set\s+|fixed\s+)?(?:remote|work[- ]from[- ]home|WFH|telework)\s+days?\b"
    r"(?![^.\n;]{0,30}\b(?:per|a|each) year\b)"
    r"|\b(?:remote(?: work)?|telework\w*|telecommut\w*)(?:\s+options?)?\s*:\s*partial(?:ly)?\b",
    _I,
)
_NEGATION_RE = re.compile(
    r"\b(?:not|never)\s+(?:a\s+|an?\s+)?(?:fully\s+)?(?:remote|telework\w*|work[- ]from[- ]home)\b"
    r"|\bno\s+(?:remote|telework\w*|work[- ]from[- ]home)\b"
    r"|\bnon-remote\b|\bon-?site only\b"
    r"|\b(?:remote(?: work)?|telework\w*|telecommut\w*|work(?:ing)? from home|WFH)"
    r"(?:\s+(?:options?|eligible|eligibility|available|allowed|opportunity))?\s*:\s*(?:no|none|not (?:available|eligible|offered))\b"
    r"|\b(?:remote work|remote|telework\w*|telecommut\w*|work(?:ing)? from home|hybrid work)\b[^.\n]{0,30}?\b(?:is|are)\s+not\s+"
    r"(?:available|offered|an option|permitted|possible|allowed|supported)"
    r"|\b(?:remote work|telework\w*|work(?:ing)? from home)\s+(?:is\s+)?unavailable"
    r"|\bnot eligible for (?:remote|telework\w*)"
    # "you will not have the option to telework", "we do not offer remote work", "cannot be performed remotely"
    r"|\b(?:not|cannot|can't|won't)\s+(?:be\s+)?(?:have|offer\w*|provide\w*|include\w*|allow\w*|permit\w*|able|"
    r"eligible|available|given|granted|performed|done|worked)\b[^.\n;]{0,30}?\b(?:telework\w*|telecommut\w*|"
    r"remote(?:ly)?|work(?:ing)? from home)\b",
    _I,
)
_REMOTE_RE = re.compile(
    r"\bremote(?:ly)?\b(?![- ]?(?:work\s+|office\s+)?(?:stipends?|allowances?|reimbursements?|perks?|equipment "
    r"stipend))(?!\s*(?:access|desktop|monitoring|patient monitoring|connection|login|log-in|server|"
    r"areas?|communities|villages|sites? access|type\s*:?\s*n/?a|coding (?:software|platform|tool)))"
    r"|\bwork(?:s|ing)?[- ]from[- ]home\b|\bWFH\b|\btelecommut\w*|\bhome[- ]based\b|\bwork from anywhere\b"
    r"|\bvirtual (?:position|role|job|opportunity)\b|\bfrom (?:their|your|a) home office\b",
    _I,
)
_ADHOC_RE = re.compile(
    r"\b(?:ad[- ]?hoc|occasional|situational|episodic|as needed)\b[^.\n]{0,30}\btelework|\btelework\w*[^.\n]{0,30}"
    r"\b(?:ad[- ]?hoc|occasional|situational|episodic)\b",
    _I,
)
# This job stated to be on site ("This role is onsite.", "This is an in-person position"): beats a remote
# mention that does not say it is this job's (a perk, other teams), not a hybrid statement.
_THIS_JOB_ONSITE_RE = re.compile(
    r"\b(?:this|the)\s+(?:[\w-]+\s+){0,2}?(?:position|role|job)\s+(?:is|will be|works|must be worked)\s+"
    r"(?:(?:fully|100%|entirely|completely|based|located|performed|worked|primarily)\s+)*"
    r"(?:on[- ]?site|in[- ]person|in[- ]office|in the office)\b(?!\s+(?:for|during|until)\b)"
    r"|\bthis\s+is\s+an?\s+(?:on[- ]?site|in[- ]person|in[- ]office)\s+(?:role|position|job)\b",
    _I,
)
_ONSITE_RE = re.compile(
    r"\bon[- ]?site\b(?!\s*(?:parking|cafeteria|fitness|gym|daycare|day care|child ?care|pharmacy|clinic|"
    r"amenities|dining))"
    r"|\bin[- ]office\b|\bmust report to\b|\breports? (?:daily )?to (?:the|our) (?:office|facility|hospital|clinic)\b"
    r"|\bwork(?:s|ing)? (?:in|at|from) (?:the|our) [\w ]{0,40}?(?:office|facility|hospital|clinic|department)\b"
    r"|\btravel(?:s|ing)? (?:between|to) (?:client )?(?:facilities|sites|locations|hospitals|clinics)\b"
    r"|\bin[- ]person (?:role|position|job)\b|\bwork location\s*:\s*(?:in[- ]person|on[- ]?site)\b"
    r"|\b(?:position|role|job) is (?:fully |100% |entirely )?in[- ]person\b",
    _I,
)
_STRUCT_MAP = [
    (re.compile(r"hybrid", _I), "hybrid"),
    (re.compile(r"remote|telecommute|work from home|wfh|virtual|anywhere", _I), "remote"),
    (re.compile(r"on[-_ ]?site|in[-_ ]?office|office|in[-_ ]?person|on[-_ ]?premises", _I), "onsite"),
]
_CONTAINERS = (list, tuple, dict)  # the forms of a structured list field
_TRUE_STRINGS = {"true", "yes", "y", "1"}
_FALSE_STRINGS = {"false", "no", "n", "0"}


@dataclass
class WorkModeResult:
    work_mode: str
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE_STRINGS:
            return True
        if lowered in _FALSE_STRINGS:
            return False
    return None


def _telework_mode(text: str) -> str | None:
    """USAJOBS telework text: 'No' -> onsite; ad-hoc -> onsite; regular -> hybrid; remote -> remote."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    if "remote" in lowered and not _NEGATION_RE.search(lowered):
        return "remote"
    if lowered.startswith(("no", "not eligible", "false")):
        return "onsite"
    if re.search(r"ad[- ]?hoc|occasional|situational|episodic|as needed|emergenc", lowered):
        return "onsite"
    if re.search(r"regular|routine|recurring|core|scheduled|\d+ days?", lowered):
        return "hybrid"
    return None


def _structured(raw: Mapping[str, Any]) -> tuple[str, str] | None:
    workplace = raw.get("workplace_type")
    if isinstance(workplace, str) and workplace.strip():
        for pattern, mode in _STRUCT_MAP:
            if pattern.search(workplace):
                return mode, f"workplace_type: {workplace.strip()[:40]}"
    requirements = raw.get("applicant_location_requirements")
    if isinstance(requirements, _CONTAINERS) and requirements:
        return "remote", "applicant_location_requirements"
    remote_flag = _as_bool(raw.get("remote"))
    telework = raw.get("telework") if isinstance(raw.get("telework"), str) else None
    telework_mode = _telework_mode(telework) if telework else None
    if remote_flag is True:
        return "remote", "remote: true"
    if remote_flag is False and telework_mode in ("onsite", "hybrid"):
        return telework_mode, f"remote: false; telework: {telework.strip()[:60]}"
    if remote_flag is None and telework_mode in ("hybrid", "remote"):
        return telework_mode, f"telework: {telework.strip()[:60]}"
    return None


# Words of a line that can state a work mode.
_TRIGGER_WORDS = ("hybrid", "remote", "home", "telework", "telecommut", "wfh", "site", "office", "report", "travel",
                  "virtual", "person", "anywhere", "split between", "work in ", "work at ", "works in ", "works at ",
                  "working in ", "working at ", "work from", "works from", "after")


_FED_LABEL_HINTS = ("emote job", "emote Job", "EMOTE JOB", "elework eligible", "elework Eligible", "ELEWORK ELIGIBLE")
_FED_LABEL_WORDS = ("emote job", "elework eligible")  # every _FED_LABEL_HINTS, lower-cased
_FED_LABEL_LINE_RE = re.compile(r"^(remote job|telework eligible)[ \t]*:?[ \t]*\n[ \t]*(?=\S)", re.I | re.M)


def _join_federal_labels(text: str) -> str:
    """'Remote job\\nNo' (a federal page's label and value on two lines) -> 'Remote job: No'."""
    if not any(hint in text for hint in _FED_LABEL_HINTS):
        return text
    return _FED_LABEL_LINE_RE.sub(lambda m: f"{m.group(1)}: ", text)


_FED_LABEL_ALONE_RE = re.compile(r"(?:remote job|telework eligible)[ \t]*:?[ \t]*", re.I)  # a label line's whole text
# the characters re.I reads as a letter of a federal label that lower() does not turn into it (dotless i,
# dotted capital I; found by trying every code point)
_FOLDS_TO_LABEL_LETTER = ("\u0131", "\u0130")


def _relevant_lines(description_text: str) -> str:
    """Only the job text's lines that can carry a work-mode statement (keeps the regex passes cheap),
    federal labels joined to their values first. They come from the text's one-pass keyword index
    unless a federal label may stand alone on its line and so be joined (a line of the job text holding
    one of its words is nothing but the label; or the text holds a character the label regex's case
    folding reads as a letter of a label the lower-cased lines do not show): only then is the job text
    rejoined and searched."""
    # most texts hold no label word at all: the index of the whole text says so without making the job lines
    if holds_keyword(structure(description_text).text, _FED_LABEL_WORDS) is not False:
        label_lines = job_lines_containing(description_text, _FED_LABEL_WORDS)
        if label_lines and (any(char in description_text for char in _FOLDS_TO_LABEL_LETTER)
                            or any(map(_FED_LABEL_ALONE_RE.fullmatch, label_lines.split("\n")))):
            return lines_containing(_join_federal_labels(job_text(description_text)), _TRIGGER_WORDS)
    return job_lines_containing(description_text, _TRIGGER_WORDS)


def _adhoc_after_training(text: str, match: re.Match[str]) -> bool:
    """'Occasional telework may be available after training': the telework is ad hoc, not a split."""
    if "hybrid" in match.group(0).lower():
        return False
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return bool(_ADHOC_RE.search(text[start : end if end >= 0 else len(text)]))


_SPECULATIVE_RE = re.compile(
    r"\b(?:may|might|could)\s+(?:be\s+)?(?:considered|available|possible|an option|offered|granted|allowed|"
    r"discussed|evolve|become)|\bpossibility\s+of\b|\bpotential(?:ly)?\s+(?:for\s+)?(?:remote|future)|"
    r"\bin the future\b|\bfuture\s+(?:remote|telework)|\bat a later date\b|\bnot guaranteed\b",
    re.I,
)


def _speculative(text: str, match: re.Match[str]) -> bool:
    """The remote mention is only held out as a possibility: a hedge ("may be considered",
    "possibility of", "in the future") right around it, in the same sentence."""
    start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start()), text.rfind(";", 0, match.start()))
    ends = [i for i in (text.find(".", match.end()), text.find("\n", match.end()), text.find(";", match.end())) if i >= 0]
    sentence_start, sentence_end = start + 1, min(ends) if ends else len(text)
    for hedge in _SPECULATIVE_RE.finditer(text, sentence_start, sentence_end):
        if match.end() <= hedge.start() <= match.end() + 15 or match.start() - 30 <= hedge.end() <= match.start():
            return True
    return False


# Home-based work of other people: other staff, another team, the employer in general, eligible roles.
_OTHERS_RE = re.compile(
    r"\b(?:other|many of our|most of our|some of our|our other|several of our|select|certain|eligible|some|many|"
    r"our field|our home health|field|visiting)\s+(?:[\w-]+\s+){0,2}?(?:staff|employees|team members|teams|"
    r"departments|positions|roles|clinicians|nurses|coders|associates|colleagues|caregivers|providers|physicians|"
    r"jobs|opportunities|therapists|workers)\b"
    r"|\b(?:our|the)\s+(?:clinicians|nurses|therapists|caregivers|providers|physicians)\s+(?:may|can|often|also)\b"
    r"|\bremote (?:and hybrid )?(?:work )?(?:opportunities|options|positions|roles)\s+(?:are\s+)?(?:available\s+)?"
    r"(?:in|for|across|throughout)\s+(?:other|many|select|eligible|some|our)\b"
    r"|\bthroughout (?:the|our) (?:organization|company|system)\b"
    # other staff by their unit ("for corporate staff", "our billing department", "RHIT holders in our HIM department")
    r"|\b(?:for|to)\s+(?:our\s+|all\s+)?(?:corporate|office|business office|billing|accounting|administrative|support|"
    r"non-clinical|finance|hr|it|revenue cycle|coding)\s+(?:[\w-]+\s+){0,2}?(?:staff|teams?|employees|departments?|"
    r"colleagues|associates|team members|positions|roles)\b"
    r"|\b(?:in|for|across)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}?(?:department|team|office)s?\b[^.\n]{0,30}?\benjoy\b"
    r"|\bholders\b[^.\n]{0,40}\b(?:enjoy|receive|have|get)\b"
    # a sentence whose subject is the employer's field staff ("Our nurses, aides and chaplains ... chart remotely")
    r"|^\s*(?:our|the)\s+(?:[\w-]+\s+){0,2}?(?:clinicians|nurses|aides|therapists|caregivers|providers|physicians|"
    r"chaplains|social workers|field staff)\b",
    _I,
)
_THIS_JOB_RE = re.compile(r"\b(?:this|the) (?:position|role|job|opening)\b|\byou(?:r|'ll| will)?\b", _I)
# A regular on-site cadence: "on site one day a week", "in the office some days each week",
# "an in-person team meeting every month", "report to the hospital twice a month".
_ONSITE_WORDS = (r"(?:on[- ]?site|in[- ]person|in(?:to)? (?:the|our) (?:\w+\s+)?office|in[- ]office|to (?:the|our) "
                 r"(?:\w+\s+)?(?:office|facility|hospital|clinic|campus)|at (?:the|our) (?:\w+\s+)?(?:office|facility|"
                 r"hospital|clinic|campus))")
_CADENCE = (r"(?:(?:once|twice|\d(?:-\d)?\s+(?:days?|times)|(?:one|two|three|four)(?:\s+(?:to|or)\s+(?:two|three))?\s+"
            r"(?:days?|times)|a day|some days|several days|a few days|certain days)\s+(?:a|per|each|every)\s+(?:week|month)"
            r"|every\s+(?:other\s+)?(?:week|month|monday|tuesday|wednesday|thursday|friday)"
            r"|(?:weekly|bi-?weekly|monthly)|(?:on\s+)?(?:mondays|tuesdays|wednesdays|thursdays|fridays)"
            r"|(?:on\s+)?the\s+(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?:monday|tuesday|wednesday|"
            r"thursday|friday|week|day)\s+of\s+(?:each|every|the)\s+month)")
_ONSITE_CADENCE_RE = re.compile(
    rf"\b{_ONSITE_WORDS}\b[^.\n;]{{0,60}}?\b{_CADENCE}\b|\b{_CADENCE}\b[^.\n;]{{0,60}}?\b{_ONSITE_WORDS}\b"
    r"|\b(?:weekly|monthly|bi-?weekly)\s+(?:on[- ]?site|in[- ]person)\s+(?:\w+\s+)?(?:meetings?|huddles?|days?)\b"
    r"|\b(?:one|two|three|four|a|\d)\s+(?:required\s+)?(?:on[- ]?site|in[- ]person|in[- ]office|office)\s+days?\s+"
    r"(?:a|per|each|every)\s+(?:week|month)\b",
    _I,
)
_HEDGE_RE = re.compile(r"\b(?:occasional\w*|as needed|if needed|when needed|may be (?:asked|required)|might|rare\w*|"
                       r"optional|periodic\w*|from time to time|ad[- ]?hoc|if requested|upon request)\b", _I)


def _sentence_around(text: str, match: re.Match[str]) -> tuple[int, int]:
    start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start()), text.rfind(";", 0, match.start()))
    ends = [i for i in (text.find(".", match.end()), text.find("\n", match.end()), text.find(";", match.end()))
            if i >= 0]
    return start + 1, min(ends) if ends else len(text)


def _about_others(text: str, match: re.Match[str]) -> bool:
    """The home-based work belongs to other staff, another team or the employer at large, not this job."""
    start, end = _sentence_around(text, match)
    sentence = text[start:end]
    if not _OTHERS_RE.search(sentence):
        return False
    return not _THIS_JOB_RE.search(sentence)


def _onsite_cadence(text: str) -> re.Match[str] | None:
    """A required on-site day on a regular cadence (not an occasional or optional one)."""
    for match in _ONSITE_CADENCE_RE.finditer(text):
        start, end = _sentence_around(text, match)
        if not _HEDGE_RE.search(text, start, end):
            return match
    return None


@lru_cache(maxsize=4096)
def _from_text(text: str) -> tuple[str, str] | None:
    """The work mode stated in `text` (the lines that can state one). A pure function of those lines,
    cached: the same work-mode lines recur across an employer's postings and across crawls."""
    fed = _FED_REMOTE_RE.search(text)
    if fed:
        if fed.group("value").lower() == "yes":
            return "remote", fed.group(0)
        tele = _FED_TELEWORK_RE.search(text)
        mode = _telework_mode(tele.group("value")) if tele else None
        if mode == "hybrid":
            return "hybrid", tele.group(0).strip() if tele else fed.group(0)
        return "onsite", fed.group(0)
    for mode, pattern in (("hybrid", _HYBRID_RE), ("onsite", _NEGATION_RE), ("onsite", _THIS_JOB_ONSITE_RE),
                          ("remote", _REMOTE_RE),
                          ("onsite", _ADHOC_RE), ("onsite", _ONSITE_RE)):
        match = pattern.search(text)
        if match and mode == "hybrid" and _about_others(text, match):  # "hybrid schedules for our billing team"
            match = next((m for m in pattern.finditer(text) if not _about_others(text, m)), None)
        if match and mode == "hybrid" and _adhoc_after_training(text, match):
            match = _ADHOC_RE.search(text)
            mode = "onsite"
        if match and mode == "remote":
            match = next((m for m in pattern.finditer(text) if not _speculative(text, m)
                          and not _about_others(text, m)), None)
            cadence = _onsite_cadence(text) if match else None
            if cadence:  # home-based with a regular on-site day: a split between home and site
                return "hybrid", cadence.group(0)
        if match:
            return mode, match.group(0)
    tele = _FED_TELEWORK_RE.search(text)
    if tele:
        mode = _telework_mode(tele.group("value"))
        if mode:
            return mode, tele.group(0).strip()
    return None


_FOR_THIS_JOB_RE = re.compile(r"\b(?:this|the)\s+(?:position|role|job|classification|opening|posting)\b", _I)


def _negated_for_this_job(description_text: str) -> str | None:
    """Remote work refused for this job in a boilerplate block ("... Equal Opportunity Employer. Telework is not
    available for this classification."): only when nothing else in the text says a work mode."""
    lines = lines_containing(description_text, ("telework", "remote", "from home", "telecommut"))
    if not lines or len(job_text(description_text)) == len(description_text):
        return None
    for match in _NEGATION_RE.finditer(lines):
        start, end = _sentence_around(lines, match)
        if _FOR_THIS_JOB_RE.search(lines, start, end):
            return match.group(0)
    return None


_ONSITE_LABEL_RE = re.compile(r"\b(?:on[- ]?site|in[- ]person|in[- ]office)\b(?!\s+(?:training|orientation))", _I)


@lru_cache(maxsize=8192)
def _onsite_label(value: str) -> str | None:
    """An on-site label of a title or location field ("ROI Specialist (On-Site)"), when it says nothing of
    remote or hybrid work."""
    onsite = _ONSITE_LABEL_RE.search(value)
    return onsite.group(0) if onsite and not (_HYBRID_RE.search(value) or _REMOTE_RE.search(value)) else None


@lru_cache(maxsize=8192)
def _label_signals(value: str) -> tuple[str | None, str | None]:
    """(hybrid text, remote text not negated) of a title or location field: cached (they recur)."""
    hybrid = _HYBRID_RE.search(value)
    remote = _REMOTE_RE.search(value)
    return (hybrid.group(0) if hybrid else None,
            remote.group(0) if remote and not _NEGATION_RE.search(value) else None)


def normalize_work_mode(raw: Mapping[str, Any], description_text: str) -> WorkModeResult:
    """Work mode from structured fields, then title/location, then the description."""
    found = _structured(raw)
    if found:
        return WorkModeResult(found[0], found[1], [f"emr/work_mode/structured/{found[0]}"])
    title = raw.get("title") if isinstance(raw.get("title"), str) else ""
    location = raw.get("location") if isinstance(raw.get("location"), str) else ""
    # The description decides hybrid/negation; title and location add remote/hybrid labels.
    # boilerplate (benefits, company history, EEO) never decides: "remote options for many teams" is not this job
    # (an empty job text has no relevant lines: it decides nothing, like a text without a work-mode line)
    lines = _relevant_lines(description_text) if description_text else ""
    found_text = _from_text(lines) if lines else None
    if found_text and found_text[0] == "hybrid":
        return WorkModeResult("hybrid", found_text[1], ["emr/work_mode/text/hybrid"])
    for source, value in (("title", title), ("location", location)):
        if not value:
            continue
        hybrid = _label_signals(value)[0]
        if hybrid:
            return WorkModeResult("hybrid", hybrid, [f"emr/work_mode/{source}/hybrid"])
    if found_text and found_text[0] == "onsite" and _NEGATION_RE.search(found_text[1]):
        return WorkModeResult("onsite", found_text[1], ["emr/work_mode/text/onsite"])
    for source, value in (("title", title), ("location", location)):
        remote = _label_signals(value)[1] if value else None
        if remote:
            return WorkModeResult("remote", remote, [f"emr/work_mode/{source}/remote"])
    if found_text is None or found_text[0] == "remote":  # the job labelled on-site: a remote mention is not its
        for source, value in (("title", title), ("location", location)):
            onsite = _onsite_label(value) if value else None
            if onsite:
                return WorkModeResult("onsite", onsite, [f"emr/work_mode/{source}/onsite"])
    if found_text:
        return WorkModeResult(found_text[0], found_text[1], [f"emr/work_mode/text/{found_text[0]}"])
    negated = _negated_for_this_job(description_text) if description_text else None
    if negated:
        return WorkModeResult("onsite", negated, ["emr/work_mode/boilerplate/onsite"])
    telework = raw.get("telework")
    if isinstance(telework, str) and _telework_mode(telework) == "onsite":
        return WorkModeResult("onsite", f"telework: {telework.strip()[:60]}", ["emr/work_mode/structured/onsite"])
    return WorkModeResult("unknown", None, ["emr/work_mode/none/unknown"])
