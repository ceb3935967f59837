"""The market's dimensions, in one place: each `stats --by` name (as on the command line) and the
postings column it groups by. The stats queries, the snapshot and the stats cache all read this
mapping, so a new dimension is one line here (and its column on `postings`)."""

from __future__ import annotations

DIMENSION_COLUMNS: dict[str, str] = {
    "state": "state",
    "role": "role",
    "employer-type": "employer_type",
    "work-mode": "work_mode",
    "entry-level": "entry_level",
    "education": "education_min",
    "schedule": "schedule",
}
# The dimensions whose `stats --by` rows the snapshot computes and caches (text columns its frame
# holds, market/frame.py); the others are always answered by the live query.
CACHED_DIMENSIONS: dict[str, str] = {name: DIMENSION_COLUMNS[name] for name in
                                     ("state", "role", "employer-type", "work-mode")}
