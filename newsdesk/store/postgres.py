"""PostgreSQL store (psycopg 3): the SQLite store's tables and behaviour, for several processes
and machines sharing one database.

* Migrations are files under ``migrations/postgres``, applied whole in one transaction each and
  recorded in ``schema_migrations`` (as in SQLite); an advisory lock keeps two processes that start
  together from applying one twice.
* Full-text search is PostgreSQL's own: a generated ``tsvector`` (title weighted over body) with a
  GIN index, ranked by ``ts_rank_cd``, snippets from ``ts_headline``.
* Each write is one transaction; concurrent ingesters of the same article are serialised by the
  upsert on its id, so neither fails and neither loses its input.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from ..errors import NewsdeskError, NotFound, StoreError, UnreadableArticle
from ..extract.sanitise import clean_value
from ..model import Article, now_utc, utc
from ..records import article_from_json, article_to_json
from .base import ArticleBrief, ArticleQuery, IdentityKeys, SearchHit, StoredInput, parse_stored_date
from .linkstate import PgLinkStateMixin
from .pg_follows import PgFollowsMixin
from .pg_sources import PgSourcesMixin
from .target import StoreTarget
from .vectors import StoredVector, ToEmbed

#: advisory-lock keys (pg_advisory_*lock takes a bigint); fixed, so every process agrees
MIGRATE_LOCK = 0x6E65_7773_0001
VECTORS_LOCK = 0x6E65_7773_0002

log = logging.getLogger(__name__)


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    folder = resources.files("newsdesk.store").joinpath("migrations").joinpath("postgres")
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _iso(when: datetime | None) -> str | None:
    return utc(when).strftime("%Y-%m-%dT%H:%M:%SZ") if when is not None else None


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL; SQLite can. Dropped, as no reader wants it."""
    return text.replace("\x00", "") if "\x00" in text else text


def _nul_free(value: Any) -> Any:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, dict):
        return {_clean(k): _nul_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nul_free(v) for v in value]
    return value


def _doc(article: Article) -> Jsonb:
    return Jsonb(_nul_free(article_to_json(article)))


