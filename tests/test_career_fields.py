"""The career fields of issue 11: experience years, education, entry level, schedule and shift.
Each is a pure normalizer (text in, value and evidence out); examples written for these tests."""

import pytest

from emr_jobs.pipeline.education import normalize_education
from emr_jobs.pipeline.employment_type import normalize_employment_type, schedule_of
from emr_jobs.pipeline.entry_level import normalize_entry_level
from emr_jobs.pipeline.experience import normalize_experience
from emr_jobs.pipeline.normalize import normalize
from emr_jobs.pipeline.posting import CertMention
from emr_jobs.pipeline.shift import normalize_shift


@pytest.mark.parametrize(
    ("text", "years_min", "years_max", "evidence_part"),
    [
        ("Requirements\n- 1-2 years of experience in a medical office", 1, 2, "1-2 years"),
        ("One year of specialized experience equivalent to at least the next lower grade level (GS-5).", 1, None,
         "One year of specialized experience"),
        ("- 3+ years' inpatient coding experience", 3, None, "3+ years"),
        ("Minimum of two (2) years of release of information experience", 2, None, "two (2) years"),
        ("At least six months of clerical experience in a clinic", 0.5, None, "six months"),
        ("No prior experience required; we will train.", 0, None, "No prior experience required"),
        ("Experience: 2 years required", 2, None, "Experience: 2 years"),
        ("2 to 4 yrs experience as a cancer registrar", 2, 4, "2 to 4 yrs"),
        ("5 years of CDI experience preferred; 3 years of coding experience required", 3, None, "3 years"),
        ("at least 1 year working as a medical records clerk", 1, None, "1 year working"),
        ("2 years in a hospital HIM department", 2, None, "2 years in a hospital"),
        # not experience
        ("CPC must be earned within 2 years of hire", None, None, None),
        ("About Us\nWe have served the valley for over 100 years of experience in care.", None, None, None),
        ("Founded 25 years ago, our clinic serves the county.", None, None, None),
        ("Benefits\n- Tuition help after 1 year of employment experience", None, None, None),
        ("Must be at least 18 years of age.", None, None, None),
        ("Thirty years of experience leading HIM departments makes our director unique.", None, None, None),
        ("", None, None, None),
    ],
)
def test_experience_years(text, years_min, years_max, evidence_part):
    result = normalize_experience(text)
    assert (result.years_min, result.years_max) == (years_min, years_max)
    if evidence_part:
        assert evidence_part in result.evidence
    else:
        assert result.evidence is None


@pytest.mark.parametrize(
    ("text", "level", "or_equivalent"),
    [
        ("High school diploma or GED required", "high_school", False),
        ("Associate degree in HIM or bachelor's degree in a related field", "associate", False),
        ("Minimum Qualifications\n- High school diploma or GED\n- Associate degree in HIM", "associate", False),
        ("Bachelor's degree in health information management or equivalent experience", "bachelor", True),
        ("Bachelor's degree or an equivalent combination of education and experience", "bachelor", True),
        ("Completion of an AAPC-approved coding program", "certificate", False),
        ("Graduate of a medical coding certificate program", "certificate", False),
        ("Master's degree in health informatics required", "master", False),
        ("No degree required.", "none", False),
        ("Education: High School Diploma/GED", "high_school", False),
        ("High school diploma required; associate degree preferred", "high_school", False),
        # preferred only, master patient index, tuition benefits: not a minimum
        ("Associate's degree preferred", None, None),
        ("Maintain the master patient index and merge duplicates", None, None),
        ("Benefits\n- Tuition help toward a bachelor's degree", None, None),
        ("Answer phones and file charts.", None, None),
    ],
)
def test_education_min(text, level, or_equivalent):
    result = normalize_education(text)
    assert result.education_min == level
    assert result.or_equivalent_experience is or_equivalent
    assert (result.evidence is None) == (level is None)


