"""Benchmark of a whole crawl against a bare Scrapy spider on the same local boards, in one run.

A local server (its own process, answers precomputed bytes) serves B Greenhouse-shaped boards of
P postings each (listing with content, then a detail call per posting, as the Greenhouse spider
makes for relevant titles). Measured, each in a fresh process, politeness off:

- bare: a plain Scrapy spider requesting the same URLs, parsing the JSON, yielding dicts, no pipelines;
- emr-jobs: `emr_jobs.runs.crawl.run_crawl` of the same boards into a fresh SQLite database (relevance,
  normalize, validate, durable store, lifecycle).

Prints postings/s of each and the ratio (emr-jobs / bare; the aim is at least 0.85).

    .venv/bin/python bench/crawl.py [--boards 20] [--postings 500] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TITLES = ["Medical Records Clerk", "Inpatient Coder II", "Release of Information Specialist", "Cancer Registrar",
          "HIM Technician", "Clinical Documentation Integrity Specialist", "Coding Auditor", "Medical Coder"]
BODY = ("<p>Maintain complete and accurate electronic health records; respond to release of information requests "
        "in line with HIPAA; scan, index and audit documents; abstract charts and assign ICD-10-CM codes.</p>"
        "<h3>Requirements</h3><ul><li>RHIT required; CCS preferred</li><li>Two years of experience</li></ul>"
        "<p>Pay: $21.50 - $27.00 per hour. This position is on-site.</p>") * 4
SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "RETRY_TIMES": 0,
            "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False}


def job(board: int, number: int, detail: bool = False) -> dict:
    job_id = board * 1_000_000 + number
    record = {"id": job_id, "title": TITLES[number % len(TITLES)], "absolute_url": f"https://x.test/{job_id}",
              "location": {"name": "Tulsa, OK"}, "updated_at": "2026-11-20T10:00:00-05:00",
              "requisition_id": f"R{job_id}", "content": BODY, "metadata": None}
    if detail:
        record["pay_input_ranges"] = []
    return record


def serve(boards: int, postings: int, port_queue, delay: float = 0.0) -> None:
    """Serve the boards on a free port (put on `port_queue`), each answer after `delay` seconds."""
    listings = {f"/v1/boards/bench{b}/jobs": json.dumps({"jobs": [job(b, n) for n in range(postings)],
                                                          "meta": {"total": postings}}).encode()
                for b in range(boards)}
    details = {f"/v1/boards/bench{b}/jobs/{b * 1_000_000 + n}": json.dumps(job(b, n, True)).encode()
               for b in range(boards) for n in range(postings)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()  # headers and body go out in two writes: no Nagle delay between them
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            if delay:
                time.sleep(delay)  # the board thinking
            path = self.path.split("?")[0]
            body = listings.get(path) or details.get(path)
            self.send_response(200 if body else 404)
            body = body or b"{}"
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    port_queue.put(server.server_address[1])
    server.serve_forever()


BARE = """
import json, sys, scrapy
from scrapy.crawler import CrawlerProcess
root, boards = sys.argv[1], int(sys.argv[2])
settings = json.loads(sys.argv[3])

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for b in range(boards):
            yield scrapy.Request(f"{root}/v1/boards/bench{b}/jobs?content=true", callback=self.parse_board,
                                 cb_kwargs={"board": b})
    def parse_board(self, response, board):
        for record in json.loads(response.text)["jobs"]:
            yield scrapy.Request(f"{root}/v1/boards/bench{board}/jobs/{record['id']}?pay_transparency=true",
                                 callback=self.parse_detail)
    def parse_detail(self, response):
        yield json.loads(response.text)

process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
print(crawler.stats.get_value("item_scraped_count", 0))
"""

OURS = """
import json, sys
sys.path.insert(0, sys.argv[5])
from emr_jobs.store.db import upgrade
from emr_jobs.runs.crawl import run_crawl
from emr_jobs.spiders.registry import parse_registry
root, boards, url = sys.argv[1], int(sys.argv[2]), sys.argv[4]
settings = json.loads(sys.argv[3])
upgrade(url)
problems = []
registry = parse_registry({"employers": [{"slug": f"bench-{b}", "name": f"Bench Health {b}", "employer_type": "hospital",
    "sources": [{"platform": "greenhouse", "token": f"bench{b}", "base_url": root}]} for b in range(boards)]}, problems)
assert not problems, problems
outcomes = run_crawl(registry.sources, url, settings)
assert all(o.status == "ok" for o in outcomes), [(o.status, o.errors[:1]) for o in outcomes if o.status != "ok"]
print(sum(o.counters.get("items_kept", 0) for o in outcomes))
"""


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"benchmark run failed: {done.stderr.strip()[-2000:]}")
    return elapsed, done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--postings", type=int, default=500, help="postings per board")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the emr-jobs crawl only (e.g. CONCURRENT_ITEMS=1)")
    args = parser.parse_args(argv)
    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.boards, args.postings, ports), daemon=True)
    server.start()
    root = f"http://127.0.0.1:{ports.get(timeout=120)}"
    total = args.boards * args.postings
    ours_settings = dict(SETTINGS)
    for pair in args.set:
        name, _, value = pair.partition("=")
        ours_settings[name] = json.loads(value) if value[:1].isdigit() or value in ("true", "false") else value
    try:
        with tempfile.TemporaryDirectory() as scratch:
            scripts = Path(scratch)
            (scripts / "bare.py").write_text(BARE, encoding="utf-8")  # Scrapy reads its callbacks' source
            (scripts / "ours.py").write_text(OURS, encoding="utf-8")
            bare, scraped = timed([sys.executable, str(scripts / "bare.py"), root, str(args.boards),
                                   json.dumps(SETTINGS)])
            assert int(scraped) == total, f"the bare spider scraped {scraped} of {total}"
            url = f"sqlite:///{scripts / 'bench.db'}"
            ours, kept = timed([sys.executable, str(scripts / "ours.py"), root, str(args.boards),
                                json.dumps(ours_settings), url, str(ROOT)])
    finally:
        server.terminate()
    assert int(kept) == total, f"stored {kept} of {total}"
    print(f"{total:,} postings on {args.boards} boards (listing + one detail call each)")
    print(f"bare Scrapy spider   {bare:7.2f} s  {total / bare:8,.0f} postings/s")
    print(f"emr-jobs crawl       {ours:7.2f} s  {total / ours:8,.0f} postings/s   ratio {bare / ours:4.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
