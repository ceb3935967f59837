"""A labelled mock job market for measuring recall: one board or more on every platform, each
posting marked relevant (SOC 29-2072) or not by this module (never by emr_jobs.pipeline.roles), served by
the demo server whose searches match titles like a plain keyword engine (emr_jobs.demo.render_enterprise).

`emr_jobs.runs.recall.measure()` crawls it with the real spiders (`python -m emr_jobs.runs.recall`). The market holds a Workday tenant of 2,500 postings that caps
paging at 2,000, a dead Workday tenant, and USAJOBS postings in series outside the family.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

from emr_jobs.demo.boards import NOW, DemoBoard, DemoEmployer, DemoJob
from emr_jobs.demo.render import icims_base_path
from emr_jobs.demo.server import RequestInfo

HIM = "Health Information Management"
# (title, job family group, duties paragraph or ""): in the family, whatever the title's words.
RELEVANT = (
    ("Medical Records Clerk", HIM, ""),
    ("Health Information Technician II", HIM, ""),
    ("HIM Technician - Scanning", HIM, ""),
    ("Chart Completion Specialist", HIM, ""),
    ("Document Imaging Technician", HIM, ""),
    ("Release of Information Specialist", HIM, ""),
    ("Disclosure Coordinator", HIM, ""),
    ("Outpatient Coder III", HIM, ""),
    ("Inpatient Coding Specialist", HIM, ""),
    ("Pro Fee Coding Auditor", HIM, ""),
    ("Coding Educator", HIM, ""),
    ("Risk Adjustment Coder", HIM, ""),
    ("Coder II - Emergency Department", HIM, ""),
    ("Medical Records Technician (Coder)", HIM, ""),
    ("Clinical Documentation Integrity Specialist", HIM, ""),
    ("CDI Specialist - RN", HIM, ""),
    ("Cancer Registrar", HIM, ""),
    ("Trauma Registrar", HIM, ""),
    ("Tumor Registry Abstractor", HIM, ""),
    ("Oncology Data Specialist", HIM, ""),
    ("HIM Supervisor", HIM, ""),
    ("Director of Health Information Management", HIM, ""),
    ("Coding Manager", HIM, ""),
    ("Master Patient Index Data Integrity Analyst", HIM, ""),
    ("Registrar", HIM, "Abstracts cases for the cancer registry, follows up patients for the cancer registry "
                       "and reports to the state cancer registry."),
    ("Specialist II", HIM, "Scan and index medical records, work the chart completion queue and answer HIM "
                           "deficiency questions; keeps medical records complete."),
)
# (title, job family group, duties): look-alikes and other occupations.
IRRELEVANT = (
    ("Registered Nurse - Med Surg", "Nursing", ""),
    ("Utilization Review Nurse", "Nursing", ""),
    ("Patient Access Representative", "Revenue Cycle", ""),
    ("Billing Specialist", "Revenue Cycle", ""),
    ("Prior Authorization Specialist", "Revenue Cycle", ""),
    ("Central Scheduler", "Revenue Cycle", ""),
    ("Collections Representative", "Revenue Cycle", ""),
    ("Epic Application Analyst", "Information Technology", ""),
    ("Health Information Systems Analyst", "Information Technology", ""),
    ("HIE Integration Analyst", "Information Technology", ""),
    ("Software Engineer", "Information Technology", ""),
    ("Medical Transcriptionist", "Support Services", ""),
    ("Security Officer", "Support Services", ""),
    ("Pharmacy Technician", "Allied Health", ""),
    ("Specialist II", "Support Services", "Greets visitors, restocks the gift shop and answers the phone."),
)
# Cheap filler for the large tenant: titles that are clearly not in the family.
FILLER = (("Registered Nurse - ICU", "Nursing"), ("Registered Nurse - Emergency", "Nursing"),
          ("Physical Therapist", "Allied Health"), ("Radiology Technologist", "Allied Health"),
          ("Pharmacist", "Allied Health"), ("Billing Representative", "Revenue Cycle"),
          ("Software Engineer", "Information Technology"), ("Housekeeper", "Support Services"),
          ("Security Officer", "Support Services"), ("Cook", "Support Services"))
CITIES = (("Columbus", "OH"), ("Denver", "CO"), ("Austin", "TX"), ("Tampa", "FL"), ("Phoenix", "AZ"))
# (slug, platform, identifiers, relevant per title, irrelevant per title)
MARKET = (
    ("summit-ridge-health", "workday", {"tenant": "summitridge", "instance": "wd5", "site": "External"}, 2, 2),
    ("great-lakes-health", "workday", {"tenant": "greatlakes", "instance": "wd1", "site": "GLH_Careers"}, 2, 0),
    ("mesquite-medical", "oracle", {"host": "mesquite.fa.us2.oraclecloud.com", "site_number": "CX_1"}, 2, 2),
    ("willow-creek-clinic", "greenhouse", {"token": "willowcreek"}, 1, 1),
    ("harborview-coding", "lever", {"token": "harborviewcoding"}, 1, 1),
    ("juniper-health", "smartrecruiters", {"company": "JuniperHealth1"}, 1, 1),
    ("copperline-roi", "ashby", {"token": "copperline-roi"}, 1, 1),
    ("magnolia-hospital", "jsonld", {"url": "http://placeholder/magnolia/careers/sitemap.xml"}, 1, 1),
    ("bayside-medical-center", "icims", {"host": "careers-bayside.icims.com"}, 2, 2),
)
LARGE_TENANT_POSTINGS = 2500
RESULT_CAP = 2000
DEAD_TENANT = {"tenant": "closedclinic", "instance": "wd5", "site": "External"}  # the server has no such board
# USAJOBS: family series, plus look-alikes in series outside the family whose titles name health information.
FEDERAL = (
    ("Medical Records Technician (Coder)", "0675", True),
    ("Medical Records Technician", "0675", True),
    ("Health Information Management Specialist", "0669", True),
    ("Supervisory Medical Records Administration Specialist", "0669", True),
    ("Cancer Registrar", "0675", True),
    ("IT Specialist (Health Information Systems)", "2210", False),
    ("Health Information Specialist", "2210", False),
    ("Health Information Program Analyst", "0301", False),
    ("Medical Support Assistant", "0679", False),
)


def _job(rng: random.Random, slug: str, number: int, title: str, family: str, body: str = "",
         series: str = "0675") -> DemoJob:
    city, state = rng.choice(CITIES)
    low = round(rng.uniform(17.0, 30.0), 2)
    return DemoJob(job_id=f"{slug}-{number}", title=title, city=city, state=state,
                   work_mode=rng.choice(("onsite", "hybrid", "remote")), pay=(low, round(low + 6.5, 2), "hour"),
                   pay_in="text", certs=(), employment="Full-time",
                   posted_at=NOW - timedelta(days=rng.randint(0, 40)), body=body, family=family, series=series)


def build_market(seed: int = 29_2072) -> tuple[list[DemoBoard], dict[str, bool]]:
    """The market's boards and the label of every posting (job_id -> relevant)."""
    rng = random.Random(seed)
    boards: list[DemoBoard] = []
    labels: dict[str, bool] = {}
    for slug, platform, identifiers, relevant_each, irrelevant_each in MARKET:
        employer = DemoEmployer(slug, slug.replace("-", " ").title(), "hospital", platform, identifiers, "Dayton", "OH")
        board = DemoBoard(employer)
        for entries, copies, label in ((RELEVANT, relevant_each, True), (IRRELEVANT, irrelevant_each, False)):
            for title, family, body in entries:
                for _ in range(copies):
                    job = _job(rng, slug, len(board.jobs), title, family, body)
                    board.jobs.append(job)
                    labels[job.job_id] = label
        rng.shuffle(board.jobs)
        boards.append(board)
    boards.append(_large_tenant(rng, labels))
    federal = DemoEmployer("veterans-health-demo", "Veterans Health Demonstration", "government", "usajobs",
                           {"organization": "VHDEMO"}, "Denver", "CO")
    board = DemoBoard(federal)
    for number, (title, series, label) in enumerate(FEDERAL):
        job = _job(rng, federal.slug, number, title, HIM if label else "Information Technology", series=series)
        board.jobs.append(job)
        labels[job.job_id] = label
    boards.append(board)
    return boards, labels


