"""The Store interface every backend implements (SQLite now, PostgreSQL later).

Stages talk to the store only through this protocol, never through SQL, so a
backend can be swapped without touching them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..model import Article, utc


@dataclass(frozen=True, slots=True)
class StoredInput:
    """One input (file, JSONL line, fetched page) as it was extracted."""

    article_id: str
    source: str
    kind: str
    content_sha256: str
    article: Article


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class ArticleBrief:
    """What lists, coverage tables and heat need of an article, without its body."""

    id: str
    title: str
    published: datetime | None
    provider_name: str
    provider_domain: str
    quality: int
    external_id: str = ""
    excerpt: str = ""
    url: str = ""
    web_url: str = ""
    language: str = ""
    topics: tuple[str, ...] = ()

    @property
    def outlet(self) -> str:
        return self.provider_domain or self.provider_name


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Filters for listing articles; ``None`` means any. Text fields match case-insensitively."""

    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    outlet: str | None = None  # provider domain or name
    language: str | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.topic, self.since, self.until, self.outlet, self.language))


@dataclass(frozen=True, slots=True)
class IdentityKeys:
    """What two inputs may share when they describe one article."""

    external_id: str = ""
    url_keys: tuple[str, ...] = ()
    title_key: str = ""
    text_sha256: str = ""


class Store(Protocol):
    def has_input(self, content_sha256: str) -> bool: ...

    def find_article(self, keys: IdentityKeys) -> Article | None: ...

    def inputs_of(self, article_id: str) -> list[StoredInput]: ...

    def save(self, article: Article, keys: IdentityKeys, new_input: StoredInput) -> bool:
        """Store ``new_input`` and the merged ``article`` atomically; True when the article is new."""
        ...

    def get(self, article_id: str) -> Article: ...

    def resolve(self, ref: str) -> Article:
        """An article by its id, external id, or an unambiguous id prefix."""
        ...

    def get_many(self, article_ids: Sequence[str]) -> list[Article]:
        """The articles in the order asked; unknown ids are left out."""
        ...

    def meanings(self, article_ids: Sequence[str]) -> dict[str, bytes]:
        """The multilingual meaning vectors (float16 bytes) of those articles that have one."""
        ...

    def briefs(self, article_ids: Sequence[str]) -> list[ArticleBrief]:
        """Light views of the articles in the order asked; unknown ids are left out."""
        ...

    def recent(self, *, limit: int = 50, offset: int = 0) -> list[Article]: ...

    def query(self, where: ArticleQuery, *, limit: int = 50, offset: int = 0) -> list[Article]:
        """Articles matching ``where``, newest first."""
        ...

    def iter_articles(self) -> Iterator[Article]: ...

    def ids(self) -> list[str]: ...

    def newest_published(self) -> datetime | None: ...

    def published_since(self, when: datetime) -> Iterator[Article]: ...

    def count(self) -> int: ...

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]: ...

    def topic_counts(self) -> dict[str, int]:
        """Stored articles per topic name."""
        ...

    def count_search(self, query: str) -> int:
        """How many articles ``search`` would find without a limit."""
        ...

    def close(self) -> None: ...


def parse_stored_date(value: str | None) -> datetime | None:
    """A stored date; an unreadable one (older versions stored year 999 as '999-...') is unknown.

    One reader for both backends: both store dates as the same ISO text."""
    if not value:
        return None
    try:
        return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        return None
