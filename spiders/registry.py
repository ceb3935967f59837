"""Read and validate the registry of employers and their job boards (a TOML file).

Each employer has a slug, a name, an employer type and one or more sources; each source names its
platform, the platform's identifiers and an optional `base_url` that replaces the platform's API
root (tests and mirrors use it). Every problem is reported as one clear line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emr_jobs.vocabulary import EmployerType, values

EMPLOYER_TYPES = values(EmployerType)

DEFAULT_REGISTRY = Path(__file__).resolve().parent / "sources.toml"

# platform -> (required identifier keys, optional identifier keys)
PLATFORM_IDENTIFIERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "greenhouse": (("token",), ()),
    "lever": (("token",), ()),
    "ashby": (("token",), ()),
    "smartrecruiters": (("company",), ()),
    "workday": (("tenant", "instance", "site"), ("search",)),
    "oracle": (("host", "site_number"), ("keyword",)),
    "usajobs": ((), ("keyword", "series", "organization", "location")),
    "jsonld": (("url",), ()),
    "icims": (("host",), ()),
}
SOURCE_KEYS = {"platform", "base_url", "enabled", "verified", "note", "hosts"}
_HOSTNAME = r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
_BOARD_TOKEN = (r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", "be letters, digits, '.', '_' and '-'")
# (platform, identifier) -> (pattern the whole value must match, what it must be): each value ends
# up in a URL's host, path or query, so nothing that could move a request elsewhere gets through.
IDENTIFIER_SYNTAX: dict[tuple[str, str], tuple[str, str]] = {
    ("greenhouse", "token"): _BOARD_TOKEN,
    ("lever", "token"): _BOARD_TOKEN,
    ("ashby", "token"): (r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}", "be letters, digits, spaces, '.', '_' and '-'"),
    ("smartrecruiters", "company"): _BOARD_TOKEN,
    ("workday", "tenant"): (r"(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", "be one host-name label"),
    ("workday", "instance"): (r"(?i)(?:wd)?\d{1,3}", "look like 'wd5' or 5"),
    ("workday", "site"): (r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", "be letters, digits, '_', '.' and '-'"),
    ("oracle", "host"): (r"(?i)" + _HOSTNAME + r"\.[a-z]{2,}", "be a host name (no scheme, port or path)"),
    ("icims", "host"): (r"(?i)" + _HOSTNAME + r"\.[a-z]{2,}", "be a host name (no scheme, port or path)"),
    ("oracle", "site_number"): (r"[A-Za-z0-9_]{1,40}", "be letters, digits and '_' (e.g. CX_1)"),
    ("usajobs", "series"): (r"\d{4}(?:;\d{4})*", "be four-digit series codes separated by ';'"),
    ("usajobs", "organization"): (r"[A-Za-z0-9]{2,8}(?:;[A-Za-z0-9]{2,8})*", "be agency codes separated by ';'"),
    ("jsonld", "url"): (r"(?i)(?:https?://)?[a-z0-9.-]+(?::\d{1,5})?(?:[/?#]\S*)?", "be an http(s) URL"),
}
HOST_RE = re.compile(r"(?i)" + _HOSTNAME)
EMPLOYER_KEYS = {"slug", "name", "employer_type", "hq_state", "verified", "note", "sources"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RegistryError(Exception):
    """The registry cannot be used; the message lists each problem on its own line."""


@dataclass(frozen=True)
class SourceConfig:
    platform: str
    identifiers: dict[str, Any]
    employer_slug: str
    employer_name: str
    employer_type: str | None
    base_url: str | None = None
    enabled: bool = True
    verified: bool = True
    hosts: tuple[str, ...] = ()  # more hosts its requests may go to (a career site's CDN, say)

    @property
    def key(self) -> str:
        """A stable unique key: platform plus its identifiers, e.g. "workday:ccf/wd1/ClevelandClinicCareers"."""
        required, optional = PLATFORM_IDENTIFIERS[self.platform]
        parts = [str(self.identifiers[name]) for name in required]
        parts += [f"{name}={self.identifiers[name]}" for name in optional if self.identifiers.get(name)]
        if not parts:
            parts = [self.employer_slug]
        return f"{self.platform}:{'/'.join(parts)}"


@dataclass(frozen=True)
class EmployerConfig:
    slug: str
    name: str
    employer_type: str | None
    hq_state: str | None = None
    verified: bool = True
    sources: tuple[SourceConfig, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Registry:
    employers: tuple[EmployerConfig, ...]

    @property
    def sources(self) -> list[SourceConfig]:
        return [source for employer in self.employers for source in employer.sources]

    def select(
        self, platforms: list[str] | None = None, employers: list[str] | None = None, include_disabled: bool = False
    ) -> list[SourceConfig]:
        chosen = [
            source
            for source in self.sources
            if (include_disabled or source.enabled)
            and (not platforms or source.platform in platforms)
            and (not employers or source.employer_slug in employers)
        ]
        return chosen


def load_registry(path: str | Path | None = None) -> Registry:
    """Parse and validate a registry file; raise RegistryError listing every problem."""
    registry_path = Path(path) if path else DEFAULT_REGISTRY
    try:
        document = tomllib.loads(registry_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError(f"{registry_path}: no such registry file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{registry_path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{registry_path}: not valid TOML: {exc}") from exc
    problems: list[str] = []
    registry = parse_registry(document, problems)
    if problems:
        raise RegistryError("\n".join(f"{registry_path}: {problem}" for problem in problems))
    return registry


def parse_registry(document: dict[str, Any], problems: list[str]) -> Registry:
    """Turn a parsed TOML document into a Registry, appending one line per problem."""
    entries = document.get("employers")
    if not isinstance(entries, list) or not entries:
        problems.append("no [[employers]] entries")
        return Registry(employers=())
    employers: list[EmployerConfig] = []
    seen_slugs: set[str] = set()
    seen_names: dict[str, str] = {}
    seen_keys: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        employer = _parse_employer(index, entry, problems)
        if employer is None:
            continue
        if employer.slug in seen_slugs:
            problems.append(f"employer {employer.slug!r}: duplicate slug")
        seen_slugs.add(employer.slug)
        name_key = " ".join(employer.name.casefold().split())
        if name_key and name_key in seen_names and seen_names[name_key] != employer.slug:
            problems.append(f"employer {employer.slug!r}: duplicate name {employer.name!r} "
                            f"(also employer {seen_names[name_key]!r})")
        seen_names.setdefault(name_key, employer.slug)
        for source in employer.sources:
            if source.key in seen_keys:
                problems.append(
                    f"employer {employer.slug!r}: source {source.key} duplicates one of {seen_keys[source.key]!r}"
                )
            seen_keys.setdefault(source.key, employer.slug)
        employers.append(employer)
    return Registry(employers=tuple(employers))


def _parse_employer(index: int, entry: Any, problems: list[str]) -> EmployerConfig | None:
    where = f"employer #{index}"
    if not isinstance(entry, dict):
        problems.append(f"{where}: not a table")
        return None
    slug, name = entry.get("slug"), entry.get("name")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append(f"{where}: slug must be lowercase letters, digits and hyphens, got {slug!r}")
        return None
    where = f"employer {slug!r}"
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: missing name")
    for unknown in sorted(set(entry) - EMPLOYER_KEYS):
        problems.append(f"{where}: unknown key {unknown!r}")
    employer_type = entry.get("employer_type")
    if employer_type is not None and employer_type not in EMPLOYER_TYPES:
        problems.append(f"{where}: unknown employer_type {employer_type!r} (one of {', '.join(EMPLOYER_TYPES)})")
    hq_state = entry.get("hq_state")
    if hq_state is not None and not (isinstance(hq_state, str) and re.fullmatch(r"[A-Z]{2}", hq_state)):
        problems.append(f"{where}: hq_state must be a two-letter code, got {hq_state!r}")
    _check_flags(where, entry, problems)
    raw_sources = entry.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        problems.append(f"{where}: no sources")
        raw_sources = []
    verified = entry.get("verified", True)
    sources = []
    for source_index, raw_source in enumerate(raw_sources, start=1):
        source = _parse_source(f"{where} source #{source_index}", raw_source, slug, str(name), employer_type,
                               bool(verified), problems)
        if source is not None:
            sources.append(source)
    return EmployerConfig(slug=slug, name=str(name), employer_type=employer_type, hq_state=hq_state,
                          verified=bool(verified), sources=tuple(sources))


def _check_flags(where: str, entry: dict[str, Any], problems: list[str]) -> bool:
    """`verified` must be a boolean and `note` a string; report each otherwise."""
    ok = True
    if "verified" in entry and not isinstance(entry["verified"], bool):
        problems.append(f"{where}: verified must be true or false")
        ok = False
    if "note" in entry and not isinstance(entry["note"], str):
        problems.append(f"{where}: note must be a string")
        ok = False
    return ok


def _parse_source(where: str, raw: Any, slug: str, name: str, employer_type: str | None, verified: bool,
                  problems: list[str]) -> SourceConfig | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: not a table")
        return None
    platform = raw.get("platform")
    if platform not in PLATFORM_IDENTIFIERS:
        problems.append(f"{where}: unknown platform {platform!r} (one of {', '.join(PLATFORM_IDENTIFIERS)})")
        return None
    required, optional = PLATFORM_IDENTIFIERS[platform]
    identifiers = {key: value for key, value in raw.items() if key not in SOURCE_KEYS}
    ok = True
    for key in required:
        value = identifiers.get(key)
        if not isinstance(value, str | int) or not str(value).strip():
            problems.append(f"{where}: {platform} source needs {key!r}")
            ok = False
    for key in sorted(set(identifiers) - set(required) - set(optional)):
        problems.append(f"{where}: unknown key {key!r} for platform {platform}")
        ok = False
    base_url = raw.get("base_url")
    if base_url is not None and not (isinstance(base_url, str) and re.match(r"^https?://[^\s/]+", base_url)):
        problems.append(f"{where}: base_url must be an http(s) URL, got {base_url!r}")
        ok = False
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append(f"{where}: enabled must be true or false")
        ok = False
    for key, value in identifiers.items():
        syntax = IDENTIFIER_SYNTAX.get((platform, key))
        if syntax and isinstance(value, str | int) and str(value).strip() \
                and not re.fullmatch(syntax[0], str(value).strip()):
            problems.append(f"{where}: {platform} {key} must {syntax[1]}, got {value!r}")
            ok = False
    hosts = raw.get("hosts", [])
    if not (isinstance(hosts, list) and all(isinstance(host, str) and HOST_RE.fullmatch(host) for host in hosts)):
        problems.append(f"{where}: hosts must be a list of host names, got {hosts!r}")
        ok = False
    ok = _check_flags(where, raw, problems) and ok
    if not ok:
        return None
    return SourceConfig(
        platform=platform,
        identifiers={key: str(value).strip() for key, value in identifiers.items()},
        employer_slug=slug,
        employer_name=name,
        employer_type=employer_type,
        base_url=base_url.rstrip("/") if base_url else None,
        enabled=enabled,
        verified=bool(raw.get("verified", verified)),
        hosts=tuple(host.lower() for host in hosts),
    )


# --- Listing helpers for `emr-jobs sources list` / `validate` ---

SOURCE_LIST_COLUMNS = ("employer", "type", "platform", "key", "enabled", "verified")


def source_rows(registry: Registry, platforms: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per source, disabled ones included, in registry order; `platforms` filters."""
    return [
        {"employer": source.employer_slug, "type": source.employer_type, "platform": source.platform,
         "key": source.key, "enabled": source.enabled, "verified": source.verified}
        for source in registry.select(platforms=platforms, include_disabled=True)
    ]


def registry_summary(registry: Registry) -> str:
    """The one line `emr-jobs sources validate` prints for a valid registry."""
    return f"{len(registry.employers)} employers, {len(registry.sources)} sources: valid"