def _large_tenant(rng: random.Random, labels: dict[str, bool]) -> DemoBoard:
    """2,500 postings, a 2,000-result cap: a keyword crawl or a plain paging crawl cannot see them all."""
    employer = DemoEmployer("grand-prairie-health", "Grand Prairie Health", "hospital", "workday",
                            {"tenant": "grandprairie", "instance": "wd12", "site": "GPH_External"}, "Dallas", "TX")
    board = DemoBoard(employer, result_cap=RESULT_CAP)
    wanted = [(title, family, body, True) for title, family, body in RELEVANT] * 2
    wanted += [(title, family, body, False) for title, family, body in IRRELEVANT]
    while len(wanted) < LARGE_TENANT_POSTINGS:
        title, family = FILLER[len(wanted) % len(FILLER)]
        wanted.append((title, family, "", False))
    rng.shuffle(wanted)
    for number, (title, family, body, label) in enumerate(wanted):
        job = _job(rng, employer.slug, number, title, family, body)
        board.jobs.append(job)
        labels[job.job_id] = label
    return board


def market_registry_document(boards: list[DemoBoard], base_url: str) -> dict[str, Any]:
    employers = [{"slug": b.employer.slug, "name": b.employer.name, "employer_type": b.employer.employer_type,
                  "sources": [{"platform": b.employer.platform, **b.employer.identifiers,
                               "base_url": base_url + (icims_base_path(b.employer) if b.employer.platform == "icims" else "")}]}
                 for b in boards]
    employers.append({"slug": "closed-clinic", "name": "Closed Clinic", "employer_type": "hospital",
                      "sources": [{"platform": "workday", **DEAD_TENANT, "base_url": base_url}]})
    return {"employers": employers}


