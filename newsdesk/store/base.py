"""The Store interface every backend implements (SQLite now, PostgreSQL later).

Stages talk to the store only through this protocol, never through SQL, so a
backend can be swapped without touching them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..model import Article


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

    def recent(self, *, limit: int = 50, offset: int = 0) -> list[Article]: ...

    def iter_articles(self) -> Iterator[Article]: ...

    def ids(self) -> list[str]: ...

    def newest_published(self) -> datetime | None: ...

    def published_since(self, when: datetime) -> Iterator[Article]: ...

    def count(self) -> int: ...

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]: ...

    def close(self) -> None: ...
