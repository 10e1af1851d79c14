"""A story's momentum now, as a 0-100 heat score with its parts.

Only the story's articles published inside the window (``window_days``
before ``now``, nothing after it) count; with none, the heat is -1 (the
record format's "unknown"). Each counted article i gets

    weight_i = recency_i * quality_i
    recency_i = 0.5 ** (age_hours_i / half_life_hours)       (default half-life 24 h)
    quality_i = 0.5 + q_i / 200   for a quality score q_i in 0..100, 0.75 if unknown

Distinct outlets drive heat, volume only adds to it: each outlet contributes
its best-weighted article in full, every further article of the same outlet
a quarter of its weight (a site re-posting every hour is not momentum):

    momentum = sum over outlets of max weight + 0.25 * sum of the other weights
    heat     = round(100 * (1 - exp(-momentum / SATURATION)))   with SATURATION = 4

So one fresh article of average quality (weight ~0.75) is heat 17; five
outlets within the last hours are ~61; twelve are ~90, and heat decays by
half-lives as coverage ages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .features import as_utc

SATURATION = 4.0
REPEAT_WEIGHT = 0.25
UNKNOWN_QUALITY_FACTOR = 0.75


@dataclass(frozen=True, slots=True)
class HeatParams:
    """How fast heat cools: the recency half-life and the window of articles that count."""

    half_life_hours: float = 24.0
    window_days: float = 7.0

    def __post_init__(self) -> None:
        if not (self.half_life_hours > 0 and self.window_days > 0):
            raise ValueError("heat half-life and window must be positive")


@dataclass(frozen=True, slots=True)
class HeatResult:
    heat: int
    parts: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"heat": self.heat, "parts": dict(self.parts)}


def story_heat(
    articles: Iterable[tuple[datetime | None, str, int]],
    now: datetime,
    *,
    half_life_hours: float = 24.0,
    window_days: float = 7.0,
) -> HeatResult:
    """Heat of one story from its articles' (published, outlet, quality) triples."""
    if half_life_hours <= 0 or window_days <= 0:
        raise ValueError("half_life_hours and window_days must be positive")
    now_utc = as_utc(now)
    assert now_utc is not None
    start = now_utc - timedelta(days=window_days)
    best: dict[str, float] = {}
    extra = 0.0
    count = 0
    recency_sum = quality_sum = 0.0
    for published, outlet, quality in articles:
        when = as_utc(published)
        if when is None or when < start or when > now_utc:
            continue
        count += 1
        age_h = (now_utc - when).total_seconds() / 3600.0
        recency = 0.5 ** (age_h / half_life_hours)
        qf = UNKNOWN_QUALITY_FACTOR if quality is None or quality < 0 else 0.5 + min(quality, 100) / 200.0
        recency_sum += recency
        quality_sum += qf
        weight = recency * qf
        key = outlet or f"?{count}"
        if key in best:
            extra += REPEAT_WEIGHT * min(weight, best[key])
            best[key] = max(best[key], weight)
        else:
            best[key] = weight
    if count == 0:
        return HeatResult(-1, {"articles": 0.0, "outlets": 0.0})
    momentum = sum(best.values()) + extra
    heat = round(100.0 * (1.0 - math.exp(-momentum / SATURATION)))
    return HeatResult(
        int(heat),
        {
            "articles": float(count),
            "outlets": float(len(best)),
            "recency": round(recency_sum / count, 4),
            "quality": round(quality_sum / count, 4),
            "momentum": round(momentum, 4),
            "half_life_hours": half_life_hours,
            "window_days": window_days,
        },
    )
