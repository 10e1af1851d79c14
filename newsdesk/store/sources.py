"""The live sources a store polls, their health, and the items each has already delivered.

``SourcesMixin`` is mixed into ``SQLiteStore`` (it uses ``self._db``, an
autocommit connection, and ``self.path``); every write is one short
transaction, so a kill between two of them leaves nothing half-written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from ..errors import NotFound, StoreError
from ..model import Image, now_utc, utc
from ..records import article_from_json, article_to_json
from .base import Store

SourceKind = Literal["feed", "sitemap", "url"]
SOURCE_KINDS: tuple[str, ...] = ("feed", "sitemap", "url")


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    url: str
    kind: str
    title: str
    interval: float
    etag: str | None
    last_modified: str | None
    last_polled: datetime | None
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_due: datetime
    added_at: datetime
    items_seen: int
    items_added: int


def _ts(dt: datetime) -> str:
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dt(value: str | None) -> datetime | None:
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00"))) if value else None


def _row(r: sqlite3.Row) -> Source:
    return Source(
        id=int(r["id"]),
        url=r["url"],
        kind=r["kind"],
        title=r["title"],
        interval=float(r["interval"]),
        etag=r["etag"],
        last_modified=r["last_modified"],
        last_polled=_dt(r["last_polled"]),
        last_success=_dt(r["last_success"]),
        last_error=r["last_error"],
        last_error_at=_dt(r["last_error_at"]),
        consecutive_failures=int(r["consecutive_failures"]),
        next_due=_dt(r["next_due"]) or now_utc(),
        added_at=_dt(r["added_at"]) or now_utc(),
        items_seen=int(r["items_seen"]),
        items_added=int(r["items_added"]),
    )


def source_to_json(s: Source) -> dict[str, object]:
    """A source and its health as JSON (the CLI's --json and the API)."""
    def iso(dt: datetime | None) -> str | None:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None

    return {
        "id": s.id,
        "url": s.url,
        "kind": s.kind,
        "title": s.title,
        "interval": s.interval,
        "last_success": iso(s.last_success),
        "last_error": s.last_error,
        "last_error_at": iso(s.last_error_at),
        "consecutive_failures": s.consecutive_failures,
        "next_due": iso(s.next_due),
        "added_at": iso(s.added_at),
        "items_seen": s.items_seen,
        "items_added": s.items_added,
    }


class SourceStore(Store, Protocol):
    """A store that also keeps live sources: what the scheduler and the sources commands need."""

    def add_source(
        self, url: str, kind: str, *, title: str = "", interval: float = 3600.0
    ) -> tuple[Source, bool]: ...
    def get_source(self, ref: str | int) -> Source: ...
    def list_sources(self) -> list[Source]: ...
    def remove_source(self, ref: str | int) -> Source: ...
    def due_sources(self, now: datetime | None = None) -> list[Source]: ...
    def next_due(self) -> datetime | None: ...
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
    ) -> None: ...
    def record_failure(self, source_id: int, error: str, *, next_due: datetime) -> None: ...
    def retry_source(self, source_id: int) -> None: ...
    def set_article_images(self, article_id: str, images: list[Image], info: dict[str, Any]) -> None: ...
    def pending_items(self, source_id: int, keys: Iterable[str]) -> list[str]: ...
    def item_done(self, source_id: int, key: str, article_id: str | None) -> None: ...
    def item_failed(self, source_id: int, key: str, error: str, *, give_up_after: int = 3) -> bool: ...


