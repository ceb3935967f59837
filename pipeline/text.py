"""Text helpers shared by the field normalizers.

HTML (or entity-escaped HTML) -> plain text that keeps line and section breaks, whitespace
clean-up, keyword lines and sentences. Pure functions; regexes compiled at import. Headings and
sections are pipeline/sections.py's job.
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs

_MAX_UNESCAPE_ROUNDS = 4
# the blanks str.split() splits on, but the space and the newline; \u2028/\u2029 break lines; \u200b goes
_ASCII_BLANKS = ("\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_LINE_BREAKS = ("\u2028", "\u2029")
_UNICODE_BLANKS = (*_LINE_BREAKS, *_ASCII_BLANKS, "\x85", "\xa0", "\u1680", *map(chr, range(0x2000, 0x200B)), "\u202f",
                   "\u205f", "\u3000")
# an entity other than the five that escaped HTML is made of (those are decoded by str.replace)
_OTHER_ENTITY_RE = re.compile(r"&(?!(?:lt|gt|amp|quot|#39);)(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# an "&" that starts none of the six entities html.escape() writes: where every "&" starts one of them,
# their plain replacements decode exactly as html.unescape() does
_NOT_ESCAPE_AMP_RE = re.compile(r"&(?!(?:lt|gt|amp|quot|#39|#x27);)")
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
# a '<' that can start _DROP_BLOCK_RE's tag (re.IGNORECASE also reads the long s as "s")
_DROP_HINT_RE = re.compile("<[shnSHN\u017f]")
# a '<' that can start _CELL_GAP_RE's second tag (one pass where two substring scans for "<t" and "<T"
# each stop at every '<' of a tagged text)
_CELL_HINT_RE = re.compile("<[tT]")
# a '<' that can start a comment, _DROP_BLOCK_RE's tag or _CELL_GAP_RE's (_DROP_HINT_RE, _CELL_HINT_RE)
_RARE_TAG_HINT_RE = re.compile("<[!shntSHNT\u017f]")
_STRAY_LT_RE = re.compile(r"<[^<>]*<")  # a '<' followed by another '<' before any '>'
# block tags as most career sites write them, each of which _BLOCK_TAG_RE would replace by a newline
_PLAIN_BLOCK_TAG_RE = re.compile(r"</?(?:p|ul|ol|div)>|<br ?/?>")

def unescape_until_stable(value: str) -> str:
    """Decode HTML entities repeatedly (&amp;lt;p&amp;gt; -> &lt;p&gt; -> <p>), bounded."""
    for _ in range(_MAX_UNESCAPE_ROUNDS):
        if "&" not in value or not _ENTITY_RE.search(value):
            break
        if _OTHER_ENTITY_RE.search(value) and _NOT_ESCAPE_AMP_RE.search(value):
            decoded = html.unescape(value)
        else:  # the same as html.unescape for these six, in C (&amp; last, so "&amp;lt;" gives "&lt;")
            decoded = value.replace("&lt;", "<").replace("&gt;", ">")
            if "&" in decoded:  # escaped HTML is mostly tags: the other four are seldom there
                decoded = (decoded.replace("&quot;", '"').replace("&#39;", "'").replace("&#x27;", "'")
                           .replace("&amp;", "&"))
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
        if _RARE_TAG_HINT_RE.search(text):  # else the three below have nothing to do
            text = _COMMENT_RE.sub(" ", text)
            if _DROP_HINT_RE.search(text):
                text = _DROP_BLOCK_RE.sub("\n", text)
            if _CELL_HINT_RE.search(text):
                text = _CELL_GAP_RE.sub(" | ", text)
        text = _replace_plain_tags(text)
        if "<" in text:  # every pattern below starts with one
            text = _LI_RE.sub("\n- ", text)
            text = _LI_CLOSE_RE.sub("", text)
            text = _BLOCK_TAG_RE.sub("\n", text)
            text = _emphasis_to_text(text)
            text = _ANY_TAG_RE.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
    return clean_whitespace(text)


def _replace_plain_tags(text: str) -> str:
    """The commonest list and block tags, written plainly (<li>, </li>, _PLAIN_BLOCK_TAG_RE), replaced as
    _LI_RE, _LI_CLOSE_RE and _BLOCK_TAG_RE would replace them, by str.replace and one case-sensitive
    pattern (_BLOCK_TAG_RE tries a case-insensitive alternation of 30 names at every '<'). Exact when no '<' comes before another '<' without a '>' between (_STRAY_LT_RE): then
    every match of those patterns is one whole tag, a replacement holds no '<' or '>', so replacing some
    tags first changes no other tag's match (comments, dropped blocks and table cells are done before)."""
    if _STRAY_LT_RE.search(text):
        return text
    # paragraphs one after another ("</p><p>", two matches of the pattern) take one C replacement
    text = text.replace("</p><p>", "\n\n").replace("<li>", "\n- ").replace("</li>", "")
    return _PLAIN_BLOCK_TAG_RE.sub("\n", text)


