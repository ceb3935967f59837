"""emr-jobs: job-market intelligence for medical records and health information specialists."""

__version__ = "0.1.0"
