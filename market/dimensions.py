"""The market's dimensions: each `stats --by` name (as on the command line) and the postings column
it groups by, from `emr_jobs.vocabulary.Dimension`. The stats queries, the snapshot and the stats
cache all read this mapping, so a new dimension is one line there (and its column on `postings`)."""

from __future__ import annotations

from emr_jobs.vocabulary import Dimension

DIMENSION_COLUMNS: dict[str, str] = {dimension.value: dimension.column for dimension in Dimension}
# The dimensions a snapshot stores figures for (market_snapshot_values), as postings columns.
SNAPSHOT_COLUMNS = tuple(DIMENSION_COLUMNS[name] for name in ("state", "role", "employer-type", "work-mode"))
# The dimensions whose `stats --by` rows the snapshot computes and caches: all of them. Its frame
# (market/frame.py) reads them as groups of labels joined in one text column each, the snapshot's
# own dimensions in one, the career fields in another (few combinations per group).
CACHED_DIMENSIONS: dict[str, str] = dict(DIMENSION_COLUMNS)
LABEL_GROUPS: tuple[tuple[str, ...], ...] = (
    SNAPSHOT_COLUMNS, tuple(column for column in DIMENSION_COLUMNS.values() if column not in SNAPSHOT_COLUMNS))
