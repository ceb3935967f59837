"""A tiny threaded HTTP server on 127.0.0.1 routing requests by method and path pattern.

The demo serves generated boards with it; the tests serve recorded-shape fixtures with it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    content_type: str = "application/json"
    headers: dict[str, str] | None = None  # more response headers, e.g. a redirect's Location

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class RequestInfo:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


Handler = Callable[[RequestInfo, re.Match], Reply]


class RouteServer:
    """Start with `with RouteServer(routes) as server:`; `server.url` is its root URL."""

    def __init__(self, routes: list[tuple[str, str, Handler]]) -> None:
        self.routes = [(method, re.compile(pattern), handler) for method, pattern, handler in routes]
        self.requests: list[RequestInfo] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RouteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def dispatch(self, info: RequestInfo) -> Reply:
        self.requests.append(info)
        for method, pattern, handler in self.routes:
            if method == info.method and (match := pattern.fullmatch(info.path)):
                return handler(info, match)
        return Reply(404, {"error": "not found", "path": info.path})

    def _handler_class(self):
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                info = RequestInfo(self.command, split.path, parse_qs(split.query),
                                   self.rfile.read(length) if length else b"", dict(self.headers))
                try:
                    reply = server.dispatch(info)
                except Exception as exc:  # a handler bug answers 500, as a real server would
                    reply = Reply(500, {"error": repr(exc)})
                payload = reply.payload()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                # HTTP/1.0: the server closes every connection; saying so keeps a client from reusing
                # one that is closing (a POST on it would fail, and POSTs are not retried)
                self.send_header("Connection", "close")
                for name, value in (reply.headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return _Handler
