"""newsdesk: turn a stream of news from many outlets into trustworthy, curated story feeds.

The public API; the pipeline reads in folder order: ingest → extract → enrich
→ link → publish, over a store.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import NewsdeskError
    from .model import Article, Image, Provider, RawDocument, RelatedItem
    from .pipeline import IngestReport, ingest_document, ingest_paths
    from .settings import Settings, load_settings
    from .store.sqlite import SQLiteStore

# Resolved on first use (PEP 562): importing the pipeline pulls in trafilatura, numpy and
# scipy, half a second that commands like `newsdesk list` or `--help` must not pay.
_LAZY = {
    "NewsdeskError": ".errors",
    "Article": ".model",
    "Image": ".model",
    "Provider": ".model",
    "RawDocument": ".model",
    "RelatedItem": ".model",
    "IngestReport": ".pipeline",
    "ingest_document": ".pipeline",
    "ingest_paths": ".pipeline",
    "Settings": ".settings",
    "load_settings": ".settings",
    "SQLiteStore": ".store.sqlite",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


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