# three newlines or more; spelt with a literal prefix (r"\n{3,}" has none, and re scans it about seven times slower)
_NEWLINE_RUN_RE = re.compile("\n\n\n+")
# " \n", "\n " or "\n\n\n", tried only at newlines (the literal first character): one pass where three
# str searches for a two-character needle would each scan the whole text
_AROUND_NEWLINE_RE = re.compile(r"\n(?:(?<= \n)| |\n\n)")


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces, strip each line, keep at most one blank line between blocks.

    Every blank that str.split() knows (NBSP, thin spaces, tabs, ...) but the newline becomes a space
    by plain replacements (each a C scan, and skipped when absent), then runs of spaces collapse."""
    if "\r" in text:  # one C scan for a character; most texts have none
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u200b" in text:
        text = text.replace("\u200b", "")
    blanks = _ASCII_BLANKS if text.isascii() else _UNICODE_BLANKS
    for blank in blanks:
        if blank in text:
            text = text.replace(blank, " " if blank not in _LINE_BREAKS else "\n")
    while "  " in text:
        text = text.replace("  ", " ")
    if _AROUND_NEWLINE_RE.search(text):  # else none of the three below has anything to do
        # drop the space before and after each newline: spaces come singly by now, so stripping each line
        # does what replacing " \n" and "\n " did (it also strips the text's two ends, as the return
        # does anyway), with one copy of the text instead of two scans and copies
        text = "\n".join([line.strip(" ") for line in text.split("\n")])
        text = _NEWLINE_RUN_RE.sub("\n\n", text)  # each run of 3+ newlines becomes two
    return text.strip("\n ")


_last_lowered: tuple[str, str] = ("", "")


def lower_of(text: str) -> str:
    """text.lower(), computed once for the text lowered last (found by identity: the structure, the
    keyword index and several normalizers lower the same description one after another)."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    result = text.lower()
    _last_lowered = (text, result)  # one tuple, swapped whole (threads see old or new)
    return result


class _Automaton(NamedTuple):
    """One state of a vocabulary: its automaton, the same over UTF-8 bytes (for ASCII texts, whose byte
    offsets are their character offsets: about a fifth faster, with no offset mapping), and whether it
    searches the lower-cased text."""

    version: int
    automaton: ahocorasick_rs.AhoCorasick
    bytes_automaton: ahocorasick_rs.BytesAhoCorasick
    lower_case: bool


class _KeywordVocabulary:
    """Every keyword asked for so far, in one Aho-Corasick automaton (ahocorasick-rs, a DFA): one native
    pass over a text finds all of them, instead of one substring scan per keyword (bench/normalize.py measures it).
    Keywords join the vocabulary (and keep their number) the first time they are asked for; the keyword
    tuples are module constants, so it stops growing after the first posting. A new word makes a new
    automaton, swapped in whole under a lock (normalize() may run in several threads)."""

    MAX_WORDS = 2_000  # past this (keywords built at run time), searches fall back to str.find

    def __init__(self, lower_case: bool) -> None:
        self.lower_case = lower_case
        self.words: list[str] = []
        self.number_of: dict[str, int] = {}
        self.current = self._build(0)
        self.last_index: tuple[str | None, _Automaton | None, dict[int, list[int]] | None] = (None, None, None)
        self.known: dict[tuple[str, ...], frozenset[int]] = {}  # keyword tuple -> numbers, once asked for
        self._lock = threading.Lock()

    def _build(self, version: int) -> _Automaton:
        options = {"matchkind": ahocorasick_rs.MatchKind.Standard, "implementation": ahocorasick_rs.Implementation.DFA}
        automaton = ahocorasick_rs.AhoCorasick(self.words, **options)
        bytes_automaton = ahocorasick_rs.BytesAhoCorasick([word.encode() for word in self.words], **options)
        return _Automaton(version, automaton, bytes_automaton, self.lower_case)

    def numbers(self, keywords: tuple[str, ...]) -> frozenset[int] | None:
        """The numbers of `keywords` (added to the vocabulary when new), or None when they cannot be
        searched this way (an empty keyword; a vocabulary grown too large). Once this returns, the
        current automaton holds them."""
        found = self.known.get(keywords)
        if found is not None:
            return found
        with self._lock:
            new = [word for word in dict.fromkeys(keywords) if word not in self.number_of]
            if "" in keywords or len(self.words) + len(new) > self.MAX_WORDS:
                return None
            for word in new:
                self.number_of[word] = len(self.words)
                self.words.append(word)
            if new:
                self.current = self._build(self.current.version + 1)
            found = self.known[keywords] = frozenset(self.number_of[word] for word in keywords)
        return found


