"""`newsdesk serve`: the web UI, the JSON API and the feeds, over uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from .cli_common import DbOption, err, fail, settings_for
from .errors import NewsdeskError
from .settings import Settings


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 exposes it to the network).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8080,
    db: DbOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Server processes (uvicorn workers) sharing the port and the store; each sees the "
            "others' writes through the store. Use PostgreSQL for several writers.",
            min=1,
            max=64,
        ),
    ] = 1,
) -> None:
    """Serve the stories, articles, feeds and search as web pages, JSON and Atom/JSON Feed."""
    serve_settings(settings_for(db), host=host, port=port, workers=workers)


def serve_settings(
    settings: Settings, *, host: str, port: int, log_level: str = "info", workers: int = 1
) -> None:
    """Serve the store these settings name until SIGINT/SIGTERM (`serve` and `demo` share it)."""
    import os

    import uvicorn  # only the serving commands need the server

    from .web.api import create_app, link_on_start

    try:
        # Articles ingested without linking (older versions, a crash) would be in no story.
        embedder = link_on_start(settings, progress=lambda line: err.print(line, markup=False))
        app = create_app(settings, embedder=embedder) if workers == 1 else None
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    if not settings.api_token:
        err.print("write endpoints are disabled (no api_token configured)")
    if app is not None:
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    # Worker processes build their own app from the environment: the store given here travels as
    # NEWSDESK_DB (the other settings come from the same config file and environment).
    os.environ["NEWSDESK_DB"] = settings.db_target
    uvicorn.run(
        "newsdesk.web.api:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )
