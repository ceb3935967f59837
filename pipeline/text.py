"""Text helpers shared by the field normalizers.

HTML (or entity-escaped HTML) -> plain text that keeps line and section breaks, whitespace
clean-up, header detection and section splitting. Pure functions; regexes compiled at import.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

_MAX_UNESCAPE_ROUNDS = 4
# the blanks str.split() splits on, but the space and the newline; \u2028/\u2029 break lines; \u200b goes
_ASCII_BLANKS = ("\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_LINE_BREAKS = ("\u2028", "\u2029")
_UNICODE_BLANKS = (*_LINE_BREAKS, *_ASCII_BLANKS, "\x85", "\xa0", "\u1680", *map(chr, range(0x2000, 0x200B)), "\u202f",
                   "\u205f", "\u3000")
_NEWLINE_RUN_RE = re.compile(r"\n{3,}")
# an entity other than the five that escaped HTML is made of (those are decoded by str.replace)
_OTHER_ENTITY_RE = re.compile(r"&(?!(?:lt|gt|amp|quot|#39);)(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MAX_INPUT_CHARS = 200_000  # a description longer than this is cut (bounded work per posting)

_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG_HINT_RE = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?\s*>")
_DROP_BLOCK_RE = re.compile(r"<(script|style|head|noscript)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_CELL_GAP_RE = re.compile(r"<\s*/\s*t[dh]\s*>\s*<\s*t[dh]\b[^>]*>", re.I)  # cells of one table row stay one line
_LI_RE = re.compile(r"<\s*li\b[^>]*>", re.I)
_LI_CLOSE_RE = re.compile(r"<\s*/\s*li\s*>", re.I)
_BLOCK_TAG_RE = re.compile(
    r"<\s*/?\s*(?:p|div|br|ul|ol|h[1-6]|tr|table|tbody|thead|section|article|header|footer|"
    r"blockquote|pre|dl|dt|dd|hr|td|th)\b[^>]*>",
    re.I,
)
_EMPH_RE = re.compile(r"<\s*(strong|b|em|u)\b[^>]*>([^<]{0,120}?)<\s*/\s*\1\s*>", re.I)
_ANY_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_BULLET_RE = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u00b7o]\s+|\d{1,2}[.)]\s+)")

# Section headers (domain.md §2.1). Matched against a header line, lower-cased.
_PREFERRED_HEADER_RE = re.compile(
    r"\b(preferred|desired|nice[- ]to[- ]have|bonus|a plus|ideal candidate|additional qualifications|"
    r"preferences|pluses)\b"
)
_REQUIRED_HEADER_RE = re.compile(
    r"\b(required|requirements?|minimum|basic qualifications|basic requirements|must[- ]haves?|"
    r"conditions of employment|qualifications|what you(?:'ll)? (?:need|bring)|what we(?:'re)? "
    r"(?:need|look(?:ing)? for)|who you are|skills|education|experience|licen[cs]es?|"
    r"certifications?|credentials?|eligibility)\b"
)
_DUTIES_HEADER_RE = re.compile(
    r"\b(responsibilit|duties|dutys|what you(?:'ll)? (?:will )?do|the role|about|summary|overview|"
    r"benefits|we offer|perks|compensation|schedule|position|job description|essential functions|"
    r"the opportunity|work arrangement)"
)


def unescape_until_stable(value: str) -> str:
    """Decode HTML entities repeatedly (&amp;lt;p&amp;gt; -> &lt;p&gt; -> <p>), bounded."""
    for _ in range(_MAX_UNESCAPE_ROUNDS):
        if "&" not in value or not _ENTITY_RE.search(value):
            break
        if _OTHER_ENTITY_RE.search(value):
            decoded = html.unescape(value)
        else:  # the same as html.unescape for these five, in C (&amp; last, so "&amp;lt;" gives "&lt;")
            decoded = (value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                       .replace("&#39;", "'").replace("&amp;", "&"))
        if decoded == value:
            break
        value = decoded
    return value


def _emphasis_to_text(text: str) -> str:
    """<strong>Header</strong> at the start of a line becomes its own line; inline emphasis stays."""

    def repl(match: re.Match[str]) -> str:
        inner = match.group(2).strip()
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if not before.strip() and inner and (inner.endswith(":") or len(inner) <= 60):
            return f"\n{inner}\n"
        return match.group(2)

    return _EMPH_RE.sub(repl, text)


def html_to_text(value: object) -> str:
    """Plain text from a description that may be plain text, HTML or entity-escaped HTML."""
    if not isinstance(value, str):
        return ""
    text = value[:_MAX_INPUT_CHARS]
    text = unescape_until_stable(text)
    if _TAG_HINT_RE.search(text):
        text = _COMMENT_RE.sub(" ", text)
        text = _DROP_BLOCK_RE.sub("\n", text)
        if "<t" in text or "<T" in text:
            text = _CELL_GAP_RE.sub(" | ", text)
        text = _LI_RE.sub("\n- ", text)
        text = _LI_CLOSE_RE.sub("", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _emphasis_to_text(text)
        text = _ANY_TAG_RE.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
    return clean_whitespace(text)


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces, strip each line, keep at most one blank line between blocks.

    Every blank that str.split() knows (NBSP, thin spaces, tabs, ...) but the newline becomes a space
    by plain replacements (each a C scan, and skipped when absent), then runs of spaces collapse."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u200b" in text:
        text = text.replace("\u200b", "")
    blanks = _ASCII_BLANKS if text.isascii() else _UNICODE_BLANKS
    for blank in blanks:
        if blank in text:
            text = text.replace(blank, " " if blank not in _LINE_BREAKS else "\n")
    while "  " in text:
        text = text.replace("  ", " ")
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text:
        text = text.replace("\n ", "\n")
    if "\n\n\n" in text:
        text = _NEWLINE_RUN_RE.sub("\n\n", text)
    return text.strip("\n ")


def is_header(line: str) -> bool:
    """A short line that names a section ("Requirements", "Preferred Qualifications:")."""
    stripped = line.strip()
    if not stripped or len(stripped) > 70 or _BULLET_RE.match(stripped):
        return False
    if stripped.endswith(":"):
        return True
    if stripped[-1] in ".!?;,":
        return False
    words = stripped.split()
    if len(words) > 7 or "$" in stripped:
        return False
    return True


def header_kind(header: str) -> str:
    """'preferred', 'required', 'duties' or 'other' for a section header line."""
    lowered = header.lower()
    if _PREFERRED_HEADER_RE.search(lowered):
        return "preferred"
    if _DUTIES_HEADER_RE.search(lowered) and not re.search(r"qualif|requir", lowered):
        return "duties"
    if _REQUIRED_HEADER_RE.search(lowered):
        return "required"
    return "other"


class Line(NamedTuple):
    """One line of the description with the section it sits in."""

    text: str
    section: str  # header text of the section ("" before any header)
    section_kind: str  # header_kind() of that header, "none" before any header


def lines_with_sections(text: str) -> list[Line]:
    """Every non-empty line, each tagged with the nearest header above it."""
    result: list[Line] = []
    section, kind = "", "none"
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        if is_header(line):
            section, kind = line.rstrip(":").strip(), header_kind(line)
            result.append(Line(line, section, kind))
            continue
        result.append(Line(line, section, kind))
    return result


def section_at(lines: list[str], index: int) -> Line:
    """Line `index` of lines with the section it sits in (nearest header above, or itself)."""
    text = lines[index].strip()
    if is_header(text):
        return Line(text, text.rstrip(":").strip(), header_kind(text))
    for above in range(index - 1, -1, -1):
        candidate = lines[above].strip()
        if candidate and is_header(candidate):
            return Line(text, candidate.rstrip(":").strip(), header_kind(candidate))
    return Line(text, "", "none")


def lines_containing(text: str, keywords: tuple[str, ...]) -> str:
    """The lines of text holding any of `keywords` (written in lower case), in order, joined by newlines.

    Plain substring searches (str.find runs in C) over text.lower(): much faster than a regex
    alternation tried at every position."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few Unicode characters change length when lower-cased
        return "\n".join(line for line in text.split("\n") if any(word in line.lower() for word in keywords))
    line_starts: set[int] = set()
    for word in keywords:
        found = lowered.find(word)
        while found >= 0:
            line_starts.add(lowered.rfind("\n", 0, found) + 1)
            line_end = lowered.find("\n", found)
            if line_end < 0:
                break
            found = lowered.find(word, line_end + 1)  # this line is kept already: go on from the next
    kept = []
    for start in sorted(line_starts):
        end = text.find("\n", start)
        kept.append(text[start:] if end < 0 else text[start:end])
    return "\n".join(kept)


_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"'])")


def sentences(line: str) -> list[str]:
    """Split one line into sentences (keeps abbreviations like 'U.S.' mostly intact)."""
    parts = _SENTENCE_SPLIT_RE.split(line)
    return [p for p in parts if p.strip()]
