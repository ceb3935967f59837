"""The market commands of `emr-jobs`: stats, outlook, export, report, refresh and schedule. Each parses its
arguments and calls one function of market/ (or scheduler.py); printing is in emr_jobs/reports.py."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from emr_jobs.cli.common import (
    NoData,
    UsageError,
    settings_overrides,
    state_code,
    writable_dir,
    writable_file,
)
from emr_jobs.defaults import CRAWL_TIMEOUT_SECONDS, DEFAULT_CRON, MISFIRE_GRACE_HOURS, SCHEDULE_ENV
from emr_jobs.runs.crawl import check_overrides, crawl_exit_code
from emr_jobs.store.db import open_database_readonly, resolve_database_url
from emr_jobs.vocabulary import Platform, Role, values

REFRESH_BUSY_EXIT = 75  # EX_TEMPFAIL: try again later


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return value


def _positive_hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"not a positive number of hours: {text!r}")
    return value


def _add_filters(parser) -> None:
    parser.add_argument("--state", type=state_code, metavar="XX",
                        help="only postings in this state: a US state code in any case (AK ... WY, DC, PR)")
    parser.add_argument("--role", choices=values(Role), metavar="ROLE",
                        help=f"only this role, one of: {', '.join(values(Role))}")
    parser.add_argument("--since", type=_date, metavar="DATE",
                        help="postings open at any time since DATE (closed ones included); default: open now")


def _add_crawl_options(parser) -> None:
    parser.add_argument("--sources", metavar="FILE", help="registry file (default: the bundled registry)")
    parser.add_argument("--platform", action="append", choices=values(Platform),
                        help="only this platform (repeatable)")
    parser.add_argument("--timeout", type=_positive, default=CRAWL_TIMEOUT_SECONDS, metavar="SECONDS",
                        help="wall-clock limit of each platform's crawl process (default: 7200)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="Scrapy setting for the crawls, e.g. -s DOWNLOAD_DELAY=0 (repeatable)")


def add_distributed_options(parser, what: str) -> None:
    parser.add_argument("--distributed", action="store_true",
                        help=f"{what} by the `emr-jobs worker`s through Redis (PostgreSQL only); --timeout is then "
                             "the wall-clock limit of the whole run")
    parser.add_argument("--redis", metavar="URL", help="Redis URL (default: $EMR_JOBS_REDIS_URL)")
    parser.add_argument("--redis-prefix", metavar="PREFIX",
                        help="first part of every Redis key (default: $EMR_JOBS_REDIS_PREFIX, else emr-jobs)")


def redis_options(args) -> tuple[str, str | None]:
    """The Redis URL and key prefix of a distributed command (flags, else the environment)."""
    from emr_jobs.defaults import REDIS_PREFIX_ENV, REDIS_URL_ENV

    url = args.redis or os.environ.get(REDIS_URL_ENV)
    if not url:
        raise UsageError(f"give --redis URL or set {REDIS_URL_ENV}")
    return url, args.redis_prefix or os.environ.get(REDIS_PREFIX_ENV) or None


def add_market_parsers(commands) -> None:
    from emr_jobs.market.export import EXPORT_FILTERS, EXPORTS
    from emr_jobs.market.queries import BY_CHOICES

    stats = commands.add_parser("stats", help="market statistics of open postings, overall or by a dimension")
    stats.add_argument("--by", choices=BY_CHOICES, help=f"one row per group of one of: {', '.join(BY_CHOICES)}")
    _add_filters(stats)
    stats.add_argument("--format", choices=("table", "csv", "json"), default="table")

    outlook = commands.add_parser("outlook", help="the career outlook: credentials by role, entry-level pay, who "
                                  "hires where, remote share, experience and education asked for")
    _add_filters(outlook)
    outlook.add_argument("--format", choices=("table", "json"), default="table")

    export = commands.add_parser("export", help="write CSV (streamed; formula-like cells neutralized)")
    export.add_argument("what", choices=EXPORTS, help="; ".join(f"{what}: {', '.join(sorted(flags)) or 'no filters'}"
                                                              for what, flags in EXPORT_FILTERS.items()))
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="the CSV file, or - for stdout")
    export.add_argument("--include-closed", action="store_true", help="postings: closed ones too")
    _add_filters(export)

    report = commands.add_parser("report", help="write the self-contained HTML market report and its CSVs")
    report.add_argument("-o", "--output", required=True, metavar="DIR", help="directory to write into")

    refresh = commands.add_parser("refresh", help="crawl every source, group duplicates and store today's "
                                  "snapshot, once, now")
    _add_crawl_options(refresh)
    refresh.add_argument("--quiet", action="store_true", help="no progress lines")
    refresh.add_argument("--format", choices=("table", "json"), default="table",
                         help="json: progress lines as JSON objects on stderr, the result as JSON on stdout")
    refresh.add_argument("--accept-mass-close", action="store_true",
                         help="close what complete crawls no longer list even beyond the mass-closure guard")
    add_distributed_options(refresh, "crawl")

    schedule = commands.add_parser("schedule", help="run the scheduler: a refresh on a cron schedule (UTC)")
    _add_crawl_options(schedule)
    schedule.add_argument("--cron", default=os.environ.get(SCHEDULE_ENV, DEFAULT_CRON), metavar="EXPR",
                          help=f"crontab expression in UTC (default: ${SCHEDULE_ENV}, else '{DEFAULT_CRON}')")
    schedule.add_argument("--misfire-grace-hours", type=_positive_hours, default=MISFIRE_GRACE_HOURS, metavar="HOURS",
                          help="run a missed refresh if the scheduler was down at most this long (default: 6)")
    add_distributed_options(schedule, "each refresh crawled")


def _filters(args):
    from emr_jobs.market.queries import Filters

    return Filters(state=args.state, role=args.role, since=args.since)


def _overrides(args) -> dict:
    try:
        return check_overrides(settings_overrides(args.set))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def cmd_stats(args) -> int:
    from sqlalchemy.orm import Session

    from emr_jobs.cli.run_tables import print_overview, print_rows
    from emr_jobs.market.stats import overview
    from emr_jobs.market.stats_cache import stats_rows

    engine = open_database_readonly(args.db)
    with Session(engine) as session:
        if args.by is None:
            print_overview(overview(session, _filters(args)), args.format)
            return 0
        rows = stats_rows(session, args.by, _filters(args))
    print_rows(rows, args.format)
    return 0


def cmd_outlook(args) -> int:
    from sqlalchemy.orm import Session

    from emr_jobs.cli.outlook_tables import print_outlook
    from emr_jobs.cli.run_tables import NO_POSTINGS
    from emr_jobs.market.outlook import outlook
    from emr_jobs.market.stats import unique_jobs

    engine = open_database_readonly(args.db)
    with Session(engine) as session:
        if args.format == "table" and not unique_jobs(session, _filters(args)):
            print(NO_POSTINGS)
            return 0
        result = outlook(session, _filters(args))
    print_outlook(result, args.format)
    return 0


def cmd_export(args) -> int:
    from emr_jobs.market.export import EXPORT_FILTERS, export_market

    given = {flag for flag, value in (("--state", args.state), ("--role", args.role), ("--since", args.since),
                                      ("--include-closed", args.include_closed)) if value}
    refused = sorted(given - EXPORT_FILTERS[args.what])
    if refused:
        takes = ", ".join(sorted(EXPORT_FILTERS[args.what])) or "no filter"
        raise UsageError(f"export {args.what} does not take {', '.join(refused)} (it takes {takes})")
    writable_file(args.output)
    engine = open_database_readonly(args.db)
    target = sys.stdout if args.output == "-" else Path(args.output)
    try:
        count = export_market(engine, args.what, target, _filters(args), include_closed=args.include_closed)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"wrote {count} {args.what} row(s) to {'stdout' if args.output == '-' else args.output}", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from sqlalchemy.orm import Session

    from emr_jobs.market.stats import unique_jobs
    from emr_jobs.report.html import write_report

    writable_dir(args.output)
    engine = open_database_readonly(args.db)
    with Session(engine) as session:
        if not unique_jobs(session):
            raise NoData("no open postings: no report written (crawl first, or give --db)")
    path = write_report(engine, args.output)
    print(f"report: {path.resolve()}", file=sys.stderr)
    return 0


def cmd_refresh(args) -> int:
    from emr_jobs.cli.run_tables import print_refresh_summary
    from emr_jobs.runs.refresh import RefreshBusy, run_refresh

    url = resolve_database_url(args.db)
    progress = None if args.quiet else (lambda line: print(line, file=sys.stderr))
    try:
        settings = ({"LOG_LEVEL": "INFO" if args.verbose else "CRITICAL"} | _overrides(args)
                    | ({"EMR_ACCEPT_MASS_CLOSE": "True"} if args.accept_mass_close else {}))
        if args.distributed:
            from emr_jobs.runs.distributed import (
                DistributedRefused,
                RedisUnavailable,
                run_distributed_refresh,
            )

            if args.set:
                raise UsageError("-s settings of a distributed refresh belong to the workers (emr-jobs worker -s ...)")
            redis_url, prefix = redis_options(args)
            try:
                result = run_distributed_refresh(url, redis_url, args.sources, platforms=args.platform,
                                                 timeout=args.timeout, prefix=prefix,
                                                 accept_mass_close=args.accept_mass_close, progress=progress)
            except DistributedRefused as exc:
                raise UsageError(str(exc)) from exc
            except RedisUnavailable as exc:
                print(f"emr-jobs: error: {exc}", file=sys.stderr)
                return 1
        else:
            result = run_refresh(url, args.sources, platforms=args.platform, timeout=args.timeout,
                                 settings=settings, progress=progress, progress_format=args.format)
    except RefreshBusy as exc:
        print(f"emr-jobs: refresh refused: {exc}", file=sys.stderr)
        return REFRESH_BUSY_EXIT
    print_refresh_summary(result, args.format)

    return crawl_exit_code([source.status for source in result.sources])


def cmd_schedule(args) -> int:
    from emr_jobs.runs.schedule import serve

    options = {"platforms": args.platform, "timeout": args.timeout, "settings": _overrides(args)}
    if args.distributed:
        from emr_jobs.runs.distributed import DistributedRefused, require_postgres

        options["redis_url"], options["redis_prefix"] = redis_options(args)
        try:
            require_postgres(resolve_database_url(args.db))
        except DistributedRefused as exc:
            raise UsageError(str(exc)) from exc
    try:
        return serve(resolve_database_url(args.db), cron=args.cron, registry_path=args.sources,
                     options=options,
                     misfire_grace_hours=args.misfire_grace_hours)
    except ValueError as exc:  # a malformed crontab expression
        raise UsageError(f"--cron: {exc}") from exc


MARKET_HANDLERS = {
    "stats": cmd_stats,
    "outlook": cmd_outlook,
    "export": cmd_export,
    "report": cmd_report,
    "refresh": cmd_refresh,
    "schedule": cmd_schedule,
}
