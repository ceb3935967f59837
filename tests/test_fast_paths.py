"""The normalizers' fast paths read text exactly as the slow forms they replace (README "Normalizer
speed"): HTML to text with plain tags replaced by str.replace, whitespace clean-up with its newline
rules tried in one pass, EEO lines searched only on lines holding a word of the pattern, the job
text's left-out lines built once, holds_keyword(), and credential text preparation asking the
structure's keyword index. Each is checked against the slow form, written
out here, on tricky cases and on seeded random texts."""

from __future__ import annotations

import html
import random

import pytest

from emr_jobs.pipeline import certifications, sections, text
from emr_jobs.pipeline.sections import BOILERPLATE, Structure
from emr_jobs.pipeline.text import clean_whitespace, holds_keyword, html_to_text, keyword_line_starts


def _slow_clean_whitespace(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    for blank in text._UNICODE_BLANKS:
        value = value.replace(blank, "\n" if blank in text._LINE_BREAKS else " ")
    while "  " in value:
        value = value.replace("  ", " ")
    value = value.replace(" \n", "\n").replace("\n ", "\n")
    while "\n\n\n" in value:
        value = value.replace("\n\n\n", "\n\n")
    return value.strip("\n ")


def _slow_html_to_text(value: str) -> str:
    """html_to_text as a chain of every pattern, none skipped or replaced by a plain form."""
    value = text.unescape_until_stable(value[: text._MAX_INPUT_CHARS])
    if text._TAG_HINT_RE.search(value):
        value = text._COMMENT_RE.sub(" ", value)
        value = text._DROP_BLOCK_RE.sub("\n", value)
        if "<t" in value or "<T" in value:
            value = text._CELL_GAP_RE.sub(" | ", value)
        value = text._LI_RE.sub("\n- ", value)
        value = text._LI_CLOSE_RE.sub("", value)
        value = text._BLOCK_TAG_RE.sub("\n", value)
        value = text._emphasis_to_text(value)
        value = text._ANY_TAG_RE.sub(" ", value)
        if "&" in value:
            value = html.unescape(value)
    return _slow_clean_whitespace(value)


HTML_CASES = [
    "<p>Coder</p><p>RHIT required</p>",
    "<ul><li>RHIT</li><li>CCS preferred</li></ul>",
    "<P>Upper-case tags</P><BR><LI>item</LI>",
    '<p class="x">Attributes</p><div id="a">block</div><br/>next<br />last',
    "<p>a < b and <li>item</li></p>",  # a stray '<' before a tag
    "<p>5 < 6</p><p>7 > 3</p>",
    "<!-- <p>hidden</p> --><p>shown</p>",
    "<script>var x = '<li>';</script><p>after</p>",
    "<ſcript>long s</ſcript><p>x</p>",
    "<style>p { color: red }</style><li>styled</li>",
    "<table><tr><td>Pay</td><td>$20</td></tr></table><p>end</p>",
    "<p><strong>Required:</strong></p><ul><li>RHIT</li></ul>",
    "<li><b>CCS</b> preferred</li><li><em>nested <u>tags</u></em></li>",
    "&lt;p&gt;escaped&lt;/p&gt;&lt;li&gt;item &amp;amp; more&lt;/li&gt;",
    "<p>a</p>\n\n\n<p>b</p>   <p> c </p>",
    "<div title='<p>'>attribute holding a tag</div>",
    "<br>< li>spaced</li ><p >spaced p</p >",
    "<li>one<li>two</li></li><ol><li>three</ol>",
    "<p>\u00a0NBSP\u2003em space\u2028line sep</p>",
    "<<li>>double</li>>",
    "</li><li>",
    "<p></p><p></p><p>only</p>",
    "<h2>Heading</h2><p>text &nbsp; here</p>",
    "<TABLE><TR><TD>Upper</TD><TD>cells</TD></TR></TABLE>",
    "<p>no rare tag</p><!---->",
    "<th>Shift</th><th>Pay</th><NOSCRIPT>gone</NOSCRIPT><Head>x</Head>",
    "<p>one</p><p>two</p><p></p><p> three </p><p>",  # paragraphs back to back
    "<li>a</li></p><p><li>b</li></p><P><p>c</P></p>",
    "</p><p></p><p>< p>x</p ><p>",
    " <p> lead and trail </p> ",
]


@pytest.mark.parametrize("raw", HTML_CASES)
def test_html_to_text_matches_the_pattern_chain(raw):
    assert html_to_text(raw) == _slow_html_to_text(raw)


HTML_PIECES = ["<p>", "</p>", "<li>", "</li>", "<br>", "<br/>", "<br />", "<ul>", "</ul>", "<div>", "</div>", "<P>",
               "<LI>", "<b>", "</b>", "<strong>", "</strong>", "<td>", "</td>", "<tr>", "<!--", "-->", "<script>",
               "</script>", "</TD>", "<TH>", "<!", "<T", "<head>", "</head>", "<", ">", " < ", "&lt;", "&gt;", "&amp;", "&nbsp;", " ", "  ", "\n", "\n\n\n", "\t", "\xa0",
               "RHIT", "Required:", "- ", "•", "or", "Coder II", "$25/hr", "ſ"]


@pytest.mark.parametrize("seed", range(4))
def test_html_to_text_matches_the_pattern_chain_on_random_markup(seed):
    rng = random.Random(seed)
    for _ in range(400):
        raw = "".join(rng.choice(HTML_PIECES) for _ in range(rng.randint(0, 30)))
        assert html_to_text(raw) == _slow_html_to_text(raw), raw


@pytest.mark.parametrize("seed", range(3))
def test_clean_whitespace_matches_the_slow_rules(seed):
    rng = random.Random(seed)
    pieces = [" ", "  ", "\n", "\n\n", "\n\n\n", " \n", "\n ", "\t", "\r\n", "\u200b", "\xa0", "\u2028", "a", "bc", "-",
              " \n \n ", "\n \n"]
    for _ in range(2000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert clean_whitespace(value) == _slow_clean_whitespace(value), repr(value)


EEO_TEXTS = [
    "Coder\nWe are an Equal Opportunity Employer.\nRHIT required",
    "Requirements:\n- RHIT\nEEO/AA employer; E-Verify participant.\nProtected veterans are encouraged.",
    "Duties\n- Code records\nWe provide reasonable accommodation to applicants.\nDrug-free workplace",
    "Qualified applicants are considered without regard to race, color or religion.\nregardless of race",
    "An opportunity to grow. Our equal pay policy.\nAffirmative action employer",
    "Nothing to see here\nopportunities abound",  # a hint, no statement
    "The protected health information you handle\nequal  opportunity",
]


@pytest.mark.parametrize("value", EEO_TEXTS)
def test_eeo_lines_match_a_search_of_the_whole_text(value):
    parsed = Structure(value)
    whole = frozenset(parsed.line_at(match.start()) for match in sections._EEO_LINE_RE.finditer(parsed.lowered))
    expected = whole if any(hint in parsed.lowered for hint in sections._EEO_HINTS) else frozenset()
    assert parsed.eeo == expected


LAYOUTS = [
    "About us\nWe are a hospital.\nResponsibilities\n- Code records\nBenefits\n- 401(k)\nWork location: On-site\n"
    "Equal Opportunity Employer",
    "Coder\nRequirements:\n- RHIT\nEEO statement: we are an equal opportunity employer\nPreferred:\n- CCS",
    "Why join us\nGreat culture\nThis role is remote.\nQualifications\n- CPC\nAbout the company\nFounded in 1901",
    "Just one line",
    "Benefits:\nHealth insurance\nEqual Opportunity Employer\nDuties:\nScan records",
]


def _slow_in_job_text(parsed: Structure, index: int) -> bool:
    if not parsed._has_boilerplate or index in parsed.job_lines:
        return True
    return parsed.section_of(index)[1] not in BOILERPLATE and (index not in parsed.eeo or index in parsed.headings)


@pytest.mark.parametrize("value", LAYOUTS)
def test_left_out_lines_are_those_job_text_drops(value):
    parsed = Structure(value)
    expected = {i for i in range(len(parsed.lines)) if not _slow_in_job_text(parsed, i)}
    assert parsed.left_out() == expected
    kept = [line for i, line in enumerate(parsed.lines) if i not in expected and line]
    assert [line for line in parsed.job_text().split("\n") if line] == kept


@pytest.mark.parametrize(("value", "keywords", "cased", "expected"), [
    ("RHIT required\nremote work", ("remote",), False, True),
    ("RHIT required\nremote work", ("hybrid", "on-site"), False, False),
    ("rhit required", ("RHIT",), True, False),
    ("RHIT required", ("RHIT", "CCS"), True, True),
    ("", ("remote",), False, False),
    ("İstanbul remote", ("remote",), False, None),  # lower-casing changes the length: the index cannot tell
])
def test_holds_keyword(value, keywords, cased, expected):
    assert holds_keyword(value, keywords, cased=cased) is expected
    starts = keyword_line_starts(value, keywords, cased=cased)
    assert (None if starts is None else bool(starts)) is expected


def _slow_prepare(value: str) -> str:
    """certifications._prepare with every question asked of the text itself by substring search."""
    if any(mark in value for mark in certifications._MARK_CHARS):
        value = certifications._MARKS_RE.sub("", value)
    if any(hint in value for hint in certifications._DOT_HINTS) and (
            ".H.I" in value or certifications._DOTTED_HINT_RE.search(value)):
        value = certifications._DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), value)
    return value


