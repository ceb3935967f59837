"""Sample boards for the offline demo: fictional employers of every type with postings written
the way real ones are (varied titles, pay phrasings, work modes, credentials), generated
deterministically so that every demo run shows the same market."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class DemoEmployer:
    slug: str
    name: str
    employer_type: str
    platform: str
    identifiers: dict[str, str]  # the registry identifiers of its board, e.g. {"token": "..."}
    city: str
    state: str

    @property
    def token(self) -> str:
        return self.identifiers.get("token", "")


@dataclass(frozen=True)
class DemoJob:
    job_id: str
    title: str
    city: str
    state: str
    work_mode: str  # onsite | hybrid | remote | unknown
    pay: tuple[float, float, str] | None  # (min, max, period)
    pay_in: str  # "structured" | "text" | "none"
    certs: tuple[tuple[str, str], ...]  # (code, "required" | "preferred" | "obtain")
    employment: str
    posted_at: datetime
    body: str = ""  # the duties paragraph, when a job's description must say more than the generic one
    family: str = "Health Information Management"  # the job family group a Workday tenant facets by
    series: str = "0675"  # the federal occupational series (USAJOBS JobCategory)


@dataclass
class DemoBoard:
    employer: DemoEmployer
    jobs: list[DemoJob] = field(default_factory=list)
    result_cap: int | None = None  # a Workday tenant's paging cap: offsets past it serve page 0 again


EMPLOYERS = (
    DemoEmployer("riverbend-health", "Riverbend Regional Health System", "hospital", "greenhouse", {"token": "riverbendhealth"}, "Dayton", "OH"),
    DemoEmployer("sagebrush-medical-center", "Sagebrush Medical Center", "hospital", "lever", {"token": "sagebrush"}, "Boise", "ID"),
    DemoEmployer("lakeshore-childrens", "Lakeshore Children's Hospital", "hospital", "greenhouse", {"token": "lakeshorechildrens"}, "Milwaukee", "WI"),
    DemoEmployer("piedmont-family-physicians", "Piedmont Family Physicians", "physician_practice", "lever", {"token": "piedmontfp"}, "Charlotte", "NC"),
    DemoEmployer("cascade-orthopedic", "Cascade Orthopedic Associates", "physician_practice", "greenhouse", {"token": "cascadeortho"}, "Tacoma", "WA"),
    DemoEmployer("golden-valley-snf", "Golden Valley Nursing & Rehabilitation", "long_term_care", "lever", {"token": "goldenvalleycare"}, "Fresno", "CA"),
    DemoEmployer("harbor-surgery-center", "Harbor Point Surgery Center", "ambulatory_surgery", "greenhouse", {"token": "harborpointsurgery"}, "Baltimore", "MD"),
    DemoEmployer("bluestem-health-plan", "Bluestem Health Plan", "insurance", "lever", {"token": "bluestemhealthplan"}, "Omaha", "NE"),
    DemoEmployer("chartwise-ehr", "ChartWise EHR", "health_tech", "greenhouse", {"token": "chartwise"}, "Madison", "WI"),
    DemoEmployer("recordbridge-roi", "RecordBridge ROI Services", "staffing_outsourcing", "lever", {"token": "recordbridge"}, "Atlanta", "GA"),
    DemoEmployer("codeline-coding", "Codeline Coding Partners", "staffing_outsourcing", "greenhouse", {"token": "codelinecoding"}, "Dallas", "TX"),
    DemoEmployer("mesa-community-health", "Mesa Community Health Center", "physician_practice", "lever", {"token": "mesachc"}, "Mesa", "AZ"),
    DemoEmployer("northwind-university-health", "Northwind University Health", "hospital", "greenhouse", {"token": "northwindhealth"}, "Ann Arbor", "MI"),
    DemoEmployer("evergreen-hospice", "Evergreen Home Health & Hospice", "long_term_care", "lever", {"token": "evergreenhospice"}, "Portland", "OR"),
    DemoEmployer("gulf-coast-medical", "Gulf Coast Medical Center", "hospital", "greenhouse", {"token": "gulfcoastmedical"}, "Mobile", "AL"),
    DemoEmployer("keystone-cancer-institute", "Keystone Cancer Institute", "hospital", "lever", {"token": "keystonecancer"}, "Pittsburgh", "PA"),
    DemoEmployer("prairie-view-health", "Prairie View Health Partners", "hospital", "smartrecruiters", {"company": "PrairieViewHealth1"}, "Wichita", "KS"),
    DemoEmployer("tidewater-kidney-care", "Tidewater Kidney Care", "physician_practice", "smartrecruiters", {"company": "TidewaterKidneyCare"}, "Norfolk", "VA"),
    DemoEmployer("clearpath-coding", "ClearPath Coding Cooperative", "staffing_outsourcing", "ashby", {"token": "clearpath-coding"}, "Minneapolis", "MN"),
    DemoEmployer("bayou-community-hospital", "Bayou Community Hospital", "hospital", "jsonld", {"url": "http://placeholder/bayou/careers/sitemap.xml"}, "Lafayette", "LA"),
    DemoEmployer("high-desert-clinic", "High Desert Family Clinic", "physician_practice", "jsonld", {"url": "http://placeholder/highdesert/careers/"}, "Santa Fe", "NM"),
    DemoEmployer("canyon-ridge-health", "Canyon Ridge Health", "hospital", "workday", {"tenant": "canyonridge", "instance": "wd5", "site": "CanyonRidgeCareers"}, "Tucson", "AZ"),
    DemoEmployer("bluebonnet-medical-center", "Bluebonnet Regional Medical Center", "hospital", "oracle", {"host": "bluebonnet.fa.us2.oraclecloud.com", "site_number": "CX_1"}, "Waco", "TX"),
    DemoEmployer("northern-plains-federal-health", "Northern Plains Federal Health Service", "government", "usajobs", {"organization": "NPFH", "series": "0675"}, "Billings", "MT"),
    DemoEmployer("lone-star-regional", "Lone Star Regional Medical Center", "hospital", "icims", {"host": "careers-lonestar.icims.com"}, "Amarillo", "TX"),
)

# (title, role, typical hourly band)
RELEVANT_TITLES = (
    ("Medical Records Clerk", (15.5, 21.0)),
    ("Health Information Technician", (19.0, 27.0)),
    ("Release of Information Specialist", (17.0, 23.5)),
    ("EHR Specialist", (18.0, 25.0)),
    ("Medical Coder II - Outpatient", (24.0, 34.0)),
    ("Inpatient Coding Specialist", (29.0, 41.0)),
    ("Clinical Documentation Integrity Specialist", (38.0, 52.0)),
    ("Cancer Registrar", (26.0, 37.0)),
    ("HIM Supervisor", (30.0, 40.0)),
    ("Scanning and Indexing Specialist", (15.0, 19.5)),
    ("Risk Adjustment Coder", (25.0, 35.0)),
    ("Director of Health Information Management", (45.0, 62.0)),
)
IRRELEVANT_TITLES = ("Registered Nurse - Med Surg", "Patient Access Representative", "Software Engineer",
                     "Billing Collector", "Epic Application Analyst", "Front Desk Scheduler")
CERTS_BY_TITLE = {
    "Medical Records Clerk": [("CEHRS", "preferred")],
    "Health Information Technician": [("RHIT", "required"), ("RHIA", "preferred")],
    "Release of Information Specialist": [("RHIT", "preferred"), ("CHPS", "preferred")],
    "EHR Specialist": [("CEHRS", "required")],
    "Medical Coder II - Outpatient": [("CPC", "required"), ("COC", "preferred")],
    "Inpatient Coding Specialist": [("CCS", "required")],
    "Clinical Documentation Integrity Specialist": [("CCDS", "obtain"), ("CDIP", "preferred")],
    "Cancer Registrar": [("CTR", "required")],
    "HIM Supervisor": [("RHIA", "required")],
    "Scanning and Indexing Specialist": [],
    "Risk Adjustment Coder": [("CRC", "required"), ("CPC", "preferred")],
    "Director of Health Information Management": [("RHIA", "required"), ("CHPS", "preferred")],
}
CITIES = (("Columbus", "OH"), ("Denver", "CO"), ("Austin", "TX"), ("Seattle", "WA"), ("Tampa", "FL"),
          ("Raleigh", "NC"), ("Phoenix", "AZ"), ("Chicago", "IL"), ("Nashville", "TN"), ("Sacramento", "CA"))
NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def build_boards(seed: int = 29_2072) -> list[DemoBoard]:
    """Every demo employer's board, the same on every call with the same seed."""
    rng = random.Random(seed)
    boards = []
    for employer in EMPLOYERS:
        board = DemoBoard(employer)
        for number in range(rng.randint(7, 14)):
            board.jobs.append(_job(rng, employer, number))
        boards.append(board)
    return boards


