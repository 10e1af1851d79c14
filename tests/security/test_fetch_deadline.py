"""One wall-clock deadline per request, headers included (issue 17): a server that drips its headers
or body a byte at a time never tripped the per-read timeout, and the body deadline was only checked
every 64 KB, so a 5 s total took minutes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from newsdesk.ingest.fetch import Fetcher
from newsdesk.ingest.fetch_policy import FetchPolicy, FetchTimeout, parse_networks


class LocalServer:
    """A raw socket server on 127.0.0.1: each connection is answered by ``_answer`` in its own
    thread; ``_drip`` sends bytes one per ``pause`` until the server is closed."""

    def __init__(self, pause: float):
        self.pause = pause
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            self._answer(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def _answer(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for byte in data:
            if self.stop.is_set():
                break
            conn.sendall(bytes([byte]))
            time.sleep(self.pause)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


class DripServer(LocalServer):
    """Answers every connection by sending ``prefix`` at once, then ``drip`` one byte per ``pause``."""

    def __init__(self, prefix: bytes, drip: bytes, pause: float):
        self.prefix, self.drip = prefix, drip
        super().__init__(pause)

    def _answer(self, conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(self.prefix)
        self._drip(conn, self.drip)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    policy = FetchPolicy(
        connect_timeout=2.0,
        read_timeout=3.0,  # each byte arrives well within it: only the total can end the drip
        total_timeout=1.5,
        retries=0,
        domain_delay=0.0,
        ignore_robots=True,
        allow_networks=parse_networks("127.0.0.1"),
    )
    f = Fetcher(policy, resolver=lambda host, port: ["127.0.0.1"])
    yield f
    f.close()


@pytest.mark.parametrize(
    ("prefix", "drip"),
    [
        (b"", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 400\r\n\r\n", b"<p>" + b"x" * 397),
    ],
    ids=["headers", "body"],
)
def test_slow_drip_ends_at_the_total_deadline(fetcher: Fetcher, prefix: bytes, drip: bytes) -> None:
    server = DripServer(prefix, drip, pause=0.05)
    try:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match=r"took over 1\.5 s"):
            fetcher.fetch(f"http://drip.example:{server.port}/page", accept=None)
        assert time.monotonic() - started < 4.0
    finally:
        server.close()


class KeepAliveDripServer(LocalServer):
    """One keep-alive connection: the first request is answered at once, every later request
    on the same connection gets its headers one byte per ``pause``."""

    def _answer(self, conn: socket.socket) -> None:
        fast = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<p>ok!"
        slow = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 400 + b"\r\n\r\n"
        conn.recv(65536)
        conn.sendall(fast)
        conn.recv(65536)  # the second request arrives on the same connection
        self._drip(conn, slow)


def test_header_drip_on_a_reused_keep_alive_connection_ends_at_the_deadline(fetcher: Fetcher) -> None:
    """The connection is not opened for the second request, so no "connection opened" event hands
    its socket to a timer: the deadline must hold on every read whatever the connection's age."""
    server = KeepAliveDripServer(pause=0.05)
    try:
        url = f"http://drip.example:{server.port}/"
        assert fetcher.fetch(url + "first", accept=None).content == b"<p>ok!"
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match=r"took over 1\.5 s"):
            fetcher.fetch(url + "second", accept=None)
        elapsed = time.monotonic() - started
        assert server.connections == 1, "the second request did not reuse the connection"
        assert elapsed < 4.0, f"took {elapsed:.1f} s"
    finally:
        server.close()
