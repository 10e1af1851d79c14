"""The story level of :class:`~.cluster.StoryEngine`: which thread a placed article's event follows.

Kept apart from the event level (``cluster.py``): after an article has joined or
opened an event, its neighbours outside that event, grouped by story, are the
candidate threads; the decision (the best single link against
``story_threshold``, or the learned model of :mod:`.story_model` over those
links and the candidates' centroids, :mod:`.centroids`) either puts a new event
in a story, opens a new one, or merges the article's story with the one it
links to. Story identity is a union-find over story ids, as events' is.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .centroids import CENTROID_FEATURES, StoryCentroids, centroid_features
from .event_model import EventHit
from .index import ArticleTable
from .items import LinkParams, Placement
from .meaning import MeaningVectors
from .places import StoryPlaces
from .story_model import StoryHit, StoryModel, shipped_model, story_features

#: (aid, features by candidate story, the candidates' neighbour hits) -> forced story, -1 new, None
StoryHook = Callable[[str, dict[int, list[float]], dict[int, list[StoryHit]]], int | None]


def find_root(parent: list[int], x: int) -> int:
    """Union-find root of ``x``, compressing the path walked (events and stories share it)."""
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


class StoryLevel:
    """Story state and decisions; mixed into the engine, which owns the event level."""

    params: LinkParams
    table: ArticleTable
    ev_story: list[int]
    st_parent: list[int]
    #: each story's sum of article vectors (rebuilt on load, see .centroids)
    st_sums: StoryCentroids
    #: articles' and stories' country profiles (:mod:`.places`)
    places: StoryPlaces
    #: multilingual meaning vectors and the stories filed under others by them (:mod:`.meaning`)
    meaning: MeaningVectors
    #: the meaning vector of the article being placed (None: it has none)
    _meaning_vec: np.ndarray | None
    art_event: np.ndarray
    #: training only (benchmarks/train_story_model.py): sees each placement's candidate
    #: stories' features and may force the decision (a story id, -1 for new, None to decide)
    story_hook: StoryHook | None
    #: the learned story decision; None: the shipped one (leave-one-set-out runs set their own)
    story_model: StoryModel | None
    #: the event the threshold rule would have joined in the current placement (-1: none)
    _rule_event: int
    #: how far that event's rule score cleared ``event_threshold``
    _rule_margin: float

    _centroids_stale: bool

    def _find_event(self, e: int) -> int:
        raise NotImplementedError

    def _rebuild_centroids(self) -> None:
        raise NotImplementedError

    def _time_term(self, gap: float, weight: float, tau: float) -> float:
        raise NotImplementedError

    def _find_story(self, s: int) -> int:
        return find_root(self.st_parent, s)

    def _root_of_event(self, e: int) -> int:
        """The engine's own story of event ``e`` (what its decisions read)."""
        return self._find_story(self.ev_story[self._find_event(e)])

    def shown_story(self, s: int) -> int:
        """The story readers see for story ``s``: its root, followed to the story it is filed under."""
        return self.meaning.shown(self._find_story(s), self._find_story)

    def story_of_event(self, e: int) -> int:
        """The story of event ``e`` as readers see it (:meth:`shown_story`)."""
        return self.shown_story(self._root_of_event(e))

    def _new_story(self) -> int:
        s = len(self.st_parent)
        self.st_parent.append(s)
        return s

    def _keeps_centroids(self) -> bool:
        """Only the learned decision (and its training hook) and the one-language bridge read
        the story centroids: the threshold rule alone pays nothing for them."""
        return self.params.learned_story or self.story_hook is not None or self.params.place_bridge_ratio > 0

    def _bridges(self, s: int, t: int) -> bool:
        """Whether two stories anchored in one country are one thread: always across languages
        (their words cannot say); in one language only when their articles are on average at
        least ``place_bridge_ratio`` as close across the two as within each. Scale-free: a war
        followed for years through scraped pages is coherent at 0.15 and its stories link at
        0.07-0.11; two incidents in one country are coherent at 0.3-0.6 and link under 0.05."""
        if self.places.lang.get(s, 0) != self.places.lang.get(t, 0):
            return True
        if self._centroids_stale:
            self._rebuild_centroids()
        sums = self.st_sums
        n_s, n_t = sums.size(s), sums.size(t)
        if n_s < 2 or n_t < 2:
            return False
        cross = float(sums.dense(s) @ sums.dense(t)) / (n_s * n_t)
        within = (sums.coherence(s) + sums.coherence(t)) / 2
        return within > 0 and cross >= self.params.place_bridge_ratio * within

    def _reads_places(self) -> bool:
        """Whether the story decision reads country profiles (the place anchor is on)."""
        return self.params.place_weight != 0.0 or self.params.place_penalty != 0.0

    def _union_stories(self, keep: int, other: int) -> None:
        """Story root ``other`` merges into root ``keep`` (its centroid and places with it)."""
        self.st_parent[other] = keep
        self.meaning.absorb(keep, other)
        if self._keeps_centroids():
            self.st_sums.absorb(keep, other)
        if self._reads_places():
            self.places.absorb(keep, other)

    def _place_story(
        self,
        aid: str,
        row: int,
        e: int,
        vec: np.ndarray,
        day: float,
        by_event: dict[int, list[EventHit]],
        placement: Placement,
    ) -> None:
        """Put event ``e`` (which the article ``aid`` just joined or opened) in a story."""
        p = self.params
        # The neighbours outside the article's own event, grouped by story.
        candidates: dict[int, list[StoryHit]] = {}
        for f, hits in by_event.items():
            if self._find_event(f) == e:
                continue
            s = self._root_of_event(f)
            for r, sim, overlap in hits:
                gap = abs(day - self.table.days[r])
                link = (
                    sim
                    + p.entity_weight * overlap
                    - self._time_term(gap, p.story_time_weight, p.story_tau_days)
                )
                candidates.setdefault(s, []).append((link, sim, overlap, float(gap), r))
        best_story, best = self._choose_story(aid, candidates, vec, row)
        own = self.ev_story[e]
        if own < 0 and placement.new_event and self._rule_event >= 0:
            # The learned decision opened a new event where the threshold rule would have
            # joined one: a separate incident, but close enough to follow in the same story
            # (the rule's event level was what chained long crisis threads together), unless
            # it is anchored in another country than that story and the link is not strong
            # enough to pay the place penalty.
            follow = self._root_of_event(self._rule_event)
            if not self._place_conflict(row, follow) or self._rule_margin >= self.params.place_penalty:
                own = self.ev_story[e] = follow
        if own < 0:
            if best_story >= 0 and best >= 0.0:
                self.ev_story[e] = best_story
            else:
                self.ev_story[e] = self._new_story()
                placement.new_story = True
        elif (
            best_story >= 0
            and best >= 0.0
            and self._find_story(own) != best_story
            and self._may_merge(own, best_story)
        ):
            self._union_stories(self._find_story(own), best_story)
            placement.merged_stories.append(best_story)
        if self._keeps_centroids():
            self.st_sums.add(self._root_of_event(e), vec)
        if self._reads_places():
            s = self._root_of_event(e)
            self.places.add_to_story(s, row, int(self.table.lang[row]), day)
            if p.place_bridge_days > 0:
                for t in self.places.bridge(
                    s,
                    day,
                    p.place_story_share,
                    p.place_bridge_articles,
                    p.place_bridge_days,
                    self._find_story,
                    same_language=p.place_bridge_ratio > 0,
                ):
                    s = self._find_story(s)
                    if t != s and self._bridges(s, t):
                        self._union_stories(s, t)
                        placement.merged_stories.append(t)
        self._file_by_meaning(row, e, placement)

    def _file_by_meaning(self, row: int, e: int, placement: Placement) -> None:
        """A new story nothing linked to by words is filed under the story its meaning is nearest
        (:mod:`.meaning`); then the article's vector joins the ones later articles compare with."""
        vec = self._meaning_vec
        if vec is None:
            return
        p = self.params
        if placement.new_story and p.meaning_k > 0:
            own = self._root_of_event(e)
            target = self.meaning.nearest_story(
                vec,
                # the engine's own stories vote, not the ones shown: voting by what is shown
                # lets every filing attract the next (crisis es+fr+it: all into 2 stories)
                lambda r: self._root_of_event(int(self.art_event[r])),
                own,
                p.meaning_k,
                p.meaning_threshold,
                p.meaning_share,
            )
            if target >= 0:
                self.meaning.filed[own] = target
        self.meaning.add(row, vec)

    def _place_conflict(self, row: int, s: int) -> bool:
        """Whether the article's countries and story ``s``'s are too far apart to follow it."""
        if not self._reads_places() or self.params.place_penalty == 0.0:
            return False
        p = self.params
        cos = self.places.fit(row, s, p.place_min_mentions, p.place_story_share)
        return cos is not None and cos < p.place_conflict

    def _place_term(self, row: int, s: int) -> float:
        """The place anchor's share of a story link: agreement of the article's countries with
        the story's, less a penalty when each confidently names a different one."""
        p = self.params
        if not self._reads_places():
            return 0.0
        cos = self.places.fit(row, s)
        if cos is None:
            return 0.0
        conflict = cos < p.place_conflict and self._place_conflict(row, s)
        return p.place_weight * cos - (p.place_penalty if conflict else 0.0)

    def _may_merge(self, s: int, t: int) -> bool:
        """Whether two stories' places let them merge (always, with the place anchor off)."""
        p = self.params
        if not self._reads_places() or p.place_penalty == 0.0:
            return True
        cos = self.places.fit_stories(self._find_story(s), self._find_story(t))
        return cos is None or cos >= p.place_conflict

    def _choose_story(
        self, aid: str, candidates: dict[int, list[StoryHit]], vec: np.ndarray, row: int = -1
    ) -> tuple[int, float]:
        """The candidate story to join and its decision score (joins when >= 0), or (-1, -inf).

        With the learned model the score is its logit; without it, the best
        single link minus ``story_threshold``.
        """
        p = self.params
        if self._keeps_centroids():
            cents = centroid_features(self.st_sums, list(candidates), vec)
        else:
            cents = {s: (0.0,) * CENTROID_FEATURES for s in candidates}
        features = {s: story_features(hits, p.k, cents[s]) for s, hits in candidates.items()}
        if self.story_hook is not None:
            forced = self.story_hook(aid, features, candidates)
            if forced is not None:
                return (forced, 1.0) if forced >= 0 else (-1, -math.inf)
        best_story, best = -1, -math.inf
        model = (self.story_model or shipped_model()) if p.learned_story else None
        for s, x in features.items():
            if model is not None:
                score = model.logit(x) if x[0] >= p.story_min_sim else -math.inf
            else:
                score = max(h[0] for h in candidates[s]) - p.story_threshold + self._place_term(row, s)
            if score > best:
                best, best_story = score, s
        return best_story, best
