"""`newsdesk demo`: seeds and a few hundred dev articles into a scratch store, served at once."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import err, fail, out
from .errors import NewsdeskError


def demo_command(
    articles: Annotated[
        int, typer.Option("--articles", help="Dev-set articles to add to the seeds (0: seeds only).", min=0)
    ] = 300,
    shared: Annotated[
        Path | None,
        typer.Option("--shared", help="The shared folder with seeds/ and data/ (default: ../shared).",
                     show_default=False),
    ] = None,
    workdir: Annotated[
        Path | None,
        typer.Option("--dir", help="Scratch folder for the demo store (default: a new temporary one).",
                     show_default=False),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the store (until Ctrl-C) or only build it.")
    ] = True,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the temporary store after serving.")] = False,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port (another free one when taken).", min=1, max=65535)
    ] = 8080,
) -> None:
    """Ingest the seeds and a few hundred dev articles into a scratch store, serve it, print the URL."""
    from .cli_serve import serve_settings
    from .demo import demo_inputs, find_shared, free_port
    from .link.linker import Linker
    from .pipeline import Enricher, ingest_paths
    from .settings import load_settings
    from .store.sqlite import SQLiteStore

    temporary = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-demo-")) if workdir is None else workdir
    folder.mkdir(parents=True, exist_ok=True)
    # The demo's own data dir: its store and `secured` key stay in the scratch folder.
    settings = load_settings({"data_dir": str(folder), "db": str(folder / "newsdesk.db")})
    try:
        repo = Path(__file__).resolve().parents[1]
        inputs = demo_inputs(shared or find_shared(Path.cwd(), repo), folder, articles)
        what = "the seeds" if inputs.seeds else "no seeds"
        err.print(f"ingesting {what} and {inputs.dev_articles} dev articles into {settings.db_path} ...")
        with SQLiteStore(settings.db_path) as store:
            linker = Linker.open(store, heat=settings.heat)
            report = ingest_paths(
                inputs.paths,
                store,
                max_bytes=settings.max_input_bytes,
                enricher=Enricher.from_settings(settings),
                linker=linker,
            )
            total = store.count()
            stories = len(linker.engine.stories())
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    out.print(
        f"{report.added} added, {len(report.failed)} failed: {total} articles in {stories} stories "
        f"in {settings.db_path}",
        markup=False,
    )
    if not serve:
        serve_line = f"NEWSDESK_DATA_DIR={folder} newsdesk serve --db {settings.db_path}"
        out.print(f"serve it with: {serve_line}", markup=False)
        return
    chosen = free_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    out.print(f"newsdesk demo: http://{shown}:{chosen}/  (Ctrl-C to stop)", markup=False)
    try:
        serve_settings(settings, host=host, port=chosen, log_level="warning")
    finally:
        if temporary and not keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif temporary:
            out.print(f"the demo store stays in {folder}", markup=False)
