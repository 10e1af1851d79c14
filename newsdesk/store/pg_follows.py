"""Follows and their events in PostgreSQL (a mixin of :class:`PostgresStore`): the behaviour of
:class:`newsdesk.store.follows.FollowsMixin`, in PostgreSQL's SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from ..errors import NotFound, StoreError
from ..model import now_utc
from .follows import FOLLOW_KINDS, Follow, FollowEvent, NewFollowEvent, _event, _follow, _iso, _ts


class PgFollowsMixin:
    _db: psycopg.Connection[Any]
    label: str

    def _frun(self, sql: str, params: Iterable[object] = ()) -> psycopg.Cursor[Any]:
        try:
            return self._db.execute(sql, tuple(params))
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: follows: {str(exc).strip().splitlines()[0]}") from exc

    def add_follow(
        self, kind: str, target: str, *, title: str = "", webhook_url: str | None = None
    ) -> tuple[Follow, bool]:
        if kind not in FOLLOW_KINDS:
            raise StoreError(f"unknown follow kind {kind!r}: use {', '.join(FOLLOW_KINDS)}")
        cur = self._frun(
            "INSERT INTO follows(kind, target, title, webhook_url, created_at) VALUES (%s,%s,%s,%s,%s) "
            "ON CONFLICT (kind, target) DO NOTHING",
            (kind, target, title, webhook_url or None, _ts(now_utc())),
        )
        created = cur.rowcount == 1
        if not created and webhook_url:
            self._frun(
                "UPDATE follows SET webhook_url = %s WHERE kind = %s AND target = %s",
                (webhook_url, kind, target),
            )
        row = self._frun("SELECT * FROM follows WHERE kind = %s AND target = %s", (kind, target)).fetchone()
        if row is None:  # removed by another process between the two statements
            raise StoreError(f"{self.label}: follow {kind} {target!r} vanished while being added")
        return _follow(row), created

    def get_follow(self, follow_id: int) -> Follow:
        row = self._frun("SELECT * FROM follows WHERE id = %s", (follow_id,)).fetchone()
        if row is None:
            raise NotFound(f"no follow {follow_id}")
        return _follow(row)

    def list_follows(self) -> list[Follow]:
        return [_follow(r) for r in self._frun("SELECT * FROM follows ORDER BY id").fetchall()]

    def remove_follow(self, follow_id: int) -> Follow:
        follow = self.get_follow(follow_id)
        self._frun("DELETE FROM follows WHERE id = %s", (follow_id,))
        return follow

    def follow_checked(self, follow_id: int, *, error: str | None = None) -> None:
        self._frun(
            "UPDATE follows SET last_checked = %s, last_error = %s WHERE id = %s",
            (_ts(now_utc()), error, follow_id),
        )

    def record_follow_events(
        self, follow_id: int, events: Sequence[NewFollowEvent], *, initial: bool = False
    ) -> list[FollowEvent]:
        now = _ts(now_utc())
        new_ids: list[int] = []
        db = self._db
        try:
            with db.transaction():
                for e in events:
                    row = db.execute(
                        "INSERT INTO follow_events(follow_id, key, kind, title, summary, article_id, "
                        "happened_at, created_at, initial) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s) "
                        "ON CONFLICT (follow_id, key) DO NOTHING RETURNING id",
                        (
                            follow_id,
                            e.key,
                            e.kind,
                            e.title.replace("\x00", ""),
                            e.summary.replace("\x00", ""),
                            e.article_id,
                            _iso(e.happened_at),
                            now,
                            int(initial),
                        ),
                    ).fetchone()
                    if row is not None:
                        new_ids.append(int(row["id"]))
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: follows: {exc}") from exc
        if not new_ids:
            return []
        rows = self._frun("SELECT * FROM follow_events WHERE id = ANY(%s) ORDER BY id", (new_ids,)).fetchall()
        return [_event(r) for r in rows]

    def follow_event_keys(self, follow_id: int) -> set[str]:
        rows = self._frun("SELECT key FROM follow_events WHERE follow_id = %s", (follow_id,)).fetchall()
        return {r["key"] for r in rows}

    def follow_events(self, follow_id: int, *, limit: int = 50) -> list[FollowEvent]:
        rows = self._frun(
            "SELECT * FROM follow_events WHERE follow_id = %s AND kind != 'seen' "
            "ORDER BY created_at DESC, happened_at DESC NULLS LAST, id DESC LIMIT %s",
            (follow_id, limit),
        ).fetchall()
        return [_event(r) for r in rows]

    def undelivered_follow_events(self, follow_id: int, *, max_attempts: int) -> list[FollowEvent]:
        rows = self._frun(
            "SELECT * FROM follow_events WHERE follow_id = %s AND initial = 0 AND kind != 'seen' "
            "AND delivered_at IS NULL AND attempts < %s ORDER BY id",
            (follow_id, max_attempts),
        ).fetchall()
        return [_event(r) for r in rows]

    def follow_event_delivered(self, event_id: int, *, error: str | None = None) -> None:
        if error is None:
            self._frun(
                "UPDATE follow_events SET delivered_at = %s, attempts = attempts + 1, last_error = NULL "
                "WHERE id = %s",
                (_ts(now_utc()), event_id),
            )
        else:
            self._frun(
                "UPDATE follow_events SET attempts = attempts + 1, last_error = %s WHERE id = %s",
                (error[:500].replace("\x00", ""), event_id),
            )
