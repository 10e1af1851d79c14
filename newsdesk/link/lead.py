"""Which article fronts a story: its headline and lead everywhere (CLI, API, pages, feeds).

The newest article is the wrong choice: in a long-running story it is as likely to
be a spun rewrite of older coverage (the seeds' quality-40 "Capital Cities" copy)
as a report. The lead is the article that is, in order of weight:

* an original: a copy folded under another article never fronts (unless every
  article is a copy);
* the best: its quality score (0-100, with originality, sourcing and depth
  among its parts), so a rewrite or machine-spun text loses to the report it
  rewrites;
* the most central: closest in meaning to the story as a whole (cosine to the
  centroid of its members' story vectors), so an article that only touches the
  story does not front it.

Ties go to the newest. The weights are a ranking choice, not a fitted threshold:
quality spans 0..1 and decides between articles of different worth; centrality
(0..1, half weight) decides between articles of like quality.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

import numpy as np

from ..model import QUALITY_UNKNOWN

#: centrality's weight against quality (both 0..1)
CENTRALITY_WEIGHT = 0.5
#: what a copy loses: more than any quality and centrality can win back
COPY_PENALTY = 2.0


class Candidate(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def quality(self) -> int: ...
    @property
    def published(self) -> datetime | None: ...


def centrality(vectors: np.ndarray) -> np.ndarray:
    """Cosine of each row to the centroid of all rows (1.0 each for a single row)."""
    vecs = np.asarray(vectors, dtype=np.float64)
    if len(vecs) == 0:
        return np.zeros(0)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    unit = vecs / np.where(norms > 0, norms, 1.0)
    centroid = unit.mean(axis=0)
    size = float(np.linalg.norm(centroid))
    if size == 0.0:
        return np.zeros(len(vecs))
    return np.asarray(unit @ (centroid / size))


def lead_score(quality: int, central: float, is_copy: bool) -> float:
    q = 0.5 if quality == QUALITY_UNKNOWN or quality < 0 else min(quality, 100) / 100.0
    return q + CENTRALITY_WEIGHT * central - (COPY_PENALTY if is_copy else 0.0)


C = TypeVar("C", bound=Candidate)


def pick_lead(candidates: Sequence[C], central: Sequence[float], copies: Sequence[bool]) -> C:
    """The candidate that fronts the story (see the module docstring); ``candidates`` not empty."""
    if not candidates:
        raise ValueError("a story with no articles has no lead")

    def key(i: int) -> tuple[float, float]:
        c = candidates[i]
        when = c.published.timestamp() if c.published else float("-inf")
        return (lead_score(c.quality, float(central[i]), copies[i]), when)

    return candidates[max(range(len(candidates)), key=key)]
