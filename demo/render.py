"""Render demo jobs as each platform's API would send them, and route a server to them."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from emr_jobs.demo.boards import DemoBoard, DemoEmployer, DemoJob
from emr_jobs.demo.pages import (
    description_html,
    numeric_id,
    uuid_id,
)
from emr_jobs.demo.render_enterprise import oracle_routes, usajobs_routes, workday_routes
from emr_jobs.demo.server import Reply, RequestInfo

LEVER_INTERVALS = {"hour": "per-hour-wage", "year": "per-year-salary"}


# --- Greenhouse ----------------------------------------------------------------------------
def greenhouse_job(employer: DemoEmployer, job: DemoJob) -> dict:
    job_number = numeric_id(job)
    location = "Remote - United States" if job.work_mode == "remote" else f"{job.city}, {job.state}"
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/{employer.token}/jobs/{job_number}",
        "data_compliance": [{"type": "gdpr", "requires_consent": False, "retention_period": None}],
        "internal_job_id": job_number - 1_000_000,
        "location": {"name": location},
        "metadata": [{"id": 1, "name": "Employment Type", "value": job.employment, "value_type": "single_select"}],
        "id": job_number,
        "updated_at": job.posted_at.isoformat(),
        "requisition_id": f"REQ-{job_number % 100000}",
        "title": job.title,
        "company_name": employer.name,
        "first_published": job.posted_at.isoformat(),
        "language": "en",
        "content": html.escape(description_html(employer, job)),
        "departments": [{"id": 10, "name": "Health Information Management", "child_ids": [], "parent_id": None}],
        "offices": [{"id": 20, "name": location, "location": location, "child_ids": [], "parent_id": None}],
    }


def greenhouse_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_token = {b.employer.token: b for b in boards if b.employer.platform == "greenhouse"}

    def board(info: RequestInfo, match) -> Reply:
        found = by_token.get(match["token"])
        if found is None:
            return Reply(404, {"status": 404, "error": "Job not found"})
        jobs = [greenhouse_job(found.employer, job) for job in found.jobs]
        return Reply(200, {"jobs": jobs, "meta": {"total": len(jobs)}})

    def detail(info: RequestInfo, match) -> Reply:
        found = by_token.get(match["token"])
        job = next((j for j in (found.jobs if found else []) if str(numeric_id(j)) == match["job_id"]), None)
        if job is None:
            return Reply(404, {"status": 404, "error": "Job not found"})
        body = greenhouse_job(found.employer, job)
        ranges = []
        if job.pay and job.pay_in == "structured":
            low, high, period = job.pay
            ranges.append({"min_cents": int(round(low * 100)), "max_cents": int(round(high * 100)),
                           "currency_type": "USD",
                           "title": "Hourly Pay Range" if period == "hour" else "Annual Salary Range", "blurb": None})
        body["pay_input_ranges"] = ranges
        return Reply(200, body)

    return [("GET", r"/v1/boards/(?P<token>[^/]+)/jobs", board),
            ("GET", r"/v1/boards/(?P<token>[^/]+)/jobs/(?P<job_id>\d+)", detail)]


# --- Lever ---------------------------------------------------------------------------------
def lever_posting(employer: DemoEmployer, job: DemoJob) -> dict:
    posting_id = uuid_id(job)
    workplace = {"onsite": "on-site", "hybrid": "hybrid", "remote": "remote", "unknown": "unspecified"}[job.work_mode]
    location = f"{job.city}, {job.state}"
    posting = {
        "id": posting_id,
        "text": job.title,
        "categories": {"commitment": job.employment, "department": "Health Information",
                       "location": location, "team": "HIM", "allLocations": [location]},
        "country": "US",
        "createdAt": int(job.posted_at.timestamp() * 1000),
        "opening": "",
        "openingPlain": "",
        "descriptionBody": description_html(employer, job),
        "description": description_html(employer, job),
        "lists": [],
        "additional": "<div>Equal opportunity employer.</div>",
        "additionalPlain": "Equal opportunity employer.",
        "hostedUrl": f"https://jobs.lever.co/{employer.token}/{posting_id}",
        "applyUrl": f"https://jobs.lever.co/{employer.token}/{posting_id}/apply",
        "workplaceType": workplace,
    }
    if job.pay and job.pay_in == "structured":
        low, high, period = job.pay
        posting["salaryRange"] = {"currency": "USD", "interval": LEVER_INTERVALS[period], "min": low, "max": high}
    return posting


def lever_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_token = {b.employer.token: b for b in boards if b.employer.platform == "lever"}

    def board(info: RequestInfo, match) -> Reply:
        found = by_token.get(match["token"])
        if found is None:
            return Reply(404, {"ok": False, "error": "Document not found"})
        return Reply(200, [lever_posting(found.employer, job) for job in found.jobs])

    return [("GET", r"/v0/postings/(?P<token>[^/]+)", board)]


# --- SmartRecruiters ------------------------------------------------------------------------
SMARTRECRUITERS_PERIODS = {"hour": "HOURLY", "year": "YEARLY"}


def smartrecruiters_id(job: DemoJob) -> str:
    return str(numeric_id(job) * 100)  # 15-16 digits, as SmartRecruiters posting ids are


def smartrecruiters_posting(employer: DemoEmployer, job: DemoJob, detail: bool = False) -> dict:
    posting_id = smartrecruiters_id(job)
    location = {"city": job.city, "region": job.state, "country": "us",
                "fullLocation": f"{job.city}, {job.state}, United States"}
    if job.work_mode != "unknown":
        location |= {"remote": job.work_mode == "remote", "hybrid": job.work_mode == "hybrid"}
    posting = {"id": posting_id, "name": job.title, "refNumber": f"REQ-{posting_id[-5:]}",
               "company": {"identifier": employer.identifiers["company"], "name": employer.name},
               "releasedDate": job.posted_at.isoformat().replace("+00:00", "Z"), "location": location,
               "department": {}, "typeOfEmployment": {"id": "permanent", "label": job.employment}}
    if detail:
        url = f"https://jobs.smartrecruiters.com/{employer.identifiers['company']}/{posting_id}"
        posting |= {"active": True, "postingUrl": url, "applyUrl": f"{url}?oga=true",
                    "jobAd": {"sections": {"jobDescription": {"title": "Job Description",
                                                              "text": description_html(employer, job)}}}}
        if job.pay and job.pay_in == "structured":
            low, high, period = job.pay
            posting["compensation"] = {"min": low, "max": high, "currency": "USD",
                                       "period": SMARTRECRUITERS_PERIODS[period]}
    return posting


def smartrecruiters_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_company = {b.employer.identifiers.get("company"): b for b in boards if b.employer.platform == "smartrecruiters"}
    page_size = 5  # small pages, so that the demo pages too

    def postings(info: RequestInfo, match) -> Reply:
        found = by_company.get(match["company"])
        if found is None:
            return Reply(200, {"offset": 0, "limit": 100, "totalFound": 0, "content": []})
        offset = int(info.query.get("offset", ["0"])[0])
        content = [smartrecruiters_posting(found.employer, job) for job in found.jobs[offset:offset + page_size]]
        return Reply(200, {"offset": offset, "limit": page_size, "totalFound": len(found.jobs), "content": content})

    def detail(info: RequestInfo, match) -> Reply:
        found = by_company.get(match["company"])
        job = next((j for j in (found.jobs if found else []) if smartrecruiters_id(j) == match["posting_id"]), None)
        if job is None:
            return Reply(404, {"message": "Posting not found"})
        return Reply(200, smartrecruiters_posting(found.employer, job, detail=True))

    return [("GET", r"/v1/companies/(?P<company>[^/]+)/postings", postings),
            ("GET", r"/v1/companies/(?P<company>[^/]+)/postings/(?P<posting_id>\d+)", detail)]


# --- Ashby ---------------------------------------------------------------------------------
ASHBY_WORKPLACE = {"onsite": "OnSite", "hybrid": "Hybrid", "remote": "Remote", "unknown": None}
ASHBY_EMPLOYMENT = {"Full-time": "FullTime", "Part-time": "PartTime", "Per Diem": "PartTime", "Contract": "Contract"}


def ashby_job(employer: DemoEmployer, job: DemoJob) -> dict:
    job_id = uuid_id(job)
    posting = {"id": job_id, "title": job.title, "department": "Health Information", "team": "HIM",
               "employmentType": ASHBY_EMPLOYMENT[job.employment], "location": f"{job.city}, {job.state}",
               "secondaryLocations": [], "publishedAt": job.posted_at.isoformat(), "isListed": True,
               "isRemote": job.work_mode == "remote" if job.work_mode != "unknown" else None,
               "workplaceType": ASHBY_WORKPLACE[job.work_mode],
               "address": {"postalAddress": {"addressLocality": job.city, "addressRegion": job.state,
                                             "addressCountry": "USA"}},
               "jobUrl": f"https://jobs.ashbyhq.com/{employer.token}/{job_id}",
               "applyUrl": f"https://jobs.ashbyhq.com/{employer.token}/{job_id}/application",
               "descriptionHtml": description_html(employer, job)}
    if job.pay and job.pay_in == "structured":
        low, high, period = job.pay
        summary = f"${low:,.0f} – ${high:,.0f}" if period == "year" else f"${low:.2f} – ${high:.2f} per hour"
        posting["compensation"] = {"compensationTierSummary": summary, "summaryComponents": [
            {"summary": summary, "compensationType": "Salary", "interval": "1 YEAR" if period == "year" else "1 HOUR",
             "currencyCode": "USD", "minValue": low, "maxValue": high}]}
    else:
        posting["compensation"] = {"compensationTierSummary": None}
    return posting


def ashby_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    by_token = {b.employer.token: b for b in boards if b.employer.platform == "ashby"}

    def board(info: RequestInfo, match) -> Reply:
        found = by_token.get(match["token"])
        if found is None:
            return Reply(404, {"success": False, "errorInfo": {"code": "not_found"}})
        return Reply(200, {"apiVersion": "1", "jobs": [ashby_job(found.employer, job) for job in found.jobs]})

    return [("GET", r"/posting-api/job-board/(?P<token>[^/]+)", board)]


# --- schema.org JobPosting pages -----------------------------------------------------------
SCHEMA_EMPLOYMENT = {"Full-time": "FULL_TIME", "Part-time": "PART_TIME", "Per Diem": "PER_DIEM", "Contract": "CONTRACTOR"}


def job_posting_jsonld(employer: DemoEmployer, job: DemoJob, url: str) -> dict:
    node = {"@context": "https://schema.org", "@type": "JobPosting", "title": job.title,
            "description": description_html(employer, job), "url": url,
            "identifier": {"@type": "PropertyValue", "name": employer.name, "value": job.job_id},
            "datePosted": job.posted_at.isoformat(), "employmentType": SCHEMA_EMPLOYMENT[job.employment],
            "hiringOrganization": {"@type": "Organization", "name": employer.name},
            "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": job.city,
                                                          "addressRegion": job.state, "addressCountry": "US"}}}
    if job.work_mode == "remote":
        node |= {"jobLocationType": "TELECOMMUTE", "applicantLocationRequirements": {"@type": "Country", "name": "USA"}}
    if job.pay and job.pay_in == "structured":
        low, high, period = job.pay
        node["baseSalary"] = {"@type": "MonetaryAmount", "currency": "USD", "value": {
            "@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitText": period.upper()}}
    return node


def jsonld_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    """Each employer's site under /{site}/careers/: a sitemap or a listing page leads to job pages."""
    by_site = {b.employer.identifiers["url"].split("/")[3]: b for b in boards if b.employer.platform == "jsonld"}

    def site_of(match) -> DemoBoard | None:
        return by_site.get(match["site"])

    def sitemap(info: RequestInfo, match) -> Reply:
        found = site_of(match)
        if found is None:
            return Reply(404, "<html><body>Not found</body></html>", "text/html")
        root = f"http://{info.headers.get('Host', '127.0.0.1')}/{match['site']}/careers/jobs"
        urls = "".join(f"<url><loc>{root}/{job.job_id}</loc></url>" for job in found.jobs)
        return Reply(200, '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                          f'sitemap/0.9">{urls}</urlset>', "application/xml")

    def listing(info: RequestInfo, match) -> Reply:
        found = site_of(match)
        if found is None:
            return Reply(404, "<html><body>Not found</body></html>", "text/html")
        links = "".join(f'<li><a href="jobs/{job.job_id}">{html.escape(job.title)}</a></li>' for job in found.jobs)
        return Reply(200, f"<html><body><h1>Careers at {html.escape(found.employer.name)}</h1><a href='/'>Home</a>"
                          f"<ul>{links}</ul></body></html>", "text/html; charset=utf-8")

    def page(info: RequestInfo, match) -> Reply:
        found = site_of(match)
        job = next((j for j in (found.jobs if found else []) if j.job_id == match["job_id"]), None)
        if job is None:
            return Reply(404, "<html><body>This job is no longer available.</body></html>", "text/html")
        url = f"http://{info.headers.get('Host', '127.0.0.1')}{info.path}"
        block = json.dumps(job_posting_jsonld(found.employer, job, url)).replace("</", "<\\/")
        return Reply(200, f'<html><head><title>{html.escape(job.title)}</title><script type="application/ld+json">'
                          f"{block}</script></head><body><h1>{html.escape(job.title)}</h1></body></html>",
                     "text/html; charset=utf-8")

    return [("GET", r"/(?P<site>[^/]+)/careers/sitemap\.xml", sitemap),
            ("GET", r"/(?P<site>[^/]+)/careers/?", listing),
            ("GET", r"/(?P<site>[^/]+)/careers/jobs/(?P<job_id>[^/]+)", page)]


# --- iCIMS portals ------------------------------------------------------------------------------
ICIMS_PAGE_SIZE = 20  # rows a portal's search page shows


def icims_base_path(employer: DemoEmployer) -> str:
    """The path under which the demo server serves an iCIMS portal (its registry base_url's path)."""
    return f"/icims/{employer.identifiers['host']}"


def icims_slug(job: DemoJob) -> str:
    return "-".join(part for part in "".join(c.lower() if c.isalnum() else " " for c in job.title).split())


def icims_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    """Search pages (`pr` from 0, the whole portal, no keyword honoured here) and job pages with
    JobPosting markup, as iCIMS portals serve them with `in_iframe=1`."""
    by_host = {b.employer.identifiers.get("host"): b for b in boards if b.employer.platform == "icims"}

    def search(info: RequestInfo, match) -> Reply:
        found = by_host.get(match["host"])
        if found is None:
            return Reply(404, "<html><body>Not found</body></html>", "text/html")
        page = int(info.query.get("pr", ["0"])[0])
        jobs = found.jobs[page * ICIMS_PAGE_SIZE:(page + 1) * ICIMS_PAGE_SIZE]
        root = f"https://{match['host']}"
        rows = "".join(
            f'<div class="row"><div class="col-xs-12 title"><a href="{root}/jobs/{numeric_id(job)}/{icims_slug(job)}'
            f'/job?in_iframe=1" class="iCIMS_Anchor" title="{numeric_id(job)} - {html.escape(job.title)}">'
            f'<span class="sr-only field-label">Title</span><h3>{html.escape(job.title)}</h3></a></div>'
            f'<div class="col-xs-6 header left"><span>US-{job.state}-{html.escape(job.city)}</span></div></div>'
            for job in jobs)
        more = (page + 1) * ICIMS_PAGE_SIZE < len(found.jobs)
        pager = (f'<a href="{root}/jobs/search?pr={page + 1}&amp;in_iframe=1" class="glyphicons chevron-right">'
                 '</a>' if more else '<a class="glyphicons chevron-right disabled"></a>')
        return Reply(200, f'<html><body class="iCIMS_MainWrapper"><div class="container-fluid iCIMS_JobsTable">{rows}'
                          f'</div><div class="iCIMS_Paging">{pager}</div></body></html>', "text/html; charset=utf-8")

    def page(info: RequestInfo, match) -> Reply:
        found = by_host.get(match["host"])
        job = next((j for j in (found.jobs if found else []) if str(numeric_id(j)) == match["job_id"]), None)
        if job is None:
            return Reply(404, "<html><body>Not found</body></html>", "text/html")
        url = f"https://{match['host']}/jobs/{match['job_id']}/{icims_slug(job)}/job"
        block = json.dumps(job_posting_jsonld(found.employer, job, url)).replace("</", "<\\/")
        return Reply(200, f'<html><head><script type="application/ld+json">{block}</script></head>'
                          f'<body class="iCIMS_MainWrapper"><h1>{html.escape(job.title)}</h1></body></html>',
                     "text/html; charset=utf-8")

    return [("GET", r"/icims/(?P<host>[^/]+)/jobs/search", search),
            ("GET", r"/icims/(?P<host>[^/]+)/jobs/(?P<job_id>\d+)/[^/]+/job", page)]


ROUTE_BUILDERS = (greenhouse_routes, lever_routes, smartrecruiters_routes, ashby_routes, jsonld_routes, icims_routes,
                  workday_routes, oracle_routes, usajobs_routes)


def all_routes(boards: list[DemoBoard]) -> list[tuple[str, str, Callable]]:
    routes = []
    for builder in ROUTE_BUILDERS:
        routes += builder(boards)
    return routes
