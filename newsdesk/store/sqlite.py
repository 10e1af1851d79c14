"""SQLite store: WAL journal, migrations recorded in a table, FTS5 over title and text.

Each ingested input is saved in one transaction with the merged article it
belongs to, so a crash or a kill between two inputs loses nothing committed
and leaves no half-written article.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import NewsdeskError, NotFound, StoreError, UnreadableArticle
from ..extract.sanitise import clean_value
from ..model import Article, now_utc, utc
from ..records import article_from_json, article_to_json
from .base import ArticleBrief, ArticleQuery, IdentityKeys, SearchHit, StoredInput, parse_stored_date
from .follows import FollowsMixin
from .linkstate import SQLiteLinkStateMixin
from .sources import SourcesMixin
from .vectors import VectorsMixin

log = logging.getLogger(__name__)


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("newsdesk.store").joinpath("migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _iso(article: Article) -> str | None:
    if article.published is None:
        return None
    # Built by hand: strftime writes year 999 as '999', which sorts and parses wrongly.
    p = utc(article.published)
    return f"{p.year:04d}-{p.month:02d}-{p.day:02d}T{p.hour:02d}:{p.minute:02d}:{p.second:02d}Z"


class SQLiteStore(SourcesMixin, VectorsMixin, FollowsMixin, SQLiteLinkStateMixin):
    """The default store; one file, safe for one writer and many readers."""

    backend = "sqlite"

    def __init__(self, path: str | Path):
        """Open (or create) the store file at ``path``; its folder must exist (nothing else is
        created: :func:`newsdesk.store.target.open_target` decides whether a new file may be)."""
        self.path = Path(path)
        self.label = str(path)
        try:
            self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open store: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        # A row holding bytes that are not UTF-8 (written by another tool or an older version)
        # must not make every read of the table fail: such text is read with U+FFFD in place.
        self._db.text_factory = _text
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{path}: not a usable newsdesk store: {exc}") from exc

    # -- schema ---------------------------------------------------------
    def _migrate(self) -> None:
        db = self._db
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in _migrations():
            if version in applied:
                continue
            # executescript commits on its own, so BEGIN/COMMIT are in the script itself:
            # a migration is applied whole or not at all.
            db.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n"
                f"INSERT INTO schema_migrations(version, name, applied_at) "
                f"VALUES ({version}, '{name}', '{now_utc().isoformat()}');\nCOMMIT;"
            )

    def schema_version(self) -> int:
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # -- writing --------------------------------------------------------
    def has_input(self, content_sha256: str) -> bool:
        row = self._db.execute("SELECT 1 FROM inputs WHERE content_sha256 = ?", (content_sha256,)).fetchone()
        return row is not None

    def find_article(self, keys: IdentityKeys) -> Article | None:
        probes: list[tuple[str, str]] = []
        if keys.external_id:
            probes.append(("external_id", keys.external_id))
        probes.extend(("url_key", k) for k in keys.url_keys)
        if keys.text_sha256:
            probes.append(("text_sha256", keys.text_sha256))
        if keys.title_key:
            probes.append(("title_key", keys.title_key))
        for column, value in probes:
            if column == "url_key":
                row = self._db.execute(
                    "SELECT a.data FROM articles a WHERE a.url_key = ? OR EXISTS "
                    "(SELECT 1 FROM article_urls u WHERE u.article_id = a.id AND u.url_key = ?) LIMIT 1",
                    (value, value),
                ).fetchone()
            else:
                row = self._db.execute(
                    f"SELECT data FROM articles WHERE {column} = ? ORDER BY seq LIMIT 1", (value,)
                ).fetchone()
            if row is not None:
                for article in self._loaded([row]):
                    return article
        return None

    def inputs_of(self, article_id: str) -> list[StoredInput]:
        rows = self._db.execute(
            "SELECT article_id, source, kind, content_sha256, data FROM inputs "
            "WHERE article_id = ? ORDER BY seq",
            (article_id,),
        ).fetchall()
        out = []
        for r in rows:
            for article in self._loaded([r]):
                out.append(StoredInput(r["article_id"], r["source"], r["kind"], r["content_sha256"], article))
        return out

    def save(self, article: Article, keys: IdentityKeys, new_input: StoredInput) -> bool:
        db = self._db
        now = now_utc().isoformat()
        try:
            db.execute("BEGIN IMMEDIATE")
            exists = db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone() is not None
            values = (
                article.external_id or None,
                keys.url_keys[0] if keys.url_keys else None,
                keys.title_key or None,
                keys.text_sha256 or None,
                article.title,
                article.text,
                _iso(article),
                article.provider.domain or None,
                article.provider.name or None,
                article.language or None,
                json.dumps(article_to_json(article), ensure_ascii=False),
                article.meaning or None,
            )
            if exists:
                db.execute(
                    "UPDATE articles SET external_id=?, url_key=?, title_key=?, text_sha256=?, "
                    "title=?, text=?, "
                    "published=?, provider_domain=?, provider_name=?, language=?, data=?, meaning=?, "
                    "updated_at=?, revision=revision + 1 WHERE id=?",
                    (*values, now, article.id),
                )
            else:
                db.execute(
                    "INSERT INTO articles(external_id, url_key, title_key, text_sha256, title, text, "
                    "published, "
                    "provider_domain, provider_name, language, data, meaning, created_at, updated_at, id) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (*values, now, now, article.id),
                )
            db.execute("DELETE FROM article_topics WHERE article_id = ?", (article.id,))
            db.executemany(
                "INSERT OR IGNORE INTO article_topics(article_id, topic) VALUES (?, ?)",
                [(article.id, t) for t in article.topics if t],
            )
            for url_key in keys.url_keys:
                db.execute(
                    "INSERT OR IGNORE INTO article_urls(url_key, article_id) VALUES (?, ?)",
                    (url_key, article.id),
                )
            db.execute(
                # The same bytes from two processes at once: recorded once (as on PostgreSQL).
                "INSERT INTO inputs(article_id, source, kind, content_sha256, data, ingested_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT (content_sha256) DO NOTHING",
                (
                    new_input.article_id,
                    new_input.source,
                    new_input.kind,
                    new_input.content_sha256,
                    json.dumps(article_to_json(new_input.article), ensure_ascii=False),
                    now,
                ),
            )
            db.execute("COMMIT")
        except BaseException as exc:
            # Any failure, not only sqlite3.Error (a value that cannot be encoded, a time budget
            # or Ctrl-C arriving mid-save): an open transaction would make every later save fail.
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: cannot save article {article.id}: {exc}") from exc
            raise
        return not exists

    # -- reading --------------------------------------------------------
    @staticmethod
    def _load(data: str) -> Article:
        try:
            # clean_value: a row written past the checks may hold "\\ud800" escapes, which load as
            # lone surrogates that no response can encode
            return article_from_json(clean_value(json.loads(data)), source="store")
        except (ValueError, TypeError, AttributeError, RecursionError, NewsdeskError) as exc:
            raise UnreadableArticle(f"a stored article cannot be read: {type(exc).__name__}: {exc}") from exc

    def _loaded(self, rows: Iterable[Any], column: str = "data") -> Iterator[Article]:
        """The articles of ``rows``, skipping (and logging) any one that cannot be read:
        one bad row must not fail a whole listing, feed or server start."""
        for row in rows:
            try:
                yield self._load(row[column])
            except StoreError as exc:
                log.warning("%s: skipped: %s", self.path, exc)

    def get(self, article_id: str) -> Article:
        row = self._db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id!r}")
        return self._load(row["data"])

    def resolve(self, ref: str) -> Article:
        ref = ref.strip()
        if not ref:
            raise NotFound("empty article reference")
        for sql in (
            "SELECT data FROM articles WHERE id = ?",
            "SELECT data FROM articles WHERE external_id = ?",
        ):
            rows = self._db.execute(sql + " LIMIT 2", (ref,)).fetchall()
            if len(rows) == 1:
                return self._load(rows[0]["data"])
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            "SELECT data FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (escaped + "%",)
        ).fetchall()
        if len(rows) == 1:
            return self._load(rows[0]["data"])
        if len(rows) > 1:
            raise NotFound(f"article reference {ref!r} is ambiguous")
        raise NotFound(f"no article {ref!r}")

    def get_many(self, article_ids: Sequence[str]) -> list[Article]:
        found: dict[str, Article] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT id, data FROM articles WHERE id IN ({marks})", chunk).fetchall()
            for row in rows:
                for article in self._loaded([row]):
                    found[row["id"]] = article
        return [found[i] for i in article_ids if i in found]

    def briefs(self, article_ids: Sequence[str]) -> list[ArticleBrief]:
        # One json_extract with several paths parses each article's JSON once, in SQLite's
        # C code: far cheaper than loading whole articles (bodies included) in Python.
        found: dict[str, ArticleBrief] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT id, title, published, provider_domain, provider_name, external_id, language, "
                "json_extract(data, '$.quality', '$.excerpt', '$.originalUrl', '$.webUrl', '$.topics') "
                f"FROM articles WHERE id IN ({marks})"
            )
            try:
                rows = self._db.execute(sql, chunk).fetchall()
            except sqlite3.OperationalError:
                # a row whose JSON is malformed fails the whole statement: read the chunk again
                # with that row's details left empty (the cheap path stays the common one)
                guarded = sql.replace("json_extract(data,", "json_extract(iif(json_valid(data), data, '{}'),")
                rows = self._db.execute(guarded, chunk).fetchall()
            for aid, title, published, domain, name, external_id, language, extra in rows:
                try:
                    quality, excerpt, url, web_url, topics = clean_value(json.loads(extra))
                except (TypeError, ValueError):
                    quality, excerpt, url, web_url, topics = -1, "", "", "", []
                found[aid] = ArticleBrief(
                    aid,
                    title,
                    parse_stored_date(published),
                    name or "",
                    domain or "",
                    int(quality) if isinstance(quality, int | float) else -1,
                    external_id or "",
                    excerpt or "",
                    url or "",
                    web_url or "",
                    language or "",
                    tuple(t for t in topics if isinstance(t, str)) if isinstance(topics, list) else (),
                )
        return [found[i] for i in article_ids if i in found]

    def query(self, where: ArticleQuery, *, limit: int = 50, offset: int = 0) -> list[Article]:
        clause, params = _where(where)
        rows = self._db.execute(
            f"SELECT data FROM articles {clause} "
            "ORDER BY published IS NULL, published DESC, seq LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return list(self._loaded(rows))

    def recent(self, *, limit: int = 50, offset: int = 0) -> list[Article]:
        rows = self._db.execute(
            "SELECT data FROM articles ORDER BY published IS NULL, published DESC, seq LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return list(self._loaded(rows))

    def meanings(self, article_ids: Sequence[str]) -> dict[str, bytes]:
        """The stored meaning vectors of those articles that have one (:mod:`newsdesk.link.meaning`)."""
        found: dict[str, bytes] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT id, meaning FROM articles WHERE meaning IS NOT NULL AND id IN ({marks})", chunk
            ).fetchall()
            found.update((row[0], bytes(row[1])) for row in rows)
        return found

    def iter_articles(self) -> Iterator[Article]:
        cursor = self._db.execute("SELECT data FROM articles ORDER BY seq")
        yield from self._loaded(cursor)

    def ids(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT id FROM articles ORDER BY seq")]

    def newest_published(self) -> datetime | None:
        # only well-formed dates: an unrepaired '999-01-01...' would sort after every real one
        row = self._db.execute(
            "SELECT MAX(published) FROM articles WHERE published GLOB '[0-9][0-9][0-9][0-9]-*'"
        ).fetchone()
        return parse_stored_date(row[0]) if row else None

    def published_since(self, when: datetime) -> Iterator[Article]:
        cursor = self._db.execute(
            "SELECT data FROM articles WHERE published >= ? ORDER BY published",
            (utc(when).strftime("%Y-%m-%dT%H:%M:%SZ"),),
        )
        yield from self._loaded(cursor)

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def count_inputs(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0])

    def topic_counts(self) -> dict[str, int]:
        """Stored articles per topic name."""
        rows = self._db.execute("SELECT topic, COUNT(*) FROM article_topics GROUP BY topic").fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def count_search(self, query: str) -> int:
        terms = _fts_terms(query)
        if not terms:
            return 0
        try:
            row = self._db.execute(
                "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (" OR ".join(terms),)
            ).fetchone()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search {query!r} failed: {exc}") from exc
        return int(row[0])

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles with every word first (bm25-ranked), then, to fill the page, articles with
        some of the words: a reader's "harbour bridge closure" should not come back empty
        because one article says "closing". ``rank`` ascends along the returned order."""
        terms = _fts_terms(query)
        if not terms:
            return []
        hits = self._ranked(query, " ".join(terms), limit)
        if len(hits) < limit and len(terms) > 1:
            seen = {h.article.id for h in hits}
            some = [h for h in self._ranked(query, " OR ".join(terms), limit) if h.article.id not in seen]
            # bm25 scores of the two queries are not comparable: the partial matches are shifted
            # to rank after the full ones, keeping their own order.
            floor = max((h.rank for h in hits), default=0.0)
            shift = floor - min((h.rank for h in some), default=0.0) + 1e-6
            hits += [SearchHit(h.article, h.snippet, h.rank + shift) for h in some[: limit - len(hits)]]
        return hits

    def _ranked(self, query: str, match: str, limit: int) -> list[SearchHit]:
        try:
            # Rank first, then make snippets and load articles for the page only:
            # snippets for every match of a common word cost more than the ranking.
            rows = self._db.execute(
                "WITH top AS (SELECT rowid AS seq, bm25(articles_fts, 5.0, 1.0) AS r FROM articles_fts "
                "WHERE articles_fts MATCH ? ORDER BY r LIMIT ?) "
                "SELECT a.data, snippet(articles_fts, 1, '[', ']', ' … ', 16) AS snip, top.r AS r "
                "FROM top JOIN articles_fts ON articles_fts.rowid = top.seq "
                "JOIN articles a ON a.seq = top.seq "
                "WHERE articles_fts MATCH ? ORDER BY top.r",
                (match, limit, match),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search {query!r} failed: {exc}") from exc
        return [
            SearchHit(article, r["snip"], float(r["r"])) for r in rows for article in self._loaded([r])
        ]

    def integrity_ok(self) -> bool:
        row = self._db.execute("PRAGMA integrity_check").fetchone()
        return bool(row and row[0] == "ok")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    """Id lists in pieces below SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _where(q: ArticleQuery) -> tuple[str, tuple[object, ...]]:
    parts: list[str] = []
    params: list[object] = []
    if q.topic is not None:
        # Correlated, so SQLite walks the newest-first index and stops at the page's end.
        parts.append(
            "EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = articles.id AND t.topic = ?)"
        )
        params.append(q.topic)
    if q.language is not None:
        parts.append("language = ? COLLATE NOCASE")
        params.append(q.language)
    if q.outlet is not None:
        parts.append("(provider_domain = ? COLLATE NOCASE OR provider_name = ? COLLATE NOCASE)")
        params += [q.outlet, q.outlet]
    if q.since is not None:
        parts.append("published >= ?")
        params.append(utc(q.since).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if q.until is not None:
        parts.append("published <= ?")
        params.append(utc(q.until).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return ("WHERE " + " AND ".join(parts) if parts else ""), tuple(params)


def _fts_terms(query: str) -> list[str]:
    """Each word as a quoted FTS5 term, so user punctuation cannot break the query syntax."""
    words = re.findall(r"\w+", query, flags=re.UNICODE)
    return [f'"{w}"' for w in dict.fromkeys(words)]
