"""Employer type precedence: registry, platform, name cues, self-description."""

import pytest

from emr_jobs.pipeline.employer_type import normalize_employer_type


@pytest.mark.parametrize(
    ("raw", "description", "expected"),
    [
        ({"employer": "Anything", "employer_type": "insurance"}, "", "insurance"),
        ({"employer": "Anything", "employer_type": "not-a-type"}, "", "other"),
        ({"employer": "Department of Veterans Affairs", "platform": "usajobs"}, "", "government"),
        ({"employer": "Some Hospital", "platform": "usajobs"}, "", "government"),
        ({"employer": "Salem VA Medical Center"}, "", "government"),
        ({"employer": "Indian Health Service"}, "", "government"),
        ({"employer": "Klamath Tribal Health & Family Services"}, "", "government"),
        ({"employer": "County of Santa Clara"}, "", "government"),
        ({"employer": "Tri-County Family Physicians"}, "", "physician_practice"),
        ({"employer": "Datavant"}, "", "staffing_outsourcing"),
        ({"employer": "Robert Half"}, "Our client, a 300-bed hospital, needs a coder.", "staffing_outsourcing"),
        ({"employer": "Confidential"}, "Our client is a large health system in Ohio.", "staffing_outsourcing"),
        ({"employer": "TrueNorth HIM Staffing"}, "", "staffing_outsourcing"),
        ({"employer": "Epic Systems"}, "", "health_tech"),
        ({"employer": "Epic"}, "", "health_tech"),
        ({"employer": "Epic Health Services"}, "Epic Health Services is a home health agency for children.", "long_term_care"),
        ({"employer": "Humana"}, "", "insurance"),
        ({"employer": "Pinnacle Blue Health Plan"}, "", "insurance"),
        ({"employer": "Front Range Surgery Center"}, "", "ambulatory_surgery"),
        ({"employer": "Pine Ridge Health & Rehabilitation"}, "", "long_term_care"),
        ({"employer": "Compass Home Health"}, "", "long_term_care"),
        ({"employer": "Cypress Hospice"}, "", "long_term_care"),
        ({"employer": "Charter Oak Medical Center"}, "", "hospital"),
        ({"employer": "University of Somewhere Medical Center"}, "", "hospital"),
        ({"employer": "Harbor Light Behavioral Health"}, "Harbor Light is a community behavioral health clinic.",
         "physician_practice"),
        ({"employer": "Great Falls Cardiology"}, "", "physician_practice"),
        ({"employer": "Whitfield Barr LLP"}, "Whitfield Barr LLP is a law firm.", "other"),
        ({"employer": "Axis Clinical Research"}, "Axis Clinical Research is a contract research organization.", "other"),
        ({"employer": "Quillmark AI"}, "Quillmark AI builds software that reads clinical notes for hospitals.",
         "health_tech"),
        ({"employer": "Sentinel Services Group"},
         "Sentinel Services Group processes release-of-information requests on behalf of hospitals.",
         "staffing_outsourcing"),
        ({"employer": "Wasatch Valley Health"}, "Wasatch Valley Health is a nonprofit system of six hospitals.",
         "hospital"),
        ({"employer": "Mayo Clinic"}, "", "hospital"),
        ({"employer": "Brightleaf Software"}, "We support our clients' coding teams.", "health_tech"),
        ({"employer": "Gulf Coast Health Care"}, "Overview\nPay scale & grade: GS 5 - 6", "government"),
        # a hospital that says it is owned by a county, state or city is government
        ({"employer": "Baylands Regional Medical Center"},
         "Baylands Regional Medical Center is a public hospital owned and operated by the County of Baylands.",
         "government"),
        ({"employer": "Elkhorn Valley Hospital"}, "Elkhorn Valley Hospital is a county-owned critical access hospital.",
         "government"),
        ({"employer": "Mesa Vista Hospital"},
         "Mesa Vista Hospital is a nonprofit hospital that also staffs two county-owned clinics.", "hospital"),
        ({"employer": "Midwest Oncology Research Institute"}, "", "other"),
        ({"employer": "Lakeside Clinical Research Center"}, "", "other"),
        ({"employer": "Acme Corp"}, "", "other"),
        # "our client" in the first 3,000 characters, in any case; "we are" in the first 1,200
        ({"employer": "Acme Corp"}, "Coding.\n" + "Code charts. " * 200 + "On behalf of OUR CLIENT, code.",
         "staffing_outsourcing"),
        ({"employer": "Acme Corp"}, "Coding.\n" + "Code charts. " * 250 + "On behalf of our client, code.", "other"),
        ({"employer": "Acme Corp"}, "Code " + "charts and " * 100 + "codes. We Are a 90-bed hospital.", "hospital"),
        ({"employer": "Acme Corp"}, "Code " + "charts and " * 110 + "codes. We are a 90-bed hospital.", "other"),
        ({"employer": None}, "", "other"),
    ],
)
def test_employer_type(raw, description, expected):
    assert normalize_employer_type(raw, description).employer_type == expected