@pytest.mark.parametrize(
    ("text", "certs", "expected"),
    [
        ("Entry-level coder position; training provided.", (), True),
        ("No experience required.", (), True),
        ("New graduates of a coding program are welcome to apply.", (), True),
        ("Requirements\n- 0-1 years of experience", (), True),
        ("CPC-A welcome.", (), True),
        ("CCA or CPC", (CertMention("CCA", "required", "CCA or CPC"),), True),
        ("RHIT or RHIT eligible", (CertMention("RHIT", "obtain_after_hire", "RHIT or RHIT eligible"),), True),
        ("This is not an entry-level position.", (), False),
        ("Two years of coding experience required", (), False),
        ("CPC-A accepted with at least 2 years of coding experience required", (), False),
        ("Medical records experience required.", (), False),
        ("Must have prior coding experience.", (), False),
        ("Two years of experience preferred.", (), None),
        ("Scan and index documents.", (), None),
        ("Equal Opportunity\nWe welcome new graduates and veterans under our EEO policy.", (), None),
    ],
)
def test_entry_level(text, certs, expected):
    result = normalize_entry_level(text, None, certs)
    assert result.entry_level is expected
    assert (result.evidence is None) == (expected is None)


@pytest.mark.parametrize(
    ("raw", "text", "expected"),
    [
        ({}, "Shift: Nights", "night"),
        ({}, "Work Shift: Day (United States of America)", "day"),
        ({}, "This is a day shift position, Monday to Friday.", "day"),
        ({}, "Evening shift, 3 pm to 11:30 pm", "evening"),
        ({}, "Weekends only", "weekend"),
        ({}, "Rotating shifts including holidays", "rotating"),
        ({}, "Third shift coder", "night"),
        ({"shift": "Evening"}, "", "evening"),
        ({}, "Night shift differential of $2 an hour", None),
        ({}, "Benefits\n- Night shift premium", None),
        ({}, "Shift work is not required.", None),
        ({}, "Monday through Friday", None),
        # "shift" in any case, " only" and "chedule" as written (a long line: no status items)
        ({}, "SHIFT: NIGHTS", "night"),
        ({}, "We need coders for weekends only at the clinic, 8am to 4pm, in our main office building downtown.", "weekend"),
        ({}, "We need coders for WEEKENDS ONLY at the clinic, 8am to 4pm, in our main office building downtown.", None),
        ({}, "Coders follow a day schedule at the clinic, 8am to 4pm, in our main office building downtown.", "day"),
        ({}, "Coders follow a DAY SCHEDULE at the clinic, 8am to 4pm, in our main office building downtown.", None),
    ],
)
def test_shift(raw, text, expected):
    assert normalize_shift(raw, text).shift == expected


@pytest.mark.parametrize(
    ("raw", "text", "schedule"),
    [
        ({"employment_type": "FULL_TIME"}, "", "full_time"),
        ({"employment_type": "Part-time"}, "", "part_time"),
        ({"title": "Per Diem Coder"}, "", "per_diem"),
        ({"title": "Contract Cancer Registrar"}, "", "contract"),
        ({"title": "Temporary Scanning Clerk"}, "", "temporary"),
        ({}, "This is a part-time role of 20 hours a week.", "part_time"),
        ({"title": "HIM Intern"}, "", None),  # an internship is not a schedule
        # boilerplate about other staff's benefits does not set this job's schedule
        ({}, "Benefits\n- Full-time employees get medical and dental", None),
        ({}, "Answer phones.", None),
    ],
)
def test_schedule(raw, text, schedule):
    assert schedule_of(normalize_employment_type(raw, text))[0] == schedule


def test_normalize_carries_the_career_fields_with_evidence():
    posting = normalize({
        "title": "Coding Specialist I", "employer": "Mercy Valley Hospital", "location": "Joplin, MO",
        "employment_type": "Full-time",
        "description": "Requirements\n- High school diploma or GED\n- 1-2 years of coding experience\n"
                       "- CPC or CPC-A\nShift: Days",
    })
    assert (posting.experience_years_min, posting.experience_years_max) == (1, 2)
    assert (posting.education_min, posting.education_or_equivalent) == ("high_school", False)
    assert posting.entry_level is False  # a year of experience is required, CPC-A or not
    assert (posting.schedule, posting.shift) == ("full_time", "day")
    assert posting.evidence["experience"] == "1-2 years of coding experience"
    assert posting.evidence["education"] == "- High school diploma or GED"
    assert posting.evidence["shift"] == "Shift: Days"
    assert posting.evidence["schedule"] == "Full-time"


