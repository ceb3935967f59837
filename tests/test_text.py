"""HTML to text, entity unescaping, and the headings sections.py finds in the text."""

import pytest

from emr_jobs.pipeline.sections import parse_blocks, structure
from emr_jobs.pipeline.text import html_to_text, unescape_until_stable


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Plain text", "Plain text"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;", "One\n\nTwo"),
        ("&amp;lt;p&amp;gt;Double&amp;lt;/p&amp;gt;", "Double"),
        ("<ul><li>RHIT required</li><li>CCS preferred</li></ul>", "- RHIT required\n- CCS preferred"),
        ("Line<br>break<br/>here", "Line\nbreak\nhere"),
        ("<h3>Requirements</h3>RHIT", "Requirements\nRHIT"),
        ("<p><strong>Preferred:</strong></p><p>CCS</p>", "Preferred:\n\nCCS"),
        ("<p><strong>Required</strong> CCS</p>", "Required\nCCS"),
        ("<p>RHIT is <strong>required</strong> here</p>", "RHIT is required here"),
        ("a&nbsp;&nbsp;b", "a b"),
        ("<script>var x = 1;</script><p>Text</p>", "Text"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
        (None, ""),
        (12, ""),
        ("\n\n\n  spaced   out  \n\n\n\nend", "spaced out\n\nend"),
    ],
)
def test_html_to_text(raw, expected):
    assert html_to_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("&amp;amp;amp;", "&"), ("no entities", "no entities"), ("&lt;b&gt;", "<b>")],
)
def test_unescape_until_stable(raw, expected):
    assert unescape_until_stable(raw) == expected


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Requirements", "required"),
        ("Preferred Qualifications:", "preferred"),
        ("Minimum qualifications", "required"),
        ("Desired", "preferred"),
        ("Responsibilities", "duties"),
        ("Nice to have", "preferred"),
        ("- RHIT required", None),
        ("This is a full sentence that ends with a period.", None),
        ("Pay: $17.00 per hour", None),
    ],
)
def test_headings(line, kind):
    parsed = structure(f"{line}\nnext line")
    assert parsed.headings.get(0) == kind


def test_lines_carry_their_section():
    blocks = parse_blocks("Required\n- RHIT\nPreferred\n- CCS")
    assert [(block.text, block.kind) for block in blocks if not block.is_heading] == [
        ("- RHIT", "required"),
        ("- CCS", "preferred"),
    ]
