"""Relevance and role from title, then description; is_relevant_title for spiders."""

import pytest

from emr_jobs.pipeline.roles import is_relevant_title, normalize_role, title_decision


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


# --- look-alikes: each dropped with the reason an analyst can check -----------------------------
@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("IT Specialist (Health Information Systems)", "it"),
        ("Health Information Systems Analyst", "it"),
        ("Health Information Systems Specialist", "it"),
        ("HIE Analyst", "it"),
        ("Interoperability Engineer", "it"),
        ("Epic Resolute HB Application Analyst", "it"),
        ("Epic Ambulatory Builder", "it"),
        ("EHR Trainer", "it"),
        ("HL7 Interface Analyst - Health Information", "it"),
        ("Information Technology Specialist - Medical Records Systems", "it"),
        ("Registered Nurse - Utilization Review", "clinical"),
        ("Clinical Nurse Reviewer", "clinical"),
        ("Case Manager RN", "clinical"),
        ("Medical Assistant - Chart Prep", "clinical"),
        ("Billing Specialist", "revenue_cycle"),
        ("Patient Financial Services Representative", "revenue_cycle"),
        ("Collections Representative", "revenue_cycle"),
        ("Prior Authorization Coordinator", "revenue_cycle"),
        ("Central Scheduling Specialist", "revenue_cycle"),
        ("Denials Management Specialist", "revenue_cycle"),
        ("Police Records Clerk", "other_records"),
        ("Court Records Specialist", "other_records"),
        ("Student Records Technician", "other_records"),
        ("Sheriff's Office Records Supervisor", "other_records"),
        ("Medical Transcriptionist", "other_occupation"),
        ("Physical Therapist Assistant", "clinical"),
    ],
)
def test_look_alike_titles_are_dropped_with_their_reason(title, reason):
    result = normalize_role(title, "")
    assert (result.relevant, result.reason) == (False, reason)
    assert title_decision(title).reason == reason


@pytest.mark.parametrize(
    ("title", "role"),
    [  # the family's titles that no board search phrase names
        ("Outpatient Coder III", "coding"),
        ("Coding Specialist - Emergency Department", "coding"),
        ("Pro Fee Coding Auditor", "coding"),
        ("Coding Educator", "coding"),
        ("Trauma Registrar", "registry"),
        ("Tumor Registry Abstractor", "registry"),
        ("Chart Completion Technician", "medical_records"),
        ("Document Imaging Specialist", "medical_records"),
        ("Master Patient Index Data Integrity Analyst", "medical_records"),
        ("Disclosure Specialist", "release_of_information"),
        ("CDI Specialist - RN", "cdi"),
        ("Clinical Documentation Specialist (Nurse)", "cdi"),
        ("Medical Billing and Coding Specialist", "coding"),
        ("HIM Operations Manager", "him_leadership"),
    ],
)
def test_family_titles_are_kept(title, role):
    result = normalize_role(title, "")
    assert (result.relevant, result.role, result.reason) == (True, role, None)


@pytest.mark.parametrize(
    ("title", "description", "relevant", "reason"),
    [
        ("Analyst II", "Builds HL7 interfaces for health information exchange; configures the health information "
                       "systems; troubleshoots interfaces.", False, "it"),
        ("Specialist", "Verifies insurance, handles prior authorizations and claims denials and billing.", False,
         "revenue_cycle"),
        ("Specialist", "Greets visitors.", False, "no_signal"),
        ("Warehouse Associate", "", False, "no_signal"),
        ("Specialist", "Scan and index medical records; chart completion and HIM deficiency work.", True, None),
    ],
)
def test_a_vague_title_leaves_it_to_the_description(title, description, relevant, reason):
    result = normalize_role(title, description)
    assert (result.relevant, result.reason) == (relevant, reason)


@pytest.mark.parametrize(
    ("title", "series", "relevant", "reason"),
    [
        ("IT Specialist (Health Information Systems)", ["2210"], False, "occupation_series"),
        ("Health Information Specialist", ["2210"], False, "occupation_series"),
        ("Health Information Management Analyst", ["0301"], False, "occupation_series"),
        ("Medical Records Technician", ["0303"], True, None),  # a records clerk position in the clerical series
        ("Program Support Assistant (HIMS)", ["0303"], True, None),  # the health records office's clerk
        ("Program Support Assistant", ["0303"], False, "occupation_series"),  # 0303 outside health records
        ("Clinical Documentation Improvement Specialist", ["0610"], True, None),  # CDI nurse
        ("Medical Records Technician (Coder)", ["0675"], True, None),
        ("Health Information Specialist", ["0669", "0301"], True, None),  # one series in the family decides
        ("Health Information Specialist", [], True, None),  # no series: the title decides
    ],
)
def test_federal_series_outside_the_family_is_not_relevant(title, series, relevant, reason):
    result = normalize_role(title, "", series)
    assert (result.relevant, result.reason) == (relevant, reason)


# --- a care setting named in the title ("- Skilled Nursing Facility", "at Smith Physicians Group") is not the
# occupation; an EHR/EMR clerk or technician is records work (an EHR analyst or trainer stays IT)
@pytest.mark.parametrize(
    ("title", "relevant", "role"),
    [
        ("Medical Records Clerk - Skilled Nursing Facility", True, "medical_records"),
        ("Health Information Technician, Nursing Home", True, "medical_records"),
        ("HIM Coordinator - Lakeside Nursing and Rehabilitation Center", True, "medical_records"),
        ("Release of Information Specialist (Nursing Center)", True, "release_of_information"),
        ("Medical Records Assistant - Physicians Group", True, "medical_records"),
        ("Records Technician at Valley Physician Practice", True, "medical_records"),
        ("EMR Clerk", True, "medical_records"),
        ("EHR Technician - Family Medicine", True, "medical_records"),
        ("Part-Time EHR Assistant", True, "medical_records"),
        # still clinical or IT
        ("Nursing Assistant - Medical Records Unit", False, None),
        ("Director of Nursing", False, None),
        ("Physician Assistant", False, None),
        ("EHR Analyst", False, None),
        ("EMR Trainer", False, None),
        ("Nursing Home Administrator", False, None),
    ],
)
def test_care_settings_in_titles_and_ehr_clerks(title, relevant, role):
    decision = title_decision(title)
    assert (decision.relevant, decision.role) == (relevant, role)
