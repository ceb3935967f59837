"""The Datasette metadata shipped with the package (`datasette/metadata.yml`): titles, descriptions,
column notes, facets and canned queries for a SQLite emr-jobs database. Read-only: it only names
the file, or gives its text for a database file of another name."""

from __future__ import annotations

import json
import re
from pathlib import Path

METADATA_PATH = Path(__file__).resolve().parent / "datasette" / "metadata.yml"
DEFAULT_DATABASE = "emr_jobs"  # Datasette names a database after its file: emr_jobs.db
_DATABASE_KEY = re.compile(rf"^  {DEFAULT_DATABASE}:$", re.M)


def metadata_text(database: str | None = None) -> str:
    """The metadata, its database key renamed to `database` (a file's name without .db) when given."""
    text = METADATA_PATH.read_text(encoding="utf-8")
    if not database or database == DEFAULT_DATABASE:
        return text
    return _DATABASE_KEY.sub(lambda _m: f"  {json.dumps(database)}:", text, count=1)
