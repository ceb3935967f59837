"""`RawPosting`: what every platform spider fills for one job, before any normalization."""

import scrapy


class RawPosting(scrapy.Item):
    # identity
    source_key = scrapy.Field()  # registry key of the board, e.g. "greenhouse:onemedical"
    platform = scrapy.Field()
    external_id = scrapy.Field()  # the platform's id of the posting, as a string
    requisition_id = scrapy.Field()
    url = scrapy.Field()
    # what the board says
    title = scrapy.Field()
    employer = scrapy.Field()  # employer name (registry name unless the platform names the employer)
    employer_slug = scrapy.Field()
    employer_type = scrapy.Field()  # registry value, may be None
    location = scrapy.Field()  # location as free text
    locations = scrapy.Field()  # structured: list of {"city", "state", "country"}
    description = scrapy.Field()  # HTML or text
    pay_text = scrapy.Field()  # a pay field apart from the description
    pay_ranges = scrapy.Field()  # structured: list of {"min", "max", "currency", "interval"} in currency units
    workplace_type = scrapy.Field()  # the platform's own value ("remote", "on-site", "TELECOMMUTE", ...)
    remote = scrapy.Field()  # the platform's remote flag
    telework = scrapy.Field()  # telework eligibility text (USAJOBS)
    applicant_location_requirements = scrapy.Field()
    employment_type = scrapy.Field()  # the platform's own value
    occupation_codes = scrapy.Field()  # occupational series codes (USAJOBS JobCategory), e.g. ["0675"]
    posted_at = scrapy.Field()  # timezone-aware datetime
    valid_through = scrapy.Field()
    raw = scrapy.Field()  # the platform's JSON for this posting
