"""The linker's saved state inside the store, and the lock that makes one linker at a time.

The state is a set of named blobs (the story engine's arrays, the vector index) saved as one
*generation* in one transaction: a reader sees the whole previous generation or the whole
new one, a ``kill -9`` mid-save leaves the previous one, and only the newest is kept.

One linker at a time: a process takes the store's *link lock* for the whole of
"reload the newest state, place what the store holds that it lacks, save". Two linkers
placing articles from the same old state would each save a state missing the other's
placements (stories split until the next catch-up). The lock is released by the operating
system or the server if its holder dies, so a crash never leaves it stuck:

* SQLite: ``flock`` on ``<db>.link.lock`` beside the database. Not ``BEGIN IMMEDIATE``: that
  would hold the database's one write lock through the linking, stalling every ingest.
* PostgreSQL: ``pg_advisory_lock`` on the store's session, dropped with the session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import StoreError
from ..model import now_utc

#: parts a blob is cut into (both backends cap one value near 1 GB)
PART_BYTES = 64 * 1024 * 1024
LINK_LOCK = 0x6E65_7773_0003


@dataclass(frozen=True, slots=True)
class LinkSnapshot:
    generation: int
    articles: int
    format: int
    blobs: dict[str, bytes]


class LinkStateStore(Protocol):
    def link_generation(self) -> int: ...
    def load_link_state(self) -> LinkSnapshot | None: ...
    def save_link_state(self, blobs: Mapping[str, bytes], *, articles: int, format: int) -> int: ...
    def link_lock(self) -> Any: ...


def _parts(blobs: Mapping[str, bytes]) -> Iterator[tuple[str, int, bytes]]:
    for name, data in blobs.items():
        view = memoryview(data)
        for i, start in enumerate(range(0, max(len(data), 1), PART_BYTES)):
            yield name, i, bytes(view[start : start + PART_BYTES])


def _snapshot(rows: list[tuple[int, int, int, str, int, bytes]]) -> LinkSnapshot | None:
    if not rows:
        return None
    generation, articles, fmt = int(rows[0][0]), int(rows[0][1]), int(rows[0][2])
    pieces: dict[str, list[bytes]] = {}
    for _, _, _, name, _, data in rows:  # ordered by name, part
        pieces.setdefault(name, []).append(bytes(data))
    return LinkSnapshot(generation, articles, fmt, {k: b"".join(v) for k, v in pieces.items()})


_LOAD = (
    "SELECT s.generation, s.articles, s.format, b.name, b.part, b.data FROM link_state s "
    "JOIN link_blobs b ON b.generation = s.generation "
    "WHERE s.generation = (SELECT MAX(generation) FROM link_state) ORDER BY b.name, b.part"
)


class SQLiteLinkStateMixin:
    _db: Any  # sqlite3.Connection
    path: Path
    label: str
    _link_lock_fh: Any = None
    _memory_lock = threading.Lock()

    def link_generation(self) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(generation), 0) FROM link_state").fetchone()
        return int(row[0])

    def load_link_state(self) -> LinkSnapshot | None:
        # One statement: one consistent snapshot, whatever a concurrent saver does.
        return _snapshot([tuple(r) for r in self._db.execute(_LOAD).fetchall()])

    def save_link_state(self, blobs: Mapping[str, bytes], *, articles: int, format: int) -> int:
        import sqlite3

        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            gen = int(db.execute("SELECT COALESCE(MAX(generation), 0) + 1 FROM link_state").fetchone()[0])
            db.execute(
                "INSERT INTO link_state(generation, articles, format, saved_at) VALUES (?,?,?,?)",
                (gen, articles, format, now_utc().isoformat()),
            )
            db.executemany(
                "INSERT INTO link_blobs(generation, name, part, data) VALUES (?,?,?,?)",
                [(gen, name, part, data) for name, part, data in _parts(blobs)],
            )
            db.execute("DELETE FROM link_state WHERE generation < ?", (gen,))
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.label}: cannot save the story state: {exc}") from exc
            raise
        return gen

    @contextmanager
    def link_lock(self) -> Iterator[None]:
        if str(self.path) == ":memory:":
            with self._memory_lock:
                yield
            return
        import fcntl

        lock_path = self.path.with_name(self.path.name + ".link.lock")
        try:
            fh = open(lock_path, "a+b")  # noqa: SIM115 - held across the yield
        except OSError as exc:
            raise StoreError(f"{lock_path}: cannot open the linker lock: {exc}") from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            fh.close()  # closing the descriptor releases the lock


class PgLinkStateMixin:
    _db: Any  # psycopg.Connection
    label: str

    def link_generation(self) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(generation), 0) AS g FROM link_state").fetchone()
        return int(row["g"])

    def load_link_state(self) -> LinkSnapshot | None:
        rows = self._db.execute(_LOAD).fetchall()
        return _snapshot(
            [(r["generation"], r["articles"], r["format"], r["name"], r["part"], r["data"]) for r in rows]
        )

    def save_link_state(self, blobs: Mapping[str, bytes], *, articles: int, format: int) -> int:
        import psycopg

        db = self._db
        try:
            with db.transaction():
                # Generations are numbered in commit order: savers queue here, not on a unique key.
                db.execute("SELECT pg_advisory_xact_lock(%s)", (LINK_LOCK + 1,))
                row = db.execute("SELECT COALESCE(MAX(generation), 0) + 1 AS g FROM link_state").fetchone()
                gen = int(row["g"])
                db.execute(
                    "INSERT INTO link_state(generation, articles, format, saved_at) VALUES (%s,%s,%s,%s)",
                    (gen, articles, format, now_utc().isoformat()),
                )
                with db.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO link_blobs(generation, name, part, data) VALUES (%s,%s,%s,%s)",
                        [(gen, name, part, data) for name, part, data in _parts(blobs)],
                    )
                db.execute("DELETE FROM link_state WHERE generation < %s", (gen,))
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot save the story state: {exc}") from exc
        return gen

    @contextmanager
    def link_lock(self) -> Iterator[None]:
        # Session-level, re-entrant per session (PostgreSQL counts it), released if the process dies.
        self._db.execute("SELECT pg_advisory_lock(%s)", (LINK_LOCK,))
        try:
            yield
        finally:
            if not self._db.closed:
                self._db.execute("SELECT pg_advisory_unlock(%s)", (LINK_LOCK,))
