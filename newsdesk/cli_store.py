"""`newsdesk migrate`: move a whole store to another backend (SQLite <-> PostgreSQL)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .cli_common import err, fail, out
from .errors import NewsdeskError
from .store.move import move_store
from .store.target import open_target


def migrate_command(
    source: Annotated[
        str, typer.Option("--from", help="The store to copy: a SQLite path / sqlite:///path, or a URL.")
    ],
    target: Annotated[
        str, typer.Option("--to", help="An empty store to copy into: postgresql://user@host/db, or a path.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="The per-table counts as JSON.")] = False,
) -> None:
    """Copy everything (articles, inputs, sources and their health, vectors, stories) into an empty
    store, in one transaction, then verify each table's row count."""
    try:
        with open_target(source) as src, open_target(target, create=True) as dst:
            err.print(f"copying {src.label} -> {dst.label}", markup=False)
            report = move_store(src, dst)
            label = dst.label
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        # JSON never goes through rich (it would read markup in the data)
        print(json.dumps({"counts": {t: list(c) for t, c in report.counts.items()}, "ok": report.ok}))
    else:
        for table, (a, b) in report.counts.items():
            mark = "ok" if a == b else "MISMATCH"
            out.print(f"{table:16} {a:>9} -> {b:>9}  {mark}", markup=False)
    for table in report.skipped:
        err.print(f"not copied: table {table} (no counterpart in the target's schema)", markup=False)
    if not report.ok:
        raise fail(f"row counts differ in {label}")
    if not as_json:
        out.print(f"migrated into {label}; every count verified", markup=False)