def test_registry_value_is_the_evidence():
    result = normalize_employer_type({"employer_type": "hospital"}, "")
    assert result.decisions == ["emr/employer_type/registry/hospital"]


# --- issue 11: the employer field is empty, the text says what kind of employer it is ---
@pytest.mark.parametrize(
    ("description", "expected"),
    [
        # federal agencies and their policy boilerplate
        ("Duties\n- Code outpatient encounters\nThe Veterans Health Administration is an equal opportunity employer.",
         "government"),
        ("This position is at the VA Medical Center in Bath.", "government"),
        ("Applicants must register with the Selective Service System if male and born after 1959.", "government"),
        ("Indian Health Service hiring preference applies to qualified candidates.", "government"),
        ("You will be hired under Title 38 as a health technician.", "government"),
        ("Veterans' Preference: 5-point preference may apply.", "government"),
        ("Qualified candidates have one year of specialized experience equivalent to GS-5.", "government"),
        ("Benefits for federal employees include FEHB and TSP.", "government"),
        ("Work at the VAMC scanning unit.", "government"),
        ("All Department of Veterans Affairs employees must be vaccinated.", "government"),
        # private equal-opportunity lines about veterans are not federal
        ("We are an equal opportunity employer of protected veterans and individuals with disabilities.", "other"),
        # senior living and nursing communities
        ("Sunny Acres is an assisted living community of 120 apartments.", "long_term_care"),
        ("Join our senior living community as the medical records coordinator.", "long_term_care"),
        ("Maintain charts for our residents at this skilled nursing facility.", "long_term_care"),
        ("We are a memory care community in Boise.", "long_term_care"),
        ("The records clerk keeps the MDS files of our residents in our nursing and rehabilitation center.",
         "long_term_care"),
        ("Discharge planners refer patients to skilled nursing facilities.", "other"),
        # inpatient coding in the hospital's HIM department
        ("Assign ICD-10-PCS codes to inpatient charts in our HIM department.", "hospital"),
        ("The inpatient coder joins the hospital's health information management team and validates MS-DRGs.",
         "hospital"),
        ("Code inpatient encounters for our 250-bed teaching hospital.", "hospital"),
        ("Review inpatient records and assign MS-DRGs within the medical records department of our critical access "
         "hospital.", "hospital"),
        ("Inpatient coding for our clients' hospitals across the country; our HIM team supports 40 facilities.",
         "staffing_outsourcing"),
        ("Inpatient coding experience preferred.", "other"),
    ],
)
def test_type_from_text_when_employer_is_empty(description, expected):
    assert normalize_employer_type({"employer": ""}, description).employer_type == expected


