"""The one-pass keyword index (emr_jobs.pipeline.text.keyword_line_starts) gives what one substring search per
keyword gives: lines_containing, Structure.lines_with and job_lines_containing against a plain
line-by-line reference, on layouts and Unicode that change offsets; and unescaping of text holding
&#x27; (html.escape's apostrophe), whose plain-replacement path must equal html.unescape."""

from __future__ import annotations

import html

import pytest

from emr_jobs.pipeline.sections import job_lines_containing, job_text, structure
from emr_jobs.pipeline.text import keyword_line_starts, lines_containing, unescape_until_stable


def _reference_lines(text: str, keywords: tuple[str, ...]) -> str:
    return "\n".join(line for line in text.split("\n") if any(word in line.lower() for word in keywords))


TEXTS = [
    "Pay: $21.00 per hour\nDuties\n- Code charts\n\nRequirements\n- RHIT required",
    "REMOTE position\nWork From Home after training\nOn-site orientation",
    "no newline at all, remote or hybrid",
    "\n\nleading blank lines\nthen Remote\n\n",
    "İstanbul office (İ lower-cases to two characters)\nRemote job: Yes",
    "Σ final sigma ΟΔΟΣ\nhome based",
    "About us\nWe are a hospital. Remote options exist for other teams.\n\nResponsibilities\n- Work from home",
    "Required\n•\nRHIT\nOR\nThree years of experience\nEqual Opportunity Employer, remote friendly",
    "part-time\nPart time\nPRN\ncontract-to-hire\n",
    "",
]
KEYWORDS = [
    ("remote", "home"),
    ("$", "pay", "salar"),
    ("experienc", "year"),
    ("part-time", "part time", "prn", "contract"),
    ("rhit", "ccs"),
    ("ı", "i̇"),  # dotless i, and the i + combining dot that "İ" lower-cases to
    ("opportunit", "eeo"),
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("keywords", KEYWORDS)
def test_lines_containing_matches_line_by_line_search(text, keywords):
    assert lines_containing(text, keywords) == _reference_lines(text, keywords)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("keywords", KEYWORDS)
def test_structure_lines_with_matches_line_by_line_search(text, keywords):
    parsed = structure(text)
    expected = [i for i, line in enumerate(parsed.lines) if any(word in line.lower() for word in keywords)]
    assert parsed.lines_with(keywords) == expected


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("keywords", KEYWORDS)
def test_job_lines_containing_reads_only_the_job_text(text, keywords):
    assert job_lines_containing(text, keywords) == _reference_lines(job_text(text), keywords)


@pytest.mark.parametrize(
    ("text", "keywords", "cased", "expected"),
    [
        ("RHIT required\nrhit in lower case", ("RHIT",), True, {0}),
        ("RHIT required\nrhit in lower case", ("rhit",), False, {0, 14}),
        ("a\nCPC-A or CCS-P\nCPC", ("CPC", "CCS"), True, {2, 17}),
        ("line one\nline two", ("absent",), False, set()),
        ("İ changes the length", ("i",), False, None),  # the index cannot answer: callers fall back
        ("any text", ("",), False, None),  # an empty keyword is never indexed
        ("word or\nnext", (" or\n",), False, {0}),  # a keyword across a newline: the line it starts on
    ],
)
def test_keyword_line_starts(text, keywords, cased, expected):
    assert keyword_line_starts(text, keywords, cased=cased) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Don&#x27;t miss &amp;lt;b&amp;gt;",
        "&lt;p&gt;It&#x27;s &quot;remote&quot;&lt;/p&gt;",
        "AT&T &#x27;s plan &amp",  # a bare & and a bare &amp: html.unescape decides
        "&#x27;&nbsp;&#x27;",
        "&#X27; upper-case hex",
        "&#x27&#x27; without a semicolon",
    ],
)
def test_unescape_fast_path_equals_html_unescape(raw):
    expected = raw
    for _ in range(4):  # the same bounded rounds, each one html.unescape
        decoded = html.unescape(expected)
        if decoded == expected:
            break
        expected = decoded
    assert unescape_until_stable(raw) == expected
