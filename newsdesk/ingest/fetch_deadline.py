"""One wall-clock deadline per request, enforced on every socket wait (issue 17).

httpx's timeouts bound each wait, not the whole: a server that sends one header (or
body) byte every few seconds never trips them. The fetcher therefore runs its
connections over a network backend whose streams cap every connect, TLS handshake,
read and write by what is left of the current request's total: the wait that would
pass the deadline ends at it, with a timeout.

The deadline is per thread (httpx's sync client does its socket I/O in the thread
that sends the request), so it follows the request onto whatever connection the pool
hands out: a new one or a reused keep-alive one. An earlier timer that shut the socket
down only knew connections it had seen *open*, so headers dripped on a reused
connection ran on for as many read timeouts as the server liked.

httpx has no public way to hand a network backend to its default transport; httpcore
has (``ConnectionPool(network_backend=...)``), so :func:`deadline_transport` builds
httpx's transport and gives it such a pool (the one private attribute written here;
``tests/security/test_fetch_deadline.py`` fails if httpx ever stops reading it).
"""

from __future__ import annotations

import threading
import time
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

_local = threading.local()


class DeadlineExpired(httpcore.ReadTimeout):
    """A socket wait reached the request's total deadline."""


def _left() -> float | None:
    """Seconds left of this thread's current request, or None outside a request."""
    deadline: Callable[[], float] | None = getattr(_local, "left", None)
    return None if deadline is None else deadline()


def _cap(timeout: float | None) -> float | None:
    left = _left()
    if left is None:
        return timeout
    if left <= 0:
        _local.expired = True
        raise DeadlineExpired("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


@contextmanager
def request_deadline(left: Callable[[], float]) -> Iterator[None]:
    """While inside, every socket wait in this thread ends by the time ``left()`` reaches 0."""
    previous = getattr(_local, "left", None), getattr(_local, "expired", False)
    _local.left, _local.expired = left, False
    try:
        yield
    finally:
        _local.left, _local.expired = previous


def deadline_expired() -> bool:
    """Did a socket wait of the current request (in this thread) end at its total deadline?"""
    return bool(getattr(_local, "expired", False))


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        capped = _cap(timeout)
        try:
            return self._inner.read(max_bytes, capped)
        except httpcore.ReadTimeout:
            self._note_expired(capped, timeout)
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        capped = _cap(timeout)
        try:
            self._inner.write(buffer, capped)
        except httpcore.WriteTimeout:
            self._note_expired(capped, timeout)
            raise

    @staticmethod
    def _note_expired(capped: float | None, timeout: float | None) -> None:
        # the wait was the deadline's, not the per-read timeout's, when it was the shorter
        if capped is not None and (timeout is None or capped < timeout):
            left = _left()
            if left is not None and left <= 0.05:
                _local.expired = True

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _cap(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend):
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _cap(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _cap(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def deadline_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's transport (no proxies: trust_env is off) over a deadline-capped network backend."""
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_DeadlineBackend(httpcore.SyncBackend()),
    )
    return transport