def is_detail_request(platform: str, info: RequestInfo) -> bool:
    """A request for one posting (not a listing page), by the platform's URL shape."""
    return {"workday": lambda: info.method == "GET" and "/job/" in info.path,
            "oracle": lambda: info.path.endswith("recruitingCEJobRequisitionDetails"),
            "greenhouse": lambda: re.search(r"/jobs/\d+$", info.path) is not None,
            "smartrecruiters": lambda: re.search(r"/postings/\d+$", info.path) is not None,
            "jsonld": lambda: "/careers/jobs/" in info.path,
            "icims": lambda: info.path.endswith("/job")}.get(platform, lambda: False)()


def platform_of_request(info: RequestInfo) -> str:
    path = info.path
    for platform, pattern in (("icims", r"^/icims/"), ("workday", r"^/wday/"), ("oracle", r"^/hcmRestApi/"), ("greenhouse", r"^/v1/boards/"),
                              ("lever", r"^/v0/postings/"), ("smartrecruiters", r"^/v1/companies/"),
                              ("ashby", r"^/posting-api/"), ("usajobs", r"^/api/Search"), ("jsonld", r"/careers")):
        if re.search(pattern, path):
            return platform
    return "other"


def stored_by_job(boards: list[DemoBoard], stored: set[tuple[str, str, str]]) -> set[str]:
    """The market's job ids whose posting was stored, matched by each platform's external id."""
    from emr_jobs.demo.render import numeric_id, smartrecruiters_id, uuid_id
    from emr_jobs.demo.render_enterprise import oracle_requisition, usajobs_item, workday_path

    external_id = {
        "greenhouse": lambda employer, job: str(numeric_id(job)),
        "lever": lambda employer, job: uuid_id(job),
        "smartrecruiters": lambda employer, job: smartrecruiters_id(job),
        "ashby": lambda employer, job: uuid_id(job),
        "jsonld": lambda employer, job: job.job_id,
        "workday": lambda employer, job: workday_path(job).rsplit("_", 1)[-1],
        "oracle": lambda employer, job: str(oracle_requisition(job)["Id"]),
        "usajobs": lambda employer, job: usajobs_item(employer, job)["MatchedObjectId"],
        "icims": lambda employer, job: str(numeric_id(job)),
    }
    stored_ids = {(platform, posting_id) for platform, _title, posting_id in stored}
    return {job.job_id for board in boards for job in board.jobs
            if (board.employer.platform, external_id[board.employer.platform](board.employer, job)) in stored_ids}
