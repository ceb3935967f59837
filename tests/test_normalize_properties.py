"""Property tests: no input makes a normalizer or normalize() raise; run() reports bad lines."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emr_jobs.pipeline.certifications import normalize_certifications
from emr_jobs.pipeline.employer_type import normalize_employer_type
from emr_jobs.pipeline.employment_type import normalize_employment_type
from emr_jobs.pipeline.location import normalize_location
from emr_jobs.pipeline.normalize import normalize
from emr_jobs.pipeline.pay import normalize_pay, parse_pay_text
from emr_jobs.pipeline.posting import EMPLOYER_TYPES, EMPLOYMENT_TYPES, PAY_PERIODS, ROLES, WORK_MODES
from emr_jobs.pipeline.roles import is_relevant_title, normalize_role
from emr_jobs.pipeline.text import html_to_text
from emr_jobs.pipeline.work_mode import normalize_work_mode
from emr_jobs.runs.normalize_file import run

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = st.sampled_from(
    ["$", "18.50", "-", "to", "per hour", "K", "remote", "hybrid", "on-site", "RHIT", "CCS-P", "required",
     "preferred", "<p>", "</p>", "&lt;li&gt;", "Hospital", "VA", ", TX", "within 6 months", "eligible",
     "Remote job: No", "Telework eligible: Yes", "\n", "Requirements", "Preferred", "52,000", "annually",
     "sign-on bonus", "Epic certified", "not a remote position", "per diem", "®", "—", "+"]
)
_TEXTISH = st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=40).map(" ".join))
_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _TEXTISH,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
_KEYS = ["title", "employer", "employer_type", "platform", "location", "locations", "description", "pay_text",
         "pay_ranges", "workplace_type", "remote", "telework", "applicant_location_requirements", "employment_type"]
_RAW = st.dictionaries(st.sampled_from(_KEYS), _ANY, max_size=len(_KEYS))


@_SETTINGS
@given(_RAW)
def test_normalize_never_raises_and_uses_vocabularies(raw):
    posting = normalize(raw)
    assert not [d for d in posting.decisions if d.startswith("emr/error/")]
    assert posting.work_mode in WORK_MODES
    assert posting.employer_type in EMPLOYER_TYPES
    assert posting.role is None or posting.role in ROLES
    assert posting.employment_type is None or posting.employment_type in EMPLOYMENT_TYPES
    assert posting.pay is None or posting.pay.pay_period in PAY_PERIODS
    assert posting.state is None or len(posting.state) == 2


@_SETTINGS
@given(_ANY)
def test_normalize_accepts_non_mappings(value):
    normalize(value)


@_SETTINGS
@given(_TEXTISH, _RAW)
def test_field_normalizers_never_raise(text, raw):
    description = html_to_text(text)
    parse_pay_text(text)
    normalize_pay(raw, description)
    normalize_work_mode(raw, description)
    normalize_certifications(description, text)
    normalize_employer_type(raw, description)
    normalize_location(raw, description)
    normalize_employment_type(raw, description)
    normalize_role(text, description)
    is_relevant_title(text)


def test_run_reports_bad_lines_and_goes_on():
    lines = [
        json.dumps({"id": "a", "title": "Medical Records Clerk", "description": "Pay: $18 per hour. On-site."}),
        "not json",
        "[1, 2]",
        json.dumps({"id": "b", "title": "Coder"}),
        json.dumps({"id": "c", "title": "Coder", "description": "   "}),
        "",
        json.dumps({"id": "d", "title": "Coder", "description": "<p>CCS required</p>"}),
    ]
    out = io.StringIO()
    failed = run(io.StringIO("\n".join(lines) + "\n"), out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert failed == 4
    assert [r.get("id") for r in records] == ["a", None, None, "b", "c", "d"]
    assert [r.get("line") for r in records if "error" in r] == [2, 3, 4, 5]
    assert records[0]["pay"] == {"min": 18.0, "max": 18.0, "period": "hour", "currency": "USD"}
    assert records[0]["pay_annual"] == {"min": 37440.0, "max": 37440.0}
    assert records[0]["work_mode"] == "onsite"
    assert records[-1]["certifications"] == {"CCS": "required"}
    assert "missing description" in records[3]["error"]


def test_escaped_greenhouse_html_end_to_end():
    import html

    description = html.escape(
        "<div><p><strong>Requirements:</strong></p><ul><li>RHIT <strong>required</strong></li></ul>"
        "<p><strong>Preferred Qualifications</strong></p><ul><li>CCS</li><li>Epic experience</li></ul>"
        "<p>This is a hybrid role: 2 days a week on-site.</p><p>Pay Range: $22.50&nbsp;-&nbsp;$30.00 per hour</p></div>"
    )
    posting = normalize({
        "title": "HIM Analyst II", "employer": "Mercy Health", "location": "Cincinnati, Ohio, US",
        "description": description, "pay_ranges": [{"min": 0, "max": 0, "interval": None}],
        "workplace_type": "unspecified", "employment_type": "FULL_TIME",
    })
    assert (posting.relevant, posting.role) == (True, "medical_records")
    assert (posting.pay.pay_min, posting.pay.pay_max, posting.pay.pay_period) == (22.5, 30.0, "hour")
    assert posting.work_mode == "hybrid"
    assert {c.code: c.strength for c in posting.certifications} == {"RHIT": "required", "CCS": "preferred"}
    assert (posting.city, posting.state, posting.country) == ("Cincinnati", "OH", "US")
    assert posting.employment_type == "full_time"
    assert "<" not in posting.description_text and "&" not in posting.description_text


_GOOD_POSTING = {
    "title": "Release of Information Specialist", "employer": "Mercy Regional Medical Center",
    "location": "Tulsa, OK", "description": "Pay: $18.50 - $24.00 per hour. RHIT required. This is a remote position.",
}


# (the normalizer the test breaks, its name in decisions, the field, the value normalize() gives instead)
@pytest.mark.parametrize(("function", "name", "field", "fallback"), [
    ("html_to_text", "description", "description_text", ""),
    ("normalize_role", "role", "relevant", False),
    ("normalize_pay", "pay", "pay", None),
    ("normalize_work_mode", "work_mode", "work_mode", "unknown"),
    ("normalize_certifications", "certifications", "certifications", []),
    ("normalize_employer_type", "employer_type", "employer_type", "other"),
    ("normalize_location", "location", "state", None),
    ("normalize_employment_type", "employment_type", "employment_type", None),
    ("normalize_experience", "experience", "experience_years_min", None),
    ("normalize_education", "education", "education_min", None),
    ("normalize_entry_level", "entry_level", "entry_level", None),
    ("normalize_shift", "shift", "shift", None),
])
def test_a_failing_normalizer_gives_its_fallback_and_records_the_error(monkeypatch, function, name, field, fallback):
    import emr_jobs.pipeline.normalize as module

    def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(module, function, broken)
    posting = normalize(_GOOD_POSTING)
    assert getattr(posting, field) == fallback
    assert f"emr/error/{name}" in posting.decisions
    unbroken = [d for d in posting.decisions if d.startswith("emr/error/")]
    assert unbroken == [f"emr/error/{name}"]  # the other normalizers still ran
    assert posting.pay is not None or name in ("pay", "description")