class PostgresStore(PgSourcesMixin, PgFollowsMixin, PgLinkStateMixin):
    """A newsdesk store in a PostgreSQL database (which must exist; its tables are created)."""

    backend = "postgresql"

    def __init__(self, url: str, *, create: bool = False):
        self.url = url
        self.label = StoreTarget("postgresql", url=url).label
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10, row_factory=dict_row)
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot connect to PostgreSQL: {_first_line(exc)}") from exc
        try:
            self._migrate(create)
        except BaseException:
            self._db.close()
            raise

    # -- schema ---------------------------------------------------------
    def _migrate(self, create: bool) -> None:
        db = self._db
        try:
            present = db.execute("SELECT to_regclass('schema_migrations') AS t").fetchone()
            if (present is None or present["t"] is None) and not create:
                raise StoreError(
                    f"{self.label}: no newsdesk store in this database "
                    "(check --db / NEWSDESK_DB; `newsdesk ingest` creates one)"
                )
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            applied = {r["version"] for r in db.execute("SELECT version FROM schema_migrations")}
            for version, name, sql in _migrations():
                if version in applied:
                    continue
                with db.transaction():
                    db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                    again = db.execute("SELECT 1 FROM schema_migrations WHERE version = %s", (version,))
                    if again.fetchone() is not None:  # another process applied it meanwhile
                        continue
                    db.execute(sql.encode("utf-8"))
                    db.execute(
                        "INSERT INTO schema_migrations(version, name, applied_at) VALUES (%s, %s, %s)",
                        (version, name, now_utc().isoformat()),
                    )
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot prepare the store: {_first_line(exc)}") from exc

    def schema_version(self) -> int:
        row = self._db.execute("SELECT MAX(version) AS v FROM schema_migrations").fetchone()
        return int(row["v"] or 0) if row else 0

    def _q(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: {_first_line(exc)}") from exc

    # -- writing --------------------------------------------------------
    def has_input(self, content_sha256: str) -> bool:
        return bool(self._q("SELECT 1 FROM inputs WHERE content_sha256 = %s", (content_sha256,)))

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
                rows = self._q(
                    "SELECT a.data FROM articles a WHERE a.url_key = %s OR EXISTS "
                    "(SELECT 1 FROM article_urls u WHERE u.article_id = a.id AND u.url_key = %s) LIMIT 1",
                    (value, value),
                )
            else:
                rows = self._q(
                    f"SELECT data FROM articles WHERE {column} = %s ORDER BY seq LIMIT 1", (value,)
                )
            for article in self._loaded(rows[:1]):
                return article
        return None

    def inputs_of(self, article_id: str) -> list[StoredInput]:
        rows = self._q(
            "SELECT article_id, source, kind, content_sha256, data FROM inputs WHERE article_id = %s "
            "ORDER BY seq",
            (article_id,),
        )
        return [
            StoredInput(r["article_id"], r["source"], r["kind"], r["content_sha256"], article)
            for r in rows
            for article in self._loaded([r])
        ]

    def save(self, article: Article, keys: IdentityKeys, new_input: StoredInput) -> bool:
        now = now_utc().isoformat()
        db = self._db
        values = (
            article.id,
            article.external_id or None,
            keys.url_keys[0] if keys.url_keys else None,
            keys.title_key or None,
            keys.text_sha256 or None,
            _clean(article.title),
            _clean(article.text),
            _iso(article.published),
            article.provider.domain or None,
            article.provider.name or None,
            article.language or None,
            _doc(article),
            article.meaning or None,
            now,
            now,
        )
        try:
            with db.transaction():
                row = db.execute(
                    "INSERT INTO articles(id, external_id, url_key, title_key, text_sha256, title, text, "
                    "published, provider_domain, provider_name, language, data, meaning, created_at, "
                    "updated_at) "
                    "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
                    "ON CONFLICT (id) DO UPDATE SET external_id=EXCLUDED.external_id, "
                    "url_key=EXCLUDED.url_key, title_key=EXCLUDED.title_key, "
                    "text_sha256=EXCLUDED.text_sha256, title=EXCLUDED.title, text=EXCLUDED.text, "
                    "published=EXCLUDED.published, provider_domain=EXCLUDED.provider_domain, "
                    "provider_name=EXCLUDED.provider_name, language=EXCLUDED.language, "
                    "data=EXCLUDED.data, meaning=EXCLUDED.meaning, updated_at=EXCLUDED.updated_at, "
                    "revision=articles.revision + 1 "
                    "RETURNING (xmax = 0) AS inserted",
                    values,
                ).fetchone()
                db.execute("DELETE FROM article_topics WHERE article_id = %s", (article.id,))
                # case-insensitively unique (SQLite: COLLATE NOCASE), first spelling kept
                topics = list({t.lower(): t for t in reversed(article.topics) if t}.values())[::-1]
                if topics:
                    db.execute(
                        "INSERT INTO article_topics(article_id, topic) "
                        "SELECT %s, t FROM unnest(%s::text[]) t ON CONFLICT DO NOTHING",
                        (article.id, topics),
                    )
                if keys.url_keys:
                    db.execute(
                        "INSERT INTO article_urls(url_key, article_id) "
                        "SELECT k, %s FROM unnest(%s::text[]) k ON CONFLICT DO NOTHING",
                        (article.id, list(keys.url_keys)),
                    )
                # Two processes ingesting the same bytes at once: the input is recorded once.
                db.execute(
                    "INSERT INTO inputs(article_id, source, kind, content_sha256, data, ingested_at) "
                    "VALUES (%s,%s,%s,%s,%s,%s) ON CONFLICT (content_sha256) DO NOTHING",
                    (
                        new_input.article_id,
                        _clean(new_input.source),
                        new_input.kind,
                        new_input.content_sha256,
                        _doc(new_input.article),
                        now,
                    ),
                )
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot save article {article.id}: {_first_line(exc)}") from exc
        return bool(row and row["inserted"])

    # -- reading --------------------------------------------------------
    @staticmethod
    def _load(data: Any) -> Article:
        try:
            obj = data if isinstance(data, dict) else json.loads(data)
            return article_from_json(clean_value(obj), source="store")
        except (ValueError, TypeError, AttributeError, RecursionError, NewsdeskError) as exc:
            raise UnreadableArticle(f"a stored article cannot be read: {type(exc).__name__}: {exc}") from exc

    def _loaded(self, rows: Iterable[dict[str, Any]], column: str = "data") -> Iterator[Article]:
        """The articles of ``rows``, skipping (and logging) any one that cannot be read:
        one bad row must not fail a whole listing, feed or server start (as in SQLite)."""
        for row in rows:
            try:
                yield self._load(row[column])
            except StoreError as exc:
                log.warning("%s: skipped: %s", self.label, exc)

    def get(self, article_id: str) -> Article:
        rows = self._q("SELECT data FROM articles WHERE id = %s", (article_id,))
        if not rows:
            raise NotFound(f"no article {article_id!r}")
        return self._load(rows[0]["data"])

    def resolve(self, ref: str) -> Article:
        ref = ref.strip()
        if not ref:
            raise NotFound("empty article reference")
        for sql in (
            "SELECT data FROM articles WHERE id = %s LIMIT 2",
            "SELECT data FROM articles WHERE external_id = %s LIMIT 2",
        ):
            rows = self._q(sql, (ref,))
            if len(rows) == 1:
                return self._load(rows[0]["data"])
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._q("SELECT data FROM articles WHERE id LIKE %s LIMIT 2", (escaped + "%",))
        if len(rows) == 1:
            return self._load(rows[0]["data"])
        if len(rows) > 1:
            raise NotFound(f"article reference {ref!r} is ambiguous")
        raise NotFound(f"no article {ref!r}")

    def get_many(self, article_ids: Sequence[str]) -> list[Article]:
        if not article_ids:
            return []
        rows = self._q("SELECT id, data FROM articles WHERE id = ANY(%s)", (list(article_ids),))
        found = {r["id"]: article for r in rows for article in self._loaded([r])}
        return [found[i] for i in article_ids if i in found]

    def meanings(self, article_ids: Sequence[str]) -> dict[str, bytes]:
        if not article_ids:
            return {}
        rows = self._q(
            "SELECT id, meaning FROM articles WHERE meaning IS NOT NULL AND id = ANY(%s)",
            (list(article_ids),),
        )
        return {r["id"]: bytes(r["meaning"]) for r in rows}

    def briefs(self, article_ids: Sequence[str]) -> list[ArticleBrief]:
        if not article_ids:
            return []
        rows = self._q(
            "SELECT id, title, published, provider_domain, provider_name, external_id, language, "
            "data->'quality' AS quality, data->>'excerpt' AS excerpt, data->>'originalUrl' AS url, "
            "data->>'webUrl' AS web_url, data->'topics' AS topics FROM articles WHERE id = ANY(%s)",
            (list(article_ids),),
        )
        found: dict[str, ArticleBrief] = {}
        for r in rows:
            quality, topics = r["quality"], r["topics"]
            found[r["id"]] = ArticleBrief(
                r["id"],
                r["title"],
                parse_stored_date(r["published"]),
                r["provider_name"] or "",
                r["provider_domain"] or "",
                int(quality) if isinstance(quality, int | float) else -1,
                r["external_id"] or "",
                r["excerpt"] or "",
                r["url"] or "",
                r["web_url"] or "",
                r["language"] or "",
                tuple(t for t in topics if isinstance(t, str)) if isinstance(topics, list) else (),
            )
        return [found[i] for i in article_ids if i in found]

    def query(self, where: ArticleQuery, *, limit: int = 50, offset: int = 0) -> list[Article]:
        clause, params = _where(where)
        rows = self._q(
            f"SELECT data FROM articles {clause} "
            "ORDER BY published IS NULL, published DESC, seq LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return list(self._loaded(rows))

    def recent(self, *, limit: int = 50, offset: int = 0) -> list[Article]:
        return self.query(ArticleQuery(), limit=limit, offset=offset)

    def iter_articles(self) -> Iterator[Article]:
        # Pages by seq, not one server cursor: a long iteration holds no transaction open.
        after = 0
        while True:
            rows = self._q("SELECT seq, data FROM articles WHERE seq > %s ORDER BY seq LIMIT 500", (after,))
            if not rows:
                return
            yield from self._loaded(rows)
            after = int(rows[-1]["seq"])

    def ids(self) -> list[str]:
        return [r["id"] for r in self._q("SELECT id FROM articles ORDER BY seq")]

    def newest_published(self) -> datetime | None:
        # only well-formed dates: an unrepaired '999-01-01...' would sort after every real one
        rows = self._q("SELECT MAX(published) AS p FROM articles WHERE published ~ '^[0-9]{4}-'")
        return parse_stored_date(rows[0]["p"]) if rows else None

    def published_since(self, when: datetime) -> Iterator[Article]:
        rows = self._q("SELECT data FROM articles WHERE published >= %s ORDER BY published", (_iso(when),))
        yield from self._loaded(rows)

    def count(self) -> int:
        return int(self._q("SELECT COUNT(*) AS n FROM articles")[0]["n"])

    def count_inputs(self) -> int:
        return int(self._q("SELECT COUNT(*) AS n FROM inputs")[0]["n"])

    def topic_counts(self) -> dict[str, int]:
        rows = self._q("SELECT MIN(topic) AS t, COUNT(*) AS n FROM article_topics GROUP BY lower(topic)")
        return {str(r["t"]): int(r["n"]) for r in rows}

    # -- search ---------------------------------------------------------
    def count_search(self, query: str) -> int:
        words = _words(query)
        if not words:
            return 0
        rows = self._q(
            "SELECT COUNT(*) AS n FROM articles WHERE fts @@ to_tsquery('simple', %s)", (" | ".join(words),)
        )
        return int(rows[0]["n"])

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Articles with every word first, then articles with some of them, as the SQLite store
        does; ``rank`` ascends along the returned order (the negated ``ts_rank_cd``)."""
        words = _words(query)
        if not words:
            return []
        hits = self._ranked(query, " & ".join(words), limit)
        if len(hits) < limit and len(words) > 1:
            seen = {h.article.id for h in hits}
            some = [h for h in self._ranked(query, " | ".join(words), limit) if h.article.id not in seen]
            floor = max((h.rank for h in hits), default=0.0)
            shift = floor - min((h.rank for h in some), default=0.0) + 1e-6
            hits += [SearchHit(h.article, h.snippet, h.rank + shift) for h in some[: limit - len(hits)]]
        return hits

    def _ranked(self, query: str, tsquery: str, limit: int) -> list[SearchHit]:
        # Rank first, then make snippets for the page only: ts_headline re-parses the body.
        rows = self._q(
            "WITH q AS (SELECT to_tsquery('simple', %s) AS q), "
            "top AS (SELECT a.seq, ts_rank_cd(a.fts, q.q) AS r FROM articles a, q WHERE a.fts @@ q.q "
            "ORDER BY r DESC, a.seq LIMIT %s) "
            "SELECT a.data, ts_headline('simple', a.text, q.q, "
            "'StartSel=[, StopSel=], MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=\" … \"') "
            "AS snip, top.r FROM top JOIN articles a ON a.seq = top.seq, q ORDER BY top.r DESC, top.seq",
            (tsquery, limit),
        )
        return [
            SearchHit(article, " ".join(r["snip"].split()), -float(r["r"]))
            for r in rows
            for article in self._loaded([r])
        ]

    # -- vectors (semantic search) ----------------------------------------
    def articles_to_embed(self, model: str, *, limit: int = 256) -> list[ToEmbed]:
        rows = self._q(
            "SELECT a.seq, a.revision, a.title, a.data->>'excerpt' AS excerpt, a.text FROM articles a "
            "LEFT JOIN article_vectors v ON v.article_seq = a.seq "
            "WHERE v.article_seq IS NULL OR v.model <> %s OR v.revision <> a.revision "
            "ORDER BY a.seq LIMIT %s",
            (model, limit),
        )
        return [
            ToEmbed(int(r["seq"]), int(r["revision"]), r["title"] or "", r["excerpt"] or "", r["text"] or "")
            for r in rows
        ]

    def save_vectors(self, model: str, vectors: Sequence[tuple[ToEmbed, bytes]]) -> None:
        now = now_utc().isoformat()
        db = self._db
        try:
            with db.transaction():
                # Batches must commit in the order they are numbered, or a reader that loads
                # "batch > last seen" would skip one committed late: one vector writer at a time.
                db.execute("SELECT pg_advisory_xact_lock(%s)", (VECTORS_LOCK,))
                row = db.execute("SELECT COALESCE(MAX(batch), 0) + 1 AS b FROM article_vectors").fetchone()
                batch = int(row["b"]) if row else 1
                with db.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO article_vectors"
                        "(article_seq, model, revision, batch, embedded_at, vector) "
                        "SELECT %s, %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM articles WHERE seq = %s) "
                        "ON CONFLICT (article_seq) DO UPDATE SET model=EXCLUDED.model, "
                        "revision=EXCLUDED.revision, batch=EXCLUDED.batch, "
                        "embedded_at=EXCLUDED.embedded_at, vector=EXCLUDED.vector",
                        [(t.seq, model, t.revision, batch, now, blob, t.seq) for t, blob in vectors],
                    )
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot save article vectors: {_first_line(exc)}") from exc

    def vectors_since(self, model: str, batch: int = 0) -> list[StoredVector]:
        rows = self._q(
            "SELECT v.article_seq, a.id, v.batch, v.vector FROM article_vectors v "
            "JOIN articles a ON a.seq = v.article_seq WHERE v.model = %s AND v.batch > %s "
            "ORDER BY v.batch, v.article_seq",
            (model, batch),
        )
        return [
            StoredVector(int(r["article_seq"]), r["id"], int(r["batch"]), bytes(r["vector"])) for r in rows
        ]

    def integrity_ok(self) -> bool:
        return bool(self._q("SELECT 1 AS ok"))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _words(query: str) -> list[str]:
    """Each word as a quoted tsquery lexeme, so user punctuation cannot break the query syntax."""
    words = re.findall(r"\w+", query.lower(), flags=re.UNICODE)
    return ["'" + w.replace("'", "''") + "'" for w in dict.fromkeys(words)]


def _where(q: ArticleQuery) -> tuple[str, tuple[object, ...]]:
    parts: list[str] = []
    params: list[object] = []
    if q.topic is not None:
        parts.append(
            "EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = articles.id "
            "AND lower(t.topic) = lower(%s))"
        )
        params.append(q.topic)
    if q.language is not None:
        parts.append("lower(language) = lower(%s)")
        params.append(q.language)
    if q.outlet is not None:
        parts.append("(lower(provider_domain) = lower(%s) OR lower(provider_name) = lower(%s))")
        params += [q.outlet, q.outlet]
    if q.since is not None:
        parts.append("published >= %s")
        params.append(_iso(q.since))
    if q.until is not None:
        parts.append("published <= %s")
        params.append(_iso(q.until))
    return ("WHERE " + " AND ".join(parts) if parts else ""), tuple(params)
