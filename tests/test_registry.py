"""Registry validation: each kind of bad entry gives exactly one clear line, and the shipped
registry (spiders/sources.toml) is valid, large and covers the platforms and employer types."""

from __future__ import annotations

from pathlib import Path

import pytest

from emr_jobs.pipeline.posting import EMPLOYER_TYPES
from emr_jobs.spiders.registry import (
    PLATFORM_IDENTIFIERS,
    RegistryError,
    load_registry,
    parse_registry,
    registry_summary,
    source_rows,
)
from tests.conftest import write_registry

GREENHOUSE = {"platform": "greenhouse", "token": "acme"}
WORKDAY = {"platform": "workday", "tenant": "acme", "instance": "wd5", "site": "External"}
PLATFORMS = ", ".join(PLATFORM_IDENTIFIERS)


def employer(**changes) -> dict:
    entry = {"slug": "acme", "name": "Acme Health", "employer_type": "hospital", "sources": [GREENHOUSE]}
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def problems_of(document: dict) -> list[str]:
    problems: list[str] = []
    parse_registry(document, problems)
    return problems


BAD_ENTRIES = [
    ("no employers", {"employers": []}, "no [[employers]] entries"),
    ("employers not an array", {"employers": {"slug": "acme"}}, "no [[employers]] entries"),
    ("employer not a table", {"employers": ["acme"]}, "employer #1: not a table"),
    ("bad slug", {"employers": [employer(slug="Acme Health")]},
     "employer #1: slug must be lowercase letters, digits and hyphens, got 'Acme Health'"),
    ("missing name", {"employers": [employer(name=" ")]}, "employer 'acme': missing name"),
    ("unknown employer key", {"employers": [employer(website="https://acme.example")]},
     "employer 'acme': unknown key 'website'"),
    ("unknown employer type", {"employers": [employer(employer_type="clinic")]},
     f"employer 'acme': unknown employer_type 'clinic' (one of {', '.join(EMPLOYER_TYPES)})"),
    ("bad hq_state", {"employers": [employer(hq_state="Ohio")]},
     "employer 'acme': hq_state must be a two-letter code, got 'Ohio'"),
    ("employer verified not a boolean", {"employers": [employer(verified="no")]},
     "employer 'acme': verified must be true or false"),
    ("employer note not a string", {"employers": [employer(note=3)]}, "employer 'acme': note must be a string"),
    ("no sources", {"employers": [employer(sources=[])]}, "employer 'acme': no sources"),
    ("source not a table", {"employers": [employer(sources=["greenhouse"])]},
     "employer 'acme' source #1: not a table"),
    ("unknown platform", {"employers": [employer(sources=[{"platform": "taleo", "token": "acme"}])]},
     f"employer 'acme' source #1: unknown platform 'taleo' (one of {PLATFORMS})"),
    ("missing identifier", {"employers": [employer(sources=[{**WORKDAY, "site": ""}])]},
     "employer 'acme' source #1: workday source needs 'site'"),
    ("unknown identifier", {"employers": [employer(sources=[{**GREENHOUSE, "board": "acme"}])]},
     "employer 'acme' source #1: unknown key 'board' for platform greenhouse"),
    ("bad base_url", {"employers": [employer(sources=[{**GREENHOUSE, "base_url": "ftp://mirror"}])]},
     "employer 'acme' source #1: base_url must be an http(s) URL, got 'ftp://mirror'"),
    ("enabled not a boolean", {"employers": [employer(sources=[{**GREENHOUSE, "enabled": "yes"}])]},
     "employer 'acme' source #1: enabled must be true or false"),
    ("source verified not a boolean", {"employers": [employer(sources=[{**GREENHOUSE, "verified": 1}])]},
     "employer 'acme' source #1: verified must be true or false"),
    ("source note not a string", {"employers": [employer(sources=[{**GREENHOUSE, "note": ["x"]}])]},
     "employer 'acme' source #1: note must be a string"),
    ("bad workday instance", {"employers": [employer(sources=[{**WORKDAY, "instance": "east"}])]},
     "employer 'acme' source #1: workday instance must look like 'wd5' or 5, got 'east'"),
    ("duplicate slug", {"employers": [employer(), employer(name="Acme Clinics", sources=[WORKDAY])]},
     "employer 'acme': duplicate slug"),
    ("duplicate identifiers", {"employers": [employer(), employer(slug="beta", name="Beta Health")]},
     "employer 'beta': source greenhouse:acme duplicates one of 'acme'"),
    ("duplicate name", {"employers": [employer(), employer(slug="beta", name="acme  HEALTH", sources=[WORKDAY])]},
     "employer 'beta': duplicate name 'acme  HEALTH' (also employer 'acme')"),
]


