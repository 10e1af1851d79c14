"""The learned story decision: does a new event continue a candidate story, or open a new one?

A single hand-set threshold on the best single link chains neighbouring stories
(the same region, the same season, different threads): one close pair is enough
to merge two threads; and it splits a thread followed over years into
hundreds of pieces, because two of its reports a year apart share few words
(crisis es/fr/it: same-story cosine median 0.04). The decision is instead a
logistic regression over several signals of how the event's article relates to
each candidate story among its nearest neighbours and to the story as a whole
(its centroid, :mod:`.centroids`) (:data:`FEATURES`), trained on the union of the
dev sets by ``benchmarks/train_story_model.py`` (leave-one-set-out figures in
benchmarks/README.md) and shipped as ``data/story_model.json``: a few numbers,
so the decision is as cheap as the threshold it replaces.

The article joins the candidate story of highest logit when that logit is
>= 0 (P(same story) >= 0.5); otherwise it opens a new story.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError

MODEL_PATH = Path(__file__).with_name("data") / "story_model.json"

#: What the model sees of one (article, candidate story) pair.
FEATURES = (
    "max_sim",  # the best cosine to any of the story's articles among the neighbours
    "share",  # the share of the k neighbours that belong to the story
    "max_overlap",  # the best entity-key overlap with one of them
    "log_gap",  # log1p(days to the nearest of them / 30); undated: the dev mean
    "undated",  # 1 when either side has no usable date
    # The story as a whole (.centroids): its recurring vocabulary, not one close pair.
    "centroid_sim",  # cosine of the article to the story's centroid (sum of its articles)
    "centroid_margin",  # centroid_sim minus the best other candidate story's
    "log_size",  # log1p(articles in the story): big centroids are smoother, so closer to anything
    "coherence",  # the average cosine between two of the story's articles (0 under two)
    "log_ratio",  # log of the article's average cosine to the story over its coherence (0 under two)
)


@dataclass(frozen=True)
class StoryModel:
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    trained_on: tuple[str, ...] = ()

    def logit(self, x: Sequence[float]) -> float:
        z = self.bias
        for xi, w, m, s in zip(x, self.weights, self.mean, self.scale, strict=True):
            z += w * (xi - m) / s
        return z

    def to_json(self, features: Sequence[str] = FEATURES) -> str:
        return json.dumps(
            {
                "features": list(features),
                "weights": list(self.weights),
                "bias": self.bias,
                "mean": list(self.mean),
                "scale": list(self.scale),
                "trained_on": list(self.trained_on),
            },
            indent=1,
        )

    @classmethod
    def from_json(
        cls, text: str, *, source: str = "story model", features: Sequence[str] = FEATURES
    ) -> StoryModel:
        """A model saved by :meth:`to_json` over exactly ``features`` (the event model
        of :mod:`.event_model` shares the format with its own feature list)."""
        features = tuple(features)
        try:
            d = json.loads(text)
            if tuple(d["features"]) != features:
                raise ConfigError(f"{source}: features {d['features']} are not {list(features)}")
            model = cls(
                tuple(float(x) for x in d["weights"]),
                float(d["bias"]),
                tuple(float(x) for x in d["mean"]),
                tuple(float(x) if float(x) > 0 else 1.0 for x in d["scale"]),
                tuple(str(x) for x in d.get("trained_on", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{source}: not a story model: {exc}") from exc
        if not len(model.weights) == len(model.mean) == len(model.scale) == len(features):
            raise ConfigError(f"{source}: expected {len(features)} weights")
        return model


@lru_cache(maxsize=1)
def shipped_model() -> StoryModel:
    """The model trained on the dev sets, shipped with the package."""
    try:
        return StoryModel.from_json(MODEL_PATH.read_text(encoding="utf-8"), source=str(MODEL_PATH))
    except OSError as exc:
        raise ConfigError(f"cannot read the shipped story model {MODEL_PATH}: {exc}") from exc


#: log_gap for an undated pair (the model learns the rest from ``undated``)
UNDATED_LOG_GAP = 2.0


#: one neighbour of a candidate story: (link, cosine, entity overlap, days apart, its row)
StoryHit = tuple[float, float, float, float, int]


def story_features(hits: Sequence[StoryHit], k: int, centroid: Sequence[float] = (0.0,) * 5) -> list[float]:
    """Features of one candidate story from its neighbours (see :data:`StoryHit`) and its
    centroid (:func:`.centroids.centroid_features`)."""
    sims = sorted((h[1] for h in hits), reverse=True)
    gaps = [h[3] for h in hits if not math.isnan(h[3])]
    return [
        sims[0],
        len(hits) / max(1, k),
        max(h[2] for h in hits),
        math.log1p(min(gaps) / 30.0) if gaps else UNDATED_LOG_GAP,
        0.0 if gaps else 1.0,
        *centroid,
    ]
