"""The `newsdesk` command: parses arguments, calls the library, prints.

No pipeline logic lives here; every command is a thin layer over functions
the API and embedding programs call too.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from . import __version__
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
from .cli_demo import demo_command
from .cli_feeds import feeds_app
from .cli_follows import follows_app, images_command
from .cli_serve import serve_command
from .cli_sources import run_command, sources_app
from .cli_store import migrate_command
from .errors import NewsdeskError, NotFound, SecuredError, TamperedError
from .model import Article, RawDocument, now_utc
from .records import article_to_json, dump_record
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from .link.linker import Linker
    from .store.desk import DeskStore

# Commands import what they need inside their bodies: extraction, enrichment and
# linking pull in trafilatura, numpy, scipy and the models' code, seconds that
# `newsdesk list`, `show` or `--help` must not pay (benchmarks/README.md, start-up).

app = typer.Typer(
    name="newsdesk",
    help="Turn news from many outlets into clean, trustworthy records and story feeds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: typer's rich help prints a type such as `<bool>` beside every flag.
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"newsdesk {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print newsdesk's version and exit."
        ),
    ] = False,
) -> None:
    """Turn news from many outlets into clean, trustworthy records and story feeds."""


def _linker(settings: Settings, store: DeskStore) -> Linker:
    """The story state saved in the store, caught up with whatever the store holds."""
    from .link.linker import Linker
    from .pipeline import link_new

    linker = Linker.open(store, heat=settings.heat)
    link_new(store, linker)
    return linker


def _parenthesised(text: str) -> str:
    return f"({text})" if text else ""


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders (recursive): .html/.htm[.gz], text captures, records (.md/.txt), .jsonl."
        ),
    ],
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    follow_symlinks: Annotated[
        bool | None,
        typer.Option("--follow-symlinks", help="Follow symlinks that lead out of the given folders."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="local: extract and enrich in this process; ray: as Ray tasks over batches "
            "(pip install 'newsdesk[ray]')."
        ),
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="With --engine ray: join this Ray cluster (e.g. ray://head:10001) instead of "
            "starting a local Ray."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="With --engine ray: batches in work at once (default: all CPUs)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Articles extracted and enriched together (one model call each).")
    ] = 32,
) -> None:
    """Ingest saved pages, text captures, records and JSON Lines into the store."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest.files import discover
    from .link.linker import Linker
    from .pipeline import Enricher, count_inputs, ingest_paths

    check_engine_options(engine, ray_address, workers)
    settings = settings_for(db)
    follow = settings.ingest_follow_symlinks if follow_symlinks is None else follow_symlinks
    try:
        files = list(discover(paths, follow_symlinks=follow))
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    with open_store(settings, create=True) as store:
        runner = engine_runner(settings, engine, ray_address, workers)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with (
            runner as ray_engine,
            Progress(*columns, console=err, disable=quiet or not err.is_terminal, transient=True) as bar,
        ):
            # One step an input (a JSONL line is an article), not a file.
            task = bar.add_task("ingesting", total=count_inputs(files))
            report = ingest_paths(
                files,
                store,
                max_bytes=settings.max_input_bytes,
                progress=lambda source, outcome: bar.advance(task),
                enricher=Enricher.from_settings(settings),
                linker=Linker.open(store, heat=settings.heat),
                engine=ray_engine,
                batch_size=batch_size,
                follow_symlinks=follow,
                time_budget_s=settings.input_time_budget,
            )
        total = store.count()
        label = store.label
    for failure in report.failed:
        # the failure text is data (a file name may hold "[/y]"): never read as markup
        err.print(f"[red]failed:[/red] {escape(failure)}", markup=True, highlight=False)
    out.print(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed; {total} articles in {label}"
    )
    if report.failed:
        raise typer.Exit(1)


