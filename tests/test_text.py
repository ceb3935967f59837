"""HTML to text, entity unescaping and section detection."""

import pytest

from pipeline.text import header_kind, html_to_text, is_header, lines_with_sections, unescape_until_stable


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
    ("line", "header", "kind"),
    [
        ("Requirements", True, "required"),
        ("Preferred Qualifications:", True, "preferred"),
        ("Minimum qualifications", True, "required"),
        ("Desired", True, "preferred"),
        ("Responsibilities", True, "duties"),
        ("Nice to have", True, "preferred"),
        ("- RHIT required", False, None),
        ("This is a full sentence that ends with a period.", False, None),
        ("Pay: $17.00 per hour", False, None),
    ],
)
def test_headers(line, header, kind):
    assert is_header(line) is header
    if header:
        assert header_kind(line) == kind


def test_lines_carry_their_section():
    lines = lines_with_sections("Required\n- RHIT\nPreferred\n- CCS")
    assert [(line.text, line.section_kind) for line in lines if not line.text[0].isalpha()] == [
        ("- RHIT", "required"),
        ("- CCS", "preferred"),
    ]
