"""Readable labels for the vocabulary's values, spelled once: what a report, a table or a Datasette
page shows for a stored value ("HIM leadership" for `him_leadership`). Every value of the enums in
`vocabulary.py` has a label here (tests/test_report.py checks it); `label()` of anything else is
the value itself with underscores as spaces."""

from __future__ import annotations

from emr_jobs.vocabulary import (
    CertStrength,
    EducationLevel,
    EmployerType,
    EmploymentType,
    PayPeriod,
    Role,
    Schedule,
    Shift,
    WorkMode,
)

LABELS: dict[str, str] = {
    # roles (SOC 29-2072 families)
    Role.MEDICAL_RECORDS: "Medical records",
    Role.RELEASE_OF_INFORMATION: "Release of information",
    Role.CODING: "Coding",
    Role.CDI: "Clinical documentation integrity (CDI)",
    Role.REGISTRY: "Cancer / clinical registry",
    Role.HIM_LEADERSHIP: "HIM leadership",
    # work modes
    WorkMode.ONSITE: "On site",
    WorkMode.HYBRID: "Hybrid",
    WorkMode.REMOTE: "Remote",
    WorkMode.UNKNOWN: "Not stated",
    # employer types
    EmployerType.HOSPITAL: "Hospital / health system",
    EmployerType.PHYSICIAN_PRACTICE: "Physician practice",
    EmployerType.LONG_TERM_CARE: "Long-term care",
    EmployerType.AMBULATORY_SURGERY: "Ambulatory surgery",
    EmployerType.GOVERNMENT: "Government",
    EmployerType.INSURANCE: "Insurance / payer",
    EmployerType.HEALTH_TECH: "Health technology",
    EmployerType.STAFFING_OUTSOURCING: "Staffing / outsourcing",
    EmployerType.OTHER: "Other",
    # certification strengths
    CertStrength.REQUIRED: "Required",
    CertStrength.PREFERRED: "Preferred",
    CertStrength.OBTAIN_AFTER_HIRE: "Obtain after hire",
    # education
    EducationLevel.NONE: "None stated as required",
    EducationLevel.HIGH_SCHOOL: "High school",
    EducationLevel.CERTIFICATE: "Certificate",
    EducationLevel.ASSOCIATE: "Associate degree",
    EducationLevel.BACHELOR: "Bachelor's degree",
    EducationLevel.MASTER: "Master's degree",
    # schedules and employment types
    Schedule.FULL_TIME: "Full time",
    Schedule.PART_TIME: "Part time",
    Schedule.PER_DIEM: "Per diem (PRN)",
    Schedule.CONTRACT: "Contract",
    Schedule.TEMPORARY: "Temporary",
    EmploymentType.INTERNSHIP: "Internship",
    # shifts
    Shift.DAY: "Day",
    Shift.EVENING: "Evening",
    Shift.NIGHT: "Night",
    Shift.WEEKEND: "Weekend",
    Shift.ROTATING: "Rotating",
    Shift.VARIABLE: "Variable",
    # pay periods
    PayPeriod.HOUR: "hour",
    PayPeriod.DAY: "day",
    PayPeriod.WEEK: "week",
    PayPeriod.BIWEEK: "two weeks",
    PayPeriod.MONTH: "month",
    PayPeriod.YEAR: "year",
    # market groups
    "entry_level": "Entry level",
    "experienced": "Experienced",
    "unknown": "Not stated",
    "all": "All roles",
}

LABELLED_ENUMS = (Role, WorkMode, EmployerType, CertStrength, EducationLevel, Schedule, EmploymentType, Shift,
                  PayPeriod)


def label(value: object) -> str:
    """The readable label of a stored value; None is "Not stated"."""
    if value is None:
        return LABELS["unknown"]
    text = str(value)
    return LABELS.get(text, text.replace("_", " "))
