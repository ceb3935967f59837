"""`emr-jobs import jobspy FILE.csv` and `emr-jobs datasette-metadata`: bringing one's own postings in,
and opening the database in Datasette."""

from __future__ import annotations

import sys
from pathlib import Path

from emr_jobs.cli.common import Parser, Unreadable
from emr_jobs.store.db import resolve_database_url


def add_byo_parsers(commands) -> None:
    imports = commands.add_parser("import", help="store postings from another tool's file (JobSpy CSV)")
    kinds = imports.add_subparsers(dest="import_kind", metavar="FORMAT", parser_class=Parser)
    kinds.required = True
    jobspy = kinds.add_parser("jobspy", help="a CSV written by JobSpy (python-jobspy): relevant rows are "
                              "normalized and stored under the source jobspy:<site>")
    jobspy.add_argument("file", metavar="FILE.csv", help="the CSV (JobSpy's columns, UTF-8)")
    jobspy.add_argument("--quiet", action="store_true", help="print only the summary line")
    metadata = commands.add_parser("datasette-metadata", help="print the path of the Datasette metadata.yml "
                                   "(or, with --name, its text for a database file of another name)")
    metadata.add_argument("--name", metavar="NAME", help="the database file's name without .db (default emr_jobs)")


def cmd_import(args) -> int:
    from emr_jobs.runs.import_jobspy import JobSpyError, import_jobspy
    from emr_jobs.store.db import upgrade

    path = Path(args.file)
    if not path.is_file():
        raise Unreadable(f"cannot read {path}: no such file" if not path.exists() else f"cannot read {path}: not a file")
    url = resolve_database_url(args.db)
    upgrade(url)
    try:
        result = import_jobspy(path, url)
    except JobSpyError as exc:
        print(f"emr-jobs: error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        for line in result.source_lines():
            print(line)
    print(result.summary())
    return 0


def cmd_datasette_metadata(args) -> int:
    from emr_jobs.market.metadata import METADATA_PATH, metadata_text

    if args.name:
        sys.stdout.write(metadata_text(args.name))
    else:
        print(METADATA_PATH)
    return 0


BYO_HANDLERS = {"import": cmd_import, "datasette-metadata": cmd_datasette_metadata}
