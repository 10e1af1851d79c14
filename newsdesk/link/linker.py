"""The link stage: copies, events and stories for each stored article, kept in the store.

The store is the truth; the linker's state (story engine, vector index) is
derived from it and saved *in* the store, as one generation per save in one
transaction (:mod:`newsdesk.store.linkstate`), so any process on any machine
can serve or extend it and a crash mid-save leaves the previous generation.
A state that does not open, or does not agree with itself, is set aside at
load: the linker starts empty and re-links from the store (the state is a
cache). After a crash the next run re-links whatever the store holds that the
saved state does not, so the two never disagree for long.

Writers link under the store's link lock (:func:`newsdesk.pipeline.link_new`):
reload the newest state if another process saved since, place what is
missing, save. Readers need no lock.

The copy detector is rebuilt on load from the articles of the last
``COPY_WINDOW_DAYS`` (wire copies are re-published within days), which keeps
its memory bounded however large the store grows.
"""

from __future__ import annotations

import io
import json
import logging
import math
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from ..errors import StoreError
from ..model import Article, Image, RelatedItem, now_utc
from ..store.base import Store
from ..store.linkstate import LinkSnapshot, LinkStateStore
from .cluster import StoryEngine
from .copies import CopyIndex, fold_related
from .heat import HeatParams, HeatResult, story_heat
from .index import VectorIndex, related
from .items import EPOCH, LinkItem, Placement, default_source
from .lead import C, centrality, pick_lead
from .meaning import unpack as unpack_meaning
from .timeline import Development, story_timeline

log = logging.getLogger(__name__)

COPY_WINDOW_DAYS = 7.0
RELATED_LIMIT = 5
#: layout of the saved blobs: "engine" (npz of StoryEngine.to_state), "index" (VectorIndex bytes)
STATE_FORMAT = 1


def engine_to_blobs(engine: StoryEngine) -> dict[str, bytes]:
    """The engine as bytes: every array of its state (whatever the engine adds to ``to_state``
    persists with it), numpy's own zip layout, no pickles."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **engine.to_state())  # type: ignore[arg-type]
    return {"engine": buf.getvalue(), "index": engine.index.to_bytes()}


def engine_from_snapshot(snap: LinkSnapshot) -> StoryEngine:
    """The saved engine, checked: the arrays open, the index and the table agree, and both
    hold as many articles as the save recorded. Raises StoreError otherwise."""
    if snap.format != STATE_FORMAT:
        raise StoreError(f"story state format {snap.format} is not {STATE_FORMAT}")
    try:
        with np.load(io.BytesIO(snap.blobs["engine"]), allow_pickle=False) as data:
            state = {k: data[k] for k in data.files}
        meta = json.loads(str(state["meta"]))
        index = VectorIndex.from_bytes(snap.blobs["index"], dim=int(meta["dim"]))
        engine = StoryEngine.from_state(state, index, default_source())
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as exc:
        raise StoreError(f"story state generation {snap.generation} does not open: {exc}") from exc
    if len(engine.table) != snap.articles:
        raise StoreError(
            f"story state generation {snap.generation} holds {len(engine.table)} articles, "
            f"its save recorded {snap.articles}"
        )
    return engine


def _legacy_files(store: object) -> tuple[Path, Path] | None:
    """The files older versions saved beside a SQLite database, if there are any."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path) or str(path) == ":memory:":
        return None
    state = path.with_name(path.name + ".stories.npz")
    index = path.with_name(path.name + ".vectors.usearch")
    return (state, index) if state.exists() and index.exists() else None


