"""Text structure: a plain-text description (from pipeline.text.html_to_text) as a list of blocks,
each with the heading it sits under and that heading's kind.

What real career pages and PDFs do to a list, undone here:
- a lone bullet on its own line ("Required" / "•" / "RHIT") joins the item after it, and the item is
  never taken for a heading;
- a short line is a heading only when it ends with ":" or names a known section; a short item such
  as "RHIT" or "CCS Certification" stays an item of the section above;
- an item that ends in "or" (or an "OR" line between two items) is one block with the next item, so
  that "RHIT, OR" / "Three years of ROI experience" reads as one alternative.
Lines of equal-opportunity boilerplate are marked "eeo" wherever they stand.

Kinds (SECTION_KINDS): "required", "preferred", "duties", "benefits", "about", "eeo", "other",
"none" (before any heading). BOILERPLATE kinds describe the employer, not this job or its candidate:
field rules never decide a value from them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

SECTION_KINDS = ("required", "preferred", "duties", "benefits", "about", "eeo", "other", "none")
BOILERPLATE = frozenset({"benefits", "about", "eeo"})
NO_STRENGTH = frozenset({"duties", "benefits", "about", "eeo"})  # a credential named here is not asked for

_LONE_BULLETS = frozenset("-*\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7o\u2013\u2014\u25a0\u25a1\u27a2\u2713\u2714")
_NUMBERED_RE = re.compile(r"^(?:\d{1,2}|[a-zA-Z])[.)]$")
_BULLET_RE = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u00b7o\u25e6\u25a0\u27a2]\s+|\d{1,2}[.)]\s+)")
_CODE_TOKEN_RE = re.compile(r"\b[A-Z]{2,6}(?:-[A-Z]{1,2})?\b")
_HEADING_ONLY_RE = re.compile(r"^(?:required|requirements|preferred|desired|minimum|nice to have|qualifications)"
                              r"(?: qualifications| requirements)?:?$", re.I)
_TRAILING_OR_RE = re.compile(r"(?:,\s*|\s+)or\s*:?$", re.I)
_LEADING_OR_RE = re.compile(r"^(?:[-*\u2022]\s+)?or\b[\s:,]*", re.I)

# Heading vocabulary, tried in this order on the lower-cased heading.
_HEADING_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("eeo", re.compile(r"\bequal (?:employment )?opportunit|\beeo\b|non-?discrimination|reasonable accommodation|"
                       r"affirmative action|\bdiversity\b|\bpolicy statement")),
    ("benefits", re.compile(r"\bbenefits?\b|\bwe offer\b|\bperks\b|\btotal rewards\b|why (?:join|work)|"
                            r"what we offer|\bwhat you(?:'ll)? get\b")),
    ("about", re.compile(r"\babout (?:us|the company|the organization|our|the hospital|the health|[A-Z]?\w+ (?:health|"
                         r"hospital|medical))|\bwho we are\b|\bour (?:story|history|mission|company|organization|"
                         r"values|culture)\b|\bcompany (?:overview|description|profile)\b|\bcompany\b$|\bthe company\b")),
    ("preferred", re.compile(r"\b(?:preferred|desired|nice[- ]to[- ]have|bonus|a plus|ideal candidate|"
                             r"additional qualifications|preferences|pluses|desirable)\b")),
    ("duties", re.compile(r"\b(?:responsibilit\w*|duties|dutys|what you(?:'ll)? (?:will )?do|the role|about the (?:role|job|"
                          r"position|opportunity)|summary|overview|compensation|schedule|position|job description|"
                          r"essential functions|the opportunity|work arrangement|day in the life|"
                          r"key functions|job details)\b")),
    ("required", re.compile(r"\b(?:required|requirements?|minimum|basic qualifications|basic requirements|"
                            r"must[- ]haves?|conditions of employment|qualifications?|what you(?:'ll)? (?:need|bring)|"
                            r"what we(?:'re)? (?:need|look(?:ing)? for)|who you are|skills|education|experience|"
                            r"licen[cs](?:es?|ure)|certifications?|credentials?|eligibility|knowledge)\b")),
]
_EEO_LINE_RE = re.compile(
    r"equal (?:employment )?opportunity|\beeo\b|affirmative action employer|without regard to (?:race|age|sex)|"
    r"reasonable accommodations? (?:to|for|in)|protected (?:veteran|characteristic|class)|e-verify|"
    r"drug[- ]free workplace|regardless of race"
)


class Block(NamedTuple):
    """One item or paragraph line with the section it belongs to."""

    text: str
    heading: str  # the heading text ("" before any heading)
    kind: str  # one of SECTION_KINDS
    is_heading: bool = False


def heading_kind(heading: str) -> str:
    """The kind of a heading line ("Preferred Qualifications:" -> "preferred")."""
    lowered = heading.lower()
    for kind, pattern in _HEADING_KINDS:
        if pattern.search(lowered):
            if kind in ("duties", "benefits", "about") and ("qualif" in lowered or "requir" in lowered):
                continue
            return kind
    return "other"


def _heading_shaped(line: str) -> bool:
    if len(line) > 70 or _BULLET_RE.match(line):
        return False
    if line.endswith(":"):
        return True
    if line[-1] in ".!?;,)" or "$" in line:
        return False
    return len(line.split()) <= 7


def _as_heading(line: str) -> str | None:
    """The kind of line when it is a heading, else None."""
    bullet = _BULLET_RE.match(line)
    if bullet:  # "- Desired" (an HTML list used for layout): a heading when it is nothing but a heading word
        body = line[bullet.end():].strip()
        if not body or len(body.split()) > 3 or _CODE_TOKEN_RE.search(body):
            return None
        kind = heading_kind(body)
        return kind if kind in ("required", "preferred") and _HEADING_ONLY_RE.match(body) else None
    if not _heading_shaped(line):
        return None
    colon = line.endswith(":")
    # "CCS Certification", "RHIT or RHIA": a mixed-case line naming a code is an item, unless it ends in ":"
    if not colon and not line.isupper() and _CODE_TOKEN_RE.search(line):
        return None
    kind = heading_kind(line)
    if kind == "other" and not colon:
        return None
    return kind


@lru_cache(maxsize=32)
def parse_blocks(text: str) -> tuple[Block, ...]:
    """The description as blocks (see the module docstring); cached for the normalizers of one posting."""
    blocks: list[Block] = []
    heading, kind = "", "none"
    bullet_pending = False
    join_next = False
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        if line in _LONE_BULLETS or _NUMBERED_RE.match(line):
            bullet_pending = True
            continue
        if line.lower() in ("or", "- or", "or:") and blocks and not blocks[-1].is_heading:
            join_next = True
            continue
        if not bullet_pending and not join_next:
            found = _as_heading(line)
            if found is not None:
                heading, kind = line.rstrip(":").strip(), found
                blocks.append(Block(line, heading, kind, True))
                continue
        if join_next or (blocks and not blocks[-1].is_heading and _LEADING_OR_RE.match(line)
                         and blocks[-1].heading == heading):
            previous = blocks.pop()
            body = _LEADING_OR_RE.sub("", _BULLET_RE.sub("", line), count=1)
            joined = f"{_TRAILING_OR_RE.sub('', previous.text)} or {body}"
            blocks.append(Block(joined, previous.heading, previous.kind))
            join_next = bool(_TRAILING_OR_RE.search(line))
            bullet_pending = False
            continue
        if bullet_pending and not _BULLET_RE.match(line):
            line = "- " + line
        bullet_pending = False
        line_kind = "eeo" if _EEO_LINE_RE.search(line.lower()) else kind
        blocks.append(Block(line, heading, line_kind))
        join_next = bool(_TRAILING_OR_RE.search(line)) and len(line) < 200
    return tuple(blocks)


def job_text(text: str) -> str:
    """The description without its boilerplate blocks (EEO, benefits, about the company), one block a line."""
    return "\n".join(block.text for block in parse_blocks(text) if block.kind not in BOILERPLATE)


def kind_at(text: str, position_line: str) -> str:
    """The section kind of the block holding `position_line` (first match), "none" if not found."""
    for block in parse_blocks(text):
        if position_line in block.text:
            return block.kind
    return "none"
