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
