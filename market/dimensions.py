"""The market's dimensions: each `stats --by` name (as on the command line) and the postings column
it groups by, from `emr_jobs.vocabulary.Dimension`. The stats queries, the snapshot and the stats
cache all read this mapping, so a new dimension is one line there (and its column on `postings`)."""

from __future__ import annotations

from emr_jobs.vocabulary import Dimension

DIMENSION_COLUMNS: dict[str, str] = {dimension.value: dimension.column for dimension in Dimension}
# The dimensions whose `stats --by` rows the snapshot computes and caches (text columns its frame
# holds, market/frame.py); the others are always answered by the live query.
CACHED_DIMENSIONS: dict[str, str] = {name: DIMENSION_COLUMNS[name] for name in
                                     ("state", "role", "employer-type", "work-mode")}