def test_normalize_command_emits_the_career_fields():
    import io
    import json

    from emr_jobs.runs.normalize_file import run

    line = json.dumps({"id": "c-1", "title": "Release of Information Specialist", "employer": "", "location": "Remote",
                       "description": "Part-time role. Entry-level: no experience required. High school diploma "
                                      "or equivalent experience. Evening shift."})
    out = io.StringIO()
    assert run(io.StringIO(line + "\n"), out) == 0
    record = json.loads(out.getvalue())
    assert {key: record[key] for key in ("experience_years_min", "experience_years_max", "education_min",
                                         "education_or_equivalent", "entry_level", "schedule", "shift")} == {
        "experience_years_min": 0.0, "experience_years_max": None, "education_min": "high_school",
        "education_or_equivalent": True, "entry_level": True, "schedule": "part_time", "shift": "evening"}
    assert record["evidence"]["entry_level"] == "Entry-level"


# Issue 11: `emr-jobs normalize` gives each credential its evidence (certification_evidence), beside the
# code -> strength map. (description, {code: (strength, evidence, extra keys)})
@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Requirements:\nCCS required", {"CCS": ("required", "CCS required", {})}),
        ("Preferred:\n- CDIP", {"CDIP": ("preferred", "- CDIP", {})}),
        ("CPC within 12 months of hire", {"CPC": ("obtain_after_hire", "CPC within 12 months of hire",
                                                  {"within_months": 12})}),
        ("RHIT or RHIA required", {"RHIT": ("required", "RHIT or RHIA required", {"any_of": ["RHIA"]}),
                                   "RHIA": ("required", "RHIT or RHIA required", {"any_of": ["RHIT"]})}),
        ("RHIT eligible", {"RHIT": ("obtain_after_hire", "RHIT eligible", {})}),
        ("Benefits include tuition reimbursement for RHIT.", {}),
        ("Must have: CPC. Nice to have: CRC.", {"CPC": ("required", "Must have: CPC.", {}),
                                               "CRC": ("preferred", "Nice to have: CRC.", {})}),
        ("Certified Tumor Registrar (CTR) required for this cancer registry role.",
         {"CTR": ("required", "Certified Tumor Registrar (CTR) required for this cancer registry role.", {})}),
        ("Qualifications\nCPC-A or CPC", {"CPC": ("required", "CPC-A or CPC", {})}),
        ("Epic certification preferred", {"EPIC": ("preferred", "Epic certification preferred", {})}),
        ("CCS, CPC or RHIT; CPMA a plus", {"CCS": ("required", "CCS, CPC or RHIT", {"any_of": ["CPC", "RHIT"]}),
                                          "CPC": ("required", "CCS, CPC or RHIT", {"any_of": ["CCS", "RHIT"]}),
                                          "RHIT": ("required", "CCS, CPC or RHIT", {"any_of": ["CCS", "CPC"]}),
                                          "CPMA": ("preferred", "CPMA a plus", {})}),
    ],
)
def test_normalize_command_gives_each_certification_its_evidence(description, expected):
    import io
    import json

    from emr_jobs.runs.normalize_file import run

    line = json.dumps({"id": "e-1", "title": "Medical Coder", "employer": "", "location": "", "description": description})
    out = io.StringIO()
    assert run(io.StringIO(line + "\n"), out) == 0
    record = json.loads(out.getvalue())
    assert record["certifications"] == {code: strength for code, (strength, _, _) in expected.items()}
    assert record["certification_evidence"] == {
        code: {"strength": strength, "evidence": evidence, **extra} for code, (strength, evidence, extra) in expected.items()}


