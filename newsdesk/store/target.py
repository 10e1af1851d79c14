"""Which store a `--db` value names, and opening it without creating anything by mistake.

A value is a PostgreSQL URL (``postgresql://`` or ``postgres://``), a ``sqlite:///path``
URL, or a plain path to a SQLite file. A URL is never taken for a file name, and a
file is only created by a command that writes (``create=True``: ingest, run, sources
add, serve, migrate's target) and only inside a folder that exists: a mistyped
``--db /nonexistent/dir/x.db`` is an error, not a new directory tree. The per-user
default location is the one exception: its folder is newsdesk's own to create.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..errors import StoreError

if TYPE_CHECKING:
    from .desk import DeskStore

PG_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True, slots=True)
class StoreTarget:
    """A parsed `--db` value: ``kind`` is ``sqlite`` (with ``path``) or ``postgresql`` (with ``url``)."""

    kind: str
    path: Path | None = None
    url: str = ""

    @property
    def label(self) -> str:
        """How messages name the store (a PostgreSQL URL without its password)."""
        if self.kind == "sqlite":
            return str(self.path)
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        user = f"{parts.username}@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def parse_target(value: str | Path) -> StoreTarget:
    text = str(value).strip()
    if not text:
        raise StoreError("empty store location (--db / NEWSDESK_DB)")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in PG_SCHEMES:
        return StoreTarget("postgresql", url=text)
    if scheme == "sqlite":
        rest = text.split("://", 1)[1]
        if not rest.startswith("/"):
            raise StoreError(f"{text}: a SQLite URL is sqlite:///path/to/newsdesk.db")
        # sqlite:///tmp/x.db is /tmp/x.db (what people write); sqlite:////tmp/x.db is accepted too
        path = unquote(rest[1:] if rest.startswith("//") else rest)
        if not path:
            raise StoreError(f"{text}: the SQLite URL names no file")
        return StoreTarget("sqlite", path=Path(path))
    if scheme:
        raise StoreError(
            f"{text}: unsupported store URL (use a file path, sqlite:///path or postgresql://...)"
        )
    if text.startswith(("postgresql:", "postgres:")):
        # "postgresql:/user@host/db" (one slash lost in a shell or a config) is a typo, never a file name
        raise StoreError(f"{text}: looks like a PostgreSQL URL but is malformed (postgresql://user@host/db)")
    return StoreTarget("sqlite", path=Path(text).expanduser())


def open_target(value: str | Path, *, create: bool = False, default_location: bool = False) -> DeskStore:
    """The store ``value`` names; a missing SQLite file is created only when ``create``."""
    target = parse_target(value)
    if target.kind == "postgresql":
        from .postgres import PostgresStore  # psycopg only for those who use it

        return PostgresStore(target.url, create=create)
    from .sqlite import SQLiteStore

    path = target.path
    assert path is not None
    if str(path) == ":memory:":
        return SQLiteStore(path)
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file")
    if not path.exists():
        if not create:
            raise StoreError(
                f"{path}: no store there (check --db / NEWSDESK_DB; `newsdesk ingest` creates one)"
            )
        if not path.parent.is_dir():
            if default_location:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"{path.parent}: cannot create the data folder: {exc}") from exc
            else:
                raise StoreError(f"{path}: folder {path.parent} does not exist (nothing was created)")
    return SQLiteStore(path)
