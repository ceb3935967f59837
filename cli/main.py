"""The `emr-jobs` command: parse arguments, call one function of the product, print the result.

Every user mistake (a wrong argument, an unreachable database, a malformed registry) ends with one
line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from emr_jobs import __version__
from emr_jobs.cli.byo import BYO_HANDLERS, add_byo_parsers
from emr_jobs.cli.common import (
    NoData,
    Parser,
    Unreadable,
    UsageError,
    settings_overrides,
    writable_dir,
    writable_file,
)
from emr_jobs.cli.market import MARKET_HANDLERS, add_distributed_options, add_market_parsers, redis_options
from emr_jobs.defaults import CRAWL_TIMEOUT_SECONDS, WORKER_HEARTBEAT_SECONDS, WORKER_IDLE_SECONDS
from emr_jobs.runs.crawl import check_overrides, crawl_exit_code
from emr_jobs.spiders.registry import RegistryError, load_registry
from emr_jobs.store.db import (
    DatabaseError,
    open_database_readonly,
    resolve_database_url,
    upgrade,
)
from emr_jobs.vocabulary import Platform, values

# Exit codes (README "Exit codes"): 0 done; 1 a failure outside the command line (database, registry,
# file, some normalize lines, every crawled source); 2 a command line that cannot be done (a flag or
# a path); 3 some crawled sources failed; 70 a bug; 75 a refresh already running; 130 interrupted.
FAILURE_EXIT = 1
USAGE_EXIT = 2
INTERNAL_EXIT = 70
INTERRUPTED_EXIT = 130


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="emr-jobs", description="Job-market intelligence for medical records and "
                     "health information specialists (SOC 29-2072).")
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (default: $EMR_JOBS_DATABASE_URL, "
                        "else a SQLite file in your user data directory); also accepted after the command")
    parser.add_argument("--verbose", action="store_true",
                        help="on an unexpected error, the full traceback; the details of failed sources")
    parser.add_argument("--version", action="version", version=f"emr-jobs {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=Parser)
    db_commands.required = True
    db_commands.add_parser("upgrade", help="bring the schema to the newest migration")

    crawl = commands.add_parser("crawl", help="crawl the registry's job boards into the database")
    crawl.add_argument("--platform", action="append", choices=values(Platform),
                       help="only this platform (repeatable)")
    crawl.add_argument("--employer", action="append", metavar="SLUG", help="only this employer (repeatable)")
    crawl.add_argument("--sources", metavar="FILE", help="registry file (default: the bundled registry)")
    crawl.add_argument("--quiet", action="store_true", help="no progress lines")
    crawl.add_argument("--format", choices=("table", "json"), default="table",
                       help="json: progress lines as JSON objects on stderr, the outcome of each source on stdout")
    crawl.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                       help="override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0 (repeatable)")
    crawl.add_argument("--accept-mass-close", action="store_true",
                       help="close what a complete crawl no longer lists even when that is more than the guard's "
                            "share of a source's open postings (after a run recorded 'suspect')")

    add_distributed_options(crawl, "crawl")
    crawl.add_argument("--timeout", type=float, default=CRAWL_TIMEOUT_SECONDS, metavar="SECONDS",
                       help="with --distributed: the wall-clock limit of the run (default: 7200)")

    add_market_parsers(commands)  # stats, export, report, refresh, schedule

    worker = commands.add_parser("worker", help="a crawl worker: crawl the sources that distributed runs queue in "
                                 "Redis, into the shared PostgreSQL; stops when idle")
    worker.add_argument("--redis", metavar="URL", help="Redis URL (default: $EMR_JOBS_REDIS_URL)")
    worker.add_argument("--redis-prefix", metavar="PREFIX",
                        help="first part of every Redis key (default: $EMR_JOBS_REDIS_PREFIX, else emr-jobs)")
    worker.add_argument("--idle", type=float, default=WORKER_IDLE_SECONDS, metavar="SECONDS",
                        help=f"stop when no source has come for this long (default: {WORKER_IDLE_SECONDS:g})")
    worker.add_argument("--heartbeat", type=float, default=WORKER_HEARTBEAT_SECONDS, metavar="SECONDS",
                        help="how long after this worker's last sign of life the coordinator counts it dead "
                             f"(default: {WORKER_HEARTBEAT_SECONDS:g})")
    worker.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0 (repeatable)")

    normalize = commands.add_parser("normalize", help="normalize postings given as JSON lines")
    normalize.add_argument("-i", "--input", metavar="FILE", help="JSON lines in (default: stdin)")
    normalize.add_argument("-o", "--output", metavar="FILE", help="JSON lines out (default: stdout)")

    demo = commands.add_parser("demo", help="run the whole pipeline offline on bundled sample boards")
    demo.add_argument("--out", metavar="DIR", default="emr-jobs-demo", help="where the demo database goes")
    _add_sources_parser(commands)
    add_byo_parsers(commands)  # import jobspy, datasette-metadata
    _accept_global_options(commands)
    return parser


def _accept_global_options(commands) -> None:
    """`--db` and `--verbose` after the command too (`emr-jobs stats --db URL`), on every leaf parser;
    SUPPRESS keeps the value given before the command when none is given after it."""
    for parser in set(commands.choices.values()):
        nested = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
        if nested:
            _accept_global_options(nested[0])
            continue
        parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL (as before the command)")
        parser.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # a stop from a service manager is an interrupt too
    args = None
    try:
        args = build_parser().parse_args(argv)
        return HANDLERS[args.command](args)
    except UsageError as exc:
        return _fail(str(exc), USAGE_EXIT)
    except (RegistryError, DatabaseError, NoData, Unreadable) as exc:
        return _fail(str(exc), FAILURE_EXIT)
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM, or a crawl that a signal stopped
        return _fail("interrupted: the sources in flight were recorded as failed and nothing was closed",
                     INTERRUPTED_EXIT)
    except BrokenPipeError:
        return FAILURE_EXIT
    except OSError as exc:  # a file the command had to read or write
        if getattr(args, "verbose", False):
            raise
        where = f" {exc.filename}" if exc.filename else ""
        return _fail(f"cannot use{where}: {exc.strerror or exc}", FAILURE_EXIT)
    except Exception as exc:  # a bug: one line, the traceback with --verbose
        if getattr(args, "verbose", False):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return _fail(f"unexpected {exc.__class__.__name__}: {first} (run again with --verbose for the details)",
                     INTERNAL_EXIT)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _fail(message: str, code: int) -> int:
    lines = message.splitlines() or [""]
    print(f"emr-jobs: error: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:  # a registry with several problems: one line each
        print(f"emr-jobs: error: {line}", file=sys.stderr)
    return code


def cmd_db(args) -> int:
    url = resolve_database_url(args.db)
    upgrade(url)
    print(f"database at head: {_safe_url(url)}", file=sys.stderr)
    return 0


def cmd_crawl(args) -> int:
    from emr_jobs.cli.run_tables import print_crawl_summary
    from emr_jobs.runs.crawl import run_crawl

    registry = load_registry(args.sources)
    sources = registry.select(platforms=args.platform, employers=args.employer)
    if args.employer:
        missing = sorted(set(args.employer) - {s.employer_slug for s in registry.sources})
        if missing:
            raise UsageError(f"no employer {', '.join(missing)} in the registry")
    if not sources:
        raise UsageError("no enabled sources match the filters")
    try:
        overrides = check_overrides(settings_overrides(args.set))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    url = resolve_database_url(args.db)
    if args.distributed:
        return _crawl_distributed(args, sources, url)
    upgrade(url)
    # Scrapy's own log (chained tracebacks of every failed request) only with --verbose: each
    # source's failure is one line below and its detail is in its crawl run (sources health)
    settings = {"EMR_PROGRESS": not args.quiet, "EMR_PROGRESS_FORMAT": "json" if args.format == "json" else "text",
                "LOG_LEVEL": "INFO" if args.verbose else "CRITICAL", **overrides}
    if args.accept_mass_close:
        settings["EMR_ACCEPT_MASS_CLOSE"] = True
    outcomes = run_crawl(sources, url, settings)
    print_crawl_summary(outcomes, args.format)
    return crawl_exit_code([outcome.status for outcome in outcomes])




def _crawl_distributed(args, sources, url: str) -> int:
    from emr_jobs.cli.run_tables import print_crawl_summary
    from emr_jobs.runs.distributed import (
        DistributedRefused,
        RedisUnavailable,
        connect_redis,
        require_postgres,
        run_distributed_crawl,
    )

    if args.set:
        raise UsageError("-s settings of a distributed crawl belong to the workers (emr-jobs worker -s ...)")
    if not args.timeout > 0:
        raise UsageError(f"--timeout must be positive, got {args.timeout}")
    redis_url, prefix = redis_options(args)
    try:
        require_postgres(url)
        connect_redis(redis_url)
        upgrade(url)
        progress = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
        outcomes = run_distributed_crawl(sources, url, redis_url, timeout=args.timeout, prefix=prefix,
                                         accept_mass_close=args.accept_mass_close, progress=progress)
    except DistributedRefused as exc:
        raise UsageError(str(exc)) from exc
    except RedisUnavailable as exc:
        return _fail(str(exc), 1)
    print_crawl_summary(outcomes)
    return crawl_exit_code([outcome.status for outcome in outcomes])


def _check_reachable(url: str) -> None:
    from sqlalchemy import text

    from emr_jobs.store.db import first_line, make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise DatabaseError(f"cannot reach the database {_safe_url(url)}: {first_line(exc)[:200]}") from exc
    finally:
        engine.dispose()


def cmd_worker(args) -> int:
    from emr_jobs.runs.distributed import (
        DistributedRefused,
        RedisUnavailable,
        connect_redis,
        require_postgres,
        run_worker,
    )

    if not args.idle > 0 or not args.heartbeat > 0:
        raise UsageError("--idle and --heartbeat must be positive")
    redis_url, prefix = redis_options(args)
    url = resolve_database_url(args.db)
    settings = settings_overrides(args.set)
    try:
        require_postgres(url)
        connect_redis(redis_url)
        _check_reachable(url)  # the coordinator brings the schema to head before it queues a run
        print(f"worker: taking sources from Redis; stops after {args.idle:g} s without one", file=sys.stderr,
              flush=True)
        result = run_worker(redis_url, url, idle_seconds=args.idle, heartbeat_seconds=args.heartbeat, prefix=prefix,
                            overrides=settings)
    except DistributedRefused as exc:
        raise UsageError(str(exc)) from exc
    except RedisUnavailable as exc:
        return _fail(str(exc), 1)
    print(f"worker {result.worker}: {result.sources} source(s) crawled and recorded", file=sys.stderr)
    if result.interrupted:
        raise KeyboardInterrupt
    return 0


def cmd_normalize(args) -> int:
    from emr_jobs.runs.normalize_file import run

    # bytes that are not UTF-8 reach run() as surrogates, so that line gets an 'error' field and
    # the good lines' output is kept: the same from a file as from stdin
    try:
        if args.input:
            in_fp = open(args.input, encoding="utf-8", errors="surrogateescape")
        else:
            if hasattr(sys.stdin, "reconfigure"):
                sys.stdin.reconfigure(errors="surrogateescape")
            in_fp = sys.stdin
    except OSError as exc:
        raise Unreadable(f"cannot read {args.input}: {exc.strerror}") from exc
    if args.output:
        writable_file(args.output)
    try:
        out_fp = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from exc
    with in_fp, out_fp:
        failed = run(in_fp, out_fp)
    if failed:
        print(f"emr-jobs: {failed} line(s) could not be normalized (see their 'error' fields)", file=sys.stderr)
    return 1 if failed else 0


def cmd_demo(args) -> int:
    from sqlalchemy.orm import Session

    from emr_jobs.cli.run_tables import print_crawl_summary, print_overview
    from emr_jobs.market.stats import overview
    from emr_jobs.report.html import write_report
    from emr_jobs.runs.demo import crawl_demo_boards, fresh_sqlite_url
    from emr_jobs.runs.refresh import summarize_market
    from emr_jobs.store.db import make_engine
    from emr_jobs.store.models import utcnow

    if args.db is not None:
        raise UsageError("demo always crawls into a fresh database in --out DIR; it does not take --db")
    writable_dir(args.out)
    out = Path(args.out)
    url = fresh_sqlite_url(out / "demo.db")
    print(f"Serving the sample boards on 127.0.0.1 and crawling them into {out / 'demo.db'} ...", file=sys.stderr)
    started_at = utcnow()
    outcomes = crawl_demo_boards(url)
    print_crawl_summary(outcomes)
    engine = make_engine(url)
    summarize_market(engine, started_at, [(o.key, o.status, "; ".join(o.errors)) for o in outcomes])
    with Session(engine) as session:
        print()
        print_overview(overview(session), "table")
    report = write_report(engine, out / "report")
    print(f"\nDatabase: {out / 'demo.db'}  (try: emr-jobs --db {url} stats --by state)", file=sys.stderr)
    print(f"Report: {report.resolve()}", file=sys.stderr)
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- emr-jobs sources: list / validate / health (logic in emr_jobs.spiders.registry and emr_jobs.market.health) ---

def _add_sources_parser(commands) -> None:
    sources = commands.add_parser("sources", help="the registry of employers and job boards")
    actions = sources.add_subparsers(dest="sources_command", metavar="ACTION", parser_class=Parser)
    actions.required = True
    listing = actions.add_parser("list", help="every source: employer, type, platform, key, enabled, verified")
    listing.add_argument("--platform", action="append", choices=values(Platform),
                         help="only this platform (repeatable)")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    listing.add_argument("--sources", metavar="FILE", help="registry file (default: the bundled registry)")
    validate = actions.add_parser("validate", help="check a registry file; list every problem")
    validate.add_argument("file", nargs="?", metavar="FILE", help="registry file (default: the bundled registry)")
    probe = actions.add_parser("probe", help="one cheap request per source: live, empty, moved or dead, "
                               "written to the registry's .probe.json beside it")
    probe.add_argument("--platform", action="append", choices=values(Platform),
                       help="only this platform (repeatable)")
    probe.add_argument("--employer", action="append", metavar="SLUG", help="only this employer (repeatable)")
    probe.add_argument("--sources", metavar="FILE", help="registry file (default: the bundled registry)")
    probe.add_argument("--results", metavar="FILE",
                       help="where the facts go (default: the registry's name with .probe.json)")
    probe.add_argument("--no-write", action="store_true", help="print only; record nothing")
    probe.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default 10)")
    health = actions.add_parser("health", help="each source's recent crawl runs, from the database")
    health.add_argument("--limit", type=int, default=10, metavar="N", help="runs per source to count (default 10)")
    health.add_argument("--sources", metavar="FILE",
                        help="only this registry's sources, including those never crawled")


def cmd_sources(args) -> int:
    from emr_jobs.spiders.registry import registry_summary, source_rows

    if args.sources_command == "validate":
        print(registry_summary(load_registry(args.file)))
        return 0
    if args.sources_command == "probe":
        return cmd_sources_probe(args)
    if args.sources_command == "list":
        from emr_jobs.cli.source_tables import print_source_list

        print_source_list(source_rows(load_registry(args.sources), args.platform), args.format)
        return 0
    from sqlalchemy.orm import Session

    from emr_jobs.cli.source_tables import print_health
    from emr_jobs.market.health import never_crawled, source_health

    if args.limit < 1:
        raise UsageError(f"--limit must be at least 1, got {args.limit}")
    registry = load_registry(args.sources) if args.sources else None
    engine = open_database_readonly(args.db)
    with Session(engine) as session:
        keys = [source.key for source in registry.sources] if registry else None
        health = source_health(session, args.limit, keys)
    if registry:
        health += never_crawled(health, registry.sources)
    print_health(health, args.limit)
    return 0


def cmd_sources_probe(args) -> int:
    """One line per source; exit 0 when every probe learnt a fact (live, empty, moved, dead), else 1."""
    from emr_jobs.runs.probe import FACTS, probe_sources, results_path, write_results

    if not args.timeout > 0:
        raise UsageError(f"--timeout must be positive, got {args.timeout}")
    registry = load_registry(args.sources)
    sources = registry.select(platforms=args.platform, employers=args.employer, include_disabled=True)
    if not sources:
        raise UsageError("no sources match the filters")
    results = probe_sources(sources, timeout=args.timeout)
    for result in results:
        print(result.line(), flush=True)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
    if not args.no_write:
        path = Path(args.results) if args.results else results_path(args.sources)
        try:
            write_results(path, results)
        except OSError as exc:
            return _fail(f"cannot write {path}: {exc.strerror or exc}", 1)
        summary += f"; recorded in {path}"
    print(f"{len(results)} sources probed: {summary}")
    return 0 if all(result.outcome in FACTS for result in results) else 1


HANDLERS = {
    "sources": cmd_sources,
    "db": cmd_db,
    "crawl": cmd_crawl,
    "worker": cmd_worker,
    **MARKET_HANDLERS,
    "normalize": cmd_normalize,
    "demo": cmd_demo,
    **BYO_HANDLERS,
}

if __name__ == "__main__":
    raise SystemExit(main())
