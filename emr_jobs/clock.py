"""The one clock: timezone-aware UTC now, shared by spiders, store and market."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
