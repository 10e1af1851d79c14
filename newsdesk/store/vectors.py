"""SQL for the article embeddings that semantic search reads (a mixin of :class:`SQLiteStore`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import StoreError
from ..model import now_utc


@dataclass(frozen=True, slots=True)
class ToEmbed:
    """An article whose vector is missing or older than the article."""

    seq: int
    revision: int
    title: str
    excerpt: str
    text: str


@dataclass(frozen=True, slots=True)
class StoredVector:
    seq: int
    article_id: str
    batch: int
    vector: bytes


class VectorsMixin:
    _db: sqlite3.Connection

    def articles_to_embed(self, model: str, *, limit: int = 256) -> list[ToEmbed]:
        rows = self._db.execute(
            # a row whose JSON is malformed (written past the checks) must not fail every other row
            "SELECT a.seq, a.revision, a.title, "
            "CASE WHEN json_valid(a.data) THEN json_extract(a.data, '$.excerpt') END, a.text FROM articles a "
            "LEFT JOIN article_vectors v ON v.article_seq = a.seq "
            "WHERE v.article_seq IS NULL OR v.model <> ? OR v.revision <> a.revision "
            "ORDER BY a.seq LIMIT ?",
            (model, limit),
        ).fetchall()
        return [ToEmbed(int(r[0]), int(r[1]), r[2] or "", r[3] or "", r[4] or "") for r in rows]

    def save_vectors(self, model: str, vectors: Sequence[tuple[ToEmbed, bytes]]) -> None:
        """Store each article's packed vector, in one transaction; an article saved again
        meanwhile keeps its newer revision, so its vector stays stale and is made again."""
        now = now_utc().isoformat()
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            batch = int(db.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM article_vectors").fetchone()[0])
            db.executemany(
                "INSERT OR REPLACE INTO article_vectors"
                "(article_seq, model, revision, batch, embedded_at, vector) "
                "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE seq = ?)",
                [(t.seq, model, t.revision, batch, now, blob, t.seq) for t, blob in vectors],
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(f"cannot save article vectors: {exc}") from exc

    def vectors_since(self, model: str, batch: int = 0) -> list[StoredVector]:
        """Vectors of ``model`` saved in batches after ``batch`` (all of them by default), oldest first."""
        rows = self._db.execute(
            "SELECT v.article_seq, a.id, v.batch, v.vector FROM article_vectors v "
            "JOIN articles a ON a.seq = v.article_seq WHERE v.model = ? AND v.batch > ? "
            "ORDER BY v.batch, v.article_seq",
            (model, batch),
        ).fetchall()
        return [StoredVector(int(r[0]), r[1], int(r[2]), bytes(r[3])) for r in rows]
