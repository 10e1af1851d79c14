"""Live sources, their health and delivered items in PostgreSQL (a mixin of :class:`PostgresStore`).

The same behaviour as :class:`newsdesk.store.sources.SourcesMixin`, in PostgreSQL's SQL; every
write is one statement or one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import psycopg

from ..errors import NotFound, StoreError
from ..model import Image, now_utc
from ..records import article_from_json
from .sources import SOURCE_KINDS, Source, _dt, _row, _ts


def _doc_of(article: Any) -> Any:
    from .postgres import _doc  # the one JSON shape PostgreSQL stores

    return _doc(article)


class PgSourcesMixin:
    _db: psycopg.Connection[Any]
    label: str

    def _run(self, sql: str, params: Iterable[object] = ()) -> psycopg.Cursor[Any]:
        try:
            return self._db.execute(sql, tuple(params))
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: sources: {str(exc).strip().splitlines()[0]}") from exc

    def add_source(
        self, url: str, kind: str, *, title: str = "", interval: float = 3600.0
    ) -> tuple[Source, bool]:
        if kind not in SOURCE_KINDS:
            raise StoreError(f"unknown source kind {kind!r}: use {', '.join(SOURCE_KINDS)}")
        now = _ts(now_utc())
        cur = self._run(
            "INSERT INTO sources(url, kind, title, interval, next_due, added_at) VALUES (%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (url) DO NOTHING",
            (url, kind, title, float(interval), now, now),
        )
        return self.get_source(url), cur.rowcount == 1

    def get_source(self, ref: str | int) -> Source:
        if isinstance(ref, int) or str(ref).isdigit():
            row = self._run("SELECT * FROM sources WHERE id = %s", (int(ref),)).fetchone()
        else:
            row = self._run("SELECT * FROM sources WHERE url = %s", (str(ref),)).fetchone()
        if row is None:
            raise NotFound(f"no source {ref!r}")
        return _row(row)

    def list_sources(self) -> list[Source]:
        return [_row(r) for r in self._run("SELECT * FROM sources ORDER BY id").fetchall()]

    def remove_source(self, ref: str | int) -> Source:
        source = self.get_source(ref)
        self._run("DELETE FROM sources WHERE id = %s", (source.id,))
        return source

    def due_sources(self, now: datetime | None = None) -> list[Source]:
        rows = self._run(
            "SELECT * FROM sources WHERE next_due <= %s ORDER BY next_due, id", (_ts(now or now_utc()),)
        ).fetchall()
        return [_row(r) for r in rows]

    def next_due(self) -> datetime | None:
        row = self._run("SELECT MIN(next_due) AS d FROM sources").fetchone()
        return _dt(row["d"]) if row and row["d"] else None

    def record_success(
        self,
        source_id: int,
        *,
        interval: float,
        next_due: datetime,
        etag: str | None,
        last_modified: str | None,
        added: int = 0,
        title: str | None = None,
    ) -> None:
        now = _ts(now_utc())
        self._run(
            "UPDATE sources SET interval=%s, next_due=%s, etag=%s, last_modified=%s, last_polled=%s, "
            "last_success=%s, consecutive_failures=0, items_added=items_added+%s, "
            "title=CASE WHEN title='' AND %s::text IS NOT NULL THEN %s ELSE title END WHERE id=%s",
            (interval, _ts(next_due), etag, last_modified, now, now, added, title, title, source_id),
        )

    def record_failure(self, source_id: int, error: str, *, next_due: datetime) -> None:
        now = _ts(now_utc())
        self._run(
            "UPDATE sources SET last_polled=%s, last_error=%s, last_error_at=%s, next_due=%s, "
            "consecutive_failures=consecutive_failures+1 WHERE id=%s",
            (now, error[:1000].replace("\x00", ""), now, _ts(next_due), source_id),
        )

    def retry_source(self, source_id: int) -> None:
        """Clear a source's backoff: due now, failures counted from zero (the last error stays)."""
        self._run(
            "UPDATE sources SET next_due=%s, consecutive_failures=0 WHERE id=%s", (_ts(now_utc()), source_id)
        )

    def set_article_images(self, article_id: str, images: list[Image], info: dict[str, Any]) -> None:
        db = self._db
        try:
            with db.transaction():
                row = db.execute(
                    "SELECT data FROM articles WHERE id = %s FOR UPDATE", (article_id,)
                ).fetchone()
                if row is None:
                    raise NotFound(f"no article {article_id!r}")
                data = row["data"]
                article = article_from_json(
                    data if isinstance(data, dict) else json.loads(data), source="store"
                )
                article.images = list(images)
                article.info = {**article.info, **info}
                db.execute("UPDATE articles SET data = %s WHERE id = %s", (_doc_of(article), article_id))
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot update images of {article_id}: {exc}") from exc

    def pending_items(self, source_id: int, keys: Iterable[str]) -> list[str]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        rows = self._run(
            "SELECT item_key, done FROM source_items WHERE source_id = %s AND item_key = ANY(%s)",
            (source_id, keys),
        ).fetchall()
        known = {r["item_key"] for r in rows}
        done = {r["item_key"] for r in rows if r["done"]}
        fresh = [k for k in keys if k not in known]
        if fresh:
            db = self._db
            try:
                with db.transaction():
                    cur = db.execute(
                        "INSERT INTO source_items(source_id, item_key, seen_at) "
                        "SELECT %s, k, %s FROM unnest(%s::text[]) k ON CONFLICT DO NOTHING",
                        (source_id, _ts(now_utc()), fresh),
                    )
                    db.execute(
                        "UPDATE sources SET items_seen = items_seen + %s WHERE id = %s",
                        (cur.rowcount, source_id),
                    )
            except psycopg.Error as exc:
                raise StoreError(f"{self.label}: sources: {exc}") from exc
        return [k for k in keys if k not in done]

    def item_done(self, source_id: int, key: str, article_id: str | None) -> None:
        self._run(
            "UPDATE source_items SET done=1, article_id=%s WHERE source_id=%s AND item_key=%s",
            (article_id, source_id, key),
        )

    def item_failed(self, source_id: int, key: str, error: str, *, give_up_after: int = 3) -> bool:
        row = self._run(
            "UPDATE source_items SET attempts=attempts+1, last_error=%s, "
            "done=CASE WHEN attempts+1 >= %s THEN 1 ELSE 0 END WHERE source_id=%s AND item_key=%s "
            "RETURNING done",
            (error[:1000].replace("\x00", ""), give_up_after, source_id, key),
        ).fetchone()
        return bool(row and row["done"])