_VOCABULARY = _KeywordVocabulary(lower_case=True)  # keywords written in lower case, searched in the lower-cased text
_CASED_VOCABULARY = _KeywordVocabulary(lower_case=False)  # keywords searched as written (credential codes)


@lru_cache(maxsize=16)
def _keyword_offsets(text: str, automaton: _Automaton) -> dict[int, list[int]] | None:
    """Keyword number -> the offsets in text where it starts (in order). Readers that want lines take a
    line's start for the few keywords they ask about (keyword_line_starts): a line start for every match
    of the whole vocabulary would cost an rfind for each of about 36 matches a text. None when lower-casing
    changes the text's length (a few Unicode characters do)."""
    searched = lower_of(text) if automaton.lower_case else text
    if len(searched) != len(text):
        return None
    if searched.isascii():
        matches = automaton.bytes_automaton.find_matches_as_indexes(searched.encode("ascii"), overlapping=True)
    else:
        matches = automaton.automaton.find_matches_as_indexes(searched, overlapping=True)
    starts: dict[int, list[int]] = {}
    setdefault = starts.setdefault
    for word, start, _ in matches:
        setdefault(word, []).append(start)
    return starts


def _indexed(text: str, keywords: tuple[str, ...], cased: bool) -> tuple[dict[int, list[int]], frozenset[int]] | None:
    """The one-pass keyword index of text and the numbers of `keywords` in it, or None when the index
    cannot answer (lower-casing changes the text's length, or odd keywords)."""
    vocabulary = _CASED_VOCABULARY if cased else _VOCABULARY
    numbers = vocabulary.known.get(keywords)
    if numbers is None:
        numbers = vocabulary.numbers(keywords)
        if numbers is None:
            return None
    automaton = vocabulary.current  # an automaton that holds every one of `numbers`
    last = vocabulary.last_index  # the index asked for last, found by identity (most asks are about one text)
    if last[0] is text and last[1] is automaton:
        index = last[2]
    else:
        index = _keyword_offsets(text, automaton)
        vocabulary.last_index = (text, automaton, index)  # one tuple, swapped whole (threads see old or new)
    return None if index is None else (index, numbers)


def keyword_line_starts(text: str, keywords: tuple[str, ...], *, cased: bool = False) -> set[int] | None:
    """The start offsets of the lines of text holding any of `keywords` (lower case, searched in the
    lower-cased text; or as written with cased=True), or None when the one-pass index cannot answer
    (lower-casing changes the text's length, or odd keywords)."""
    indexed = _indexed(text, keywords, cased)
    if indexed is None:
        return None
    index, numbers = indexed
    offsets: list[int] = []
    if len(numbers) < len(index):
        get = index.get
        for number in numbers:
            starts = get(number)
            if starts is not None:
                offsets += starts
    else:
        for number in numbers.intersection(index):
            offsets += index[number]
    rfind = text.rfind  # the index is of a text as long as this one: its newlines are at the same offsets
    return {rfind("\n", 0, offset) + 1 for offset in offsets}


def holds_keyword(text: str, keywords: tuple[str, ...], *, cased: bool = False) -> bool | None:
    """Whether text holds any of `keywords` (read as keyword_line_starts reads them), or None when the
    one-pass index cannot answer; no line offsets gathered."""
    indexed = _indexed(text, keywords, cased)
    return None if indexed is None else not indexed[1].isdisjoint(indexed[0])


# the only characters outside ASCII that re.IGNORECASE matches to an ASCII letter but str.lower() does not
# lower to one (dotless i and long s; the Kelvin sign lowers to "k", and the dotted capital I changes the length)
_FOLDS_TO_ASCII = ("\u0131", "\u017f")