@app.command("list")
def list_(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many articles.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """List stored articles, newest first."""
    from rich.table import Table

    with open_store(settings_for(db)) as store:
        articles = store.recent(limit=limit, offset=offset)
    if as_json:
        for a in articles:
            echo(
                _dump(
                    {
                        "id": a.id,
                        "external_id": a.external_id,
                        "title": a.title,
                        "published": article_to_json(a)["publishedDateTime"],
                        "provider": a.provider.name,
                    }
                )
            )
        return
    table = Table("id", "published", "provider", "title", box=None)
    for a in articles:
        table.add_row(
            a.id,
            a.published.strftime("%Y-%m-%d") if a.published else "—",
            a.provider.name or a.provider.domain or "—",
            a.title,
        )
    out.print(table)


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Article id, external id, or unique id prefix.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print all stored fields as JSON.")] = False,
) -> None:
    """Show one article: metadata, then its clean text."""
    settings = settings_for(db)
    with open_store(settings) as store:
        try:
            article = store.resolve(ref)
        except NotFound as exc:
            raise fail(str(exc), 1) from exc
        if as_json:
            from .link.linker import decorate
            from .secured import Keyring, seal

            # As a record shows it: related coverage, heat and a fresh `secured` envelope.
            full = decorate(article, store, _linker(settings, store))
            full.secured = seal(full, full.text, Keyring.from_settings(settings))
            data = article_to_json(full)
            data.update({k: full.info.get(k) for k in ("story_id", "event_id", "copy_of")})
            echo(_dump(data))
            return
    data = article_to_json(article)
    out.print(f"[bold]{escape(article.title)}[/bold]", markup=True)
    for label, value in (
        ("id", article.id),
        ("external id", article.external_id),
        ("published", f"{data['publishedDateTime'] or '—'} ({article.published_source or 'unknown source'})"),
        (
            "provider",
            " ".join(filter(None, (article.provider.name, _parenthesised(article.provider.domain)))) or "—",
        ),
        ("authors", ", ".join(article.authors) or "—"),
        ("url", article.url or "—"),
        ("language", article.language or "—"),
        ("tags", ", ".join(article.tags) or "—"),
        ("dateline", article.dateline or "—"),
        ("repost", "yes" if article.is_repost else "no"),
        ("original", article.original_title or "—"),
        ("images", ", ".join(i.url for i in article.images) or "—"),
        ("inputs", ", ".join(i["source"] for i in article.info.get("inputs", [])) or article.source),
    ):
        out.print(f"  {label:12} {value}", markup=False)
    out.print("")
    out.print(article.text, markup=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in titles and text, or what to find.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many hits.")] = 20,
    mode: Annotated[
        str, typer.Option(help="fts: the words, ranked (SQLite FTS5); semantic: closest in meaning.")
    ] = "fts",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Search the store by words (ranked, with snippets) or by meaning (embeddings)."""
    settings = settings_for(db)
    if mode not in ("fts", "semantic"):
        raise fail(f"unknown search mode {mode!r} (use fts or semantic)")
    rows: list[dict[str, Any]] = []
    with open_store(settings) as store:
        try:
            if mode == "fts":
                for hit in store.search(query, limit=limit):
                    rows.append(
                        {"article": hit.article, "snippet": hit.snippet, "key": "rank", "value": hit.rank}
                    )
            else:
                from .enrich.embed import load_static_embedder
                from .store.semantic import SemanticSearch

                searcher = SemanticSearch(load_static_embedder(settings.models_path))
                added = searcher.catch_up(store)
                if added and not as_json:
                    err.print(f"embedded {added} articles for semantic search")
                for sem in searcher.search(store, query, limit=limit):
                    rows.append(
                        {"article": sem.article, "snippet": sem.snippet, "key": "score", "value": sem.score}
                    )
        except NewsdeskError as exc:
            raise fail(str(exc)) from exc
    for row in rows:
        article: Article = row["article"]
        if as_json:
            echo(
                _dump(
                    {
                        "id": article.id,
                        "title": article.title,
                        "snippet": row["snippet"],
                        row["key"]: row["value"],
                    }
                )
            )
        else:
            out.print(f"{article.id}  {article.title}\n    {row['snippet']}", markup=False)
    if not rows and not as_json:
        err.print(f"no match for {query!r}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="md (seed-format records), json or jsonl.")] = "md",
    out_dir: Annotated[str, typer.Option("--out", help="Output folder, or - for standard output.")] = "-",
    db: DbOption = None,
    feed_name: Annotated[
        str | None, typer.Option("--feed", help="Set each record's `published` to this feed's decision.")
    ] = None,
) -> None:
    """Write every stored article as records (sealed with a `secured` envelope) or JSON."""
    from .cli_feeds import feed_named, mark_published
    from .link.linker import decorate
    from .publish.export import export_json, write_json_array
    from .secured import Keyring

    if fmt not in ("md", "json", "jsonl"):
        raise fail(f"unknown format {fmt!r}: use md, json or jsonl")
    settings = settings_for(db)
    feed = feed_named(settings, feed_name) if feed_name else None
    now = now_utc()
    keyring = Keyring.from_settings(settings)
    target = None if out_dir == "-" else Path(out_dir)
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
    count = 0
    with open_store(settings) as store:
        linker = _linker(settings, store)

        def articles() -> Iterator[Article]:
            for stored in store.iter_articles():
                article = decorate(stored, store, linker)
                if feed is not None:
                    mark_published(article, feed, now=now)
                yield article

        if fmt == "md":
            for article in articles():
                count += 1
                text = dump_record(article, keyring=keyring)
                if target:
                    (target / f"{article.id}.md").write_text(text, encoding="utf-8")
                else:
                    sys.stdout.write(text)
        elif fmt == "jsonl":
            lines = (_dump(export_json(a, keyring=keyring)) + "\n" for a in articles())
            if target:
                with (target / "articles.jsonl").open("w", encoding="utf-8") as jsonl_file:
                    for line in lines:
                        count += 1
                        jsonl_file.write(line)
            else:
                for line in lines:
                    count += 1
                    sys.stdout.write(line)
        elif target:
            for article in articles():
                count += 1
                data = export_json(article, keyring=keyring)
                (target / f"{article.id}.json").write_text(
                    json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
                )
        else:
            # One JSON document on standard output: an array, streamed object by object.
            docs = (
                json.dumps(export_json(a, keyring=keyring), ensure_ascii=False, indent=2) for a in articles()
            )
            count = write_json_array(docs, sys.stdout)
    if target:
        err.print(f"{count} articles written to {target}")


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A saved page (.html), text capture or record.")],
    url: Annotated[str | None, typer.Option(help="The page's URL, if known.")] = None,
) -> None:
    """Print one page's extraction as JSON, storing nothing."""
    from .extract.article import extract_article
    from .ingest.files import read_file

    settings = load_settings()
    try:
        first = next(iter(read_file(file, max_bytes=settings.max_input_bytes)))
        if not isinstance(first, RawDocument):
            raise first
        raw = first
        if url:
            raw.url = url
        article = extract_article(raw)
    except NewsdeskError as exc:
        raise fail(str(exc), 1) from exc
    data = article_to_json(article)
    echo(
        _dump(
            {
                "title": article.title,
                "text": article.text,
                "excerpt": article.excerpt,
                "published": data["publishedDateTime"],
                "published_source": article.published_source,
                "authors": article.authors,
                "provider": {"name": article.provider.name, "domain": article.provider.domain},
                "language": article.language,
                "url": article.url,
                "images": data["images"],
                "tags": article.tags,
                "dateline": article.dateline,
                "is_repost": article.is_repost,
                "original_title": article.original_title,
                "kind": raw.kind,
            }
        )
    )


@app.command()
def verify(
    records: Annotated[list[Path], typer.Argument(help="Record files (.md) written by newsdesk export.")],
    db: DbOption = None,
) -> None:
    """Check records' `secured` envelopes: exit 0 when every one is intact."""
    from .secured import Keyring, verify_record

    keyring = Keyring.from_settings(settings_for(db))
    worst = 0
    for path in records:
        try:
            text = path.read_text(encoding="utf-8")
            envelope = verify_record(text, keyring, source=str(path))
        except TamperedError as exc:
            worst = max(worst, 1)
            err.print(
                f"[red]TAMPERED[/red] {escape(str(path))}: " + escape("; ".join(exc.changes or [str(exc)])),
                markup=True,
                highlight=False,
            )
            continue
        except (SecuredError, NewsdeskError, OSError, UnicodeDecodeError) as exc:
            worst = max(worst, 2)
            err.print(f"[red]cannot verify[/red] {escape(f'{path}: {exc}')}", markup=True, highlight=False)
            continue
        out.print(f"OK {path} (key {envelope.get('kid')}, source {envelope.get('source')})", markup=False)
    if worst:
        raise typer.Exit(worst)


@app.command()
def classify(
    file: Annotated[
        Path, typer.Argument(help="JSON Lines in the interchange form (id, title, text or html).")
    ],
    batch: Annotated[int, typer.Option(help="Texts classified together.")] = 64,
    adapt: Annotated[
        bool,
        typer.Option(
            "--adapt",
            help="First self-train on the file's own texts (no labels needed): better topics for a "
            "large batch of unseen news, hundreds of articles or more (benchmarks/README.md).",
        ),
    ] = False,
) -> None:
    """Topics of each line: {"id", "topics": [{"name", "id", "score"}]}, one line per input."""
    from .enrich.language import detect_language
    from .extract.article import extract_article
    from .ingest.files import read_file
    from .pipeline import Enricher, topic_text

    settings = load_settings()
    enricher = Enricher.from_settings(settings)
    failed = 0
    articles: list[tuple[str, Article]] = []
    try:
        docs = list(read_file(file, max_bytes=settings.max_input_bytes))
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    for doc in docs:
        if not isinstance(doc, RawDocument):
            failed += 1
            err.print(f"[red]failed:[/red] {escape(str(doc))}", markup=True, highlight=False)
            continue
        try:
            article = extract_article(doc)
        except NewsdeskError as exc:
            failed += 1
            err.print(f"[red]failed:[/red] {escape(str(exc))}", markup=True, highlight=False)
            continue
        if not article.language:
            article.language = detect_language(f"{article.title}\n\n{article.text}").code
        articles.append((doc.external_id or doc.source, article))
    classifier = enricher.topics
    if adapt and classifier is not None:
        english = [topic_text(a) for _, a in articles if a.language == "en"]
        if english:
            # The transductive step the topics benchmark measures: pseudo-labels from the
            # taxonomy, smoothed over the batch's neighbour graph, then heads fitted on them.
            classifier.adapt(english, strong=True)
    for start in range(0, len(articles), max(1, batch)):
        pending = articles[start : start + max(1, batch)]
        enricher.classify(*(article for _, article in pending))
        for ext_id, article in pending:
            topics = [{"name": t.name, "id": t.id, "score": t.score} for t in article.topic_scores]
            echo(_dump({"id": ext_id, "topics": topics}))
    if failed:
        raise typer.Exit(1)


@app.command()
def stories(
    db: DbOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One line per article: id, event_id, story_id.")
    ] = False,
) -> None:
    """Events and stories: which article belongs where."""
    settings = settings_for(db)
    with open_store(settings) as store:
        linker = _linker(settings, store)
        articles = list(store.iter_articles())
        if as_json:
            for a in articles:
                echo(
                    _dump(
                        {
                            "id": a.external_id or a.id,
                            "event_id": linker.event_of(a.id),
                            "story_id": linker.story_of(a.id),
                        }
                    )
                )
            return
        groups: dict[int | None, list[Any]] = {}
        for a in articles:
            groups.setdefault(linker.story_of(a.id), []).append(a)
        for story_id, members in sorted(groups.items(), key=lambda g: -len(g[1])):
            heat = linker.heat(story_id, store).heat if story_id is not None else -1
            label = f"story {story_id}" if story_id is not None else "unclustered"
            out.print(f"[bold]{escape(str(label))}[/bold]  {len(members)} articles, heat {heat}", markup=True)
            if story_id is not None:
                out.print(f"  {linker.lead_of(members).title}", markup=False)
            for a in sorted(members, key=lambda x: x.published.isoformat() if x.published else ""):
                when = a.published.date().isoformat() if a.published else "undated"
                out.print(f"  {when}  event {linker.event_of(a.id)}  {a.id}  {a.title}", markup=False)


