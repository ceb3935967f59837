"""Small, forgiving coercions for platform JSON: text, lists, dates and numbers that drift in type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any


def as_text(value: Any) -> str | None:
    """A stripped string, or None for missing, empty, non-scalar values."""
    if value is None or isinstance(value, dict | list | tuple | set):
        return None
    text = str(value).strip()
    return text or None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_number(value: Any) -> float | None:
    """A float from numbers and numeric strings ("52,000.00"); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace("$", "").strip()
        try:
            return float(cleaned)
        except ValueError:
            return None
    return None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "y", "1"):
            return True
        if lowered in ("false", "no", "n", "0"):
            return False
    if isinstance(value, int):
        return bool(value)
    return None


def parse_datetime(value: Any, assume_tz: tzinfo = UTC) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text; a value with no offset is read in `assume_tz`."""
    text = as_text(value)
    if not text:
        return None
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    if "." in text:  # odd fractions such as ".9970" or ".1234567" that fromisoformat rejects
        head, _, tail = text.partition(".")
        digits = "".join(ch for ch in tail if ch.isdigit())
        rest = tail[len(digits):]
        text = f"{head}.{(digits + '000000')[:6]}{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=assume_tz)
    return parsed.astimezone(UTC)


def from_epoch_ms(value: Any) -> datetime | None:
    number = as_number(value)
    if number is None or number <= 0:
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=number)
    except OverflowError:
        return None
