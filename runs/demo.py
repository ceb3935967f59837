"""The offline demo: serve the sample boards on 127.0.0.1, crawl them with the real spiders into
a fresh SQLite file, and return the outcomes."""

from __future__ import annotations

from pathlib import Path

from emr_jobs.demo.boards import DemoBoard, build_boards
from emr_jobs.demo.render import all_routes, icims_base_path
from emr_jobs.demo.server import RouteServer
from emr_jobs.runs.crawl import SourceOutcome, run_crawl
from emr_jobs.spiders.registry import Registry, RegistryError, parse_registry
from emr_jobs.store.db import upgrade

# A local server needs no politeness delays; everything else is the production configuration.
LOCAL_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 1,
}


def demo_registry(boards: list[DemoBoard], base_url: str) -> Registry:
    document = {"employers": [
        {"slug": b.employer.slug, "name": b.employer.name, "employer_type": b.employer.employer_type,
         "hq_state": b.employer.state,
         "sources": [{"platform": b.employer.platform, **b.employer.identifiers,
                      "base_url": base_url + (icims_base_path(b.employer) if b.employer.platform == "icims" else "")}]}
        for b in boards]}
    problems: list[str] = []
    registry = parse_registry(document, problems)
    if problems:
        raise RegistryError("\n".join(problems))
    return registry


def crawl_demo_boards(database_url: str, boards: list[DemoBoard] | None = None,
                      progress: bool = True) -> list[SourceOutcome]:
    boards = build_boards() if boards is None else boards
    upgrade(database_url)
    with RouteServer(all_routes(boards)) as server:
        registry = demo_registry(boards, server.url)
        return run_crawl(registry.sources, database_url, {**LOCAL_CRAWL_SETTINGS, "EMR_PROGRESS": progress})


def fresh_sqlite_url(path: str | Path) -> str:
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"
