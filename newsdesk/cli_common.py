"""What every `newsdesk` command shares: consoles, the --db option, settings and the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from .errors import NewsdeskError
from .settings import Settings, load_settings
from .store.desk import DeskStore
from .store.target import open_target

# Data (titles, paths, fields) is printed through these: markup and emoji codes off by default,
# so a title holding "[/red]" or ":x:" prints as it is; styled text opts in with markup=True
# and escapes what it interpolates.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
# soft_wrap: an error line is one line however narrow the terminal (rich would break it mid-sentence)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def echo(line: str) -> None:
    """One line of machine-readable output (JSON): straight to stdout, never through rich."""
    sys.stdout.write(line + "\n")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store: a SQLite file or a postgresql://user@host/db URL "
        "(default: NEWSDESK_DB or the per-user data dir).",
        show_default=False,
    ),
]


def settings_for(db: str | Path | None) -> Settings:
    """Settings with the --db flag applied over file and environment."""
    return load_settings({"db": str(db) if db else None})


def open_store(settings: Settings, *, create: bool = False) -> DeskStore:
    """The configured store. Only commands that write pass ``create`` (ingest, run, sources
    add, serve): a command that reads never makes an empty store where none was."""
    return open_target(settings.db_target, create=create, default_location=settings.db_is_default)


def one_line(message: str) -> str:
    """A message on one line: a library's multi-line explanation (YAML's, say) joined up."""
    return " ".join(message.split())


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error and return the Exit to raise (so callers can chain `from exc`)."""
    err.print(f"[red]error:[/red] {escape(one_line(message))}", markup=True, highlight=False)
    return typer.Exit(code)


def check_engine_options(engine: str, ray_address: str | None, workers: int | None) -> None:
    """The --engine flags of `ingest` and `run`, judged before any work starts."""
    if engine not in ("local", "ray"):
        raise fail(f"unknown engine {engine!r} (use local or ray)")
    if engine == "local" and (ray_address or workers):
        raise fail("--ray-address and --workers go with --engine ray")


def engine_runner(settings: Settings, engine: str, ray_address: str | None, workers: int | None) -> Any:
    """A context manager giving the Ray engine for `--engine ray`, else ``None`` (one process)."""
    from contextlib import nullcontext

    if engine != "ray":
        return nullcontext(None)
    from .ray_ingest import RayEngine  # Ray is imported only when asked for

    try:
        return RayEngine(settings, address=ray_address, workers=workers)
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
