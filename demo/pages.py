"""What every platform's rendering of a demo job shares: its ids, its description HTML (duties,
qualifications, certifications, work mode, pay) and its pay sentence."""

from __future__ import annotations

import html
import uuid
import zlib

from emr_jobs.demo.boards import DemoEmployer, DemoJob

WORK_MODE_SENTENCES = {
    "onsite": "This position is on-site at our {city} campus; it is not a remote position.",
    "hybrid": "Hybrid schedule: three days a week on-site in {city} and two days working from home.",
    "remote": "This is a fully remote, work-from-home position open to candidates in the United States.",
    "unknown": "",
}
PERIOD_WORDS = {"hour": "per hour", "year": "per year"}


def numeric_id(job: DemoJob) -> int:
    return 4_000_000_000 + zlib.crc32(job.job_id.encode())


def uuid_id(job: DemoJob) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, job.job_id))


def pay_sentence(job: DemoJob) -> str:
    low, high, period = job.pay
    if period == "year":
        return f"Pay range: ${low:,.0f} - ${high:,.0f} {PERIOD_WORDS[period]}, based on experience."
    return f"Compensation: ${low:.2f} - ${high:.2f} {PERIOD_WORDS[period]}, plus shift differentials where applicable."


# What a posting asks for in experience, one per job (picked from its id, so the boards' other
# values stay as generated): the career outlook has entry-level and experienced jobs to compare.
EXPERIENCE_LINES = (
    "No experience required; new graduates are welcome",
    "One year of experience in a health information or medical office setting",
    "Two to three years of experience in health information management",
    "Three or more years of progressive experience in health information",
)


def description_html(employer: DemoEmployer, job: DemoJob) -> str:
    required = [code for code, strength in job.certs if strength == "required"]
    preferred = [code for code, strength in job.certs if strength == "preferred"]
    obtain = [code for code, strength in job.certs if strength == "obtain"]
    duties = (f"<p>{html.escape(job.body)}</p>" if job.body else
              "<ul><li>Maintain complete, accurate electronic health records</li>"
              "<li>Respond to requests for records in line with HIPAA</li></ul>")
    parts = [f"<p>{html.escape(employer.name)} is hiring a {html.escape(job.title)} to join our team.</p>",
             f"<h3>What you will do</h3>{duties}",
             "<h3>Required Qualifications</h3><ul><li>High school diploma or equivalent</li>",
             f"<li>{EXPERIENCE_LINES[numeric_id(job) % len(EXPERIENCE_LINES)]}</li>"]
    parts += [f"<li>{code} certification required</li>" for code in required]
    parts += [f"<li>Must obtain {code} within 12 months of hire</li>" for code in obtain]
    parts.append("</ul>")
    if preferred:
        parts.append("<h3>Preferred Qualifications</h3><ul>")
        parts += [f"<li>{code} preferred</li>" for code in preferred]
        parts.append("</ul>")
    sentence = WORK_MODE_SENTENCES[job.work_mode].format(city=job.city)
    if sentence:
        parts.append(f"<p>{sentence}</p>")
    if job.pay and job.pay_in == "text":
        parts.append(f"<p>{pay_sentence(job)}</p>")
    parts.append("<p>We offer medical, dental and vision coverage, a 403(b) with 4% match and paid time off.</p>")
    return "".join(parts)
