"""Terminal output of `emr-jobs outlook` (table or JSON); a figure from too few postings shows as
"too few (n=N)" instead of its value."""

from __future__ import annotations

import json

from emr_jobs.cli.tables import render_table
from emr_jobs.market.outlook import MIN_CELL, Figure, Outlook
from emr_jobs.market.queries import percent_text


def _pct(figure: Figure) -> str:
    if figure.too_few:
        return f"too few (n={figure.n})"
    return percent_text(figure.value)


def _number(figure: Figure, money: bool = False, digits: int = 0) -> str:
    if figure.too_few:
        return f"too few (n={figure.n})"
    if figure.value is None:
        return "-"
    return f"${figure.value:,.{digits}f}" if money else f"{figure.value:,.{digits}f}"


def print_outlook(result: Outlook, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(result.as_dict(), indent=2))
        return
    print(f"Career outlook of {result.postings:,} open unique jobs (figures from fewer than {MIN_CELL} postings "
          "are marked too few)")
    if not result.postings:
        return
    print("\nCredentials asked for, by role (share of the role's jobs)")
    print(render_table(["role", "credential", "jobs", "required", "obtain after hire", "preferred"],
                       [[r.role, r.code, r.postings, _pct(r.shares["required"]), _pct(r.shares["obtain_after_hire"]),
                         _pct(r.shares["preferred"])] for r in result.credentials]))
    print("\nPay: entry-level vs experienced jobs (median of advertised pay)")
    print(render_table(["jobs", "postings", "with pay", "annual median", "hourly median"],
                       [[r.group, r.postings, r.annual_median.n, _number(r.annual_median, True),
                         _number(r.hourly_median, True, 2)] for r in result.pay]))
    print("\nWho hires, and where")
    print(render_table(["employer type", "postings", "share", "top states"],
                       [[r.employer_type, r.postings, _pct(r.share),
                         ", ".join(f"{state} {n}" for state, n in r.top_states) or "-"] for r in result.employers]))
    print("\nRemote and hybrid work")
    print(render_table(["role", "postings", "remote", "hybrid", "onsite", "not stated"],
                       [[r.role, r.postings, _pct(r.remote), _pct(r.hybrid), _pct(r.onsite), _pct(r.not_stated)]
                        for r in result.work_mode]))
    print("\nExperience and education asked for")
    print("(a median's n is the jobs stating years; the bachelor's share's n is the jobs stating an education)")
    print(render_table(["role", "postings", "entry level", "stating years", "median years (min asked)",
                        "stating education", "bachelor's or more"],
                       [[r.role, r.postings, _pct(r.entry_level), r.experience_median.n,
                         _number(r.experience_median, digits=1), r.bachelor_or_more.n, _pct(r.bachelor_or_more)]
                        for r in result.requirements]))
    print()
    print(render_table(["years of experience", "share of jobs"], [[b, _pct(f)] for b, f in result.experience]))
    print()
    print(render_table(["education (minimum)", "share of jobs"], [[level, _pct(f)] for level, f in result.education]))
    print(f"\n'or equivalent experience' accepted: {_pct(result.education_or_equivalent)} of jobs stating an education")
