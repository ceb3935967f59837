"""Text structure: a plain-text description (from emr_jobs.pipeline.text.html_to_text) as a list of blocks,
each with the heading it sits under and that heading's kind.

What real career pages and PDFs do to a list, undone here:
- a lone bullet on its own line ("Required" / "•" / "RHIT") joins the item after it, and the item is
  never taken for a heading;
- a short line is a heading only when it ends with ":" or names a known section; a short item such
  as "RHIT" or "CCS Certification" stays an item of the section above;
- an item that ends in "or" (or an "OR" line between two items) is one block with the next item, so
  that "RHIT, OR" / "Three years of ROI experience" reads as one alternative;
- cells of one table row are one line (emr_jobs.pipeline.text.html_to_text joins them with " | ").
Lines of equal-opportunity boilerplate are marked "eeo" wherever they stand.
A line about this job that stands under a benefits or about-the-company heading (career sites put the
job's details after the perks: "Work location: On-site", "Status: Full Time | Shift: Days", "This role is
onsite.", "Full-time.") is a job line: its kind is "other", so it is read like the job's own text.

`structure(text)` is built once per posting (cached) and shared: normalizers ask for the blocks
holding some words (`blocks_containing`), the kind of a line's section, or the job's own text without
boilerplate (`job_text`).

Kinds (SECTION_KINDS): "required", "preferred", "duties", "benefits", "about", "eeo", "other",
"none" (before any heading). BOILERPLATE kinds describe the employer, not this job or its candidate:
field rules never decide a value from them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from emr_jobs.pipeline.text import holds_keyword, keyword_line_starts, lines_containing, lower_of

SECTION_KINDS = ("required", "preferred", "duties", "benefits", "about", "eeo", "other", "none")
BOILERPLATE = frozenset({"benefits", "about", "eeo"})
NO_STRENGTH = frozenset({"duties", "benefits", "about", "eeo"})  # a credential named here is not asked for

_LONE_BULLETS = frozenset("-*\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7o\u2013\u2014\u25a0\u25a1\u27a2\u2713\u2714")
_NUMBERED_RE = re.compile(r"^(?:\d{1,2}|[a-zA-Z])[.)]$")
_BULLET_RE = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u00b7o\u25e6\u25a0\u27a2]\s+|\d{1,2}[.)]\s+)")
_CODE_TOKEN_RE = re.compile(r"\b[A-Z]{2,6}(?:-[A-Z]{1,2})?\b")
_EEO_HINTS = ("opportunit", "eeo", "affirmative", "regard", "accommodat", "e-verify")
# A line under a benefits/about heading that still states this job's details (see the module docstring).
_JOB_FIELD_LINE_RE = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?(?:(?:work|job|position|employment)\s+(?:location|mode|setting|arrangement|schedule|type|"
    r"model|status|shift|hours)|location|status|schedule|shift|hours|fte|remote|on-?site|telework)\s*[:|]"
    r"|^\s*(?:this|the)\s+(?:[\w-]+\s+){0,2}?(?:position|role|job|opening)\b(?!\s+(?:of|at|in|for)\b)(?!s)"
    r"|^\s*this\s+is\s+an?\s+(?:[\w-]+\s+){0,3}?(?:role|position|job|opportunity)\b"
    r"|^\s*(?:(?:full|part)[- ]?time|per[- ]diem|prn)\b(?![^\n]*\b(?:employees|staff|benefits?|eligib\w*|receive|"
    r"members|associates|workers|offer\w*|colleagues)\b)[^\n]{0,45}$",
    re.I,
)
_HEADING_ONLY_RE = re.compile(r"^(?:required|requirements|preferred|desired|minimum|nice to have|qualifications)"
                              r"(?: qualifications| requirements)?:?$", re.I)

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
_HEADING_ANY_RE = re.compile("|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern in _HEADING_KINDS))
_EEO_LINE_RE = re.compile(
    r"equal (?:employment )?opportunity|\beeo\b|affirmative action employer|without regard to (?:race|age|sex)|"
    r"reasonable accommodations? (?:to|for|in)|protected (?:veteran|characteristic|class)|e-verify|"
    r"drug[- ]free workplace|regardless of race"
)
# a word of each alternative of _EEO_LINE_RE (lower case)
_EEO_LINE_WORDS = ("equal ", "eeo", "affirmative action employer", "without regard to ", "reasonable accommodation",
                   "protected ", "e-verify", "free workplace", "regardless of race")


class Block(NamedTuple):
    """One item or paragraph line with the section it belongs to."""

    text: str
    heading: str  # the heading text ("" before any heading)
    kind: str  # one of SECTION_KINDS
    is_heading: bool = False


def heading_kind(heading: str) -> str:
    """The kind of a heading line ("Preferred Qualifications:" -> "preferred"): one pass of a combined
    pattern, then the first kind in _HEADING_KINDS order among those found."""
    lowered = heading.lower()
    found = {match.lastgroup for match in _HEADING_ANY_RE.finditer(lowered)}
    if not found:
        return "other"
    for kind, _ in _HEADING_KINDS:
        if kind in found:
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


def _title_like(line: str) -> bool:
    """A heading without a colon reads as a title: at most three words, or every long word capitalized."""
    words = line.split()
    if len(words) <= 3:
        return ";" not in line
    return all(word[0].isupper() or len(word) < 4 or not word[0].isalpha() for word in words)


@lru_cache(maxsize=4096)
def _as_heading(line: str) -> str | None:
    """The kind of line when it is a heading, else None (cached: headings are a small, much repeated
    vocabulary across postings)."""
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
    if not colon and (_DIGIT_RE.search(line) or not _title_like(line)):  # "1-2 years of experience",
        return None  # "High school diploma required; associate degree preferred" are items
    # "CCS Certification", "RHIT or RHIA": a mixed-case line naming a code is an item, unless it ends in ":"
    if not colon and not line.isupper() and _CODE_TOKEN_RE.search(line):
        return None
    kind = heading_kind(line)
    if kind == "other" and not colon:
        return None
    return kind


# "RHIT, OR" / "- Three years ...", "CPC" / "OR" / "- four years ...", "CCA" / "- or one year ...": one item
_OR_JOIN_RE = re.compile(
    r"(?<=\S)(?:[ \t]*,)?[ \t]+(?:or|OR|Or):?[ \t]*\n\n?(?:[-*\u2022][ \t]+)?(?=\S)"
    r"|\n\n?(?:[-*\u2022][ \t]+)?(?:or|OR|Or):?[ \t]*\n\n?(?:[-*\u2022][ \t]+)?(?=\S)"
    r"|\n\n?(?:[-*\u2022][ \t]+)?(?:or|OR|Or)\b[ \t:,]*(?=\S)"
)


# an item ending in "or", or one starting with it (searched in the lower-cased text, one item a line)
_OR_MARKS = (" or\n", "or:\n", ",or\n", "\nor ", "\nor\n", "\nor:", "- or ")
_DIGIT_RE = re.compile(r"\d")
_NOT_HEADING_ENDS = frozenset(".!?;,)")
_BULLET_STARTS = frozenset("-*\u2022\u25cf\u25aa\u2023\u2043\u00b7o\u25e6\u25a0\u27a2123456789")


def _holds_any(text: str, lowered: str, words: tuple[str, ...]) -> bool:
    """Any of `words` (lower case) in `lowered` (text.lower()): from the text's one-pass keyword index
    when it can answer, else substring searches."""
    held = holds_keyword(text, words)
    return held if held is not None else any(word in lowered for word in words)


def _join_layout(text: str, lowered: str, lines: list[str], short: list[int]) -> tuple[list[str], str] | None:
    """Undo list layouts: a lone bullet line joins the item after it; an "or" between items joins them.
    The lines and their text ("\n".join of them), or None when there is nothing to undo (the common
    case, found by length and substring tests)."""
    joined = None
    for index in short:
        line = lines[index]
        if len(line) > 3 or not (line in _LONE_BULLETS or _NUMBERED_RE.match(line)):
            continue
        joined = joined or list(lines)
        joined[index] = ""
        for after in range(index + 1, min(index + 3, len(joined))):
            item = joined[after]
            if item and not (len(item) <= 3 and (item in _LONE_BULLETS or _NUMBERED_RE.match(item))):
                if not (item.endswith(":") or _BULLET_RE.match(item)):  # a heading after a stray bullet stays one
                    joined[after] = "- " + item
                break
    if joined is not None:
        text = "\n".join(joined)
        lowered = lower_of(text)
    if _holds_any(text, lowered, _OR_MARKS):
        text = _OR_JOIN_RE.sub(" or ", text)
        return text.split("\n"), text
    return None if joined is None else (joined, text)


class Structure:
    """One description's lines (layout undone) with the section of each: headings, kinds, EEO lines."""

    __slots__ = ("text", "lines", "headings", "section_starts", "sections", "eeo", "lowered", "_has_boilerplate",
                 "_job_text", "_line_index", "_left_out", "job_lines")

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        short = [i for i, line in enumerate(lines) if 0 < len(line) <= 70]
        lowered = lower_of(text)
        joined = _join_layout(text, lowered, lines, short)
        if joined is not None:  # the same text object as the keyword index was built for: no second join
            lines, text = joined
            lowered = lower_of(text)
            short = [i for i, line in enumerate(lines) if 0 < len(line) <= 70]
        self.text, self.lines = text, lines
        self.headings: dict[int, str] = {}
        self.section_starts: list[int] = []
        self.sections: list[tuple[str, str]] = []
        for index in short:
            line = lines[index]
            if (line[-1] in _NOT_HEADING_ENDS and not line.endswith("...")) or (
                    line[0] in _BULLET_STARTS and len(line) > 40):
                continue  # a sentence, or a list item too long to be a bare heading word
            kind = _as_heading(line)
            if kind is not None:
                self.headings[index] = kind
                self.section_starts.append(index)
                self.sections.append((line.rstrip(":").strip(), kind))
        self.lowered = lowered if len(lowered) == len(text) else ""
        self._job_text: str | None = None
        self._line_index: dict[int, int] | None = None
        self._left_out: frozenset[int] | None = None
        self.eeo = self._eeo_lines()
        self._has_boilerplate = bool(self.eeo) or any(kind in BOILERPLATE for _, kind in self.sections)
        self.job_lines = self._job_lines_in_boilerplate() if self._has_boilerplate else frozenset()

    def _job_lines_in_boilerplate(self) -> frozenset[int]:
        """Lines of benefits/about sections that state this job's details (_JOB_FIELD_LINE_RE)."""
        bounds = [*self.section_starts, len(self.lines)]
        found: set[int] = set()
        for (_, kind), first, end in zip(self.sections, bounds, bounds[1:], strict=False):
            if kind in ("benefits", "about"):
                found.update(i for i in range(first + 1, end)
                             if self.lines[i] and i not in self.eeo and _JOB_FIELD_LINE_RE.search(self.lines[i]))
        return frozenset(found)

    def _eeo_lines(self) -> frozenset[int]:
        if not self.lowered:
            return frozenset(i for i, line in enumerate(self.lines) if _EEO_LINE_RE.search(line.lower()))
        if not _holds_any(self.text, self.lowered, _EEO_HINTS):
            return frozenset()
        # each match stays on one line and holds one of _EEO_LINE_WORDS: only those lines are searched
        # (the pattern has no literal prefix: a pass over a whole 2 KB text takes about 60 µs)
        line_starts = keyword_line_starts(self.text, _EEO_LINE_WORDS)
        if line_starts is None:
            return frozenset(self.line_at(m.start()) for m in _EEO_LINE_RE.finditer(self.lowered))
        lines = self.lines
        return frozenset(index for index in map(self.line_index_of_start().__getitem__, line_starts)
                         if _EEO_LINE_RE.search(lines[index].lower()))

    def line_at(self, position: int) -> int:
        """The index of the line holding character `position` of `text` (a C count of newlines: cheaper
        than a table of line offsets for the few positions a posting asks about)."""
        return self.text.count("\n", 0, position)

    def section_of(self, index: int) -> tuple[str, str]:
        """(heading, kind) of the section holding line `index`."""
        position = bisect_right(self.section_starts, index) - 1
        return self.sections[position] if position >= 0 else ("", "none")

    def block(self, index: int) -> Block:
        heading, kind = self.section_of(index)
        if index in self.eeo and index not in self.headings:
            kind = "eeo"
        elif index in self.job_lines:
            kind = "other"
        return Block(self.lines[index], heading, kind, index in self.headings)

    def blocks(self) -> tuple[Block, ...]:
        return tuple(self.block(i) for i, line in enumerate(self.lines) if line)

    def next_line(self, index: int) -> str:
        """The next non-empty line after `index` ("" at the end)."""
        for line in self.lines[index + 1 : index + 3]:
            if line:
                return line
        return ""

    def job_text(self) -> str:
        """The text without boilerplate lines (EEO anywhere, benefits and about-the-company sections)."""
        if self._job_text is None:
            self._job_text = self._without_boilerplate()
        return self._job_text

    def _without_boilerplate(self) -> str:
        if not self._has_boilerplate:
            return self.text
        bounds = [*self.section_starts, len(self.lines)]
        parts: list[str] = []
        if bounds[0] > 0:
            parts.append(self._range_text(0, bounds[0]))
        for (_, kind), first, end in zip(self.sections, bounds, bounds[1:], strict=False):
            if kind not in BOILERPLATE:
                parts.append(self._range_text(first, end))
            elif self.job_lines:
                parts.extend(self.lines[i] for i in range(first, end) if i in self.job_lines)
        return "\n".join(part for part in parts if part)

    def _range_text(self, first: int, end: int) -> str:
        if any(first <= i < end for i in self.eeo):
            return "\n".join(self.lines[i] for i in range(first, end) if i not in self.eeo or i in self.headings)
        return "\n".join(self.lines[first:end])

    def lines_with(self, keywords: tuple[str, ...]) -> list[int]:
        """Indices of the lines holding any of `keywords` (lower case), from the text's one-pass keyword
        index (emr_jobs.pipeline.text.keyword_line_starts); substring searches where that cannot answer."""
        if not self.lowered:
            return [i for i, line in enumerate(self.lines) if any(w in line.lower() for w in keywords)]
        line_starts = keyword_line_starts(self.text, keywords)
        if line_starts is not None:
            return sorted(map(self.line_index_of_start().__getitem__, line_starts))
        found: set[int] = set()
        lowered = self.lowered
        for word in keywords:
            position = lowered.find(word)
            while position >= 0:
                found.add(self.line_at(position))
                line_end = lowered.find("\n", position)
                if line_end < 0:
                    break
                position = lowered.find(word, line_end + 1)
        return sorted(found)

    def job_lines_containing(self, keywords: tuple[str, ...]) -> str | None:
        """lines_containing(self.job_text(), keywords), read from the text's one-pass keyword index
        (the job text is whole lines of the text); None when the index cannot answer."""
        if not self.lowered:
            return None
        line_starts = keyword_line_starts(self.text, keywords)
        if line_starts is None:
            return None
        found = sorted(map(self.line_index_of_start().__getitem__, line_starts))
        lines = self.lines
        if not self._has_boilerplate:
            return "\n".join([lines[i] for i in found])
        left_out = self.left_out()
        return "\n".join([lines[i] for i in found if i not in left_out])

    def left_out(self) -> frozenset[int]:
        """The indices of the lines job_text() leaves out (see _without_boilerplate and _range_text):
        boilerplate sections and EEO lines that are not headings, but for job lines; built once."""
        if self._left_out is None:
            left_out: set[int] = set()
            if self._has_boilerplate:
                bounds = [*self.section_starts, len(self.lines)]
                for (_, kind), first, end in zip(self.sections, bounds, bounds[1:], strict=False):
                    if kind in BOILERPLATE:
                        left_out.update(range(first, end))
                left_out.update(self.eeo.difference(self.headings))
                left_out.difference_update(self.job_lines)
            self._left_out = frozenset(left_out)
        return self._left_out

    def line_index_of_start(self) -> dict[int, int]:
        """Line start offset in `text` -> line index (built once)."""
        if self._line_index is None:  # line i starts after the i lines before it and their newlines
            lengths_before = accumulate(map(len, self.lines), initial=0)
            self._line_index = {length + index: index for index, length in enumerate(lengths_before)}
        return self._line_index


