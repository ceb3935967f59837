"""Alembic migrations: the schema of emr-jobs, owned here."""
