"""Everything a newsdesk process asks of its store, whichever the backend (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .follows import FollowStore
from .linkstate import LinkStateStore
from .sources import SourceStore
from .vectors import StoredVector, ToEmbed


class DeskStore(SourceStore, FollowStore, LinkStateStore, Protocol):
    #: how messages name the store (a path, or a URL without its password)
    label: str
    #: "sqlite" or "postgresql"
    backend: str

    def schema_version(self) -> int: ...
    def count_inputs(self) -> int: ...
    def articles_to_embed(self, model: str, *, limit: int = 256) -> list[ToEmbed]: ...
    def save_vectors(self, model: str, vectors: Sequence[tuple[ToEmbed, bytes]]) -> None: ...
    def vectors_since(self, model: str, batch: int = 0) -> list[StoredVector]: ...
    def __enter__(self) -> DeskStore: ...
    def __exit__(self, *exc: object) -> None: ...
