"""`python -m emr_jobs` runs the same CLI as the `emr-jobs` script."""

from emr_jobs.cli.main import main

raise SystemExit(main())
