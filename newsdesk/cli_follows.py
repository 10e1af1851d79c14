"""`newsdesk follows ...` (follow a story, topic or feed; check for news) and `newsdesk images`.

Mounted by cli.py (``app.add_typer(follows_app, name="follows")`` and
``app.command("images")(images_command)``). The server checks follows by
itself whenever its story state changes; ``follows check`` is for a desk run
from cron, or to see what a check finds.
"""

from __future__ import annotations

import json
from contextlib import closing
from typing import Annotated

import typer
from rich.table import Table

from .cli_common import DbOption, err, fail, open_store, out, settings_for
from .errors import FetchError, NewsdeskError, NotFound
from .store.follows import FOLLOW_KINDS, follow_to_json

# The fetcher, the linker and Pillow load inside the commands that use them: `newsdesk --help`
# and the other commands must not pay for them (tests/test_startup.py).

follows_app = typer.Typer(
    help="Follow a story, topic or topic feed: each follow has an Atom/JSON feed and an optional webhook.",
    no_args_is_help=True,
)


@follows_app.command("add")
def add(
    kind: Annotated[str, typer.Argument(help="story, topic or feed.")],
    target: Annotated[str, typer.Argument(help="The story number, topic name or feed name.")],
    webhook: Annotated[
        str | None, typer.Option(help="POST each new development or article as JSON to this URL.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Follow something; what exists now is recorded as the follow's start (not sent to the webhook)."""
    from .ingest.fetch import Fetcher
    from .link.linker import Linker
    from .publish.feeds import load_feeds
    from .publish.follows import check_follows, follow_title

    if kind not in FOLLOW_KINDS:
        raise fail(f"unknown kind {kind!r}: use {', '.join(FOLLOW_KINDS)}")
    settings = settings_for(db)
    with closing(open_store(settings)) as store, Fetcher.from_settings(settings) as fetcher:
        if webhook:
            try:
                fetcher.check_url(webhook)
            except FetchError as exc:
                raise fail(
                    f"webhook refused: {exc} "
                    "(allow-list a private network with NEWSDESK_FETCH_ALLOW_NETWORKS)"
                ) from exc
        linker = Linker.open(store, heat=settings.heat)
        feeds = {f.name: f for f in load_feeds(settings)}
        try:
            title = follow_title(kind, target, store, linker, feeds)
        except NotFound as exc:
            raise fail(str(exc)) from exc
        follow, created = store.add_follow(kind, target, title=title, webhook_url=webhook)
        if created:
            check_follows(store, linker, feeds=feeds, follows=[follow])
        events = store.follow_events(follow.id, limit=1000)
    verb = "following" if created else "already following"
    out.print(f"{verb} {kind} {target} as follow {follow.id} ({len(events)} events so far)")


@follows_app.command("list")
def list_(db: DbOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The follows, with when each was last checked."""
    with closing(open_store(settings_for(db))) as store:
        follows = [follow_to_json(f) for f in store.list_follows()]
    if as_json:
        out.print(json.dumps(follows, ensure_ascii=False, indent=2), markup=False)
        return
    table = Table("id", "kind", "target", "webhook", "last checked", "last error")
    for f in follows:
        table.add_row(
            str(f["id"]),
            f["kind"],
            f["target"],
            f["webhook"] or "—",
            f["last_checked"] or "never",
            f["last_error"] or "",
        )
    out.print(table)


@follows_app.command("remove")
def remove(follow_id: Annotated[int, typer.Argument(help="The follow's id.")], db: DbOption = None) -> None:
    """Stop following (its feed and undelivered events go with it)."""
    with closing(open_store(settings_for(db))) as store:
        try:
            follow = store.remove_follow(follow_id)
        except NotFound as exc:
            raise fail(str(exc)) from exc
    out.print(f"removed follow {follow.id} ({follow.kind} {follow.target})")


@follows_app.command("check")
def check(db: DbOption = None) -> None:
    """Record what is new for every follow and post it to the webhooks."""
    from .ingest.fetch import Fetcher
    from .link.linker import Linker
    from .publish.feeds import load_feeds
    from .publish.follows import check_follows

    settings = settings_for(db)
    with closing(open_store(settings)) as store, Fetcher.from_settings(settings) as fetcher:
        linker = Linker.open(store, heat=settings.heat)
        report = check_follows(
            store, linker, feeds={f.name: f for f in load_feeds(settings)}, fetcher=fetcher
        )
    for problem in report.failed:
        err.print(problem, markup=False)
    out.print(
        f"{report.follows} follows checked, {report.new_events} new events, {report.delivered} delivered"
    )
    if report.failed:
        raise typer.Exit(1)


def images_command(db: DbOption = None) -> None:
    """Cache the images of stored articles (thumbnails for the pages; `newsdesk run` does it as it goes)."""
    from .ingest.fetch import Fetcher
    from .ingest.images import ImageCache, cache_stored

    settings = settings_for(db)
    try:
        with closing(open_store(settings)) as store, Fetcher.from_settings(settings) as fetcher:
            done, refused = cache_stored(store, ImageCache.from_settings(settings, fetcher))
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    for line in refused:
        err.print(f"refused {line}", markup=False)
    out.print(f"images cached for {done} articles; {len(refused)} refused")
