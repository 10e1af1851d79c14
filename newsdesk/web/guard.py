"""Checks made before a request body is read: the API token, then the body's size.

FastAPI reads and validates a body before the endpoint runs, so a check inside the
endpoint comes too late: an unauthenticated 200 MB ``POST /api/sources`` was parsed
whole (server memory +363 MB) before its 401. This ASGI middleware answers first: the
token on the write paths, then the declared ``Content-Length``, then the bytes as they
arrive (a chunked body has no length to declare), each refusal in the one error shape.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..settings import Settings
from .catalog import token_problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: paths whose writes need the API token (the endpoints check it again themselves)
TOKEN_PATHS = ("/api/ingest", "/api/sources", "/api/follows")
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestGuard:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    def limit_for(self, path: str) -> int:
        return int(
            self.settings.max_input_bytes if path == "/api/ingest" else self.settings.api_max_body_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if path == TOKEN_PATHS[0] or path.startswith(TOKEN_PATHS[1:]):
            problem = token_problem(headers.get("authorization", ""), self.settings)
            if problem is not None:
                status, code, message = problem
                extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
                await _error(send, status, code, message, extra)
                return
        limit = self.limit_for(path)
        declared = headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > limit:
            await _error(send, 413, "too_large", f"request body over the {limit:,}-byte limit")
            return
        # Read the body here, counting as it arrives (a chunked body declares no length), so
        # the app only ever sees a body within the limit; then hand it on unchanged.
        chunks: list[bytes] = []
        received = 0
        while True:
            arrived = await receive()
            if arrived["type"] != "http.request":
                await self.app(scope, _replay([], arrived, receive), send)
                return
            chunk = arrived.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _error(send, 413, "too_large", f"request body over the {limit:,}-byte limit")
                return
            chunks.append(chunk)
            if not arrived.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], final: Message | None, then: Receive) -> Receive:
    """A receive callable that gives the buffered body once, then the client's own messages
    (a streaming response listens there for the disconnect)."""
    pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
    if final is not None:
        pending = [final]

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await then()

    return replayed


async def _error(
    send: Send, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
