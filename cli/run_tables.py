"""Terminal output of crawl outcomes and market statistics (table, CSV or JSON)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from emr_jobs.cli.tables import render_table
from emr_jobs.market.queries import percent_text
from emr_jobs.vocabulary import CLOSING_STATUSES, CrawlStatus

if TYPE_CHECKING:  # annotations only: printing market figures must not import Scrapy
    from emr_jobs.market.stats import Overview
    from emr_jobs.runs.crawl import SourceOutcome

NO_POSTINGS = "no open postings"  # a table over no data says so instead of printing zeros

SUMMARY_STATUSES = (CrawlStatus.OK, CrawlStatus.EMPTY, CrawlStatus.PARTIAL, CrawlStatus.SUSPECT,
                    CrawlStatus.FAILED, CrawlStatus.DRIFT)


def print_crawl_summary(outcomes: Sequence[SourceOutcome], fmt: str = "table") -> None:
    """The final table: one row per platform with its statuses, counts and seconds (its slowest
    source's); one line on stderr per source that failed. JSON: one object per source."""
    if fmt == "json":
        print(json.dumps([outcome.as_dict() for outcome in outcomes], indent=2))
        return
    by_platform: dict[str, dict[str, float]] = {}
    for outcome in outcomes:
        row = by_platform.setdefault(outcome.platform, {"sources": 0, **dict.fromkeys(SUMMARY_STATUSES, 0),
                                                        "listed": 0, "kept": 0, "filtered": 0, "dropped": 0,
                                                        "seconds": 0.0})
        row["sources"] += 1
        row[outcome.status] += 1
        row["listed"] += outcome.counters.get("listed", 0)
        row["kept"] += outcome.counters.get("items_kept", 0)
        row["filtered"] += outcome.counters.get("items_filtered", 0)
        row["dropped"] += outcome.counters.get("items_dropped", 0)
        row["seconds"] = max(row["seconds"], outcome.seconds or 0.0)
    header = ["platform", "sources", *SUMMARY_STATUSES, "listed", "kept", "filtered", "dropped", "seconds"]
    rows = [[platform, *values.values()] for platform, values in sorted(by_platform.items())]
    print(render_table(header, [[*row[:-1], f"{row[-1]:.1f}"] for row in rows]))
    for outcome in outcomes:
        if outcome.status not in CLOSING_STATUSES:
            print(f"  {outcome.status}: {outcome.key}: {outcome.errors[0] if outcome.errors else ''}", file=sys.stderr)


def print_overview(result: Overview, fmt: str) -> None:
    data = result.as_dict()
    if fmt == "json":
        print(json.dumps(data, indent=2))
        return
    rows = overview_rows(result)
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["section", "item", "value"])
        writer.writerows(rows)
        return
    if not result.postings:
        print(NO_POSTINGS)
        return
    share = lambda n: percent_text(result.share(n))  # noqa: E731
    print(f"Open jobs: {result.postings:,} unique ({result.postings_total:,} postings on all sources)   "
          f"employers: {result.employers:,}   with pay: {result.with_pay:,} ({share(result.with_pay)})")
    print()
    print(render_table(["pay", "p25", "median", "p75"], [
        ["annual (USD)", result.pay_annual["p25"], result.pay_annual["median"], result.pay_annual["p75"]],
        ["hourly (USD)", result.pay_hourly["p25"], result.pay_hourly["median"], result.pay_hourly["p75"]],
    ]))
    print()
    print(render_table(["work mode", "postings", "share"], [[m, n, share(n)] for m, n in result.work_mode.items()]))
    print()
    print(render_table(["role", "postings", "share"], [[r, n, share(n)] for r, n in result.roles.items()]))
    print()
    print(render_table(["state", "postings"], result.top_states))
    print()
    print(render_table(["certification", "required", "mentioned", "share mentioning"],
                       [[c, req, n, share(n)] for c, req, n in result.top_certifications]))


def overview_rows(result: Overview) -> list[list]:
    rows: list[list] = [["total", "postings", result.postings], ["total", "postings_total", result.postings_total],
                        ["total", "employers", result.employers],
                        ["total", "postings_with_pay", result.with_pay]]
    rows += [["pay_annual", k, v] for k, v in result.pay_annual.items()]
    rows += [["pay_hourly", k, v] for k, v in result.pay_hourly.items()]
    rows += [["work_mode", k, v] for k, v in result.work_mode.items()]
    rows += [["role", k, v] for k, v in result.roles.items()]
    rows += [["state", k, v] for k, v in result.top_states]
    rows += [["certification_required", c, req] for c, req, _ in result.top_certifications]
    rows += [["certification_mentioned", c, n] for c, _, n in result.top_certifications]
    return rows


def print_rows(rows: Sequence[dict], fmt: str, empty: str | None = None) -> None:
    """Rows of dicts (e.g. `stats --by`) as a table, CSV with a header, or JSON."""
    if fmt == "json":
        print(json.dumps(list(rows), indent=2, default=str))
        return
    if not rows:
        if fmt == "csv":
            return
        print(empty or NO_POSTINGS)
        return
    header = list(rows[0])
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows([[row[name] for name in header] for row in rows])
        return
    print(render_table(header, [[_share(name, row[name]) for name in header] for row in rows]))


def _share(name: str, value):
    if value is not None and (name == "share" or name.endswith("_share")):
        return percent_text(value)
    return value


def print_refresh_summary(result, fmt: str = "table") -> None:
    """A emr_jobs.runs.refresh.RefreshResult: each platform's outcome and seconds, duplicates and the
    stored snapshot (JSON: all of it as one object)."""
    if fmt == "json":
        print(json.dumps(result.as_dict(), indent=2, default=str))
        return
    by_platform: dict[str, dict[str, float]] = {}
    for source in result.sources:
        row = by_platform.setdefault(source.platform, {"sources": 0, **dict.fromkeys(SUMMARY_STATUSES, 0)})
        row["sources"] += 1
        row[source.status] = row.get(source.status, 0) + 1
    header = ["platform", "sources", *SUMMARY_STATUSES, "seconds"]
    print(render_table(header, [[platform, *values.values(), f"{result.platform_seconds.get(platform, 0.0):.1f}"]
                                for platform, values in sorted(by_platform.items())]))
    by_status: dict[str, int] = {}
    for source in result.sources:
        by_status[source.status] = by_status.get(source.status, 0) + 1
    counts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "no sources"
    elapsed = (result.finished_at - result.started_at).total_seconds()
    print(f"Refresh {result.started_at:%Y-%m-%d %H:%M:%S} UTC, {elapsed:.0f} s: {len(result.sources)} source(s): {counts}")
    for source in result.failed:
        first = (source.error or "").splitlines()[0] if source.error else ""
        print(f"  {source.status}: {source.key}: {first}", file=sys.stderr)
    dup = result.duplicates
    print(f"Duplicates: {dup.groups} group(s) holding {dup.members} posting(s)")
    overall = result.snapshot.overall
    figures = [("active unique", overall.get("active_unique")), ("active (all)", overall.get("active_total")),
               ("new", overall.get("new_unique")), ("closed", overall.get("closed_unique"))]
    print(f"Snapshot {result.snapshot.snapshot_date}: "
          + ", ".join(f"{name} {int(value) if value is not None else '-'}" for name, value in figures))
