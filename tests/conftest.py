from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the user's real data dir, config or store."""
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
