"""What newsdesk follows and knows: topics and live sources, as JSON and as a health page.

Reading is open; adding or removing a source needs the API token, like ingest
(``require_token``). The sources page shows each source's health the way
``newsdesk sources list`` does: last success, last error, failures in a row,
next poll.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from ..enrich.taxonomy import Topic, load_taxonomy, parse_user_topics
from ..errors import NewsdeskError, NotFound
from ..ingest.fetch import FetchRefused, url_target
from ..settings import Settings
from ..store.sources import SOURCE_KINDS, source_to_json

if TYPE_CHECKING:
    from .api import Desk


class NewSource(BaseModel):
    url: Annotated[str, Field(min_length=1, max_length=2000)]
    kind: str = "feed"
    title: Annotated[str, Field(max_length=300)] = ""
    interval: Annotated[float | None, Field(gt=0)] = None


def token_problem(authorization: str, settings: Settings) -> tuple[int, str, str] | None:
    """(status, code, message) when ``authorization`` does not carry the API token; None when it does."""
    token = settings.api_token
    if not token:
        return 403, "writes_disabled", "write endpoints are disabled: no api_token is configured"
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return 401, "unauthorized", "a valid bearer token is required"
    return None


def require_token(request: Request, settings: Settings) -> None:
    """Write endpoints need ``Authorization: Bearer <api_token>``; none configured: writes are off."""
    from .api import ApiError

    problem = token_problem(request.headers.get("authorization", ""), settings)
    if problem is not None:
        raise ApiError(*problem)


def _topic_json(t: Topic, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "parent": t.parent,
        "user": t.user,
        "description": t.description,
        "articles": counts.get(t.name.casefold(), 0),
    }


def router(desk: Desk) -> APIRouter:
    from . import views
    from .api import ApiError

    settings = desk.settings
    r = APIRouter()

    @r.get("/api/topics")
    def topics(used_only: bool = False) -> dict[str, Any]:
        """The taxonomy (IPTC subjects) and the config's user topics, with stored articles per topic."""
        taxonomy = load_taxonomy().with_user_topics(parse_user_topics(settings.sections.get("topics")))
        with desk.store() as store:
            stored = store.topic_counts()
        counts = {name.casefold(): n for name, n in stored.items()}
        items = [_topic_json(t, counts) for t in taxonomy]
        # Topics articles carry that no taxonomy names (imported from records) are listed too.
        known = {t.name.casefold() for t in taxonomy}
        items += [
            {"id": None, "name": name, "parent": None, "user": False, "description": "", "articles": n}
            for name, n in sorted(stored.items())
            if name.casefold() not in known
        ]
        if used_only:
            items = [t for t in items if t["articles"]]
        return {"items": items, "total": len(items)}

    @r.get("/api/sources")
    def sources() -> dict[str, Any]:
        with desk.store() as store:
            listed = store.list_sources()
        return {"items": [source_to_json(s) for s in listed], "total": len(listed)}

    @r.post("/api/sources", status_code=201)
    def add_source(request: Request, body: NewSource) -> dict[str, Any]:
        require_token(request, settings)
        if body.kind not in SOURCE_KINDS:
            raise ApiError(400, "bad_request", f"unknown kind {body.kind!r}: use {', '.join(SOURCE_KINDS)}")
        try:
            url_target(body.url)  # refuse what the fetcher would never fetch, before it is stored
        except FetchRefused as exc:
            raise ApiError(400, "bad_request", str(exc)) from exc
        with desk.store() as store:
            source, created = store.add_source(
                body.url, body.kind, title=body.title, interval=body.interval or settings.poll_interval
            )
        return {"created": created, "source": source_to_json(source)}

    @r.delete("/api/sources/{ref}")
    def remove_source(request: Request, ref: str) -> dict[str, Any]:
        require_token(request, settings)
        with desk.store() as store:
            try:
                source = store.remove_source(int(ref) if ref.isdigit() else ref)
            except NotFound as exc:
                raise ApiError(404, "not_found", str(exc)) from exc
            except NewsdeskError as exc:
                raise ApiError(400, "bad_request", str(exc)) from exc
        return {"removed": source_to_json(source)}

    @r.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page() -> HTMLResponse:
        with desk.store() as store:
            listed = [source_to_json(s) for s in store.list_sources()]
        return views.render("sources.html", title="Sources", sources=listed)

    return r
