"""A served desk for the web tests: the seeds ingested and linked, the app over them."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, IngestReport, ingest_paths
from newsdesk.settings import load_settings
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.web.api import create_app

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def ingest_seeds(db: Path) -> IngestReport:
    with SQLiteStore(db) as store:
        return ingest_paths([SEEDS], store, enricher=Enricher(), linker=Linker.open(store))


def app_client(tmp: Path, config: str) -> TestClient:
    """The app over ``tmp/desk.db`` with ``config`` as its config file (no topic classifier)."""
    cfg = tmp / "newsdesk.toml"
    cfg.write_text(config, encoding="utf-8")
    settings = load_settings(
        {"db": str(tmp / "desk.db"), "data_dir": str(tmp / "data")}, env={}, config_file=cfg
    )
    return TestClient(create_app(settings, enricher=Enricher()))
