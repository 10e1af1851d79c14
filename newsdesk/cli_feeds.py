"""`newsdesk feeds`: the topic feeds the config file declares, and what each one publishes.

Also the helpers `newsdesk export --feed NAME` uses to write records whose
``published`` flag is that feed's decision on each article.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from .cli_common import DbOption, echo, fail, open_store, out, settings_for
from .errors import NewsdeskError
from .model import Article, now_utc
from .publish.feeds import Decision, Feed, decide, load_feeds
from .records import dump_record
from .settings import Settings

if TYPE_CHECKING:
    from .link.linker import Linker
    from .secured import Keyring
    from .store.desk import DeskStore

feeds_app = typer.Typer(
    help="Topic feeds declared in the config file: their rules and what they publish.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def feeds_from(settings: Settings) -> list[Feed]:
    """The configured feeds; a bad [[feeds]] table is a clean error, not a traceback."""
    try:
        return load_feeds(settings)
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc


def feed_named(settings: Settings, name: str) -> Feed:
    """The feed called ``name`` (exit 1 naming the known feeds when there is none)."""
    feeds = feeds_from(settings)
    for feed in feeds:
        if feed.name == name:
            return feed
    known = ", ".join(f.name for f in feeds) or "none are configured"
    raise fail(f"no feed {name!r} (feeds: {known})", 1)


def rules(feed: Feed) -> str:
    """The feed's rules in one line, in the order :func:`decide` checks them."""
    parts = []
    if feed.exclude:
        parts.append(f"not {', '.join(feed.exclude)}")
    if feed.topics:
        parts.append(f"topics {', '.join(feed.topics)}")
    if feed.languages:
        parts.append(f"languages {', '.join(feed.languages)}")
    if feed.min_quality:
        parts.append(f"quality >= {feed.min_quality}")
    if feed.max_age_days is not None:
        parts.append(f"last {feed.max_age_days:g} days")
    parts.append("copies shown" if feed.show_copies else "no copies")
    return "; ".join(parts)


def _linker(settings: Settings, store: DeskStore) -> Linker:
    # The linker (numpy, datasketch, usearch) loads only for commands that link.
    from .link.linker import Linker
    from .pipeline import link_new

    linker = Linker.open(store, heat=settings.heat)
    link_new(store, linker)
    return linker


def decisions(
    store: DeskStore, linker: Linker, feed: Feed, *, now: datetime
) -> Iterator[tuple[Article, Decision]]:
    """Every stored article, newest first, with ``feed``'s decision on it."""
    offset = 0
    while True:
        batch = store.recent(limit=500, offset=offset)
        if not batch:
            return
        offset += len(batch)
        for article in batch:
            yield article, decide(article, feed, now=now, copy_of=linker.original_of(article.id))


def mark_published(article: Article, feed: Feed, *, now: datetime) -> Decision:
    """Set ``article.published_flag`` to ``feed``'s decision (on a decorated article) and return it."""
    decision = decide(article, feed, now=now)
    article.published_flag = decision.published
    return decision


def export_feed_records(
    store: DeskStore,
    linker: Linker,
    feed: Feed,
    out_dir: Path | None,
    keyring: Keyring | None,
    now: datetime,
) -> tuple[int, int]:
    """Write every stored article as a sealed record with ``published`` set per ``feed``.

    Records go to ``out_dir/<id>.md``, or to standard output when ``out_dir``
    is None. Returns (records written, of which published).
    """
    from .link.linker import decorate

    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    written = published = 0
    for stored in store.iter_articles():
        article = decorate(stored, store, linker, now=now)
        published += mark_published(article, feed, now=now).published
        text = dump_record(article, keyring=keyring)
        if out_dir is not None:
            (out_dir / f"{article.id}.md").write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        written += 1
    return written, published


@feeds_app.command("list")
def list_feeds(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Each feed: its name, its rules, and how many stored articles it publishes."""
    settings = settings_for(db)
    feeds = feeds_from(settings)
    now = now_utc()
    counts: dict[str, tuple[int, int]] = {}
    if feeds:
        with open_store(settings) as store:
            linker = _linker(settings, store)
            for feed in feeds:
                verdicts = [d.published for _, d in decisions(store, linker, feed, now=now)]
                counts[feed.name] = (sum(verdicts), len(verdicts))
    if as_json:
        for feed in feeds:
            published, total = counts[feed.name]
            line = {**feed.to_json(), "publishes": published, "articles": total}
            echo(json.dumps(line, ensure_ascii=False))
        return
    if not feeds:
        out.print("no feeds configured: declare [[feeds]] tables in the config file", markup=False)
        return
    table = Table("name", "rules", "publishes", box=None)
    for feed in feeds:
        published, total = counts[feed.name]
        table.add_row(Text(feed.name), Text(rules(feed)), f"{published} of {total}")
    out.print(table)


@feeds_app.command("show")
def show_feed(
    name: Annotated[str, typer.Argument(help="The feed's name, as in the config file.")],
    db: DbOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One line per article: id, title, published, reason.")
    ] = False,
    published_only: Annotated[
        bool, typer.Option("--published", help="Only the articles the feed publishes.")
    ] = False,
) -> None:
    """Every stored article, newest first, with the feed's decision on it and the reason."""
    settings = settings_for(db)
    feed = feed_named(settings, name)
    with open_store(settings) as store:
        linker = _linker(settings, store)
        decided = [
            (a, d)
            for a, d in decisions(store, linker, feed, now=now_utc())
            if d.published or not published_only
        ]
    if as_json:
        for a, d in decided:
            line = {"id": a.id, "external_id": a.external_id, "title": a.title, **d.to_json()}
            echo(json.dumps(line, ensure_ascii=False))
        return
    out.print(f"{feed.name}: {rules(feed)}", markup=False)
    table = Table("", "id", "title", "reason", box=None)
    for a, d in decided:
        table.add_row("yes" if d.published else "no", Text(a.id), Text(a.title), Text(d.reason))
    out.print(table)
