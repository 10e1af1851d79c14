"""Which older graphs a look-back searches: those whose articles share the report's rarer names.

A report that no recent event takes asks the older graphs of the vector index whether it
continues an old story (a late development, a backfilled report). Searching every older
graph made that question cost in proportion to the store: 60 graphs at a million
articles. And it is the common question, not the rare one: with the learned event
decision a new event is what most reports open (23-83% of them on the story dev sets),
so at scale the median placement paid for the whole store.

A late development names the actors of the story it continues (China and the Taliban,
four years on). So each complete older graph keeps the set of its articles' entity keys,
and a look-back searches only the few graphs where the report's names are most specific:
a graph scores the sum, over the report's keys it holds, of how rare the key is across the
older graphs (a name every graph holds scores nothing). A report that shares no name with
any older graph does not look back. The cost is a binary search per key (at most
``KEY_SLOTS``) plus at most :data:`LOOKBACK_GRAPHS` graph searches, however large the
store. The key sets are derived from the article table, so nothing is persisted: an
engine loaded from the store rebuilds them at its first look-back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: the most older graphs one look-back searches (what bounds its cost at any store size)
LOOKBACK_GRAPHS = 4


class GenerationKeys:
    """Sorted (entity key, graph) pairs of the complete older graphs, for routing a look-back."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint32)  # sorted
        self.graphs = np.zeros(0, dtype=np.int32)  # the graph each key of ``keys`` occurs in
        self.done = 0  # graphs 0..done-1 are in the arrays

    def sync(self, spans: Sequence[tuple[int, int]], table_keys: np.ndarray) -> None:
        """Take in the graphs of ``spans`` (row ranges, oldest first) not yet seen. Only graphs
        that no longer receive rows may be passed: a graph's key set is computed once."""
        fresh_keys, fresh_graphs = [], []
        for g in range(self.done, len(spans)):
            start, end = spans[g]
            keys = np.unique(table_keys[start:end].ravel())
            keys = keys[keys != 0]
            fresh_keys.append(keys.astype(np.uint32))
            fresh_graphs.append(np.full(keys.size, g, dtype=np.int32))
        if not fresh_keys:
            return
        keys = np.concatenate([self.keys, *fresh_keys])
        graphs = np.concatenate([self.graphs, *fresh_graphs])
        order = np.argsort(keys, kind="stable")
        self.keys, self.graphs = keys[order], graphs[order]
        self.done = len(spans)

    def choose(self, keys: np.ndarray, limit: int = LOOKBACK_GRAPHS) -> list[int]:
        """The older graphs to search for a report with entity ``keys``: at most ``limit``, the
        most specific shared names first (newer graphs first among equals); [] when none."""
        wanted = np.unique(keys[keys != 0])
        if wanted.size == 0 or self.done == 0:
            return []
        lo = np.searchsorted(self.keys, wanted, side="left")
        hi = np.searchsorted(self.keys, wanted, side="right")
        score = np.zeros(self.done, dtype=np.float64)
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            if b > a:
                # log(graphs / graphs holding the name): 0 for a name every older graph holds
                score[self.graphs[a:b]] += math.log(self.done / (b - a))
        picked = [g for g in np.argsort(-score[::-1], kind="stable")[:limit].tolist()]
        return sorted(self.done - 1 - g for g in picked if score[self.done - 1 - g] > 0.0)
