"""Online two-level clustering: articles into *events*, events into *stories*.

An **event** is one development reported within days (a launch, a verdict);
a **story** is the long-running thread that chains events across months or
years (China and the Taliban, 2021 -> 2025). Each arriving article is placed
on arrival from its k nearest neighbours in the vector index; nothing is
recomputed globally. :func:`recluster` replays a backfill in date order.

Scores (all parameters in :class:`LinkParams`, one set for every data set;
they are calibrated for the default feature source, :func:`default_source`):

* event score of article x for event E = *content* ``+ ENT * best key
  overlap`` with E's members among the neighbours, where content =
  ``x · mean(E)`` (the average cosine of x to E's members: average linkage,
  kept as a sparse centroid sum, so no member scan) ``- TW * log1p(gap /
  TAU)``, ``gap`` being the days from x to E's date span (0 inside it; TW is
  0 by default: same-event reports carry dates off by weeks, and inside the
  silence window time only cost recall). x joins the best event scoring at
  least ``event_threshold``, else opens a new one.
* silence rule: an event may grow for as long as its coverage continues, but
  an article after a *silence* longer than ``max(event_gap_days,
  event_cadence_factor * E's mean spacing)`` (a year by default) is a new
  development of the story unless its *content* alone reaches
  ``event_revive_threshold`` (well over the join bar: the same fact
  re-reported, or a re-dated page). Shared names do not count here: the same
  actors (China, the Taliban) run through every development of a story, so
  they say "same story", not "same development". The same rule guards
  merges. A gap, not a span limit: a slow event reported weekly for a year
  stays one event, a 2025 development of a 2021 story does not.
* after joining, any other candidate event F is **merged** into E when the
  average linkage of the two (``mean(E) · mean(F)`` with the same time term)
  clears the threshold: x was the missing evidence that they are one event.
* an event that grew by a merge, or reached 8, 16, 32, ... members, is
  re-clustered by average linkage and **split** when its members fall into
  separate groups of two or more (evidence changed).
* story level (:mod:`.story_level`): x's neighbours outside x's event, grouped
  by story, are the candidate threads. The learned decision (:mod:`.story_model`,
  ``learned_story``) weighs, per candidate, the best cosine, its share of the
  neighbours, names, time, and the candidate's *centroid* (:mod:`.centroids`:
  the thread's recurring vocabulary, how far the article stands above the other
  candidates on it, and whether it is as close to the thread's articles as they
  are to each other). The rule it replaced: ``max`` over the neighbours of
  ``cos(x, n) + ENT * key overlap - STW * log1p(gap / STAU)`` against
  ``story_threshold``. A new event joins the best story that clears the
  decision; an article of an existing event whose story differs from one that
  clears it **merges** the two stories.

Articles without text are left unclustered with a reason; an article without
a plausible date (none, before 1990, or far in the future) is placed by
content alone, at a fixed penalty, and the reason is recorded. The days and
months it names without a year still count: "mid-July ... early August" is
the recent past of a development dated 27 September, not of one dated 6 July,
so an event they cannot precede is scored down (``undated_mismatch_penalty``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from ..errors import StoreError
from ..model import Article
from .centroids import StoryCentroids, sparse
from .dates import recent_past_share, yearless_mentions
from .engine_state import EngineState
from .event_model import EventHit, event_features
from .event_model import shipped_model as shipped_event_model
from .features import (
    FeatureSource,
    as_utc,
    document,
    embed_in,
    entity_keys,
    key_hashes,
)
from .index import ArticleTable, VectorIndex, key_overlap
from .items import (
    EPOCH,
    LinkItem,
    LinkParams,
    Placement,
    default_source,
    plausible_days,
)
from .lookback import GenerationKeys
from .meaning import MeaningVectors
from .places import StoryPlaces, country_profile
from .story_level import StoryHook, find_root
from .story_model import StoryModel

#: (aid, features by candidate event) -> forced event, -1 new, None to decide (training only)
EventHook = Callable[[str, dict[int, list[float]]], int | None]


def _as_date(days: float) -> date:
    return (EPOCH + timedelta(days=days)).date()


def _gap_to_span(day: float, first: float, last: float) -> float:
    if math.isnan(day) or math.isnan(first):
        return math.nan
    if day < first:
        return first - day
    return max(0.0, day - last)


class StoryEngine(EngineState):
    """Incremental event/story clustering over an :class:`ArticleTable` and :class:`VectorIndex`."""

    def __init__(
        self,
        source: FeatureSource | None = None,
        params: LinkParams | None = None,
        *,
        dim: int | None = None,
        now: datetime | None = None,
    ):
        self.source = source
        self.params = params or LinkParams()
        self.now = now
        self.dim = int(dim if dim is not None else (source.dim if source is not None else 0))
        if self.dim <= 0:
            raise ValueError("StoryEngine needs a feature source or a vector dimension")
        self.table = ArticleTable()
        self.index = VectorIndex(self.dim)
        self.art_event = np.zeros(0, dtype=np.int32)
        # Events: union-find parents, member counts, date spans, running means.
        self.ev_parent: list[int] = []
        self.ev_count: list[int] = []
        self.ev_first: list[float] = []
        self.ev_last: list[float] = []
        self.ev_story: list[int] = []
        # Event centroids as sparse sums (uint16 positions, float16 values): a
        # million articles' events would not fit as dense 4,096-d rows. None = a
        # one-article event, whose centroid is its article's row in the index.
        self.ev_pos: list[np.ndarray | None] = []
        self.ev_val: list[np.ndarray | None] = []
        self.members: dict[int, list[int]] = {}
        self.st_parent: list[int] = []
        #: each story's sum of article vectors (rebuilt on load, see .centroids)
        self.st_sums = StoryCentroids(self.dim)
        #: articles' and stories' country profiles (read only when the place anchor is on)
        self.places = StoryPlaces()
        self.meaning = MeaningVectors()
        self._meaning_vec: np.ndarray | None = None
        #: the older graphs' entity keys, which route a look-back (rebuilt from the table)
        self.lookback = GenerationKeys()
        self.unplaced: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        #: training only (benchmarks/train_story_model.py): sees each placement's candidate
        #: stories' features and may force the decision (a story id, -1 for new, None to decide)
        self.story_hook: StoryHook | None = None
        #: the learned story decision; None: the shipped one (leave-one-set-out runs set their own)
        self.story_model: StoryModel | None = None
        #: training only: sees each placement's candidate events' features and may force the choice
        self.event_hook: EventHook | None = None
        #: the learned event decision; None: the shipped one
        self.event_model: StoryModel | None = None
        #: the event the threshold rule would have joined in the current placement (-1: none)
        self._rule_event = -1
        self._rule_margin = 0.0
        #: the story centroids wait to be rebuilt from the events (after a load)
        self._centroids_stale = False

    # ------------------------------------------------------------------ union-find

    def event_of_row(self, row: int) -> int:
        return self._find_event(int(self.art_event[row]))

    def _find_event(self, e: int) -> int:
        return find_root(self.ev_parent, e)

    # ------------------------------------------------------------------ public API

    def __len__(self) -> int:
        return len(self.table)

    def event_of(self, article_id: str) -> int | None:
        row = self.table.rows.get(article_id)
        return None if row is None else self.event_of_row(row)

    def story_of(self, article_id: str) -> int | None:
        row = self.table.rows.get(article_id)
        return None if row is None else self.story_of_event(int(self.art_event[row]))

    def events(self) -> dict[int, list[str]]:
        return {e: [self.table.ids[r] for r in rows] for e, rows in self.members.items()}

    def stories(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for e in self.members:
            out.setdefault(self.story_of_event(e), []).append(e)
        return out

    def event_days(self, e: int) -> tuple[float, float]:
        e = self._find_event(e)
        return self.ev_first[e], self.ev_last[e]

    def add_article(self, article: Article, *, vector: np.ndarray | None = None) -> Placement:
        return self.add(LinkItem.from_article(article, vector=vector))

    def add(self, item: LinkItem) -> Placement:
        """Place one article; never raises for bad content, says why instead."""
        aid = item.article_id
        if aid in self.table.rows:
            e = self.event_of(aid)
            return Placement(aid, e, self.story_of(aid), reason="already placed")
        vec = self._vector(item)
        if vec is None:
            self.unplaced[aid] = "no text: left unclustered"
            return Placement(aid, None, None, reason=self.unplaced[aid])
        day, date_note = plausible_days(item.published, self.now)
        keys = key_hashes(entity_keys(item.entities))
        # Undated: the yearless dates it names still say which developments it cannot be from.
        hints = yearless_mentions(item.text) if math.isnan(day) and item.text else []
        if self._reads_places():  # under the row the article is about to take
            self.places.add_row(len(self.table), country_profile(item.title, item.text))
        self._meaning_vec = item.meaning
        return self._place(
            aid, vec, day, item.outlet, item.language, keys, item.copy_of, date_note, hints=hints
        )

    # ------------------------------------------------------------------ internals

    def _vector(self, item: LinkItem) -> np.ndarray | None:
        if item.vector is not None:
            vec = np.asarray(item.vector, dtype=np.float32).reshape(-1)
        else:
            if not (item.title or "").strip() and not (item.text or "").strip():
                return None
            if self.source is None:
                raise ValueError("no vector given and no feature source configured")
            vec = embed_in(self.source, [document(item.title, item.text)], [item.language])[0]
        norm = float(np.linalg.norm(vec))
        if not math.isfinite(norm) or norm == 0.0:
            return None
        return vec / norm

    def _new_event(self, row: int, vec: np.ndarray, day: float) -> int:
        e = len(self.ev_parent)
        self.ev_parent.append(e)
        self.ev_count.append(1)
        self.ev_first.append(day)
        self.ev_last.append(day)
        self.ev_story.append(-1)
        self.ev_pos.append(None)
        self.ev_val.append(None)
        self.members[e] = [row]
        self.art_event[row] = e
        return e

    def _event_span_update(self, e: int, day: float) -> None:
        if math.isnan(day):
            return
        if math.isnan(self.ev_first[e]):
            self.ev_first[e] = self.ev_last[e] = day
        else:
            self.ev_first[e] = min(self.ev_first[e], day)
            self.ev_last[e] = max(self.ev_last[e], day)

    def _time_term(self, gap: float, weight: float, tau: float) -> float:
        if math.isnan(gap):
            return self.params.undated_penalty
        return weight * math.log1p(gap / tau)

    def _place(
        self,
        aid: str,
        vec: np.ndarray,
        day: float,
        outlet: str,
        lang: str,
        keys: np.ndarray,
        copy_of: str | None,
        date_note: str,
        *,
        hints: list[tuple[int, int]] | None = None,
    ) -> Placement:
        p = self.params
        rows, sims = self.index.search(vec, p.k, scope="recent")
        row = self.table.add(aid, day, outlet, lang, keys)
        self.index.add(vec)
        if self.art_event.shape[0] <= row:
            self.art_event = np.resize(self.art_event, max(row + 1, int(row * 1.5) + 1024))
        if copy_of is not None and copy_of in self.table.rows:
            self.table.copy_of[row] = self.table.rows[copy_of]
        if date_note:
            self.notes[aid] = date_note
        my_lang = self.table.lang[row]

        # Neighbours grouped by event; other languages never link.
        by_event: dict[int, list[EventHit]] = {}
        seen: set[int] = {row}

        def group(found: np.ndarray, found_sims: np.ndarray) -> None:
            for r, sim in zip(found.tolist(), found_sims.tolist(), strict=True):
                if r in seen or (my_lang and self.table.lang[r] and self.table.lang[r] != my_lang):
                    continue
                seen.add(r)
                overlap = key_overlap(keys, self.table.keys[r])
                by_event.setdefault(self.event_of_row(r), []).append((r, sim, overlap))

        group(rows, sims)

        def content_of(e: int) -> tuple[float, float]:
            """(average cosine less the time and date-hint terms, gap in days); -inf when the
            silence rule shuts the event."""
            gap = _gap_to_span(day, self.ev_first[e], self.ev_last[e])
            content = self._mean_dot(e, vec) - self._time_term(gap, p.event_time_weight, p.event_tau_days)
            if hints and len(hints) >= 2 and not math.isnan(self.ev_first[e]):
                fit = max(recent_past_share(hints, _as_date(d)) for d in (self.ev_first[e], self.ev_last[e]))
                content -= p.undated_mismatch_penalty * (1.0 - fit)
            # After a silence only the content can revive an event: shared names
            # (China, the Taliban) say "same story", not "same development".
            if gap > self._silence(e) and content < p.event_revive_threshold:
                return -math.inf, gap
            return content, gap

        self._rule_event = -1
        scored = self._score_events(aid, by_event, content_of)
        looked_back = False
        if (not scored or scored[0][0] < 0.0) and self.index.generations > 2:
            # No recent event takes it: the older graphs may hold the story it continues
            # (a late development, a backfilled report), searched where its names are
            # (.lookback), so a placement costs the same however many years the store holds.
            spans = self.index.graph_spans()
            self.lookback.sync(spans[:-2], self.table.keys)  # the recent two still take rows
            graphs = self.lookback.choose(keys)
            if graphs:
                group(*self.index.search(vec, p.k, scope="older", graphs=graphs))
                looked_back = True
                scored = self._score_events(aid, by_event, content_of)
        placement = Placement(aid, None, None, reason=date_note, looked_back=looked_back)
        if scored and scored[0][0] >= 0.0:
            _, score, e = scored[0]
            self._join(e, row, vec, day)
            placement.score = score
            for decision, _, f in scored[1:]:
                if decision < 0.0:
                    break
                f = self._find_event(f)
                e = self._find_event(e)
                if f != e and self._event_linkage(e, f) >= p.event_threshold:
                    e = self._merge_events(e, f)
                    placement.merged_events.append(f)
        else:
            e = self._new_event(row, vec, day)
            placement.new_event = True
        e = self._find_event(e)

        self._place_story(aid, row, e, vec, day, by_event, placement)
        if placement.merged_events or self.ev_count[e] in (8, 16, 32, 64, 128, 256):
            placement.split_events = self._maybe_split(e)
        placement.event_id = self.event_of_row(row)
        placement.story_id = self.story_of_event(placement.event_id)
        return placement

    def _score_events(
        self,
        aid: str,
        by_event: dict[int, list[EventHit]],
        content_of: Callable[[int], tuple[float, float]],
    ) -> list[tuple[float, float, int]]:
        """Candidate events as (decision, rule score, event), best first; joins when decision >= 0.

        The rule: content + ENT * best key overlap - ``event_threshold``. The learned model
        (:mod:`.event_model`, ``learned_event``): its logit over the candidate's features.
        """
        p = self.params
        contents = {e: content_of(e) for e in by_event}
        open_events = {e: cg for e, cg in contents.items() if cg[0] > -math.inf}
        rule = {e: contents[e][0] + p.entity_weight * max(h[2] for h in by_event[e]) for e in by_event}
        if not (p.learned_event or self.event_hook is not None) or not open_events:
            out = [(rule[e] - p.event_threshold, rule[e], e) for e in by_event]
            return sorted(out, reverse=True)
        # The median cosine of the k neighbours, a missing one (a small store, other
        # languages) counting as 0: an empty neighbourhood is a sparse one.
        sims = [h[1] for hits in by_event.values() for h in hits]
        background = float(np.median(sims + [0.0] * max(0, p.k - len(sims))))
        features = {
            e: event_features(content, by_event[e], background, gap)
            for e, (content, gap) in open_events.items()
        }
        if self.event_hook is not None:
            forced = self.event_hook(aid, features)
            if forced is not None:
                return [(1.0, rule[forced], forced)] if forced >= 0 else []
        if not p.learned_event:
            out = [(rule[e] - p.event_threshold, rule[e], e) for e in by_event]
            return sorted(out, reverse=True)
        model = self.event_model or shipped_event_model()
        best_rule = max(by_event, key=lambda e: rule[e])
        if rule[best_rule] >= p.event_threshold:
            self._rule_event = best_rule
            self._rule_margin = rule[best_rule] - p.event_threshold
        return sorted(((model.logit(x), rule[e], e) for e, x in features.items()), reverse=True)

    def _join(self, e: int, row: int, vec: np.ndarray, day: float) -> None:
        self._set_sum(e, self._sum(e) + vec)
        self.ev_count[e] += 1
        self._event_span_update(e, day)
        self.members[e].append(row)
        self.art_event[row] = e

    def _sum(self, e: int) -> np.ndarray:
        """Dense float32 sum of event ``e``'s member vectors."""
        pos, val = self.ev_pos[e], self.ev_val[e]
        if pos is None or val is None:
            return self.index.vectors([self.members[e][0]])[0]
        out = np.zeros(self.dim, dtype=np.float32)
        out[pos] = val
        return out

    def _set_sum(self, e: int, total: np.ndarray) -> None:
        # sums stay < 300: float16 keeps ~3 digits
        self.ev_pos[e], self.ev_val[e] = sparse(total, np.float16)

    def _mean_dot(self, e: int, vec: np.ndarray) -> float:
        """``mean(E) · vec``: the average cosine of ``vec`` to event ``e``'s members."""
        pos, val = self.ev_pos[e], self.ev_val[e]
        if pos is None or val is None:
            return float(self.index.vectors([self.members[e][0]])[0] @ vec)
        return float(val.astype(np.float32) @ vec[pos]) / self.ev_count[e]

    def _event_linkage(self, e: int, f: int) -> float:
        p = self.params
        gap = math.nan
        if not (math.isnan(self.ev_first[e]) or math.isnan(self.ev_first[f])):
            gap = max(0.0, self.ev_first[f] - self.ev_last[e], self.ev_first[e] - self.ev_last[f])
        mean_e = self._sum(e) / self.ev_count[e]
        score = self._mean_dot(f, mean_e) - self._time_term(gap, p.event_time_weight, p.event_tau_days)
        if gap > max(self._silence(e), self._silence(f)) and score < p.event_revive_threshold:
            return -math.inf
        return score

    def _silence(self, e: int) -> float:
        """Days of silence after which coverage of event ``e`` counts as a new development.

        Relative to the event's own cadence: a slow-burning event (one report a
        week) may pause longer than a breaking one without being over.
        """
        p = self.params
        n = self.ev_count[e]
        span = self.ev_last[e] - self.ev_first[e]
        if n < 2 or math.isnan(span):
            return p.event_gap_days
        return max(p.event_gap_days, p.event_cadence_factor * span / (n - 1))

    def _merge_events(self, e: int, f: int) -> int:
        """Fold the smaller event into the larger; the stories merge with them."""
        if self.ev_count[f] > self.ev_count[e]:
            e, f = f, e
        self._set_sum(e, self._sum(e) + self._sum(f))
        self.ev_pos[f] = self.ev_val[f] = np.zeros(0, dtype=np.float32)  # f is no root any more
        self.ev_count[e] += self.ev_count[f]
        for day in (self.ev_first[f], self.ev_last[f]):
            self._event_span_update(e, day)
        self.members[e].extend(self.members.pop(f))
        self.ev_parent[f] = e
        se, sf = self.ev_story[e], self.ev_story[f]
        if se < 0:
            self.ev_story[e] = sf
        elif sf >= 0 and self._find_story(se) != self._find_story(sf):
            self._union_stories(self._find_story(se), self._find_story(sf))
        return e

    def _maybe_split(self, e: int) -> list[int]:
        """Re-cluster one event's members by average linkage; split off separate groups."""
        rows = self.members[e]
        if len(rows) < 4 or len(rows) > self.params.split_max_members:
            return []
        vecs = self.index.vectors(rows)
        groups = average_linkage(vecs, self.params.event_threshold)
        big = [g for g in groups if len(g) >= 2]
        if len(big) < 2:
            return []
        # The largest group keeps the event id; singletons stay with it (too little evidence).
        big.sort(key=len, reverse=True)
        keep = {i for g in groups if g is not big[0] and len(g) < 2 for i in g} | set(big[0])
        story = self.ev_story[e]
        new_ids: list[int] = []
        self.members[e] = [rows[i] for i in sorted(keep)]
        for g in big[1:]:
            g_rows = [rows[i] for i in g]
            f = self._new_event(g_rows[0], vecs[g[0]], float(self.table.days[g_rows[0]]))
            for r, i in zip(g_rows[1:], g[1:], strict=True):
                self._join(f, r, vecs[i], float(self.table.days[r]))
            self.ev_story[f] = story
            new_ids.append(f)
        self._recompute(e)
        return new_ids

    def _recompute(self, e: int) -> None:
        rows = self.members[e]
        self._set_sum(e, self.index.vectors(rows).sum(axis=0))
        self.ev_count[e] = len(rows)
        days = self.table.days[rows]
        days = days[~np.isnan(days)]
        self.ev_first[e] = float(days.min()) if days.size else math.nan
        self.ev_last[e] = float(days.max()) if days.size else math.nan

    # ------------------------------------------------------------------ persistence (.engine_state)

    @classmethod
    def from_state(
        cls, state: Mapping[str, np.ndarray], index: VectorIndex, source: FeatureSource | None = None
    ) -> StoryEngine:
        meta = json.loads(str(state["meta"]))
        engine = cls(source, LinkParams(**meta["params"]), dim=int(meta["dim"]))
        engine._restore(state, meta, index)
        return engine

    @classmethod
    def load(cls, state_path: Path, index_path: Path, source: FeatureSource | None = None) -> StoryEngine:
        try:
            with np.load(Path(state_path), allow_pickle=False) as data:
                state = {k: data[k] for k in data.files}
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read story state {state_path}: {exc}") from exc
        meta = json.loads(str(state["meta"]))
        return cls.from_state(state, VectorIndex.load(Path(index_path), dim=int(meta["dim"])), source)


def average_linkage(vecs: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of rows whose average pairwise cosine stays >= threshold (UPGMA)."""
    n = vecs.shape[0]
    if n <= 1:
        return [list(range(n))]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    dist = np.clip(pdist(vecs.astype(np.float64), metric="cosine"), 0.0, 2.0)
    labels = fcluster(linkage(dist, method="average"), t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels.tolist()):
        groups.setdefault(lab, []).append(i)
    return list(groups.values())


def recluster(
    items: Iterable[LinkItem],
    source: FeatureSource | None = None,
    params: LinkParams | None = None,
    *,
    dim: int | None = None,
    now: datetime | None = None,
) -> StoryEngine:
    """Full re-cluster for a backfill: a fresh engine fed in date order (undated last).

    Date order makes the result independent of the order the backfill was
    read in, and lets every event grow forwards in time as it would have live.
    """
    ordered: Sequence[LinkItem] = sorted(
        items, key=lambda it: (as_utc(it.published) is None, as_utc(it.published) or EPOCH, it.article_id)
    )
    engine = StoryEngine(source or default_source(), params, dim=dim, now=now)
    for item in ordered:
        engine.add(item)
    return engine
