"""What readers follow and what each follow has announced (migration ``0005_follows.sql``).

``FollowsMixin`` is mixed into ``SQLiteStore`` (it uses ``self._db``, an
autocommit connection, and ``self.path``). Recording a batch of events is one
transaction, and an event is unique per (follow, key), so a check interrupted
or run twice never announces anything twice. A PostgreSQL backend implements
:class:`FollowStore` with the same tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from ..errors import NotFound, StoreError
from ..model import now_utc, utc
from .base import Store

FollowKind = Literal["story", "topic", "feed"]
FOLLOW_KINDS: tuple[str, ...] = ("story", "topic", "feed")


@dataclass(frozen=True, slots=True)
class Follow:
    id: int
    kind: str
    target: str
    title: str
    webhook_url: str | None
    created_at: datetime
    last_checked: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class NewFollowEvent:
    """An event a check found, before it is stored."""

    key: str
    kind: str  # development | article | seen (an article announced with its development: never shown)
    title: str
    summary: str = ""
    article_id: str | None = None
    happened_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FollowEvent:
    id: int
    follow_id: int
    key: str
    kind: str
    title: str
    summary: str
    article_id: str | None
    happened_at: datetime | None
    created_at: datetime
    initial: bool
    delivered_at: datetime | None
    attempts: int
    last_error: str | None


def _ts(dt: datetime) -> str:
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dt(value: str | None) -> datetime | None:
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00"))) if value else None


def _follow(r: sqlite3.Row) -> Follow:
    return Follow(
        id=int(r["id"]),
        kind=r["kind"],
        target=r["target"],
        title=r["title"],
        webhook_url=r["webhook_url"],
        created_at=_dt(r["created_at"]) or now_utc(),
        last_checked=_dt(r["last_checked"]),
        last_error=r["last_error"],
    )


def _event(r: sqlite3.Row) -> FollowEvent:
    return FollowEvent(
        id=int(r["id"]),
        follow_id=int(r["follow_id"]),
        key=r["key"],
        kind=r["kind"],
        title=r["title"],
        summary=r["summary"],
        article_id=r["article_id"],
        happened_at=_dt(r["happened_at"]),
        created_at=_dt(r["created_at"]) or now_utc(),
        initial=bool(r["initial"]),
        delivered_at=_dt(r["delivered_at"]),
        attempts=int(r["attempts"]),
        last_error=r["last_error"],
    )


def _iso(dt: datetime | None) -> str | None:
    return _ts(dt) if dt else None


def follow_to_json(f: Follow) -> dict[str, Any]:
    """A follow as the API shows it; the webhook URL may carry a secret, so only its host is shown."""
    return {
        "id": f.id,
        "kind": f.kind,
        "target": f.target,
        "title": f.title,
        "webhook": urlsplit(f.webhook_url).hostname if f.webhook_url else None,
        "created_at": _iso(f.created_at),
        "last_checked": _iso(f.last_checked),
        "last_error": f.last_error,
    }


def event_to_json(e: FollowEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "title": e.title,
        "summary": e.summary,
        "article_id": e.article_id,
        "happened_at": _iso(e.happened_at),
        "created_at": _iso(e.created_at),
        "initial": e.initial,
        "delivered_at": _iso(e.delivered_at),
    }


class FollowStore(Store, Protocol):
    """A store that also keeps follows and their events."""

    def add_follow(
        self, kind: str, target: str, *, title: str = "", webhook_url: str | None = None
    ) -> tuple[Follow, bool]: ...
    def get_follow(self, follow_id: int) -> Follow: ...
    def list_follows(self) -> list[Follow]: ...
    def remove_follow(self, follow_id: int) -> Follow: ...
    def follow_checked(self, follow_id: int, *, error: str | None = None) -> None: ...
    def record_follow_events(
        self, follow_id: int, events: Sequence[NewFollowEvent], *, initial: bool = False
    ) -> list[FollowEvent]: ...
    def follow_event_keys(self, follow_id: int) -> set[str]: ...
    def follow_events(self, follow_id: int, *, limit: int = 50) -> list[FollowEvent]: ...
    def undelivered_follow_events(self, follow_id: int, *, max_attempts: int) -> list[FollowEvent]: ...
    def follow_event_delivered(self, event_id: int, *, error: str | None = None) -> None: ...


class FollowsMixin:
    _db: sqlite3.Connection
    path: Path

    def _fwrite(self, sql: str, params: Iterable[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: follows: {exc}") from exc

    def add_follow(
        self, kind: str, target: str, *, title: str = "", webhook_url: str | None = None
    ) -> tuple[Follow, bool]:
        """The follow of ``kind``/``target``, and whether it was made now (False: it existed; its
        webhook is then replaced when one is given)."""
        if kind not in FOLLOW_KINDS:
            raise StoreError(f"unknown follow kind {kind!r}: use {', '.join(FOLLOW_KINDS)}")
        cur = self._fwrite(
            "INSERT OR IGNORE INTO follows(kind, target, title, webhook_url, created_at) VALUES (?,?,?,?,?)",
            (kind, target, title, webhook_url or None, _ts(now_utc())),
        )
        created = cur.rowcount == 1
        if not created and webhook_url:
            self._fwrite(
                "UPDATE follows SET webhook_url = ? WHERE kind = ? AND target = ?",
                (webhook_url, kind, target),
            )
        row = self._db.execute(
            "SELECT * FROM follows WHERE kind = ? AND target = ?", (kind, target)
        ).fetchone()
        return _follow(row), created

    def get_follow(self, follow_id: int) -> Follow:
        row = self._db.execute("SELECT * FROM follows WHERE id = ?", (follow_id,)).fetchone()
        if row is None:
            raise NotFound(f"no follow {follow_id}")
        return _follow(row)

    def list_follows(self) -> list[Follow]:
        return [_follow(r) for r in self._db.execute("SELECT * FROM follows ORDER BY id")]

    def remove_follow(self, follow_id: int) -> Follow:
        follow = self.get_follow(follow_id)
        self._fwrite("DELETE FROM follows WHERE id = ?", (follow_id,))
        return follow

    def follow_checked(self, follow_id: int, *, error: str | None = None) -> None:
        self._fwrite(
            "UPDATE follows SET last_checked = ?, last_error = ? WHERE id = ?",
            (_ts(now_utc()), error, follow_id),
        )

    def record_follow_events(
        self, follow_id: int, events: Sequence[NewFollowEvent], *, initial: bool = False
    ) -> list[FollowEvent]:
        """Store the events not recorded before (one transaction); the ones stored now, oldest first."""
        now = _ts(now_utc())
        new_ids: list[int] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for e in events:
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO follow_events(follow_id, key, kind, title, summary, article_id, "
                    "happened_at, created_at, initial) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        follow_id,
                        e.key,
                        e.kind,
                        e.title,
                        e.summary,
                        e.article_id,
                        _iso(e.happened_at),
                        now,
                        int(initial),
                    ),
                )
                if cur.rowcount == 1 and cur.lastrowid is not None:
                    new_ids.append(cur.lastrowid)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: follows: {exc}") from exc
        if not new_ids:
            return []
        marks = ",".join("?" * len(new_ids))
        rows = self._db.execute(f"SELECT * FROM follow_events WHERE id IN ({marks}) ORDER BY id", new_ids)
        return [_event(r) for r in rows]

    def follow_event_keys(self, follow_id: int) -> set[str]:
        rows = self._db.execute("SELECT key FROM follow_events WHERE follow_id = ?", (follow_id,))
        return {r[0] for r in rows}

    def follow_events(self, follow_id: int, *, limit: int = 50) -> list[FollowEvent]:
        """The newest events first (by when they were found, then by their own date)."""
        rows = self._db.execute(
            "SELECT * FROM follow_events WHERE follow_id = ? AND kind != 'seen' "
            "ORDER BY created_at DESC, happened_at DESC, id DESC LIMIT ?",
            (follow_id, limit),
        )
        return [_event(r) for r in rows]

    def undelivered_follow_events(self, follow_id: int, *, max_attempts: int) -> list[FollowEvent]:
        rows = self._db.execute(
            "SELECT * FROM follow_events WHERE follow_id = ? AND initial = 0 AND kind != 'seen' "
            "AND delivered_at IS NULL "
            "AND attempts < ? ORDER BY id",
            (follow_id, max_attempts),
        )
        return [_event(r) for r in rows]

    def follow_event_delivered(self, event_id: int, *, error: str | None = None) -> None:
        """One webhook attempt: delivered when ``error`` is None, else counted and kept for a retry."""
        if error is None:
            self._fwrite(
                "UPDATE follow_events SET delivered_at = ?, attempts = attempts + 1, last_error = NULL "
                "WHERE id = ?",
                (_ts(now_utc()), event_id),
            )
        else:
            self._fwrite(
                "UPDATE follow_events SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                (error[:500], event_id),
            )
