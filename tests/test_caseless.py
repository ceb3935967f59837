"""Case-insensitive searching made fast (emr_jobs.pipeline.text): a Caseless pattern finds what the same
pattern compiled with re.IGNORECASE finds, at the same spans, on texts holding the characters where
lower-casing and IGNORECASE disagree (dotless i, long s, Kelvin sign, dotted capital I, final sigma);
holds_none and caseless_lines never hide a line a case-insensitive match needs; the keyword index
gives the same lines for ASCII texts (searched as bytes) as for the same words in other texts."""

from __future__ import annotations

import random
import re

import pytest

from emr_jobs.pipeline.text import Caseless, caseless_lines, holds_none, keyword_line_starts, lower_same

# patterns in the shapes the normalizers use: word alternations, look-arounds, anchors, classes
PATTERNS = [
    r"\b(?:remote|work from home|telework)\b",
    r"(differential|sign[- ]?on|bonus|\bplus\b|\+|fee)[^.;\n]{0,45}$",
    r"^\s*(?:usd|cad|dollars)?\s*(?:per|an?|/)\s*(?P<unit>hour|hr\.?|year|yr)\b",
    r"\bentry[- ]level\b(?! (?:salary|pay))|\bno (?:prior )?experience (?:is )?required\b",
    r"\bany (?:u\.?s\.? |us )state\b|\bnationwide\b",
    r"\bkelvin\b|\bsession\b|\bis\b",
]
ALPHABET = list("remotwkfhsnlyiu .-+$\n") + ["ı", "ſ", "K", "İ", "Σ", "REMOTE", "Session", "KELVIN", "No prior",
                                              "experience is required", "entry-level", "any U.S. state"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_caseless_finds_what_ignorecase_finds_at_the_same_spans(pattern):
    folded = re.compile(pattern, re.IGNORECASE)
    caseless = Caseless(pattern)
    for text in _texts(3000, seed=len(pattern)):
        expected = folded.search(text)
        got = caseless.search(text)
        assert (got is None) == (expected is None), text
        if expected is not None:
            assert got.span() == expected.span(), text
            assert caseless.found(text) == expected.group(0)
        expected_at_start = folded.match(text)
        got_at_start = caseless.match(text)
        assert (got_at_start is None) == (expected_at_start is None), text
        if expected_at_start is not None:
            assert got_at_start.span() == expected_at_start.span()


@pytest.mark.parametrize(("text", "lowered"), [
    ("Remote Work", "remote work"),
    ("Kelvin K", "kelvin k"),  # the Kelvin sign lowers to "k", as IGNORECASE reads it
    ("reſidents", None),  # long s: IGNORECASE matches it to "s", lower() keeps it
    ("remote jobs in İzmir", None),  # dotted capital I lowers to two characters
    ("Fıeld", None),  # dotless i
    ("ΟΔΟΣ", "οδος"),
])
def test_lower_same(text, lowered):
    assert lower_same(text) == lowered


@pytest.mark.parametrize("pattern", [r"(?-i:[A-Z])x", r"RHIT", r"\bUSD\b", r"[A-Za-z]"])
def test_a_caseless_pattern_must_be_written_in_lower_case(pattern):
    with pytest.raises(ValueError):
        Caseless(pattern)


@pytest.mark.parametrize("pattern", [r"\S+\s\W\D\B", r"(?P<unit>hour)(?P=unit)", r"\\s"])
def test_escapes_and_group_names_are_not_upper_case_letters(pattern):
    Caseless(pattern)


HINTS = ("anywhere", "nationwide", "any u", "across the")
NATIONWIDE = re.compile(r"\banywhere in the (?:united states|u\.?s\.?a?)\b|\bnationwide\b|\bany u\.?s\.? state\b|"
                        r"\bcandidates across the (?:united states|u\.?s\.?)\b", re.IGNORECASE)


@pytest.mark.parametrize(("text", "none", "lines"), [
    ("Remote.\nOpen to candidates ACROSS THE U.S.\nBenefits", False, "Open to candidates ACROSS THE U.S."),
    ("On-site in Tulsa.\nNo travel.", True, ""),
    ("Work Anywhere in the USA", False, "Work Anywhere in the USA"),
    ("candidates acroſs the US", False, None),  # long s: only a real search can tell
    ("İstanbul\nnationwide", False, None),  # the index cannot read a text whose length lower() changes
    ("Σ team\nnationwide hiring", False, "nationwide hiring"),
    ("", True, ""),
])
def test_holds_none_and_caseless_lines(text, none, lines):
    assert holds_none(text, HINTS) is none
    assert caseless_lines(text, HINTS) == lines
    searched = text if lines is None else lines
    assert bool(NATIONWIDE.search(searched)) == bool(NATIONWIDE.search(text))


@pytest.mark.parametrize("seed", range(3))
def test_keyword_index_reads_ascii_and_unicode_texts_alike(seed):
    rng = random.Random(seed)
    words = ["remote", "home", "rhit", "pay", "$", "€", "-a", " or\n"]
    for _ in range(300):
        lines = ["".join(rng.choice(["Remote", "home", "RHIT", "pay", "$5", "€5", "CPC-A", " or", "x", " "])
                         for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 5))]
        text = "\n".join(lines)
        expected = {text.rfind("\n", 0, i) + 1 for word in words for i in _finds(text.lower(), word)}
        assert keyword_line_starts(text, tuple(words)) == expected  # ASCII: searched as bytes
        wide = "\u2014\n" + text  # the same lines after one more, in a text that is not ASCII
        assert keyword_line_starts(wide, tuple(words)) == {start + 2 for start in expected}


def _finds(text: str, word: str) -> list[int]:
    found, start = [], text.find(word)
    while start >= 0:
        found.append(start)
        start = text.find(word, start + 1)
    return found
