"""`newsdesk sources ...` and `newsdesk run`: live sources and the polling loop.

Mounted by cli.py (``app.add_typer(sources_app, name="sources")`` and
``app.command("run")(run_command)``).
"""

from __future__ import annotations

import json
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .cli_common import (
    DbOption,
    check_engine_options,
    echo,
    engine_runner,
    err,
    fail,
    open_store,
    out,
    settings_for,
)
from .errors import NewsdeskError, NotFound
from .model import now_utc
from .store.sources import SOURCE_KINDS, source_to_json

# Fetching, feed parsing, the scheduler and the pipeline load inside the commands that
# use them: importing them costs most of a second that every other command would pay.

sources_app = typer.Typer(
    help="Live sources (feeds, sitemaps, URLs) that `newsdesk run` polls.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _check_url(url: str) -> None:
    """Refuse what the fetcher would never fetch before it is stored (the address is checked at fetch)."""
    from .ingest.fetch import FetchRefused, url_target

    try:
        url_target(url)
    except FetchRefused as exc:
        raise fail(str(exc)) from exc


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "—"


@sources_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The feed, sitemap or page URL.")],
    kind: Annotated[
        str, typer.Option(help="feed (RSS/Atom/JSON Feed), sitemap, or url (one page).")
    ] = "feed",
    title: Annotated[str, typer.Option(help="A name to show (default: the feed's own title).")] = "",
    interval: Annotated[
        float | None, typer.Option(help="Seconds between polls to start with (adapted later).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a source; it is polled at the next `newsdesk run`."""
    if kind not in SOURCE_KINDS:
        raise fail(f"unknown kind {kind!r}: use {', '.join(SOURCE_KINDS)}")
    _check_url(url)
    settings = settings_for(db)
    with closing(open_store(settings, create=True)) as store:
        source, created = store.add_source(
            url, kind, title=title, interval=interval or settings.poll_interval
        )
    out.print(f"{'added' if created else 'already a source'}: {source.id} {source.kind} {source.url}")


@sources_app.command("list")
def list_(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Sources and their health: last success, last error, failures in a row, next poll."""
    with closing(open_store(settings_for(db))) as store:
        sources = store.list_sources()
    if as_json:
        for s in sources:
            echo(json.dumps(source_to_json(s), ensure_ascii=False))
        return
    table = Table(box=None)
    for name in ("id", "kind", "url", "last success", "failures", "last error", "next due", "items"):
        # URLs and errors are what a reader needs whole: wrapped, never cut with an ellipsis
        table.add_column(name, overflow="fold" if name in ("url", "last error") else "ellipsis")
    for s in sources:
        table.add_row(
            str(s.id),
            s.kind,
            s.url + (f"\n{s.title}" if s.title else ""),
            _when(s.last_success),
            str(s.consecutive_failures),
            (s.last_error or "—")[:80],
            _when(s.next_due),
            f"{s.items_added}/{s.items_seen}",
        )
    out.print(table)


@sources_app.command("remove")
def remove(
    ref: Annotated[str, typer.Argument(help="Source id or URL.")],
    db: DbOption = None,
) -> None:
    """Remove a source (its articles stay)."""
    with closing(open_store(settings_for(db))) as store:
        try:
            source = store.remove_source(ref)
        except NotFound as exc:
            raise fail(str(exc), 1) from exc
    out.print(f"removed: {source.id} {source.url}")


@sources_app.command("retry")
def retry(
    ref: Annotated[str | None, typer.Argument(help="Source id or URL.", show_default=False)] = None,
    every: Annotated[bool, typer.Option("--all", help="Every source.")] = False,
    db: DbOption = None,
) -> None:
    """Clear a source's backoff after its cause was fixed: the next `newsdesk run` polls it at once."""
    if (ref is None) == (not every):
        raise fail("name one source (ID or URL) or give --all")
    with closing(open_store(settings_for(db))) as store:
        try:
            sources = store.list_sources() if every else [store.get_source(ref or "")]
        except NotFound as exc:
            raise fail(str(exc), 1) from exc
        for source in sources:
            store.retry_source(source.id)
            was = f" (had {source.consecutive_failures} failures)" if source.consecutive_failures else ""
            out.print(f"due now: {source.id} {source.url}{was}", markup=False)


@sources_app.command("import-opml")
def import_opml(
    file: Annotated[Path, typer.Argument(help="An OPML file (feed readers export their subscriptions so).")],
    db: DbOption = None,
) -> None:
    """Add every feed an OPML file lists."""
    from .ingest.feeds import parse_opml

    settings = settings_for(db)
    try:
        outlines = parse_opml(file.read_bytes(), source=str(file))
    except OSError as exc:
        raise fail(f"{file}: cannot read: {exc.strerror or exc}") from exc
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    added = 0
    with closing(open_store(settings, create=True)) as store:
        for o in outlines:
            _, created = store.add_source(o.url, o.kind, title=o.title, interval=settings.poll_interval)
            added += created
    out.print(f"{added} added, {len(outlines) - added} already sources")


@sources_app.command("export-opml")
def export_opml(
    out_file: Annotated[str, typer.Option("--out", help="File to write, or - for standard output.")] = "-",
    db: DbOption = None,
) -> None:
    """Write the sources as OPML 2.0."""
    from .ingest.feeds import Outline, dump_opml

    with closing(open_store(settings_for(db))) as store:
        data = dump_opml(Outline(s.url, s.title, s.kind) for s in store.list_sources())
    if out_file == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(out_file).write_bytes(data)


def run_command(
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll what is due once, then exit.")] = False,
    images: Annotated[bool, typer.Option(help="Cache articles' images (and thumbnails).")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-source lines.")] = False,
    engine: Annotated[
        str,
        typer.Option(help="local, or ray: a poll's fetched pages are extracted and enriched on Ray workers."),
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="With --engine ray: join this Ray cluster instead of a local Ray.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="With --engine ray: batches in work at once (default: all CPUs)."),
    ] = None,
    now: Annotated[
        bool, typer.Option("--now", help="Poll every source at once first, whatever its schedule or backoff.")
    ] = False,
) -> None:
    """Poll the sources, each on its own schedule, until SIGINT/SIGTERM (or once with --once)."""

    from .ingest.fetch import Fetcher
    from .ingest.images import ImageCache
    from .ingest.scheduler import Scheduler
    from .link.linker import Linker
    from .pipeline import Enricher, link_new
    from .publish.feeds import load_feeds
    from .publish.follows import check_follows

    check_engine_options(engine, ray_address, workers)
    settings = settings_for(db)
    runner = engine_runner(settings, engine, ray_address, workers)
    with (
        runner as ray_engine,
        closing(open_store(settings, create=True)) as store,
        Fetcher.from_settings(settings) as fetcher,
    ):
        linker = Linker.open(store, heat=settings.heat)
        link_new(store, linker)  # catch up with anything a killed run committed but did not link
        if now:
            for source in store.list_sources():
                store.retry_source(source.id)
        scheduler = Scheduler.from_settings(
            settings,
            store,
            fetcher,
            enricher=Enricher.from_settings(settings),
            linker=linker,
            images=ImageCache.from_settings(settings, fetcher) if images else None,
            engine=ray_engine,
            log=(lambda m: None)
            if quiet
            else (lambda m: err.print(f"{now_utc():%H:%M:%S} {m}", markup=False)),
        )
        with scheduler.signals():
            report = scheduler.run(once=once)
        link_new(store, linker)
        # what the run brought, announced to the follows (their feeds and webhooks)
        check_follows(store, linker, feeds={f.name: f for f in load_feeds(settings)}, fetcher=fetcher)
        total = store.count()
    failed = sum(1 for p in report.polls if p.error)
    stopped = " (stopped by signal)" if report.stopped_by_signal else ""
    out.print(
        f"{len(report.polls)} polls, {report.added} added, {failed} failed{stopped}; "
        f"{total} articles in {store.label}"
    )
    if report.polls and failed == len(report.polls):
        # Nothing was reached: a cron job or a supervisor must see it (some failures are normal).
        err.print(
            "error: every poll failed (see `newsdesk sources list`; after fixing the cause, "
            "`newsdesk sources retry --all` or `newsdesk run --now`)",
            markup=False,
        )
        raise typer.Exit(1)
