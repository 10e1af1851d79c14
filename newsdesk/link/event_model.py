"""The learned event decision: is an article a report of a candidate event, or of a new one?

One threshold on the average cosine cannot serve both kinds of news the dev
sets hold. Among distinct events (Giveme5W1H: an election, a launch, a verdict)
any two reports of one event share their topic words and nothing else does,
so a low bar joins them. Among many events of one *kind* (GVC: 241 separate
shootings) every report shares the topic words with every other ("shot",
"police", "victim", "hospital"), so the cosine of two different shootings is
as high as that of two reports of one, and only the specifics tell them apart:
the place, the victim's name, the day. A corpus TF-IDF gets that for free (its
IDF drops words that most documents of the corpus share); the engine's word
weights are fixed, language-wide ones (they must stay stable for the online
index), so "shooting" weighs the same in a shooting corpus as in a general one.

The model therefore looks at the candidate *relative to the article's own
neighbourhood* (:data:`FEATURES`): how far the candidate's cosine stands above
the cosine of the article's other neighbours (the local background, which is
high among same-kind incidents and low among distinct events), how many names
they share, and how far apart in time they are, time and content weighed by
the background (they matter more among same-kind incidents).
A logistic regression over these, trained across the dev sets by
``benchmarks/train_story_model.py --level event`` and shipped as
``data/event_model.json``, decides; the silence rule still gates first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError
from .story_model import StoryModel

MODEL_PATH = Path(__file__).with_name("data") / "event_model.json"

FEATURES = (
    "content",  # average cosine of the article to the event (the old rule's score, before names)
    "max_sim",  # the best cosine to one of the event's members among the neighbours
    "contrast",  # max_sim minus the median cosine of the article's k neighbours (local background)
    "overlap",  # the best entity-key overlap with one of the event's members
    "log_gap",  # log1p(days from the article to the event's date span / 2); undated: UNDATED_LOG_GAP
    "undated",  # 1 when the article or the event has no usable date
    # Interactions with the local background: time and content mean more where the
    # neighbourhood is dense with same-kind incidents than among distinct events.
    "gap_x_background",  # log_gap * background
    "content_x_background",  # content * background
    "background",  # the median cosine of the article's k neighbours
)

#: log_gap of an undated pair (the model learns the rest from ``undated``)
UNDATED_LOG_GAP = 1.5

#: one neighbour of a candidate event: (its row, cosine, entity-key overlap)
EventHit = tuple[int, float, float]


def event_features(content: float, hits: Sequence[EventHit], background: float, gap: float) -> list[float]:
    """Features of one candidate event (see :data:`FEATURES`)."""
    best = max(h[1] for h in hits)
    log_gap = UNDATED_LOG_GAP if math.isnan(gap) else math.log1p(gap / 2.0)
    return [
        content,
        best,
        best - background,
        max(h[2] for h in hits),
        log_gap,
        1.0 if math.isnan(gap) else 0.0,
        log_gap * background,
        content * background,
        background,
    ]


def load(path: Path) -> StoryModel:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the event model {path}: {exc}") from exc
    return StoryModel.from_json(text, source=str(path), features=FEATURES)


@lru_cache(maxsize=1)
def shipped_model() -> StoryModel:
    """The event model trained on the dev sets, shipped with the package."""
    return load(MODEL_PATH)