PREPARE_CASES = [
    "Requirements\nC.\nU.S. work authorization",  # the only "C." is a lettered line the layout join empties
    "Requirements\n•\nR.H.I.T. required",
    "Requirements\nC.\nRHIT® or\n- C.C.S. required",
    "A.\nB.\nC.\nU.S.A. based team",
    "RHIT(R) credential\n-\nU.S. citizens",
    "C.\nCCS™ required",
    "no marks and no dots here",
    "U.S. only\nC.C.S.-P preferred",
]


@pytest.mark.parametrize("value", PREPARE_CASES)
def test_credential_text_preparation_matches_substring_search(value):
    assert certifications._prepare(value) == _slow_prepare(value)


PREPARE_PIECES = ["C.", "A.", "1.", "•", "-", "U.S.", "R.H.I.T.", "C.C.S.", "RHIT", "®", "(R)", "™", " or", "or ",
                  "\n", "\n", "\n", " ", "Required:", "- "]


@pytest.mark.parametrize("seed", range(3))
def test_credential_text_preparation_matches_substring_search_on_random_layouts(seed):
    rng = random.Random(seed)
    for _ in range(300):
        value = "".join(rng.choice(PREPARE_PIECES) for _ in range(rng.randint(0, 25)))
        assert certifications._prepare(value) == _slow_prepare(value), value