# --- the employer field is empty and the text's opening names the employer (a sentence describing it, or a
# public body's letterhead line): the name is read like an employer field
@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Bluegrass Orthopaedic Partners is a physician-owned practice of 22 surgeons.\nCoder II\nCode office visits.",
         "physician_practice"),
        ("Posting details\nSchedule: days\n\nKettle River Hospital, a 140-bed acute care facility, seeks a coder.",
         "hospital"),
        ("Lakeshore Endoscopy Center performs 12,000 procedures a year.\nLakeshore Endoscopy Center is an accredited "
         "facility.", "ambulatory_surgery"),
        ("Cobalt Family Health Plan serves 250,000 Medicaid members across Nevada.\nResponsibilities\n- Audit claims",
         "insurance"),
        ("Maple Grove Assisted Living provides a home for 90 seniors.\nThe records clerk files MDS assessments.",
         "long_term_care"),
        ("Sunrise Valley Home Care offers skilled nursing visits across three counties.", "long_term_care"),
        ("Brightpath Pediatrics operates four clinics in suburban Atlanta.", "physician_practice"),
        ("Chartwise builds cloud software used by 900 dental offices.", "health_tech"),
        ("Ledgerline Health develops a revenue cycle platform for rural hospitals.", "health_tech"),
        ("Harbor Point Medical Center - a Level I trauma center - is hiring a Coding Specialist.", "hospital"),
        ("COUNTY OF MARIPOSA\nHuman Services Agency\nMedical Records Technician\nMaintains clinic records.",
         "government"),
        ("State of Vermont\nDepartment of Mental Health\nHealth Information Specialist", "government"),
        ("Teton County Clerk\nRecords Specialist\nFiles and indexes court documents.", "government"),
        ("CITY OF ELMWOOD\nFire Department Records Clerk", "government"),
        # the subject is the job, not the employer; a county name on a practice's letterhead (a line that is no
        # sentence is read only as a public body's); a title line
        ("Coding Specialist is responsible for assigning ICD-10-CM codes to clinic visits.", "other"),
        ("The Release of Information Specialist provides copies of records to requesters.", "other"),
        ("This position is a hybrid role in our coding department.", "other"),
        ("Orange County Orthopedics\nMedical Records Clerk", "other"),
        ("Medical Records Clerk\nFile and scan charts for the practice.", "other"),
        ("Patients are the center of everything we do.", "other"),
    ],
)
def test_type_from_the_employer_the_text_names(description, expected):
    assert normalize_employer_type({"employer": ""}, description).employer_type == expected


# --- the employer field is empty and the text's opening has the employer describe itself in the first person
# ("We are a ...", "Our ... clinic ..."): the noun phrase up to the organisation's head noun is read like a name
FIRST_PERSON_CASES = [
    ("Coder I\nWe are a physician-owned orthopedic practice with nine surgeons in two offices.", "physician_practice"),
    ("About us - we're a community mental health center serving three rural counties.", "physician_practice"),
    ("Records Clerk\nOur 60-bed skilled nursing community is looking for a records clerk.", "long_term_care"),
    ("Our regional home health agency sends nurses and therapists to 1,200 patients a week.", "long_term_care"),
    ("We are a Medicaid managed care health plan for 90,000 members in two states.", "insurance"),
    ("Our physician-owned surgery center handles cataract and retina cases.", "ambulatory_surgery"),
    ("As a national coding and revenue cycle firm, we place coders with hospitals and clinics.",
     "staffing_outsourcing"),
    ("We are one of the largest healthcare staffing agencies in the Southeast.", "staffing_outsourcing"),
    ("Our 25-bed critical access hospital sits in the mountains of western Montana.", "hospital"),
    ("Join our growing pediatric practice in the Boise area.", "physician_practice"),
    ("Summary\nWe are a federally qualified health center with five sites.", "physician_practice"),
    # not the employer: a team or department of it, the benefits plan, the job, a client, a generic company
    ("Our coding team at the hospital works Monday through Friday.", "other"),
    ("Our HIM department is growing and needs a release of information clerk.", "other"),
    ("Our health plan options include a PPO and an HDHP.", "other"),
    ("We are looking for a detail-oriented records clerk.", "other"),
    ("We are a growing company with a great culture.", "other"),
    ("As a member of the records team you will scan and index documents.", "other"),
    ("We are an equal opportunity employer.", "other"),
]
# ... or names it in a labelled field or an upper-case letterhead line (a page marker of a PDF after it)
LABELLED_CASES = [
    ("Records Technician\nAgency: Department of Corrections - Health Services\nDuties: file records", "government"),
    ("Employer: Willow Creek Hospice\nPosition: Medical Records Clerk", "long_term_care"),
    ("Company: Bayside Ambulatory Surgery Center | Location: Tampa, FL", "ambulatory_surgery"),
    ("Hiring Organization: Cascade Behavioral Health Clinic\nStatus: full time", "physician_practice"),
    ("Organization: Prairie Mutual Health Plan\nCoding Auditor", "insurance"),
    ("Agency Name: Kern County Public Health\nHealth Information Clerk", "government"),
    ("MAPLE RIDGE NURSING AND REHABILITATION CENTER    Page 1 of 3\nJOB DESCRIPTION\nTitle: Records Clerk",
     "long_term_care"),
    ("LAKEVIEW SURGERY CENTER\nPosition Description\nCoding Specialist", "ambulatory_surgery"),
    ("SAINT ANSELM REGIONAL HOSPITAL\nHIM Technician", "hospital"),
    # a department label, a job title line, a heading in capitals, a generic letterhead: no employer
    ("Department: Clinical Records\nMedical Records Clerk", "other"),
    ("MEDICAL RECORDS CLERK\nFile and scan charts.", "other"),
    ("JOB DESCRIPTION\nPosition Title: Records Clerk", "other"),
    ("HEALTH INFORMATION MANAGEMENT DEPARTMENT\nRecords Technician", "other"),
    ("Company: Confidential\nCoder II", "other"),
]


