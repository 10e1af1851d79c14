from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.errors import ConfigError
from newsdesk.link.heat import story_heat

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


def test_no_articles_in_window_is_minus_one():
    assert story_heat([], NOW).heat == -1
    old = [
        (NOW - timedelta(days=30), "a.com", 80),
        (None, "b.com", 80),
        (NOW + timedelta(days=1), "c.com", 80),
    ]
    assert story_heat(old, NOW).heat == -1


def test_one_fresh_average_article():
    result = story_heat([(NOW, "a.com", -1)], NOW)
    assert result.heat == 17
    assert result.parts["outlets"] == 1.0 and result.parts["recency"] == 1.0


def test_outlets_count_more_than_volume_and_heat_decays():
    many_outlets = [(NOW - timedelta(hours=1), f"o{i}.com", 60) for i in range(6)]
    one_outlet = [(NOW - timedelta(hours=1), "spam.com", 60) for _ in range(6)]
    assert (
        story_heat(many_outlets, NOW).parts["momentum"] > 2.5 * story_heat(one_outlet, NOW).parts["momentum"]
    )
    later = story_heat(many_outlets, NOW + timedelta(hours=48))
    assert 0 < later.heat < story_heat(many_outlets, NOW).heat
    slow = story_heat(many_outlets, NOW + timedelta(hours=48), half_life_hours=96)
    assert slow.heat > later.heat
    assert 0 <= story_heat([(NOW, f"o{i}", 100) for i in range(100)], NOW).heat <= 100


def test_quality_raises_heat_and_bad_settings_are_refused():
    assert story_heat([(NOW, "a", 100)], NOW).heat > story_heat([(NOW, "a", 0)], NOW).heat
    with pytest.raises(ValueError):
        story_heat([], NOW, half_life_hours=0)
    assert set(story_heat([(NOW, "a", 50)], NOW).to_json()) == {"heat", "parts"}


def test_half_life_and_window_come_from_settings(tmp_path: Path) -> None:
    from newsdesk.link.linker import Linker
    from newsdesk.settings import load_settings

    coverage = [(NOW - timedelta(hours=30), f"o{i}.com", 60) for i in range(5)]
    default = load_settings({"db": str(tmp_path / "d.db")}, env={})
    slow = load_settings({"db": str(tmp_path / "d.db")}, env={"NEWSDESK_HEAT_HALF_LIFE_HOURS": "72"})
    short = load_settings({"db": str(tmp_path / "d.db"), "heat_window_days": 1.0}, env={})
    heat = {
        name: Linker.open(None, heat=s.heat).heat_of(coverage, NOW).heat
        for name, s in [("default", default), ("slow", slow), ("short", short)]
    }
    assert heat["slow"] > heat["default"] > 0 and heat["short"] == -1  # 30 h old: outside a 1-day window
    with pytest.raises(ConfigError):
        _ = load_settings({"heat_half_life_hours": 0.0}, env={}).heat
