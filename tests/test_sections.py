"""Text structure: headings, lone bullets, items split across lines, boilerplate kinds."""

import pytest

from emr_jobs.pipeline.sections import BOILERPLATE, heading_kind, job_text, parse_blocks
from emr_jobs.pipeline.text import html_to_text


def _items(text: str) -> list[tuple[str, str]]:
    return [(b.text, b.kind) for b in parse_blocks(text) if not b.is_heading]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Required", "required"),
        ("Minimum Qualifications:", "required"),
        ("Desired", "preferred"),
        ("Preferred Qualifications", "preferred"),
        ("What You'll Do", "duties"),
        ("About the Role", "duties"),
        ("About Us", "about"),
        ("Our History", "about"),
        ("Benefits", "benefits"),
        ("What We Offer", "benefits"),
        ("Equal Opportunity Employer", "eeo"),
        ("EEO Statement:", "eeo"),
        ("Benefits and qualifications", "required"),
        ("Location:", "other"),
    ],
)
def test_heading_kind(heading, kind):
    assert heading_kind(heading) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a lone bullet joins the item after it; the item is not a heading
        ("Desired\n•\nRHIA", [("- RHIA", "preferred")]),
        ("Required\n\u25cf\nCPC\n\u25cf\nCCS", [("- CPC", "required"), ("- CCS", "required")]),
        ("Preferred:\n2.\nCDIP credential", [("- CDIP credential", "preferred")]),
        # a short item with a code stays under its heading
        ("Preferred\nCCS Certification\nEpic certified", [("CCS Certification", "preferred"),
                                                          ("Epic certified", "preferred")]),
        # "OR" between two items makes one alternative
        ("Qualifications\n- RHIT, or\n- two years of ROI experience",
         [("- RHIT or two years of ROI experience", "required")]),
        ("Qualifications\n- CPC\nOR\n- three years of coding experience",
         [("- CPC or three years of coding experience", "required")]),
        ("Requirements\n- CCA\n- or one year of coding experience",
         [("- CCA or one year of coding experience", "required")]),
        # equal-opportunity lines are boilerplate wherever they are
        ("Requirements\n- RHIT\nWe are an equal opportunity employer and value diversity.",
         [("- RHIT", "required"), ("We are an equal opportunity employer and value diversity.", "eeo")]),
        ("No heading here.", [("No heading here.", "none")]),
    ],
)
def test_blocks(text, expected):
    assert _items(text) == expected


def test_html_bullets_and_table_rows():
    text = html_to_text("<p><strong>Desired</strong></p><p>&bull;</p><p>CCS</p>"
                        "<table><tr><td>RHIT</td><td>Required</td></tr></table>")
    assert _items(text) == [("- CCS", "preferred"), ("RHIT | Required", "preferred")]


def test_job_text_drops_boilerplate():
    text = ("About Us\nFounded in 1890, we opened the first remote clinic.\nResponsibilities\n- Code charts\n"
            "Benefits\n- Work from home options for many teams\nEqual Opportunity\nWe do not discriminate.")
    assert job_text(text) == "Responsibilities\n- Code charts"
    assert {"about", "benefits", "eeo"} <= BOILERPLATE
