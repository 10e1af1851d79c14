"""newsdesk: turn a stream of news from many outlets into trustworthy, curated story feeds.

The public API; the pipeline reads in folder order: ingest → extract → enrich
→ link → publish, over a store.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import NewsdeskError
from .model import Article, Image, Provider, RawDocument, RelatedItem
from .pipeline import IngestReport, ingest_document, ingest_paths
from .settings import Settings, load_settings
from .store.sqlite import SQLiteStore

__all__ = [
    "Article",
    "Image",
    "IngestReport",
    "NewsdeskError",
    "Provider",
    "RawDocument",
    "RelatedItem",
    "SQLiteStore",
    "Settings",
    "__version__",
    "ingest_document",
    "ingest_paths",
    "load_settings",
]