# Issue 11, precision class: schedule and shift in short status phrases (per diem, PRN, weekends, evenings,
# nights), from the description alone. Examples written for these tests.
# (title, description, schedule, shift, a piece of the shift evidence or None)
@pytest.mark.parametrize(
    ("title", "description", "schedule", "shift", "evidence"),
    [
        ("Release of Information Specialist", "Per diem, weekends\n\nProcess record requests on site.",
         "per_diem", "weekend", "Per diem, weekends"),
        ("HIM Technician", "Department: HIM\nSchedule: Per diem\nScan and index records.", "per_diem", None, None),
        ("Medical Records Clerk", "PRN / As needed\nAssemble and file charts.", "per_diem", None, None),
        ("Health Information Technician", "Status: PRN | Shift: Evenings\nRecord analysis.", "per_diem", "evening",
         "Shift: Evenings"),
        ("HIM Specialist", "Full Time | Days | On-site\n\nAbout the role: release of information.", "full_time", "day",
         "Full Time | Days"),
        ("Coder", "Requirements: CPC.\nSchedule: Full-time, days", "full_time", "day", "Schedule: Full-time, days"),
        ("HIM Assistant", "Duties: scanning.\nFull-time, Mon-Fri days; on site.", "full_time", "day", "Mon-Fri days"),
        ("Document Imaging Specialist", "Document Imaging Specialist\nNights (10:00 PM - 6:30 AM)\nFull Time",
         "full_time", "night", "Nights"),
        ("Coding Specialist", "Remote position.\nFull Time / Day", "full_time", "day", "Full Time / Day"),
        ("CDI Specialist", "Work from home. Full time, day schedule.", "full_time", "day", "day schedule"),
        ("ROI Specialist - Evenings", "Part time, 4 pm to 9 pm.", "part_time", "evening", "Evenings"),
        ("Coding Trainee", "No experience required.\nFull time, days. Onsite at Cedar Valley Hospital.", "full_time",
         "day", "Full time, days"),
        # not a status or a shift
        ("Medical Records Specialist", "Travel is reimbursed at $250 per diem.\nWe are closed on weekends.", None, None,
         None),
        ("Coder", "Full-time. Days / Nights rotation by seniority.", "full_time", None, None),
        ("HIM Clerk", "Requirements\n- 30 days of onboarding\n- Knowledge of night deposit procedures", None, None,
         None),
    ],
)
def test_short_status_phrases_give_schedule_and_shift(title, description, schedule, shift, evidence):
    raw = {"title": title}
    assert schedule_of(normalize_employment_type(raw, description))[0] == schedule
    result = normalize_shift(raw, description)
    assert result.shift == shift
    if evidence is None:
        assert result.evidence is None
    else:
        assert evidence in result.evidence


# Issue 11, precision class: years of a line of work without the word "experience" count when they are asked
# for (minimum / at least / N+ / the item's opening figure); company age, awards and streaks never count.
# Examples written for these tests. (text, years_min, years_max, a piece of the evidence or None)
@pytest.mark.parametrize(
    ("text", "low", "high", "evidence"),
    [
        ("Minimum 5 years HIM leadership", 5, None, "5 years HIM leadership"),
        ("Minimum three years outpatient coding (ED, observation, same-day surgery)", 3, None,
         "three years outpatient coding"),
        ("Minimum of 1 year ED facility and pro-fee coding.", 1, None, "1 year ED facility and pro-fee coding"),
        ("Requirements\n- 2 years of HCC risk adjustment coding\n- CRC", 2, None, "2 years of HCC risk adjustment coding"),
        ("3+ years of multispecialty professional fee coding", 3, None, "3+ years of multispecialty"),
        ("At least 4 years of inpatient coding in a Level I trauma center", 4, None, "4 years of inpatient coding"),
        ("Requires 2 years release of information", 2, None, "2 years release of information"),
        ("1-2 years of trauma registry or health information management experience.", 1, 2, "1-2 years of trauma"),
        ("- 3-5 years of HL7/FHIR interface experience", 3, 5, "3-5 years of HL7/FHIR"),
        ("2 years of long-term care nursing experience", 2, None, "long-term care nursing experience"),
        # not experience
        ("Pinecrest Pediatrics was founded 5 years ago by two physicians.", None, None, None),
        ("The hospital received a 5 years of service award from the state association.", None, None, None),
        ("We've been recognized as a top workplace 5 years in a row.", None, None, None),
        ("Our coding team has 5 years of coding awards.", None, None, None),
        ("We have served hospitals with coding and billing for 20 years.", None, None, None),
        ("Must be at least 18 years of age.", None, None, None),
        ("CCS within 2 years of hire.", None, None, None),
    ],
)
def test_years_of_a_line_of_work_without_the_word_experience(text, low, high, evidence):
    result = normalize_experience(text)
    assert (result.years_min, result.years_max) == (low, high)
    if evidence is None:
        assert result.evidence is None
    else:
        assert evidence in result.evidence


