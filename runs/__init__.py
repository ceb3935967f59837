"""Orchestration: a crawl run, the nightly refresh, the scheduler job, the demo, a probe; the faces call these."""
