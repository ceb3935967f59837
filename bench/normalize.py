"""Benchmark: normalize() throughput on one core over >= 20,000 generated postings.

Postings are templated deterministically (seeded random) from varied titles, employers, pay and
work-mode phrasings, credentials, experience/education/schedule phrasings and 2-4 KB descriptions, some
as (escaped) HTML. Prints postings/second, the ratio to the 5,000/s target and the ratio to
a reference pass over the same descriptions measured in the same run (reference_pass); with
--profile, the normalizers' share of the time (cProfile, cumulative) instead; with --bare, nothing but
normalize() over the postings (for an instruction count under callgrind: README "Normalizer speed").

    .venv/bin/python bench/normalize.py [--count 20000] [--seed 7] [--profile | --bare]
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emr_jobs.pipeline.normalize import normalize  # noqa: E402

TARGET_PER_SECOND = 5_000

TITLES = [
    "Medical Records Clerk", "Release of Information Specialist", "Inpatient Coder II", "Outpatient Coder",
    "Clinical Documentation Integrity Specialist", "Cancer Registrar", "HIM Manager", "Director of HIM",
    "EHR Specialist", "Document Imaging Specialist", "Risk Adjustment Coder - Remote", "Registered Nurse",
    "Patient Access Representative", "Epic HIM Analyst", "Medical Biller", "Health Information Technician",
    "Per Diem Coder", "Trauma Registrar", "Coding Auditor", "Medical Records Supervisor",
]
EMPLOYERS = [
    "Mercy Regional Medical Center", "Department of Veterans Affairs", "Datavant", "Blue Valley Health Plan",
    "Lakeside Surgery Center", "Sunrise Senior Living", "Family Medicine Associates", "Oracle Health",
    "County of Riverside", "Robert Half", "Crescent Home Health", "St. Luke's Hospital", "Acme Analytics",
]
LOCATIONS = ["Riverton, WY", "Remote - United States", "Houston, Texas, US", "Salem VA Medical Center, Salem, VA",
             "Remote", "San Antonio, US", "Tacoma, WA", "Boise, ID", "Hybrid - Raleigh, NC"]
PAY = [
    "Pay: ${a}.50 - ${b}.00 per hour.", "Salary: ${c},000 - ${d},000 per year.", "Compensation: ${c}K-${d}K",
    "Earn up to ${b}/hr.", "Pay starts at ${a}.25 an hour.", "Biweekly salary range: $1,9{a}.60 - $2,6{b}.80",
    "Pay is commensurate with experience.", "A $3,000 sign-on bonus is available.",
    "Salary $4{a},949 to - $6{b},031 per year; Pay scale & grade GS 5 - 7",
]
WORK = [
    "This is a remote position open to residents of any U.S. state.", "This position is on-site at the hospital.",
    "Hybrid: two days a week in the office, three from home.", "This is not a remote position.",
    "Remote job: No\nTelework eligible: Yes—ADHOC – as determined by the agency policy", "",
    "Remote after training; must reside in TX, OK or LA.",
]
CERTS = [
    "RHIT or RHIA required", "CCS required", "CPC, CCS or CCA preferred", "CEHRS must be earned within six months",
    "RHIT eligible", "Epic certification required within 12 months of hire", "CIC (infection control) preferred",
    "CPC a plus", "ODS-C (formerly CTR) required", "BLS required",
]
EXPERIENCE = ["Two years of experience", "1-2 years of release of information experience", "No experience required",
              "Minimum of three (3) years of inpatient coding experience", "Six months of clerical experience",
              "One year of specialized experience equivalent to GS-5"]
EDUCATION = ["High school diploma or GED", "Associate degree in HIM or equivalent experience",
             "Bachelor's degree in health information management", "Completion of a coding certificate program", ""]
SCHEDULE = ["Schedule: full-time, day shift", "Part-time, 20 hours a week", "Per diem; evening shift", "", ""]
FILLER = [
    "Review records for completeness and route deficiencies to providers for signature.",
    "Scan and index documents into the electronic health record and verify image quality.",
    "Process requests for records under HIPAA and state law and log every disclosure.",
    "Assign ICD-10-CM, ICD-10-PCS and CPT codes and determine the MS-DRG for each encounter.",
    "Work with the CDI team on queries and reconcile working and final DRGs.",
    "Maintain the master patient index and merge duplicate medical record numbers.",
    "We offer medical, dental and vision insurance, a 401(k) with a 6% match and tuition reimbursement.",
    "Our team supports 12 hospitals and 80 clinics across the region with more than 2,000 beds.",
]


def make_posting(rng: random.Random, index: int) -> dict:
    values = {"a": rng.randint(15, 29), "b": rng.randint(30, 45), "c": rng.randint(40, 60), "d": rng.randint(61, 95)}
    duties = "\n".join(f"- {rng.choice(FILLER)}" for _ in range(rng.randint(12, 28)))
    text = (
        f"About us\n{rng.choice(EMPLOYERS)} is a health care organization serving the region.\n\n"
        f"Responsibilities\n{duties}\n\nRequirements\n- {rng.choice(CERTS)}\n- {rng.choice(EXPERIENCE)}\n"
        f"- {rng.choice(EDUCATION)}\n\nPreferred\n- {rng.choice(CERTS)}\n\n{rng.choice(PAY).format(**values)}\n\n"
        f"{rng.choice(SCHEDULE)}\n{rng.choice(WORK)}\n"
    )
    style = index % 3
    if style == 1:
        text = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    elif style == 2:
        text = html.escape("".join(f"<li>{line}</li>" for line in text.split("\n")))
    return {
        "id": f"bench-{index}", "title": rng.choice(TITLES), "employer": rng.choice(EMPLOYERS),
        "location": rng.choice(LOCATIONS), "description": text,
        "pay_text": rng.choice([None, None, None, "$19.14 - $26.80 per hour"]),
        "employment_type": rng.choice([None, "Full-time", "PRN", "Contract"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print where the time goes instead of the rate")
    parser.add_argument("--bare", action="store_true", help="only normalize the postings: no timing, no reference")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    postings = [make_posting(rng, i) for i in range(args.count)]
    if args.profile:
        return profile(postings)
    if args.bare:
        for posting in postings:
            normalize(posting)
        return 0
    mean_kb = sum(len(p["description"]) for p in postings) / len(postings) / 1024
    reference_cpu = reference_pass(postings)
    start, cpu_start = time.perf_counter(), time.process_time()
    for posting in postings:
        normalize(posting)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rate, cpu_rate = len(postings) / elapsed, len(postings) / cpu
    print(f"{len(postings)} postings (mean description {mean_kb:.1f} KB) in {elapsed:.2f}s wall, {cpu:.2f}s CPU")
    print(f"{rate:,.0f} postings/s wall ({rate / TARGET_PER_SECOND:.2f}x the {TARGET_PER_SECOND:,}/s target); "
          f"{cpu_rate:,.0f} postings/s per CPU second ({cpu_rate / TARGET_PER_SECOND:.2f}x)")
    print(f"reference pass (lower-case, split into lines, find the words) in the same run: "
          f"{len(postings) / reference_cpu:,.0f} postings/s per CPU second; normalize() costs "
          f"{cpu / reference_cpu:.1f}x the reference pass")
    return 0


_WORD_RE = re.compile(r"\w+")


def reference_pass(postings: list[dict]) -> float:
    """CPU seconds of a fixed, cheap reading of every description (lower-case it, split it into lines,
    find its words with one compiled regex): the same-run baseline the rate is compared with, so that
    runs on a busy or a different machine can be compared by the ratio."""
    best = float("inf")
    for _ in range(3):  # the best of three: the reference is short, and the machine is shared
        cpu_start = time.process_time()
        for posting in postings:
            lowered = posting["description"].lower()
            lowered.split("\n")
            _WORD_RE.findall(lowered)
        best = min(best, time.process_time() - cpu_start)
    return best


def profile(postings: list[dict]) -> int:
    """The cumulative time of each normalizer (and the shared text work) over the postings."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for posting in postings:
        normalize(posting)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "/pipeline/" in filename and (name.startswith("normalize_") or name in ("html_to_text", "structure")):
            rows.append((cumulative, f"{Path(filename).stem}.{name}"))
    print(f"{len(postings)} postings, {total:.2f}s under cProfile; cumulative share per step:")
    for cumulative, label in sorted(rows, reverse=True):
        print(f"  {label:45s} {cumulative:6.2f}s  {100 * cumulative / total:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