@pytest.mark.parametrize(("description", "expected"), FIRST_PERSON_CASES + LABELLED_CASES)
def test_type_from_the_texts_own_description_of_the_employer(description, expected):
    assert normalize_employer_type({"employer": ""}, description).employer_type == expected


@pytest.mark.parametrize(
    ("employer", "description", "expected"),
    [
        # a vendor that develops an EHR; "our Client Services team" is the vendor's own team, not a placement
        ("Lumen Chart", "Lumen Chart develops an EHR for behavioral health agencies.\nOur Client Success team "
                        "helps clients go live.", "health_tech"),
        ("Corvid Health", "Corvid Health builds a cloud-based EMR for rural clinics.", "health_tech"),
        ("Tessellate", "Tessellate sells electronic health record software to 300 practices.", "health_tech"),
        ("Northbeam Health", "Join our Client Services team supporting Northbeam customers.", "hospital"),
        ("Harrow Search", "Our client, a 200-bed hospital, needs an ROI specialist.", "staffing_outsourcing"),
        ("Pillar Partners", "Our clients' HIM departments rely on our remote coders.", "staffing_outsourcing"),
        ("Alder Regional Hospital", "Alder Regional Hospital develops EHR templates with its physicians.", "hospital"),
        ("Crescent Valley Clinic", "Crescent Valley Clinic builds its EHR workflows around patients.",
         "physician_practice"),
    ],
)
def test_vendor_self_description_and_its_own_client_teams(employer, description, expected):
    assert normalize_employer_type({"employer": employer}, description).employer_type == expected


@pytest.mark.parametrize(
    ("employer", "description", "expected"),
    [
        # the employer's name followed by an apposition that says what it is
        ("Ridgeview Health Partners", "Ridgeview Health Partners - 5 hospitals and 40 clinics in Iowa.", "hospital"),
        ("Ridgeview Health Partners", "Ridgeview Health Partners, a 300-bed regional hospital, is growing.", "hospital"),
        ("Oakmont Care Group", "Oakmont Care Group, a family of skilled nursing communities, is hiring.",
         "long_term_care"),
        ("Granite Peak Partners", "Granite Peak Partners: a surgery center owned by its physicians.",
         "ambulatory_surgery"),
        ("Granite Peak Partners", "Granite Peak Partners - we are hiring a records clerk.", "other"),
    ],
)
def test_type_from_an_apposition_after_the_name(employer, description, expected):
    assert normalize_employer_type({"employer": employer}, description).employer_type == expected


# --- each step of the engine alone: (step, employer field, other raw fields, text) -> (type, evidence) or None
from emr_jobs.pipeline import employer_type as engine  # noqa: E402