@pytest.mark.parametrize(("document", "expected"), [case[1:] for case in BAD_ENTRIES],
                         ids=[case[0] for case in BAD_ENTRIES])
def test_each_bad_entry_gives_exactly_one_line(document, expected):
    assert problems_of(document) == [expected]


def _writable(document: dict) -> bool:
    """Whether tests.conftest.write_registry can write this document as it is (scalars in tables)."""
    entries = document["employers"]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        return False
    tables = list(entries) + [s for e in entries for s in e.get("sources", [])]
    return all(isinstance(t, dict) for t in tables) and all(
        isinstance(v, str | int | bool) for t in tables for k, v in t.items() if k != "sources")


FILE_CASES = [case for case in BAD_ENTRIES if _writable(case[1])]


@pytest.mark.parametrize(("document", "expected"), [case[1:] for case in FILE_CASES], ids=[case[0] for case in FILE_CASES])
def test_load_registry_prefixes_each_problem_with_the_file(tmp_path, document, expected):
    path = write_registry(tmp_path / "sources.toml", document["employers"])
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    assert str(raised.value) == f"{path}: {expected}"


def test_several_problems_are_listed_one_per_line(tmp_path):
    path = write_registry(tmp_path / "sources.toml", [
        employer(employer_type="clinic", hq_state="Ohio"),
        employer(slug="beta", name="Beta", sources=[{"platform": "lever"}]),
    ])
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    assert str(raised.value).splitlines() == [
        f"{path}: employer 'acme': unknown employer_type 'clinic' (one of {', '.join(EMPLOYER_TYPES)})",
        f"{path}: employer 'acme': hq_state must be a two-letter code, got 'Ohio'",
        f"{path}: employer 'beta' source #1: lever source needs 'token'",
    ]


@pytest.mark.parametrize(("content", "expected_start"), [
    (None, "no such registry file"),
    ("[[employers]\nslug = 'x'\n", "not valid TOML: "),
])
def test_unreadable_files_give_one_line(tmp_path, content, expected_start):
    path = tmp_path / "sources.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: {expected_start}")
    assert len(message.splitlines()) == 1


def test_source_rows_and_summary(tmp_path):
    path = write_registry(tmp_path / "sources.toml", [
        employer(verified=False, sources=[GREENHOUSE, {**WORKDAY, "enabled": False, "verified": True}]),
    ])
    registry = load_registry(path)
    assert registry_summary(registry) == "1 employers, 2 sources: valid"
    assert source_rows(registry) == [
        {"employer": "acme", "type": "hospital", "platform": "greenhouse", "key": "greenhouse:acme",
         "enabled": True, "verified": False},
        {"employer": "acme", "type": "hospital", "platform": "workday", "key": "workday:acme/wd5/External",
         "enabled": False, "verified": True},
    ]
    assert [row["platform"] for row in source_rows(registry, ["workday"])] == ["workday"]


# --- the shipped registry ---

@pytest.fixture(scope="module")
def shipped():
    return load_registry()


def test_shipped_registry_is_valid_and_large(shipped):
    assert len(shipped.employers) >= 150
    assert Path(__file__).resolve().parents[1].joinpath("spiders", "sources.toml").is_file()


# jsonld is left out: the references give no employer URL for it.
@pytest.mark.parametrize("platform", ["greenhouse", "lever", "ashby", "smartrecruiters", "workday", "oracle", "usajobs"])
def test_shipped_registry_covers_platform(shipped, platform):
    assert any(source.platform == platform and source.enabled for source in shipped.sources)


@pytest.mark.parametrize("employer_type", [t for t in EMPLOYER_TYPES if t != "other"])
def test_shipped_registry_covers_employer_type(shipped, employer_type):
    assert any(e.employer_type == employer_type for e in shipped.employers)


@pytest.mark.parametrize(("slug", "platform", "verified"), [
    ("cleveland-clinic", "workday", True),  # ats_apis.md §11, confidence A
    ("houston-methodist", "workday", True),
    ("baptist-health-kentucky", "workday", False),  # identity conflict between sources
    ("nyu-langone-health", "workday", False),  # confidence B
    ("carilion-clinic", "smartrecruiters", False),  # seed list only, next to a verified Workday board
    ("talkiatry", "ashby", False),
])
def test_shipped_registry_marks_unconfirmed_identifiers(shipped, slug, platform, verified):
    sources = [s for s in shipped.sources if s.employer_slug == slug and s.platform == platform]
    assert [s.verified for s in sources] == [verified]


def test_shipped_registry_searches_va_medical_records_technicians(shipped):
    va = [s for s in shipped.select(platforms=["usajobs"]) if s.identifiers.get("organization") == "VATA"]
    assert [(s.identifiers["series"], s.employer_type) for s in va] == [("0675", "government")]
