"""Story centroids: the running sum of every article vector a story holds, kept sparse.

A story that runs for years is a thread of many developments whose reports share
few words pairwise (two reports of the Syrian war a year apart: cosine ~0.05), so
no single nearest-neighbour link says "same story". What they share is the
thread's recurring vocabulary (the country, its leaders, its cities), which the
*sum* of the story's vectors concentrates while each article's own specifics
average out. The story decision (:mod:`.story_model`) therefore also sees the
cosine of the article to each candidate story's centroid, and how far that
stands above the other candidates' (the thread it belongs to versus the
neighbouring ones).

Sums are kept as (positions, float32 values) of their non-zero dimensions: a
million articles' stories would not fit as dense 4,096-d rows, and most stories
hold one or two articles. They are not persisted: loading a saved engine
(:meth:`.cluster.StoryEngine.load`) recomputes them from the events' sums. They are
kept while the learned story decision (``LinkParams.learned_story``) or the place anchor's
one-language bridge (``place_bridge_ratio``, :mod:`.places`) reads them.
"""

from __future__ import annotations

import math

import numpy as np


def sparse(total: np.ndarray, dtype: type[np.floating]) -> tuple[np.ndarray, np.ndarray]:
    """The positions (16-bit where they fit) and values of a dense sum's non-zero dimensions:
    how event sums (:mod:`.cluster`) and story sums are both kept."""
    pos = np.flatnonzero(total)
    return pos.astype(np.uint16 if total.shape[0] <= 65_536 else np.int64), total[pos].astype(dtype)


class StoryCentroids:
    """Sparse sums of article vectors by story id (ids are union-find roots of the caller's)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.pos: list[np.ndarray | None] = []
        self.val: list[np.ndarray | None] = []
        self.count: list[int] = []
        self.norm: list[float] = []

    def _grow(self, s: int) -> None:
        while len(self.pos) <= s:
            self.pos.append(None)
            self.val.append(None)
            self.count.append(0)
            self.norm.append(0.0)

    def dense(self, s: int) -> np.ndarray:
        out = np.zeros(self.dim, dtype=np.float32)
        if s < len(self.pos):
            pos, val = self.pos[s], self.val[s]
            if pos is not None and val is not None:
                out[pos] = val
        return out

    def _set(self, s: int, total: np.ndarray, count: int) -> None:
        self.pos[s], val = sparse(total, np.float32)
        self.val[s] = val
        self.count[s] = count
        self.norm[s] = float(np.linalg.norm(val))

    def add(self, s: int, vec: np.ndarray, count: int = 1) -> None:
        """Add ``count`` articles whose vectors sum to ``vec`` to story ``s``."""
        self._grow(s)
        self._set(s, self.dense(s) + vec, self.count[s] + count)

    def absorb(self, into: int, other: int) -> None:
        """Story ``other`` merged into ``into``: its sum moves there."""
        self._grow(max(into, other))
        if self.count[other] == 0:
            return
        self._set(into, self.dense(into) + self.dense(other), self.count[into] + self.count[other])
        self.pos[other] = self.val[other] = None
        self.count[other], self.norm[other] = 0, 0.0

    def cosine(self, s: int, vec: np.ndarray) -> float:
        """Cosine of a unit vector to story ``s``'s centroid (0 for an empty story)."""
        if s >= len(self.pos) or self.norm[s] <= 0.0:
            return 0.0
        pos, val = self.pos[s], self.val[s]
        assert pos is not None and val is not None
        return float(val @ vec[pos]) / self.norm[s]

    def mean_link(self, s: int, vec: np.ndarray) -> float:
        """Average cosine of a unit vector to story ``s``'s articles (average linkage)."""
        n = self.size(s)
        if n == 0:
            return 0.0
        pos, val = self.pos[s], self.val[s]
        assert pos is not None and val is not None
        return float(val @ vec[pos]) / n

    def coherence(self, s: int) -> float:
        """Average cosine between two distinct articles of story ``s`` (NaN under two):
        ``|sum|^2 = n + n(n-1) * coherence`` for unit rows."""
        n = self.size(s)
        if n < 2:
            return math.nan
        return (self.norm[s] ** 2 - n) / (n * (n - 1))

    def size(self, s: int) -> int:
        return self.count[s] if s < len(self.count) else 0


#: how many centroid features :func:`centroid_features` gives per candidate story
CENTROID_FEATURES = 5


def centroid_features(
    sums: StoryCentroids, candidates: list[int], vec: np.ndarray
) -> dict[int, tuple[float, ...]]:
    """Per candidate story: (centroid cosine, its margin over the best other candidate's,
    log size, the story's coherence, log of the article's average linkage over it).

    The margin is relative to the article's own neighbourhood: where several
    threads of one region are candidates, the one whose vocabulary the article
    shares most stands out. The last two are scale-free: an article belongs to a
    thread when it is about as close to the thread's articles on average as they
    are to each other, whether that is 0.05 (a war followed over years through
    scraped pages) or 0.4 (one oil spill over a summer).
    """
    sims = {s: sums.cosine(s, vec) for s in candidates}
    ranked = sorted(sims.values(), reverse=True)
    out: dict[int, tuple[float, ...]] = {}
    for s, c in sims.items():
        other = ranked[1] if len(ranked) > 1 and c >= ranked[0] else (ranked[0] if len(ranked) > 1 else 0.0)
        coh = sums.coherence(s)
        if math.isnan(coh):
            coh, ratio = 0.0, 0.0
        else:
            ratio = math.log((max(sums.mean_link(s, vec), 0.0) + 0.01) / (max(coh, 0.0) + 0.01))
        out[s] = (c, c - other, math.log1p(sums.size(s)), coh, ratio)
    return out