class SourcesMixin:
    _db: sqlite3.Connection
    path: Path

    def _write(self, sql: str, params: Iterable[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: sources: {exc}") from exc

    # -- sources --------------------------------------------------------
    def add_source(
        self, url: str, kind: str, *, title: str = "", interval: float = 3600.0
    ) -> tuple[Source, bool]:
        """The source for ``url``, and whether it was added now (False: it was there already)."""
        if kind not in SOURCE_KINDS:
            raise StoreError(f"unknown source kind {kind!r}: use {', '.join(SOURCE_KINDS)}")
        now = _ts(now_utc())
        cur = self._write(
            "INSERT OR IGNORE INTO sources(url, kind, title, interval, next_due, added_at) "
            "VALUES (?,?,?,?,?,?)",
            (url, kind, title, float(interval), now, now),
        )
        return self.get_source(url), cur.rowcount == 1

    def get_source(self, ref: str | int) -> Source:
        """A source by id or URL."""
        if isinstance(ref, int) or str(ref).isdigit():
            row = self._db.execute("SELECT * FROM sources WHERE id = ?", (int(ref),)).fetchone()
        else:
            row = self._db.execute("SELECT * FROM sources WHERE url = ?", (str(ref),)).fetchone()
        if row is None:
            raise NotFound(f"no source {ref!r}")
        return _row(row)

    def list_sources(self) -> list[Source]:
        return [_row(r) for r in self._db.execute("SELECT * FROM sources ORDER BY id")]

    def remove_source(self, ref: str | int) -> Source:
        source = self.get_source(ref)
        self._write("DELETE FROM sources WHERE id = ?", (source.id,))
        return source

    def due_sources(self, now: datetime | None = None) -> list[Source]:
        rows = self._db.execute(
            "SELECT * FROM sources WHERE next_due <= ? ORDER BY next_due, id", (_ts(now or now_utc()),)
        )
        return [_row(r) for r in rows]

    def next_due(self) -> datetime | None:
        row = self._db.execute("SELECT MIN(next_due) FROM sources").fetchone()
        return _dt(row[0]) if row and row[0] else None

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
        self._write(
            "UPDATE sources SET interval=?, next_due=?, etag=?, last_modified=?, last_polled=?, "
            "last_success=?, consecutive_failures=0, items_added=items_added+?, "
            "title=CASE WHEN title='' AND ? IS NOT NULL THEN ? ELSE title END WHERE id=?",
            (interval, _ts(next_due), etag, last_modified, now, now, added, title, title, source_id),
        )

    def record_failure(self, source_id: int, error: str, *, next_due: datetime) -> None:
        now = _ts(now_utc())
        self._write(
            "UPDATE sources SET last_polled=?, last_error=?, last_error_at=?, next_due=?, "
            "consecutive_failures=consecutive_failures+1 WHERE id=?",
            (now, error[:1000], now, _ts(next_due), source_id),
        )

    def retry_source(self, source_id: int) -> None:
        """Clear a source's backoff (after its cause was fixed): due now, failures counted from zero.

        The last error and its time stay, as history; the next poll's outcome replaces them.
        """
        self._write(
            "UPDATE sources SET next_due=?, consecutive_failures=0 WHERE id=?", (_ts(now_utc()), source_id)
        )

    # -- articles ---------------------------------------------------------
    def set_article_images(self, article_id: str, images: list[Image], info: dict[str, Any]) -> None:
        """Replace an article's images (sizes measured, cache state) and merge ``info`` into its own."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                raise NotFound(f"no article {article_id!r}")
            article = article_from_json(json.loads(row["data"]), source="store")
            article.images = list(images)
            article.info = {**article.info, **info}
            db.execute(
                "UPDATE articles SET data = ? WHERE id = ?",
                (json.dumps(article_to_json(article), ensure_ascii=False), article_id),
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot update images of {article_id}: {exc}") from exc

    # -- items ----------------------------------------------------------
    def pending_items(self, source_id: int, keys: Iterable[str]) -> list[str]:
        """Of ``keys`` (in order), those not yet dealt with; newly listed ones are counted as seen."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        done: set[str] = set()
        known: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                f"SELECT item_key, done FROM source_items WHERE source_id=? AND item_key IN ({marks})",
                (source_id, *chunk),
            ):
                known.add(r["item_key"])
                if r["done"]:
                    done.add(r["item_key"])
        fresh = [k for k in keys if k not in known]
        if fresh:
            now = _ts(now_utc())
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    "INSERT OR IGNORE INTO source_items(source_id, item_key, seen_at) VALUES (?,?,?)",
                    [(source_id, k, now) for k in fresh],
                )
                db.execute("UPDATE sources SET items_seen=items_seen+? WHERE id=?", (len(fresh), source_id))
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: sources: {exc}") from exc
        return [k for k in keys if k not in done]

    def item_done(self, source_id: int, key: str, article_id: str | None) -> None:
        self._write(
            "UPDATE source_items SET done=1, article_id=? WHERE source_id=? AND item_key=?",
            (article_id, source_id, key),
        )

    def item_failed(self, source_id: int, key: str, error: str, *, give_up_after: int = 3) -> bool:
        """Count a failed attempt; True when the item is now given up on."""
        self._write(
            "UPDATE source_items SET attempts=attempts+1, last_error=?, "
            "done=CASE WHEN attempts+1 >= ? THEN 1 ELSE 0 END WHERE source_id=? AND item_key=?",
            (error[:1000], give_up_after, source_id, key),
        )
        row = self._db.execute(
            "SELECT done FROM source_items WHERE source_id=? AND item_key=?", (source_id, key)
        ).fetchone()
        return bool(row and row["done"])
