"""The scheduler process (a face): `python scheduler.py [--db URL] [schedule options]` runs the
nightly refresh on a cron schedule, exactly as `emr-jobs [--db URL] schedule [options]` does; the
job itself lives in `runs/schedule.py`."""

import sys

from emr_jobs.cli.main import main

if __name__ == "__main__":
    argv = sys.argv[1:]
    db = argv[:2] if argv[:1] == ["--db"] else []
    raise SystemExit(main([*db, "schedule", *argv[len(db):]]))