def _folds_as_lower(text: str) -> bool:
    """re.IGNORECASE reads each character of text as str.lower() does (none of _FOLDS_TO_ASCII)."""
    return text.isascii() or not any(char in text for char in _FOLDS_TO_ASCII)


def lower_same(text: str) -> str | None:
    """text.lower() when a regex without re.IGNORECASE reads it exactly as one with the flag reads text:
    the same length and none of _FOLDS_TO_ASCII (checked over every code point); None otherwise."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) and _folds_as_lower(text) else None


# an upper-case letter that is not part of an escape (\S, \W, \D, \B, \A, \Z): a pattern holding one
# reads differently over lower-cased text
_UPPER_LITERAL_RE = re.compile(r"(?<!\\)[A-Z]")
_GROUP_NAME_RE = re.compile(r"\(\?P(?:<\w+>|=\w+\))")


class Caseless:
    """A case-insensitive pattern, run as its plain twin over the lower-cased text wherever lower_same()
    allows (sre compares each literal case-insensitively one character at a time: about 3-4x slower on
    long alternations), else as compiled with re.IGNORECASE. Same matches, same spans; a match's text
    is the lower-cased text's, so callers take evidence by its span (found())."""

    __slots__ = ("folded", "plain")

    def __init__(self, pattern: str) -> None:
        if _UPPER_LITERAL_RE.search(_GROUP_NAME_RE.sub("", pattern.replace("\\\\", ""))):
            raise ValueError(f"a Caseless pattern is written in lower case: {pattern[:60]!r}")
        self.folded = re.compile(pattern, re.IGNORECASE)
        self.plain = re.compile(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        lowered = lower_same(text)
        return self.folded.search(text) if lowered is None else self.plain.search(lowered)

    def match(self, text: str) -> re.Match[str] | None:
        lowered = lower_same(text)
        return self.folded.match(text) if lowered is None else self.plain.match(lowered)

    def found(self, text: str) -> str | None:
        """The text (as written) of the first match, or None."""
        match = self.search(text)
        return None if match is None else text[match.start() : match.end()]


def holds_none(text: str, hints: tuple[str, ...]) -> bool:
    """True when text certainly holds none of `hints` (lower case), read case-insensitively as a regex
    with re.IGNORECASE reads it: a pattern each of whose matches holds one of them cannot match. From
    the text's one-pass keyword index; False whenever the index cannot tell."""
    return holds_keyword(text, hints) is False and _folds_as_lower(text)


def caseless_lines(text: str, hints: tuple[str, ...]) -> str | None:
    """The lines of text holding any of `hints` (lower case) as re.IGNORECASE reads text, in order and
    joined by newlines ("" when none): all a case-insensitive pattern needs to see when each of its
    matches holds a hint and stays on one line. None when the one-pass keyword index cannot tell."""
    line_starts = keyword_line_starts(text, hints)
    if line_starts is None or not _folds_as_lower(text):
        return None
    return _lines_at(text, line_starts)


def _lines_at(text: str, line_starts: set[int]) -> str:
    kept = []
    for start in sorted(line_starts):
        end = text.find("\n", start)
        kept.append(text[start:] if end < 0 else text[start:end])
    return "\n".join(kept)


def lines_containing(text: str, keywords: tuple[str, ...]) -> str:
    """The lines of text holding any of `keywords` (written in lower case), in order, joined by newlines.

    All keywords of a text are found in one pass (keyword_line_starts); substring searches over
    text.lower() where that cannot answer."""
    line_starts = keyword_line_starts(text, keywords)
    if line_starts is None:
        line_starts = _line_starts_by_find(text, keywords)
        if line_starts is None:
            return "\n".join(line for line in text.split("\n") if any(word in line.lower() for word in keywords))
    return _lines_at(text, line_starts)


def _line_starts_by_find(text: str, keywords: tuple[str, ...]) -> set[int] | None:
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    line_starts: set[int] = set()
    for word in keywords:
        found = lowered.find(word)
        while found >= 0:
            line_starts.add(lowered.rfind("\n", 0, found) + 1)
            line_end = lowered.find("\n", found)
            if line_end < 0:
                break
            found = lowered.find(word, line_end + 1)  # this line is kept already: go on from the next
    return line_starts


_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"'])")


def sentences(line: str) -> list[str]:
    """Split one line into sentences (keeps abbreviations like 'U.S.' mostly intact)."""
    parts = _SENTENCE_SPLIT_RE.split(line)
    return [p for p in parts if p.strip()]