@lru_cache(maxsize=32)
def structure(text: str) -> Structure:
    """The structure of a description (see the module docstring); cached for the normalizers of one posting."""
    return Structure(text)


def parse_blocks(text: str) -> tuple[Block, ...]:
    """The description as blocks, one per non-empty line (see the module docstring)."""
    return structure(text).blocks()


def blocks_containing(text: str, keywords: tuple[str, ...], skip: frozenset[str] = BOILERPLATE) -> list[Block]:
    """The blocks (outside `skip` kinds) holding any of `keywords` (written in lower case), in order."""
    parsed = structure(text)
    blocks = (parsed.block(i) for i in parsed.lines_with(keywords))
    return [block for block in blocks if block.kind not in skip]


def job_text(text: str) -> str:
    """The description without its boilerplate (EEO lines, benefits and about-the-company sections)."""
    return structure(text).job_text()


def job_lines_containing(text: str, keywords: tuple[str, ...]) -> str:
    """The lines of job_text(text) holding any of `keywords` (lower case): emr_jobs.pipeline.text.lines_containing
    over the job text, answered from the text's one-pass keyword index where it can."""
    parsed = structure(text)
    found = parsed.job_lines_containing(keywords)
    return found if found is not None else lines_containing(parsed.job_text(), keywords)
