"""City/state/country from structured locations, location text and (cautiously) the description."""

import pytest

from emr_jobs.pipeline.location import normalize_location


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"location": "Riverton, WY"}, ("Riverton", "WY", "US")),
        ({"location": "Houston, Texas, US"}, ("Houston", "TX", "US")),
        ({"location": "Salem VA Medical Center, Salem, VA"}, ("Salem", "VA", "US")),
        ({"location": "Remote - United States"}, (None, None, "US")),
        ({"location": "Remote"}, (None, None, None)),
        ({"location": "Remote - TX"}, (None, "TX", "US")),
        ({"location": "Remote in Georgia"}, (None, "GA", "US")),
        ({"location": "Remote within the state of North Carolina"}, (None, "NC", "US")),
        ({"location": "Remote in the United States"}, (None, None, "US")),
        ({"location": "San Antonio, US"}, ("San Antonio", "TX", "US")),
        ({"location": "Portland, US"}, ("Portland", None, "US")),
        ({"location": "Washington, DC"}, ("Washington", "DC", "US")),
        ({"location": "San Juan, PR"}, ("San Juan", "PR", "US")),
        ({"location": "Dallas OR Houston"}, (None, None, None)),
        ({"location": "Toronto, ON, Canada"}, ("Toronto", None, "CA")),
        ({"location": "US-TX-Houston"}, ("Houston", "TX", "US")),
        ({"location": "Houston, TX 77030"}, ("Houston", "TX", "US")),
        ({"locations": [{"city": "Tulsa", "state": "Oklahoma", "country": "united states"}]}, ("Tulsa", "OK", "US")),
        ({"locations": [{"city": "Austin", "state": "tx", "country": "USA"}], "location": "Remote"}, ("Austin", "TX", "US")),
        ({"locations": [{"city": "Chicago", "state": None, "country": "US"}]}, ("Chicago", "IL", "US")),
        ({"locations": "garbage", "location": "Akron, OH"}, ("Akron", "OH", "US")),
        ({"locations": [{"city": "Toronto", "state": "ON", "country": "CA"}], "location": "Toronto, ON, CA"},
         ("Toronto", None, "CA")),
        ({"locations": [{"city": None, "state": None, "country": "IN"}], "location": "Hyderabad, IN"}, (None, None, "IN")),
        ({}, (None, None, None)),
    ],
)
def test_location(raw, expected):
    result = normalize_location(raw, "")
    assert (result.city, result.state, result.country) == expected


def test_description_fallback_only_without_location():
    text = "This position is located in Biloxi, Mississippi."
    assert normalize_location({}, text).state == "MS"
    assert normalize_location({"location": "Remote"}, text).state is None


def test_va_in_a_facility_name_is_not_virginia():
    assert normalize_location({}, "Join the team at Salem VA Medical Center.").state is None


# --- each step of the free-text engine alone: (step, text) -> (city, state, country, evidence) or None
from emr_jobs.pipeline import location as engine  # noqa: E402

TEXT_STEP_CASES = [
    ("_remote_in_one_state", "Remote - TX", (None, "TX", "US", "Remote - TX")),
    ("_remote_in_one_state", "Remote in Georgia", (None, "GA", "US", "Remote in Georgia")),
    ("_remote_in_one_state", "Houston, TX", None),  # not remote
    ("_dashed", "US-TX-Houston", ("Houston", "TX", "US", "US-TX-Houston")),
    ("_dashed", "US-ZZ-Nowhere", None),
    ("_state_part", "Houston, Texas, US", ("Houston", "TX", "US", "Houston, Texas, US")),
    ("_state_part", "Austin, TX 78701", ("Austin", "TX", "US", "Austin, TX 78701")),
    ("_state_part", "US, CA, Santa Clara", ("Santa Clara", "CA", "US", "US, CA, Santa Clara")),
    ("_state_part", "Salem VA Medical Center", None),  # a code inside a part is not a state
    ("_remote_without_state", "Remote - United States", (None, None, "US", "Remote - United States")),
    ("_remote_without_state", "Chicago", None),
    ("_unique_city", "Phoenix", ("Phoenix", "AZ", "US", "Phoenix")),
    ("_unique_city", "Springfield", None),  # a city name several states share
    ("_country_only", "London, United Kingdom", ("London", None, "GB", "London, United Kingdom")),
    ("_country_only", "Somewhere", None),
]


@pytest.mark.parametrize(("step", "text", "expected"), TEXT_STEP_CASES)
def test_each_text_step_decides_with_its_evidence_or_passes(step, text, expected):
    decided = getattr(engine, step)(engine._LocationText(text))
    assert (None if decided is None else (decided.city, decided.state, decided.country, decided.evidence)) == expected


def test_the_text_steps_run_in_their_documented_order():
    assert [step.__name__ for step in engine.TEXT_STEPS] == [
        "_remote_in_one_state", "_dashed", "_state_part", "_remote_without_state", "_unique_city", "_country_only"]
