"""Seed the certification catalog (code, full name, issuing body, aliases).

A frozen copy of pipeline/cert_catalog.py at the time of writing: a later catalog change is a new
migration, so that every database at this revision holds the same rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CERTIFICATIONS = [{'code': 'CEHRS',
  'name': 'Certified Electronic Health Record Specialist',
  'issuing_body': 'National Healthcareer Association (NHA)',
  'aliases': ['CEHRS',
              'Certified Electronic Health Record Specialist',
              'Certified Electronic Health Records Specialist',
              'Certified EHR Specialist']},
 {'code': 'CBCS',
  'name': 'Certified Billing and Coding Specialist',
  'issuing_body': 'National Healthcareer Association (NHA)',
  'aliases': ['CBCS', 'Certified Billing and Coding Specialist', 'Certified Billing & Coding Specialist']},
 {'code': 'RHIT',
  'name': 'Registered Health Information Technician',
  'issuing_body': 'AHIMA',
  'aliases': ['RHIT', 'Registered Health Information Technician', 'ART', 'Accredited Record Technician']},
 {'code': 'RHIA',
  'name': 'Registered Health Information Administrator',
  'issuing_body': 'AHIMA',
  'aliases': ['RHIA',
              'Registered Health Information Administrator',
              'RRA',
              'Registered Record Administrator']},
 {'code': 'CCA',
  'name': 'Certified Coding Associate',
  'issuing_body': 'AHIMA',
  'aliases': ['CCA', 'Certified Coding Associate']},
 {'code': 'CCS',
  'name': 'Certified Coding Specialist',
  'issuing_body': 'AHIMA',
  'aliases': ['CCS', 'Certified Coding Specialist']},
 {'code': 'CCS-P',
  'name': 'Certified Coding Specialist - Physician-based',
  'issuing_body': 'AHIMA',
  'aliases': ['CCS-P',
              'CCS P',
              'Certified Coding Specialist - Physician-based',
              'Certified Coding Specialist-Physician-based',
              'Certified Coding Specialist - Physician based',
              'Certified Coding Specialist Physician-based',
              'Certified Coding Specialist - Physician']},
 {'code': 'CHDA',
  'name': 'Certified Health Data Analyst',
  'issuing_body': 'AHIMA',
  'aliases': ['CHDA', 'Certified Health Data Analyst']},
 {'code': 'CDIP',
  'name': 'Certified Documentation Integrity Practitioner',
  'issuing_body': 'AHIMA',
  'aliases': ['CDIP',
              'Certified Documentation Integrity Practitioner',
              'Certified Documentation Improvement Practitioner',
              'Certified Document Improvement Practitioner']},
 {'code': 'CHPS',
  'name': 'Certified in Healthcare Privacy and Security',
  'issuing_body': 'AHIMA',
  'aliases': ['CHPS',
              'Certified in Healthcare Privacy and Security',
              'Certified in Healthcare Privacy & Security']},
 {'code': 'CPC',
  'name': 'Certified Professional Coder',
  'issuing_body': 'AAPC',
  'aliases': ['CPC',
              'CPC-A',
              'CPC A',
              'CPCA',
              'Certified Professional Coder',
              'Certified Professional Coder-Apprentice']},
 {'code': 'COC',
  'name': 'Certified Outpatient Coder',
  'issuing_body': 'AAPC',
  'aliases': ['COC', 'COC-A', 'CPC-H', 'Certified Outpatient Coder']},
 {'code': 'CPB',
  'name': 'Certified Professional Biller',
  'issuing_body': 'AAPC',
  'aliases': ['CPB', 'Certified Professional Biller']},
 {'code': 'CPMA',
  'name': 'Certified Professional Medical Auditor',
  'issuing_body': 'AAPC',
  'aliases': ['CPMA', 'Certified Professional Medical Auditor']},
 {'code': 'CRC',
  'name': 'Certified Risk Adjustment Coder',
  'issuing_body': 'AAPC',
  'aliases': ['CRC', 'Certified Risk Adjustment Coder']},
 {'code': 'CIC',
  'name': 'Certified Inpatient Coder',
  'issuing_body': 'AAPC',
  'aliases': ['CIC', 'Certified Inpatient Coder']},
 {'code': 'CCDS',
  'name': 'Certified Clinical Documentation Specialist',
  'issuing_body': 'ACDIS',
  'aliases': ['CCDS',
              'CCDS-O',
              'Certified Clinical Documentation Specialist',
              'Certified Clinical Documentation Specialist-Outpatient',
              'Certified Clinical Documentation Specialist - Outpatient']},
 {'code': 'CTR',
  'name': 'Oncology Data Specialist (formerly Certified Tumor Registrar)',
  'issuing_body': 'National Cancer Registrars Association (NCRA)',
  'aliases': ['CTR', 'ODS-C', 'ODS', 'Certified Tumor Registrar', 'Oncology Data Specialist-Certified']},
 {'code': 'CRCR',
  'name': 'Certified Revenue Cycle Representative',
  'issuing_body': 'Healthcare Financial Management Association (HFMA)',
  'aliases': ['CRCR', 'Certified Revenue Cycle Representative']},
 {'code': 'EPIC',
  'name': 'Epic certification (Epic Systems application credential)',
  'issuing_body': 'Epic Systems',
  'aliases': ['Epic certified', 'Epic certification', 'Epic credential', 'Epic proficiency']}]

certifications = sa.table(
    "certifications",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("issuing_body", sa.String),
    sa.column("aliases", sa.JSON),
)


def upgrade() -> None:
    op.bulk_insert(certifications, CERTIFICATIONS)


def downgrade() -> None:
    codes = [row["code"] for row in CERTIFICATIONS]
    catalog_ids = sa.select(certifications.c.id).where(certifications.c.code.in_(codes))
    posting_certifications = sa.table("posting_certifications", sa.column("certification_id", sa.Integer))
    op.execute(posting_certifications.delete().where(posting_certifications.c.certification_id.in_(catalog_ids)))
    op.execute(certifications.delete().where(certifications.c.code.in_([row["code"] for row in CERTIFICATIONS])))

