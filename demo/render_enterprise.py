"""Render demo jobs as Workday CXS, Oracle Recruiting Cloud and USAJOBS send them, with routes.

These platforms search (Workday `searchText`, Oracle `keyword`, USAJOBS `Keyword`) like a plain
keyword engine on titles only: a job matches when every word of the query is a word of its title, so
a keyword crawl finds only the titles that happen to contain its phrases. Workday also filters by
`appliedFacets`, returns job family group and location facets with counts, and, for a board with a
`result_cap`, reports at most the cap as `total` and serves page 0 again past it, as large tenants
do. USAJOBS filters by `JobCategoryCode` (series) and `Organization`. None of them has a structured
pay field except USAJOBS, so on Workday and Oracle the pay always sits in the text.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from emr_jobs.demo.boards import NOW, DemoBoard, DemoEmployer, DemoJob
from emr_jobs.demo.pages import description_html, numeric_id, pay_sentence
from emr_jobs.demo.server import Reply, RequestInfo

WORKDAY_REMOTE = {"onsite": "On-site", "hybrid": "Hybrid", "remote": "Remote"}
ORACLE_WORKPLACE = {"onsite": ("ORA_ON_SITE", "On-site"), "hybrid": ("ORA_HYBRID", "Hybrid"),
                    "remote": ("ORA_REMOTE", "Remote")}
USAJOBS_SCHEDULES = {"Full-time": ("Full-time", "1"), "Part-time": ("Part-time", "2"),
                     "Per Diem": ("Intermittent", "4"), "Contract": ("Full-time", "1")}
STATE_NAMES = {"AZ": "Arizona", "CA": "California", "CO": "Colorado", "FL": "Florida", "IL": "Illinois",
               "MT": "Montana", "NC": "North Carolina", "OH": "Ohio", "TN": "Tennessee", "TX": "Texas",
               "WA": "Washington", "NM": "New Mexico"}
EASTERN = ZoneInfo("America/New_York")
SERIES_NAMES = {"0675": "Medical Records Technician", "0669": "Medical Records Administration",
                "2210": "Information Technology Management", "0301": "Miscellaneous Administration And Program",
                "0303": "Miscellaneous Clerk And Assistant", "0610": "Nurse", "0679": "Medical Support Assistance"}


def _description(employer: DemoEmployer, job: DemoJob) -> str:
    """The description, with the pay sentence whenever the job has pay (no structured field here)."""
    text = description_html(employer, job)
    if job.pay and job.pay_in == "structured":
        text += f"<p>{pay_sentence(job)}</p>"
    return text


def _matches(employer: DemoEmployer, job: DemoJob, query: str | None) -> bool:
    """A plain keyword search on the title: every word of the query is a word of the title."""
    words = re.findall(r"[a-z0-9]+", (query or "").lower())
    title_words = set(re.findall(r"[a-z0-9]+", job.title.lower()))
    return all(word in title_words for word in words)


def _facet_id(descriptor: str) -> str:
    return f"{zlib.crc32(descriptor.encode()):08x}"


def _workday_location(job: DemoJob) -> str:
    return "Remote - USA" if job.work_mode == "remote" else f"{job.city}, {job.state}"


WORKDAY_FACETS = {"jobFamilyGroup": lambda job: job.family, "locations": _workday_location}


def workday_facets(jobs: list[DemoJob]) -> list[dict]:
    """The facets a tenant returns with a search: job family group, and locations under a group."""
    def values(key) -> list[dict]:
        counts: dict[str, int] = {}
        for job in jobs:
            counts[key(job)] = counts.get(key(job), 0) + 1
        return [{"descriptor": name, "id": _facet_id(name), "count": count} for name, count in sorted(counts.items())]

    return [{"facetParameter": "jobFamilyGroup", "descriptor": "Job Category", "values": values(lambda j: j.family)},
            {"facetParameter": "locationMainGroup", "values": [
                {"facetParameter": "locations", "descriptor": "Locations", "values": values(_workday_location)}]}]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


# --- Workday ---------------------------------------------------------------------------------
def workday_path(job: DemoJob) -> str:
    place = "Remote-USA" if job.work_mode == "remote" else _slug(f"{job.city} {job.state}")
    return f"/job/{place}/{_slug(job.title)}_JR-{numeric_id(job) - 4_000_000_000}"


def workday_listing(job: DemoJob) -> dict:
    days = (NOW - job.posted_at).days
    posted = "Posted Today" if days == 0 else "Posted Yesterday" if days == 1 else (
        f"Posted {days} Days Ago" if days < 30 else "Posted 30+ Days Ago")
    listing = {"title": job.title, "externalPath": workday_path(job),
               "locationsText": "Remote - USA" if job.work_mode == "remote" else f"{job.city}, {job.state}",
               "postedOn": posted, "bulletFields": [workday_path(job).rsplit("_", 1)[1]]}
    if job.work_mode in WORKDAY_REMOTE:
        listing["remoteType"] = WORKDAY_REMOTE[job.work_mode]
    return listing


def workday_detail(employer: DemoEmployer, job: DemoJob) -> dict:
    listing = workday_listing(job)
    info = {"id": f"{numeric_id(job):x}", "title": job.title, "jobDescription": _description(employer, job),
            "location": listing["locationsText"], "postedOn": listing["postedOn"],
            "startDate": job.posted_at.date().isoformat(), "timeType": job.employment.replace("-", " ").capitalize(),
            "jobReqId": listing["bulletFields"][0], "jobPostingId": listing["externalPath"].rsplit("/", 1)[1],
            "country": {"descriptor": "United States of America", "id": "bc33aa3152ec42d4995f4791a106ed09"},
            "canApply": True, "posted": True,
            "externalUrl": f"https://{employer.identifiers['tenant']}.wd5.myworkdayjobs.com/"
                           f"{employer.identifiers['site']}{listing['externalPath']}"}
    if "remoteType" in listing:
        info["remoteType"] = listing["remoteType"]
    return {"jobPostingInfo": info, "hiringOrganization": {"name": employer.name, "url": ""},
            "similarJobs": [], "userAuthenticated": False}


def workday_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_tenant = {b.employer.identifiers.get("tenant"): b for b in boards if b.employer.platform == "workday"}

    def search(info: RequestInfo, match) -> Reply:
        found = by_tenant.get(match["tenant"])
        body = info.json()
        if not isinstance(body, dict) or set(body) != {"appliedFacets", "limit", "offset", "searchText"}:
            return Reply(422, {"errorCode": "HTTP_422", "message": "Unprocessable Entity"})
        if found is None:
            return Reply(404, {"errorCode": "S22", "message": "Not found"})
        applied = body["appliedFacets"] if isinstance(body["appliedFacets"], dict) else {}
        jobs = [job for job in found.jobs if _matches(found.employer, job, body["searchText"])
                and all(_facet_id(WORKDAY_FACETS[name](job)) in ids
                        for name, ids in applied.items() if name in WORKDAY_FACETS)]
        offset, limit = int(body["offset"]), int(body["limit"])
        cap = found.result_cap
        if cap is not None and offset >= cap:
            offset = 0  # past the cap, the tenant serves page 0 again
        total = min(len(jobs), cap) if cap is not None else len(jobs)
        page = [workday_listing(job) for job in jobs[offset:offset + limit]]
        return Reply(200, {"total": total if offset == 0 else 0, "jobPostings": page,
                           "facets": workday_facets(jobs), "userAuthenticated": False})

    def detail(info: RequestInfo, match) -> Reply:
        found = by_tenant.get(match["tenant"])
        job = next((j for j in (found.jobs if found else []) if workday_path(j) == match["path"]), None)
        if job is None:
            return Reply(404, {"errorCode": "S22", "message": "The page you are looking for doesn't exist."})
        return Reply(200, workday_detail(found.employer, job))

    return [("POST", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)/jobs", search),
            ("GET", r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)(?P<path>/job/.+)", detail)]


# --- Oracle Recruiting Cloud -----------------------------------------------------------------
def oracle_requisition(job: DemoJob) -> dict:
    requisition = {"Id": str(numeric_id(job) % 1_000_000), "Title": job.title,
                   "PostedDate": job.posted_at.date().isoformat(), "PostingEndDate": None,
                   "PrimaryLocation": "United States" if job.work_mode == "remote" else f"{job.city}, {job.state}, United States",
                   "PrimaryLocationCountry": "US", "JobSchedule": job.employment.replace("-", " ").capitalize(),
                   "JobFamily": "Health Information Management", "ShortDescriptionStr": job.title,
                   "WorkplaceType": "", "secondaryLocations": [], "requisitionFlexFields": []}
    if job.work_mode in ORACLE_WORKPLACE:
        requisition["WorkplaceTypeCode"], requisition["WorkplaceType"] = ORACLE_WORKPLACE[job.work_mode]
    return requisition


def oracle_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_site = {b.employer.identifiers.get("site_number"): b for b in boards if b.employer.platform == "oracle"}

    def finder(info: RequestInfo) -> dict[str, str]:
        text = info.query.get("finder", [""])[0]
        return dict(part.split("=", 1) for part in text.partition(";")[2].split(",") if "=" in part)

    def search(info: RequestInfo, match) -> Reply:
        fields = finder(info)
        found = by_site.get(fields.get("siteNumber"))
        jobs = [job for job in (found.jobs if found else [])
                if _matches(found.employer, job, fields.get("keyword", "").strip('"'))]
        offset, limit = int(fields.get("offset", 0)), min(int(fields.get("limit", 25)), 200)
        envelope = {"Limit": limit, "Offset": offset, "TotalJobsCount": len(jobs) if offset == 0 else 0,
                    "SiteNumber": fields.get("siteNumber"), "Keyword": fields.get("keyword"),
                    "requisitionList": [oracle_requisition(job) for job in jobs[offset:offset + limit]]}
        if "requisitionList" not in info.query.get("expand", [""])[0]:
            del envelope["requisitionList"]
        return Reply(200, {"items": [envelope], "count": 1, "hasMore": False, "limit": limit, "offset": 0})

    def detail(info: RequestInfo, match) -> Reply:
        fields = finder(info)
        found = by_site.get(fields.get("siteNumber"))
        wanted = fields.get("Id", "").strip('"')
        job = next((j for j in (found.jobs if found else []) if oracle_requisition(j)["Id"] == wanted), None)
        if job is None:
            return Reply(200, {"items": [], "count": 0, "hasMore": False})
        requisition = oracle_requisition(job) | {"ExternalDescriptionStr": _description(found.employer, job),
                                                 "ExternalQualificationsStr": "", "ExternalResponsibilitiesStr": "",
                                                 "ExternalPostedStartDate": job.posted_at.isoformat()}
        return Reply(200, {"items": [requisition], "count": 1, "hasMore": False})

    return [("GET", r"/hcmRestApi/resources/latest/recruitingCEJobRequisitions", search),
            ("GET", r"/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails", detail)]


# --- USAJOBS ---------------------------------------------------------------------------------
def usajobs_item(employer: DemoEmployer, job: DemoJob) -> dict:
    object_id = str(numeric_id(job) % 1_000_000_000)
    if job.work_mode == "remote":
        place = {"LocationName": "Anywhere in the U.S. (remote job)", "CountryCode": "United States",
                 "CountrySubDivisionCode": "", "CityName": "Anywhere in the U.S. (remote job)"}
    else:
        state = STATE_NAMES.get(job.state, job.state)
        place = {"LocationName": f"{job.city}, {state}", "CountryCode": "United States",
                 "CountrySubDivisionCode": state, "CityName": f"{job.city}, {state}"}
    pay = []
    if job.pay:
        low, high, period = job.pay
        pay = [{"MinimumRange": str(float(low)), "MaximumRange": str(float(high)),  # "44488.0", "25.78"
                "RateIntervalCode": "PA" if period == "year" else "PH",
                "Description": "Per Year" if period == "year" else "Per Hour"}]
    posted = job.posted_at.astimezone(EASTERN).replace(tzinfo=None)
    closes = posted + timedelta(days=14)
    details = {"JobSummary": description_html(employer, job), "MajorDuties": [], "Education": "",
               "Requirements": "", "LowGrade": "5", "HighGrade": "7", "WhoMayApply": {"Name": "", "Code": ""}}
    if job.work_mode != "unknown":
        details |= {"TeleworkEligible": job.work_mode == "hybrid", "RemoteIndicator": job.work_mode == "remote"}
    name, code = USAJOBS_SCHEDULES[job.employment]
    return {"MatchedObjectId": object_id, "RelevanceRank": 0, "MatchedObjectDescriptor": {
        "PositionID": f"DEMO-{object_id[-6:]}", "PositionTitle": job.title,
        "PositionURI": f"https://www.usajobs.gov:443/GetJob/ViewDetails/{object_id}",
        "PositionLocationDisplay": place["LocationName"], "PositionLocation": [place],
        "OrganizationName": employer.name, "DepartmentName": "Department of Demonstration Affairs",
        "JobCategory": [{"Name": SERIES_NAMES.get(job.series, "Miscellaneous"), "Code": job.series}],
        "JobGrade": [{"Code": "GS"}],
        "PositionSchedule": [{"Name": name, "Code": code}], "QualificationSummary": "",
        "PositionRemuneration": pay, "PublicationStartDate": posted.strftime("%Y-%m-%dT%H:%M:%S.0000"),
        "ApplicationCloseDate": closes.strftime("%Y-%m-%dT23:59:59.9970"),
        "UserArea": {"Details": details, "IsRadialSearch": False}}}


def usajobs_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_organization = {b.employer.identifiers.get("organization"): b for b in boards
                       if b.employer.platform == "usajobs"}

    def search(info: RequestInfo, match) -> Reply:
        found = by_organization.get(info.query.get("Organization", [""])[0])
        series = info.query.get("JobCategoryCode", [""])[0]
        keyword = info.query.get("Keyword", [""])[0]
        jobs = [job for job in (found.jobs if found else [])
                if (not series or job.series in series.split(";")) and _matches(found.employer, job, keyword)]
        page, per_page = int(info.query.get("Page", ["1"])[0]), int(info.query.get("ResultsPerPage", ["25"])[0])
        per_page = min(per_page, 5)  # small pages, so that the demo pages too
        items = [usajobs_item(found.employer, job) for job in jobs[(page - 1) * per_page:page * per_page]]
        pages = -(-len(jobs) // per_page)
        return Reply(200, {"LanguageCode": "EN", "SearchParameters": {}, "SearchResult": {
            "SearchResultCount": len(items), "SearchResultCountAll": len(jobs), "SearchResultItems": items,
            "UserArea": {"NumberOfPages": str(pages), "IsRadialSearch": False}}})

    return [("GET", r"/api/Search", search)]