# entry level follows: experience preferred but not required accepts a beginner; six months asked for does not
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Previous medical records experience is a plus but not required.", True),
        ("Experience in healthcare preferred but not required.", True),
        ("Requirements: high school diploma; 6 months of office experience.", False),
        ("Minimum 5 years HIM leadership", False),
        ("Certification is not required. Two years of coding experience required.", False),
    ],
)
def test_entry_level_from_optional_or_short_experience(text, expected):
    assert normalize_entry_level(text).entry_level is expected


# a preference in a later comma part names something else ("hospital setting preferred"): the years before it
# are still asked for (required), so a beginner is not accepted; a bare "preferred" part prefers the years
@pytest.mark.parametrize(
    ("text", "years_min", "required"),
    [
        ("- 2 years of medical office experience, dermatology preferred", 2, True),
        ("One year of HIM experience, acute care setting preferred.", 1, True),
        ("3 years of coding experience, CPT surgery coding preferred", 3, True),
        ("Requirements\n- 1 year of scanning experience, Epic OnBase preferred", 1, True),
        ("Four years of auditing experience, including 1 year in a lead role preferred.", 4, True),
        ("2 years of registry experience, oncology or trauma desired", 2, True),
        ("6 months of front desk experience, multi-specialty clinic a plus", 0.5, True),
        ("Two years of coding experience, preferred.", 2, False),
        ("2 years of ROI experience, strongly preferred", 2, False),
        ("1 year of medical records experience, preferred but not required", 1, False),
        ("Three years of coding experience preferred, in a hospital setting", 3, False),
        ("Preferred\n- 2 years of HIM experience, Meditech a plus", 2, False),
    ],
)
def test_a_later_preference_leaves_the_years_asked_for(text, years_min, required):
    result = normalize_experience(text)
    assert (result.years_min, result.required) == (years_min, required)
    assert (normalize_entry_level(text).entry_level is False) is required


# "no <kind of> experience needed/required": a beginner is accepted, whatever words name the experience
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No prior healthcare experience needed.", True),
        ("No medical office experience required - we will show you.", True),
        ("No coding or billing experience is required.", True),
        ("No previous HIM experience necessary.", True),
        ("No hospital records experience needed for this role.", True),
        ("No related work experience required.", True),
        ("No clinical experience needed.", True),
        ("No scanning & indexing experience required.", True),
        ("No less than 2 years experience needed.", False),
        ("No fewer than three years experience required", False),
        ("No substitute for coding experience: 3 years required.", False),
        ("Health information experience needed.", False),
    ],
)
def test_no_experience_of_a_kind_needed_is_entry_level(text, expected):
    assert normalize_entry_level(text).entry_level is expected


