"""Relevance and role from title, then description; is_relevant_title for spiders."""

import pytest

from pipeline.roles import is_relevant_title, normalize_role


@pytest.mark.parametrize(
    ("title", "relevant", "role"),
    [
        ("Medical Records Clerk", True, "medical_records"),
        ("EHR Specialist", True, "medical_records"),
        ("Scanning and Indexing Specialist", True, "medical_records"),
        ("Health Information Technician II", True, "medical_records"),
        ("Lead Medical Records Technician", True, "medical_records"),
        ("Release of Information Specialist - Remote", True, "release_of_information"),
        ("ROI Coordinator", True, "release_of_information"),
        ("Inpatient Coder", True, "coding"),
        ("Medical Records Technician (Coder-Inpatient)", True, "coding"),
        ("Medical Billing and Coding Specialist", True, "coding"),
        ("Clinical Documentation Integrity Specialist", True, "cdi"),
        ("RN Clinical Documentation Specialist", True, "cdi"),
        ("Cancer Registrar", True, "registry"),
        ("Oncology Data Specialist (Cancer Registrar)", True, "registry"),
        ("HIM Manager", True, "him_leadership"),
        ("Director, Health Information Management", True, "him_leadership"),
        ("Medical Records Supervisor", True, "him_leadership"),
        ("Coding Manager", True, "him_leadership"),
        ("Registered Nurse - ICU", False, None),
        ("Licensed Practical Nurse", False, None),
        ("Medical Biller", False, None),
        ("Collections Specialist", False, None),
        ("Patient Access Scheduler", False, None),
        ("Prior Authorization Specialist", False, None),
        ("Referral Coordinator", False, None),
        ("Epic HIM Analyst", False, None),
        ("Application Analyst - Epic Resolute", False, None),
        ("Health Information Exchange Analyst", False, None),
        ("Interoperability Analyst - HIM", False, None),
        ("Implementation Specialist - HIM", False, None),
        ("HIM Implementation Manager", False, None),
        ("Patient Registrar", False, None),
        ("Admitting Registrar", False, None),
        ("Software Engineer - Coding Platform", False, None),
        ("Title Abstractor", False, None),
        ("University Registrar", False, None),
        ("Pharmacy Technician", False, None),
        ("Health Unit Coordinator", False, None),
        ("HIM Specialist", True, "medical_records"),
        ("Coding Quality Auditor", True, "coding"),
        ("Supervisory Medical Records Administration Specialist", True, "him_leadership"),
        ("Supervisory Medical Records Technician (Coder)", True, "him_leadership"),
    ],
)
def test_title(title, relevant, role):
    result = normalize_role(title, "")
    assert (result.relevant, result.role) == (relevant, role)


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Medical Records Clerk", True), ("Registered Nurse", False), ("Specialist II", None), ("Registrar", None)],
)
def test_is_relevant_title(title, expected):
    assert is_relevant_title(title) is expected


def test_description_decides_when_title_is_vague():
    text = "Process release of information requests. Handle ROI for the hospital. Release of information log."
    result = normalize_role("Specialist II", text)
    assert (result.relevant, result.role) == (True, "release_of_information")


def test_vague_title_and_no_description_is_not_relevant():
    assert normalize_role("Specialist II", "Greets visitors.").relevant is False


@pytest.mark.parametrize(
    ("title", "description", "relevant"),
    [
        # a records title with no health word, in a posting about police or court records: another occupation
        ("Records Clerk", "Processes police reports and citations; enters warrants into the records system.", False),
        ("Records Technician", "Maintains court case files and dockets for the district court.", False),
        # ... but not when the posting is about patients' records
        ("Records Clerk", "Files patient charts and processes police requests for medical records.", True),
        ("Records Clerk", "Scans loose documents for the hospital.", True),
    ],
)
def test_generic_records_title_reads_the_description(title, description, relevant):
    assert normalize_role(title, description).relevant is relevant
