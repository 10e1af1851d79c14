"""What every `newsdesk` command shares: consoles, the --db option, settings and the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .settings import Settings, load_settings
from .store.sqlite import SQLiteStore

out = Console(highlight=False, soft_wrap=True)
# soft_wrap: an error line is one line however narrow the terminal (rich would break it mid-sentence)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="SQLite store to use (default: NEWSDESK_DB or the per-user data dir).",
        show_default=False,
    ),
]


def settings_for(db: Path | None) -> Settings:
    """Settings with the --db flag applied over file and environment."""
    return load_settings({"db": str(db) if db else None})


def open_store(settings: Settings) -> SQLiteStore:
    return SQLiteStore(settings.db_path)


def one_line(message: str) -> str:
    """A message on one line: a library's multi-line explanation (YAML's, say) joined up."""
    return " ".join(message.split())


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error and return the Exit to raise (so callers can chain `from exc`)."""
    err.print(f"[red]error:[/red] {one_line(message)}", markup=True, highlight=False)
    return typer.Exit(code)