# a semicolon parts a requirement from a preference: each part keeps its own strength ("High school diploma;
# coding certificate preferred" asks for the diploma); "or" after it stays an alternative
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Education: GED or high school diploma; billing certificate preferred.", "high_school"),
        ("High school graduate; associate degree in HIT a plus", "high_school"),
        ("Diploma or GED; some college preferred; medical office certificate desired", "high_school"),
        ("Associate's degree in HIM; bachelor's degree preferred", "associate"),
        ("Bachelor's degree preferred; associate's required.", "associate"),
        ("Master's degree preferred; bachelor's degree required", "bachelor"),
        ("Bachelor's preferred; associate accepted with RHIT", "associate"),
        ("Associate or bachelor's degree in health information management", "associate"),
        ("Associate's degree and RHIT; or high school diploma and 4 years of HIM experience", "high_school"),
        ("Bachelor's degree in HIM; or associate degree with 5 years of experience", "associate"),
        ("Associate degree preferred; high school diploma at minimum", "high_school"),
        ("Coding certificate preferred; bachelor's degree a plus", None),
    ],
)
def test_each_semicolon_part_keeps_its_strength(text, level):
    assert normalize_education(text).education_min == level


# "no minimum education" is none; a single course (terminology, anatomy) is no certificate; "equivalent
# combination of education" cut at a line end still offers experience in its place
@pytest.mark.parametrize(
    ("text", "level", "or_equivalent"),
    [
        ("Education: No minimum education requirement.", "none", False),
        ("No formal education required - we train on the job.", "none", False),
        ("There is no educational requirement for this role.", "none", False),
        ("Education requirements: none", "none", False),
        ("No diploma needed.", "none", False),
        ("High school diploma or GED\nCompletion of a medical terminology course", "high_school", False),
        ("HS diploma; completion of an anatomy and physiology course within 90 days", "high_school", False),
        ("Medical terminology course required", None, None),
        ("Diploma or GED required. Completion of a medical terminology class preferred", "high_school", False),
        ("Completion of an accredited coding program", "certificate", False),
        ("- Associate degree in HIT or equivalent combination of education\n  and experience", "associate", True),
        ("Bachelor's degree, or an equivalent combination of training", "bachelor", True),
    ],
)
def test_no_minimum_education_courses_and_cut_equivalence(text, level, or_equivalent):
    result = normalize_education(text)
    assert (result.education_min, result.or_equivalent_experience) == (level, or_equivalent)


# --- a contract named by its length or as a travel contract
@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("Assignment: 13-week travel contract, on site.", "contract"),
        ("This is a 6-month contract with possible extension.", "contract"),
        ("We are filling a twelve-week remote contract for an outpatient coder.", "contract"),
        ("Travel assignment in Reno; housing stipend included.", "contract"),
        ("Two-month local contract for a backlog project.", "contract"),
        ("Details: 26-week travel contract | days", "contract"),
        ("Apply for this travel contract today.", "contract"),
        ("8 week contract starting in May.", "contract"),
        # not this job's status
        ("Our contract management team negotiates payer contracts.", None),
        ("Travel between clinics is reimbursed.", None),
        ("The 12-month contract year begins in July for our vendors; apply via the portal.", None),
    ],
)
def test_contract_by_length_or_travel(text, schedule):
    assert schedule_of(normalize_employment_type({}, text))[0] == schedule


