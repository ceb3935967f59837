"""The refresh's child process: crawl one platform's enabled registry sources into the database
and exit with the crawl's code (0 none failed, 1 all failed, 3 some failed, 130 interrupted, 2 bad
arguments). `emr_jobs.runs.refresh` starts it as
`python -m emr_jobs.runs.platform_child --db URL --platform P [--sources FILE] [--set NAME=VALUE ...]`,
one per platform, because Twisted's reactor cannot restart in one process."""

from __future__ import annotations

import argparse
import signal
import sys

from emr_jobs.runs.crawl import crawl_exit_code, run_crawl
from emr_jobs.spiders.registry import RegistryError, load_registry
from emr_jobs.store.db import DatabaseError

INTERRUPTED_EXIT = 130


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(prog="emr_jobs.runs.platform_child")
    parser.add_argument("--db", required=True)
    parser.add_argument("--platform", required=True)
    parser.add_argument("--sources")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    settings: dict[str, object] = {"EMR_PROGRESS": False}
    for pair in args.set:
        name, _, value = pair.partition("=")
        settings[name] = value
    try:
        sources = load_registry(args.sources).select(platforms=[args.platform])
        outcomes = run_crawl(sources, args.db, settings)
    except (RegistryError, DatabaseError, ValueError) as exc:
        print(f"emr-jobs crawl ({args.platform}): error: {str(exc).splitlines()[0] if str(exc) else exc!r}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"emr-jobs crawl ({args.platform}): interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    return crawl_exit_code([outcome.status for outcome in outcomes])


if __name__ == "__main__":
    raise SystemExit(main())
