"""The bundled registry: at least 500 real US employers, every entry says where its identifiers came
from, and each of the 50 largest US health systems has an enabled source."""

from __future__ import annotations

import pytest

from emr_jobs.spiders.registry import load_registry

# The largest US health systems by hospitals or beds (the list and the rest of the top ~60), as registry slugs.
LARGEST_SYSTEMS = (
    "hca-healthcare", "commonspirit-health", "ascension", "trinity-health", "providence", "kaiser-permanente",
    "tenet-healthcare", "advocate-health", "upmc", "adventhealth", "universal-health-services",
    "community-health-systems", "mass-general-brigham", "sutter-health", "baylor-scott-white", "northwell-health",
    "banner-health", "intermountain-health", "mayo-clinic", "cleveland-clinic", "lifepoint-health",
    "prime-healthcare", "scionhealth", "corewell-health", "bon-secours-mercy-health", "ssm-health",
    "novant-health", "sanford-health", "ochsner-health", "jefferson-health", "memorial-hermann", "allina-health",
    "froedtert-thedacare", "ohiohealth", "baptist-health-south-florida", "hackensack-meridian-health",
    "rwjbarnabas-health", "christus-health", "ballad-health", "prisma-health", "medstar-health",
    "texas-health-resources", "penn-medicine", "nyu-langone-health", "mount-sinai", "newyork-presbyterian",
    "geisinger", "henry-ford-health", "beth-israel-lahey-health", "osf-healthcare", "franciscan-health", "mercy",
    "yale-new-haven-health", "emory-healthcare", "piedmont-healthcare", "uchealth", "avera-health",
    "atrium-health", "duke-health", "unc-health", "northwestern-medicine", "iu-health", "sentara", "wellstar-health-system",
)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_at_least_500_employers_each_with_a_provenance_note(registry):
    assert len(registry.employers) >= 500
    assert len({employer.name.casefold() for employer in registry.employers}) == len(registry.employers)


def test_every_entry_says_where_its_identifiers_came_from():
    import tomllib

    from emr_jobs.spiders.registry import DEFAULT_REGISTRY

    document = tomllib.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    missing = [entry["slug"] for entry in document["employers"] if not str(entry.get("note", "")).strip()]
    assert missing == []


@pytest.mark.parametrize("slug", LARGEST_SYSTEMS)
def test_each_of_the_largest_systems_has_an_enabled_source(registry, slug):
    employer = next((employer for employer in registry.employers if employer.slug == slug), None)
    assert employer is not None, slug
    assert employer.employer_type == "hospital"
    assert any(source.enabled for source in employer.sources), slug


@pytest.mark.parametrize("employer_type", ["staffing_outsourcing", "insurance", "health_tech"])
def test_outsourcers_payers_and_vendors_are_covered(registry, employer_type):
    assert sum(employer.employer_type == employer_type for employer in registry.employers) >= 25