# Issue 11, precision class (found by a new-user check): a status stated of the job ("This role is per diem"),
# or a short status phrase that is its own sentence after "!", "?" or in a longer line. Examples written here.
@pytest.mark.parametrize(
    ("text", "schedule", "evidence"),
    [
        ("New graduates welcome! We train on Epic and our coding tools in the first month with a mentor. "
         "Per diem, night shift.", "per_diem", "Per diem, night shift."),
        ("Great team! Per diem, night shift.", "per_diem", "Great team! Per diem, night shift."),
        ("This role is per diem.", "per_diem", "role is per diem"),
        ("Position is per diem.", "per_diem", "Position is per diem"),
        ("The position is PRN, with two weekend shifts a month.", "per_diem", "position is PRN"),
        ("Status is PRN.", "per_diem", "Status is PRN"),
        ("Schedule is per diem.", "per_diem", "Schedule is per diem"),
        ("This job will be per diem until the backlog clears.", "per_diem", "job will be per diem"),
        ("Want flexible hours? Part time, evenings.", "part_time", "Part time"),
        ("Apply today! Per Diem - Weekends", "per_diem", "Apply today! Per Diem - Weekends"),
        ("Our records team works hard every single day to serve patients across the whole region. Full time. Days.",
         "full_time", "Full time"),
        # not this job's status
        ("Meals are covered at the GSA per diem rate. Travel to clinics required.", None, None),
        ("Reimbursement: mileage and per diem. Apply today!", None, None),
        ("Great benefits! Casual dress code.", None, None),
        ("Our on-call team handles urgent requests. Apply now!", None, None),
        ("This position is per diem reimbursed for travel days.", None, None),
    ],
)
def test_status_stated_of_the_job_or_in_its_own_sentence(text, schedule, evidence):
    found, found_evidence = schedule_of(normalize_employment_type({"title": "Medical Records Clerk"}, text))
    assert found == schedule
    if evidence is None:
        assert found_evidence is None
    else:
        assert evidence in found_evidence


# years offered as one of two ways to qualify, a credential or an education the other: the years stay the
# figure, but they do not make the job closed to a beginner (None), unless the other way is a starter
# credential (True); years asked for outright anywhere, or "or" joining two kinds of experience, stay False
@pytest.mark.parametrize(
    ("text", "years_min", "entry_level"),
    [
        ("Qualifications\n- RHIT or 2 years of coding experience required", 2, None),
        ("Must hold a CCS credential or three (3) years of inpatient coding experience.", 3, None),
        ("Associate degree in health information or two years of related experience.", 2, None),
        ("- 2 years of release of information experience, or an associate degree", 2, None),
        ("Certified coder (CPC, CCS) OR a minimum of four (4) years of coding experience", 4, None),
        ("One year of medical records experience or completion of a HIM certificate program.", 1, None),
        ("Requirements: 3 years of pro-fee coding experience or active CPC certification.", 3, None),
        ("Either: RHIA, or at least 2 years of HIM supervisory experience", 2, None),
        ("- Two years of outpatient coding experience or a current CCA", 2, True),
        ("CPC-A, or 1 year of physician coding experience", 1, True),
        ("RHIT or 3 years of HIM experience. Coding experience required.", 3, False),
        ("RHIT or 2 years of experience. Minimum 3 years in a hospital setting required.", 2, False),
        ("High school diploma and 2 years of medical records experience required.", 2, False),
        ("3 years of coding or billing experience required.", 3, False),
        ("RHIT and 2 years of HIM experience required.", 2, False),
        ("CPC required. 3 years of coding experience required.", 3, False),
        ("2 years of experience in a hospital or clinic setting required.", 2, False),
        ("CCS or CPC required and 2 years of inpatient coding experience.", 2, False),
        ("Bachelor's degree required; 2 years of HIM experience required.", 2, False),
        ("2 years of coding experience with Epic or Cerner required.", 2, False),
        # the other way after a longer experience phrase, on the next list item, or as a substitution
        ("Three (3) years of experience in hospital health information management, or RHIA.", 3, None),
        ("- Minimum of 1 year's experience in a physician office or clinic OR a medical coding certificate", 1, None),
        ("Requirements:\n- CCS or CPC credential; OR\n- 3 years of inpatient coding experience", 3, None),
        ("Bachelor's degree in HIM. Four years of HIM experience may be substituted for the degree.", 4, None),
        ("Two years of release of information experience in lieu of the RHIT credential.", 2, None),
        ("COC-A or six months of outpatient coding experience", 0.5, True),
        ("2 years of experience in a hospital or clinic setting. RHIT preferred.", 2, False),
        ("3 years of coding experience in an inpatient or outpatient setting; CCS required.", 3, False),
    ],
)
def test_years_offered_beside_a_credential_or_education(text, years_min, entry_level):
    result = normalize({"title": "Medical Coder", "description": text})
    assert (result.experience_years_min, result.entry_level) == (years_min, entry_level)
