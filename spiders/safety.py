"""What a crawl may fetch, in one downloader middleware: only http and https; for a source's
requests (redirects included) only the hosts that source owns; credentials only to the host they
belong to. Plus the quoting every value placed in a URL goes through.

A refused request raises IgnoreRequest, which reaches the request's errback: the source's run
records it like any failed request."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from scrapy.exceptions import IgnoreRequest

ALLOWED_SCHEMES = ("http", "https")


def segment(value: object) -> str:
    """`value` as one URL path segment: every reserved character percent-encoded ('/' included)."""
    return quote(str(value), safe="")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class SafetyMiddleware:
    """Refuse other schemes, hosts the request's source does not own, and credentials sent elsewhere.

    A request tied to a source (meta `source_key`) may go only to `spider.allowed_hosts(source)`.
    A request with meta `credential_host` keeps the headers named in meta `credential_headers`
    only while it goes to that host."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        spider = self.crawler.spider
        stats = self.crawler.stats
        parts = urlsplit(request.url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            stats.inc_value("emr/safety/refused_scheme")
            raise IgnoreRequest(f"refused: {parts.scheme or 'no'} scheme (only http and https are fetched)")
        host = (parts.hostname or "").lower()
        credential_host = request.meta.get("credential_host")
        if credential_host and host != credential_host:
            for name in request.meta.get("credential_headers", ()):
                if name in request.headers:
                    del request.headers[name]
                    stats.inc_value("emr/safety/credentials_withheld")
        key = request.meta.get("source_key")
        runs = getattr(spider, "runs", {})
        if key is None or key not in runs:
            return None  # robots.txt and other requests of the framework: the scheme check is enough
        if host not in spider.allowed_hosts(runs[key].source):
            stats.inc_value("emr/safety/refused_host")
            raise IgnoreRequest(f"refused: {host or 'no host'} is not a host of source {key}")
        return None