def _job(rng: random.Random, employer: DemoEmployer, number: int) -> DemoJob:
    job_id = f"{employer.slug}-{number}"
    if rng.random() < 0.25:
        title = rng.choice(IRRELEVANT_TITLES)
        band = (22.0, 48.0)
        certs: tuple = ()
    else:
        title, band = rng.choice(RELEVANT_TITLES)
        certs = tuple(CERTS_BY_TITLE[title])
    city, state = (employer.city, employer.state) if rng.random() < 0.6 else rng.choice(CITIES)
    work_mode = rng.choices(("onsite", "hybrid", "remote", "unknown"), weights=(45, 20, 25, 10))[0]
    low = round(rng.uniform(band[0], band[0] + (band[1] - band[0]) * 0.3), 2)
    high = round(rng.uniform(low + 2.0, band[1] + 4.0), 2)
    period = "hour"
    if "Director" in title or "Supervisor" in title or rng.random() < 0.25:
        period, low, high = "year", round(low * 2080, -2), round(high * 2080, -2)
    pay_in = rng.choices(("structured", "text", "none"), weights=(45, 35, 20))[0]
    employment = rng.choices(("Full-time", "Part-time", "Per Diem", "Contract"), weights=(70, 12, 10, 8))[0]
    posted = NOW - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
    return DemoJob(job_id=job_id, title=title, city=city, state=state, work_mode=work_mode,
                   pay=(low, high, period) if pay_in != "none" else None, pay_in=pay_in, certs=certs,
                   employment=employment, posted_at=posted)


def with_changes(boards: list[DemoBoard], removed_per_board: int = 1, changed: int = 1) -> list[DemoBoard]:
    """The next night's boards: the first posting of each board gone, one posting's pay raised."""
    changed_left = changed
    result = []
    for board in boards:
        jobs = list(board.jobs[removed_per_board:])
        if changed_left and jobs and jobs[0].pay:
            low, high, period = jobs[0].pay
            jobs[0] = replace(jobs[0], pay=(round(low * 1.1, 2), round(high * 1.1, 2), period))
            changed_left -= 1
        result.append(DemoBoard(board.employer, jobs))
    return result