@app.command()
def story(
    ref: Annotated[str, typer.Argument(help="A story id, or any of its articles (id or external id).")],
    db: DbOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The story, its timeline and heat as JSON.")
    ] = False,
) -> None:
    """One story: its developments in date order, with the articles behind each."""
    settings = settings_for(db)
    with open_store(settings) as store:
        linker = _linker(settings, store)
        story_id: int | None
        if ref.isdigit() and int(ref) in linker.engine.stories():
            story_id = int(ref)
        else:
            try:
                story_id = linker.story_of(store.resolve(ref).id)
            except NotFound as exc:
                # A number is a story id first; only say "article" when an article was meant.
                message = f"no story {ref}" if ref.isdigit() else f"no story or article {ref!r}"
                raise fail(message, 1) from exc
        if story_id is None:
            raise fail(f"{ref!r} is in no story", 1)
        timeline = linker.timeline(story_id, store)
        heat = linker.heat(story_id, store)
        titles = {aid: store.get(aid) for dev in timeline for aid in dev.article_ids}
        lead = linker.lead_of(store.briefs(linker.story_articles(story_id)))
    if as_json:
        echo(
            _dump(
                {
                    "story_id": story_id,
                    "headline": lead.title,
                    "lead_article": lead.id,
                    "excerpt": lead.excerpt,
                    "heat": heat.to_json(),
                    "timeline": [dev.to_json() for dev in timeline],
                }
            )
        )
        return
    out.print(f"[bold]story {story_id}[/bold]  heat {heat.heat}", markup=True)
    out.print(lead.title, markup=False)
    if lead.excerpt:
        out.print(lead.excerpt, markup=False)
    for dev in timeline:
        out.print(f"\n{dev.date.isoformat() if dev.date else 'undated'}  {dev.headline}", markup=False)
        for aid in dev.article_ids:
            a = titles[aid]
            out.print(f"    {a.provider.name or a.provider.domain or '?':28} {a.title}", markup=False)


@app.command()
def recluster(db: DbOption = None) -> None:
    """Rebuild events and stories from every stored article (for backfills)."""
    from .link.linker import Linker
    from .pipeline import link_new

    settings = settings_for(db)
    with open_store(settings) as store:
        linker = Linker.rebuild(heat=settings.heat)
        added = link_new(store, linker)
        n_stories = len(linker.engine.stories())
    out.print(f"{added} articles linked into {n_stories} stories")


@app.command()
def version() -> None:
    """Print newsdesk's version."""
    out.print(__version__)


app.add_typer(sources_app, name="sources")
app.add_typer(feeds_app, name="feeds")
app.add_typer(follows_app, name="follows")
app.command("images")(images_command)
app.command("run")(run_command)
app.command("serve")(serve_command)
app.command("migrate")(migrate_command)
app.command("demo")(demo_command)


def main() -> None:
    try:
        app()
    except NewsdeskError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