class Linker:
    """Places articles into events and stories, and answers questions about them."""

    def __init__(self, engine: StoryEngine, *, heat: HeatParams | None = None):
        self.engine = engine
        self.heat_params = heat or HeatParams()
        self.copies = CopyIndex()
        #: whether ``copies`` holds the stored last week this state already knew: read once
        #: per state, not on every batch (at a million articles a day, a week is 7M texts)
        self.copies_warm = False
        self.changed = False
        #: the store generation this state was loaded from or saved as (0: none)
        self.generation = 0

    @classmethod
    def open(cls, store: LinkStateStore | None, *, heat: HeatParams | None = None) -> Linker:
        """The newest state saved in ``store`` (a fresh one when none is, or when it does not
        open: the next :func:`~newsdesk.pipeline.link_new` re-links from the store)."""
        if store is None:
            return cls(StoryEngine(default_source()), heat=heat)
        snap = store.load_link_state()
        if snap is None:
            legacy = _legacy_files(store)
            if legacy is not None:
                try:
                    linker = cls(StoryEngine.load(*legacy, default_source()), heat=heat)
                except (StoreError, KeyError, ValueError, OSError) as exc:
                    log.warning("%s does not open (%s): re-linking from the store", legacy[0], exc)
                    return cls(StoryEngine(default_source()), heat=heat)
                linker.changed = True  # moved into the store on the next save
                return linker
            return cls(StoryEngine(default_source()), heat=heat)
        try:
            linker = cls(engine_from_snapshot(snap), heat=heat)
        except StoreError as exc:
            log.warning("%s: re-linking from the store", exc)
            linker = cls(StoryEngine(default_source()), heat=heat)
            linker.changed = True
        linker.generation = snap.generation
        return linker

    @classmethod
    def rebuild(cls, *, heat: HeatParams | None = None) -> Linker:
        """A fresh, empty linker that will replace the saved state on ``save``."""
        linker = cls(StoryEngine(default_source()), heat=heat)
        linker.changed = True
        linker.generation = -1  # never "behind" the store: it replaces whatever is saved
        return linker

    def sync(self, store: LinkStateStore) -> bool:
        """Take over a newer state another process saved (call under the link lock);
        True if one was loaded. A rebuilding linker keeps its own."""
        if self.generation < 0:
            return False
        current = store.link_generation()
        if current == self.generation:
            return False
        fresh = Linker.open(store, heat=self.heat_params)
        self.engine, self.copies, self.generation = fresh.engine, fresh.copies, fresh.generation
        self.copies_warm = False  # a new state: its week of copies is read again
        self.changed = self.changed or fresh.changed
        return True

    def save(self, store: LinkStateStore) -> None:
        """Save the state as the store's newest generation (call under the link lock)."""
        if self.changed:
            self.generation = store.save_link_state(
                engine_to_blobs(self.engine), articles=len(self.engine.table), format=STATE_FORMAT
            )
            self.changed = False

    # -- writing --------------------------------------------------------
    def catch_up(self, store: Store) -> int:
        """Link the stored articles the saved state lacks (after a crash or an older version)."""
        known = self.engine.table.rows
        # get_many skips (and logs) a stored row that cannot be read: one bad row must not
        # stop every later article from being linked
        missing = store.get_many([i for i in store.ids() if i not in known])
        if not missing:
            # Nothing to place: readers (export, stories) skip re-hashing the last week's texts.
            return 0
        if not self.copies_warm:
            # What this linker places from here on enters ``copies`` as it is linked; only
            # what the saved state knew before has to be read back.
            newest = store.newest_published()
            if newest is not None:
                for a in store.published_since(newest - timedelta(days=COPY_WINDOW_DAYS)):
                    if a.id in known:
                        self.copies.add(a.id, a.text, a.published)
            self.copies_warm = True
        # Date order, as live: events grow forwards in time and the earliest copy is the original.
        missing.sort(key=lambda a: (a.published is None, a.published.timestamp() if a.published else 0.0))
        meanings = store.meanings([a.id for a in missing])
        for article in missing:
            self.link(article, meaning=meanings.get(article.id))
        return len(missing)

    def link(self, article: Article, *, meaning: bytes | None = None) -> Placement:
        """Place one article (``meaning``: its stored meaning vector, when not on the article);
        an already placed one is left where it is."""
        if article.id in self.engine.table.rows:
            return self.engine.add(LinkItem(article.id))
        item = LinkItem.from_article(article, meaning=unpack_meaning(meaning or article.meaning))
        match = self.copies.add(article.id, article.text, article.published) if article.text else None
        if match is not None and match.article_id == article.id:
            item.copy_of = match.original_id
        placement = self.engine.add(item)
        if match is not None and match.article_id != article.id:
            # A late original: the earlier root becomes its copy.
            rows = self.engine.table.rows
            if match.article_id in rows and article.id in rows:
                self.engine.table.copy_of[rows[match.article_id]] = rows[article.id]
        self.changed = True
        return placement

    # -- reading --------------------------------------------------------
    def event_of(self, article_id: str) -> int | None:
        return self.engine.event_of(article_id)

    def story_of(self, article_id: str) -> int | None:
        return self.engine.story_of(article_id)

    def estimated_date(self, article_id: str) -> datetime | None:
        """For an undated article, the day its development's latest dated coverage is from."""
        event = self.event_of(article_id)
        if event is None:
            return None
        _, last = self.engine.event_days(event)
        if math.isnan(last):
            return None
        return EPOCH + timedelta(days=math.floor(last))

    def estimates(self, articles: Iterable[Article]) -> dict[str, datetime]:
        """:meth:`estimated_date` of each undated article that has one (for feeds)."""
        out: dict[str, datetime] = {}
        for a in articles:
            if a.published is None and (when := self.estimated_date(a.id)) is not None:
                out[a.id] = when
        return out

    def original_of(self, article_id: str) -> str | None:
        table = self.engine.table
        row = table.rows.get(article_id)
        if row is None or table.copy_of[row] < 0:
            return None
        return table.ids[int(table.copy_of[row])]

    def lead_of(self, candidates: Sequence[C]) -> C:
        """The article that fronts a story of these members (:mod:`newsdesk.link.lead`)."""
        table = self.engine.table
        found = [(i, table.rows[c.id]) for i, c in enumerate(candidates) if c.id in table.rows]
        known = [i for i, _ in found]
        central = [0.0] * len(candidates)
        if known:
            scores = centrality(self.engine.index.vectors([row for _, row in found]))
            for i, score in zip(known, scores.tolist(), strict=True):
                central[i] = score
        copies = [self.original_of(c.id) is not None for c in candidates]
        return pick_lead(candidates, central, copies)

    def story_articles(self, story_id: int) -> list[str]:
        root = self.engine.shown_story(story_id)
        ids: list[str] = []
        for event, members in self.engine.events().items():
            if self.engine.story_of_event(event) == root:
                ids.extend(members)
        return ids

    def timeline(self, story_id: int, store: Store, *, limit: int | None = None) -> list[Development]:
        def texts(article_id: str) -> tuple[str, str]:
            article = store.get(article_id)
            return article.title, article.text

        return story_timeline(self.engine, story_id, texts, limit=limit)

    def heat(self, story_id: int, store: Store, *, now: datetime | None = None) -> HeatResult:
        # Briefs, not whole articles: heat needs dates, outlets and quality, not bodies.
        briefs = store.briefs(self.story_articles(story_id))
        return self.heat_of(((b.published, b.outlet, b.quality) for b in briefs), now or now_utc())

    def heat_of(self, triples: Iterable[tuple[datetime | None, str, int]], now: datetime) -> HeatResult:
        """Heat from (published, outlet, quality) triples, with this linker's half-life and window."""
        p = self.heat_params
        return story_heat(triples, now, half_life_hours=p.half_life_hours, window_days=p.window_days)

    def related_items(self, article: Article, store: Store, *, k: int = RELATED_LIMIT) -> list[RelatedItem]:
        """Other outlets' coverage, newest first, with copies folded (seed 000's AP twins)."""
        items: list[RelatedItem] = []
        story = self.story_of(article.id)
        for neighbour in related(self.engine.table, self.engine.index, article.id, k):
            # Related coverage is coverage of the same story; a nearest neighbour from
            # another story is only the least unrelated article in a small store.
            if story is None or self.story_of(neighbour.article_id) != story:
                continue
            other = store.get(neighbour.article_id)
            items.append(
                RelatedItem(
                    title=other.title,
                    excerpt=other.excerpt,
                    published=other.published,
                    web_url=other.web_url or other.url,
                    provider=other.provider,
                    quality=other.quality,
                    images=[Image(i.url, i.width, i.height, i.is_cached) for i in other.images[:1]],
                )
            )
        items = fold_related(list(article.related) + items)
        return sorted(
            items, key=lambda r: (r.published is None, -(r.published.timestamp() if r.published else 0))
        )


def decorate(article: Article, store: Store, linker: Linker, *, now: datetime | None = None) -> Article:
    """The article as a record shows it now: related coverage, heat, and its original if a copy."""
    out = article.replace(related=linker.related_items(article, store))
    story = linker.story_of(article.id)
    heat = linker.heat(story, store, now=now) if story is not None else None
    out.heat = heat.heat if heat is not None else -1
    out.info = dict(
        article.info,
        event_id=linker.event_of(article.id),
        story_id=story,
        heat_parts=heat.parts if heat is not None else {},
    )
    original_id = linker.original_of(article.id)
    if original_id is not None:
        original = store.get(original_id)
        out.url = original.url or original.web_url or out.url
        out.original_url = out.url
        out.original_provider = out.original_provider or original.provider.name or original.provider.domain
        out.info["copy_of"] = original_id
    return out
