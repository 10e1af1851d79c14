from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def models_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Models distilled on first use (30 s to 2 min): once per checkout, in pytest's cache."""
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    return Path(cache.mkdir("newsdesk-models")) if cache is not None else tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path) -> None:
    """No test may touch the user's real data dir, config or store."""
    monkeypatch.setenv("NEWSDESK_MODELS_DIR", str(models_dir))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("NEWSDESK_DB", raising=False)
    monkeypatch.delenv("NEWSDESK_SECRET_KEY", raising=False)


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    return SEEDS


def seed(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty store location on each backend: a SQLite path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    from pg_helpers import fresh_database

    with fresh_database() as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database (skipped without a server, except in CI)."""
    from pg_helpers import fresh_database

    with fresh_database() as url:
        yield url