STEP_CASES = [
    ("_registry_value", "", {"employer_type": " Hospital "}, "", ("hospital", "registry: hospital")),
    ("_registry_value", "", {"employer_type": "clinic"}, "", None),
    ("_usajobs_platform", "", {"platform": "USAJOBS"}, "", ("government", "platform: usajobs")),
    ("_usajobs_platform", "", {"platform": "workday"}, "", None),
    ("_name_other_than_hospital", "Datavant", {}, "", ("staffing_outsourcing", "Datavant")),
    ("_name_other_than_hospital", "Mercy General Hospital", {}, "", None),
    ("_health_system_name", "Sutter Health", {}, "", ("hospital", "Sutter Health")),
    ("_health_system_name", "Mercy General Hospital", {}, "", None),  # a facility name: a later step
    ("_our_client", "Northstar Talent", {}, "Our client, a 300-bed hospital, seeks a coder.",
     ("staffing_outsourcing", "Our client")),
    ("_our_client", "", {}, "Our team supports physicians across the region.", None),
    ("_text_first", "", {}, "The Department of Veterans Affairs is hiring a Medical Records Technician.",
     ("government", "Department of Veterans Affairs")),
    ("_text_first", "Mercy Clinic", {}, "The Department of Veterans Affairs is hiring.", None),
    ("_generic_health_name", "Summit Healthcare", {}, "", ("hospital", "Healthcare")),
    ("_generic_health_name", "Summit Widgets", {}, "", None),
]


@pytest.mark.parametrize(("step", "employer", "fields", "text", "expected"), STEP_CASES)
def test_each_step_decides_with_its_evidence_or_passes(step, employer, fields, text, expected):
    decided = getattr(engine, step)(engine._Posting({"employer": employer, **fields}, text))
    assert (None if decided is None else (decided.employer_type, decided.evidence)) == expected


def test_the_steps_run_in_their_documented_order():
    assert [step.__name__ for step in engine.STEPS] == [
        "_registry_value", "_usajobs_platform", "_name_other_than_hospital", "_publicly_owned_hospital",
        "_health_system_name", "_our_client", "_text_first", "_text_named_employer", "_federal_description", "_strong_facility_name",
        "_self_described", "_federal_grade", "_weak_facility_name", "_text_last", "_generic_health_name"]


# a General Schedule grade alone is federal language, but weaker than what the employer's name or its own
# description says: it decides only when they say nothing (an empty or uninformative employer field)
@pytest.mark.parametrize(
    ("employer", "description", "expected"),
    [
        ({"employer": "Mercy Regional Medical Center"}, "Prior federal experience at the GS-6 level is a plus.",
         "hospital"),
        ({"employer": "Lakeside Surgery Center"}, "One year of specialized experience equivalent to GS-5.",
         "ambulatory_surgery"),
        ({"employer": "Blue Valley Health Plan"}, "Former GS 7 employees are encouraged to apply.", "insurance"),
        ({"employer": "Sunrise Senior Living"}, "Pay comparable to GS-6.", "long_term_care"),
        ({"employer": "Harbor Point Partners"}, "Harbor Point Partners is a 40-bed community hospital. GS-6 a plus.",
         "hospital"),
        ({"employer": ""}, "Harlan Regional Hospital is a 120-bed hospital. Prior GS-6 experience a plus.", "hospital"),
        ({"employer": "Harbor Point Partners"}, "Grade: GS-6. Duties include scanning records.", "government"),
        ({"employer": ""}, "Qualified candidates have one year of specialized experience equivalent to GS-5.",
         "government"),
        ({"employer": "Mercy Regional Medical Center"}, "Pay scale & grade: GS 6", "government"),
        ({"employer": "Mercy Regional Medical Center"}, "Benefits for federal employees include FEHB. GS-6.",
         "government"),
        ({"employer": ""}, "Medical Records Technician (Coder), GS-0675-07\nDuties: code outpatient encounters.",
         "government"),
        ({"employer": ""}, "Medical Records Technician, GS-0675-7", "government"),
    ],
)
def test_a_bare_federal_grade_yields_to_the_employer(employer, description, expected):
    assert normalize_employer_type(employer, description).employer_type == expected
