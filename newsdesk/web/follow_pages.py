"""Follow a story, a topic or a topic feed: the API, the pages and each follow's own feeds.

Reading is open; following and unfollowing are writes and need the API token,
like every write endpoint. The JSON API takes it as ``Authorization: Bearer``;
the pages' forms (no script may add a header, the CSP forbids scripts) carry it
in a password field, compared in constant time the same way. The webhook URL
is checked when the follow is made with the fetcher's own address rules, so a
private or loopback address is refused at once (with the setting that allows
it named), not silently at the first delivery.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import FetchError, NotFound
from ..ingest.fetch import Fetcher
from ..publish.follows import check_follows, follow_atom, follow_json
from ..publish.syndication import ATOM_TYPE, JSON_FEED_TYPE, FeedInfo
from ..store.follows import FOLLOW_KINDS, Follow, event_to_json, follow_to_json
from .catalog import require_token

if TYPE_CHECKING:
    from .api import Desk

#: a follow's id: a store row id (SQLite and PostgreSQL integers are 64-bit; a larger number is no
#: follow, answered as a declared 422 rather than an overflow deep in the store)
FollowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

MAX_FORM_BYTES = 8192


class NewFollow(BaseModel):
    kind: Literal["story", "topic", "feed"]  # FOLLOW_KINDS, as an enum in the schema
    target: Annotated[str, Field(min_length=1, max_length=300)]
    webhook_url: Annotated[str | None, Field(max_length=2000)] = None


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def router(desk: Desk) -> APIRouter:
    from . import views
    from .api import ApiError

    settings = desk.settings
    r = APIRouter()

    def describe(kind: str, target: str) -> str:
        """The follow's title, once its target is known to exist (raises ApiError otherwise)."""
        if kind == "story":
            if not target.isdigit():
                raise ApiError(400, "bad_request", f"a story is followed by its number, not {target!r}")
            detail = desk.story_detail(int(target), limit=1)
            return str(detail["headline"] or f"Story {target}")
        if kind == "feed":
            return desk.feed(target).title or target
        if kind == "topic":
            with desk.store() as store:
                known = {name.casefold(): name for name in store.topic_counts()}
            from .front import _taxonomy

            try:
                return _taxonomy().by_name(target).name
            except KeyError:
                if target.casefold() in known:
                    return known[target.casefold()]
            raise ApiError(404, "not_found", f"no topic {target!r} in the taxonomy or the store")
        raise ApiError(400, "bad_request", f"unknown kind {kind!r}: use {', '.join(FOLLOW_KINDS)}")

    def create(kind: str, target: str, webhook_url: str | None) -> tuple[Follow, bool]:
        target = target.strip()
        title = describe(kind, target)
        if webhook_url:
            with Fetcher.from_settings(settings) as fetcher:
                try:
                    fetcher.check_url(webhook_url)
                except FetchError as exc:
                    raise ApiError(
                        400,
                        "bad_request",
                        f"webhook refused: {exc} (allow-list a private network with "
                        "NEWSDESK_FETCH_ALLOW_NETWORKS)",
                    ) from exc
        with desk.store() as store, desk.linker() as linker:
            follow, created = store.add_follow(kind, target, title=title, webhook_url=webhook_url or None)
            if created:  # the story so far: the feed's first entries, never sent to the webhook
                check_follows(store, linker, feeds=desk.feeds, follows=[follow])
                follow = store.get_follow(follow.id)
        return follow, created

    def get(follow_id: int) -> Follow:
        with desk.store() as store:
            try:
                return store.get_follow(follow_id)
            except NotFound as exc:
                raise ApiError(404, "not_found", str(exc)) from exc

    async def form(request: Request) -> dict[str, str]:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            raise ApiError(413, "too_large", f"form over {MAX_FORM_BYTES} bytes")
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in fields.items()}

    def form_token(request: Request, fields: dict[str, str]) -> None:
        if request.headers.get("authorization"):
            require_token(request, settings)
            return
        token = settings.api_token
        if not token:
            raise ApiError(403, "writes_disabled", "following is disabled: no api_token is configured")
        if not hmac.compare_digest(fields.get("token", "").encode(), token.encode()):
            raise ApiError(401, "unauthorized", "the API token is required to follow or unfollow")

    # -- API ------------------------------------------------------------------
    @r.get("/api/follows")
    def follows() -> dict[str, Any]:
        with desk.store() as store:
            listed = store.list_follows()
        return {"items": [follow_to_json(f) for f in listed], "total": len(listed)}

    @r.get("/api/follows/{follow_id}")
    def follow(follow_id: FollowId, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
        f = get(follow_id)
        with desk.store() as store:
            events = store.follow_events(f.id, limit=limit)
        return {"follow": follow_to_json(f), "events": [event_to_json(e) for e in events]}

    @r.post("/api/follows", status_code=201)
    def add(request: Request, body: NewFollow, response: Response) -> dict[str, Any]:
        require_token(request, settings)
        f, created = create(body.kind, body.target, body.webhook_url)
        if not created:
            response.status_code = 200
        return {"created": created, "follow": follow_to_json(f)}

    @r.delete("/api/follows/{follow_id}")
    def remove(request: Request, follow_id: FollowId) -> dict[str, Any]:
        require_token(request, settings)
        get(follow_id)
        with desk.store() as store:
            return {"removed": follow_to_json(store.remove_follow(follow_id))}

    # -- pages and forms ------------------------------------------------------
    @r.post("/follows", include_in_schema=False)
    async def follow_form(request: Request) -> RedirectResponse:
        fields = await form(request)
        form_token(request, fields)
        f, _ = await run_in_threadpool(
            create, fields.get("kind", ""), fields.get("target", ""), fields.get("webhook_url") or None
        )
        return RedirectResponse(f"/follows/{f.id}", status_code=303)

    @r.post("/follows/{follow_id}/delete", include_in_schema=False)
    async def unfollow_form(request: Request, follow_id: FollowId) -> RedirectResponse:
        fields = await form(request)
        form_token(request, fields)
        get(follow_id)
        with desk.store() as store:
            store.remove_follow(follow_id)
        return RedirectResponse("/follows", status_code=303)

    @r.get("/follows", response_class=HTMLResponse, include_in_schema=False)
    def follows_page(topic: str = "") -> HTMLResponse:
        with desk.store() as store:
            listed = [follow_to_json(f) for f in store.list_follows()]
            topics = sorted(store.topic_counts())
        return views.render(
            "follows.html",
            title="Following",
            follows=listed,
            topics=topics,
            feeds=list(desk.feeds.values()),
            topic=topic,
            writable=bool(settings.api_token),
        )

    def info(request: Request, f: Follow, ext: str) -> FeedInfo:
        base = _base(request)
        return FeedInfo(
            id=f"{base}/follows/{f.id}",
            title=f"{f.title or f.target} · newsdesk",
            self_url=f"{base}/follows/{f.id}.{ext}",
            home_url=f"{base}/follows/{f.id}",
        )

    @r.get("/follows/{follow_id}.atom", response_class=Response, include_in_schema=False)
    def follow_feed_atom(request: Request, follow_id: FollowId) -> Response:
        f = get(follow_id)
        with desk.store() as store:
            events = store.follow_events(f.id)
        return Response(
            follow_atom(info(request, f, "atom"), f, events, _base(request)), media_type=ATOM_TYPE
        )

    @r.get("/follows/{follow_id}.json", response_class=Response, include_in_schema=False)
    def follow_feed_json(request: Request, follow_id: FollowId) -> Response:
        f = get(follow_id)
        with desk.store() as store:
            events = store.follow_events(f.id)
        return Response(
            follow_json(info(request, f, "json"), f, events, _base(request)), media_type=JSON_FEED_TYPE
        )

    @r.get("/follows/{follow_id}", response_class=HTMLResponse, include_in_schema=False)
    def follow_page(follow_id: FollowId) -> HTMLResponse:
        f = get(follow_id)
        with desk.store() as store:
            events = store.follow_events(f.id, limit=100)
        return views.render(
            "follow.html",
            title=f.title or f"Follow {f.id}",
            follow=follow_to_json(f),
            events=[event_to_json(e) for e in events],
            writable=bool(settings.api_token),
        )

    return r
