"""Terminal output of `emr-jobs sources list` (table, CSV or JSON) and `emr-jobs sources health`."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

from emr_jobs.cli.tables import render_table
from emr_jobs.market.health import HEALTH_COLUMNS, SourceHealth, health_rows
from emr_jobs.spiders.registry import SOURCE_LIST_COLUMNS


def print_source_list(rows: Sequence[dict[str, Any]], fmt: str) -> None:
    """Rows from emr_jobs.spiders.registry.source_rows, in SOURCE_LIST_COLUMNS order."""
    if fmt == "json":
        print(json.dumps(list(rows), indent=2))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(SOURCE_LIST_COLUMNS)
        writer.writerows([_yes_no(row[column]) for column in SOURCE_LIST_COLUMNS] for row in rows)
        return
    print(render_table(SOURCE_LIST_COLUMNS, [[_yes_no(row[column]) for column in SOURCE_LIST_COLUMNS]
                                             for row in rows]))
    print(f"{len({row['employer'] for row in rows})} employers, {len(rows)} sources")


def print_health(health: Sequence[SourceHealth], limit: int) -> None:
    print(render_table(HEALTH_COLUMNS, health_rows(health)))
    print(f"{len(health)} sources; runs, unsuccessful: over each source's last {limit} runs; "
          "streak: consecutive ok/empty runs, newest first")


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
