"""Copy a whole store to another one (SQLite -> PostgreSQL, or back), and prove it arrived.

Rows are copied table by table with their keys (so vectors keep pointing at their articles and
the story state at its generation), in one transaction on the target: a failure leaves the target
as it was. The target must be empty; afterwards every table's row count is compared.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import StoreError
from .desk import DeskStore

#: (table, columns, order, json columns, identity column); both backends have these columns
TABLES: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...], str | None], ...] = (
    (
        "articles",
        (
            "seq", "id", "external_id", "url_key", "title_key", "text_sha256", "title", "text",
            "published", "provider_domain", "provider_name", "language", "data", "created_at",
            "updated_at", "revision", "meaning",
        ),
        "seq",
        ("data",),
        "seq",
    ),
    (
        "inputs",
        ("seq", "article_id", "source", "kind", "content_sha256", "data", "ingested_at"),
        "seq",
        ("data",),
        "seq",
    ),
    ("article_urls", ("url_key", "article_id"), "url_key, article_id", (), None),
    ("article_topics", ("article_id", "topic"), "article_id, topic", (), None),
    (
        "sources",
        (
            "id", "url", "kind", "title", "interval", "etag", "last_modified", "last_polled",
            "last_success", "last_error", "last_error_at", "consecutive_failures", "next_due",
            "added_at", "items_seen", "items_added",
        ),
        "id",
        (),
        "id",
    ),
    (
        "source_items",
        ("source_id", "item_key", "article_id", "attempts", "last_error", "seen_at", "done"),
        "source_id, item_key",
        (),
        None,
    ),
    (
        "article_vectors",
        ("article_seq", "model", "revision", "batch", "embedded_at", "vector"),
        "article_seq",
        (),
        None,
    ),
    (
        "follows",
        ("id", "kind", "target", "title", "webhook_url", "created_at", "last_checked", "last_error"),
        "id",
        (),
        "id",
    ),
    (
        "follow_events",
        (
            "id", "follow_id", "key", "kind", "title", "summary", "article_id", "happened_at",
            "created_at", "initial", "delivered_at", "attempts", "last_error",
        ),
        "id",
        (),
        "id",
    ),
    ("link_state", ("generation", "articles", "format", "saved_at"), "generation", (), None),
    ("link_blobs", ("generation", "name", "part", "data"), "generation, name, part", (), None),
)  # fmt: skip
BATCH = 500


@dataclass(slots=True)
class MoveReport:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (source, target)
    skipped: list[str] = field(default_factory=list)  # source tables with no counterpart

    @property
    def ok(self) -> bool:
        return all(a == b for a, b in self.counts.values())


def _rows(
    store: DeskStore, table: str, columns: tuple[str, ...], order: str
) -> Iterator[list[tuple[Any, ...]]]:
    db: Any = store._db  # type: ignore[attr-defined]  # the store package's own connections
    sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
    if store.backend == "postgresql":
        # A server-side cursor (it lives in a transaction): large tables stream, not load whole.
        with db.transaction(), db.cursor(name=f"move_{table}", row_factory=_tuple_rows()) as cur:
            cur.itersize = BATCH
            cur.execute(sql)
            while batch := cur.fetchmany(BATCH):
                yield [tuple(r) for r in batch]
    else:
        cur = db.execute(sql)
        while batch := cur.fetchmany(BATCH):
            yield [tuple(r) for r in batch]


def _tuple_rows() -> Any:
    from psycopg.rows import tuple_row

    return tuple_row


def _count(store: DeskStore, table: str) -> int:
    db: Any = store._db  # type: ignore[attr-defined]
    row = db.execute(f"SELECT COUNT(*) AS n FROM {table}").fetchone()
    return int(row["n"] if isinstance(row, dict) else row[0])


def _tables(store: DeskStore) -> set[str]:
    db: Any = store._db  # type: ignore[attr-defined]
    if store.backend == "postgresql":
        rows = db.execute(
            "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        return {r["t"] for r in rows}
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _converter(target: DeskStore, columns: tuple[str, ...], json_cols: tuple[str, ...]) -> Callable[..., Any]:
    at = [columns.index(c) for c in json_cols]
    if target.backend == "postgresql":
        from psycopg.types.json import Jsonb

        from .postgres import _clean, _nul_free

        def to_pg(row: tuple[Any, ...]) -> tuple[Any, ...]:
            out = [_clean(v) if isinstance(v, str) else v for v in row]
            for i in at:
                value = row[i]
                out[i] = Jsonb(_nul_free(json.loads(value) if isinstance(value, str) else value))
            return tuple(out)

        return to_pg

    def to_sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(row)
        for i in at:
            if not isinstance(row[i], str):
                out[i] = json.dumps(row[i], ensure_ascii=False)
        return tuple(out)

    return to_sqlite


def move_store(
    source: DeskStore, target: DeskStore, *, progress: Callable[[str, int], None] | None = None
) -> MoveReport:
    """Copy every row of ``source`` into the empty ``target``; counts compared per table."""
    if target.count() or target.list_sources() or target.link_generation():
        raise StoreError(f"{target.label}: the target store is not empty; migrate copies into an empty one")
    report = MoveReport()
    known = {t[0] for t in TABLES} | {"schema_migrations", "articles_fts"}
    report.skipped = sorted(
        t for t in _tables(source) - known if not t.startswith(("articles_fts", "sqlite_"))
    )
    tdb: Any = target._db  # type: ignore[attr-defined]
    pg = target.backend == "postgresql"
    mark = "%s" if pg else "?"

    def copy() -> None:
        for table, columns, order, json_cols, identity in TABLES:
            convert = _converter(target, columns, json_cols)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
            copied = 0
            for batch in _rows(source, table, columns, order):
                rows = [convert(r) for r in batch]
                if pg:
                    with tdb.cursor() as cur:
                        cur.executemany(sql, rows)
                else:
                    tdb.executemany(sql, rows)
                copied += len(rows)
                if progress:
                    progress(table, copied)
            if pg and identity:
                tdb.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{identity}'), "
                    f"COALESCE((SELECT MAX({identity}) FROM {table}), 0) + 1, false)"
                )

    try:
        if pg:
            with tdb.transaction():
                copy()
        else:
            tdb.execute("BEGIN IMMEDIATE")
            try:
                copy()
                tdb.execute("COMMIT")
            except BaseException:
                if tdb.in_transaction:
                    tdb.execute("ROLLBACK")
                raise
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"migrate to {target.label} failed, nothing was copied: {exc}") from exc
    for table, *_ in TABLES:
        report.counts[table] = (_count(source, table), _count(target, table))
    return report
