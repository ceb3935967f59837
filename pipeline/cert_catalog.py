"""Catalog of the credentials the normalizer labels (each code as its issuing body spells it), as plain data.

A migration seeds a database table from CERTIFICATIONS, so keep it plain: code, full name, issuing
body and aliases. Aliases hold uppercase code spellings (matched case-sensitively after ®/™ and
periods are stripped) and full names (matched case-insensitively). Legacy names map to today's
code: ART -> RHIT, RRA -> RHIA, CPC-H -> COC, CTR/ODS/ODS-C -> CTR, CPC-A -> CPC, COC-A -> COC,
CCDS-O -> CCDS. Bare "CCSP" is not an alias of CCS-P (it is usually ISC2's cloud-security cert).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CertificationInfo:
    code: str
    name: str
    issuing_body: str
    aliases: tuple[str, ...]


CERTIFICATIONS: list[CertificationInfo] = [
    CertificationInfo(
        "CEHRS",
        "Certified Electronic Health Record Specialist",
        "National Healthcareer Association (NHA)",
        (
            "CEHRS",
            "Certified Electronic Health Record Specialist",
            "Certified Electronic Health Records Specialist",
            "Certified EHR Specialist",
        ),
    ),
    CertificationInfo(
        "CBCS",
        "Certified Billing and Coding Specialist",
        "National Healthcareer Association (NHA)",
        ("CBCS", "Certified Billing and Coding Specialist", "Certified Billing & Coding Specialist"),
    ),
    CertificationInfo(
        "RHIT",
        "Registered Health Information Technician",
        "AHIMA",
        ("RHIT", "Registered Health Information Technician", "ART", "Accredited Record Technician"),
    ),
    CertificationInfo(
        "RHIA",
        "Registered Health Information Administrator",
        "AHIMA",
        ("RHIA", "Registered Health Information Administrator", "RRA", "Registered Record Administrator"),
    ),
    CertificationInfo("CCA", "Certified Coding Associate", "AHIMA", ("CCA", "Certified Coding Associate")),
    CertificationInfo("CCS", "Certified Coding Specialist", "AHIMA", ("CCS", "Certified Coding Specialist")),
    CertificationInfo(
        "CCS-P",
        "Certified Coding Specialist - Physician-based",
        "AHIMA",
        (
            "CCS-P",
            "CCS P",
            "Certified Coding Specialist - Physician-based",
            "Certified Coding Specialist-Physician-based",
            "Certified Coding Specialist - Physician based",
            "Certified Coding Specialist Physician-based",
            "Certified Coding Specialist - Physician",
        ),
    ),
    CertificationInfo("CHDA", "Certified Health Data Analyst", "AHIMA", ("CHDA", "Certified Health Data Analyst")),
    CertificationInfo(
        "CDIP",
        "Certified Documentation Integrity Practitioner",
        "AHIMA",
        (
            "CDIP",
            "Certified Documentation Integrity Practitioner",
            "Certified Documentation Improvement Practitioner",
            "Certified Document Improvement Practitioner",
        ),
    ),
    CertificationInfo(
        "CHPS",
        "Certified in Healthcare Privacy and Security",
        "AHIMA",
        ("CHPS", "Certified in Healthcare Privacy and Security", "Certified in Healthcare Privacy & Security"),
    ),
    CertificationInfo(
        "CPC",
        "Certified Professional Coder",
        "AAPC",
        ("CPC", "CPC-A", "CPC A", "CPCA", "Certified Professional Coder", "Certified Professional Coder-Apprentice"),
    ),
    CertificationInfo(
        "COC",
        "Certified Outpatient Coder",
        "AAPC",
        ("COC", "COC-A", "CPC-H", "Certified Outpatient Coder"),
    ),
    CertificationInfo("CPB", "Certified Professional Biller", "AAPC", ("CPB", "Certified Professional Biller")),
    CertificationInfo(
        "CPMA",
        "Certified Professional Medical Auditor",
        "AAPC",
        ("CPMA", "Certified Professional Medical Auditor"),
    ),
    CertificationInfo(
        "CRC",
        "Certified Risk Adjustment Coder",
        "AAPC",
        ("CRC", "Certified Risk Adjustment Coder"),
    ),
    CertificationInfo("CIC", "Certified Inpatient Coder", "AAPC", ("CIC", "Certified Inpatient Coder")),
    CertificationInfo(
        "CCDS",
        "Certified Clinical Documentation Specialist",
        "ACDIS",
        (
            "CCDS",
            "CCDS-O",
            "Certified Clinical Documentation Specialist",
            "Certified Clinical Documentation Specialist-Outpatient",
            "Certified Clinical Documentation Specialist - Outpatient",
        ),
    ),
    CertificationInfo(
        "CTR",
        "Oncology Data Specialist (formerly Certified Tumor Registrar)",
        "National Cancer Registrars Association (NCRA)",
        ("CTR", "ODS-C", "ODS", "Certified Tumor Registrar", "Oncology Data Specialist-Certified"),
    ),
    CertificationInfo(
        "CRCR",
        "Certified Revenue Cycle Representative",
        "Healthcare Financial Management Association (HFMA)",
        ("CRCR", "Certified Revenue Cycle Representative"),
    ),
    CertificationInfo(
        "EPIC",
        "Epic certification (Epic Systems application credential)",
        "Epic Systems",
        ("Epic certified", "Epic certification", "Epic credential", "Epic proficiency"),
    ),
]

# Named credentials that are not in the catalog: a mention records emr/cert/unmapped/<CODE>.
UNMAPPED_CODES: tuple[str, ...] = (
    "CHDS",
    "RHDS",
    "CMAA",
    "CCMA",
    "CMA",
    "RMA",
    "CPhT",
    "CPHIMS",
    "CAHIMS",
    "CHPC",
    "CHC",
    "CIPP",
    "CRCS",
    "CRCP",
    "CRCE",
    "CHTS",
    "CPHI",
    "CPCO",
    "CDEO",
    "CPPM",
    "CEMC",
    "CGSC",
    "CANPC",
    "CEDC",
    "CHONC",
    "CPEDC",
    "CCVTC",
    "CIRCC",
    "CPHQ",
)

CODES: tuple[str, ...] = tuple(info.code for info in CERTIFICATIONS)
