"""Location normalizer: city, two-letter US state and country of the job.

Structured `locations` first, then the free-text location (read by the ordered TEXT_STEPS) ("Riverton, WY", "Houston, Texas, US",
"Salem VA Medical Center, Salem, VA", "Remote - United States"), then (cautiously, only when no
location is given at all) a "City, ST" phrase in the description. A state code counts only as a
comma-separated part or inside "Remote - TX"-style labels, so "VA" in "Salem VA Medical Center" and
"OR" between two places are not states. Nationwide remote -> no state. A large US city given
without its state gets one when the city name belongs to one state only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from emr_jobs.pipeline.lazy import lazy

STATE_NAMES: dict[str, str] = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
    "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
    "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "district of columbia": "DC", "washington dc": "DC", "washington d.c.": "DC", "d.c.": "DC", "puerto rico": "PR",
}
STATE_CODES = frozenset(STATE_NAMES.values())

# Large US cities whose name belongs to one state only (no Portland, Columbus, Kansas City...).
UNIQUE_CITIES: dict[str, str] = {
    "new york city": "NY", "los angeles": "CA", "chicago": "IL", "houston": "TX", "phoenix": "AZ",
    "philadelphia": "PA", "san antonio": "TX", "san diego": "CA", "dallas": "TX", "san jose": "CA",
    "austin": "TX", "fort worth": "TX", "indianapolis": "IN", "san francisco": "CA", "seattle": "WA",
    "denver": "CO", "oklahoma city": "OK", "nashville": "TN", "el paso": "TX", "boston": "MA",
    "detroit": "MI", "memphis": "TN", "louisville": "KY", "baltimore": "MD", "milwaukee": "WI",
    "albuquerque": "NM", "tucson": "AZ", "fresno": "CA", "sacramento": "CA", "mesa": "AZ",
    "atlanta": "GA", "omaha": "NE", "colorado springs": "CO", "raleigh": "NC", "long beach": "CA",
    "virginia beach": "VA", "miami": "FL", "oakland": "CA", "minneapolis": "MN", "tulsa": "OK",
    "bakersfield": "CA", "wichita": "KS", "tampa": "FL", "new orleans": "LA", "honolulu": "HI",
    "anaheim": "CA", "pittsburgh": "PA", "cincinnati": "OH", "st. louis": "MO", "saint louis": "MO",
    "st louis": "MO", "salt lake city": "UT", "baton rouge": "LA", "boise": "ID", "spokane": "WA",
    "anchorage": "AK", "little rock": "AR", "orlando": "FL", "chattanooga": "TN", "knoxville": "TN",
    "shreveport": "LA", "scottsdale": "AZ", "chandler": "AZ", "irvine": "CA", "plano": "TX",
    "lubbock": "TX", "laredo": "TX", "corpus christi": "TX", "sioux falls": "SD", "fargo": "ND",
    "cheyenne": "WY", "jersey city": "NJ", "st. petersburg": "FL", "fort lauderdale": "FL",
    "tallahassee": "FL", "san bernardino": "CA", "stockton": "CA",
    "grand rapids": "MI", "ann arbor": "MI", "des moines": "IA", "providence": "RI",
    "new haven": "CT", "santa ana": "CA", "chula vista": "CA",
    "modesto": "CA", "fort wayne": "IN", "winston-salem": "NC",
    "greensboro": "NC", "las vegas": "NV", "brooklyn": "NY",
    "manhattan": "NY", "bronx": "NY", "queens": "NY", "scranton": "PA",
    "allentown": "PA", "harrisburg": "PA", "baltimore city": "MD", "tacoma": "WA", "san juan": "PR",
}
_COUNTRY_ALIASES = {
    "us": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US",
    "united states of america": "US", "america": "US", "ca": "CA", "canada": "CA", "uk": "GB",
    "united kingdom": "GB", "gb": "GB", "great britain": "GB", "india": "IN", "philippines": "PH",
    "mexico": "MX", "puerto rico": "US",
}
_US_NAMES = ("us", "usa", "u.s.", "u.s.a.", "united states", "united states of america")
_REMOTE_RE = re.compile(r"\b(?:remote|anywhere|nationwide|work from home|virtual|telecommute)\b", re.I)
_REMOTE_IN_STATE_RE = re.compile(r"\bremote\s+(?:in|within|from)\s+(?:the\s+state\s+of\s+)?([a-z][a-z .]{2,30}?)\s*$", re.I)
_REMOTE_STATE_RE = re.compile(r"\b(?i:remote)\s*(?:[-–—:(,]|in)\s*([A-Z]{2})\b(?!\s*(?:,|-)?\s*[A-Z]{2}\b)")
_DASHED_RE = re.compile(r"^(?:US|USA)-([A-Z]{2})-([^,;]*)$")
_PART_SPLIT_RE = re.compile(r"\s*[,;|]\s*|\s+[-–—]\s+|\s*\(\s*|\s*\)\s*")
_DESC_CITY_STATE_RE = re.compile(
    r"\b(?:in|at|near|located in|based in)\s+((?:[A-Z][a-z]+\.? ){0,2}[A-Z][a-z]+),\s+"
    r"(" + "|".join(sorted((n.title() for n in STATE_NAMES if "." not in n), key=len, reverse=True)) + r"|[A-Z]{2})\b"
)


@dataclass
class LocationResult:
    city: str | None
    state: str | None
    country: str | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


def state_code(value: Any) -> str | None:
    """'TX', 'tx', 'Texas', 'Washington DC' -> two-letter code; anything else -> None."""
    if not isinstance(value, str):
        return None
    cleaned = value.strip().strip(".")
    if len(cleaned) == 2 and cleaned.upper() in STATE_CODES:
        return cleaned.upper()
    return STATE_NAMES.get(re.sub(r"\s+", " ", cleaned.lower()))


def country_code(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    cleaned = value.strip().lower()
    return _COUNTRY_ALIASES.get(cleaned) or (value.strip().upper() if len(cleaned) == 2 else None)


def _from_structured(locations: Any) -> LocationResult | None:
    if not isinstance(locations, list | tuple):
        return None
    for item in locations:
        if not isinstance(item, Mapping):
            continue
        country = country_code(item.get("country"))
        state = state_code(item.get("state")) if country in (None, "US") else None
        city = item.get("city").strip() if isinstance(item.get("city"), str) and item.get("city").strip() else None
        if state is None and city and country in (None, "US"):
            state = UNIQUE_CITIES.get(city.lower())
        if state or city or country:
            if state and country is None:
                country = "US"
            evidence = ", ".join(x for x in (city, state, country) if x)
            return LocationResult(city, state, country, evidence, ["emr/location/structured"])
    return None


class _LocationText:
    """A free-text location as the steps read it, each piece computed once when first asked for."""

    def __init__(self, text: str) -> None:
        self.text = text

    @lazy
    def remote(self) -> bool:
        return bool(_REMOTE_RE.search(self.text))

    @lazy
    def parts(self) -> list[str]:
        """The comma-, semicolon- or bar-separated parts."""
        return [p for p in _PART_SPLIT_RE.split(self.text) if p and p.strip()]

    @lazy
    def country(self) -> str | None:
        """The country the last part names ("..., United States"), unless it is a state."""
        if not self.parts:
            return None
        part = self.parts[-1].strip()
        return _COUNTRY_ALIASES.get(part.lower()) if _part_state(part) is None else None


def _part_state(part: str) -> str | None:
    """The state a whole part names: a code ("TX"), a name ("Texas"), or a code with its ZIP ("TX 78701")."""
    if len(part) == 2 and part.isupper() and part in STATE_CODES:
        return part
    if len(part) > 2 and part.lower() in STATE_NAMES:
        return STATE_NAMES[part.lower()]
    return None


# --- the steps, in order: each decides with its evidence, or passes (None) ---------------------------------
def _remote_in_one_state(location: _LocationText) -> LocationResult | None:
    """"Remote - TX", "Remote in Georgia": remote work limited to one state."""
    if not location.remote:
        return None
    limited = _REMOTE_STATE_RE.search(location.text)
    if limited and limited.group(1) in STATE_CODES:
        return LocationResult(None, limited.group(1), "US", limited.group(0), ["emr/location/text/remote_state"])
    named = _REMOTE_IN_STATE_RE.search(location.text)
    if named and named.group(1).lower() in STATE_NAMES:
        return LocationResult(None, STATE_NAMES[named.group(1).lower()], "US", named.group(0),
                              ["emr/location/text/remote_state"])
    return None


def _dashed(location: _LocationText) -> LocationResult | None:
    """iCIMS style "US-TX-Houston"."""
    dashed = _DASHED_RE.match(location.text)
    if dashed and dashed.group(1) in STATE_CODES:
        return LocationResult(dashed.group(2).strip() or None, dashed.group(1), "US", location.text, ["emr/location/text"])
    return None


def _state_part(location: _LocationText) -> LocationResult | None:
    """The last part that is a state, with the part before it as the city ("Houston, Texas, US");
    a foreign country named last keeps the city and drops the "state" ("Toronto, ON, Canada")."""
    parts = location.parts
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index].strip()
        state = _part_state(part)
        if state is None:
            if index == len(parts) - 1 and location.country:
                continue
            if not (_ZIP_STATE_RE.fullmatch(part) and part[:2] in STATE_CODES):
                continue
            state = part[:2]
        city = None
        if index > 0 and not _REMOTE_RE.search(parts[index - 1]):
            city = parts[index - 1].strip() or None
        if city and city.lower() in _US_NAMES:  # "US, CA, Santa Clara" (Workday): the city comes last
            city = (parts[index + 1].strip() or None) if index + 1 < len(parts) else None
        if location.country not in (None, "US"):
            return LocationResult(city, None, location.country, location.text, ["emr/location/text/foreign"])
        return LocationResult(city, state, "US", location.text, ["emr/location/text"])
    return None


def _remote_without_state(location: _LocationText) -> LocationResult | None:
    """Remote, no state: the country only ("Remote - United States")."""
    if not location.remote:
        return None
    us = "US" if _US_IN_TEXT_RE.search(location.text) else None
    return LocationResult(None, None, location.country or us, location.text, ["emr/location/text/remote_no_state"])


def _unique_city(location: _LocationText) -> LocationResult | None:
    """A large US city whose name belongs to one state only ("Phoenix")."""
    first = location.parts[0].strip() if location.parts else ""
    if first.lower() in UNIQUE_CITIES and location.country in (None, "US"):
        return LocationResult(first, UNIQUE_CITIES[first.lower()], "US", location.text, ["emr/location/text/unique_city"])
    return None


def _country_only(location: _LocationText) -> LocationResult | None:
    if not location.country:
        return None
    first = location.parts[0].strip() if len(location.parts) > 1 else None
    return LocationResult(first, None, location.country, location.text, ["emr/location/text/country"])


TEXT_STEPS: tuple[Callable[[_LocationText], LocationResult | None], ...] = (
    _remote_in_one_state, _dashed, _state_part, _remote_without_state, _unique_city, _country_only,
)
_ZIP_STATE_RE = re.compile(r"[A-Z]{2} \d{5}(?:-\d{4})?")
_US_IN_TEXT_RE = re.compile(r"\bU\.?S\.?A?\b|United States")


def parse_location_text(location: str) -> LocationResult | None:
    """City/state/country from a free-text location field: the first of TEXT_STEPS that decides.
    A fresh result each call (its decisions list is the caller's), read from a cache by the text:
    a crawl reads the same few location fields over and over."""
    decided = _parsed_location(location.strip()[:300])
    if decided is None:
        return None
    return LocationResult(decided.city, decided.state, decided.country, decided.evidence, list(decided.decisions))


@lru_cache(maxsize=4096)
def _parsed_location(text: str) -> LocationResult | None:
    if not text:
        return None
    parsed = _LocationText(text)
    for step in TEXT_STEPS:
        decided = step(parsed)
        if decided is not None:
            return decided
    return None


def normalize_location(raw: Mapping[str, Any], description_text: str) -> LocationResult:
    """City, state and country, structured first, then text, then cautiously the description."""
    found = _from_structured(raw.get("locations"))
    if found and found.state:
        return found
    location = raw.get("location") if isinstance(raw.get("location"), str) else ""
    from_text = parse_location_text(location) if location else None
    if found and found.country not in (None, "US"):
        # a structured foreign country: a "state" read from the text ("Toronto, ON, CA") is not one
        return found
    if from_text and (from_text.state or not found):
        return from_text
    if found:
        return found
    if not location.strip() and description_text:
        match = _DESC_CITY_STATE_RE.search(description_text[:3000])
        if match:
            state = state_code(match.group(2))
            if state:
                return LocationResult(match.group(1), state, "US", match.group(0), ["emr/location/description"])
    return LocationResult(None, None, None, None, ["emr/location/none"])
