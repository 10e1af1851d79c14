"""A local fixture web site on 127.0.0.1 (port 0): the only server the ingest tests talk to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from newsdesk.ingest.fetch import Fetcher, FetchPolicy, parse_networks


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: seconds to wait before the status line (slow server)
    delay: float = 0.0
    #: send the body in pieces this far apart (slow drip)
    drip: float = 0.0


Handler = Callable[[BaseHTTPRequestHandler], Response]


class Site:
    """Routes path → Response (or a function of the request); logs every request."""

    Response = Response

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        site = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers then body wait on delayed ACKs (40 ms)

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                with site._lock:
                    site.log.append((self.path, dict(self.headers.items())))
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    resp = Response(404, b"not here", {"Content-Type": "text/plain"})
                else:
                    resp = route(self) if callable(route) else route
                if resp.delay:
                    time.sleep(resp.delay)
                try:
                    self.send_response(resp.status)
                    headers = {"Content-Length": str(len(resp.body)), **resp.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if resp.drip:
                        for i in range(0, len(resp.body), 16):
                            self.wfile.write(resp.body[i : i + 16])
                            self.wfile.flush()
                            time.sleep(resp.drip)
                    else:
                        self.wfile.write(resp.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class _Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                # Tests hang up on purpose (timeouts, size limits): a client that went away
                # is an expected outcome here, not a traceback to print.
                pass

        self.server = _Server(("127.0.0.1", 0), _H)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self, path: str, body: bytes | str = b"", status: int = 200, ctype: str = "text/html", **kw: Any
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(kw.pop("headers", {}))
        if ctype:
            headers.setdefault("Content-Type", ctype)
        self.routes[path] = Response(status, data, headers, **kw)
        return self.url(path)

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.log if p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    yield s
    s.close()


def local_policy(**changes: Any) -> FetchPolicy:
    """Fast and local: tiny backoff, short timeouts, no spacing, loopback allow-listed."""
    base: dict[str, Any] = dict(
        connect_timeout=2.0,
        read_timeout=1.0,
        total_timeout=5.0,
        retries=2,
        backoff=0.01,
        domain_delay=0.0,
        domain_concurrency=4,
        allow_networks=parse_networks("127.0.0.1"),
    )
    base.update(changes)
    return FetchPolicy(**base)


@pytest.fixture
def make_fetcher() -> Iterator[Callable[..., Fetcher]]:
    """Fetcher(local_policy(**changes), transport=..., resolver=...), closed after the test."""
    made: list[Fetcher] = []

    def make(
        *, transport: httpx.BaseTransport | None = None, resolver: Any = None, **changes: Any
    ) -> Fetcher:
        f = Fetcher(local_policy(**changes), transport=transport, resolver=resolver)
        made.append(f)
        return f

    yield make
    for f in made:
        f.close()


@pytest.fixture
def fetcher(make_fetcher: Callable[..., Fetcher]) -> Fetcher:
    return make_fetcher()


@pytest.fixture
def recording() -> type[RecordingTransport]:
    return RecordingTransport


class RecordingTransport(httpx.BaseTransport):
    """Records every request it is asked to send and answers from a table; never connects."""

    def __init__(self, answers: dict[str, httpx.Response] | None = None):
        self.sent: list[httpx.Request] = []
        self.answers = answers or {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        key = f"{request.headers['host']}{request.url.raw_path.decode()}"
        answer = self.answers.get(key)
        if answer is None:
            return httpx.Response(404, request=request)
        # a fresh, unread stream: the fetcher reads raw chunks, as from a socket
        return httpx.Response(
            answer.status_code,
            headers=answer.headers,
            stream=httpx.ByteStream(answer.content),
            request=request,
        )
