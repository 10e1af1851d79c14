"""Semantic search: articles ranked by how close their meaning is to the query's.

Each article is embedded once (headline, excerpt and lead) by the fast-tier
static embedder that also classifies topics (model2vec distilled from the
packaged all-MiniLM-L6-v2, see :mod:`newsdesk.enrich.embed`), and its vector
is stored in the store's ``article_vectors`` table, so vectors survive
restarts and a crash loses none that committed. A :class:`SemanticSearch`
holds them in memory as one float32 matrix, loads only what is new on each
refresh, and answers a query with one matrix-vector product: exact, and a few
milliseconds at 100k articles. (Past a few million, an ANN index such as the
usearch one the linker keeps is the next step.)

The snippet of a hit is the sentence of its lead closest to the query, so a
reader sees why it matched even when it shares no word with the query.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..enrich.embed import Embedder, pack_embedding, unpack_embedding
from ..model import Article
from .desk import DeskStore

#: characters of the body embedded with the headline and excerpt (where an article says what it is about)
LEAD_CHARS = 1500
#: sentences of a hit's lead compared with the query to pick its snippet
SNIPPET_SENTENCES = 8
SNIPPET_CHARS = 240
#: Least cosine similarity a semantic hit needs. Measured by benchmarks/search_floor.py on the
#: stories dev sets (titles and event names as queries): the 1st percentile of the similarities of
#: articles of the queried event, pooled over the sets, so 99% of on-event matches pass; each set's
#: figure with the floor fitted on the other set is in benchmarks/README.md ("Semantic floor").
RELEVANCE_FLOOR = 0.21
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True, slots=True)
class SemanticHit:
    article: Article
    snippet: str
    score: float  # cosine similarity with the query, -1..1


def embedding_text(title: str, excerpt: str, text: str) -> str:
    parts = [title.strip(), excerpt.strip(), text[:LEAD_CHARS].strip()]
    return "\n\n".join(p for p in parts if p)


class SemanticSearch:
    """Article vectors of one embedder, in memory, over one store's ``article_vectors``."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self.model = f"{embedder.name}/{embedder.dim}"
        self._ids: list[str] = []
        self._row_of_seq: dict[int, int] = {}
        self._matrix = np.zeros((0, embedder.dim), dtype=np.float32)
        self._loaded_until = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._ids)

    def catch_up(
        self, store: DeskStore, *, batch: int = 256, progress: Callable[[int], None] | None = None
    ) -> int:
        """Embed the stored articles that have no vector yet (or changed since); returns how many."""
        done = 0
        while True:
            todo = store.articles_to_embed(self.model, limit=batch)
            if not todo:
                return done
            vectors = self.embedder.embed([embedding_text(t.title, t.excerpt, t.text) for t in todo])
            packed = [(t, pack_embedding(v)) for t, v in zip(todo, vectors, strict=True)]
            store.save_vectors(self.model, packed)
            done += len(todo)
            if progress is not None:
                progress(done)

    def refresh(self, store: DeskStore) -> int:
        """Load the vectors stored since the last refresh; returns how many."""
        with self._lock:
            fresh = store.vectors_since(self.model, self._loaded_until)
            if not fresh:
                return 0
            new_rows = sum(1 for v in fresh if v.seq not in self._row_of_seq)
            need = len(self._ids) + new_rows
            if need > self._matrix.shape[0]:
                grown = np.zeros((max(need, 2 * self._matrix.shape[0], 1024), self.embedder.dim), np.float32)
                grown[: len(self._ids)] = self._matrix[: len(self._ids)]
                self._matrix = grown
            for v in fresh:
                row = self._row_of_seq.get(v.seq)
                if row is None:
                    row = self._row_of_seq[v.seq] = len(self._ids)
                    self._ids.append(v.article_id)
                self._matrix[row] = unpack_embedding(v.vector)
            self._loaded_until = fresh[-1].batch
            return len(fresh)

    def similarities(self, store: DeskStore, query: str) -> tuple[list[str], np.ndarray]:
        """Every loaded article's id and its cosine similarity with ``query`` (the same order)."""
        query = query.strip()
        if not query:
            return [], np.zeros(0, dtype=np.float32)
        return self._similarities(store, self.embedder.embed([query])[0])

    def _similarities(self, store: DeskStore, q: np.ndarray) -> tuple[list[str], np.ndarray]:
        self.refresh(store)
        with self._lock:
            n = len(self._ids)
            if n == 0 or not np.any(q):
                return [], np.zeros(0, dtype=np.float32)
            return list(self._ids), self._matrix[:n] @ q

    def search(
        self, store: DeskStore, query: str, *, limit: int = 20, floor: float = RELEVANCE_FLOOR
    ) -> list[SemanticHit]:
        """The ``limit`` articles closest in meaning to ``query``, best first, none under ``floor``.

        The nearest articles of an unrelated query are still unrelated: "football transfer
        news" over a store of Taliban coverage returns nothing rather than the Taliban.
        """
        query = query.strip()
        if not query:
            return []
        q = self.embedder.embed([query])[0]
        ids, scores = self._similarities(store, q)
        keep = np.nonzero(scores >= floor)[0]
        if keep.size == 0:
            return []
        k = min(limit, int(keep.size))
        top = keep[np.argpartition(-scores[keep], k - 1)[:k]]
        top = top[np.argsort(-scores[top], kind="stable")]
        ranked = [(ids[i], float(scores[i])) for i in top]
        articles = {a.id: a for a in store.get_many([aid for aid, _ in ranked])}
        hits = [(articles[aid], score) for aid, score in ranked if aid in articles]
        snippets = self._snippets(q, [a for a, _ in hits])
        return [SemanticHit(a, snippet, score) for (a, score), snippet in zip(hits, snippets, strict=True)]

    def _snippets(self, q: np.ndarray, articles: list[Article]) -> list[str]:
        per_article: list[list[str]] = []
        for a in articles:
            lead = a.text[: LEAD_CHARS * 2] or a.excerpt
            sentences = [s.strip() for s in _SENTENCE_END.split(lead) if len(s.strip()) > 20]
            per_article.append(sentences[:SNIPPET_SENTENCES] or [a.excerpt or a.title])
        flat = [s for sentences in per_article for s in sentences]
        if not flat:
            return ["" for _ in articles]
        scores = self.embedder.embed(flat) @ q
        out: list[str] = []
        start = 0
        for sentences in per_article:
            best = sentences[int(np.argmax(scores[start : start + len(sentences)]))]
            start += len(sentences)
            out.append(best if len(best) <= SNIPPET_CHARS else best[: SNIPPET_CHARS - 1].rstrip() + "…")
        return out
